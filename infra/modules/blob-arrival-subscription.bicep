// Delivers the creation of commit records, and nothing else from the staging container, to the blob-arrival function.
// Event Grid checks that the function exists when the subscription is created, so this is deployed after the code:
// by the azd postdeploy hook (infra/scripts/postdeploy.*), or by main.bicep with blobArrivalSubscriptionEnabled=true.
//
// Blob event subjects read /blobServices/default/containers/<container>/blobs/<blob path>. Commit records are
// <prefix>/tables/<table>/commits/<sequence>.json; state/, leases/, runs/ and quarantine notes are .json too, hence
// the advanced filter on "/commits/" besides the subject prefix and suffix.
targetScope = 'resourceGroup'

@description('The staging account\'s Event Grid system topic.')
param systemTopicName string

param functionAppName string

@description('Name of the blob-arrival function; it must be an Event Grid trigger.')
param functionName string

@description('The staging container.')
param containerName string

param subscriptionName string = 'blob-arrival'

@description('Delivery attempts before an event is dropped.')
@minValue(1)
@maxValue(30)
param maxDeliveryAttempts int = 30

@description('Minutes Event Grid keeps retrying an undelivered event.')
@minValue(1)
@maxValue(1440)
param eventTimeToLiveInMinutes int = 1440

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource eventSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: subscriptionName
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionApp.id}/functions/${functionName}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${containerName}/blobs/'
      subjectEndsWith: '.json'
      isSubjectCaseSensitive: true
      advancedFilters: [
        {
          operatorType: 'StringContains'
          key: 'Subject'
          values: [
            '/commits/'
          ]
        }
      ]
    }
    retryPolicy: {
      maxDeliveryAttempts: maxDeliveryAttempts
      eventTimeToLiveInMinutes: eventTimeToLiveInMinutes
    }
  }
}

output name string = eventSubscription.name

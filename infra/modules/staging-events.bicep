// The Event Grid system topic of the staging account: the source of BlobCreated events for committed batches.
targetScope = 'resourceGroup'

param name string

@description('Must be the staging account\'s region.')
param location string

param tags object

param storageAccountName string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = topic.name

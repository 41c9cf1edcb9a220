// A storage account reachable only with Microsoft Entra ID: no shared keys, no anonymous blob access, TLS 1.2.
// Used twice: for the Functions host (deployment package, host locks, Durable task hub) and for staging.
targetScope = 'resourceGroup'

@minLength(3)
@maxLength(24)
param name string

param location string

param tags object

@description('Blob containers to create (names: 3-63 lower-case letters, digits and single hyphens).')
param containerNames array = []

@description('Days a deleted blob or container can still be restored; 0 turns soft delete off.')
@minValue(0)
@maxValue(365)
param softDeleteDays int = 0

var softDelete = softDeleteDays > 0 ? {
  enabled: true
  days: softDeleteDays
} : {
  enabled: false
}

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: softDelete
    containerDeleteRetentionPolicy: softDelete
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for containerName in containerNames: {
  parent: blobService
  name: containerName
  properties: {
    publicAccess: 'None'
  }
}]

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table

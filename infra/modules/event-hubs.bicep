// The Event Hubs namespace and the hub the app sends usage records and budget alerts to. Shared access keys are
// disabled: senders authenticate with Microsoft Entra ID and need Azure Event Hubs Data Sender on the hub.
targetScope = 'resourceGroup'

param namespaceName string

param location string

param tags object

@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param skuName string

param hubName string

@minValue(1)
@maxValue(32)
param partitionCount int

@description('Days events stay readable: 1 on Basic, up to 7 on Standard.')
@minValue(1)
@maxValue(7)
param retentionDays int

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
    capacity: 1
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    isAutoInflateEnabled: false
  }
}

resource hub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' = {
  parent: namespace
  name: hubName
  properties: {
    partitionCount: partitionCount
    messageRetentionInDays: retentionDays
  }
}

output namespaceName string = namespace.name
// serviceBusEndpoint reads https://<namespace>.servicebus.windows.net:443/; clients want the bare host name.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output hubName string = hub.name

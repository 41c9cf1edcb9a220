// One role assignment on one resource of this resource group. main.bicep builds its single list of assignments and
// calls this module once per entry. A Bicep scope must be a resource symbol, so each kind of scope the list uses has
// its own (conditional) existing resource and assignment below; exactly one pair is deployed per call.
targetScope = 'resourceGroup'

@description('Kind of resource the role is granted on.')
@allowed([
  'storageAccount'
  'eventHub'
  'keyVault'
  'applicationInsights'
])
param scopeKind string

@description('Name of that resource; an event hub is written "<namespace>/<hub>".')
param scopeName string

@description('GUID of the built-in role definition.')
param roleDefinitionId string

@description('Object id of the principal the role is granted to.')
param principalId string

@allowed([
  'ServicePrincipal'
  'User'
  'Group'
])
param principalType string

@description('Why the principal needs the role; stored as the assignment\'s description.')
param purpose string

var assignment = {
  roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  principalId: principalId
  principalType: principalType
  description: purpose
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = if (scopeKind == 'storageAccount') {
  name: scopeName
}

resource onStorageAccount 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (scopeKind == 'storageAccount') {
  name: guid(storageAccount.id, principalId, roleDefinitionId)
  scope: storageAccount
  properties: assignment
}

resource eventHub 'Microsoft.EventHub/namespaces/eventhubs@2024-01-01' existing = if (scopeKind == 'eventHub') {
  name: scopeName
}

resource onEventHub 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (scopeKind == 'eventHub') {
  name: guid(eventHub.id, principalId, roleDefinitionId)
  scope: eventHub
  properties: assignment
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = if (scopeKind == 'keyVault') {
  name: scopeName
}

resource onKeyVault 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (scopeKind == 'keyVault') {
  name: guid(keyVault.id, principalId, roleDefinitionId)
  scope: keyVault
  properties: assignment
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = if (scopeKind == 'applicationInsights') {
  name: scopeName
}

resource onApplicationInsights 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (scopeKind == 'applicationInsights') {
  name: guid(applicationInsights.id, principalId, roleDefinitionId)
  scope: applicationInsights
  properties: assignment
}

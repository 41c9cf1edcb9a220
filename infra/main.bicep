// Ingest on Azure: the Functions app (Flex Consumption, .NET 10 isolated) with its host storage, the staging account
// and its Event Grid topic, Event Hubs for usage and alert events, Key Vault for connection strings, monitoring,
// least-privilege role assignments for the app's managed identity, and a Cost Management budget on the budget tags.
// Deployed at subscription scope: it creates the resource group (azd provision, or az deployment sub create).
// docs/deploy.md describes every parameter, resource, app setting and role.
targetScope = 'subscription'

// ---------------------------------------------------------------------------------------------------------------------
// Deployment
// ---------------------------------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Name of the environment (the azd environment). Names the resource group and tags every resource.')
param environmentName string

@minLength(1)
@description('Region of every resource. It must offer the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Resource group to create or update. Empty: rg-<environmentName>.')
param resourceGroupName string = ''

@description('Budget tags: on every resource, in the budget filter, and given to the app as default usage tags (Ingest__DefaultTags__<key>). Keys: letters, digits, "_" and "." only, as they become app setting names.')
param tags object = {}

@description('Object id of whoever runs the deployment. When set, that principal may write Key Vault secrets and read and write the staging container. azd passes the signed-in user.')
param principalId string = ''

@description('Kind of principal principalId is.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

// ---------------------------------------------------------------------------------------------------------------------
// Functions app
// ---------------------------------------------------------------------------------------------------------------------

@description('Name of the Functions app (globally unique). Empty: func-ingest-<token>.')
param functionAppName string = ''

@description('Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Folder of pipeline YAML files inside the deployed package (Ingest__PipelinesPath).')
param pipelinesPath string = 'pipelines'

@description('Name of the Event Grid-triggered function that reacts to committed batches.')
param blobArrivalFunctionName string = 'BlobArrival'

@description('Create the Event Grid subscription to the blob-arrival function. Only once the code is deployed: Event Grid refuses a subscription to a function that does not exist yet. azd creates it in its postdeploy hook instead.')
param blobArrivalSubscriptionEnabled bool = false

@description('App settings that hold Key Vault references: each entry { appSetting, secretName }. Pipeline files read them as environment variables.')
param keyVaultSecretSettings array = [
  {
    appSetting: 'INGEST_SOURCE_CONNECTION'
    secretName: 'ingest-source-connection'
  }
  {
    appSetting: 'INGEST_TARGET_CONNECTION'
    secretName: 'ingest-target-connection'
  }
]

@description('More app settings, name to value. The settings this template defines take precedence.')
param extraAppSettings object = {}

// ---------------------------------------------------------------------------------------------------------------------
// Staging
// ---------------------------------------------------------------------------------------------------------------------

@description('Blob container batches are staged in (Ingest__StagingContainer).')
@minLength(3)
@maxLength(63)
param stagingContainerName string = 'ingest-staging'

@description('Days after which the lifecycle rule deletes staged data in stagingRetentionPrefixes; 0 turns the rule off.')
@minValue(0)
param stagingRetentionDays int = 30

@description('Folders inside the staging container that hold only applied batch data, e.g. "erp/prod/tables/dbo.Orders/batches/". The rule deletes nothing when empty.')
@maxLength(100)
param stagingRetentionPrefixes array = []

@description('Days a deleted staging blob can still be restored.')
@minValue(0)
@maxValue(365)
param stagingSoftDeleteDays int = 7

// ---------------------------------------------------------------------------------------------------------------------
// Event Hubs
// ---------------------------------------------------------------------------------------------------------------------

@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param eventHubsSku string = 'Standard'

@description('Hub the app sends usage records and alert events to (Ingest__UsageEventHub).')
param usageEventHubName string = 'ingest-usage'

@minValue(1)
@maxValue(32)
param usageEventHubPartitions int = 2

@description('Days usage events stay readable in the hub: 1 on Basic, up to 7 on Standard.')
@minValue(1)
@maxValue(7)
param usageEventHubRetentionDays int = 1

// ---------------------------------------------------------------------------------------------------------------------
// Key Vault and monitoring
// ---------------------------------------------------------------------------------------------------------------------

@description('Turn on Key Vault purge protection (recommended in production; it cannot be turned off later).')
param keyVaultPurgeProtection bool = false

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

// ---------------------------------------------------------------------------------------------------------------------
// Budget
// ---------------------------------------------------------------------------------------------------------------------

@description('Budget amount per period in the billing currency; 0 creates no budget.')
@minValue(0)
param budgetAmount int = 0

@allowed([
  'Monthly'
  'Quarterly'
  'Annually'
])
param budgetTimeGrain string = 'Monthly'

@description('Start of the budget, YYYY-MM-01. Empty: the current month. Azure refuses to change it once the budget exists, so later deployments must pass the first one (azd pins it in INGEST_BUDGET_START_DATE).')
param budgetStartDate string = ''

@description('Percentages of the budget amount whose crossing sends an e-mail, at most 5.')
@maxLength(5)
param budgetThresholds array = [
  50
  80
  100
]

@description('Addresses budget alerts go to. The budget is created only when there is at least one.')
param budgetContactEmails array = []

@description('Not to be set: the first day of the current month, the default budget start.')
param firstOfCurrentMonth string = utcNow('yyyy-MM-01')

// ---------------------------------------------------------------------------------------------------------------------
// Names and shared values
// ---------------------------------------------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var resourceTags = union(tags, {
  'azd-env-name': environmentName
})

var names = {
  resourceGroup: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  identity: 'id-ingest-${resourceToken}'
  plan: 'plan-ingest-${resourceToken}'
  functionApp: empty(functionAppName) ? 'func-ingest-${resourceToken}' : functionAppName
  hostStorage: 'stfunc${resourceToken}'
  stagingStorage: 'ststage${resourceToken}'
  logAnalytics: 'log-ingest-${resourceToken}'
  appInsights: 'appi-ingest-${resourceToken}'
  eventHubs: 'evhns-ingest-${resourceToken}'
  keyVault: 'kv-ingest-${take(resourceToken, 13)}'
  stagingEvents: 'evgt-ingest-${resourceToken}'
  budget: take('budget-ingest-${environmentName}', 63)
}

var deploymentContainerName = 'app-package-${resourceToken}'
var keyVaultUri = 'https://${names.keyVault}${environment().suffixes.keyvaultDns}/'

// Built-in role definitions (Azure RBAC built-in roles reference).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  eventHubsDataSender: '2b629674-e913-4c01-ae53-ef4638d8f975'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// ---------------------------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: names.resourceGroup
  location: location
  tags: resourceTags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: resourceTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    workspaceName: names.logAnalytics
    appInsightsName: names.appInsights
    location: location
    tags: resourceTags
    retentionDays: logRetentionDays
  }
}

module hostStorage 'modules/storage-account.bicep' = {
  name: 'host-storage'
  scope: rg
  params: {
    name: names.hostStorage
    location: location
    tags: resourceTags
    containerNames: [
      deploymentContainerName
    ]
  }
}

module stagingStorage 'modules/storage-account.bicep' = {
  name: 'staging-storage'
  scope: rg
  params: {
    name: names.stagingStorage
    location: location
    tags: resourceTags
    containerNames: [
      stagingContainerName
    ]
    softDeleteDays: stagingSoftDeleteDays
  }
}

module stagingLifecycle 'modules/staging-lifecycle.bicep' = if (stagingRetentionDays > 0 && !empty(stagingRetentionPrefixes)) {
  name: 'staging-lifecycle'
  scope: rg
  params: {
    storageAccountName: stagingStorage.outputs.name
    containerName: stagingContainerName
    retentionDays: stagingRetentionDays
    prefixes: stagingRetentionPrefixes
  }
}

module stagingEvents 'modules/staging-events.bicep' = {
  name: 'staging-events'
  scope: rg
  params: {
    name: names.stagingEvents
    location: location
    tags: resourceTags
    storageAccountName: stagingStorage.outputs.name
  }
}

module eventHubs 'modules/event-hubs.bicep' = {
  name: 'event-hubs'
  scope: rg
  params: {
    namespaceName: names.eventHubs
    location: location
    tags: resourceTags
    skuName: eventHubsSku
    hubName: usageEventHubName
    partitionCount: usageEventHubPartitions
    retentionDays: usageEventHubRetentionDays
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: resourceTags
    purgeProtection: keyVaultPurgeProtection
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Role assignments: one list, one loop. "app" entries go to the app's identity, "deployer" entries to principalId.
// ---------------------------------------------------------------------------------------------------------------------

var appRoleAssignments = [
  {
    principal: 'app'
    scopeKind: 'storageAccount'
    scopeName: names.hostStorage
    roleDefinitionId: roles.storageBlobDataOwner
    purpose: 'Functions host storage: deployment package, host locks and blob leases, Durable task hub blobs.'
  }
  {
    principal: 'app'
    scopeKind: 'storageAccount'
    scopeName: names.hostStorage
    roleDefinitionId: roles.storageQueueDataContributor
    purpose: 'Durable Functions control and work-item queues.'
  }
  {
    principal: 'app'
    scopeKind: 'storageAccount'
    scopeName: names.hostStorage
    roleDefinitionId: roles.storageTableDataContributor
    purpose: 'Durable Functions history and instance tables.'
  }
  {
    principal: 'app'
    scopeKind: 'storageAccount'
    scopeName: names.stagingStorage
    roleDefinitionId: roles.storageBlobDataContributor
    purpose: 'Staging area: read, write, conditionally overwrite and delete batches, state, leases and runs.'
  }
  {
    principal: 'app'
    scopeKind: 'eventHub'
    scopeName: '${names.eventHubs}/${usageEventHubName}'
    roleDefinitionId: roles.eventHubsDataSender
    purpose: 'Send usage records and budget alerts.'
  }
  {
    principal: 'app'
    scopeKind: 'keyVault'
    scopeName: names.keyVault
    roleDefinitionId: roles.keyVaultSecretsUser
    purpose: 'Resolve the Key Vault references in app settings.'
  }
  {
    principal: 'app'
    scopeKind: 'applicationInsights'
    scopeName: names.appInsights
    roleDefinitionId: roles.monitoringMetricsPublisher
    purpose: 'Send telemetry with Microsoft Entra ID (local authentication is off).'
  }
]

var deployerRoleAssignments = empty(principalId) ? [] : [
  {
    principal: 'deployer'
    scopeKind: 'keyVault'
    scopeName: names.keyVault
    roleDefinitionId: roles.keyVaultSecretsOfficer
    purpose: 'Set the source and target connection string secrets.'
  }
  {
    principal: 'deployer'
    scopeKind: 'storageAccount'
    scopeName: names.stagingStorage
    roleDefinitionId: roles.storageBlobDataContributor
    purpose: 'Run the ingest CLI (status, runs) against the staging container.'
  }
]

var roleAssignments = concat(appRoleAssignments, deployerRoleAssignments)

module roleAssignment 'modules/role-assignment.bicep' = [for (assignment, index) in roleAssignments: {
  name: 'role-assignment-${index}'
  scope: rg
  params: {
    scopeKind: assignment.scopeKind
    scopeName: assignment.scopeName
    roleDefinitionId: assignment.roleDefinitionId
    principalId: assignment.principal == 'app' ? identity.outputs.principalId : principalId
    principalType: assignment.principal == 'app' ? 'ServicePrincipal' : principalType
    purpose: assignment.purpose
  }
  dependsOn: [
    hostStorage
    stagingStorage
    eventHubs
    keyVault
    monitoring
  ]
}]

// ---------------------------------------------------------------------------------------------------------------------
// The Functions app and its settings
// ---------------------------------------------------------------------------------------------------------------------

var defaultTagSettings = toObject(items(tags), tag => 'Ingest__DefaultTags__${tag.key}', tag => string(tag.value))

var keyVaultReferenceSettings = toObject(keyVaultSecretSettings, setting => setting.appSetting, setting => '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${setting.secretName}/)')

var coreAppSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  AzureWebJobsStorage__blobServiceUri: hostStorage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: hostStorage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: hostStorage.outputs.tableEndpoint
  Ingest__StagingAccountUrl: stagingStorage.outputs.blobEndpoint
  Ingest__StagingContainer: stagingContainerName
  Ingest__PipelinesPath: pipelinesPath
  Ingest__UsageEventHub: eventHubs.outputs.hubName
  // Metering prices GB-seconds at the plan's instance memory and storage at the lifecycle rule's retention.
  Ingest__InstanceMemoryMB: string(instanceMemoryMB)
  Ingest__StagedRetentionDays: string(stagingRetentionDays > 0 && !empty(stagingRetentionPrefixes) ? stagingRetentionDays : 30)
  EventHubs__fullyQualifiedNamespace: eventHubs.outputs.fullyQualifiedNamespace
  EventHubs__credential: 'managedidentity'
  EventHubs__clientId: identity.outputs.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identity.outputs.clientId}'
  AZURE_CLIENT_ID: identity.outputs.clientId
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    planName: names.plan
    appName: names.functionApp
    location: location
    tags: resourceTags
    appTags: union(resourceTags, {
      'azd-service-name': 'ingest'
    })
    identityId: identity.outputs.id
    deploymentContainerUrl: '${hostStorage.outputs.blobEndpoint}${deploymentContainerName}'
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    appSettings: union(extraAppSettings, defaultTagSettings, keyVaultReferenceSettings, coreAppSettings)
  }
  // The app resolves Key Vault references and opens its storage when it starts: grant the roles first.
  dependsOn: [
    roleAssignment
  ]
}

module blobArrivalSubscription 'modules/blob-arrival-subscription.bicep' = if (blobArrivalSubscriptionEnabled) {
  name: 'blob-arrival-subscription'
  scope: rg
  params: {
    systemTopicName: stagingEvents.outputs.name
    functionAppName: functionApp.outputs.name
    functionName: blobArrivalFunctionName
    containerName: stagingContainerName
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Budget
// ---------------------------------------------------------------------------------------------------------------------

module budget 'modules/budget.bicep' = if (budgetAmount > 0 && !empty(budgetContactEmails)) {
  name: 'budget'
  scope: rg
  params: {
    name: names.budget
    amount: budgetAmount
    timeGrain: budgetTimeGrain
    startDate: empty(budgetStartDate) ? firstOfCurrentMonth : budgetStartDate
    thresholds: budgetThresholds
    contactEmails: budgetContactEmails
    tags: tags
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Outputs (azd stores them in the environment; the postdeploy hook reads them)
// ---------------------------------------------------------------------------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output INGEST_FUNCTION_APP_NAME string = functionApp.outputs.name
output INGEST_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output INGEST_IDENTITY_NAME string = identity.outputs.name
output INGEST_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output INGEST_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output INGEST_STAGING_ACCOUNT_URL string = stagingStorage.outputs.blobEndpoint
output INGEST_STAGING_CONTAINER string = stagingContainerName
output INGEST_STAGING_EVENTS_TOPIC string = stagingEvents.outputs.name
output INGEST_BLOB_ARRIVAL_FUNCTION string = blobArrivalFunctionName
output INGEST_KEY_VAULT_NAME string = keyVault.outputs.name
output INGEST_EVENT_HUBS_NAMESPACE string = eventHubs.outputs.fullyQualifiedNamespace
output INGEST_USAGE_EVENT_HUB string = eventHubs.outputs.hubName

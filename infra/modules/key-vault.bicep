// The vault for source and target connection strings. Access is by Azure RBAC only (no access policies); the app reads
// secrets through Key Vault references in its settings, resolved with its managed identity.
targetScope = 'resourceGroup'

@minLength(3)
@maxLength(24)
param name string

param location string

param tags object

@description('Purge protection keeps deleted secrets recoverable for the whole retention period; it cannot be turned off again.')
param purgeProtection bool

// The service refuses enablePurgeProtection: false, so the property is only sent when it is turned on.
var purgeSetting = purgeProtection ? {
  enablePurgeProtection: true
} : {}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: union({
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
  }, purgeSetting)
}

output name string = vault.name
output uri string = vault.properties.vaultUri

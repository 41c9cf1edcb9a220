// The user-assigned managed identity the Functions app runs as. Every data-plane permission of the app is granted to
// this identity, so it survives the app being recreated and is the name SQL databases know it by.
targetScope = 'resourceGroup'

@description('Name of the identity; also the user name to create in SQL databases.')
param name string

param location string

param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId

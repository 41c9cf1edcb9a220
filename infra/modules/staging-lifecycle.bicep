// Deletes staged batch data some days after it was written. Lifecycle filters match blob name prefixes only (no
// wildcards or suffixes), so the rule lists the exact folders to clean: a table's batches/ folder holds nothing but
// data files, whereas its commits/ folder must keep the newest commit record and state/, leases/ and runs/ must stay.
targetScope = 'resourceGroup'

param storageAccountName string

param containerName string

@description('Days after its last modification a matching blob is deleted.')
@minValue(1)
param retentionDays int

@description('Folders inside the container whose blobs the rule deletes, e.g. "erp/prod/tables/dbo.Orders/batches/". One rule each, at most 100.')
@minLength(1)
@maxLength(100)
param prefixes array

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource policy 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [for (prefix, index) in prefixes: {
        name: 'delete-applied-staging-${index}'
        enabled: true
        type: 'Lifecycle'
        definition: {
          filters: {
            blobTypes: [
              'blockBlob'
            ]
            prefixMatch: [
              '${containerName}/${prefix}'
            ]
          }
          actions: {
            baseBlob: {
              delete: {
                daysAfterModificationGreaterThan: retentionDays
              }
            }
          }
        }
      }]
    }
  }
}

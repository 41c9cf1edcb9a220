# azd postdeploy hook. Creates or updates the Event Grid subscription that delivers commit-record arrivals in the
# staging container to the blob-arrival function. It runs after the code is deployed because Event Grid refuses a
# subscription to a function that does not exist yet. Needs the Azure CLI, signed in (az login).
$ErrorActionPreference = 'Stop'

az deployment group create `
  --name blob-arrival-subscription `
  --subscription "$env:AZURE_SUBSCRIPTION_ID" `
  --resource-group "$env:AZURE_RESOURCE_GROUP" `
  --template-file ./infra/modules/blob-arrival-subscription.bicep `
  --parameters `
    "systemTopicName=$env:INGEST_STAGING_EVENTS_TOPIC" `
    "functionAppName=$env:INGEST_FUNCTION_APP_NAME" `
    "functionName=$env:INGEST_BLOB_ARRIVAL_FUNCTION" `
    "containerName=$env:INGEST_STAGING_CONTAINER" `
  --output none
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }

Write-Host "Event Grid subscription blob-arrival delivers commit records to $env:INGEST_BLOB_ARRIVAL_FUNCTION."

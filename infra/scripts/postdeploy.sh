#!/bin/sh
# azd postdeploy hook. Creates or updates the Event Grid subscription that delivers commit-record arrivals in the
# staging container to the blob-arrival function. It runs after the code is deployed because Event Grid refuses a
# subscription to a function that does not exist yet. Needs the Azure CLI, signed in (az login).
set -eu

az deployment group create \
  --name blob-arrival-subscription \
  --subscription "$AZURE_SUBSCRIPTION_ID" \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --template-file ./infra/modules/blob-arrival-subscription.bicep \
  --parameters \
    systemTopicName="$INGEST_STAGING_EVENTS_TOPIC" \
    functionAppName="$INGEST_FUNCTION_APP_NAME" \
    functionName="$INGEST_BLOB_ARRIVAL_FUNCTION" \
    containerName="$INGEST_STAGING_CONTAINER" \
  --output none

echo "Event Grid subscription blob-arrival delivers commit records to $INGEST_BLOB_ARRIVAL_FUNCTION."

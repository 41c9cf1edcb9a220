# azd preprovision hook. Pins the budget start date of this environment on its first provision: Azure accepts only the
# current month when a budget is created and refuses any change afterwards, so every later deployment must pass the
# same date (main.parameters.json reads INGEST_BUDGET_START_DATE).
$ErrorActionPreference = 'Stop'

if (-not $env:INGEST_BUDGET_START_DATE) {
    $firstOfMonth = '{0:yyyy-MM}-01' -f (Get-Date).ToUniversalTime()
    azd env set INGEST_BUDGET_START_DATE $firstOfMonth
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

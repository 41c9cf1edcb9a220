#!/bin/sh
# azd preprovision hook. Pins the budget start date of this environment on its first provision: Azure accepts only the
# current month when a budget is created and refuses any change afterwards, so every later deployment must pass the
# same date (main.parameters.json reads INGEST_BUDGET_START_DATE).
set -eu

if [ -z "${INGEST_BUDGET_START_DATE:-}" ]; then
  azd env set INGEST_BUDGET_START_DATE "$(date -u +%Y-%m-01)"
fi

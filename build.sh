#!/usr/bin/env bash
# Everything a fresh clone needs, in two commands (see README):
#   ./build.sh demo   runs the drivers walkthrough end to end on a throwaway PostgreSQL
#   ./build.sh test   runs the whole test suite
# Other verbs: build, bench [args], ingest [args] (the CLI).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
verb="${1:-test}"
shift || true

"$root/eng/bootstrap.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

build() { dotnet build Ingest.Local.slnf -c Release --nologo -v quiet -clp:ErrorsOnly "$@"; }

case "$verb" in
  build) build ;;
  test)
    build
    dotnet test Ingest.Local.slnf -c Release --no-build --nologo --logger "console;verbosity=normal" "$@" ;;
  demo)
    build
    dotnet src/Ingest.Cli/bin/Release/net10.0/ingest.dll demo "$@" ;;
  ingest)
    build
    dotnet src/Ingest.Cli/bin/Release/net10.0/ingest.dll "$@" ;;
  bench)
    build
    dotnet benchmarks/Ingest.Benchmarks/bin/Release/net10.0/Ingest.Benchmarks.dll "$@" ;;
  *) echo "usage: ./build.sh [test|demo|build|bench|ingest] [args]" >&2; exit 2 ;;
esac

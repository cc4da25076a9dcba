#!/usr/bin/env bash
# The one test command: vet, then every Go test of the module. Everything a
# test needs is installed by the project's own scripts, idempotently.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== go vet"
go vet ./...

echo "== go test"
go test -count=1 -timeout 45m ./...

#!/usr/bin/env bash
# Builds the Hyperledger Fabric and Fabric CA commands pinned by network/tools
# into a cache directory outside the repository, only when they are missing or
# the pinned versions (network/tools/go.mod + go.sum) changed.
#
#   scripts/fabric-tools.sh                  build if needed; last stdout line = bin dir
#   scripts/fabric-tools.sh --print-bin-dir  print the bin dir only (no build)
#
# Cache: ${METROTRACE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metrotrace}/fabric-<hash>/bin
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/network/tools"
CACHE="${METROTRACE_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/metrotrace}"
HASH="$(cat "$TOOLS/go.mod" "$TOOLS/go.sum" | sha256sum | cut -c1-16)"
DIR="$CACHE/fabric-$HASH"
BIN="$DIR/bin"

FABRIC_CMDS=(peer orderer configtxgen osnadmin configtxlator)
CA_CMDS=(fabric-ca-server fabric-ca-client)

if [[ "${1:-}" == "--print-bin-dir" ]]; then
	echo "$BIN"
	exit 0
fi

missing=()
for c in "${FABRIC_CMDS[@]}" "${CA_CMDS[@]}"; do
	[[ -x "$BIN/$c" ]] || missing+=("$c")
done
if [[ -f "$DIR/.complete" && ${#missing[@]} -eq 0 ]]; then
	echo "$BIN"
	exit 0
fi

command -v go >/dev/null || { echo "fabric-tools: the Go toolchain (go) is required" >&2; exit 1; }
command -v gcc >/dev/null || { echo "fabric-tools: gcc is required (fabric-ca-server uses cgo/sqlite)" >&2; exit 1; }

mkdir -p "$BIN"
# Serialize concurrent builds into the same cache dir.
exec 9>"$DIR/.lock"
flock 9
if [[ -f "$DIR/.complete" ]]; then
	ok=1
	for c in "${FABRIC_CMDS[@]}" "${CA_CMDS[@]}"; do [[ -x "$BIN/$c" ]] || ok=0; done
	if [[ $ok == 1 ]]; then echo "$BIN"; exit 0; fi
fi
rm -f "$DIR/.complete"

start=$(date +%s)
echo "fabric-tools: building ${missing[*]:-all} into $BIN (pinned by network/tools/go.mod; takes a few minutes the first time)" >&2
cd "$TOOLS"
export GOFLAGS="${GOFLAGS:-} -mod=readonly"
export GOWORK=off
go mod download >&2
tmp="$BIN/.tmp.$$"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
# Fabric commands: no cgo needed.
for c in "${FABRIC_CMDS[@]}"; do
	if [[ ! -x "$BIN/$c" ]]; then
		echo "fabric-tools: go build $c" >&2
		CGO_ENABLED=0 go build -trimpath -o "$tmp/$c" "github.com/hyperledger/fabric/cmd/$c" >&2
		mv -f "$tmp/$c" "$BIN/$c"
	fi
done
for c in "${CA_CMDS[@]}"; do
	if [[ ! -x "$BIN/$c" ]]; then
		echo "fabric-tools: go build $c" >&2
		CGO_ENABLED=1 go build -trimpath -o "$tmp/$c" "github.com/hyperledger/fabric-ca/cmd/$c" >&2
		mv -f "$tmp/$c" "$BIN/$c"
	fi
done
# Record what was built.
{
	echo "fabric $(go list -m -f '{{.Version}}' github.com/hyperledger/fabric)"
	echo "fabric-ca $(go list -m -f '{{.Version}}' github.com/hyperledger/fabric-ca)"
	echo "go $(go env GOVERSION)"
} >"$DIR/VERSIONS"
touch "$DIR/.complete"
echo "fabric-tools: built in $(( $(date +%s) - start ))s" >&2
echo "$BIN"

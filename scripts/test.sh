#!/usr/bin/env bash
# The one test command (README, CI): installs what the tests need, then runs
# every test of the module, including the ones on a real Fabric network.
#
#   1. Debian packages for the browser test (scripts/install-deps.sh)
#   2. Fabric binaries built from network/tools into a cache (scripts/fabric-tools.sh)
#   3. gofmt and go vet
#   4. go test ./...                     unit, embedded, HTTP, browser tests
#   5. every fuzz target for 2000 executions (METROTRACE_FUZZTIME, default 2000x)
#   6. the Fabric tests, one package at a time: the network integration test,
#      the operator tool's test, the operator tool with the gateway's Fabric
#      backend (gateway/fabric, TestOpsThroughGateway), the conformance suite (embedded vs Fabric),
#      the consortium of separate parties (network/consortium: 127.0.1.1-127.0.4.1;
#      needs strace) and the faults under load, short form (network/faults,
#      TestFaultsUnderLoad: one round of each fault, ports from 24000, about 2.5
#      minutes; the long form, METROTRACE_FAULT_ROUNDS=10: docs/RELIABILITY.md)
#
# Everything is idempotent and cached; a second run only runs the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$1" "$(($(date +%s) - start))"; }

step "test packages"
bash scripts/install-deps.sh

step "Fabric binaries"
bash scripts/fabric-tools.sh | tail -n 1

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
	echo "not gofmt-formatted:"; echo "$unformatted"; exit 1
fi

step "go vet"
go vet ./...

step "go test ./..."
go test -count=1 -timeout 30m ./...

step "fuzz targets, 2000 executions each"
# The long runs (>= 1M executions each) and their counts: docs/RELIABILITY.md.
# Found crashers are kept under each package's testdata/fuzz and rerun by
# go test ./... above.
for target in \
	"FuzzDecode ./chaincode/record" \
	"FuzzCreate ./chaincode/contract" \
	"FuzzInvoke ./chaincode/contract" \
	"FuzzParse ./gateway/dcc" \
	"FuzzParse ./chaincode/units" \
	"FuzzValidateFragments ./gateway/dcc/schema" \
	"FuzzVerify ./gateway/dcc/signature"; do
	set -- $target
	# A count, not a duration: with -fuzztime 3s Go's fuzzing coordinator
	# sometimes fails a target with a bare "context deadline exceeded" and
	# no crasher when the deadline strikes mid-input (seen here under load;
	# golang/go#75804). A count sets no deadline.
	go test -run '^$' -fuzz "^$1\$" -fuzztime "${METROTRACE_FUZZTIME:-2000x}" -parallel 1 "$2"
done

step "Fabric network tests"
# One package at a time (-p 1): each brings up its own network on its own
# ports, below the kernel's ephemeral range.
METROTRACE_NETWORK_TESTS=1 METROTRACE_OPS_PORT_BASE=28000 go test -count=1 -p 1 -timeout 40m \
	-run 'TestNetwork|TestEmbeddedAndFabricGiveTheSameAnswers|TestOpsIntegration|TestOpsThroughGateway|TestConsortiumSeparateParties|TestMemberJoins|TestRollingUpgrade|TestFaultsUnderLoad' \
	./network ./network/ops ./gateway/fabric ./gateway/conformance ./network/consortium ./network/faults

step "done"

#!/usr/bin/env bash
# metrotrace benchmarks: each figure with a baseline measured in the same run.
#
#   scripts/bench.sh [--full] [--network | --network-only] [--markdown] [--skip-go]
#                    [--concurrency N] [--duration D] [--rounds N] [--evaluate D]
#                    [--batch N] [--events-org MSP] [--memory-limit MIB]
#
#   1. the go benchmarks of the index and the embedded ledger
#      (go test -run '^$' -bench . ./gateway/index ./gateway/embedded
#      ./gateway/httpapi);
#   2. metrotrace-bench embedded: certificates one and record.MaxBatch a
#      transaction on the embedded ledger beside raw badger writes, with the
#      index lag of every transaction;
#   3. metrotrace-bench index at 100k instruments, and at 1M with --full
#      (indexes kept in $METROTRACE_BENCH_DIR, default /tmp/metrotrace-bench,
#      and reused by later runs; measured once badger has no compaction
#      pending, after a build as after a reuse): traces, the streamed and
#      whole impact, the supervision lists, and trace, recognition and
#      impact over HTTP at 16 clients beside GET /healthz;
#   4. metrotrace-bench case: an out-of-tolerance case on the embedded
#      ledger on a standard feeding 20k compulsory instruments, 100k with
#      --full (time until every notice item is recorded and indexed, peak RSS);
#   5. with --network: brings up a network of its own (ports from
#      $METROTRACE_BENCH_PORT_BASE, default 26000, below the ephemeral port range; a temporary network dir),
#      deploys metrotrace and the trivial put chaincode benchput
#      (network/benchcc, mutual TLS like metrotrace), enrolls the recorders the
#      run needs, runs metrotrace-bench network (default 50 submitters, 30 s
#      per phase; each round runs the raw put, benchput's PutFootprint (the
#      state access of a certificate without its checks), IssueCertificate
#      and IssueCertificates of --batch N certificates (default 20; 0: no
#      batched phase), and reads the CPU every network process used in each
#      phase; --rounds repeats the round; --evaluate D adds execution-only
#      phases; the index follows every organization's peer, or with
#      --events-org MSP that one's only) and takes the network down on exit,
#      also on failure. --network-only runs this step alone.
#
# --memory-limit MIB runs steps 3 and 4 each confined to MIB of memory in a
# cgroup of its own (scripts/memcap.sh; needs root), so the RSS they print
# is that of a process the kernel held to the limit, and a step that needs
# more is killed and fails the run.
#
# --markdown prints the tables in the README's format. See README.md,
# "Benchmarks".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

full=0 net=0 local=1 markdown=() gobench=1 concurrency=50 duration=30s rounds=1 evaluate=0s batch=20 eventsorg="" memcap=()
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
while (($#)); do
	case "$1" in
	--full) full=1 ;;
	--network) net=1 ;;
	--network-only) net=1 local=0 gobench=0 ;;
	--markdown) markdown=(--markdown) ;;
	--skip-go) gobench=0 ;;
	--concurrency | --duration | --rounds | --evaluate | --batch | --events-org | --memory-limit)
		(($# >= 2)) || { echo "bench.sh: $1 needs a value" >&2; usage; }
		case "$1" in --concurrency) concurrency="$2" ;; --duration) duration="$2" ;; --rounds) rounds="$2" ;; --evaluate) evaluate="$2" ;; --batch) batch="$2" ;;
		--events-org) eventsorg="$2" ;; --memory-limit) memcap=("$ROOT/scripts/memcap.sh" "$2") ;; esac
		shift
		;;
	-h | --help) usage ;;
	*) echo "bench.sh: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

BIN="$(mktemp -d "${TMPDIR:-/tmp}/metrotrace-bench-bin.XXXXXX")"
NETDIR=""
cleanup() {
	local rc=$?
	if [[ -n "$NETDIR" && -d "$NETDIR" ]]; then
		log "taking the benchmark network down"
		METROTRACE_NETWORK_DIR="$NETDIR" "$ROOT/scripts/network.sh" down || rc=1
	fi
	rm -rf "$BIN"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

go build -o "$BIN/metrotrace-bench" ./cmd/metrotrace-bench

if ((gobench)); then
	log "go benchmarks"
	go test -run '^$' -bench . ./gateway/index ./gateway/embedded ./gateway/httpapi
fi

if ((local)); then
	log "metrotrace-bench embedded"
	"$BIN/metrotrace-bench" embedded "${markdown[@]}"

	DATA="${METROTRACE_BENCH_DIR:-/tmp/metrotrace-bench}"
	log "metrotrace-bench index at 100k instruments ($DATA/index-100k)"
	"${memcap[@]}" "$BIN/metrotrace-bench" index --instruments 100000 --dir "$DATA/index-100k" --http-clients 16 "${markdown[@]}"
	if ((full)); then
		log "metrotrace-bench index at 1M instruments ($DATA/index-1m)"
		"${memcap[@]}" "$BIN/metrotrace-bench" index --instruments 1000000 --dir "$DATA/index-1m" --http-clients 16 "${markdown[@]}"
	fi
	case_instruments=20000
	((full)) && case_instruments=100000
	log "metrotrace-bench case on a standard feeding $case_instruments instruments"
	"${memcap[@]}" "$BIN/metrotrace-bench" case --instruments "$case_instruments" "${markdown[@]}"
fi

if ((net)); then
	NETDIR="$(mktemp -d "${TMPDIR:-/tmp}/metrotrace-bench-net.XXXXXX")"
	rmdir "$NETDIR" # network.sh up creates it
	export METROTRACE_NETWORK_DIR="$NETDIR" METROTRACE_PORT_BASE="${METROTRACE_BENCH_PORT_BASE:-26000}"
	log "network up in $NETDIR (ports from $METROTRACE_PORT_BASE)"
	scripts/network.sh up --deploy
	METROTRACE_CC_TLS=1 scripts/network.sh deploy --name benchput --path ./network/benchcc
	"$BIN/metrotrace-bench" network --print-users --concurrency "$concurrency" | scripts/network.sh enroll --batch - >&2
	"$BIN/metrotrace-bench" network --connection "$NETDIR/connection.json" --concurrency "$concurrency" \
		--duration "$duration" --rounds "$rounds" --evaluate "$evaluate" --batch "$batch" --events-org "$eventsorg" --cpu-pids "$NETDIR/pids" "${markdown[@]}"
fi

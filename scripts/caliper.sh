#!/usr/bin/env bash
# metrotrace's network comparison driven by Hyperledger Caliper: the raw put
# (benchput Put) and IssueCertificate, each a Caliper round on the network
# scripts/bench.sh --network brings up, so our figures can be set beside
# published Fabric results.
#
#   scripts/caliper.sh [--workers N] [--load N] [--duration S] [--users N]
#
# --workers  Caliper worker processes (default 2)
# --load     transactions kept in flight, fixed-load (default 50)
# --duration seconds per round (default 30)
# --users    submitters (default 50): the recorders of BENCH-W000.., as in
#            metrotrace-bench network
#
# Installs @hyperledger/caliper-cli 0.6.0 and binds it to fabric-gateway
# (npm) once, into $METROTRACE_CALIPER_CACHE (default
# ~/.cache/metrotrace/caliper-0.6.0), outside the repository; later runs
# reuse it. With METROTRACE_NETWORK_DIR naming a running network (with
# benchput deployed and the users enrolled) it uses that one; otherwise it
# brings one up as bench.sh does (ports from $METROTRACE_BENCH_PORT_BASE,
# default 26000) and takes it down on exit, also on failure. The workload
# modules are network/caliper/*.js; the report is written to
# $METROTRACE_CALIPER_REPORT (default /tmp/metrotrace-caliper-report.html)
# and its summary table printed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

workers=2 load=50 duration=30 users=50
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; exit 2; }
while (($#)); do
	case "$1" in
	--workers | --load | --duration | --users)
		(($# >= 2)) || { echo "caliper.sh: $1 needs a value" >&2; usage; }
		[[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "caliper.sh: $1 takes a positive integer, not '$2'" >&2; usage; }
		case "$1" in --workers) workers="$2" ;; --load) load="$2" ;; --duration) duration="$2" ;; --users) users="$2" ;; esac
		shift
		;;
	-h | --help) usage ;;
	*) echo "caliper.sh: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done
((users >= workers)) || { echo "caliper.sh: --users must be at least --workers" >&2; exit 2; }

log() { printf '[caliper %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

CALIPER_VERSION=0.6.0
CACHE="${METROTRACE_CALIPER_CACHE:-$HOME/.cache/metrotrace/caliper-$CALIPER_VERSION}"
REPORT="${METROTRACE_CALIPER_REPORT:-/tmp/metrotrace-caliper-report.html}"

# Caliper and its fabric-gateway binding, once.
mkdir -p "$CACHE"
installed() { [[ "$(jq -r .version "$CACHE/node_modules/@hyperledger/caliper-cli/package.json" 2>/dev/null)" == "$CALIPER_VERSION" ]]; }
bound() { [[ -f "$CACHE/node_modules/@hyperledger/fabric-gateway/package.json" && -f "$CACHE/node_modules/@grpc/grpc-js/package.json" ]]; }
if ! installed; then
	log "installing @hyperledger/caliper-cli@$CALIPER_VERSION into $CACHE"
	[[ -f "$CACHE/package.json" ]] || echo '{"name":"metrotrace-caliper","private":true}' >"$CACHE/package.json"
	(cd "$CACHE" && npm install --no-audit --no-fund --save-exact "@hyperledger/caliper-cli@$CALIPER_VERSION") >"$CACHE/install.log" 2>&1 ||
		{ tail -n 20 "$CACHE/install.log" >&2; echo "caliper.sh: npm install failed (log: $CACHE/install.log)" >&2; exit 1; }
fi
if ! bound; then
	log "binding Caliper to fabric:fabric-gateway"
	(cd "$CACHE" && npx caliper bind --caliper-bind-sut fabric:fabric-gateway --caliper-bind-cwd .) >"$CACHE/bind.log" 2>&1 ||
		{ tail -n 20 "$CACHE/bind.log" >&2; echo "caliper.sh: caliper bind failed (log: $CACHE/bind.log)" >&2; exit 1; }
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/metrotrace-caliper.XXXXXX")"
OWNNET=""
cleanup() {
	local rc=$?
	if [[ -n "$OWNNET" && -d "$OWNNET" ]]; then
		log "taking the network down"
		METROTRACE_NETWORK_DIR="$OWNNET" "$ROOT/scripts/network.sh" down || rc=1
	fi
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

go build -o "$WORK/metrotrace-bench" ./cmd/metrotrace-bench
NET="${METROTRACE_NETWORK_DIR:-}"
if [[ -z "$NET" || ! -f "$NET/connection.json" ]]; then
	NET="$(mktemp -d "${TMPDIR:-/tmp}/metrotrace-caliper-net.XXXXXX")"
	rmdir "$NET"
	OWNNET="$NET"
	export METROTRACE_NETWORK_DIR="$NET" METROTRACE_PORT_BASE="${METROTRACE_BENCH_PORT_BASE:-26000}"
	log "network up in $NET (ports from $METROTRACE_PORT_BASE)"
	scripts/network.sh up --deploy
	METROTRACE_CC_TLS=1 scripts/network.sh deploy --name benchput --path ./network/benchcc
	"$WORK/metrotrace-bench" network --print-users --concurrency "$users" | scripts/network.sh enroll --batch - >&2
fi
CONN="$NET/connection.json"
log "loading the scenario region and $users submitter institutions"
"$WORK/metrotrace-bench" network --connection "$CONN" --concurrency "$users" --load-only

# The network configuration (v2.0.0) and a connection profile per
# organization, from connection.json; the submitters' identities.
jq --argjson n "$users" '[.orgs[] as $o | $o.users[]
	| select(.role == "recorder" and (.institution | test("^BENCH-W[0-9]{3}$")))
	| select((.institution[7:] | tonumber) < $n)
	| {name, msp: $o.msp_id, institution, cert, key}] | sort_by(.institution)' "$CONN" >"$WORK/users.json"
[[ "$(jq length "$WORK/users.json")" == "$users" ]] ||
	{ echo "caliper.sh: connection.json holds $(jq length "$WORK/users.json") of the $users BENCH-W recorders; enroll them (metrotrace-bench network --print-users)" >&2; exit 1; }
jq -c '.orgs[]' "$CONN" | while read -r org; do
	name="$(jq -r .name <<<"$org")"
	jq '{name: .name, version: "1.0.0", client: {organization: .msp_id},
		organizations: {(.msp_id): {mspid: .msp_id, peers: [.peer_host_override]}},
		peers: {(.peer_host_override): {url: ("grpcs://" + .peer_endpoint), tlsCACerts: {path: .peer_tls_ca_cert},
			grpcOptions: {"ssl-target-name-override": .peer_host_override, hostnameOverride: .peer_host_override}}}}' <<<"$org" >"$WORK/ccp-$name.json"
done
jq --arg work "$WORK" --slurpfile users "$WORK/users.json" '{name: "metrotrace", version: "2.0.0",
	caliper: {blockchain: "fabric"},
	channels: [{channelName: .channel, contracts: [{id: .chaincode}, {id: "benchput"}]}],
	organizations: [.orgs[] as $o | {mspid: $o.msp_id,
		identities: {certificates: [$users[0][] | select(.msp == $o.msp_id)
			| {name, clientPrivateKey: {path: .key}, clientSignedCert: {path: .cert}}]},
		connectionProfile: {path: ($work + "/ccp-" + $o.name + ".json"), discover: true}}]}' "$CONN" >"$WORK/networkconfig.json"
run_id="$(date +%s | tail -c 7)"
jq -n --argjson workers "$workers" --argjson load "$load" --argjson duration "$duration" --arg run "$run_id" \
	--arg root "$ROOT" --slurpfile users "$WORK/users.json" --argjson cert "$("$WORK/metrotrace-bench" network --print-certificate)" '
	[$users[0][] | {name, msp, institution}] as $u
	| def round($lbl; $file; $desc): {label: $lbl, description: $desc, txDuration: $duration,
		rateControl: {type: "fixed-load", opts: {transactionLoad: $load}},
		workload: {module: ($root + "/network/caliper/" + $file), arguments: {users: $u, certificate: $cert, runId: $run}}};
	{test: {name: "metrotrace-network", description: "raw put vs IssueCertificate",
		workers: {number: $workers},
		rounds: [round("raw-put"; "rawput.js"; "benchput Put of a certificate-sized value"),
			round("issue-certificate"; "issuecertificate.js"; "metrotrace IssueCertificate of distinct certificates")]}}' >"$WORK/benchconfig.json"

log "Caliper $CALIPER_VERSION: $workers workers, fixed load $load, $duration s per round, $users submitters"
NODE_PATH="$CACHE/node_modules" "$CACHE/node_modules/.bin/caliper" launch manager \
	--caliper-workspace "$WORK" \
	--caliper-networkconfig "$WORK/networkconfig.json" \
	--caliper-benchconfig "$WORK/benchconfig.json" \
	--caliper-flow-only-test \
	--caliper-report-path "$REPORT" 2>&1 | tee "$WORK/caliper.log" >&2
rc=${PIPESTATUS[0]}
# The summary table Caliper prints at the end.
awk '/Test Summary|### All test results ###/ { on = 1 } on && /^\|/ { print } on && /^$/ && seen { exit } on && /^\|/ { seen = 1 }' "$WORK/caliper.log" | sed 's/\x1b\[[0-9;]*m//g'
if la="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"; then echo "load average at the end: $la"; fi
echo "report: $REPORT"
exit "$rc"

#!/usr/bin/env bash
# metrotrace: a real Hyperledger Fabric v2.5 network for Beijing, Tianjin and
# Hebei, run natively (no Docker) on loopback. See network/README.md.
#
#   scripts/network.sh up [--deploy]   CAs, identities, 3 raft orderers, 3 peers,
#                                      channel "metrology" (anchor peers set),
#                                      connection.json; --deploy also deploys
#   scripts/network.sh deploy          (re)deploy chaincode "metrotrace" as a
#                                      service; bumps the sequence on redeploy
#   scripts/network.sh deploy --name NAME --path DIR [--port-offset N]
#                                      (re)deploy one more chaincode NAME, built
#                                      from the Go main package DIR, as a service
#                                      (e.g. --name benchput --path ./network/benchcc);
#                                      its servers listen on base+N..N+2
#   scripts/network.sh status          processes, ports, heights, chaincode
#   scripts/network.sh stop NODE [--kill]
#                                      stop one node (SIGTERM, after 10 s SIGKILL;
#                                      --kill: SIGKILL at once), keeping its data
#   scripts/network.sh start NODE      start a stopped (or killed) node again with
#                                      its data and the command it was started with
#                                      NODE: ca-orderer, ca-ORG, orderer0..2, peer-ORG,
#                                      cc-ORG (ORG: beijing|tianjin|hebei); `status`
#                                      lists them
#   scripts/network.sh down            stop every recorded pid, remove all data
#   scripts/network.sh env ORG         print exports to use the peer CLI as ORG's
#                                      admin (ORG: beijing|tianjin|hebei)
#   scripts/network.sh enroll --msp MSPID --institution ID --role ROLE [--name NAME]
#                                      on a running network: register and enroll
#                                      an institution user (ROLE: recorder|
#                                      inspector|operator), add it to
#                                      connection.json; existing ones are kept
#   scripts/network.sh enroll --batch FILE [--jobs N]
#                                      the same for many users; FILE ('-' =
#                                      stdin) has lines "MSPID INSTITUTION ROLE
#                                      [NAME]", '#' comments; all are checked
#                                      before any is enrolled
#
# Environment:
#   METROTRACE_NETWORK_DIR   runtime dir (default <repo>/.network)
#   METROTRACE_PORT_BASE     first port (default 17000); ports base..base+82
#   METROTRACE_BATCH_TIMEOUT orderer BatchTimeout (default 100ms)
#   METROTRACE_CC_SOURCE     directory of a Go main package to run as the
#                            chaincode instead of ./cmd/metrotrace-cc
#   METROTRACE_CC_TLS        1: mutual TLS peer <-> chaincode server (default
#                            for cmd/metrotrace-cc), 0: plaintext on loopback
#   METROTRACE_CACHE         cache for the Fabric binaries (scripts/fabric-tools.sh)
#   METROTRACE_ENROLL_JOBS   parallel enroll workers (default 2 per core, 3..8)
#   METROTRACE_PROFILE       1: peers serve Go's pprof on base+83..85 (Beijing,
#                            Tianjin, Hebei; peer.profile) and the metrotrace
#                            chaincode servers on base+86..88 (--pprof), all
#                            on 127.0.0.1
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NET="${METROTRACE_NETWORK_DIR:-$ROOT/.network}"
mkdir -p "$(dirname "$NET")"
NET="$(cd "$(dirname "$NET")" && pwd)/$(basename "$NET")"

CHANNEL=metrology
CC_NAME=metrotrace
DOMAIN=metrotrace.local
ORGS=(beijing tianjin hebei)
declare -A MSP=([orderer]=OrdererMSP [beijing]=BeijingMSP [tianjin]=TianjinMSP [hebei]=HebeiMSP)
declare -A INSTITUTE=([beijing]=BJIM [tianjin]=TJIM [hebei]=HBIM)
declare -A CSR_NAMES=([orderer]="C=CN,O=OrdererMSP" [beijing]="C=CN,ST=Beijing,O=BeijingMSP"
	[tianjin]="C=CN,ST=Tianjin,O=TianjinMSP" [hebei]="C=CN,ST=Hebei,O=HebeiMSP")
ROLES=(operator recorder inspector)

log() { printf '[network %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'network.sh: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

# ---------------------------------------------------------------- ports
load_state() {
	if [[ -f "$NET/state.env" ]]; then
		# shellcheck disable=SC1091
		source "$NET/state.env"
	fi
	PORT_BASE="${PORT_BASE:-${METROTRACE_PORT_BASE:-17000}}"
	BATCH_TIMEOUT="${BATCH_TIMEOUT:-${METROTRACE_BATCH_TIMEOUT:-100ms}}"
	[[ "$PORT_BASE" =~ ^[0-9]+$ ]] && ((PORT_BASE >= 1024 && PORT_BASE <= 65400)) ||
		die "METROTRACE_PORT_BASE must be a number between 1024 and 65400 (got '$PORT_BASE')"
	[[ "$BATCH_TIMEOUT" =~ ^[0-9]+(ms|s)$ ]] || die "METROTRACE_BATCH_TIMEOUT must look like 100ms or 2s (got '$BATCH_TIMEOUT')"
}
# index: orderer org / orderer0 / peer of beijing = 0, tianjin = 1, hebei = 2
org_index() { case "$1" in beijing) echo 0 ;; tianjin) echo 1 ;; hebei) echo 2 ;; *) die "unknown org '$1' (beijing|tianjin|hebei)" ;; esac; }
ca_port() { if [[ $1 == orderer ]]; then echo $((PORT_BASE)); else echo $((PORT_BASE + 1 + $(org_index "$1"))); fi; }
ca_ops_port() { if [[ $1 == orderer ]]; then echo $((PORT_BASE + 10)); else echo $((PORT_BASE + 11 + $(org_index "$1"))); fi; }
orderer_port() { echo $((PORT_BASE + 20 + $1)); }
orderer_admin_port() { echo $((PORT_BASE + 30 + $1)); }
orderer_ops_port() { echo $((PORT_BASE + 40 + $1)); }
peer_port() { echo $((PORT_BASE + 50 + $(org_index "$1"))); }
peer_cc_port() { echo $((PORT_BASE + 60 + $(org_index "$1"))); }
peer_ops_port() { echo $((PORT_BASE + 70 + $(org_index "$1"))); }
ccserver_port() { echo $((PORT_BASE + 80 + $(org_index "$1"))); }
peer_pprof_port() { echo $((PORT_BASE + 83 + $(org_index "$1"))); }
ccserver_pprof_port() { echo $((PORT_BASE + 86 + $(org_index "$1"))); }
profiling() { [[ "${METROTRACE_PROFILE:-0}" == 1 ]]; }

all_ports() {
	local o i
	for o in orderer "${ORGS[@]}"; do ca_port "$o"; ca_ops_port "$o"; done
	for i in 0 1 2; do orderer_port $i; orderer_admin_port $i; orderer_ops_port $i; done
	for o in "${ORGS[@]}"; do peer_port "$o"; peer_cc_port "$o"; peer_ops_port "$o"; ccserver_port "$o"; done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- tools
ensure_tools() {
	local out
	out="$("$ROOT/scripts/fabric-tools.sh")" || die "building the Fabric binaries failed (scripts/fabric-tools.sh)"
	BIN="$(printf '%s\n' "$out" | tail -n1)"
	[[ -x "$BIN/peer" ]] || die "no peer binary in $BIN"
	export PATH="$BIN:$PATH"
	command -v jq >/dev/null 2>&1 || {
		log "installing jq"
		{ apt-get update -qq && apt-get install -y -qq jq; } >/dev/null 2>&1 || die "jq is required (apt-get install -y jq)"
	}
}

# ---------------------------------------------------------------- processes
# start_proc NAME CMD...: runs CMD detached, logs to logs/NAME.log, pid in
# pids/NAME.pid; the command is kept in cmds/NAME.cmd for `start NAME`.
start_proc() {
	local name="$1"
	shift
	mkdir -p "$NET/logs" "$NET/pids" "$NET/cmds"
	printf '%q ' "$@" >"$NET/cmds/$name.cmd"
	rm -f "$NET/pids/$name.stopped"
	setsid "$@" </dev/null >>"$NET/logs/$name.log" 2>&1 &
	echo $! >"$NET/pids/$name.pid"
}
pid_of() { [[ -f "$NET/pids/$1.pid" ]] && cat "$NET/pids/$1.pid"; }
# alive PID: running (a zombie waiting to be reaped counts as stopped)
alive() {
	[[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
	local st
	st="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
	[[ -n "$st" && "$st" != Z ]]
}

# wait_port NAME PORT [SECONDS]: wait until the process NAME listens on PORT
wait_port() {
	local name="$1" port="$2" secs="${3:-30}" pid i
	pid="$(pid_of "$name")"
	for ((i = 0; i < secs * 10; i++)); do
		if ! alive "$pid"; then
			tail -n 20 "$NET/logs/$name.log" >&2 || true
			die "$name exited during start-up (log: $NET/logs/$name.log)"
		fi
		port_open "$port" && return 0
		sleep 0.1
	done
	tail -n 20 "$NET/logs/$name.log" >&2 || true
	die "$name did not listen on 127.0.0.1:$port within ${secs}s (log: $NET/logs/$name.log)"
}

# stop_pids NAME...: TERM, wait, then KILL
stop_names() {
	local name pid pids=() i
	for name in "$@"; do
		pid="$(pid_of "$name" || true)"
		if alive "$pid"; then
			kill -TERM "$pid" 2>/dev/null || true
			pids+=("$pid")
		fi
		rm -f "$NET/pids/$name.pid"
	done
	for ((i = 0; i < 100; i++)); do
		local left=0
		for pid in "${pids[@]}"; do alive "$pid" && left=1; done
		((left)) || return 0
		sleep 0.1
	done
	for pid in "${pids[@]}"; do alive "$pid" && kill -KILL "$pid" 2>/dev/null || true; done
	sleep 0.2
}
recorded_names() {
	local f
	for f in "$NET"/pids/*.pid; do [[ -e "$f" ]] && basename "$f" .pid; done
	return 0
}
stop_all() {
	local names
	mapfile -t names < <(recorded_names)
	((${#names[@]})) && stop_names "${names[@]}"
	return 0
}

# ---------------------------------------------------------------- templates
# render TEMPLATE OUT: replace ${VAR} by the environment's VAR (unset = error)
render() {
	perl -pe 's/\$\{(\w+)\}/defined $ENV{$1} ? $ENV{$1} : die "unset variable $1 in template\n"/ge' "$1" >"$2"
}

# ---------------------------------------------------------------- Fabric CA
ca_dir() { echo "$NET/cas/$1"; }
ca_cert() { echo "$NET/cas/$1/ca-cert.pem"; }

start_ca() {
	local org="$1" dir port
	dir="$(ca_dir "$org")"
	port="$(ca_port "$org")"
	mkdir -p "$dir"
	start_proc "ca-$org" fabric-ca-server start --home "$dir" -b admin:adminpw \
		--port "$port" --address 127.0.0.1 --tls.enabled --ca.name "ca-$org" \
		--csr.cn "ca.$org.$DOMAIN" --csr.hosts "ca.$org.$DOMAIN,127.0.0.1,localhost" \
		--operations.listenaddress "127.0.0.1:$(ca_ops_port "$org")" --metrics.provider disabled
}

# fcc ORG ARGS...: fabric-ca-client against ORG's CA
fcc() {
	local org="$1"
	shift
	FABRIC_CA_CLIENT_HOME="$NET/cas/$org/client" fabric-ca-client "$@" \
		--caname "ca-$org" --tls.certfiles "$(ca_cert "$org")" >>"$NET/logs/ca-client-$org.log" 2>&1 ||
		{
			tail -n 5 "$NET/logs/ca-client-$org.log" >&2
			die "fabric-ca-client $1 failed for $org (log: $NET/logs/ca-client-$org.log)"
		}
}

# ops_tool: builds cmd/metrotrace-ops into $NET/bin once per run (Go's build
# cache makes a rebuild a link) and sets OPS. The MSP layout and the chaincode
# lifecycle are written in Go there (network/ops), not here.
OPS=""
ops_tool() {
	[[ -n "$OPS" ]] && return 0
	mkdir -p "$NET/bin" "$NET/logs"
	(cd "$ROOT" && go build -o "$NET/bin/metrotrace-ops" ./cmd/metrotrace-ops) >>"$NET/logs/ops-build.log" 2>&1 ||
		{ tail -n 20 "$NET/logs/ops-build.log" >&2; die "go build ./cmd/metrotrace-ops failed (log: $NET/logs/ops-build.log)"; }
	OPS="$NET/bin/metrotrace-ops"
}
# normalize_msp ORG MSPDIR: the MSP layout (cacerts/ca.pem, tlscacerts/ca.pem,
# NodeOUs config.yaml), written by metrotrace-ops msp (ops.WriteMSPLayout)
normalize_msp() {
	"$OPS" msp -q --ca-cert "$(ca_cert "$1")" "$2" || die "metrotrace-ops msp $2 failed"
}

# enroll_identity ORG NAME TYPE DIR [ATTRS] [HOST]: register and enroll NAME;
# DIR/msp gets the enrollment cert; with HOST, DIR/tls gets a TLS server/client
# cert (server.crt, server.key, ca.crt) from the CA's tls profile.
enroll_identity() {
	local org="$1" name="$2" type="$3" dir="$4" attrs="${5:-}" host="${6:-}" port secret
	port="$(ca_port "$org")"
	secret="${name}-pw"
	local reg=(register --id.name "$name" --id.secret "$secret" --id.type "$type"
		-u "https://127.0.0.1:$port" -M "$NET/cas/$org/registrar/msp")
	[[ -n "$attrs" ]] && reg+=(--id.attrs "$attrs")
	fcc "$org" "${reg[@]}"
	mkdir -p "$dir"
	fcc "$org" enroll -u "https://$name:$secret@127.0.0.1:$port" -M "$dir/msp" \
		--csr.hosts "${host:-$name}" --csr.names "${CSR_NAMES[$org]}"
	normalize_msp "$org" "$dir/msp"
	if [[ -n "$host" ]]; then
		fcc "$org" enroll -u "https://$name:$secret@127.0.0.1:$port" -M "$dir/tlsmsp" \
			--enrollment.profile tls --csr.hosts "$host,127.0.0.1,localhost" --csr.names "${CSR_NAMES[$org]}"
		mkdir -p "$dir/tls"
		cp "$dir"/tlsmsp/signcerts/*.pem "$dir/tls/server.crt"
		cp "$dir"/tlsmsp/keystore/*_sk "$dir/tls/server.key"
		cp "$(ca_cert "$org")" "$dir/tls/ca.crt"
		rm -rf "$dir/tlsmsp"
	fi
}

# org_identities ORG: everything ORG's CA issues
org_identities() {
	local org="$1" i name inst role
	fcc "$org" enroll -u "https://admin:adminpw@127.0.0.1:$(ca_port "$org")" -M "$NET/cas/$org/registrar/msp"
	# The org's MSP as the channel sees it.
	mkdir -p "$NET/orgs/$org/msp"
	normalize_msp "$org" "$NET/orgs/$org/msp"
	if [[ $org == orderer ]]; then
		for i in 0 1 2; do
			enroll_identity orderer "orderer$i" orderer "$NET/orderers/orderer$i" "" "orderer$i.$DOMAIN"
		done
		# The admin's TLS cert is osnadmin's client certificate.
		enroll_identity orderer ordereradmin admin "$NET/orgs/orderer/users/admin" "" "ordereradmin.$DOMAIN"
		return 0
	fi
	enroll_identity "$org" peer0 peer "$NET/peers/$org" "" "peer0.$org.$DOMAIN"
	enroll_identity "$org" "${org}admin" admin "$NET/orgs/$org/users/admin"
	# TLS server certificate of the org's chaincode server (mutual TLS with its peer).
	enroll_identity "$org" ccserver client "$NET/ccservers/$org" "" "cc.$org.$DOMAIN"
	inst="${INSTITUTE[$org]}"
	for role in "${ROLES[@]}"; do
		name="${inst,,}-$role"
		enroll_identity "$org" "$name" client "$NET/orgs/$org/users/$name" \
			"metrotrace.institution=$inst:ecert,metrotrace.role=$role:ecert"
	done
}

# make_identities: the four CAs work in parallel
make_identities() {
	local org pids=() failed=0 i=0
	for org in orderer "${ORGS[@]}"; do
		(org_identities "$org") &
		pids+=($!)
	done
	for org in orderer "${ORGS[@]}"; do
		wait "${pids[$i]}" || { echo "identities of $org failed (log: $NET/logs/ca-client-$org.log)" >&2; failed=1; }
		i=$((i + 1))
	done
	((failed == 0))
}

# ---------------------------------------------------------------- peer CLI
# peer_env ORG: environment for the peer CLI as ORG's admin
peer_env() {
	local org="$1"
	echo "FABRIC_CFG_PATH=$NET/peers/$org"
	echo "CORE_PEER_ADDRESS=127.0.0.1:$(peer_port "$org")"
	echo "CORE_PEER_LOCALMSPID=${MSP[$org]}"
	echo "CORE_PEER_MSPCONFIGPATH=$NET/orgs/$org/users/admin/msp"
	echo "CORE_PEER_TLS_ENABLED=true"
	echo "CORE_PEER_TLS_ROOTCERT_FILE=$NET/orgs/$org/msp/tlscacerts/ca.pem"
}
# as_admin ORG CMD...: run CMD with ORG's admin peer CLI environment
as_admin() {
	local org="$1"
	shift
	local envs
	mapfile -t envs < <(peer_env "$org")
	env "${envs[@]}" "$@"
}
orderer_args() {
	echo "-o"
	echo "127.0.0.1:$(orderer_port "${1:-0}")"
	echo "--tls"
	echo "--cafile"
	echo "$NET/orgs/orderer/msp/tlscacerts/ca.pem"
}

# ---------------------------------------------------------------- up
is_up() {
	[[ -f "$NET/.up" ]] || return 1
	local name
	for name in $(recorded_names); do alive "$(pid_of "$name")" || return 1; done
	return 0
}

# While PHASE is set, a failing exit stops what this command started.
PHASE=""
STEP=""
DEPLOY_STARTED=()
on_exit() {
	local rc=$?
	[[ -z "${ENROLL_TMP:-}" ]] || rm -rf "$ENROLL_TMP"
	[[ $rc -ne 0 && -n "$PHASE" ]] || return 0
	case "$PHASE" in
	up)
		printf 'network.sh up: step "%s" failed (exit %s); stopping everything that was started. Logs: %s/logs\n' \
			"$STEP" "$rc" "$NET" >&2
		stop_all
		rm -f "$NET/.up"
		;;
	deploy)
		printf 'network.sh deploy: step "%s" failed (exit %s); stopping the chaincode servers it started. Logs: %s/logs\n' \
			"$STEP" "$rc" "$NET" >&2
		((${#DEPLOY_STARTED[@]} == 0)) || stop_names "${DEPLOY_STARTED[@]}"
		if [[ "${UP_TOO:-0}" == 1 ]]; then
			echo "network.sh up --deploy: stopping the network too" >&2
			stop_all
			rm -f "$NET/.up"
		fi
		;;
	esac
}
trap on_exit EXIT

cmd_up() {
	local deploy=0
	[[ "${1:-}" == "--deploy" ]] && deploy=1
	local t0
	t0="$(now)"
	if [[ -f "$NET/.up" ]]; then
		load_state
		if is_up; then
			log "network already running in $NET (ports from $PORT_BASE); nothing to do. 'scripts/network.sh down' to stop it."
			if ((deploy)) && [[ ! -f "$NET/chaincode/deployed.env" ]]; then cmd_deploy; fi
			return 0
		fi
		die "a network in $NET is partly running or was not stopped cleanly; run 'scripts/network.sh down' first"
	fi
	if [[ -d "$NET/pids" ]]; then
		# Leftovers of a failed or killed run: make sure none of its processes remain.
		load_state
		stop_all
	fi
	if [[ -e "$NET" && ! -f "$NET/.metrotrace-network" ]] && [[ -n "$(ls -A "$NET" 2>/dev/null)" ]]; then
		die "$NET exists, is not empty and is not a metrotrace network dir; choose another METROTRACE_NETWORK_DIR"
	fi
	rm -rf "$NET"
	mkdir -p "$NET/logs" "$NET/pids"
	touch "$NET/.metrotrace-network"
	load_state
	printf 'PORT_BASE=%s\nBATCH_TIMEOUT=%s\n' "$PORT_BASE" "$BATCH_TIMEOUT" >"$NET/state.env"

	PHASE=up
	STEP="build Fabric binaries"
	local tb
	tb="$(now)"
	ensure_tools
	log "Fabric binaries ready in $(elapsed "$tb")s ($BIN)"
	local t1
	t1="$(now)"

	STEP="check ports"
	local p busy=()
	for p in $(all_ports); do port_open "$p" && busy+=("$p"); done
	((${#busy[@]} == 0)) || die "ports already in use on 127.0.0.1: ${busy[*]} (set METROTRACE_PORT_BASE to another base)"

	STEP="start Fabric CAs"
	local org i ops_pid
	# metrotrace-ops, which writes every MSP's layout, builds while the CAs start.
	(ops_tool) &
	ops_pid=$!
	for org in orderer "${ORGS[@]}"; do start_ca "$org"; done
	for org in orderer "${ORGS[@]}"; do wait_port "ca-$org" "$(ca_port "$org")" 60; done
	log "4 Fabric CAs up"
	STEP="build metrotrace-ops"
	wait "$ops_pid" || die "building metrotrace-ops failed"
	OPS="$NET/bin/metrotrace-ops"

	STEP="register and enroll identities"
	make_identities
	log "identities enrolled (peers, orderers, admins, institution users)"

	STEP="start orderers"
	export NET DOMAIN BATCH_TIMEOUT
	for i in 0 1 2; do
		export ORDERER_DIR="$NET/orderers/orderer$i" MSP_ID=OrdererMSP
		export ORDERER_PORT ORDERER_ADMIN_PORT ORDERER_OPS_PORT
		ORDERER_PORT="$(orderer_port $i)" ORDERER_ADMIN_PORT="$(orderer_admin_port $i)" ORDERER_OPS_PORT="$(orderer_ops_port $i)"
		mkdir -p "$ORDERER_DIR/data"
		render "$ROOT/network/config/orderer.yaml" "$ORDERER_DIR/orderer.yaml"
		start_proc "orderer$i" env FABRIC_CFG_PATH="$ORDERER_DIR" orderer
	done

	STEP="start peers"
	export CCAAS_BUILDER_DIR="$ROOT/network/builders/ccaas"
	for org in "${ORGS[@]}"; do
		export PEER_DIR="$NET/peers/$org" PEER_NAME="peer0.$org.$DOMAIN" MSP_ID="${MSP[$org]}"
		export PEER_PORT PEER_CC_PORT PEER_OPS_PORT
		PEER_PORT="$(peer_port "$org")" PEER_CC_PORT="$(peer_cc_port "$org")" PEER_OPS_PORT="$(peer_ops_port "$org")"
		mkdir -p "$PEER_DIR/data"
		render "$ROOT/network/config/core.yaml" "$PEER_DIR/core.yaml"
		local profenv=()
		if profiling; then
			profenv=(CORE_PEER_PROFILE_ENABLED=true CORE_PEER_PROFILE_LISTENADDRESS="127.0.0.1:$(peer_pprof_port "$org")")
		fi
		start_proc "peer-$org" env FABRIC_CFG_PATH="$PEER_DIR" "${profenv[@]}" \
			METROTRACE_CCAAS_ADDRESS="127.0.0.1:$(ccserver_port "$org")" \
			METROTRACE_CCAAS_ROOT_CERT="$(ca_cert "$org")" \
			METROTRACE_CCAAS_CLIENT_CERT="$PEER_DIR/tls/server.crt" \
			METROTRACE_CCAAS_CLIENT_KEY="$PEER_DIR/tls/server.key" peer node start
	done

	STEP="create channel genesis block"
	mkdir -p "$NET/channel"
	export ORDERER0_PORT ORDERER1_PORT ORDERER2_PORT PEER0_PORT PEER1_PORT PEER2_PORT
	ORDERER0_PORT="$(orderer_port 0)" ORDERER1_PORT="$(orderer_port 1)" ORDERER2_PORT="$(orderer_port 2)"
	PEER0_PORT="$(peer_port beijing)" PEER1_PORT="$(peer_port tianjin)" PEER2_PORT="$(peer_port hebei)"
	render "$ROOT/network/config/configtx.yaml" "$NET/channel/configtx.yaml"
	configtxgen -configPath "$NET/channel" -profile Metrology -channelID "$CHANNEL" \
		-outputBlock "$NET/channel/$CHANNEL.block" >>"$NET/logs/configtxgen.log" 2>&1 ||
		{ tail -n 5 "$NET/logs/configtxgen.log" >&2; false; }

	STEP="join orderers (osnadmin)"
	for i in 0 1 2; do wait_port "orderer$i" "$(orderer_admin_port $i)" 30; done
	local adm="$NET/orgs/orderer/users/admin/tls"
	for i in 0 1 2; do
		osnadmin channel join --channelID "$CHANNEL" --config-block "$NET/channel/$CHANNEL.block" \
			-o "127.0.0.1:$(orderer_admin_port $i)" --ca-file "$adm/ca.crt" \
			--client-cert "$adm/server.crt" --client-key "$adm/server.key" >>"$NET/logs/osnadmin.log" 2>&1 ||
			{ tail -n 5 "$NET/logs/osnadmin.log" >&2; false; }
	done
	log "3 orderers joined channel $CHANNEL"

	STEP="join peers"
	for org in "${ORGS[@]}"; do wait_port "peer-$org" "$(peer_port "$org")" 30; done
	for org in "${ORGS[@]}"; do
		as_admin "$org" peer channel join -b "$NET/channel/$CHANNEL.block" >>"$NET/logs/peer-cli.log" 2>&1 ||
			{ tail -n 5 "$NET/logs/peer-cli.log" >&2; false; }
	done
	log "3 peers joined channel $CHANNEL"

	STEP="wait for a raft leader"
	wait_raft_leader 60

	STEP="check anchor peers"
	check_anchor_peers

	STEP="wait for cross-org gossip"
	wait_gossip 90

	STEP="write connection.json"
	write_connection
	touch "$NET/.up"
	PHASE=""
	log "network up in $(elapsed "$t1")s (without binary build; total $(elapsed "$t0")s). Connection: $NET/connection.json"
	if ((deploy)); then
		UP_TOO=1
		cmd_deploy
		log "up --deploy: network and chaincode ready in $(elapsed "$t1")s (total with build check $(elapsed "$t0")s)"
	fi
}

wait_raft_leader() {
	local secs="$1" i n
	for ((i = 0; i < secs * 10; i++)); do
		n=0
		for n in 0 1 2; do
			if grep -q 'Raft leader changed: 0 -> \|became leader at term' "$NET/logs/orderer$n.log" 2>/dev/null; then
				return 0
			fi
		done
		sleep 0.1
	done
	die "no raft leader elected within ${secs}s (logs: $NET/logs/orderer*.log)"
}

# wait_gossip SECONDS: every peer's channel membership view has the other two
# peers (through the anchor peers); until then discovery cannot offer other
# orgs' endorsers to the Fabric Gateway service.
wait_gossip() {
	local secs="$1" i org other ok view
	for ((i = 0; i < secs * 5; i++)); do
		ok=1
		for org in "${ORGS[@]}"; do
			view="$(grep -a 'current view' "$NET/logs/peer-$org.log" 2>/dev/null | tail -n1 || true)"
			for other in "${ORGS[@]}"; do
				[[ $other == "$org" ]] && continue
				[[ "$view" == *"127.0.0.1:$(peer_port "$other") "* ]] || ok=0
			done
		done
		if ((ok)); then
			log "gossip settled: every peer sees the other two"
			return 0
		fi
		sleep 0.2
	done
	die "peers did not see each other through gossip within ${secs}s (logs: $NET/logs/peer-*.log)"
}

check_anchor_peers() {
	local org oargs
	mapfile -t oargs < <(orderer_args 0)
	as_admin beijing peer channel fetch config "$NET/channel/config.pb" -c "$CHANNEL" "${oargs[@]}" \
		>>"$NET/logs/peer-cli.log" 2>&1 || { tail -n 5 "$NET/logs/peer-cli.log" >&2; false; }
	configtxlator proto_decode --input "$NET/channel/config.pb" --type common.Block \
		--output "$NET/channel/config.json" >>"$NET/logs/peer-cli.log" 2>&1
	for org in "${ORGS[@]}"; do
		local got
		got="$(jq -r --arg m "${MSP[$org]}" '.data.data[0].payload.data.config.channel_group.groups.Application.groups[$m].values.AnchorPeers.value.anchor_peers[0] | "\(.host):\(.port)"' "$NET/channel/config.json")"
		[[ "$got" == "127.0.0.1:$(peer_port "$org")" ]] || die "anchor peer of ${MSP[$org]} is '$got', want 127.0.0.1:$(peer_port "$org")"
	done
	log "anchor peers set for ${ORGS[*]}"
}

# ---------------------------------------------------------------- connection.json
write_connection() {
	local org role name inst u orgs=() users
	for org in "${ORGS[@]}"; do
		inst="${INSTITUTE[$org]}"
		users=()
		for role in "${ROLES[@]}"; do
			name="${inst,,}-$role"
			u="$NET/orgs/$org/users/$name/msp"
			users+=("$(jq -n --arg name "$name" --arg inst "$inst" --arg role "$role" \
				--arg cert "$u/signcerts/cert.pem" --arg key "$(ls "$u"/keystore/*_sk)" --arg msp "$u" \
				'{name:$name, institution:$inst, role:$role, cert:$cert, key:$key, msp_dir:$msp}')")
		done
		u="$NET/orgs/$org/users/admin/msp"
		orgs+=("$(jq -n --arg name "$org" --arg msp "${MSP[$org]}" --arg ep "127.0.0.1:$(peer_port "$org")" \
			--arg host "peer0.$org.$DOMAIN" --arg ca "$NET/orgs/$org/msp/tlscacerts/ca.pem" \
			--arg acert "$u/signcerts/cert.pem" --arg akey "$(ls "$u"/keystore/*_sk)" --arg amsp "$u" \
			--arg caurl "https://127.0.0.1:$(ca_port "$org")" --arg caname "ca-$org" --arg cacert "$(ca_cert "$org")" \
			--argjson users "$(printf '%s\n' "${users[@]}" | jq -s .)" \
			'{name:$name, msp_id:$msp, peer_endpoint:$ep, peer_host_override:$host, peer_tls_ca_cert:$ca,
			  ca:{url:$caurl, name:$caname, tls_ca_cert:$cacert},
			  admin:{name:($name+"admin"), role:"admin", cert:$acert, key:$akey, msp_dir:$amsp},
			  users:$users}')")
	done
	local ords=() i
	for i in 0 1 2; do
		# operations_endpoint: the orderer's operations service (plain HTTP,
		# config/orderer.yaml), whose /metrics the ops tool reads raft roles from.
		ords+=("$(jq -n --arg ep "127.0.0.1:$(orderer_port $i)" --arg host "orderer$i.$DOMAIN" \
			--arg ca "$NET/orgs/orderer/msp/tlscacerts/ca.pem" --arg ops "127.0.0.1:$(orderer_ops_port $i)" \
			'{endpoint:$ep, host_override:$host, tls_ca_cert:$ca, operations_endpoint:$ops}')")
	done
	jq -n --arg ch "$CHANNEL" --arg cc "$CC_NAME" \
		--argjson orgs "$(printf '%s\n' "${orgs[@]}" | jq -s .)" \
		--argjson ords "$(printf '%s\n' "${ords[@]}" | jq -s .)" \
		'{channel:$ch, chaincode:$cc, orderers:$ords, orgs:$orgs}' >"$NET/connection.json.tmp"
	mv "$NET/connection.json.tmp" "$NET/connection.json"
}

# ---------------------------------------------------------------- deploy
committed_sequence() {
	local out name="${1:-$CC_NAME}"
	if out="$(as_admin beijing peer lifecycle chaincode querycommitted -C "$CHANNEL" -n "$name" -O json 2>/dev/null)"; then
		jq -r '.sequence // 0' <<<"$out"
	else
		echo 0
	fi
}

cmd_deploy() {
	load_state
	is_up || die "the network in $NET is not running; run 'scripts/network.sh up' first"
	ensure_tools
	local t0 org
	t0="$(now)"
	PHASE=deploy

	STEP="build chaincode server"
	mkdir -p "$NET/chaincode"
	local src="${METROTRACE_CC_SOURCE:-}" bin="$NET/chaincode/metrotrace-cc" cc_tls
	# Mutual TLS between peer and chaincode server: on for cmd/metrotrace-cc,
	# off by default for another METROTRACE_CC_SOURCE (it may not read the TLS env).
	if [[ -n "$src" ]]; then cc_tls="${METROTRACE_CC_TLS:-0}"; else cc_tls="${METROTRACE_CC_TLS:-1}"; fi
	[[ "$cc_tls" == 0 || "$cc_tls" == 1 ]] || die "METROTRACE_CC_TLS must be 0 or 1"
	if [[ -n "$src" ]]; then
		(cd "$src" && go build -o "$bin" .) >>"$NET/logs/chaincode-build.log" 2>&1 ||
			{ tail -n 20 "$NET/logs/chaincode-build.log" >&2; die "go build of $src failed"; }
	else
		[[ -d "$ROOT/cmd/metrotrace-cc" ]] || die "cmd/metrotrace-cc does not exist yet (set METROTRACE_CC_SOURCE to a chaincode main package to test)"
		(cd "$ROOT" && go build -o "$bin" ./cmd/metrotrace-cc) >>"$NET/logs/chaincode-build.log" 2>&1 ||
			{ tail -n 20 "$NET/logs/chaincode-build.log" >&2; die "go build ./cmd/metrotrace-cc failed"; }
	fi

	STEP="package chaincode"
	local seq label pkgdir pkg pkgid
	seq=$(($(committed_sequence) + 1))
	label="${CC_NAME}_${seq}"
	pkgdir="$NET/chaincode/pkg-$seq"
	rm -rf "$pkgdir"
	mkdir -p "$pkgdir/src"
	# Placeholders are filled in per peer by network/builders/ccaas/bin/release.
	if ((cc_tls)); then
		cat >"$pkgdir/src/connection.json" <<'JSON'
{
  "address": "{{address}}",
  "dial_timeout": "10s",
  "tls_required": true,
  "client_auth_required": true,
  "root_cert": "{{root_cert}}",
  "client_cert": "{{client_cert}}",
  "client_key": "{{client_key}}"
}
JSON
	else
		printf '{\n  "address": "{{address}}",\n  "dial_timeout": "10s",\n  "tls_required": false\n}\n' >"$pkgdir/src/connection.json"
	fi
	printf '{"type":"ccaas","label":"%s"}\n' "$label" >"$pkgdir/metadata.json"
	tar -C "$pkgdir/src" -czf "$pkgdir/code.tar.gz" connection.json
	pkg="$NET/chaincode/$label.tar.gz"
	tar -C "$pkgdir" -czf "$pkg" metadata.json code.tar.gz
	pkgid="$(as_admin beijing peer lifecycle chaincode calculatepackageid "$pkg")"

	STEP="build metrotrace-ops"
	ops_tool

	STEP="start chaincode servers"
	local names=()
	for org in "${ORGS[@]}"; do names+=("cc-$org"); done
	stop_names "${names[@]}"
	for org in "${ORGS[@]}"; do
		local tlsenv=()
		if ((cc_tls)); then
			tlsenv=(CHAINCODE_TLS_CERT="$NET/ccservers/$org/tls/server.crt"
				CHAINCODE_TLS_KEY="$NET/ccservers/$org/tls/server.key"
				CHAINCODE_TLS_CLIENT_CA="$(ca_cert "$org")")
		fi
		if profiling; then tlsenv+=(METROTRACE_CC_PPROF="127.0.0.1:$(ccserver_pprof_port "$org")"); fi
		start_proc "cc-$org" env CHAINCODE_SERVER_ADDRESS="127.0.0.1:$(ccserver_port "$org")" \
			CHAINCODE_ID="$pkgid" CORE_PEER_LOCALMSPID="${MSP[$org]}" "${tlsenv[@]}" "$bin"
		DEPLOY_STARTED+=("cc-$org")
	done
	for org in "${ORGS[@]}"; do wait_port "cc-$org" "$(ccserver_port "$org")" 30; done

	local res q
	ops_deploy "$CC_NAME" "$seq" --package "$pkg"
	[[ "$(jq -r '.package_id' <<<"$res")" == "$pkgid" ]] || die "metrotrace-ops computed another package id: $res"
	peers_reach "$CC_NAME"
	printf 'SEQUENCE=%s\nPACKAGE_ID=%s\nCHAINCODE_TLS=%s\n' "$seq" "$pkgid" "$cc_tls" >"$NET/chaincode/deployed.env"
	PHASE=""
	log "chaincode $CC_NAME sequence $seq committed (package $pkgid, lifecycle via metrotrace-ops); approvals: $(jq -c '.approvals' <<<"$q")"
	log "deploy took $(elapsed "$t0")s"
}

# ops_deploy NAME SEQ PACKAGE-ARGS...: install, approve and commit sequence
# SEQ of chaincode NAME through metrotrace-ops deploy (network/ops,
# fabric-sdk-go), the one lifecycle; checks that the sequence is committed
# with every org's approval. Sets the caller's res (the JSON answer) and q
# (sequence, version, approvals).
ops_deploy() {
	local name="$1" seq="$2"
	shift 2
	STEP="install, approve and commit $name with metrotrace-ops"
	ops_tool
	res="$("$OPS" deploy --connection "$NET/connection.json" "$@" --name "$name" \
		--version "$seq" --sequence "$seq" --json 2>>"$NET/logs/metrotrace-ops.log")" ||
		{ tail -n 5 "$NET/logs/metrotrace-ops.log" >&2; false; }
	printf '%s\n' "$res" >>"$NET/logs/metrotrace-ops.log"
	STEP="check committed definition of $name"
	q="$(jq -c '{sequence, version, approvals}' <<<"$res")"
	[[ "$(jq -r '.sequence' <<<"$q")" == "$seq" ]] || die "committed sequence of $name is not $seq: $q"
	[[ "$(jq -r '[.approvals[]] | all' <<<"$q")" == true ]] || die "not every org approved $name: $q"
}

# peers_reach NAME: each peer answers NAME's metadata, so a peer that cannot
# reach its chaincode server (address, TLS) fails the deploy, not the first
# transaction
peers_reach() {
	local org
	STEP="check each peer reaches its $1 server"
	for org in "${ORGS[@]}"; do
		retry 10 as_admin "$org" peer chaincode query -C "$CHANNEL" -n "$1" \
			-c '{"Args":["org.hyperledger.fabric:GetMetadata"]}'
	done
}

# ---------------------------------------------------------------- deploy of another chaincode
# deploy --name NAME --path DIR [--port-offset N]: one more chaincode on the
# channel next to metrotrace (e.g. the benchmark's trivial put chaincode),
# also as a service with one server per peer, on 127.0.0.1:base+N+<org
# index>. The ccaas builder fills {{address}} with the peer's metrotrace
# server, so each org gets its own package whose connection.json names its
# own server's address literally (package ids are per org in the Fabric
# lifecycle; the approved definition is the same). TLS placeholders are
# filled by the builder as for metrotrace. State in chaincode/NAME/.
deploy_usage() {
	cat >&2 <<'USAGE'
usage: network.sh deploy                                        (re)deploy metrotrace
       network.sh deploy --name NAME --path DIR [--port-offset N]   (re)deploy another chaincode
  NAME: [a-z][a-z0-9_-]*, not "metrotrace"; DIR: a Go main package (a chaincode
  service reading CHAINCODE_SERVER_ADDRESS and CHAINCODE_ID, and with
  METROTRACE_CC_TLS=1 CHAINCODE_TLS_CERT/_KEY/_CLIENT_CA) that answers
  org.hyperledger.fabric:GetMetadata; N: port offset of its three servers
  (default: as before for NAME, else 90, 93, 96, ... for each new NAME).
USAGE
	exit 2
}

cmd_deploy_args() {
	(($# == 0)) && { cmd_deploy; return; }
	local name="" path="" offset=""
	while (($#)); do
		case "$1" in
		--name | --path | --port-offset)
			(($# >= 2)) || { echo "network.sh deploy: $1 needs a value" >&2; deploy_usage; }
			case "$1" in --name) name="$2" ;; --path) path="$2" ;; --port-offset) offset="$2" ;; esac
			shift 2
			;;
		-h | --help) deploy_usage ;;
		*) echo "network.sh deploy: unknown argument '$1'" >&2; deploy_usage ;;
		esac
	done
	[[ -n "$name" && -n "$path" ]] || { echo "network.sh deploy: --name and --path go together" >&2; deploy_usage; }
	[[ "$name" =~ ^[a-z][a-z0-9_-]{0,48}$ ]] || { echo "network.sh deploy: bad chaincode name '$name' ([a-z][a-z0-9_-]*)" >&2; deploy_usage; }
	[[ "$name" != "$CC_NAME" ]] || { echo "network.sh deploy: --name $CC_NAME is the default chaincode; use 'deploy' (METROTRACE_CC_SOURCE for another source)" >&2; deploy_usage; }
	[[ -z "$offset" || "$offset" =~ ^[0-9]+$ ]] || { echo "network.sh deploy: --port-offset must be a number" >&2; deploy_usage; }
	if [[ "$path" != /* && ! -d "$path" && -d "$ROOT/$path" ]]; then path="$ROOT/$path"; fi
	[[ -d "$path" ]] || die "deploy: chaincode source $path is not a directory"
	path="$(cd "$path" && pwd)"
	cmd_deploy_extra "$name" "$path" "$offset"
}

cmd_deploy_extra() {
	local name="$1" src="$2" offset="$3"
	load_state
	is_up || die "the network in $NET is not running; run 'scripts/network.sh up' first"
	ensure_tools
	local t0 org dir="$NET/chaincode/$name"
	t0="$(now)"
	mkdir -p "$dir"
	if [[ -z "$offset" && -f "$dir/deployed.env" ]]; then
		offset="$(sed -n 's/^PORT_OFFSET=//p' "$dir/deployed.env")"
	fi
	if [[ -z "$offset" ]]; then
		local others=0 d
		for d in "$NET"/chaincode/*/deployed.env; do [[ -e "$d" ]] && others=$((others + 1)); done
		offset=$((90 + 3 * others))
	fi
	((offset >= 90 && PORT_BASE + offset + 2 <= 65535)) || die "deploy: --port-offset $offset must be at least 90 (below are the network's own ports) and fit under 65535"
	local cc_tls="${METROTRACE_CC_TLS:-0}"
	[[ "$cc_tls" == 0 || "$cc_tls" == 1 ]] || die "METROTRACE_CC_TLS must be 0 or 1"
	PHASE=deploy

	STEP="build chaincode server $name"
	local bin="$dir/$name-cc"
	(cd "$src" && go build -o "$bin" .) >>"$NET/logs/chaincode-build.log" 2>&1 ||
		{ tail -n 20 "$NET/logs/chaincode-build.log" >&2; die "go build of $src failed"; }

	STEP="package chaincode $name"
	local seq label
	seq=$(($(committed_sequence "$name") + 1))
	label="${name}_${seq}"
	declare -A pkgid=()
	local pkgs=()
	for org in "${ORGS[@]}"; do
		local pkgdir="$dir/pkg-$seq-$org" pkg="$dir/$label-$org.tar.gz" addr
		addr="127.0.0.1:$((PORT_BASE + offset + $(org_index "$org")))"
		rm -rf "$pkgdir"
		mkdir -p "$pkgdir/src"
		if ((cc_tls)); then
			printf '{\n  "address": "%s",\n  "dial_timeout": "10s",\n  "tls_required": true,\n  "client_auth_required": true,\n  "root_cert": "{{root_cert}}",\n  "client_cert": "{{client_cert}}",\n  "client_key": "{{client_key}}"\n}\n' "$addr" >"$pkgdir/src/connection.json"
		else
			printf '{\n  "address": "%s",\n  "dial_timeout": "10s",\n  "tls_required": false\n}\n' "$addr" >"$pkgdir/src/connection.json"
		fi
		printf '{"type":"ccaas","label":"%s"}\n' "$label" >"$pkgdir/metadata.json"
		tar -C "$pkgdir/src" -czf "$pkgdir/code.tar.gz" connection.json
		tar -C "$pkgdir" -czf "$pkg" metadata.json code.tar.gz
		pkgid[$org]="$(as_admin "$org" peer lifecycle chaincode calculatepackageid "$pkg")"
		pkgs+=(--package-for "${MSP[$org]}=$pkg")
	done

	STEP="start chaincode servers of $name"
	local names=()
	for org in "${ORGS[@]}"; do names+=("cc-$name-$org"); done
	stop_names "${names[@]}"
	for org in "${ORGS[@]}"; do
		local port=$((PORT_BASE + offset + $(org_index "$org"))) tlsenv=()
		port_open "$port" && die "port $port (offset $offset) is taken by another process; pass another --port-offset"
		if ((cc_tls)); then
			tlsenv=(CHAINCODE_TLS_CERT="$NET/ccservers/$org/tls/server.crt"
				CHAINCODE_TLS_KEY="$NET/ccservers/$org/tls/server.key"
				CHAINCODE_TLS_CLIENT_CA="$(ca_cert "$org")")
		fi
		start_proc "cc-$name-$org" env CHAINCODE_SERVER_ADDRESS="127.0.0.1:$port" \
			CHAINCODE_ID="${pkgid[$org]}" CORE_PEER_LOCALMSPID="${MSP[$org]}" "${tlsenv[@]}" "$bin"
		DEPLOY_STARTED+=("cc-$name-$org")
	done
	for org in "${ORGS[@]}"; do wait_port "cc-$name-$org" "$((PORT_BASE + offset + $(org_index "$org")))" 30; done

	# Each org installs and approves its own package.
	local res q
	ops_deploy "$name" "$seq" "${pkgs[@]}"
	for org in "${ORGS[@]}"; do
		[[ "$(jq -r --arg m "${MSP[$org]}" '.package_ids[$m]' <<<"$res")" == "${pkgid[$org]}" ]] ||
			die "metrotrace-ops computed another package id for $org: $res"
	done
	peers_reach "$name"
	{
		printf 'NAME=%s\nSOURCE=%s\nSEQUENCE=%s\nPORT_OFFSET=%s\nCHAINCODE_TLS=%s\n' "$name" "$src" "$seq" "$offset" "$cc_tls"
		for org in "${ORGS[@]}"; do printf 'PACKAGE_ID_%s=%s\n' "${org^^}" "${pkgid[$org]}"; done
	} >"$dir/deployed.env"
	PHASE=""
	log "chaincode $name sequence $seq committed (servers on ports $((PORT_BASE + offset))..$((PORT_BASE + offset + 2)), TLS $cc_tls); approvals: $(jq -c '.approvals' <<<"$q")"
	log "deploy of $name took $(elapsed "$t0")s"
}

# retry N CMD...: run CMD up to N times, 1s apart (orderer leader or gossip settling)
retry() {
	local n="$1" i out
	shift
	for ((i = 1; i <= n; i++)); do
		if out="$("$@" 2>&1)"; then
			printf "%s\n" "${out:0:2000}" >>"$NET/logs/peer-cli.log"
			return 0
		fi
		printf "%s\n" "${out:0:2000}" >>"$NET/logs/peer-cli.log"
		((i < n)) && sleep 1
	done
	echo "$out" | tail -n 5 >&2
	return 1
}

# ---------------------------------------------------------------- enroll
# Institution users enrolled after "up": registered with the org's Fabric CA
# (type client, attributes metrotrace.institution/metrotrace.role as ECert
# attributes), enrolled into orgs/<org>/users/<name>/msp like up's users, and
# added to connection.json. Keyed by (MSP, institution, role): enrolling an
# existing triple is a no-op.
INST_RE='^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'
ENROLL_TMP=""

enroll_usage() {
	cat >&2 <<'USAGE'
usage: network.sh enroll --msp MSPID --institution ID --role recorder|inspector|operator [--name NAME]
       network.sh enroll --batch FILE [--jobs N]    FILE ('-' = stdin): lines "MSPID INSTITUTION ROLE [NAME]"
USAGE
	exit 2
}

# org_of_msp MSPID: the short org name of a peer org's MSP id ("" if none)
org_of_msp() {
	local o
	for o in "${ORGS[@]}"; do [[ "${MSP[$o]}" == "$1" ]] && { echo "$o"; return 0; }; done
	return 0
}

# enroll_one ORG NAME INST ROLE: register (tolerating an earlier registration
# of the same name), enroll into a fresh MSP dir, check the certificate's
# attributes, then put the MSP in place. Prints the result as one TSV line.
# Kept to few processes: two fabric-ca-client runs are most of the client's
# cost, and the CA's bcrypt of the secret (register, enroll) most of the
# server's. Needs E_PORT/E_CACERT and the MSP templates from cmd_enroll.
enroll_one() {
	local org="$1" name="$2" inst="$3" role="$4" out rc
	local port="${E_PORT[$org]}" secret="${name}-pw" log="$NET/logs/ca-client-$org.log"
	local attrs="metrotrace.institution=$inst:ecert,metrotrace.role=$role:ecert"
	local common=(--caname "ca-$org" --tls.certfiles "${E_CACERT[$org]}")
	export FABRIC_CA_CLIENT_HOME="$NET/cas/$org/client"
	rc=0
	out="$(fabric-ca-client register --id.name "$name" --id.secret "$secret" --id.type client \
		--id.attrs "$attrs" -u "https://127.0.0.1:$port" -M "$NET/cas/$org/registrar/msp" "${common[@]}" 2>&1)" || rc=$?
	printf '%s\n' "$out" >>"$log"
	if ((rc != 0)); then
		if [[ "$out" != *"is already registered"* ]]; then
			echo "register $name with ca-$org failed: ${out##*$'\n'}" >&2
			return 1
		fi
		# Left by an interrupted enroll: make the registration what we want.
		out="$(fabric-ca-client identity modify "$name" --secret "$secret" --type client --attrs "$attrs" \
			-u "https://127.0.0.1:$port" -M "$NET/cas/$org/registrar/msp" "${common[@]}" 2>&1)" ||
			{ printf '%s\n' "$out" >>"$log"; echo "identity modify $name at ca-$org failed: ${out##*$'\n'}" >&2; return 1; }
		printf '%s\n' "$out" >>"$log"
	fi
	local dir="$NET/orgs/$org/users/$name" tmp="$ENROLL_TMP/$org-$name"
	out="$(fabric-ca-client enroll -u "https://$name:$secret@127.0.0.1:$port" -M "$tmp/msp" \
		--csr.hosts "$name" --csr.names "${CSR_NAMES[$org]}" "${common[@]}" 2>&1)" ||
		{ printf '%s\n' "$out" >>"$log"; echo "enroll $name at ca-$org failed: ${out##*$'\n'}" >&2; return 1; }
	printf '%s\n' "$out" >>"$log"
	# The MSP as normalize_msp makes it (cacerts/ca.pem, tlscacerts/ca.pem, NodeOUs).
	rm -rf "$tmp/msp/cacerts" "$tmp/msp/intermediatecerts" "$tmp/msp/tlscacerts" &&
		cp -r "$ENROLL_TMP/tpl-$org/." "$tmp/msp/" || { echo "cannot normalize the MSP of $name" >&2; return 1; }
	# The ECert attributes are JSON inside the DER (extension 1.2.3.4.5.6.7.8.1).
	local ext
	ext="$(sed '/^-----/d' "$tmp/msp/signcerts/cert.pem" | base64 -d | grep -a -o '{"attrs":{[^}]*}}')" || ext=""
	if [[ "$ext" != *"\"metrotrace.institution\":\"$inst\""* || "$ext" != *"\"metrotrace.role\":\"$role\""* ||
		"$ext" != *"\"hf.Type\":\"client\""* ]]; then
		echo "certificate of $name at ca-$org does not carry institution=$inst, role=$role, type client: ${ext:-no attributes}" >&2
		return 1
	fi
	if [[ -e "$dir" ]]; then rm -rf "$dir" || return 1; fi
	mv "$tmp" "$dir" || { echo "cannot move the MSP of $name to $dir" >&2; return 1; }
	local keys=("$dir"/msp/keystore/*_sk)
	if ((${#keys[@]} != 1)) || [[ ! -f "${keys[0]}" ]]; then
		echo "expected one key in $dir/msp/keystore" >&2
		return 1
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${MSP[$org]}" "$name" "$inst" "$role" \
		"$dir/msp/signcerts/cert.pem" "${keys[0]}" "$dir/msp"
}

# enroll_worker OUT ITEM...: enroll items ("org name inst role", tab-separated)
# one after another, results to OUT, failures to OUT.failed
enroll_worker() {
	local out="$1" item org name inst role
	shift
	for item in "$@"; do
		IFS=$'\t' read -r org name inst role <<<"$item"
		if ! enroll_one "$org" "$name" "$inst" "$role" >>"$out"; then
			printf '%s\t%s\t%s\t%s\n' "${MSP[$org]}" "$inst" "$role" "$name" >>"$out.failed"
		fi
	done
}

cmd_enroll() {
	local t0 batch="" jobs="${METROTRACE_ENROLL_JOBS:-}" a_msp="" a_inst="" a_role="" a_name="" single=0
	t0="$(now)"
	while (($#)); do
		case "$1" in
		--msp | --institution | --role | --name | --batch | --jobs)
			(($# >= 2)) || { echo "network.sh enroll: $1 needs a value" >&2; enroll_usage; }
			case "$1" in
			--msp) a_msp="$2"; single=1 ;;
			--institution) a_inst="$2"; single=1 ;;
			--role) a_role="$2"; single=1 ;;
			--name) a_name="$2"; single=1 ;;
			--batch) batch="$2" ;;
			--jobs) jobs="$2" ;;
			esac
			shift 2
			;;
		-h | --help) enroll_usage ;;
		*) echo "network.sh enroll: unknown argument '$1'" >&2; enroll_usage ;;
		esac
	done
	[[ -n "$batch" && $single == 1 ]] && { echo "network.sh enroll: --batch excludes --msp/--institution/--role/--name" >&2; enroll_usage; }
	[[ -z "$jobs" || "$jobs" =~ ^[1-9][0-9]?$ ]] || die "enroll: --jobs must be a number from 1 to 99 (got '$jobs')"

	# Requests: "MSPID INSTITUTION ROLE [NAME]" plus where they came from.
	local reqs=() wheres=() line n=0
	if [[ -n "$batch" ]]; then
		[[ "$batch" == - || -f "$batch" ]] || die "enroll: batch file '$batch' does not exist"
		while IFS= read -r line || [[ -n "$line" ]]; do
			n=$((n + 1))
			line="${line%%#*}"
			[[ -z "${line//[[:space:]]/}" ]] && continue
			reqs+=("$line")
			wheres+=("$batch:$n")
		done < <(if [[ "$batch" == - ]]; then cat; else cat -- "$batch"; fi)
		((${#reqs[@]})) || die "enroll: no users in batch file '$batch'"
	else
		[[ -n "$a_msp" && -n "$a_inst" && -n "$a_role" ]] || { echo "network.sh enroll: --msp, --institution and --role are required" >&2; enroll_usage; }
		[[ "$a_msp$a_inst$a_role$a_name" != *[[:space:]]* ]] || die "enroll: values must not contain white space"
		reqs+=("$a_msp $a_inst $a_role${a_name:+ $a_name}")
		wheres+=("arguments")
	fi

	# Validate every request before touching anything.
	local i f errs=() r_org=() r_inst=() r_role=() r_name=() org
	for i in "${!reqs[@]}"; do
		read -r -a f <<<"${reqs[$i]}"
		local w="${wheres[$i]}"
		if ((${#f[@]} < 3 || ${#f[@]} > 4)); then
			errs+=("$w: want 'MSPID INSTITUTION ROLE [NAME]', got '${reqs[$i]}'")
			continue
		fi
		org="$(org_of_msp "${f[0]}")"
		local e=()
		[[ -n "$org" ]] || e+=("unknown MSP '${f[0]}' (BeijingMSP, TianjinMSP or HebeiMSP)")
		[[ "${f[1]}" =~ $INST_RE ]] || e+=("institution id '${f[1]}' does not match $INST_RE")
		case "${f[2]}" in recorder | inspector | operator) ;; *) e+=("unknown role '${f[2]}' (recorder, inspector or operator)") ;; esac
		if ((${#f[@]} == 4)); then
			[[ "${f[3]}" =~ $INST_RE ]] || e+=("user name '${f[3]}' does not match $INST_RE")
			case "${f[3]}" in admin | peer0 | ccserver | "${org}admin") e+=("user name '${f[3]}' is reserved") ;; esac
		fi
		if ((${#e[@]})); then
			local x
			for x in "${e[@]}"; do errs+=("$w: $x"); done
			continue
		fi
		r_org+=("$org") r_inst+=("${f[1]}") r_role+=("${f[2]}") r_name+=("${f[3]:-}")
	done
	if ((${#errs[@]})); then
		printf 'network.sh enroll: %s\n' "${errs[@]}" >&2
		die "enroll: refused (${#errs[@]} problem(s)); nothing was enrolled"
	fi

	[[ -f "$NET/.metrotrace-network" ]] || die "enroll: no network in $NET; run 'scripts/network.sh up' first (same METROTRACE_NETWORK_DIR)"
	load_state
	is_up || die "enroll: the network in $NET is not running (not up, or not every recorded process is alive: 'scripts/network.sh status'); start it with 'scripts/network.sh up' ('down' first if it is half running)"
	[[ -f "$NET/connection.json" ]] || die "enroll: $NET/connection.json is missing"
	BIN="$("$ROOT/scripts/fabric-tools.sh" --print-bin-dir)"
	[[ -x "$BIN/fabric-ca-client" ]] || die "enroll: no fabric-ca-client in $BIN"
	export PATH="$BIN:$PATH"
	command -v jq >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 || die "enroll: jq and openssl are required"
	for org in "${ORGS[@]}"; do
		[[ -d "$NET/cas/$org/registrar/msp/keystore" ]] || die "enroll: the registrar of ca-$org is not enrolled ($NET/cas/$org/registrar/msp)"
	done

	# One enroll at a time per network: connection.json is read, then replaced.
	exec 9>"$NET/.enroll.lock"
	flock -w 600 9 || die "enroll: another enroll holds $NET/.enroll.lock"

	# What connection.json already has: "MSP<TAB>name<TAB>institution<TAB>role".
	declare -A have_triple=() have_name=()
	local m nm in ro
	while IFS=$'\t' read -r m nm in ro; do
		have_triple["$m|$in|$ro"]="$nm"
		have_name["$m|$nm"]="$in|$ro"
	done < <(jq -r '.orgs[] | .msp_id as $m | (.users // [])[] | [$m, .name, (.institution // ""), .role] | @tsv' "$NET/connection.json") ||
		die "enroll: cannot read $NET/connection.json"

	local todo=() skipped=0 key name want
	for i in "${!r_org[@]}"; do
		org="${r_org[$i]}" m="${MSP[${r_org[$i]}]}" in="${r_inst[$i]}" ro="${r_role[$i]}"
		key="$m|$in|$ro"
		if [[ -n "${have_triple[$key]:-}" ]]; then
			echo "note: $m $in $ro is already enrolled as ${have_triple[$key]} ($NET/orgs/$org/users/${have_triple[$key]}/msp); not enrolling it again" >&2
			skipped=$((skipped + 1))
			continue
		fi
		name="${r_name[$i]}"
		if [[ -n "$name" ]]; then
			[[ -z "${have_name["$m|$name"]:-}" ]] ||
				die "enroll: user name '$name' is already used in $m for ${have_name["$m|$name"]/|/ }; nothing was enrolled"
		else
			name="${in,,}-$ro"
			# Institution ids differing only in case (or a --name taken before).
			if [[ -n "${have_name["$m|$name"]:-}" ]]; then
				name="$name-$(printf '%s' "$in" | sha256sum | cut -c1-8)"
				[[ -z "${have_name["$m|$name"]:-}" ]] || die "enroll: cannot find a free user name for $m $in $ro; pass --name"
			fi
		fi
		# Institutions belong to one org in the chaincode.
		for want in "${MSP[@]}"; do
			[[ "$want" != "$m" && ( -n "${have_triple["$want|$in|recorder"]:-}" || -n "${have_triple["$want|$in|operator"]:-}" ||
				-n "${have_triple["$want|$in|inspector"]:-}" ) ]] &&
				echo "warning: institution $in already has users in $want; the chaincode lets only its own org's identities write for it" >&2
		done
		have_triple["$key"]="$name"
		have_name["$m|$name"]="$in|$ro"
		todo+=("$org"$'\t'"$name"$'\t'"$in"$'\t'"$ro")
	done
	if ((${#todo[@]} == 0)); then
		log "enroll: nothing to enroll (${skipped} already enrolled)"
		return 0
	fi

	# Spread the work over JOBS workers, the orgs interleaved so every worker
	# keeps a different CA busy. Registrations reuse each CA's registrar
	# enrollment from up; nothing re-enrolls it.
	((${#todo[@]} > 1)) || jobs=1
	if [[ -z "$jobs" ]]; then
		# Each user is client CPU, CA CPU (bcrypt), client, CA in turn: two
		# workers per core keep the cores busy (measured on 2 cores: 4 beat 2, 3 and 6).
		jobs=$((2 * $(nproc 2>/dev/null || echo 2)))
		((jobs >= 3)) || jobs=3
		((jobs <= 8)) || jobs=8
	fi
	((jobs <= ${#todo[@]})) || jobs=${#todo[@]}
	ENROLL_TMP="$(mktemp -d "$NET/.enroll.XXXXXX")"
	declare -gA E_PORT=() E_CACERT=()
	ops_tool
	for org in "${ORGS[@]}"; do
		E_PORT[$org]="$(ca_port "$org")"
		E_CACERT[$org]="$(ca_cert "$org")"
		mkdir -p "$ENROLL_TMP/tpl-$org" "$NET/orgs/$org/users"
		normalize_msp "$org" "$ENROLL_TMP/tpl-$org"
	done
	local sorted=() k
	mapfile -t sorted < <(
		declare -A seen=()
		for k in "${todo[@]}"; do
			org="${k%%$'\t'*}"
			seen[$org]=$((${seen[$org]:-0} + 1))
			printf '%d\t%d\t%s\n' "${seen[$org]}" "$(org_index "$org")" "$k"
		done | sort -t $'\t' -k1,1n -k2,2n | cut -f3-
	)
	local pids=() j t1
	t1="$(now)"
	for ((j = 0; j < jobs; j++)); do
		local mine=()
		for ((k = j; k < ${#sorted[@]}; k += jobs)); do mine+=("${sorted[$k]}"); done
		: >"$ENROLL_TMP/out.$j"
		enroll_worker "$ENROLL_TMP/out.$j" "${mine[@]}" &
		pids+=($!)
	done
	for j in "${pids[@]}"; do wait "$j" || true; done
	local t_ca
	t_ca="$(elapsed "$t1")"

	local results failed=()
	results=""
	for ((j = 0; j < jobs; j++)); do
		results+="$(cat "$ENROLL_TMP/out.$j")"$'\n'
		[[ -f "$ENROLL_TMP/out.$j.failed" ]] && mapfile -t -O "${#failed[@]}" failed <"$ENROLL_TMP/out.$j.failed"
	done
	results="$(grep -v '^$' <<<"$results" || true)"
	local done_n=0
	[[ -n "$results" ]] && done_n="$(wc -l <<<"$results")"

	if ((done_n > 0)); then
		# Add the users to connection.json: a temp file in the same dir, checked, renamed.
		local conn="$NET/connection.json" tmpc="$NET/.connection.json.$$"
		jq --rawfile new <(printf '%s\n' "$results") '
			($new | split("\n") | map(select(length > 0) | split("\t")
				| {msp: .[0], user: {name: .[1], institution: .[2], role: .[3], cert: .[4], key: .[5], msp_dir: .[6]}})) as $add
			| .orgs |= map(. as $o | .users = ((.users // []) + [$add[] | select(.msp == $o.msp_id) | .user
				| select(. as $u | [$o.users[]? | select(.name == $u.name or (.institution == $u.institution and .role == $u.role))] | length == 0)]))' \
			"$conn" >"$tmpc" || { rm -f "$tmpc"; die "enroll: updating connection.json failed (the enrolled MSPs are in $NET/orgs/*/users)"; }
		jq -e '(.channel | type == "string") and (.orgs | type == "array" and length > 0)
			and all(.orgs[]; (.users | map(.name) | length == (unique | length))
				and (.users | map([.institution, .role]) | length == (unique | length))
				and all(.users[]; (.name | length > 0) and (.cert | length > 0) and (.key | length > 0) and (.msp_dir | length > 0)))' \
			"$tmpc" >/dev/null || { rm -f "$tmpc"; die "enroll: the new connection.json did not validate; $conn is unchanged"; }
		mv -f "$tmpc" "$conn"
		rm -rf "$ENROLL_TMP"
		awk -F'\t' '{printf "enrolled %s %s %s as %s: %s\n", $1, $3, $4, $2, $7}' <<<"$results"
	fi
	local total
	total="$(elapsed "$t0")"
	log "enroll: ${done_n} enrolled, ${skipped} already enrolled, ${#failed[@]} failed; ${total}s in all, CA work ${t_ca}s with ${jobs} worker(s) ($(awk -v t="$t_ca" -v n="$done_n" 'BEGIN{printf "%.0f", n ? 1000*t/n : 0}') ms per user)"
	if ((${#failed[@]})); then
		printf 'network.sh enroll: failed: %s\n' "${failed[@]}" >&2
		die "enroll: ${#failed[@]} user(s) failed (logs: $NET/logs/ca-client-*.log); the others were added to connection.json; re-run to retry"
	fi
}

# ---------------------------------------------------------------- status, down, env
cmd_status() {
	[[ -d "$NET" && -f "$NET/.metrotrace-network" ]] || { echo "no network in $NET"; return 3; }
	load_state
	local name pid state rc=0
	printf '%-14s %-8s %s\n' PROCESS PID STATE
	for name in $(recorded_names); do
		pid="$(pid_of "$name")"
		if alive "$pid"; then state=running; else state=STOPPED; rc=1; fi
		printf '%-14s %-8s %s\n' "$name" "$pid" "$state"
	done
	for name in $(stopped_names); do printf '%-14s %-8s %s\n' "$name" - "stopped (network.sh start $name)"; done
	if is_up && [[ -n "$(command -v jq)" ]]; then
		ensure_tools
		local org
		for org in "${ORGS[@]}"; do
			printf '%-8s peer 127.0.0.1:%s %s\n' "$org" "$(peer_port "$org")" \
				"$(as_admin "$org" peer channel getinfo -c "$CHANNEL" 2>/dev/null | sed -n 's/^Blockchain info: //p')"
		done
		as_admin beijing peer lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CC_NAME" 2>/dev/null ||
			echo "chaincode $CC_NAME: not committed"
	fi
	echo "network dir: $NET; ports from $PORT_BASE; connection: $NET/connection.json"
	return $rc
}

# ---------------------------------------------------------------- one node
stopped_names() {
	local f
	for f in "$NET"/pids/*.stopped; do [[ -e "$f" ]] && basename "$f" .stopped; done
	return 0
}
node_usage() {
	echo "usage: network.sh stop NODE [--kill] | network.sh start NODE" >&2
	echo "  NODE: ca-orderer ca-beijing ca-tianjin ca-hebei orderer0 orderer1 orderer2 peer-beijing peer-tianjin peer-hebei cc-beijing cc-tianjin cc-hebei" >&2
	echo "  (and the servers of chaincodes deployed with --name; network.sh status lists every node)" >&2
}
# node_check NODE: the node was started by this network (its command is recorded)
node_check() {
	local node="$1" known
	[[ -d "$NET" && -f "$NET/.metrotrace-network" ]] || die "no network in $NET"
	[[ "$node" =~ ^[A-Za-z0-9_.-]+$ && -f "$NET/cmds/$node.cmd" ]] || {
		known="$(cd "$NET/cmds" 2>/dev/null && ls -- *.cmd 2>/dev/null | sed 's/\.cmd$//' | tr '\n' ' ')"
		die "unknown node '$node' in $NET; known: ${known:-none (the network has no recorded nodes)}"
	}
}
# node_port NODE: the port the node listens on when it is ready (empty: not known)
node_port() {
	case "$1" in
	ca-orderer) ca_port orderer ;;
	ca-beijing | ca-tianjin | ca-hebei) ca_port "${1#ca-}" ;;
	orderer[0-2]) orderer_port "${1#orderer}" ;;
	peer-beijing | peer-tianjin | peer-hebei) peer_port "${1#peer-}" ;;
	cc-beijing | cc-tianjin | cc-hebei) ccserver_port "${1#cc-}" ;;
	esac
}
cmd_stop() {
	local node="${1:-}" kill=0 pid i
	[[ -n "$node" && "$node" != -* ]] || { node_usage; exit 2; }
	shift
	while (($#)); do
		case "$1" in
		--kill) kill=1 ;;
		*) node_usage; die "stop: unknown argument '$1'" ;;
		esac
		shift
	done
	load_state
	node_check "$node"
	pid="$(pid_of "$node" || true)"
	if ! alive "$pid"; then
		rm -f "$NET/pids/$node.pid"
		touch "$NET/pids/$node.stopped"
		log "$node is not running; 'network.sh start $node' starts it"
		return 0
	fi
	if ((kill)); then
		kill -KILL "$pid" 2>/dev/null || true
	else
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.1; done
		alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
	fi
	for ((i = 0; i < 50; i++)); do alive "$pid" || break; sleep 0.1; done
	alive "$pid" && die "$node (pid $pid) is still running"
	rm -f "$NET/pids/$node.pid"
	touch "$NET/pids/$node.stopped"
	log "stopped $node (pid $pid$( ((kill)) && echo ', SIGKILL')); its data is kept: 'network.sh start $node'"
}
cmd_start() {
	local node="${1:-}" pid port cmd
	[[ -n "$node" && "$node" != -* && $# -eq 1 ]] || { node_usage; exit 2; }
	load_state
	node_check "$node"
	pid="$(pid_of "$node" || true)"
	alive "$pid" && die "$node is already running (pid $pid); 'network.sh stop $node' first"
	ensure_tools
	cmd="$(cat "$NET/cmds/$node.cmd")"
	local t0
	t0="$(now)"
	eval "start_proc \"\$node\" $cmd"
	port="$(node_port "$node")"
	if [[ -n "$port" ]]; then
		wait_port "$node" "$port" 60
	else
		sleep 1
		alive "$(pid_of "$node")" || { tail -n 20 "$NET/logs/$node.log" >&2 || true; die "$node exited at start (log: $NET/logs/$node.log)"; }
	fi
	log "started $node (pid $(pid_of "$node"))${port:+, listening on 127.0.0.1:$port,} in $(elapsed "$t0")s"
}

cmd_down() {
	if [[ ! -d "$NET" ]]; then
		log "no network in $NET"
		return 0
	fi
	[[ -f "$NET/.metrotrace-network" ]] || die "$NET is not a metrotrace network dir; not touching it"
	load_state
	local names left=() name
	mapfile -t names < <(recorded_names)
	local pids=()
	for name in "${names[@]}"; do pids+=("$(pid_of "$name")"); done
	stop_all
	for name in "${!pids[@]}"; do alive "${pids[$name]}" && left+=("${pids[$name]}"); done
	((${#left[@]} == 0)) || die "processes still running after down: ${left[*]}"
	rm -rf "$NET"
	log "stopped ${#names[@]} processes and removed $NET"
}

cmd_env() {
	load_state
	local org="${1:-}"
	[[ -n "$org" ]] || die "usage: network.sh env beijing|tianjin|hebei"
	org_index "$org" >/dev/null
	local BIN
	BIN="$("$ROOT/scripts/fabric-tools.sh" --print-bin-dir)"
	echo "export PATH=\"$BIN:\$PATH\""
	peer_env "$org" | sed 's/^/export /'
	echo "export ORDERER_ADDRESS=127.0.0.1:$(orderer_port 0) ORDERER_CA=$NET/orgs/orderer/msp/tlscacerts/ca.pem"
}

case "${1:-}" in
up) shift; cmd_up "$@" ;;
deploy) shift; cmd_deploy_args "$@" ;;
status) cmd_status ;;
stop) shift; cmd_stop "$@" ;;
start) shift; cmd_start "$@" ;;
down) cmd_down ;;
env) shift; cmd_env "$@" ;;
enroll) shift; cmd_enroll "$@" ;;
*)
	awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
	[[ -z "${1:-}" || "${1:-}" == -h || "${1:-}" == --help || "${1:-}" == help ]] || exit 2
	;;
esac

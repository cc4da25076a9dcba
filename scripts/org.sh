#!/usr/bin/env bash
# metrotrace: what ONE organization of the consortium runs on its own machine.
# Every command works in the org's own directory (--dir, mode 0700) and reads
# only that directory plus public files another party sent (definitions,
# channel blocks, config updates). See docs/CONSORTIUM.md.
#
#   org.sh init --dir D --org NAME --msp MSPID --host ADDR --institution INST [--port-base N]
#        start the org's Fabric CA, enroll its peer, orderer node, admin,
#        chaincode server and the institution's operator/recorder/inspector;
#        start its orderer and peer (listening on ADDR); write D/gateway.json
#        (the org's own users only, for `metrotrace serve --fabric`) and
#        D/connection.json (also the admin, for metrotrace-ops)
#   org.sh export --dir D --out FILE          the org's public definition (one JSON file)
#   org.sh create-channel --dir D --out BLOCK DEF...   genesis block from the definitions
#   org.sh join --dir D --block GENESIS [--orderer-block CONFIG]
#                                             join own orderer (osnadmin) and own peer
#   org.sh deploy --dir D --sequence N        build/start own chaincode server, install
#                                             the package on own peer, approve for own org
#   org.sh commit --dir D --sequence N DEF... commit the definition (endorsed by the peers
#                                             of the orgs whose definitions are given)
#   org.sh enroll --dir D --institution INST --role ROLE   one more institution user
#   org.sh propose-add --dir D --def DEF --out UPDATE      config update adding an org
#                                             (application + orderer group, raft consenter)
#   org.sh propose-remove --dir D --msp MSPID --out UPDATE config update removing an
#                                             org from the application group
#   org.sh sign --dir D --update UPDATE       add own admin's signature to UPDATE
#   org.sh submit --dir D --update UPDATE     sign, send UPDATE to own orderer, wait until in the config
#   org.sh fetch-config --dir D --out BLOCK   latest config block (for a joining org)
#   org.sh config-info --dir D               JSON: config block and sequence, orgs, consenters,
#                                             the MSPs that signed the last config update
#   org.sh fetch-block --dir D --number N --out FILE   one block (protobuf) from own peer's ledger
#   org.sh stop --dir D [NODE]                stop every process of the org (or one:
#   org.sh start --dir D NODE                 ca, orderer, peer, ccserver0|1) / restart one
#                                             with its data
#
# Environment:
#   METROTRACE_TRACE_OPENS=1  run every process of the org under strace, recording the
#                             files it opens in D/trace/ (the consortium test checks them)
#   METROTRACE_CACHE          cache for the Fabric binaries (scripts/fabric-tools.sh)
#   METROTRACE_BATCH_TIMEOUT  orderer BatchTimeout in a new channel (default 100ms)
#   METROTRACE_CC_BIN         deploy: this chaincode server binary instead of building
#                             ./cmd/metrotrace-cc (METROTRACE_CC_SOURCE: another main package)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHANNEL=metrology
CC_NAME=metrotrace
DOMAIN=metrotrace.local
ROLES=(operator recorder inspector)

log() { printf '[org %s %s] %s\n' "${NAME:-?}" "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'org.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- the org's state
D=""
load_org() {
	[[ -n "$D" ]] || die "--dir is required"
	[[ -f "$D/org.env" ]] || die "$D is not an initialised org directory (org.sh init first)"
	D="$(cd "$D" && pwd)"
	# shellcheck disable=SC1091
	source "$D/org.env"
	export FABRIC_CA_CLIENT_HOME="$D/ca/client"
}
ca_port() { echo $((PORT_BASE)); }
ca_ops_port() { echo $((PORT_BASE + 1)); }
orderer_port() { echo $((PORT_BASE + 2)); }
orderer_admin_port() { echo $((PORT_BASE + 3)); }
orderer_ops_port() { echo $((PORT_BASE + 4)); }
peer_port() { echo $((PORT_BASE + 5)); }
peer_cc_port() { echo $((PORT_BASE + 6)); }
peer_ops_port() { echo $((PORT_BASE + 7)); }
ccserver_port() { echo $((PORT_BASE + 8)); }
port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

tools() {
	local out
	out="$(bash "$ROOT/scripts/fabric-tools.sh")" || die "building the Fabric binaries failed (scripts/fabric-tools.sh)"
	BIN="$(printf '%s\n' "$out" | tail -n1)"
	[[ -x "$BIN/peer" ]] || die "no peer binary in $BIN"
	export PATH="$BIN:$PATH"
	command -v jq >/dev/null || die "jq is required"
}

# traced NAME CMD...: CMD, under strace when METROTRACE_TRACE_OPENS=1 (file
# opens to D/trace/NAME.trace, appended)
traced() {
	local name="$1"
	shift
	if [[ "${METROTRACE_TRACE_OPENS:-0}" == 1 ]]; then
		mkdir -p "$D/trace"
		strace -f -qq -A -o "$D/trace/$name.trace" -e trace=open,openat,openat2 -e signal=none "$@"
	else
		"$@"
	fi
}
# cli NAME CMD...: a short-lived command of this org, output to its log
cli() {
	local name="$1"
	shift
	mkdir -p "$D/logs"
	traced "cli" "$@" >>"$D/logs/$name.log" 2>&1 || {
		tail -n 8 "$D/logs/$name.log" >&2
		die "$name failed: $* (log: $D/logs/$name.log)"
	}
}
# start_proc NAME CMD...: detached in its own process group, pid in D/pids
start_proc() {
	local name="$1" pre=()
	shift
	mkdir -p "$D/logs" "$D/pids"
	if [[ "${METROTRACE_TRACE_OPENS:-0}" == 1 ]]; then
		mkdir -p "$D/trace"
		pre=(strace -f -qq -A -o "$D/trace/$name.trace" -e trace=open,openat,openat2 -e signal=none)
	fi
	setsid "${pre[@]}" "$@" </dev/null >>"$D/logs/$name.log" 2>&1 &
	echo $! >"$D/pids/$name.pid"
}
alive() {
	[[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
	local st
	st="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
	[[ -n "$st" && "$st" != Z ]]
}
wait_port() {
	local name="$1" port="$2" secs="${3:-120}" pid i
	pid="$(cat "$D/pids/$name.pid")"
	for ((i = 0; i < secs * 10; i++)); do
		alive "$pid" || { tail -n 20 "$D/logs/$name.log" >&2; die "$name exited during start-up (log: $D/logs/$name.log)"; }
		port_open "$port" && return 0
		sleep 0.1
	done
	tail -n 20 "$D/logs/$name.log" >&2
	die "$name did not listen on $HOST:$port within ${secs}s"
}
# stop_names NAME...: TERM to each process group, then KILL
stop_names() {
	local name pid pids=() i
	for name in "$@"; do
		[[ -f "$D/pids/$name.pid" ]] || continue
		pid="$(cat "$D/pids/$name.pid")"
		if alive "$pid"; then
			kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
			pids+=("$pid")
		fi
		rm -f "$D/pids/$name.pid"
	done
	for ((i = 0; i < 100; i++)); do
		local left=0
		for pid in "${pids[@]}"; do alive "$pid" && left=1; done
		((left)) || return 0
		sleep 0.1
	done
	for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
	sleep 0.2
}

render() {
	perl -pe 's/\$\{(\w+)\}/defined $ENV{$1} ? $ENV{$1} : die "unset variable $1 in template\n"/ge' "$1" |
		sed "s/127\.0\.0\.1/$HOST/g" >"$2"
}

# ---------------------------------------------------------------- CA and identities
fcc() {
	cli "ca-client" fabric-ca-client "$@" \
		--caname "ca-$NAME" --tls.certfiles "$D/ca/ca-cert.pem"
}
# ops_tool: builds cmd/metrotrace-ops into D/bin once per run (Go's build
# cache makes a rebuild a link) and sets OPS; it writes every MSP's layout.
OPS=""
ops_tool() {
	[[ -n "$OPS" ]] && return 0
	mkdir -p "$D/bin" "$D/logs"
	(cd "$ROOT" && go build -o "$D/bin/metrotrace-ops" ./cmd/metrotrace-ops) >>"$D/logs/ops-build.log" 2>&1 ||
		{ tail -n 20 "$D/logs/ops-build.log" >&2; die "go build ./cmd/metrotrace-ops failed (log: $D/logs/ops-build.log)"; }
	OPS="$D/bin/metrotrace-ops"
}
# normalize_msp MSPDIR [CACERT [TLSCACERT]]: the MSP layout (cacerts/ca.pem,
# tlscacerts/ca.pem, NodeOUs config.yaml) by metrotrace-ops msp
# (ops.WriteMSPLayout); the certificates default to this org's CA
normalize_msp() {
	local ca="${2:-$D/ca/ca-cert.pem}"
	ops_tool
	"$OPS" msp -q --ca-cert "$ca" --tls-ca-cert "${3:-$ca}" "$1" || die "metrotrace-ops msp $1 failed"
}
# identity NAME TYPE DIR [ATTRS] [TLSHOST]
identity() {
	local name="$1" type="$2" dir="$3" attrs="${4:-}" host="${5:-}" secret
	secret="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
	local reg=(register --id.name "$name" --id.secret "$secret" --id.type "$type"
		-u "https://$HOST:$(ca_port)" -M "$D/ca/registrar/msp")
	[[ -n "$attrs" ]] && reg+=(--id.attrs "$attrs")
	fcc "${reg[@]}"
	mkdir -p "$dir"
	fcc enroll -u "https://$name:$secret@$HOST:$(ca_port)" -M "$dir/msp" --csr.hosts "${host:-$name}" \
		--csr.names "C=CN,O=$MSP"
	normalize_msp "$dir/msp"
	if [[ -n "$host" ]]; then
		fcc enroll -u "https://$name:$secret@$HOST:$(ca_port)" -M "$dir/tlsmsp" --enrollment.profile tls \
			--csr.hosts "$host,$HOST,localhost" --csr.names "C=CN,O=$MSP"
		mkdir -p "$dir/tls"
		cp "$dir"/tlsmsp/signcerts/*.pem "$dir/tls/server.crt"
		cp "$dir"/tlsmsp/keystore/*_sk "$dir/tls/server.key"
		cp "$D/ca/ca-cert.pem" "$dir/tls/ca.crt"
		rm -rf "$dir/tlsmsp"
	fi
}

# ---------------------------------------------------------------- processes
start_ca() {
	start_proc ca fabric-ca-server start --home "$D/ca" -b "admin:$(cat "$D/ca/bootstrap.secret")" \
		--port "$(ca_port)" --address "$HOST" --tls.enabled --ca.name "ca-$NAME" \
		--csr.cn "ca.$NAME.$DOMAIN" --csr.hosts "ca.$NAME.$DOMAIN,$HOST,localhost" \
		--operations.listenaddress "$HOST:$(ca_ops_port)" --metrics.provider disabled
}
start_orderer() {
	start_proc orderer env FABRIC_CFG_PATH="$D/orderer" "$(command -v orderer)"
}
start_peer() {
	start_proc peer env FABRIC_CFG_PATH="$D/peer" \
		METROTRACE_CCAAS_ADDRESS="$HOST:$(ccserver_port)" \
		METROTRACE_CCAAS_ROOT_CERT="$D/ca/ca-cert.pem" \
		METROTRACE_CCAAS_CLIENT_CERT="$D/peer/tls/server.crt" \
		METROTRACE_CCAAS_CLIENT_KEY="$D/peer/tls/server.key" \
		"$(command -v peer)" node start
}
# The chaincode server of sequence N listens on ccserver_port + N % 2, so the
# server of the committed sequence keeps serving while the next one is
# installed and approved (a rolling upgrade).
ccserver_slot() { echo $(($1 % 2)); }
start_ccserver() {
	local seq pkgid slot
	seq="$(sed -n 's/^SEQUENCE=//p' "$D/chaincode/deployed.env" 2>/dev/null || true)"
	pkgid="$(sed -n 's/^PACKAGE_ID=//p' "$D/chaincode/deployed.env" 2>/dev/null || true)"
	[[ -n "$pkgid" && -n "$seq" ]] || die "no deployed chaincode package (org.sh deploy first)"
	slot="$(ccserver_slot "$seq")"
	start_proc "ccserver$slot" env CHAINCODE_SERVER_ADDRESS="$HOST:$(($(ccserver_port) + slot))" CHAINCODE_ID="$pkgid" \
		CORE_PEER_LOCALMSPID="$MSP" CHAINCODE_TLS_CERT="$D/ccserver/tls/server.crt" \
		CHAINCODE_TLS_KEY="$D/ccserver/tls/server.key" CHAINCODE_TLS_CLIENT_CA="$D/ca/ca-cert.pem" \
		"$D/chaincode/metrotrace-cc-$seq"
	wait_port "ccserver$slot" $(($(ccserver_port) + slot)) 60
}
start_node() {
	case "$1" in
	ca) start_ca; wait_port ca "$(ca_port)" 120 ;;
	orderer) start_orderer; wait_port orderer "$(orderer_admin_port)" 120 ;;
	peer) start_peer; wait_port peer "$(peer_port)" 120 ;;
	ccserver | ccserver0 | ccserver1) start_ccserver ;;
	*) die "unknown node '$1' (ca, orderer, peer, ccserver)" ;;
	esac
}

# as_admin CMD...: CMD (a command or function) as the org's admin for the peer CLI
as_admin() (
	export FABRIC_CFG_PATH="$D/peer" CORE_PEER_ADDRESS="$HOST:$(peer_port)" CORE_PEER_LOCALMSPID="$MSP" \
		CORE_PEER_MSPCONFIGPATH="$D/admin/msp" CORE_PEER_TLS_ENABLED=true \
		CORE_PEER_TLS_ROOTCERT_FILE="$D/ca/ca-cert.pem"
	"$@"
)
orderer_args() { echo -o; echo "$HOST:$(orderer_port)"; echo --tls; echo --cafile; echo "$D/ca/ca-cert.pem"; }

# ---------------------------------------------------------------- init
cmd_init() {
	local org="" msp="" host="" inst="" base=24000
	while (($#)); do
		case "$1" in
		--dir) D="$2" ;; --org) org="$2" ;; --msp) msp="$2" ;; --host) host="$2" ;;
		--institution) inst="$2" ;; --port-base) base="$2" ;;
		*) die "init: unknown argument '$1'" ;;
		esac
		shift 2
	done
	[[ -n "$D" && -n "$org" && -n "$msp" && -n "$host" && -n "$inst" ]] ||
		die "usage: org.sh init --dir D --org NAME --msp MSPID --host ADDR --institution INST [--port-base N]"
	[[ "$org" =~ ^[a-z][a-z0-9]{0,30}$ ]] || die "init: bad org name '$org' ([a-z][a-z0-9]*)"
	[[ "$msp" =~ ^[A-Za-z][A-Za-z0-9]{0,40}$ ]] || die "init: bad MSP id '$msp'"
	[[ "$host" =~ ^[0-9A-Za-z.-]+$ ]] || die "init: bad host '$host'"
	[[ "$inst" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]] || die "init: bad institution id '$inst'"
	[[ "$base" =~ ^[0-9]+$ ]] && ((base >= 1024 && base <= 65500)) || die "init: --port-base must be 1024..65500"
	[[ ! -e "$D/org.env" ]] || die "init: $D already holds an org"
	mkdir -p "$D"
	chmod 700 "$D"
	D="$(cd "$D" && pwd)"
	printf 'NAME=%s\nMSP=%s\nHOST=%s\nINSTITUTION=%s\nPORT_BASE=%s\n' "$org" "$msp" "$host" "$inst" "$base" >"$D/org.env"
	load_org
	tools
	local p
	for p in $(seq "$PORT_BASE" $((PORT_BASE + 8))); do port_open "$p" && die "init: $HOST:$p is in use"; done

	mkdir -p "$D/ca"
	head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$D/ca/bootstrap.secret"
	start_node ca
	fcc enroll -u "https://admin:$(cat "$D/ca/bootstrap.secret")@$HOST:$(ca_port)" -M "$D/ca/registrar/msp"
	mkdir -p "$D/msp"
	normalize_msp "$D/msp"
	identity orderer0 orderer "$D/orderer" "" "orderer0.$NAME.$DOMAIN"
	identity peer0 peer "$D/peer" "" "peer0.$NAME.$DOMAIN"
	identity "${NAME}admin" admin "$D/admin" "" "admin.$NAME.$DOMAIN"
	identity ccserver client "$D/ccserver" "" "cc.$NAME.$DOMAIN"
	local role
	for role in "${ROLES[@]}"; do
		identity "${INSTITUTION,,}-$role" client "$D/users/${INSTITUTION,,}-$role" \
			"metrotrace.institution=$INSTITUTION:ecert,metrotrace.role=$role:ecert"
	done
	log "identities enrolled with ca-$NAME"

	export ORDERER_DIR="$D/orderer" MSP_ID="$MSP" ORDERER_PORT ORDERER_ADMIN_PORT ORDERER_OPS_PORT
	ORDERER_PORT="$(orderer_port)" ORDERER_ADMIN_PORT="$(orderer_admin_port)" ORDERER_OPS_PORT="$(orderer_ops_port)"
	mkdir -p "$D/orderer/data"
	render "$ROOT/network/config/orderer.yaml" "$D/orderer/orderer.yaml"
	export PEER_DIR="$D/peer" PEER_NAME="peer0.$NAME.$DOMAIN" PEER_PORT PEER_CC_PORT PEER_OPS_PORT
	export CCAAS_BUILDER_DIR="$ROOT/network/builders/ccaas"
	PEER_PORT="$(peer_port)" PEER_CC_PORT="$(peer_cc_port)" PEER_OPS_PORT="$(peer_ops_port)"
	mkdir -p "$D/peer/data"
	render "$ROOT/network/config/core.yaml" "$D/peer/core.yaml"
	start_node orderer
	start_node peer
	write_connections
	log "CA, orderer and peer of $MSP up on $HOST (ports $PORT_BASE..$((PORT_BASE + 8)))"
}

# write_connections: D/gateway.json (own org, institution users only) and
# D/connection.json (also the org admin and own orderer)
write_connections() {
	local users=() u name
	for u in "$D"/users/*/; do
		name="$(basename "$u")"
		[[ -f "$u/user.env" ]] || printf 'INST=%s\nROLE=%s\n' "${INSTITUTION}" "${name##*-}" >"$u/user.env"
		local INST ROLE
		# shellcheck disable=SC1091
		source "$u/user.env"
		users+=("$(jq -n --arg name "$name" --arg inst "$INST" --arg role "$ROLE" --arg cert "${u}msp/signcerts/cert.pem" \
			--arg key "$(ls "${u}"msp/keystore/*_sk)" --arg msp "${u}msp" \
			'{name:$name, institution:$inst, role:$role, cert:$cert, key:$key, msp_dir:$msp}')")
	done
	local org
	org="$(jq -n --arg name "$NAME" --arg msp "$MSP" --arg ep "$HOST:$(peer_port)" --arg host "peer0.$NAME.$DOMAIN" \
		--arg ca "$D/ca/ca-cert.pem" --arg caurl "https://$HOST:$(ca_port)" --arg caname "ca-$NAME" \
		--argjson users "$(printf '%s\n' "${users[@]}" | jq -s .)" \
		'{name:$name, msp_id:$msp, peer_endpoint:$ep, peer_host_override:$host, peer_tls_ca_cert:$ca,
		  ca:{url:$caurl, name:$caname, tls_ca_cert:$ca}, users:$users}')"
	local ord
	ord="$(jq -n --arg ep "$HOST:$(orderer_port)" --arg host "orderer0.$NAME.$DOMAIN" --arg ca "$D/ca/ca-cert.pem" \
		--arg ops "$HOST:$(orderer_ops_port)" '{endpoint:$ep, host_override:$host, tls_ca_cert:$ca, operations_endpoint:$ops}')"
	jq -n --arg ch "$CHANNEL" --arg cc "$CC_NAME" --argjson org "$org" --argjson ord "$ord" \
		'{channel:$ch, chaincode:$cc, orderers:[$ord], orgs:[$org]}' >"$D/.gateway.json.tmp"
	mv "$D/.gateway.json.tmp" "$D/gateway.json"
	local a="$D/admin/msp"
	jq --arg n "${NAME}admin" --arg cert "$a/signcerts/cert.pem" --arg key "$(ls "$a"/keystore/*_sk)" --arg msp "$a" \
		'.orgs[0].admin = {name:$n, role:"admin", cert:$cert, key:$key, msp_dir:$msp}' "$D/gateway.json" >"$D/.connection.json.tmp"
	mv "$D/.connection.json.tmp" "$D/connection.json"
}

# ---------------------------------------------------------------- export / channel
cmd_export() {
	local out=""
	while (($#)); do
		case "$1" in --dir) D="$2" ;; --out) out="$2" ;; *) die "export: unknown argument '$1'" ;; esac
		shift 2
	done
	load_org
	[[ -n "$out" ]] || die "usage: org.sh export --dir D --out FILE"
	jq -n --arg name "$NAME" --arg msp "$MSP" --arg host "$HOST" \
		--argjson peer_port "$(peer_port)" --argjson orderer_port "$(orderer_port)" \
		--arg peer_host "peer0.$NAME.$DOMAIN" --arg orderer_host "orderer0.$NAME.$DOMAIN" \
		--rawfile ca "$D/ca/ca-cert.pem" --rawfile ordtls "$D/orderer/tls/server.crt" \
		'{name:$name, msp_id:$msp, ca_cert:$ca, tls_ca_cert:$ca,
		  anchor_peer:{host:$host, port:$peer_port, tls_host:$peer_host},
		  orderer:{host:$host, port:$orderer_port, tls_host:$orderer_host, tls_cert:$ordtls}}' >"$out.tmp"
	mv "$out.tmp" "$out"
	log "public definition of $MSP written to $out"
}

# def_msp DEF DIR: materialize the MSP directory of a definition
def_msp() {
	local def="$1" dir="$2"
	mkdir -p "$dir"
	jq -r .ca_cert "$def" >"$dir/def-ca.pem"
	jq -r .tls_ca_cert "$def" >"$dir/def-tlsca.pem"
	normalize_msp "$dir" "$dir/def-ca.pem" "$dir/def-tlsca.pem"
	rm -f "$dir/def-ca.pem" "$dir/def-tlsca.pem"
	jq -r .orderer.tls_cert "$def" >"$dir/orderer-tls.crt"
}
check_def() {
	jq -e '(.msp_id|type=="string") and (.ca_cert|startswith("-----BEGIN")) and (.anchor_peer.port|type=="number")
		and (.orderer.tls_cert|startswith("-----BEGIN"))' "$1" >/dev/null 2>&1 || die "$1 is not an org definition (org.sh export)"
}
# org_yaml DEF MSPDIR: the org's entry of configtx.yaml
org_yaml() {
	local m h pp op
	m="$(jq -r .msp_id "$1")" h="$(jq -r .anchor_peer.host "$1")" pp="$(jq -r .anchor_peer.port "$1")" op="$(jq -r .orderer.port "$1")"
	cat <<EOF
  - &$m
    Name: $m
    ID: $m
    MSPDir: $2
    Policies:
      Readers: {Type: Signature, Rule: "OR('$m.member')"}
      Writers: {Type: Signature, Rule: "OR('$m.admin', '$m.client', '$m.orderer')"}
      Admins: {Type: Signature, Rule: "OR('$m.admin')"}
      Endorsement: {Type: Signature, Rule: "OR('$m.peer')"}
    OrdererEndpoints: [$(jq -r .orderer.host "$1"):$op]
    AnchorPeers:
      - {Host: $h, Port: $pp}
EOF
}

cmd_create_channel() {
	local out="" defs=()
	while (($#)); do
		case "$1" in --dir) D="$2"; shift 2 ;; --out) out="$2"; shift 2 ;; *) defs+=("$1"); shift ;; esac
	done
	load_org
	tools
	[[ -n "$out" && ${#defs[@]} -ge 1 ]] || die "usage: org.sh create-channel --dir D --out BLOCK DEF..."
	local work="$D/channel" def m orgs="" refs="" cons=""
	rm -rf "$work"
	mkdir -p "$work"
	for def in "${defs[@]}"; do
		check_def "$def"
		m="$(jq -r .msp_id "$def")"
		def_msp "$def" "$work/msps/$m"
		orgs+="$(org_yaml "$def" "$work/msps/$m")"$'\n'
		refs+="        - *$m"$'\n'
		cons+="          - {Host: $(jq -r .orderer.host "$def"), Port: $(jq -r .orderer.port "$def"), ClientTLSCert: $work/msps/$m/orderer-tls.crt, ServerTLSCert: $work/msps/$m/orderer-tls.crt}"$'\n'
	done
	cat >"$work/configtx.yaml" <<EOF
Organizations:
$orgs
Capabilities:
  Channel: &ChannelCapabilities {V2_0: true}
  Orderer: &OrdererCapabilities {V2_0: true}
  Application: &ApplicationCapabilities {V2_5: true}
Profiles:
  Metrology:
    Policies:
      Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
      Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
      Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
    Capabilities: *ChannelCapabilities
    Orderer:
      OrdererType: etcdraft
      BatchTimeout: ${METROTRACE_BATCH_TIMEOUT:-100ms}
      BatchSize: {MaxMessageCount: 100, AbsoluteMaxBytes: 10 MB, PreferredMaxBytes: 2 MB}
      EtcdRaft:
        Consenters:
$cons
        Options: {TickInterval: 500ms, ElectionTick: 10, HeartbeatTick: 1, MaxInflightBlocks: 5, SnapshotIntervalSize: 16 MB}
      Organizations:
$refs
      Policies:
        Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
        Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
        Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
        BlockValidation: {Type: ImplicitMeta, Rule: "ANY Writers"}
      Capabilities: *OrdererCapabilities
    Application:
      Organizations:
$refs
      Policies:
        LifecycleEndorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
        Endorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
        Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
        Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
        Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
      Capabilities: *ApplicationCapabilities
EOF
	cli configtxgen configtxgen -configPath "$work" -profile Metrology -channelID "$CHANNEL" -outputBlock "$out"
	log "genesis block of $CHANNEL with ${#defs[@]} orgs written to $out"
}

cmd_join() {
	local block="" oblock=""
	while (($#)); do
		case "$1" in --dir) D="$2" ;; --block) block="$2" ;; --orderer-block) oblock="$2" ;; *) die "join: unknown argument '$1'" ;; esac
		shift 2
	done
	load_org
	tools
	[[ -f "$block" ]] || die "usage: org.sh join --dir D --block GENESIS [--orderer-block CONFIG_BLOCK]"
	# A member joining later: its orderer starts from the latest config
	# block (it then replicates the chain), its peer from the genesis block.
	cli osnadmin osnadmin channel join --channelID "$CHANNEL" --config-block "${oblock:-$block}" -o "$HOST:$(orderer_admin_port)" \
		--ca-file "$D/ca/ca-cert.pem" --client-cert "$D/admin/tls/server.crt" --client-key "$D/admin/tls/server.key"
	local i
	for ((i = 1; i <= 60; i++)); do
		if as_admin traced cli peer channel join -b "$block" >>"$D/logs/peer-cli.log" 2>&1; then break; fi
		((i < 60)) || { tail -n 5 "$D/logs/peer-cli.log" >&2; die "peer channel join failed"; }
		sleep 1
	done
	log "orderer and peer of $MSP joined $CHANNEL"
}

# ---------------------------------------------------------------- chaincode
committed_sequence() {
	local out
	if out="$(as_admin peer lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CC_NAME" -O json 2>/dev/null)"; then
		jq -r '.sequence // 0' <<<"$out"
	else
		echo 0
	fi
}

# retry N CMD...: CMD up to N times, 1 s apart
retry() {
	local n="$1" i
	shift
	for ((i = 1; i <= n; i++)); do
		if "$@" >>"$D/logs/peer-cli.log" 2>&1; then return 0; fi
		((i < n)) && sleep 1
	done
	tail -n 5 "$D/logs/peer-cli.log" >&2
	return 1
}

cmd_deploy() {
	local seq="" src="${METROTRACE_CC_SOURCE:-}"
	while (($#)); do
		case "$1" in --dir) D="$2" ;; --sequence) seq="$2" ;; *) die "deploy: unknown argument '$1'" ;; esac
		shift 2
	done
	load_org
	tools
	[[ "$seq" =~ ^[1-9][0-9]*$ ]] || die "usage: org.sh deploy --dir D --sequence N"
	mkdir -p "$D/chaincode"
	local bin="$D/chaincode/metrotrace-cc-$seq"
	if [[ -n "${METROTRACE_CC_BIN:-}" ]]; then
		cp "$METROTRACE_CC_BIN" "$bin"
	elif [[ -n "$src" ]]; then
		(cd "$src" && go build -o "$bin" .) >>"$D/logs/chaincode-build.log" 2>&1 || die "go build of $src failed"
	else
		(cd "$ROOT" && go build -o "$bin" ./cmd/metrotrace-cc) >>"$D/logs/chaincode-build.log" 2>&1 ||
			{ tail -n 20 "$D/logs/chaincode-build.log" >&2; die "go build ./cmd/metrotrace-cc failed"; }
	fi
	# The package names this org's server of this sequence literally; the
	# TLS placeholders are filled per peer by the ccaas builder.
	local slot addr pkgdir="$D/chaincode/pkg-$seq" pkg="$D/chaincode/${CC_NAME}_$seq.tar.gz" pkgid
	slot="$(ccserver_slot "$seq")"
	addr="$HOST:$(($(ccserver_port) + slot))"
	rm -rf "$pkgdir"
	mkdir -p "$pkgdir/src"
	cat >"$pkgdir/src/connection.json" <<JSON
{
  "address": "$addr",
  "dial_timeout": "10s",
  "tls_required": true,
  "client_auth_required": true,
  "root_cert": "{{root_cert}}",
  "client_cert": "{{client_cert}}",
  "client_key": "{{client_key}}"
}
JSON
	printf '{"type":"ccaas","label":"%s_%s_%s"}\n' "$CC_NAME" "$seq" "$NAME" >"$pkgdir/metadata.json"
	tar -C "$pkgdir/src" -czf "$pkgdir/code.tar.gz" connection.json
	tar -C "$pkgdir" -czf "$pkg" metadata.json code.tar.gz
	pkgid="$(as_admin peer lifecycle chaincode calculatepackageid "$pkg")"
	local out
	if ! out="$(as_admin traced cli peer lifecycle chaincode install "$pkg" 2>&1)"; then
		grep -q 'already successfully installed' <<<"$out" || { echo "$out" >&2; die "install failed"; }
	fi
	# The server of sequence N-2 used this slot; the one of N-1 keeps serving.
	stop_names "ccserver$slot"
	printf 'SEQUENCE=%s\nPACKAGE_ID=%s\n' "$seq" "$pkgid" >"$D/chaincode/deployed.env"
	start_ccserver
	local oargs
	mapfile -t oargs < <(orderer_args)
	retry 30 as_admin traced cli peer lifecycle chaincode approveformyorg "${oargs[@]}" -C "$CHANNEL" -n "$CC_NAME" \
		-v "$seq" --package-id "$pkgid" --sequence "$seq" || die "approveformyorg at sequence $seq failed"
	log "chaincode $CC_NAME sequence $seq installed ($pkgid, server $addr) and approved by $MSP"
}

cmd_commit() {
	local seq="" defs=()
	while (($#)); do
		case "$1" in --dir) D="$2"; shift 2 ;; --sequence) seq="$2"; shift 2 ;; *) defs+=("$1"); shift ;; esac
	done
	load_org
	tools
	[[ "$seq" =~ ^[1-9][0-9]*$ && ${#defs[@]} -ge 1 ]] || die "usage: org.sh commit --dir D --sequence N DEF..."
	mkdir -p "$D/chaincode"
	local peers=() def m
	mkdir -p "$D/public"
	for def in "${defs[@]}"; do
		check_def "$def"
		m="$(jq -r .msp_id "$def")"
		jq -r .tls_ca_cert "$def" >"$D/public/$m-tlsca.pem"
		peers+=(--peerAddresses "$(jq -r '.anchor_peer | "\(.host):\(.port)"' "$def")" --tlsRootCertFiles "$D/public/$m-tlsca.pem")
	done
	local oargs
	mapfile -t oargs < <(orderer_args)
	as_admin peer lifecycle chaincode checkcommitreadiness -C "$CHANNEL" -n "$CC_NAME" -v "$seq" --sequence "$seq" -O json \
		>"$D/chaincode/readiness-$seq.json" 2>>"$D/logs/peer-cli.log" || true
	retry "${METROTRACE_COMMIT_TRIES:-20}" as_admin traced cli peer lifecycle chaincode commit "${oargs[@]}" -C "$CHANNEL" -n "$CC_NAME" \
		-v "$seq" --sequence "$seq" "${peers[@]}" ||
		die "commit of sequence $seq refused; approvals: $(jq -c .approvals "$D/chaincode/readiness-$seq.json" 2>/dev/null)"
	local i
	for ((i = 0; i < 100; i++)); do
		[[ "$(committed_sequence)" == "$seq" ]] && break
		((i < 99)) || die "own peer does not report sequence $seq committed (querycommitted: $(committed_sequence))"
		sleep 0.3
	done
	log "chaincode $CC_NAME sequence $seq committed; approvals: $(jq -c .approvals "$D/chaincode/readiness-$seq.json" 2>/dev/null)"
}

cmd_enroll() {
	local inst="" role=""
	while (($#)); do
		case "$1" in --dir) D="$2" ;; --institution) inst="$2" ;; --role) role="$2" ;; *) die "enroll: unknown argument '$1'" ;; esac
		shift 2
	done
	load_org
	tools
	[[ "$inst" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]] || die "enroll: bad institution id '$inst'"
	case "$role" in operator | recorder | inspector) ;; *) die "enroll: --role must be operator, recorder or inspector" ;; esac
	local name="${inst,,}-$role"
	[[ ! -d "$D/users/$name" ]] || { log "$name is already enrolled"; return 0; }
	identity "$name" client "$D/users/$name" "metrotrace.institution=$inst:ecert,metrotrace.role=$role:ecert"
	printf 'INST=%s\nROLE=%s\n' "$inst" "$role" >"$D/users/$name/user.env"
	write_connections
	echo "enrolled $MSP $inst $role as $name"
}

# ---------------------------------------------------------------- channel config updates
# fetch_config OUTJSON: the channel config as JSON (from own orderer)
fetch_config() {
	local oargs
	mapfile -t oargs < <(orderer_args)
	mkdir -p "$D/update"
	retry 10 as_admin traced cli peer channel fetch config "$D/update/config_block.pb" -c "$CHANNEL" "${oargs[@]}" ||
		die "fetch config failed"
	configtxlator proto_decode --input "$D/update/config_block.pb" --type common.Block --output "$D/update/config_block.json"
	jq .data.data[0].payload.data.config "$D/update/config_block.json" >"$1"
}
# make_update CONFIG MODIFIED OUT: the update envelope between two configs
make_update() {
	local w="$D/update"
	configtxlator proto_encode --input "$1" --type common.Config --output "$w/config.pb"
	configtxlator proto_encode --input "$2" --type common.Config --output "$w/modified.pb"
	configtxlator compute_update --channel_id "$CHANNEL" --original "$w/config.pb" --updated "$w/modified.pb" --output "$w/update.pb"
	configtxlator proto_decode --input "$w/update.pb" --type common.ConfigUpdate --output "$w/update.json"
	jq -n --arg ch "$CHANNEL" --slurpfile u "$w/update.json" \
		'{payload:{header:{channel_header:{channel_id:$ch, type:2}}, data:{config_update:$u[0]}}}' >"$w/envelope.json"
	configtxlator proto_encode --input "$w/envelope.json" --type common.Envelope --output "$3"
}

cmd_propose_add() {
	local def="" out=""
	while (($#)); do
		case "$1" in --dir) D="$2" ;; --def) def="$2" ;; --out) out="$2" ;; *) die "propose-add: unknown argument '$1'" ;; esac
		shift 2
	done
	load_org
	tools
	[[ -n "$def" && -n "$out" ]] || die "usage: org.sh propose-add --dir D --def DEF --out UPDATE"
	check_def "$def"
	local m w="$D/update"
	m="$(jq -r .msp_id "$def")"
	rm -rf "$w"
	mkdir -p "$w/org"
	def_msp "$def" "$w/org/msp"
	{
		echo "Organizations:"
		org_yaml "$def" "$w/org/msp"
	} >"$w/org/configtx.yaml"
	configtxgen -configPath "$w/org" -printOrg "$m" >"$w/org.json" 2>>"$D/logs/configtxgen.log" ||
		{ tail -n 5 "$D/logs/configtxgen.log" >&2; die "configtxgen -printOrg $m failed"; }
	fetch_config "$w/config.json"
	jq -e --arg m "$m" '.channel_group.groups.Application.groups[$m] == null' "$w/config.json" >/dev/null ||
		die "propose-add: $m is already a member of $CHANNEL"
	local ep cert anchor
	ep="$(jq -r '.orderer | "\(.host):\(.port)"' "$def")"
	cert="$(jq -r .orderer.tls_cert "$def" | base64 -w0)"
	anchor="$(jq -c '{anchor_peers:[{host:.anchor_peer.host, port:.anchor_peer.port}]}' "$def")"
	jq --arg m "$m" --arg ep "$ep" --arg cert "$cert" --argjson anchor "$anchor" --slurpfile org "$w/org.json" \
		--arg h "$(jq -r .orderer.host "$def")" --argjson p "$(jq -r .orderer.port "$def")" '
		.channel_group.groups.Application.groups[$m] = ($org[0]
			| del(.values.Endpoints) | .values.AnchorPeers = {mod_policy:"Admins", value:$anchor, version:"0"})
		| .channel_group.groups.Orderer.groups[$m] = ($org[0]
			| del(.values.AnchorPeers) | .values.Endpoints = {mod_policy:"Admins", value:{addresses:[$ep]}, version:"0"})
		| .channel_group.groups.Orderer.values.ConsensusType.value.metadata.consenters +=
			[{host:$h, port:$p, client_tls_cert:$cert, server_tls_cert:$cert}]' "$w/config.json" >"$w/modified.json"
	make_update "$w/config.json" "$w/modified.json" "$out"
	log "config update adding $m (application, orderer, consenter $ep) written to $out; unsigned"
}

cmd_propose_remove() {
	local m="" out=""
	while (($#)); do
		case "$1" in --dir) D="$2" ;; --msp) m="$2" ;; --out) out="$2" ;; *) die "propose-remove: unknown argument '$1'" ;; esac
		shift 2
	done
	load_org
	tools
	[[ -n "$m" && -n "$out" ]] || die "usage: org.sh propose-remove --dir D --msp MSPID --out UPDATE"
	local w="$D/update"
	rm -rf "$w"
	mkdir -p "$w"
	fetch_config "$w/config.json"
	jq -e --arg m "$m" '.channel_group.groups.Application.groups[$m] != null' "$w/config.json" >/dev/null ||
		die "propose-remove: $m is not a member of $CHANNEL"
	jq --arg m "$m" 'del(.channel_group.groups.Application.groups[$m])' "$w/config.json" >"$w/modified.json"
	make_update "$w/config.json" "$w/modified.json" "$out"
	log "config update removing $m from the application group written to $out; unsigned"
}

cmd_sign() {
	local upd="" submit=0
	[[ "$1" == --submit ]] && { submit=1; shift; }
	while (($#)); do
		case "$1" in --dir) D="$2" ;; --update) upd="$2" ;; *) die "sign: unknown argument '$1'" ;; esac
		shift 2
	done
	load_org
	tools
	[[ -f "$upd" ]] || die "usage: org.sh sign|submit --dir D --update UPDATE"
	if ((submit)); then
		local oargs seq now i
		mapfile -t oargs < <(orderer_args)
		fetch_config "$D/update/before.json"
		seq="$(jq -r .sequence "$D/update/before.json")"
		as_admin traced cli peer channel update -f "$upd" -c "$CHANNEL" "${oargs[@]}" >>"$D/logs/peer-cli.log" 2>&1 ||
			{ tail -n 3 "$D/logs/peer-cli.log" >&2; die "the orderer refused the config update $upd"; }
		# The orderer acknowledges before it cuts the config block; wait
		# until the channel's config carries the update, so what runs
		# next (config-info, a join) sees it.
		for ((i = 0; i < 60; i++)); do
			fetch_config "$D/update/after.json"
			now="$(jq -r .sequence "$D/update/after.json")"
			((now > seq)) && break
			sleep 0.5
		done
		((now > seq)) || die "config update $upd was accepted but the channel's config is still at sequence $seq after 30 s"
		log "config update $upd signed by $MSP's admin and submitted; channel config now at sequence $now"
	else
		as_admin traced cli peer channel signconfigtx -f "$upd" >>"$D/logs/peer-cli.log" 2>&1 ||
			{ tail -n 3 "$D/logs/peer-cli.log" >&2; die "signing $upd failed"; }
		log "config update $upd signed by $MSP's admin"
	fi
}

cmd_fetch_config() {
	local out=""
	while (($#)); do
		case "$1" in --dir) D="$2" ;; --out) out="$2" ;; *) die "fetch-config: unknown argument '$1'" ;; esac
		shift 2
	done
	load_org
	tools
	[[ -n "$out" ]] || die "usage: org.sh fetch-config --dir D --out BLOCK"
	fetch_config "$D/update/current.json"
	cp "$D/update/config_block.pb" "$out"
}

cmd_fetch_block() {
	local num="" out=""
	while (($#)); do
		case "$1" in --dir) D="$2" ;; --number) num="$2" ;; --out) out="$2" ;; *) die "fetch-block: unknown argument '$1'" ;; esac
		shift 2
	done
	load_org
	tools
	[[ "$num" =~ ^[0-9]+$ && -n "$out" ]] || die "usage: org.sh fetch-block --dir D --number N --out FILE"
	# From own peer's ledger (qscc), so the block carries the peer's
	# validation codes (the orderer's copy has none yet).
	local hex
	hex="$(as_admin traced cli peer chaincode query -C "$CHANNEL" -n qscc --hex \
		-c "{\"Args\":[\"GetBlockByNumber\",\"$CHANNEL\",\"$num\"]}" 2>>"$D/logs/peer-cli.log")" ||
		die "block $num: qscc GetBlockByNumber on own peer failed (log: $D/logs/peer-cli.log)"
	printf '%s' "$hex" | tr -d '[:space:]' | perl -ne 'print pack("H*", $_)' >"$out"
}

cmd_config_info() {
	while (($#)); do
		case "$1" in --dir) D="$2" ;; *) die "config-info: unknown argument '$1'" ;; esac
		shift 2
	done
	load_org
	tools
	fetch_config "$D/update/current.json" >/dev/null
	jq -c --argjson blk "$(jq .header.number "$D/update/config_block.json")" '{
		block: ($blk|tonumber),
		sequence: (.sequence|tonumber),
		application_orgs: (.channel_group.groups.Application.groups | keys),
		orderer_orgs: (.channel_group.groups.Orderer.groups | keys),
		consenters: [.channel_group.groups.Orderer.values.ConsensusType.value.metadata.consenters[] | "\(.host):\(.port)"],
		signers: $signers
	}' --argjson signers "$(jq -c '[.data.data[0].payload.data.last_update.payload.data.signatures[]?.signature_header.creator.mspid]' \
		"$D/update/config_block.json")" "$D/update/current.json"
}

cmd_stop() {
	[[ "${1:-}" == --dir ]] || die "usage: org.sh stop --dir D [NODE]"
	D="$2"
	shift 2
	load_org
	if (($#)); then
		stop_names "$1"
		return 0
	fi
	local names=() f
	for f in "$D"/pids/*.pid; do [[ -e "$f" ]] && names+=("$(basename "$f" .pid)"); done
	((${#names[@]} == 0)) || stop_names "${names[@]}"
	log "stopped ${#names[@]} processes"
}
cmd_start() {
	[[ "${1:-}" == --dir && $# == 3 ]] || die "usage: org.sh start --dir D NODE"
	D="$2"
	load_org
	tools
	[[ -f "$D/pids/$3.pid" ]] && alive "$(cat "$D/pids/$3.pid")" && die "$3 is running"
	start_node "$3"
	log "$3 started"
}

case "${1:-}" in
init) shift; cmd_init "$@" ;;
export) shift; cmd_export "$@" ;;
create-channel) shift; cmd_create_channel "$@" ;;
join) shift; cmd_join "$@" ;;
deploy) shift; cmd_deploy "$@" ;;
commit) shift; cmd_commit "$@" ;;
enroll) shift; cmd_enroll "$@" ;;
propose-add) shift; cmd_propose_add "$@" ;;
propose-remove) shift; cmd_propose_remove "$@" ;;
sign) shift; cmd_sign "$@" ;;
submit) shift; cmd_sign --submit "$@" ;;
fetch-config) shift; cmd_fetch_config "$@" ;;
config-info) shift; cmd_config_info "$@" ;;
fetch-block) shift; cmd_fetch_block "$@" ;;
stop) shift; cmd_stop "$@" ;;
start) shift; cmd_start "$@" ;;
*)
	awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
	[[ -z "${1:-}" || "${1:-}" == -h || "${1:-}" == --help ]] || exit 2
	;;
esac

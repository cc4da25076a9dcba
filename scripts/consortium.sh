#!/usr/bin/env bash
# metrotrace: the three-party consortium on one machine, composed from the
# per-party steps of scripts/org.sh exactly as three operators would run
# them on three machines (each org in its own 0700 directory, on its own
# loopback address; only public files cross between them, through
# DIR/exchange). See docs/CONSORTIUM.md.
#
#   scripts/consortium.sh up [DIR]     init Beijing (127.0.1.1), Tianjin (127.0.2.1),
#                                      Hebei (127.0.3.1); export; Beijing creates the
#                                      channel; all join; all approve sequence 1,
#                                      Beijing commits it
#   scripts/consortium.sh down [DIR]   stop every process of every org, remove DIR
#
# DIR defaults to <repo>/.consortium. Gateways: one per org,
#   metrotrace serve --fabric DIR/<org>/gateway.json --data-dir DIR/<org>/gateway --listen <addr>:24020
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ORG="$ROOT/scripts/org.sh"
DIR="${2:-$ROOT/.consortium}"
declare -A MSP=([beijing]=BeijingMSP [tianjin]=TianjinMSP [hebei]=HebeiMSP)
declare -A HOST=([beijing]=127.0.1.1 [tianjin]=127.0.2.1 [hebei]=127.0.3.1)
declare -A INST=([beijing]=BJIM [tianjin]=TJIM [hebei]=HBIM)
ORGS=(beijing tianjin hebei)

# parallel CMD-TEMPLATE: run "$@" once per org with ORG substituted, wait for all
parallel() {
	local org pids=() failed=0 i=0
	for org in "${ORGS[@]}"; do
		("$@" "$org") &
		pids+=($!)
	done
	for org in "${ORGS[@]}"; do
		wait "${pids[$i]}" || { echo "consortium.sh: $org failed" >&2; failed=1; }
		i=$((i + 1))
	done
	((failed == 0))
}
init_one() {
	"$ORG" init --dir "$DIR/$1" --org "$1" --msp "${MSP[$1]}" --host "${HOST[$1]}" --institution "${INST[$1]}"
	"$ORG" export --dir "$DIR/$1" --out "$DIR/exchange/$1.json"
}
join_one() { "$ORG" join --dir "$DIR/$1" --block "$DIR/exchange/metrology.block"; }
deploy_one() { "$ORG" deploy --dir "$DIR/$1" --sequence 1; }

cmd_up() {
	[[ ! -e "$DIR" ]] || { echo "consortium.sh: $DIR exists; 'consortium.sh down' first" >&2; exit 1; }
	mkdir -p "$DIR/exchange"
	touch "$DIR/.metrotrace-consortium"
	trap 'echo "consortium.sh up failed; stopping what was started" >&2; cmd_down' ERR
	parallel init_one
	"$ORG" create-channel --dir "$DIR/beijing" --out "$DIR/exchange/metrology.block" "$DIR"/exchange/{beijing,tianjin,hebei}.json
	parallel join_one
	parallel deploy_one
	"$ORG" commit --dir "$DIR/beijing" --sequence 1 "$DIR"/exchange/{beijing,tianjin,hebei}.json
	trap - ERR
	local org
	for org in "${ORGS[@]}"; do
		echo "$org: metrotrace serve --fabric $DIR/$org/gateway.json --data-dir $DIR/$org/gateway --listen ${HOST[$org]}:24020"
	done
}

cmd_down() {
	[[ -d "$DIR" ]] || return 0
	[[ -f "$DIR/.metrotrace-consortium" ]] || { echo "consortium.sh: $DIR is not a consortium directory" >&2; exit 1; }
	local d
	for d in "$DIR"/*/; do
		[[ -f "$d/org.env" ]] && "$ORG" stop --dir "$d"
	done
	rm -rf "$DIR"
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
*)
	awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
	[[ -z "${1:-}" || "${1:-}" == -h || "${1:-}" == --help ]] || exit 2
	;;
esac

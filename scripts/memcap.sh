#!/usr/bin/env bash
# Runs a command confined to a memory limit, in a memory cgroup of its own,
# and says afterwards how much the cgroup used at most and whether the
# kernel had to kill anything in it.
#
#   scripts/memcap.sh LIMIT_MIB COMMAND [ARG...]
#
# The limit covers what the kernel charges the process: its anonymous
# memory and the page cache it touches, including the mapped pages of
# badger's table and value-log files, which the kernel reclaims to stay
# under the limit. A process that needs more anonymous memory than the
# limit is killed (OOM), and the script exits non-zero. This is how
# scripts/bench.sh --memory-limit shows "RSS <= 300 MB": the measured RSS
# of a process that runs within the limit.
#
# Needs root and a cgroup v1 memory hierarchy (/sys/fs/cgroup/memory) or
# cgroup v2 with the memory controller enabled; refuses with a message
# otherwise. The cgroup is removed on exit.
set -euo pipefail

if (($# < 2)) || ! [[ "$1" =~ ^[0-9]+$ ]] || (($1 < 16)); then
	echo "usage: scripts/memcap.sh LIMIT_MIB COMMAND [ARG...]  (LIMIT_MIB a whole number of MiB, at least 16)" >&2
	exit 2
fi
limit=$(($1 * 1024 * 1024))
shift

name="metrotrace-memcap-$$"
if [[ -d /sys/fs/cgroup/memory && -w /sys/fs/cgroup/memory ]]; then
	cg=/sys/fs/cgroup/memory/$name
	mkdir "$cg"
	echo "$limit" >"$cg/memory.limit_in_bytes"
	echo 0 >"$cg/memory.swappiness" 2>/dev/null || true
	peak_file=memory.max_usage_in_bytes
	oom() { awk '$1=="oom_kill"{print $2}' "$cg/memory.oom_control"; }
elif [[ -f /sys/fs/cgroup/cgroup.controllers ]] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
	parent=/sys/fs/cgroup$(awk -F: '$1=="0"{print $3}' /proc/self/cgroup)
	[[ "$parent" == */ ]] || parent="$parent/"
	cg="${parent}$name"
	if ! mkdir "$cg" 2>/dev/null || ! echo "$limit" >"$cg/memory.max" 2>/dev/null; then
		rmdir "$cg" 2>/dev/null || true
		echo "memcap: cannot make a memory cgroup under $parent (needs root and the memory controller delegated there)" >&2
		exit 1
	fi
	echo 0 >"$cg/memory.swap.max" 2>/dev/null || true
	peak_file=memory.peak
	oom() { awk '$1=="oom_kill"{print $2}' "$cg/memory.events"; }
else
	echo "memcap: no writable memory cgroup hierarchy here (needs root and cgroup v1 memory or v2 with the memory controller)" >&2
	exit 1
fi

cleanup() {
	# The command has exited; anything it left behind goes with the cgroup.
	if [[ -f "$cg/cgroup.procs" ]]; then
		while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$cg/cgroup.procs"
	fi
	rmdir "$cg" 2>/dev/null || true
}
trap cleanup EXIT

rc=0
bash -c 'echo $$ >"$1/cgroup.procs"; shift; exec "$@"' memcap "$cg" "$@" || rc=$?
peak=$(cat "$cg/$peak_file" 2>/dev/null || echo 0)
kills=$(oom || echo 0)
printf 'memcap: limit %d MiB; the cgroup used at most %d MiB (anonymous memory and page cache); OOM kills %s; exit %d\n' \
	$((limit / 1024 / 1024)) $((peak / 1024 / 1024)) "${kills:-0}" "$rc" >&2
if [[ "${kills:-0}" != 0 ]]; then
	exit 137
fi
exit "$rc"

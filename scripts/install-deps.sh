#!/usr/bin/env bash
# Installs the Debian packages the tests need, idempotently.
#
#   chromium          headless browser for the web console test (gateway/console)
#   fonts-noto-cjk    CJK glyphs, so console screenshots show 中文 labels, not boxes
#   strace            the consortium test records which files each org's processes open
#   jq                the network scripts read and write JSON
#
# Packages already installed are skipped silently; `apt-get update` runs only
# when something is missing. Meant for root in CI (no stdin, no prompts); as
# another user it uses sudo when there is one. Extra package names given as
# arguments are installed too.
set -euo pipefail

packages=(chromium fonts-noto-cjk strace jq "$@")

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: apt-get not found; install by hand: ${missing[*]}" >&2
	exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo=(sudo -n)
	else
		echo "install-deps: not root and no sudo; install by hand: ${missing[*]}" >&2
		exit 1
	fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: missing ${missing[*]}: apt-get update"
"${sudo[@]}" apt-get update -q </dev/null
echo "install-deps: apt-get install ${missing[*]}"
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
echo "install-deps: installed ${missing[*]}"

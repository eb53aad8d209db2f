#!/bin/sh
# Installs the Debian/Ubuntu packages venvscope needs to build and test.
# Does nothing when everything is present. Through sudo when not root; when
# neither works, prints the exact package list and fails.
set -eu

PKGS="gcc make libc6-dev pkg-config libncurses-dev libgit2-dev libcjson-dev \
libcmocka-dev tmux git python3 python3-venv python3-virtualenv pipx python3-poetry pipenv"
# tests/e2e/tests_install.py: the completions in zsh and fish, make deb
# (dpkg-dev), the package checked (lintian) and its man page read (man-db).
PKGS="$PKGS zsh fish dpkg-dev lintian man-db"
[ -n "${VS_EXTRA_PKGS:-}" ] && PKGS="$PKGS $VS_EXTRA_PKGS"

if ! command -v dpkg-query >/dev/null 2>&1; then
	missing=""
	for p in ncursesw libgit2 libcjson cmocka; do
		pkg-config --exists "$p" 2>/dev/null || missing="$missing $p"
	done
	for c in tmux git python3; do
		command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
	done
	if [ -n "$missing" ]; then
		echo "deps: not a Debian system; please install:$missing" >&2
		exit 1
	fi
	exit 0
fi

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo"
else
	echo "deps: cannot install packages (not root, no sudo). Please run:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq || ! $SUDO apt-get install -y -qq $missing; then
	echo "deps: apt-get failed. The packages needed are:$missing" >&2
	exit 1
fi

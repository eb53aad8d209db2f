#!/bin/sh
# Rewrites the key tables of README.md and doc/venvscope.1 from the
# binary's own tables (venvscope --print-keys), between their markers.
# usage: scripts/update-keys.sh [BINARY]   (default: build/venvscope)
set -eu
bin=${1:-build/venvscope}
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.keys"' EXIT
replace() { # file format begin-marker end-marker
	"$bin" --print-keys="$2" >"$tmp.keys"
	# The markers go through the environment: awk -v would read \" as ".
	B="$3" E="$4" K="$tmp.keys" awk '
		index($0, ENVIRON["B"]) == 1 { print; while ((getline l < ENVIRON["K"]) > 0) print l; skip = 1; next }
		index($0, ENVIRON["E"]) == 1 { skip = 0 }
		!skip' "$1" >"$tmp"
	cat "$tmp" >"$1"
}
replace README.md md '<!-- keys: venvscope --print-keys' '<!-- end of keys -->'
replace doc/venvscope.1 man '.\" keys: venvscope --print-keys=man' '.\" end of keys'

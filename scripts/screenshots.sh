#!/bin/sh
# Regenerates screenshots/*.png from real runs of ./venvscope.
#
# 1. Makes a demo set of real environments in a temp folder (used as HOME, so
#    paths show as ~/code/...) with the machine's own Pythons: some with pip
#    from ensurepip, one --copies, one --prompt, one broken (its base Python was
#    reached through a symlinked folder that is then deleted) and one stale
#    (pyvenv.cfg and site-packages dated 200 days back). Nothing is downloaded.
# 2. Runs ./venvscope in a private tmux server (120x32, TERM=xterm-256color,
#    LANG=C.UTF-8), types keys, and polls `tmux capture-pane` until the expected
#    text is on screen (fails on timeout).
# 3. Turns the captured screen (with its escape codes) into HTML with aha and
#    into a PNG with headless chromium.
#
# Needs: tmux, aha, chromium, python3 (`make screenshots` installs them).
# Env: VS_SHOTS_TIMEOUT (seconds per wait, default 30), VS_SHOTS_OUT (where
# the PNGs go, default screenshots/), VS_SHOTS_KEEP=1 keeps the temp folder
# (and prints where it is).
set -eu

cd "$(dirname "$0")/.."
REPO=$(pwd)
VS="$REPO/venvscope"
OUT=${VS_SHOTS_OUT:-$REPO/screenshots}
COLS=120
ROWS=32
TIMEOUT=${VS_SHOTS_TIMEOUT:-30}
START=$(date +%s)

say() { printf 'screenshots: [%ss] %s\n' "$(($(date +%s) - START))" "$*" >&2; }
die() {
	say "error: $*"
	exit 1
}

for tool in tmux aha chromium python3 perl infocmp tic setsid; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "'$tool' is missing. Install it (Debian: apt-get install -y tmux aha chromium python3), or run 'make screenshots', which does."
done
[ -x "$VS" ] || die "$VS is missing: run 'make' first."

# The Pythons are looked up before HOME changes (pyenv lives in the real one).
PYENV_DIR=${PYENV_ROOT:-$HOME/.pyenv}

# Short, as the details view shows absolute paths.
T=$(mktemp -d "${TMPDIR:-/tmp}/vsdemo.XXXXXX")
SOCK="$T/tmux.sock"
JOBS=""
cleanup() {
	status=$?
	set +e
	trap - EXIT INT TERM HUP
	# The venv makers still running (each its own process group).
	for j in $JOBS; do
		kill -TERM "-${j%%:*}" 2>/dev/null
		wait "${j%%:*}" 2>/dev/null
	done
	[ -S "$SOCK" ] && tmux -S "$SOCK" kill-server 2>/dev/null
	if [ "${VS_SHOTS_KEEP:-0}" = 1 ]; then
		say "kept $T"
	else
		chmod -R u+w "$T" 2>/dev/null
		rm -rf "$T"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The demo HOME, and a clean environment for everything run in it: no PIP_*,
# PYTHON*, VIRTUAL_ENV or pyenv variables, no network-related settings.
H="$T/home"
mkdir -p "$H" "$T/work"
CLEAN_PATH=/usr/local/bin:/usr/bin:/bin
run_clean() { env -i HOME="$H" PATH="$CLEAN_PATH" LANG=C.UTF-8 "$@"; }

# ---- 1. the machine's Pythons ----------------------------------------------

# One line per usable interpreter: "MAJOR.MINOR VERSION PIP(yes/no) REALPATH
# PATH", each real interpreter once.
PYLIST="$T/pythons"
: >"$PYLIST"
probe() {
	run_clean "$1" -c '
import os, sys, platform
try:
    import venv
except ImportError:
    sys.exit(1)
try:
    import ensurepip
    pip = "yes" if ensurepip.version() else "no"
except Exception:
    pip = "no"
v = sys.version_info
print("%d.%d %s %s %s %s" % (v[0], v[1], platform.python_version(), pip,
                            os.path.realpath(sys.executable), sys.argv[1]))
' "$1" 2>/dev/null || true
}
onpath=$(command -v python3 || true)
# A pyenv shim on PATH needs its PYENV_ROOT: ask it where the real one is.
[ -n "$onpath" ] && onpath=$(PYENV_ROOT="$PYENV_DIR" "$onpath" -c 'import sys; print(sys.executable)' 2>/dev/null || true)
for py in /usr/bin/python3.[0-9]* "$PYENV_DIR"/versions/*/bin/python $onpath; do
	case "$py" in *-config | *m) continue ;; esac
	[ -x "$py" ] || continue
	probe "$py"
done | awk '!seen[$4]++' >"$PYLIST"
[ -s "$PYLIST" ] || die "no Python 3 with the venv module found (install python3-venv)."
say "Pythons: $(awk '{printf "%s%s", sep, $2; sep=", "}' "$PYLIST")"

# pick_python [--pip] MINOR... : the path of the first Python of one of the
# given versions (with ensurepip when --pip), else any (with pip if possible).
pick_python() {
	want_pip=no
	[ "$1" = --pip ] && { want_pip=yes; shift; }
	for minor in "$@"; do
		p=$(awk -v m="$minor" -v w="$want_pip" '$1 == m && (w == "no" || $3 == "yes") {print $5; exit}' "$PYLIST")
		[ -n "$p" ] && { echo "$p"; return; }
	done
	awk -v w="$want_pip" 'w == "no" || $3 == "yes" {print $5; f=1; exit} END {if (!f) exit 1}' "$PYLIST" ||
		awk 'NR == 1 {print $5}' "$PYLIST"
}
# has_pip PYTHON : whether that interpreter (by real path) has ensurepip.
has_pip() {
	real=$(readlink -f "$1")
	awk -v p="$real" '$4 == p && $3 == "yes" {f=1} END {exit !f}' "$PYLIST"
}

# ---- 2. the demo environments ----------------------------------------------

CODE="$H/code"
mkdir -p "$CODE"

# project NAME FILE... : a project folder with a few believable files.
project() {
	d="$CODE/$1"
	shift
	mkdir -p "$d/src"
	for f in "$@"; do
		case "$f" in
		pyproject.toml) printf '[project]\nname = "%s"\nversion = "0.1.0"\n' "$(basename "$d")" >"$d/$f" ;;
		*) printf '# %s\n' "$f" >"$d/$f" ;;
		esac
	done
	printf 'print("hello")\n' >"$d/src/main.py"
}

# mkvenv PYTHON DIR [venv options] : runs in the background, logs to $T/work.
mkvenv() {
	py=$1 dir=$2
	shift 2
	if [ "${1:-}" != --without-pip ] && ! has_pip "$py"; then
		set -- --without-pip "$@"
	fi
	log="$T/work/$(echo "$dir" | tr / _).log"
	# Its own process group (setsid), so cleanup can stop it with pip's child.
	setsid env -i HOME="$H" PATH="$CLEAN_PATH" LANG=C.UTF-8 \
		"$py" -m venv "$@" "$dir" >"$log" 2>&1 &
	JOBS="$JOBS $!:$dir"
}
wait_venvs() {
	for j in $JOBS; do
		pid=${j%%:*} dir=${j#*:}
		if ! wait "$pid"; then
			cat "$T/work/$(echo "$dir" | tr / _).log" >&2
			die "making the venv $dir failed (log above)."
		fi
	done
	JOBS=""
}

project webshop pyproject.toml requirements.txt
project ml-notebook requirements.txt
project api-server pyproject.toml
project cli-tool pyproject.toml
project legacy-django requirements.txt setup.py
project data-pipeline pyproject.toml

mkvenv "$(pick_python --pip 3.11)" "$CODE/webshop/.venv"
mkvenv "$(pick_python --pip 3.12 3.11)" "$CODE/ml-notebook/.venv" --copies
mkvenv "$(pick_python --pip 3.13 3.12)" "$CODE/api-server/venv" --prompt api
mkvenv "$(pick_python 3.8 3.9 3.10)" "$CODE/cli-tool/.venv" --without-pip
mkvenv "$(pick_python --pip 3.7 3.8 3.9)" "$CODE/legacy-django/env"

# The broken one: its Python is reached through ~/.local/opt/python3.10, a
# symlink to the real install folder that is deleted afterwards.
broken_py=$(pick_python --pip 3.10 3.9 3.11)
broken_prefix=$(dirname "$(dirname "$broken_py")")
mkdir -p "$H/.local/opt"
broken_link="$H/.local/opt/python$(awk -v p="$broken_py" '$5 == p {print $1; exit}' "$PYLIST")"
ln -s "$broken_prefix" "$broken_link"
mkvenv "$broken_link/bin/$(basename "$broken_py")" "$CODE/data-pipeline/.venv"

say "making the demo environments (ensurepip, no network) ..."
wait_venvs

# A hotfix branch of the webshop, its env a cp -al twin (every file a hard
# link of webshop's, as uv's cache makes them): the marker H, and what
# deleting one or both really frees.
mkdir -p "$CODE/webshop-hotfix"
cp "$CODE/webshop/requirements.txt" "$CODE/webshop-hotfix/"
cp -al "$CODE/webshop/.venv" "$CODE/webshop-hotfix/.venv"

# Two envs made by the machine's virtualenv, which seeds pip from its
# app-data folder (~/.local/share/virtualenv, a cache the caches view shows)
# as plain copies: the same pip twice, duplicated.
if command -v virtualenv >/dev/null 2>&1; then
	for d in scraper/.venv reports/.venv; do
		mkdir -p "$CODE/${d%/.venv}"
		env -i HOME="$H" PATH="$CLEAN_PATH" virtualenv -q "$CODE/$d" >"$T/work/virtualenv.log" 2>&1 ||
			die "virtualenv failed: $(cat "$T/work/virtualenv.log")"
	done
	n_virtualenv=2
else
	say "no virtualenv on PATH: the caches and dupes shots show fewer rows"
	n_virtualenv=0
fi
rm "$broken_link"
rmdir "$H/.local/opt" "$H/.local" 2>/dev/null || true

# A conda env made in its project (conda create -p ./env), laid out exactly
# as conda writes it (history, one JSON record per package, a real
# interpreter linked in, a dist installed by pip): tests/e2e/conda_kit.py,
# the same kit the conda tests use.
[ -x /usr/bin/python3.11 ] || die "the conda demo env links /usr/bin/python3.11, which is missing."
project geo-analysis environment.yml
(cd "$CODE/geo-analysis" && /usr/bin/python3.11 "$REPO/tests/e2e/conda_kit.py" "$CODE/geo-analysis/env" \
	"conda create -p ./env python=3.11 six" "$T/work/wheels") >"$T/work/conda.log" 2>&1 ||
	die "making the conda demo env failed: $(cat "$T/work/conda.log")"

# An orphan: a pipenv env (its folder named as pipenv names it, .project
# naming the project) whose project folder was deleted.
PIPENV_HOME="$H/.local/share/virtualenvs"
mkvenv "$(pick_python --pip 3.11 3.12)" "$PIPENV_HOME/old-blog-Xq3kV9aB"
# A moved env: made in invoice-tool, then the project was renamed with mv;
# its scripts still point at the old path.
project invoice-tool requirements.txt
mkvenv "$(pick_python 3.12 3.11)" "$CODE/invoice-tool/.venv" --without-pip
wait_venvs
printf '%s\n' "$CODE/old-blog" >"$PIPENV_HOME/old-blog-Xq3kV9aB/.project"
mv "$CODE/invoice-tool" "$CODE/billing"

# Believable ages: venvscope dates an env by the newest mtime of pyvenv.cfg,
# its site-packages folder and every entry directly in it. legacy-django is
# the stale one (older than the 90 days of --stale-days).
backdate() {
	for sp in "$CODE/$1"/lib/python*/site-packages; do
		find "$sp" -mindepth 1 -maxdepth 1 -exec touch -h -d "$2" {} +
		touch -d "$2" "$sp"
	done
	touch -d "$2" "$CODE/$1/pyvenv.cfg"
}
backdate webshop/.venv '2 days ago'
backdate ml-notebook/.venv '3 weeks ago'
backdate api-server/venv '5 hours ago'
backdate cli-tool/.venv '45 days ago'
backdate data-pipeline/.venv '12 days ago'
backdate legacy-django/env '200 days ago'
backdate webshop-hotfix/.venv '1 day ago'
backdate billing/.venv '60 days ago'
[ "$n_virtualenv" = 0 ] || {
	backdate scraper/.venv '9 days ago'
	backdate reports/.venv '30 days ago'
}

# ---- 3. the screens -----------------------------------------------------------

# A private tmux server that stays up between sessions; no status line, so the
# pane is the whole 120x32.
printf 'set -s exit-empty off\nset -g status off\n' >"$T/tmux.conf"
tm() { tmux -S "$SOCK" -f "$T/tmux.conf" "$@"; }

# tmux keeps the colour of cells cleared with "erase to end of line" but its
# capture-pane stops at the last written cell, so a coloured bar (header,
# selection, status line) would lose its right part. An xterm-256color entry
# without `bce` makes ncurses write those cells as coloured spaces instead:
# the same screen, every cell captured.
infocmp -x xterm-256color >"$T/work/xterm.src" 2>/dev/null ||
	die "infocmp cannot read the xterm-256color terminfo entry (Debian: ncurses-base, ncurses-bin)."
sed 's/\bbce,//' "$T/work/xterm.src" | tic -x -o "$T/terminfo" - ||
	die "tic could not compile the terminfo entry."

# start [OPTIONS] : venvscope on ~/code in a fresh 120x32 tmux session.
start() {
	tm kill-session -t vs 2>/dev/null || true
	tm new-session -d -s vs -x "$COLS" -y "$ROWS" -c "$H" \
		env -i HOME="$H" PATH="$CLEAN_PATH" TERM=xterm-256color TERMINFO="$T/terminfo" \
		LANG=C.UTF-8 "$VS" "$@" "$H/code" "$PIPENV_HOME"
	size=$(tm display-message -p -t vs '#{pane_width}x#{pane_height}')
	[ "$size" = "${COLS}x$ROWS" ] || die "the tmux pane is $size, not ${COLS}x$ROWS."
}

screen() { tm capture-pane -p -t vs 2>/dev/null; }
keys() { tm send-keys -t vs "$@"; }

# wait_for DESCRIPTION PATTERN... : polls the screen until every pattern is
# on it (a pattern starting with ! must be absent; fixed strings) and the
# screen is the same on two polls in a row. Fails after $TIMEOUT seconds.
wait_for() {
	what=$1
	shift
	deadline=$(($(date +%s) + TIMEOUT))
	prev=""
	while :; do
		cur=$(screen) || die "venvscope is gone (it exited or crashed) while waiting for $what."
		ok=1
		for pat in "$@"; do
			case "$pat" in
			!*) printf '%s\n' "$cur" | grep -qF -- "${pat#!}" && ok=0 ;;
			*) printf '%s\n' "$cur" | grep -qF -- "$pat" || ok=0 ;;
			esac
		done
		[ $ok = 1 ] && [ "$cur" = "$prev" ] && return 0
		prev=$cur
		if [ "$(date +%s)" -ge "$deadline" ]; then
			say "timed out after ${TIMEOUT}s waiting for $what; the screen was:"
			printf '%s\n' "$cur" >&2
			exit 1
		fi
		sleep 0.1
	done
}

# The terminal's colours: xterm's palette (the one TERM=xterm-256color names;
# aha already uses xterm's values for colours 16-255), on black for the dark
# shots and on white for the light one. Overrides aha's own stylesheet.
palette_css() {
	fg=$1 bg=$2
	cat <<CSS
body, .reset { color: $fg; } body, .bg-reset { background-color: $bg; }
.inverted { color: $bg; } .bg-inverted { background-color: $fg; }
.dimgray { color: #000000; } .bg-black { background-color: #000000; }
.red { color: #cd0000; } .bg-red { background-color: #cd0000; }
.green { color: #00cd00; } .bg-green { background-color: #00cd00; }
.yellow { color: #cdcd00; } .bg-yellow { background-color: #cdcd00; }
.blue { color: #0000ee; } .bg-blue { background-color: #0000ee; }
.purple { color: #cd00cd; } .bg-purple { background-color: #cd00cd; }
.cyan { color: #00cdcd; } .bg-cyan { background-color: #00cdcd; }
.white { color: #e5e5e5; } .bg-white { background-color: #e5e5e5; }
.highlighted { filter: none; }
.highlighted.dimgray { color: #7f7f7f; } .highlighted.red { color: #ff0000; }
.highlighted.green { color: #00ff00; } .highlighted.yellow { color: #ffff00; }
.highlighted.blue { color: #5c5cff; } .highlighted.purple { color: #ff00ff; }
.highlighted.cyan { color: #00ffff; } .highlighted.white { color: #ffffff; }
/* "dim" (SGR 2), which aha does not know, arrives as crossed-out (SGR 9,
   which venvscope never uses): faint text, as terminals draw it. */
.crossed-out { text-decoration: none; opacity: 0.6; }
.underline.crossed-out { text-decoration: underline; }
body { margin: 0; }
pre { display: inline-block; margin: 0; padding: 6px 8px;
      font: 14px/17px "DejaVu Sans Mono", "Liberation Mono", monospace; }
/* Inline backgrounds cover only the glyph box: stretch them to the line. */
pre span { padding: 0.5px 0; }
CSS
}

# The window that fits the 120x32 grid exactly, measured by chromium itself.
chrome() {
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T/chromium" --hide-scrollbars --force-device-scale-factor=1 "$@"
}
measure() {
	{
		printf '<!DOCTYPE html><html><head><meta charset="utf-8"><style>\n'
		palette_css '#e5e5e5' '#000000'
		printf '</style></head><body><pre id="t">'
		awk -v c="$COLS" -v r="$ROWS" 'BEGIN { for (i = 0; i < r; i++) { s = ""; for (j = 0; j < c; j++) s = s "M"; printf "%s%s", s, (i < r - 1 ? "\n" : "") } }'
		printf '</pre><script>var b = document.getElementById("t").getBoundingClientRect();'
		printf 'document.title = "size=" + Math.ceil(b.width) + "," + Math.ceil(b.height);</script></body></html>\n'
	} >"$T/work/measure.html"
	chrome --dump-dom "file://$T/work/measure.html" 2>"$T/work/chromium.log" |
		sed -n 's/.*<title>size=\([0-9]*,[0-9]*\)<\/title>.*/\1/p'
}
WIN=$(measure)
case "$WIN" in
[0-9]*,[0-9]*) ;;
*)
	cat "$T/work/chromium.log" >&2
	die "chromium could not measure the page (log above)."
	;;
esac

# shoot NAME dark|light : the pane as it is now -> screenshots/NAME.png
shoot() {
	name=$1
	if [ "$2" = dark ]; then
		aha_bg=--black css=$(palette_css '#e5e5e5' '#000000')
	else
		aha_bg="" css=$(palette_css '#000000' '#ffffff')
	fi
	tm capture-pane -e -N -p -t vs >"$T/work/$name.ansi"
	# Where the cursor is, when shown (while a filter is typed): drawn as a
	# reverse-video cell, as xterm does.
	cursor=$(tm display-message -p -t vs '#{cursor_flag} #{cursor_x} #{cursor_y}')
	case "$cursor" in
	"1 "*) cx=${cursor#1 } cy=${cx#* } cx=${cx% *} ;;
	*) cx=-1 cy=-1 ;;
	esac
	# Also SGR 2 (dim), which aha does not know, becomes 9 (see the CSS);
	# 38/48 colour arguments are left alone.
	CX=$cx CY=$cy perl -CS -ne '
		s{\e\[([0-9;]*)m}{
			my @p = split /;/, $1; my @o;
			while (@p) {
				my $x = shift @p;
				if ($x eq "38" || $x eq "48") {
					my $m = shift(@p) // ""; push @o, $x, $m;
					push @o, splice(@p, 0, $m eq "5" ? 1 : $m eq "2" ? 3 : 0);
					next;
				}
				push @o, $x eq "2" ? "9" : $x;
			}
			"\e[" . join(";", @o) . "m"
		}ge;
		if ($. - 1 == $ENV{CY}) {
			my ($col, $out, $done) = (0, "", 0);
			chomp;
			for my $t (/\e\[[0-9;]*m|./gs) {
				if (!$done && length($t) == 1 && $col++ == $ENV{CX}) {
					$t = "\e[7m$t\e[27m";
					$done = 1;
				}
				$out .= $t;
			}
			$out .= " " x ($ENV{CX} - $col) . "\e[7m \e[27m" if !$done;
			$_ = "$out\n";
		}
		print' <"$T/work/$name.ansi" |
		aha --stylesheet $aha_bg --title "venvscope: $name" >"$T/work/$name.aha"
	printf '%s\n' "$css" >"$T/work/$name.css"
	# Our rules after aha's, so they win.
	awk -v f="$T/work/$name.css" '
		/<\/head>/ { print "<style type=\"text/css\">"; while ((getline l < f) > 0) print l; print "</style>" }
		{ print }' "$T/work/$name.aha" >"$T/work/$name.html"
	chrome --window-size="$WIN" --screenshot="$T/work/$name.png" \
		"file://$T/work/$name.html" >"$T/work/chromium.log" 2>&1 || {
		cat "$T/work/chromium.log" >&2
		die "chromium failed on $name."
	}
	[ -s "$T/work/$name.png" ] || die "chromium made no picture for $name."
	bytes=$(wc -c <"$T/work/$name.png")
	[ "$bytes" -lt 300000 ] || die "$name.png is $bytes bytes, too big for the README."
	cp "$T/work/$name.png" "$OUT/$name.png.tmp"
	mv -f "$OUT/$name.png.tmp" "$OUT/$name.png"
	say "$OUT/$name.png: $WIN px, $bytes bytes"
}

mkdir -p "$OUT"
n_envs=$((10 + n_virtualenv))

# The list, sorted by size (the default), once the scan has finished.
start
wait_for "the finished scan" "$n_envs environments" "1 stale (" "1 broken" \
	"scanned i" "SIZE↓" "legacy-django" "data-pipeline"
shoot list dark

# Details of the selected (largest) environment, which has packages.
keys Enter
wait_for "the details" "pyvenv.cfg" "packages (" "!packages (0)" "pip "
shoot details dark

# A package filter, as typed: the prompt and the rows it keeps.
keys Escape
wait_for "the list again" "Enter details"
keys /
keys -l 'pkg:pip<24'
wait_for "the filter" "/pkg:pip<24" "!cli-tool" "!No environment matches"
shoot filter dark

# Disk usage (a), the two webshop twins marked: the status line says what
# deleting both frees (everything: every link is inside the pair).
keys Escape
start
wait_for "the finished scan" "$n_envs environments" "scanned i" "webshop-hotfix"
keys a
wait_for "disk usage" "on disk ·"
keys /
keys -l 'webshop'
keys Enter
wait_for "the webshop filter" "shown: webshop]" "!legacy-django"
keys Space Space
wait_for "the two twins marked" "2 marked ·" "freeable of"
shoot space dark

# The shared caches (C).
start
wait_for "the finished scan" "$n_envs environments" "scanned i"
keys C
wait_for "the caches" "virtualenv" "!measuring"
shoot caches dark

# Duplicates across envs (D).
keys Escape
wait_for "the list again" "scanned i"
keys D
wait_for "the duplicates" "pip " "duplicated distribution"
shoot dupes dark

# The interpreters with their envs (P).
keys Escape
wait_for "the list again" "scanned i"
keys P
wait_for "the Pythons" "Pythons: " "!looking for" "ENVS"
shoot pythons dark

# The light theme, rendered as a light terminal.
start --theme light
wait_for "the finished scan (light theme)" "$n_envs environments" "1 stale (" \
	"1 broken" "scanned i" "legacy-django" "data-pipeline"
shoot light light

say "done in $(($(date +%s) - START))s"

#!/bin/sh
# Runs every test: the cmocka unit binaries in $UNIT_DIR, then the end-to-end
# suite against $VENVSCOPE. Ends with one line "N passed, N failed" and exits
# non-zero when anything failed.
set -u
: "${VENVSCOPE:=./venvscope}"
: "${UNIT_DIR:=build/release/tests/unit}"
export VENVSCOPE

passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$UNIT_DIR"/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *.o|*.d) continue ;; esac
	"$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		echo "unit: $t exited with $rc"
		failed=$((failed + 1))
	fi
done

# The suite needs a Python 3 that starts: python3 on PATH, else another.
PY=""
for p in python3 /usr/bin/python3 $(ls -d "$HOME"/.pyenv/versions/3.*/bin/python3 2>/dev/null | sort -rV); do
	if "$p" -c 'import json, tempfile, concurrent.futures' >/dev/null 2>&1; then
		PY=$p
		break
	fi
done

if [ -f tests/e2e/run.py ] && [ -z "$PY" ]; then
	echo "e2e: no working python3 found to run the end-to-end suite"
	failed=$((failed + 1))
elif [ -f tests/e2e/run.py ]; then
	"$PY" tests/e2e/run.py >"$log.e2e" 2>&1
	rc=$?
	cat "$log.e2e"
	line=$(grep -E '^[a-z0-9-]*:? ?[0-9]+ passed, [0-9]+ failed' "$log.e2e" | tail -1)
	p=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) passed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
		echo "e2e: suite exited with $rc"
		failed=$((failed + 1))
	fi
	rm -f "$log.e2e"
fi

echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

#!/bin/sh
# Prints every file in src/ over 600 lines and every function over 80 lines
# (a function's body runs from a "{" to a "}" alone at the start of a line,
# as this code base writes them). Exits 1 when it printed anything.
cd "$(dirname "$0")/.." || exit 2
awk '
FNR == 1 { if (prev && lines > 600) { print prev ": " lines " lines"; bad = 1 } prev = FILENAME; lines = 0 }
{ lines++ }
/^\{/ { start = FNR; name = last }
/^\}/ && start { if (FNR - start - 1 > 80) { print FILENAME ":" start ": " name " " (FNR - start - 1) " lines"; bad = 1 } start = 0 }
!/^\{/ && /^[a-zA-Z_].*\(/ { last = $0 }
END { if (prev && lines > 600) { print prev ": " lines " lines"; bad = 1 } exit bad }
' $(find src -name '*.[ch]' | sort)

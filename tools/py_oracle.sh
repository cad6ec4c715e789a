#!/bin/sh
# tools/py_oracle.sh — run every Python 3 example (traces/py/py3_*.py) under
# python3 and under threadsim and report the differences.
#
#   tools/py_oracle.sh [THREADSIM]      (default: build/tools/threadsim)
#
# Output of both is stdout and stderr merged in order (python3 -u). Before
# comparing, CPython's output is normalized the way threadsim documents its
# differences: the script's absolute path becomes the path as given, 3.11's
# `^^^^`/`~~~` position lines are dropped, and so are the two frames of
# CPython's own threading.py in a thread's traceback. Exit status: 0 if all
# agree, 1 if any differs, 2 if python3 or threadsim is missing.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
ts=${1:-$here/build/tools/threadsim}
command -v python3 >/dev/null 2>&1 || { echo "threadsim: py_oracle: python3 not found" >&2; exit 2; }
[ -x "$ts" ] || { echo "threadsim: py_oracle: no threadsim at $ts" >&2; exit 2; }
ts=$(cd "$(dirname "$ts")" && pwd)/$(basename "$ts")
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
status=0
cd "$here/traces/py" || exit 2
for f in py3_*.py; do
    python3 -u "$f" >"$tmp/cpython.raw" 2>&1
    crc=$?
    "$ts" run "$f" --no-db >"$tmp/threadsim.out" 2>&1
    trc=$?
    sed -e "s|$here/traces/py/||g" "$tmp/cpython.raw" |
        grep -v -E '^ *[~^]+ *$' |
        awk '/lib\/python3\.[0-9]+\/threading\.py/ { skip = 1; next } skip { skip = 0; next } { print }' \
            >"$tmp/cpython.out"
    if [ "$crc" != "$trc" ] || ! cmp -s "$tmp/cpython.out" "$tmp/threadsim.out"; then
        echo "DIFF $f (exit: python3 $crc, threadsim $trc)"
        diff -u "$tmp/cpython.out" "$tmp/threadsim.out" | sed 's/^/    /'
        status=1
    else
        echo "same $f"
    fi
done
exit $status

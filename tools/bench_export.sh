#!/bin/sh
# tools/bench_export.sh — the html timeline of a million-event run, opened
# in headless Chromium (issue 12, item 5), in one run.
#
#   tools/bench_export.sh [--threadsim PATH] [--chromium PATH]
#
# Exports bench/pingpong (1.24M events, 4000 threads) as html and as
# chrome JSON, prints their sizes and export times, then loads the page in
# headless Chromium (--dump-dom: parsed, scripts run, laid out) and, beside
# it, an empty page: the difference is the page's own cost. Wall clock of
# this host; nothing here is a test.
# Exit status: 0; 2 if threadsim or chromium is missing.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
ts=$here/build/tools/threadsim
chromium=$(command -v chromium || command -v chromium-browser || echo '')
while [ $# -gt 0 ]; do
    case $1 in
    --threadsim) ts=$2; shift 2 ;;
    --chromium) chromium=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "threadsim: bench_export: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -x "$ts" ] || { echo "threadsim: bench_export: no threadsim at $ts" >&2; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
now() { date +%s%N; }
for f in html chrome; do
    t0=$(now)
    "$ts" export --scenario bench/pingpong --format $f --no-db -o "$tmp/p.$f" || exit 1
    t1=$(now)
    printf 'export %-6s %9d bytes  %6d ms\n' $f "$(wc -c <"$tmp/p.$f")" $(((t1 - t0) / 1000000))
done
[ -n "$chromium" ] || { echo "threadsim: bench_export: no chromium" >&2; exit 2; }
echo '<!DOCTYPE html><html><body>empty</body></html>' >"$tmp/empty.html"
best() {
    b=''
    for k in 1 2 3; do
        t0=$(now)
        "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --dump-dom \
            "file://$1" >/dev/null 2>&1
        t1=$(now)
        ms=$(((t1 - t0) / 1000000))
        [ -z "$b" ] || [ "$ms" -lt "$b" ] && b=$ms
    done
    echo "$b"
}
e=$(best "$tmp/empty.html")
p=$(best "$tmp/p.html")
echo "chromium headless, best of 3: empty page $e ms, the timeline $p ms: the page's own cost $((p - e)) ms"

#!/bin/sh
# tools/bench_py.sh — the same threaded Python programs timed under python3
# and under threadsim (issue 5, item 9), in one run.
#
#   tools/bench_py.sh [--repeat N] [--threadsim PATH] [FILE.py...]
#
# The programs (default: tools/bench/*.py): a lock-protected counter with
# four threads (counter.py), a queue producer/consumer moving 200,000
# items (producer_consumer.py), fib(27), a 10-million-iteration loop, a
# dict word count, string building, and 10,000 threads started and joined.
# Beside the times, the peak memory (max RSS) of each, from GNU time's
# %M when /usr/bin/time exists (threadsim's is its run's child process:
# the largest of the process tree, as GNU time reports it). Each runs N times (default 3) under each;
# the table shows the best wall time of each (whole process: start-up,
# parse, run) and the ratio threadsim / python3. threadsim runs with
# --no-db (no recording), --max-memory 2G and the output view only; python3 is the
# executable itself (sys.executable), not a wrapper script on the PATH. Both must print the
# same thing (the programs print their result), or the row says so.
# Numbers are the host's wall clock: they vary with the machine and load;
# nothing here is a test.
# Exit status: 0, 1 if a program failed or the outputs differ, 2 if
# python3 or threadsim is missing.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
ts=$here/build/tools/threadsim
repeat=3
while [ $# -gt 0 ]; do
    case $1 in
    --repeat) repeat=$2; shift 2 ;;
    --threadsim) ts=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "threadsim: bench_py: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
case $repeat in ''|*[!0-9]*|0) echo "threadsim: bench_py: --repeat needs a positive number" >&2; exit 2 ;; esac
command -v python3 >/dev/null 2>&1 || { echo "threadsim: bench_py: python3 not found" >&2; exit 2; }
[ -x "$ts" ] || { echo "threadsim: bench_py: no threadsim at $ts (build it, or --threadsim PATH)" >&2; exit 2; }
[ $# -eq 0 ] && set -- "$here"/tools/bench/*.py
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

now() { date +%s%N; }

# best CMD...: run CMD $repeat times; prints the best time in ns; the
# output of the last run is in $tmp/out, its exit status in $tmp/rc, its
# peak RSS in KiB in $tmp/rss
gnutime=''
[ -x /usr/bin/time ] && gnutime=/usr/bin/time
best() {
    b=''
    k=0
    while [ $k -lt "$repeat" ]; do
        k=$((k + 1))
        t0=$(now)
        if [ -n "$gnutime" ]; then
            "$gnutime" -o "$tmp/rss" -f %M "$@" >"$tmp/out" 2>&1
        else
            echo - >"$tmp/rss"
            "$@" >"$tmp/out" 2>&1
        fi
        echo $? >"$tmp/rc"
        t=$(($(now) - t0))
        if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
    done
    echo "$b"
}

secs() { awk -v ns="$1" 'BEGIN { printf "%.3f s", ns / 1e9 }'; }

# the interpreter itself, not a wrapper (a pyenv shim adds ~0.5 s a start)
py=$(python3 -c 'import sys; print(sys.executable)') || exit 2
echo "$py: $("$py" --version 2>&1); threadsim: $ts"
printf '%-22s %10s %10s %7s %9s %9s  %s\n' program python3 threadsim ratio "py3 RSS" "ts RSS" note
status=0
for f in "$@"; do
    tp=$(best "$py" "$f")
    prc=$(cat "$tmp/rc")
    prss=$(tail -n 1 "$tmp/rss")
    cp "$tmp/out" "$tmp/py.out"
    # --max-memory 2G: python3 runs without a memory limit, and threadsim's
    # default (256M, green stacks included) refuses threads10k's 2857th
    # thread (README, "Thread stacks count toward --max-memory")
    tt=$(best "$ts" run "$f" --no-db --max-memory 2G)
    trc=$(cat "$tmp/rc")
    trss=$(tail -n 1 "$tmp/rss")
    note='' ok=''
    if [ "$prc" != 0 ] || [ "$trc" != 0 ]; then
        note="exit: python3 $prc, threadsim $trc: $(tail -n 1 "$tmp/out")"
        status=1
    elif ! cmp -s "$tmp/py.out" "$tmp/out"; then
        note="outputs differ: python3 '$(head -n 1 "$tmp/py.out")', threadsim '$(head -n 1 "$tmp/out")'"
        status=1
    else
        note=$(head -n 1 "$tmp/out")
        ok=1
    fi
    ratio=-
    [ -n "$ok" ] && ratio=$(awk -v a="$tt" -v b="$tp" 'BEGIN { printf "%.2fx", a / b }')
    printf '%-22s %10s %10s %7s %7s K %7s K  %s\n' "$(basename "$f")" "$(secs "$tp")" \
        "$(secs "$tt")" "$ratio" "$prss" "$trss" "$note"
done
exit $status

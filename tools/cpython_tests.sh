#!/usr/bin/env bash
# tools/cpython_tests.sh — CPython 3.11's own thread tests, run under threadsim.
#
#   tools/cpython_tests.sh [options] [THREADSIM] [-- MODULE...]
#
# THREADSIM is the threadsim binary (default: build/tools/threadsim of this
# checkout). Each MODULE of the `test` package (Debian:
# libpython3.11-testsuite) runs in its own simulated run of
# tools/cpython_tests.py (see there: subprocess/fork/socket tests are
# marked to skip; for test_concurrent_futures only the thread-pool tests
# run). Default modules: test_thread test_threading test_threading_local
# test_queue test_concurrent_futures.
#
# Options:
#   --timeout SECS     wall-clock limit of one run (default 600)
#   --max-steps N      executed-lines limit of one run (default 1000000000)
#   --threadsim-opt OPT  pass OPT to `threadsim run` (repeatable), e.g.
#                      --threadsim-opt --policy --threadsim-opt random
#   -v                 also print each run's skipped tests with their reasons
#   -h, --help         this text
#
# Output: per module the driver's line
#
#   MODULE: N passed, N failed, N errors, N skipped
#
# followed by one `FAIL|ERROR TEST_ID: last traceback line` per failing
# test, then the total line
#
#   N passed, N failed
#
# (errors count as failed) and a line with the skipped count and pass rate.
# When a run stops before it finishes (a run limit, a deadlock, a crash),
# the test it was in (the last one the driver wrote to its
# --progress-file, which bypasses the run's buffered streams) counts as failed
# with the reason, and the module is run again without it; a module that
# cannot be run at all counts as one failure.
#
# Exit status: 0 if passed / (passed + failed) >= 90% (skipped tests do not
# count), 1 otherwise, 2 on bad usage or a missing threadsim.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
driver=$here/tools/cpython_tests.py
ts=$here/build/tools/threadsim
timeout=600
max_steps=1000000000
verbose=0
modules=(test_thread test_threading test_threading_local test_queue test_concurrent_futures)
max_restarts=10
ts_opts=()

usage() { sed -n '2,/^set -u/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case $1 in
    --timeout) timeout=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
    --max-steps) max_steps=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
    --threadsim-opt) ts_opts+=("${2:-}"); shift 2 || { usage >&2; exit 2; } ;;
    -v) verbose=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; [ $# -gt 0 ] && modules=("$@"); break ;;
    -*) echo "cpython_tests: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) ts=$1; shift ;;
    esac
done
case $timeout in ''|*[!0-9]*) echo "cpython_tests: --timeout needs a number of seconds" >&2; exit 2 ;; esac
case $max_steps in ''|*[!0-9]*) echo "cpython_tests: --max-steps needs a number" >&2; exit 2 ;; esac
[ -x "$ts" ] || { echo "cpython_tests: no threadsim at $ts (build it, or give its path)" >&2; exit 2; }
[ -f "$driver" ] || { echo "cpython_tests: no driver at $driver" >&2; exit 2; }

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

total_pass=0 total_fail=0 total_skip=0

# the four counts of a driver line "MOD: P passed, F failed, E errors, S skipped"
counts() { sed -n 's/^[^:]*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) errors, \([0-9]*\) skipped.*/\1 \2 \3 \4/p'; }

for mod in "${modules[@]}"; do
    stopped=()   # --stopped ID=REASON for the tests that stopped earlier runs
    restarts=0
    while :; do
        extra=()
        [ "$verbose" = 1 ] && extra=(--skips)
        : >"$tmp/progress"
        "$ts" run "$driver" --no-db --timeout "$timeout" --max-steps "$max_steps" "${ts_opts[@]}" -- \
            --progress-file "$tmp/progress" "${extra[@]}" "${stopped[@]}" "$mod" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        line=$(grep -m1 "^$mod: " "$tmp/out")
        if [ -n "$line" ]; then
            break
        fi
        # the run stopped before the driver printed its summary
        why=$(grep -m1 "^threadsim: " "$tmp/err" | sed -e "s/^threadsim: //" -e "s/^run stopped: //")
        [ -n "$why" ] || why="threadsim exit $rc: $(grep -v '^# ' "$tmp/err" | tail -n 1)"
        last=$(sed -n 's/^start //p' "$tmp/progress" | tail -n 1)
        seen=0
        for a in "${stopped[@]}"; do
            case $a in "$last="*) seen=1 ;; esac
        done
        if [ -z "$last" ] || [ "$seen" = 1 ] || [ "$restarts" -ge "$max_restarts" ]; then
            line="$mod: 0 passed, 1 failed, 0 errors, 0 skipped (the run did not finish: $why)"
            break
        fi
        echo "# $mod: run stopped in $last ($why); running the module again without it" >&2
        stopped+=(--stopped "$last=stopped the run: $why (not run again)")
        restarts=$((restarts + 1))
    done
    echo "$line"
    grep -E '^(FAIL|ERROR) ' "$tmp/out"
    [ "$verbose" = 1 ] && grep -E '^SKIP ' "$tmp/out"
    grep -q '^# work-around' "$tmp/err" && [ "$verbose" = 1 ] && grep '^# work-around' "$tmp/err" | sed "s/^# /# $mod: /" >&2
    read -r p f e s <<<"$(echo "$line" | counts)"
    if [ -z "${p:-}" ]; then   # "MODULE: cannot load: ..." — one failure
        p=0 f=1 e=0 s=0
    fi
    total_pass=$((total_pass + ${p:-0}))
    total_fail=$((total_fail + ${f:-0} + ${e:-0}))
    total_skip=$((total_skip + ${s:-0}))
done

echo "$total_pass passed, $total_fail failed"
ran=$((total_pass + total_fail))
if [ "$ran" -gt 0 ]; then
    rate=$(awk -v p="$total_pass" -v r="$ran" 'BEGIN { printf "%.1f", 100 * p / r }')
else
    rate=0.0
fi
echo "($total_skip skipped; pass rate of the tests that ran: $rate%, threshold 90%)"
if [ "$ran" -gt 0 ] && [ $((total_pass * 10)) -ge $((ran * 9)) ]; then
    exit 0
fi
exit 1

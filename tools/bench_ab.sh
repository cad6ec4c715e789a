#!/bin/bash
# tools/bench_ab.sh [--schedules N] [--rounds R] [--cpu C] OLD NEW [FILE.py...]
#
# Two threadsim builds side by side: for each program (default: the
# tutorial's racing and waiting pages, as tools/bench_explore.sh), `explore
# --strategy random --schedules N` (default 2000) under OLD and NEW in turn,
# R rounds (default 5), alternating, pinned to one CPU (default the last),
# and prints each build's CPU time of all its processes per schedule
# (perf stat's task-clock: the explorer, the session's zygote and the
# runner) for every round, with the median and the least. CPU time varies
# less than wall time on a shared VM, but still by a fifth from minute to
# minute here: compare only the two builds of one run, never numbers of
# different runs. Programs run buffered (PYTHONUNBUFFERED unset). Needs perf.
# Exit status: 0; 2 on bad arguments or a missing tool.
set -u
unset PYTHONUNBUFFERED
here=$(cd "$(dirname "$0")/.." && pwd)
n=2000
rounds=5
cpu=$(($(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) - 1))
while [ $# -gt 0 ]; do
    case $1 in
    --schedules) n=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --cpu) cpu=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "threadsim: bench_ab: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
for v in "$n" "$rounds" "$cpu"; do
    case $v in ''|*[!0-9]*) echo "threadsim: bench_ab: --schedules, --rounds and --cpu take numbers" >&2; exit 2 ;; esac
done
[ $# -ge 2 ] || { echo "usage: tools/bench_ab.sh [--schedules N] [--rounds R] [--cpu C] OLD NEW [FILE.py...]" >&2; exit 2; }
old=$1 new=$2
shift 2
for t in "$old" "$new"; do
    [ -x "$t" ] || { echo "threadsim: bench_ab: no threadsim at $t" >&2; exit 2; }
done
command -v perf >/dev/null 2>&1 || { echo "threadsim: bench_ab: perf not found" >&2; exit 2; }
pin=
command -v taskset >/dev/null 2>&1 && pin="taskset -c $cpu"
[ $# -gt 0 ] || set -- "$here"/traces/py3/race/lost_update.py "$here"/traces/py3/event/set-wait.py \
    "$here"/traces/py3/lock/counter.py "$here"/traces/py3/condition/producer-consumer.py \
    "$here"/traces/py3/create/args.py "$here"/traces/py3/semaphore/pool.py \
    "$here"/traces/explore/two_locks.py
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT INT TERM
# us of CPU per schedule of one exploration under build $1 of program $2
cpu_per_schedule() {
    perf stat -e task-clock -x, -o "$tmp" -- $pin "$1" explore "$2" --strategy random \
        --schedules "$n" --no-db --json >/dev/null 2>&1
    awk -F, -v n="$n" '/task-clock/ { printf "%.0f", $1 * 1000 / n }' "$tmp"
}
summary() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "median %s, least %s", v[int((NR + 1) / 2)], v[1] }'
}
echo "CPU us per schedule (all processes), $n random schedules, $rounds rounds alternating${pin:+, on CPU $cpu}"
echo "  old: $old"
echo "  new: $new"
for f in "$@"; do
    a=() b=()
    for _ in $(seq "$rounds"); do
        a+=("$(cpu_per_schedule "$old" "$f")")
        b+=("$(cpu_per_schedule "$new" "$f")")
    done
    echo "${f#"$here"/}"
    echo "  old: ${a[*]} | $(summary "${a[@]}")"
    echo "  new: ${b[*]} | $(summary "${b[@]}")"
done

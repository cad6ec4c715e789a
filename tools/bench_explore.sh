#!/bin/sh
# tools/bench_explore.sh — how fast the explorer covers a program's
# schedules, beside what python3 shows in the same wall time (issue 10,
# item 6), in one run.
#
#   tools/bench_explore.sh [--schedules N] [--strategy S] [--cpu C] [--threadsim PATH] [--all | FILE.py...]
#
# For each program (default: the tutorial's Python 3 pages with threads
# that race or wait, and the lost-update race; --all: every tutorial page
# under traces/py3 but those that never end, whose header expects the run
# limit's status, `# threadsim: exit 124`, the Queue page): `threadsim explore
# --strategy random --schedules N` (default 500; one schedule at a time:
# caller, session and run take turns), its wall time, schedules per second and the
# distinct outputs it found; beside it the same exploration with
# THREADSIM_RESET=fork, the baseline: a fork of the session's zygote per
# schedule instead of one process reset in place (model/cpy/cpy_snap.h);
# with --strategy dfs or dpor the baseline is THREADSIM_DEEP=0 instead:
# every schedule resumed from the first choice, none from the deeper
# snapshots that serve the schedules sharing a long prefix (cpy_run.c,
# "Deeper snapshots"); both reports must be the same, byte for byte;
# then python3 runs the same program over and over for the same wall time,
# and the table shows how many runs it
# finished and how many distinct outputs they printed. (The tutorial's
# programs sleep for seconds of real time under python3 and for none
# under threadsim's virtual clock.) "after start": the rate past the
# exploration's fixed start (the session's zygote, the snapshot, the
# database, the representatives: about 0.1 s here, timed by a second
# exploration of one schedule), the rate a long exploration runs at.
# Last column, the floor no explorer of
# real Python goes under: "py3 body/s", how many times per CPU second
# python3 itself runs the program's code, warm, in one process, over and
# over (its module body under exec, its threads real and joined, every
# sleep a thousandth as long, output to /dev/null; CPU time of the whole
# process, so sleeping costs nothing): no scheduling, no recording, no
# reset; "-" when no run finished in the time. Everything runs pinned to one CPU
# (taskset -c C; default the last one), so the rates are per core: the
# explorer, the session's zygote and its runner hand work to each other,
# and on this VM a wake-up on another CPU costs more than the overlap
# gains (measured once, on a faster hour: args 2360/s pinned, 1770-2060/s
# not). Numbers are the
# host's wall clock:
# they vary with the machine and load; nothing here is a test.
# Last, the floor under the fork baseline on this machine (tools/bench_fork.c): a bare
# fork, exit and wait of a 1 MiB process, and of a 12 MiB one (a session's
# zygote holds about that) whose child
# writes 350 pages, as an explored run of the tutorial's programs does.
# Programs run buffered, as under plain python3: PYTHONUNBUFFERED is unset
# for both (set, print's pieces become choices and the outcomes multiply:
# naming/print 170 instead of 3), whatever the caller's environment says.
# Exit status: 0; 2 if python3 or threadsim is missing.
set -u
unset PYTHONUNBUFFERED
here=$(cd "$(dirname "$0")/.." && pwd)
ts=$here/build/tools/threadsim
n=500
strategy=random
all=
cpu=$(($(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) - 1))
while [ $# -gt 0 ]; do
    case $1 in
    --schedules) n=$2; shift 2 ;;
    --strategy) strategy=$2; shift 2 ;;
    --threadsim) ts=$2; shift 2 ;;
    --cpu) cpu=$2; shift 2 ;;
    --all) all=1; shift ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "threadsim: bench_explore: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
case $cpu in ''|*[!0-9]*) echo "threadsim: bench_explore: --cpu needs a CPU number" >&2; exit 2 ;; esac
pin=
command -v taskset >/dev/null 2>&1 && pin="taskset -c $cpu"
case $n in ''|*[!0-9]*|0) echo "threadsim: bench_explore: --schedules needs a positive number" >&2; exit 2 ;; esac
case $strategy in
random|pct) base_env=THREADSIM_RESET=fork base_name="fork sch/s" base_what="fork per schedule" ;;
dfs|dpor) base_env=THREADSIM_DEEP=0 base_name="1st-ch sch/s" base_what="every schedule from the first choice" ;;
*) echo "threadsim: bench_explore: --strategy must be random, pct, dfs or dpor" >&2; exit 2 ;;
esac
command -v python3 >/dev/null 2>&1 || { echo "threadsim: bench_explore: python3 not found" >&2; exit 2; }
[ -x "$ts" ] || { echo "threadsim: bench_explore: no threadsim at $ts (build it, or --threadsim PATH)" >&2; exit 2; }
if [ -n "$all" ]; then
    [ $# -eq 0 ] || { echo "threadsim: bench_explore: --all takes no programs" >&2; exit 2; }
    for f in "$here"/traces/py3/*/*.py; do
        grep -qx '# threadsim: exit 124' "$f" || set -- "$@" "$f"
    done
elif [ $# -eq 0 ]; then
    set -- "$here"/traces/py3/race/lost_update.py "$here"/traces/py3/event/set-wait.py \
        "$here"/traces/py3/lock/counter.py "$here"/traces/py3/condition/producer-consumer.py \
        "$here"/traces/py3/create/args.py "$here"/traces/py3/semaphore/pool.py \
        "$here"/traces/explore/two_locks.py
fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
py=$(python3 -c 'import sys; print(sys.executable)') || exit 2
now() { date +%s%N; }

echo "threadsim explore --strategy $strategy --schedules $n (reset in place; $base_what) vs $py in a loop for the same time${pin:+, on CPU $cpu}"
printf '%-44s %9s %11s %11s %12s %9s | %9s %9s | %10s\n' program seconds schedules/s "after start" "$base_name" outcomes "py3 runs" "py3 outs" "py3 body/s"
for f in "$@"; do
    t0=$(now)
    env $base_env $pin "$ts" explore "$f" --strategy "$strategy" --schedules "$n" --json --db "$tmp/f.db" >"$tmp/f.json" 2>/dev/null
    t1=$(now)
    fns=$((t1 - t0))
    t0=$(now)
    $pin "$ts" explore "$f" --strategy "$strategy" --schedules "$n" --json --db "$tmp/r.db" >"$tmp/x.json" 2>/dev/null
    t1=$(now)
    ns=$((t1 - t0))
    # the start alone (session, zygote, snapshot, database, one schedule
    # and its representative): what a longer exploration does not pay again
    t0=$(now)
    $pin "$ts" explore "$f" --strategy "$strategy" --schedules 1 --json --db "$tmp/s.db" >/dev/null 2>&1
    t1=$(now)
    sns=$((t1 - t0))
    # the two ways find the same outcomes, to the byte
    cmp -s "$tmp/f.json" "$tmp/x.json" || echo "threadsim: bench_explore: $f: the reports differ ($base_env)" >&2
    outs=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["outcomes"]))' "$tmp/x.json" 2>/dev/null || echo '?')
    # the schedules run (dfs and dpor stop sooner when they exhaust the space)
    nx=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["schedules"])' "$tmp/x.json" 2>/dev/null || echo "$n")
    # python3 for the same wall time: count runs and distinct outputs
    $pin python3 - "$py" "$f" "$ns" >"$tmp/py" <<'EOF'
import subprocess, sys, time
py, prog, ns = sys.argv[1], sys.argv[2], int(sys.argv[3])
end = time.monotonic() + ns / 1e9
seen, runs = set(), 0
while True:
    left = end - time.monotonic()
    if left <= 0:
        break
    try:
        r = subprocess.run([py, prog], capture_output=True, timeout=left)
    except subprocess.TimeoutExpired:
        break
    runs += 1
    seen.add(r.stdout + b'\0' + r.stderr + b'\0' + str(r.returncode).encode())
print(runs, len(seen))
EOF
    read -r pruns pouts <"$tmp/py"
    # python3 running the program's code over and over in one process
    # (bounded: a program that deadlocks under python3, as the self-deadlock
    # page's does, would hang it for good; "-" then)
    lim=$((ns / 1000000000 + 10))
    $pin timeout -s KILL "$lim" python3 - "$f" "$ns" >"$tmp/body" 2>/dev/null <<'EOF'
import os, resource, sys, threading, time
prog, ns = sys.argv[1], int(sys.argv[2])
code = compile(open(prog).read(), prog, 'exec')
real_sleep, gen = time.sleep, 0
def sleep(s):
    # a daemon thread of an earlier run ends at its next sleep
    t = threading.current_thread()
    if t.daemon and t.__dict__.setdefault('_bench_gen', gen) != gen:
        raise SystemExit
    real_sleep(min(max(s, 0), 10) / 1000)
time.sleep = sleep
out = sys.stdout
sys.stdout = sys.stderr = open(os.devnull, 'w')
sys.argv = [prog]
def once():
    global gen
    gen += 1
    try:
        exec(code, {'__name__': '__main__', '__file__': prog, '__builtins__': __builtins__})
    except BaseException:
        pass
    for t in threading.enumerate():
        if t is not threading.main_thread() and not t.daemon:
            t.join()
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
once()  # warm: imports, first calls
end = time.monotonic() + max(ns / 1e9, 1.0)
c0, k = cpu(), 0
while time.monotonic() < end:
    once()
    k += 1
used = cpu() - c0
print(f'{k / used:.0f}' if k and used > 0 else '-', file=out)
EOF
    read -r body <"$tmp/body" || body=-
    rel=${f#"$here"/}
    awk -v p="$rel" -v ns="$ns" -v sns="$sns" -v fns="$fns" -v n="$nx" -v o="$outs" -v pr="$pruns" -v po="$pouts" -v b="${body:--}" \
        'BEGIN { m = ns > sns && n > 1 ? sprintf("%.0f", (n - 1) / ((ns - sns) / 1e9)) : "-";
                 printf "%-44s %9.2f %11.0f %11s %12.0f %9s | %9s %9s | %10s\n", p, ns / 1e9, n / (ns / 1e9), m, n / (fns / 1e9), o, pr, po, b }'
done
# The floor: each schedule forks the session's zygote (one process of tens
# of MiB), the run writes a few hundred of its pages (a copy each), exits,
# and is waited for. The same in C, beside it:
if [ -x "$here/build/tools/bench_fork" ]; then
    $pin "$here/build/tools/bench_fork" 1 0
    $pin "$here/build/tools/bench_fork" 12 350
fi

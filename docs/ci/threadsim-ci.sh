#!/usr/bin/env bash
# docs/ci/threadsim-ci.sh — the commands of the CI examples beside it
# (github-actions.yml, gitlab-ci.yml), kept in one script that both run and
# that tests/test_ci.c runs as well.
#
#   threadsim-ci.sh [--update-baseline] [OUT [CHECK-ARGS...]]
#
# 1. `threadsim check --junit OUT/junit.xml --db OUT/threadsim.db CHECK-ARGS`:
#    every scenario (or the programs and folders given) against its expected
#    output; the JUnit report is for the CI's test view, the database is kept
#    as an artifact (every run's trace and schedule: `threadsim show`,
#    `replay`, `export` work on it later).
# 2. every recorded run's full view (`threadsim show ID --trace`: every event
#    with its virtual time) into OUT/traces/NAME.trace;
# 3. `threadsim diff BASELINE/NAME.trace OUT/traces/NAME.trace` for each
#    trace of the baseline (default: docs/ci/baseline beside this script): an
#    output can stay the same while its interleaving or timing changes, and
#    this catches that. A trace with no baseline is reported, not a failure;
#    a baseline trace with no run is a failure. --update-baseline copies
#    OUT/traces over the baseline instead (when a change is intended; commit it).
#
# Environment: THREADSIM (the command; default threadsim on PATH), BASELINE.
# Exit status: 0 all fine; 1 an output or a trace differs; 125 check could
# not check something (or bad usage).
set -uo pipefail

update=false
if [ "${1:-}" = --update-baseline ]; then
    update=true
    shift
fi
ts=${THREADSIM:-threadsim}
out=${1:-threadsim-ci}
[ $# -gt 0 ] && shift
baseline=${BASELINE:-$(dirname "$0")/baseline}

rm -rf "$out"
mkdir -p "$out/traces"

# 1. check, with the JUnit report and the database
"$ts" check --junit "$out/junit.xml" --db "$out/threadsim.db" "$@"
check=$?
if [ "$check" -ne 0 ] && [ "$check" -ne 1 ]; then
    echo "threadsim-ci: check exited $check" >&2
    exit "$check"
fi

# 2. each run's full view, named after its scenario (a program's path: its
#    '/'s kept as folders, a leading '/' dropped)
"$ts" runs --all --json --db "$out/threadsim.db" |
    sed -n 's/^{"id":\([0-9]*\),"scenario":"\([^"]*\)".*/\1 \2/p' |
    while read -r id name; do
        f=$out/traces/${name#/}.trace
        mkdir -p "$(dirname "$f")"
        "$ts" show "$id" --trace --db "$out/threadsim.db" > "$f" || exit 125
    done || exit 125

if $update; then
    rm -rf "$baseline"
    mkdir -p "$baseline"
    cp -R "$out/traces/." "$baseline/"
    echo "threadsim-ci: baseline $baseline updated ($(find "$baseline" -name '*.trace' | wc -l) traces)"
    exit "$check"
fi

# 3. against the baseline
status=$check
if [ -d "$baseline" ]; then
    while read -r rel; do
        if [ ! -f "$out/traces/$rel" ]; then
            echo "threadsim-ci: ${rel%.trace}: in the baseline, but not run" >&2
            status=1
        elif ! "$ts" diff "$baseline/$rel" "$out/traces/$rel"; then
            echo "threadsim-ci: ${rel%.trace}: the trace differs from the baseline" >&2
            status=1
        fi
    done < <(cd "$baseline" && find . -name '*.trace' | sed 's,^\./,,' | sort)
    while read -r rel; do
        [ -f "$baseline/$rel" ] || echo "threadsim-ci: ${rel%.trace}: new (no baseline)" >&2
    done < <(cd "$out/traces" && find . -name '*.trace' | sed 's,^\./,,' | sort)
else
    echo "threadsim-ci: no baseline at $baseline (threadsim-ci.sh --update-baseline makes one)" >&2
fi
[ "$status" -eq 0 ] && echo "threadsim-ci: all outputs and traces as expected"
exit "$status"

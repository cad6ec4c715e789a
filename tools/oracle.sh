#!/bin/sh
# tools/oracle.sh — CPython as the oracle: run every Python 3 example under
# python3 and under threadsim, and print a table of where they differ.
#
#   tools/oracle.sh [--runs N] [--threadsim PATH] [FILE.py...]
#
# The examples are traces/py3/**/*.py and the seed's traces/py/py3_*.py
# (or the FILEs given: a path, or one relative to traces/). Each runs from its folder under traces/ (so a
# traceback names the file the same way in both), stdout and stderr merged
# (python3 -u), threadsim with --no-db and the file's `# threadsim: options`
# directive. Before comparing:
#   - lines starting `threadsim: ` that end threadsim's output (the CLI's
#     report of a deadlock or a run limit) are set aside;
#   - object addresses (` at 0x7f...>`) become ` at 0x...>` on both sides;
#   - CPython 3.11's `^^^^`/`~~~~` position lines and the frames of its own
#     threading.py in a thread's traceback are dropped (threadsim prints
#     only the program's frames).
# A program with a `# threadsim: cpython-timeout S` directive never ends
# (or hangs) under CPython: python3 is stopped after S seconds and only the
# lines it printed by then are compared (result `same-prefix`).
#
# CPython is nondeterministic: --runs N runs it N times and counts how many
# runs printed exactly threadsim's output: `same` (all), `varies 2/3` (some:
# threadsim's output is one CPython produces), `different 0/3` (none). The
# first differing line shown is from the first run that differed. Not part
# of ctest. Exit status: 0 if every file is same or varies, 1 if some file
# is different, 2 if python3 or threadsim is missing.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
ts=$here/build/tools/threadsim
runs=1
while [ $# -gt 0 ]; do
    case $1 in
    --runs) runs=$2; shift 2 ;;
    --threadsim) ts=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; break ;;
    -*) echo "threadsim: oracle: unknown option $1" >&2; exit 2 ;;
    *) break ;;
    esac
done
case $runs in ''|*[!0-9]*|0) echo "threadsim: oracle: --runs needs a positive number" >&2; exit 2 ;; esac
command -v python3 >/dev/null 2>&1 || { echo "threadsim: oracle: python3 not found" >&2; exit 2; }
[ -x "$ts" ] || { echo "threadsim: oracle: no threadsim at $ts (build it, or --threadsim PATH)" >&2; exit 2; }
ts=$(cd "$(dirname "$ts")" && pwd)/$(basename "$ts")
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ $# -eq 0 ]; then
    set -- $(cd "$here/traces" && { find py3 -name '*.py' | sort; ls py/py3_*.py 2>/dev/null; })
    rel=1
else
    rel=0
fi

# directive FILE WORD: the argument of `# threadsim: WORD ...`, or nothing
directive() { sed -n "s/^# threadsim: $2 //p" "$1" | head -n 1; }

# normalize IN OUT: the comparison form of an output
normalize() {
    sed -e 's/ at 0x[0-9a-fA-F]*>/ at 0x...>/g' "$1" |
        grep -v -E '^ *[~^]+ *$' |
        awk '/lib\/python3\.[0-9]+\/threading\.py/ { skip = 1; next } skip { skip = 0; next } { print }' \
            >"$2"
}

# firstdiff A B [PREFIX]: "line N: python3 'x' / threadsim 'y'", or nothing
# if equal (with PREFIX=1: if the shorter is a prefix of the longer)
firstdiff() {
    awk -v prefix="${3:-0}" '
        NR == FNR { a[++na] = $0; next } { b[++nb] = $0 }
        END {
            n = na > nb ? na : nb
            if (prefix) n = na < nb ? na : nb
            for (i = 1; i <= n; i++)
                if (!(i in a) || !(i in b) || a[i] != b[i]) {
                    printf "line %d: python3 %s / threadsim %s\n", i,
                        (i in a) ? "\047" a[i] "\047" : "(end)",
                        (i in b) ? "\047" b[i] "\047" : "(end)"
                    exit
                }
        }' "$1" "$2"
}

printf '%-40s %-7s %-9s %-20s %s\n' file python3 threadsim result 'first difference'
status=0
for f in "$@"; do
    if [ $rel = 1 ] || { [ ! -f "$f" ] && [ -f "$here/traces/$f" ]; }; then
        path=$here/traces/$f
    else
        path=$f
    fi
    [ -f "$path" ] || { echo "threadsim: oracle: no such file: $f" >&2; status=2; continue; }
    dir=$(cd "$(dirname "$path")" && pwd)
    base=$(basename "$path")
    opts=$(directive "$path" options)
    limit=$(directive "$path" cpython-timeout)
    # threadsim once (it is deterministic), its trailing diagnostics set aside
    (cd "$dir" && "$ts" run "$base" --no-db $opts >"$tmp/ts.raw" 2>&1)
    trc=$?
    awk '{ l[NR] = $0 } END { n = NR; while (n > 0 && l[n] ~ /^threadsim: /) n--;
                              for (i = 1; i <= n; i++) print l[i] }' "$tmp/ts.raw" >"$tmp/ts.cut"
    normalize "$tmp/ts.cut" "$tmp/ts.out"
    same=0 first='' crcs=''
    i=0
    while [ $i -lt "$runs" ]; do
        i=$((i + 1))
        if [ -n "$limit" ]; then
            (cd "$dir" && timeout "$limit" python3 -u "$base" >"$tmp/py.raw" 2>&1)
        else
            (cd "$dir" && python3 -u "$base" >"$tmp/py.raw" 2>&1)
        fi
        crc=$?
        case ",$crcs," in *",$crc,"*) ;; *) crcs="${crcs:+$crcs,}$crc" ;; esac
        normalize "$tmp/py.raw" "$tmp/py.out"
        if [ -n "$limit" ] && [ $crc = 124 ]; then
            d=$(firstdiff "$tmp/py.out" "$tmp/ts.out" 1)
        else
            d=$(firstdiff "$tmp/py.out" "$tmp/ts.out")
            [ -z "$d" ] && [ "$crc" != "$trc" ] && d="exit status: python3 $crc, threadsim $trc"
        fi
        if [ -z "$d" ]; then same=$((same + 1)); elif [ -z "$first" ]; then first=$d; fi
    done
    if [ "$same" = "$runs" ]; then
        result=same
    elif [ "$same" -gt 0 ]; then
        result=varies
    else
        result=different
        status=1
    fi
    [ -n "$limit" ] && result="$result-prefix"
    [ "$runs" -gt 1 ] && result="$result $same/$runs"
    printf '%-40s %-7s %-9s %-20s %s\n' "$f" "$crcs" "$trc" "$result" "$first"
done
exit $status

#!/usr/bin/env bash
# tools/cpython_outcomes.sh — record what real CPython prints for the
# programs of traces/corpus/, over many runs.
#
#   tools/cpython_outcomes.sh [-j JOBS] [-u] [N] [FILE.py...]
#
# Runs each program N times (default 40) with Debian's CPython 3.11 (/usr/bin/python3.11, the libpython threadsim embeds; PYTHON=... for another)
# (CPython 3.11), stdout and stderr merged in the order written, as
# threadsim's output view shows them: through tools/cpython_capture.py, which
# buffers both in one io.StringIO (a write never releases the GIL, as with
# CPython's own buffered stdout); with -u, as `python3 -u NAME.py ARGS
# >out 2>&1` instead (every write a system call and a switch point, like
# `threadsim run -u`), into traces/corpus/cpython-u/. From the program's own folder with
# a relative path, PYTHONHASHSEED unset, and the arguments of its
# `# threadsim: args A B C` line. The FILEs default to every
# traces/corpus/*.py; a FILE is a path, or a name relative to traces/corpus.
# -j JOBS runs that many programs at once (default 1; the runs of one
# program are always sequential).
#
# For each program it writes traces/corpus/cpython/NAME.txt: every distinct
# outcome with its count, most frequent first (ties: the one seen first),
# as blocks
#
#   === count C
#   <the output bytes, verbatim>
#   === count C2
#   ...
#
# The header gains ` exit S` when the program's exit status S was not 0
# (124: stopped by the timeout), and ` noeol` when the output did not end
# in a newline (the script then adds one after it, so the next header
# starts a line; that newline is not part of the output). An outcome is the
# output bytes plus the exit status.
#
# One rewrite is made before comparing: CPython >= 3.9 makes the script's
# path absolute, so a traceback says `File "/abs/dir/NAME.py"` even when
# run as `python3 NAME.py`; the program's folder prefix is removed there
# (`File "NAME.py"`), so the files do not depend on where the repository
# is checked out. Frames of the standard library keep CPython's own path.
#
# Environment: CPYTHON_OUTCOMES_TIMEOUT (seconds per run, default 60),
# PYTHON (default python3). Needs bash >= 4.3, python3, coreutils.
# Prints one summary line per program; exits 1 if a program could not be
# run, 2 on bad usage.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corpus=$here/traces/corpus
outdir=$corpus/cpython
python=${PYTHON:-/usr/bin/python3.11}
per_run_timeout=${CPYTHON_OUTCOMES_TIMEOUT:-60}
jobs=1
runs=40
unbuffered=0

usage() {
    local line
    while IFS= read -r line; do
        case $line in
        '#!'*) ;;
        'set -euo'*) return 0 ;;
        '#') echo ;;
        '# '*) echo "${line#\# }" ;;
        esac
    done <"$0"
}
die() { echo "cpython_outcomes: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case $1 in
    -h|--help) usage; exit 0 ;;
    -j) [ $# -ge 2 ] || die "-j needs a number"; jobs=$2; shift 2 ;;
    -u) unbuffered=1; outdir=$corpus/cpython-u; shift ;;
    -j*) jobs=${1#-j}; shift ;;
    --) shift; break ;;
    -*) die "unknown option $1" ;;
    *) break ;;
    esac
done
case $jobs in ''|*[!0-9]*|0) die "-j needs a positive number" ;; esac
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
    runs=$1
    shift
fi
[ "$runs" -gt 0 ] || die "N must be a positive number"
case $per_run_timeout in ''|*[!0-9]*|0) die "CPYTHON_OUTCOMES_TIMEOUT must be a positive number of seconds" ;; esac

command -v "$python" >/dev/null 2>&1 || die "$python not found"
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[ "$version" = 3.11 ] || die "$python is Python $version, the corpus records CPython 3.11"

files=()
if [ $# -eq 0 ]; then
    shopt -s nullglob
    files=("$corpus"/*.py)
    shopt -u nullglob
    [ ${#files[@]} -gt 0 ] || die "no programs in $corpus"
else
    for f in "$@"; do
        if [ -f "$f" ]; then
            files+=("$f")
        elif [ -f "$corpus/$f" ]; then
            files+=("$corpus/$f")
        else
            die "no such program: $f"
        fi
    done
fi
mkdir -p "$outdir"

# args_of FILE: print the words of the first `# threadsim: args ...` line,
# one per line
args_of() {
    local line
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in
        "# threadsim: args "*)
            local -a words
            read -r -a words <<<"${line#\# threadsim: args }"
            [ ${#words[@]} -eq 0 ] || printf '%s\n' "${words[@]}"
            return 0 ;;
        esac
    done <"$1"
}

# strip_dir FILE DIR: rewrite `File "DIR/` to `File "` in FILE, in place;
# warn if a line of it starts like a block header
strip_dir() {
    "$python" - "$1" "$2" <<'EOF'
import sys
path, folder = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
new = data.replace(b'File "' + folder.encode() + b"/", b'File "')
if new != data:
    open(path, "wb").write(new)
if new.startswith(b"=== count ") or b"\n=== count " in new:
    print(f"cpython_outcomes: warning: {path}: a line starts '=== count '", file=sys.stderr)
EOF
}

# record FILE: run it $runs times and write its outcomes file
record() {
    local path=$1 dir base name tmp i rc key nl
    dir=$(cd "$(dirname "$path")" && pwd)
    base=$(basename "$path")
    name=${base%.py}
    local -a args=()
    mapfile -t args < <(args_of "$path")
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpython_outcomes.XXXXXX")
    local -A count=() first=() sample=()
    local -a order=()
    for ((i = 1; i <= runs; i++)); do
        rc=0
        if [ "$unbuffered" = 1 ]; then
            (cd "$dir" && exec env -u PYTHONHASHSEED timeout "$per_run_timeout" \
                "$python" -u "$base" ${args[@]+"${args[@]}"} >"$tmp/out.$i" 2>&1 </dev/null) || rc=$?
        else
            (cd "$dir" && exec env -u PYTHONHASHSEED timeout "$per_run_timeout" \
                "$python" "$here/tools/cpython_capture.py" "$base" ${args[@]+"${args[@]}"} \
                >"$tmp/out.$i" 2>&1 </dev/null) || rc=$?
        fi
        strip_dir "$tmp/out.$i" "$dir"
        key="$(sha256sum <"$tmp/out.$i" | cut -d' ' -f1)/$rc"
        if [ -z "${count[$key]+x}" ]; then
            count[$key]=0
            first[$key]=$i
            sample[$key]=$tmp/out.$i
            order+=("$key")
        else
            rm -f "$tmp/out.$i"
        fi
        count[$key]=$((count[$key] + 1))
    done
    # most frequent first; ties keep the order first seen
    local sorted
    sorted=$(for key in "${order[@]}"; do
        printf '%d %d %s\n' "${count[$key]}" "${first[$key]}" "$key"
    done | sort -k1,1nr -k2,2n)
    : >"$tmp/result"
    local c f k header status
    while read -r c f k; do
        header="=== count $c"
        status=${k##*/}
        [ "$status" = 0 ] || header="$header exit $status"
        nl=1
        if [ -s "${sample[$k]}" ] && [ "$(tail -c 1 "${sample[$k]}" | od -An -tx1 | tr -d ' \n')" != 0a ]; then
            nl=0
            header="$header noeol"
        fi
        printf '%s\n' "$header" >>"$tmp/result"
        cat "${sample[$k]}" >>"$tmp/result"
        [ $nl = 1 ] || printf '\n' >>"$tmp/result"
    done <<<"$sorted"
    mv "$tmp/result" "$outdir/$name.txt"
    rm -rf "$tmp"
    local statuses=""
    for key in "${order[@]}"; do
        case " $statuses " in *" ${key##*/} "*) ;; *) statuses="${statuses:+$statuses }${key##*/}" ;; esac
    done
    printf '%-32s %3d runs  %3d distinct  counts %s  exit %s\n' "$name" "$runs" "${#order[@]}" \
        "$(printf '%s\n' "$sorted" | cut -d' ' -f1 | paste -sd, -)" "$statuses"
}

status=0
running=0
for f in "${files[@]}"; do
    if [ "$jobs" -gt 1 ]; then
        if [ "$running" -ge "$jobs" ]; then
            wait -n || status=1
            running=$((running - 1))
        fi
        record "$f" &
        running=$((running + 1))
    else
        record "$f" || status=1
    fi
done
while [ "$running" -gt 0 ]; do
    wait -n || status=1
    running=$((running - 1))
done
exit $status

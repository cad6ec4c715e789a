#!/usr/bin/env bash
# tools/quiet.sh — run a noisy command (a build) quietly, for `make run` and
# `make test`: its output goes to LOG (appended); on a terminal one line
# shows its progress (the latest "[ NN%] ..." line cmake prints), rewritten
# in place; when it ends, one line says so. Only if it fails is its output
# printed, whole, and the command's exit status returned.
#
#   tools/quiet.sh LOG LABEL -- COMMAND [ARGS...]
#
# prints (on stderr) "LABEL: ok" or "LABEL: ok, N compiler warnings (see LOG)",
# or "LABEL: FAILED (exit S); its output, also in LOG:" and the output.
set -uo pipefail

if [ $# -lt 4 ] || [ "$3" != "--" ]; then
    echo "usage: tools/quiet.sh LOG LABEL -- COMMAND [ARGS...]" >&2
    exit 2
fi
log=$1 label=$2
shift 3
mkdir -p "$(dirname "$log")" || exit 2
start=0
[ -f "$log" ] && start=$(wc -l <"$log")

tty=0
[ -t 2 ] && [ "${TERM:-dumb}" != dumb ] && tty=1
cols=$( (tput cols 2>/dev/null || echo 80) | tail -n 1)
[ "$cols" -gt 20 ] 2>/dev/null || cols=80

# GNU make tells its children that its output is a terminal (MAKE_TERMOUT):
# then cmake colours its lines, which the log and a cut-off line must not get
shopt -s extglob
env -u MAKE_TERMOUT -u MAKE_TERMERR "$@" 2>&1 | while IFS= read -r line; do
    line=${line//$'\e'\[*([0-9;])[a-zA-Z]/}
    printf '%s\n' "$line" >>"$log"
    if [ $tty = 1 ]; then
        case $line in
        "["*"%]"*) printf '\r\033[K%s' "$label: ${line:0:$((cols - ${#label} - 3))}" >&2 ;;
        esac
    fi
done
status=${PIPESTATUS[0]}
[ $tty = 1 ] && printf '\r\033[K' >&2

if [ "$status" -ne 0 ]; then
    echo "$label: FAILED (exit $status); its output, also in $log:" >&2
    tail -n +"$((start + 1))" "$log" >&2
    exit "$status"
fi
warnings=$(tail -n +"$((start + 1))" "$log" | grep -c 'warning:')
case $warnings in
0) echo "$label: ok" >&2 ;;
1) echo "$label: ok, 1 compiler warning (see $log)" >&2 ;;
*) echo "$label: ok, $warnings compiler warnings (see $log)" >&2 ;;
esac

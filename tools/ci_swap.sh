#!/bin/sh
# tools/ci_swap.sh on|off — a small swap file for the test run, where the
# machine has no swap and lets root make one (CI's fresh machines): the
# reset's test of pages swapped out (tests/test_snap.c,
# test_reset_counts_swapped_pages) swaps pages out with MADV_PAGEOUT, which
# does nothing where there is no swap. Best effort: a machine or filesystem
# that refuses (a container, tmpfs) leaves things as they were, and the test
# then runs as a plain reset test. `off` removes what `on` made.
set -u
f=${TS_CI_SWAP:-/var/tmp/threadsim-ci.swap}
case ${1:-} in
on)
    [ "$(id -u)" = 0 ] || exit 0
    [ -z "$(tail -n +2 /proc/swaps 2>/dev/null)" ] || exit 0
    command -v mkswap >/dev/null 2>&1 && command -v swapon >/dev/null 2>&1 || exit 0
    { fallocate -l 64M "$f" 2>/dev/null || dd if=/dev/zero of="$f" bs=1M count=64 2>/dev/null; } &&
        chmod 600 "$f" && mkswap "$f" >/dev/null 2>&1 && swapon "$f" 2>/dev/null &&
        echo "threadsim: ci_swap: 64 MiB of swap at $f for the test run" ||
        rm -f "$f"
    exit 0 ;;
off)
    [ -e "$f" ] || exit 0
    swapoff "$f" 2>/dev/null
    rm -f "$f"
    exit 0 ;;
*)
    echo "usage: tools/ci_swap.sh on|off" >&2
    exit 2 ;;
esac

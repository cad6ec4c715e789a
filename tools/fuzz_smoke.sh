#!/usr/bin/env bash
# Run each libFuzzer target (tests/fuzz) for SECS seconds from its seed
# corpus; a crash, leak or sanitizer report fails, leaving the input as
# BUILD/fuzz-out/crash-* (rerun: BUILD/tests/fuzz/fuzz_X that-file).
# usage: tools/fuzz_smoke.sh BUILD [SECS]
set -euo pipefail
build=${1:?usage: fuzz_smoke.sh BUILD [SECS]}
secs=${2:-7}
src="$(cd "$(dirname "$0")/.." && pwd)"
out="$build/fuzz-out"
mkdir -p "$out"
for t in store batch token cli; do
  work="$out/corpus-$t"
  rm -rf "$work" && mkdir -p "$work"
  cp "$src/tests/fuzz/corpus/$t/"* "$work/"
  echo "fuzz_$t: ${secs}s"
  "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -close_fd_mask=3 \
    -artifact_prefix="$out/" -print_final_stats=0 "$work" 2>"$out/fuzz_$t.log" || {
    tail -40 "$out/fuzz_$t.log"; echo "fuzz_$t failed (input in $out/)"; exit 1; }
done
echo "fuzz-smoke: ok"

#!/usr/bin/env bash
# Runs every libFuzzer target in <build-dir>/fuzz for a fixed number of inputs with a fixed
# seed, so CI time is bounded by input count, not wall time. Longer runs: docs/testing.md.
set -euo pipefail
BUILD=${1:-build/fuzz}
RUNS=${NZEZA_FUZZ_RUNS:-20000}
SEED=${NZEZA_FUZZ_SEED:-1234}
shopt -s nullglob
targets=("$BUILD"/fuzz/fuzz_*)
if [ ${#targets[@]} -eq 0 ]; then
  echo "run-fuzz: no fuzz targets in $BUILD/fuzz"
  exit 0
fi
for t in "${targets[@]}"; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  corpus="fuzz/corpus/${name#fuzz_}"
  args=(-runs="$RUNS" -seed="$SEED" -max_len=65536)
  echo "run-fuzz: $name ($RUNS inputs, seed $SEED)"
  # libFuzzer writes new inputs into its first corpus folder: give it a scratch copy so a run
  # never changes the repository's seed corpus.
  work=$(mktemp -d)
  if [ -d "$corpus" ]; then cp -r "$corpus"/. "$work"/; fi
  "$t" "${args[@]}" "$work"
  rm -rf "$work"
done

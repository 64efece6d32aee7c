#!/usr/bin/env bash
# Runs the tests of some labels many times while a CPU-bound load competes, and lists every
# test that failed even once. A test that passes alone but fails beside a build (a wait on a
# counter that may still grow, a race with a simulator's bookkeeping) shows up here.
#
#   scripts/soak-tests.sh LABELS N [BUILD_DIR]
#
#   LABELS     ctest label regex, e.g. "websocket" or "websocket|exchange|integration"
#   N          how many times to run them
#   BUILD_DIR  a configured and built tree (default: build/default)
#
# Environment: NZEZA_SOAK_JOBS (ctest -j, default: the number of cores),
#              NZEZA_SOAK_LOAD  (busy loops, default: one per core; 0 for none).
# Each run's ctest output is kept in BUILD_DIR/soak/run-<i>.log. Prints the time of each run;
# exits 1 when any test failed at least once, 2 on a usage error.
set -euo pipefail

usage() {
  echo "usage: $0 LABELS N [BUILD_DIR]" >&2
  exit 2
}
[ $# -ge 2 ] && [ $# -le 3 ] || usage
labels=$1
runs=$2
build_dir=${3:-build/default}
[[ $runs =~ ^[1-9][0-9]*$ ]] || usage
if [ ! -f "$build_dir/CTestTestfile.cmake" ]; then
  echo "$0: $build_dir is not a configured build tree (no CTestTestfile.cmake)" >&2
  exit 2
fi

cores=$(nproc)
jobs=${NZEZA_SOAK_JOBS:-$cores}
load=${NZEZA_SOAK_LOAD:-$cores}
log_dir=$build_dir/soak
mkdir -p "$log_dir"
rm -f "$log_dir"/run-*.log

# The competing load: one busy loop per core. Background jobs of a script ignore SIGINT, so
# they are ended here, by their ids, on every way out (normal end, error, Ctrl-C, TERM).
declare -a load_pids=()
stop_load() {
  if [ ${#load_pids[@]} -gt 0 ]; then
    kill "${load_pids[@]}" 2>/dev/null || true
    wait "${load_pids[@]}" 2>/dev/null || true
    load_pids=()
  fi
}
trap stop_load EXIT
trap 'stop_load; echo "soak: interrupted" >&2; exit 130' INT TERM
for ((i = 0; i < load; ++i)); do
  (while :; do :; done) &
  load_pids+=($!)
done

echo "soak: labels '$labels', $runs runs, ctest -j$jobs, $load busy loops, $build_dir"
declare -A failures=()
total_start=$SECONDS
for ((run = 1; run <= runs; ++run)); do
  log=$log_dir/run-$run.log
  start=$SECONDS
  status=0
  ctest --test-dir "$build_dir" -L "$labels" -j "$jobs" --output-on-failure --no-tests=error \
    >"$log" 2>&1 || status=$?
  took=$((SECONDS - start))
  summary=$(grep -E '^[0-9]+% tests passed' "$log" || echo "no summary (ctest exit $status)")
  printf 'soak: run %d/%d  %4ds  %s\n' "$run" "$runs" "$took" "$summary"
  # ctest lists failures as "<tab>  12 - Suite.name (Failed)" after "The following tests FAILED:";
  # a parameterised test's name carries "# GetParam() = <bytes>", which differ from run to run.
  while IFS= read -r name; do
    [ -n "$name" ] || continue
    failures[$name]=$((${failures[$name]:-0} + 1))
    echo "soak:   failed: $name"
  done < <(sed -n '/^The following tests FAILED:/,$p' "$log" |
    sed -n -E 's/^[[:space:]]*[0-9]+ - (.+) \([^)]*\)[[:space:]]*$/\1/p' |
    sed -E 's/[[:space:]]+# GetParam\(\).*$//')
  if [ "$status" -ne 0 ] && ! grep -q '^The following tests FAILED:' "$log"; then
    failures["ctest itself (exit $status, see $log)"]=$((${failures["ctest itself (exit $status, see $log)"]:-0} + 1))
  fi
done
stop_load

echo "soak: $runs runs in $((SECONDS - total_start))s; logs in $log_dir"
if [ ${#failures[@]} -eq 0 ]; then
  echo "soak: no test failed"
  exit 0
fi
echo "soak: tests that failed at least once (failures/runs):"
for name in "${!failures[@]}"; do
  printf '  %3d/%d  %s\n' "${failures[$name]}" "$runs" "$name"
done | sort -k3
exit 1

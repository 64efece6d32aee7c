#!/usr/bin/env bash
# The kill -9 soak (issue 18): N seeded SIGKILL rounds of the real `nzeza` binary against the
# venue simulators (tests/e2e/crash), then the totals the simulators and the journal give.
#
#   scripts/crash-soak.sh N [BUILD_DIR] [FIRST_SEED]
#
#   N           kill rounds in all (>= 100 for the figure); run as ceil(N / 10) runs of
#               the kill-loop test with 10 rounds each (the last run takes what is left), each run
#               its own seed, simulators and journal
#   BUILD_DIR   a built tree with crash_e2e_tests and nzeza (default: build/default)
#   FIRST_SEED  the seed of the first run (default 1); run i uses FIRST_SEED + i, so a failing
#               run is repeated with NZEZA_CRASH_SEED=<its seed> NZEZA_CRASH_ROUNDS=<its rounds>
#
# Prints one line per run and then "duplicates: D, lost orders: L, lost fills: F" (plus the
# fills the journal holds twice or the venue never made, and position/balance mismatches).
# Exits 1 when any of them is > 0 or a run failed, 2 on a usage error. Each run's output is kept
# in BUILD_DIR/crash-soak/run-<i>.log.
set -euo pipefail

usage() {
  echo "usage: $0 N [BUILD_DIR] [FIRST_SEED]" >&2
  exit 2
}
[ $# -ge 1 ] && [ $# -le 3 ] || usage
total=$1
build_dir=${2:-build/default}
first_seed=${3:-1}
[[ $total =~ ^[1-9][0-9]*$ ]] || usage
[[ $first_seed =~ ^[0-9]+$ ]] || usage
binary=$build_dir/tests/e2e/crash/crash_e2e_tests
if [ ! -x "$binary" ]; then
  echo "$0: $binary not built (cmake --build --preset default --target crash_e2e_tests)" >&2
  exit 2
fi

per_run=10
log_dir=$build_dir/crash-soak
mkdir -p "$log_dir"
rm -f "$log_dir"/run-*.log

down=0 dups=0 lost_orders=0 lost_fills=0 extra=0 mismatches=0 kills=0 orders=0 fills=0 failed_runs=0
done_rounds=0 run=0
while [ "$done_rounds" -lt "$total" ]; do
  rounds=$((total - done_rounds < per_run ? total - done_rounds : per_run))
  seed=$((first_seed + run))
  log=$log_dir/run-$run.log
  status=0
  # The test's own seed is NZEZA_CRASH_SEED * 1000 + 1 (first instance of the kill loop).
  NZEZA_CRASH_SEED=$seed NZEZA_CRASH_ROUNDS=$rounds \
    "$binary" --gtest_filter='Seeds/KillLoop.*/seed1' >"$log" 2>&1 || status=$?
  line=$(grep -m1 '^crash-counts:' "$log" || true)
  if [ -z "$line" ]; then
    echo "run $run (NZEZA_CRASH_SEED=$seed, $rounds rounds): no counts (exit $status), see $log"
    failed_runs=$((failed_runs + 1))
  else
    echo "run $run (NZEZA_CRASH_SEED=$seed): ${line#crash-counts: } (exit $status)"
    [ "$status" -eq 0 ] || failed_runs=$((failed_runs + 1))
    # "key value" pairs after the prefix.
    set -- ${line#crash-counts: }
    while [ $# -ge 2 ]; do
      case $1 in
        kills) kills=$((kills + $2)) ;;
        orders) orders=$((orders + $2)) ;;
        fills) fills=$((fills + $2)) ;;
        fills_while_down) down=$((down + $2)) ;;
        duplicates) dups=$((dups + $2)) ;;
        lost_orders) lost_orders=$((lost_orders + $2)) ;;
        lost_fills) lost_fills=$((lost_fills + $2)) ;;
        extra_fills) extra=$((extra + $2)) ;;
        mismatches) mismatches=$((mismatches + $2)) ;;
      esac
      shift 2
    done
  fi
  done_rounds=$((done_rounds + rounds))
  run=$((run + 1))
done

echo "kills: $kills, orders at the venues: $orders, fills at the venues: $fills ($down while nzeza was down), runs failed: $failed_runs"
echo "journal fills twice or never made: $extra, position/balance mismatches: $mismatches"
echo "duplicates: $dups, lost orders: $lost_orders, lost fills: $lost_fills"
if [ "$dups" -gt 0 ] || [ "$lost_orders" -gt 0 ] || [ "$lost_fills" -gt 0 ] || [ "$extra" -gt 0 ] ||
  [ "$mismatches" -gt 0 ] || [ "$failed_runs" -gt 0 ]; then
  exit 1
fi

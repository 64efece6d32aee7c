#!/usr/bin/env bash
# The whole test suite, as CI runs it: default build with every label; ASan+UBSan on the
# unit, integration and sanitize labels (building only what that preset runs: not the `allocation`
# executables); TSan on the multi-threaded suites (labels actors and concurrency: the actor
# runtime, the network clients, the feed sessions and the venue clients); fuzz targets for a
# fixed number of inputs with a fixed seed. Prints the time of each phase.
# Flakiness under load is checked separately: scripts/soak-tests.sh LABELS N.
set -euo pipefail
cd "$(dirname "$0")/.."

JOBS=${NZEZA_JOBS:-$(nproc)}
declare -a PHASES=()
phase() {
  local name=$1; shift
  local start=$SECONDS
  echo "=== phase: $name"
  "$@"
  local took=$((SECONDS - start))
  PHASES+=("$(printf '%-28s %4ds' "$name" "$took")")
  echo "=== phase: $name done in ${took}s (disk free:$(df -h --output=avail . | tail -1))"
}
summary() {
  echo "=== phase times"
  for p in "${PHASES[@]}"; do echo "  $p"; done
}
trap summary EXIT
# NZEZA_PRUNE_BUILDS=1 (set by .ci/run): a build tree whose tests passed is deleted before the next
# preset builds, so the run needs the disk of one tree at a time (ccache keeps the objects).
prune() {
  if [ "${NZEZA_PRUNE_BUILDS:-0}" = "1" ]; then
    echo "=== prune build/$1 ($(du -sh "build/$1" 2>/dev/null | cut -f1))"
    rm -rf "build/$1"
  fi
}

phase "configure default" cmake --preset default
phase "build default" cmake --build --preset default -j "$JOBS"
phase "test default (all labels)" ctest --preset default -j "$JOBS"
prune default

if [ "${NZEZA_SKIP_SANITIZERS:-0}" != "1" ]; then
  phase "configure asan" cmake --preset asan
  phase "build asan" cmake --build --preset asan -j "$JOBS" --target nzeza_asan_tests
  phase "test asan (unit|integration)" ctest --preset asan -j "$JOBS"
  prune asan

  phase "configure tsan" cmake --preset tsan
  phase "build tsan" cmake --build --preset tsan -j "$JOBS" --target nzeza_tsan_tests
  phase "test tsan (actors|concurrency)" ctest --preset tsan -j "$JOBS" --no-tests=ignore
  prune tsan
fi

if [ "${NZEZA_SKIP_FUZZ:-0}" != "1" ]; then
  phase "configure fuzz" cmake --preset fuzz
  phase "build fuzz" cmake --build --preset fuzz -j "$JOBS"
  phase "run fuzz targets" scripts/run-fuzz.sh build/fuzz
fi

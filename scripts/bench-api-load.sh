#!/usr/bin/env bash
# The operator API under load while the pipeline trades (issue 16, "Load"): `nzeza run` in paper
# mode (simulated market served over its loopback WebSocket) on a temporary data dir, a read key
# made by `nzeza keys add`, then Debian's `wrk` on GET /api/v1/prices (keep-alive).
#
#   scripts/bench-api-load.sh [BUILD_DIR]
#
#   BUILD_DIR  a built tree holding src/cli/nzeza (default: build/default)
#
# Environment: BENCH_DURATION (seconds of each phase, default 20), BENCH_THREADS (wrk -t, 2),
#              BENCH_CONNECTIONS (wrk -c, 50), BENCH_PATH (default /api/v1/prices),
#              BENCH_WARMUP (seconds a phase's server runs before it is measured, default 5),
#              BENCH_PIN=1 (taskset: the server on CPU 1, wrk on CPU 0; default: unpinned),
#              BENCH_PERF=1 (perf record the server during the load phase; prints its top
#              symbols and keeps the profile as ${TMPDIR:-/tmp}/bench-api-load.perf.data).
#
# Two phases, each BENCH_DURATION long and each on a FRESH `nzeza run` (own data dir, same
# config): quiet (the pipeline alone), then load (wrk). A fresh process per phase because the risk
# gate allows at most 100 entries an hour (config: risk.max_trades_per_hour in [1, 100]): one
# process would spend that budget in whichever phase came first. The bench config (below) makes
# entries as often as the gate allows (1 s candles, 20 ms market steps, min_confidence 0, tiny
# exits so positions close and re-open, many positions per symbol, small orders), so each phase
# gets up to 100 tick_to_order samples. The pipeline's latency is read from /metrics at the start
# and end of each phase and the phase's share is the difference (Prometheus histograms are
# cumulative):
#   tick_to_reference  every quote that moves a reference price (market thread), many samples;
#   tick_to_order      strategy entries (tick -> intent journaled), at most 100 per phase, so its
#                      p99 is close to the phase's worst entry.
# Quantiles are the upper bound of the bucket holding them (the buckets of
# src/core/latency_histogram.hpp), as coarse as those. The key's rate limit is raised for the run
# ([api] key_burst, key_requests_per_second): the default 25 requests/s would answer 429.
# Prints the configuration first, then wrk's report, then the phases side by side and the load
# average. Exit 2: wrk or the binary missing; 1: the server did not start or wrk failed.
set -euo pipefail

build_dir=${1:-build/default}
duration=${BENCH_DURATION:-20}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-50}
path=${BENCH_PATH:-/api/v1/prices}
nzeza="$build_dir/src/cli/nzeza"

if ! command -v wrk >/dev/null 2>&1; then
  echo "$0: wrk is not installed (Debian: apt-get install -y wrk)" >&2
  exit 2
fi
if [ ! -x "$nzeza" ]; then
  echo "$0: $nzeza not found (cmake --build --preset default --target nzeza)" >&2
  exit 2
fi
python=/usr/bin/python3
[ -x "$python" ] || python=python3

work=$(mktemp -d "${TMPDIR:-/tmp}/nzeza-api-load.XXXXXX")
warmup=${BENCH_WARMUP:-5}
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -INT "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

server_cpu=""
wrk_cpu=""
layout="unpinned (server and wrk share every core)"
if [ "${BENCH_PIN:-0}" = 1 ]; then
  server_cpu="taskset -c 1"
  wrk_cpu="taskset -c 0"
  layout="pinned: nzeza on CPU 1, wrk on CPU 0"
fi

echo "# nzeza API load: wrk -t$threads -c$connections -d${duration}s --latency GET $path"
echo "# layout: $layout; a fresh nzeza per phase, ${warmup}s warm-up before each"
echo "# machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# binary: $nzeza"

# Starts a paper `nzeza run` for phase $1 on its own data dir and port; sets server_pid, base, key.
start_server() {
  local dir="$work/$1"
  mkdir -p "$dir/data"
  port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$dir/bench.toml" <<EOT
mode = "paper"
data_dir = "$dir/data"
candle_interval = 1
[market_data]
source = "simulated"
seed = 42
step_ms = 20
[paper]
symbols = ["BTC-USD", "ETH-USD", "SOL-USD"]
[strategies]
fast_scalping = 1
momentum_scalping = 0
conservative_scalping = 0
[risk]
min_confidence = 0
max_trades_per_hour = 100
max_trades_per_day = 500
max_positions_per_symbol = 1000
max_total_positions = 10000
max_portfolio_exposure = "10"
[sizing]
exposure_per_trade = "0.001"
min_order_notional = "10"
[exits]
stop_loss = "0.0002"
take_profit = "0.0002"
[api]
port = $port
key_burst = 1000000
key_requests_per_second = 1000000
EOT
  key=$("$nzeza" keys add --scope read --name bench --data-dir "$dir/data" | head -n 1)
  # shellcheck disable=SC2086
  $server_cpu "$nzeza" run --config "$dir/bench.toml" --json >"$dir/run.log" 2>&1 &
  server_pid=$!
  base="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null -H "Authorization: Bearer $key" "$base$path" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "$0: nzeza run exited:" >&2
      cat "$dir/run.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$0: the API did not answer" >&2
  exit 1
}

scrape() { curl -fsS -H "Authorization: Bearer $key" "$base/metrics" >"$work/$1.prom"; }

# Quiet phase: the pipeline alone.
start_server quiet
sleep "$warmup"
scrape quiet0
sleep "$duration"
scrape quiet1
stop_server

# Load phase: the same pipeline under wrk.
start_server load
sleep "$warmup"
scrape load0
perf_pid=""
if [ "${BENCH_PERF:-0}" = 1 ]; then
  perf record -F 499 -g -p "$server_pid" -o "${TMPDIR:-/tmp}/bench-api-load.perf.data" \
    -- sleep "$duration" >/dev/null 2>&1 &
  perf_pid=$!
fi
# shellcheck disable=SC2086
$wrk_cpu wrk -t"$threads" -c"$connections" -d"${duration}s" --latency \
  -H "Authorization: Bearer $key" "$base$path" | tee "$work/wrk.txt"
scrape load1
stop_server
if [ -n "$perf_pid" ]; then
  wait "$perf_pid" || true
  perf report -i "${TMPDIR:-/tmp}/bench-api-load.perf.data" --stdio --no-children \
    --sort symbol -g none 2>/dev/null | grep -E '^ +[0-9]' |
    awk '{ $1 = $1; print substr($0, 1, 110) }' | head -n 25 || true  # head's early exit: not a failure
fi
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

"$python" - "$work" <<'EOF'
import re, sys
work = sys.argv[1]

def buckets(name, family):
    out = {}
    for line in open(f"{work}/{name}.prom"):
        m = re.match(rf'{family}_bucket\{{le="([^"]+)"\}} (\d+)', line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out

def phase(a, b, family):
    x, y = buckets(a, family), buckets(b, family)
    les = sorted(y, key=lambda s: float("inf") if s == "+Inf" else float(s))
    cum = [(le, y[le] - x.get(le, 0)) for le in les]
    n = cum[-1][1] if cum else 0
    def q(p):
        if n == 0:
            return "-"
        rank = max(1, -(-int(p * n * 1000) // 1000))
        for le, c in cum:
            if c >= rank:
                return "> 10 s" if le == "+Inf" else f"<= {float(le) * 1e3:g} ms"
        return "?"
    return n, q(0.5), q(0.99)

def wrk_figures():
    text = open(f"{work}/wrk.txt").read()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"\s99%\s+(\S+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    return (rps.group(1) if rps else "?", p99.group(1) if p99 else "?",
            non2xx.group(1) if non2xx else "0")

rps, p99, bad = wrk_figures()
print(f"\nAPI: {rps} requests/s, p99 {p99}, non-2xx answers {bad}")
print(f"{'histogram':<36}{'phase':<8}{'samples':>9}{'p50':>14}{'p99':>14}")
for family in ("nzeza_tick_to_reference_seconds", "nzeza_tick_to_order_seconds",
               "nzeza_journal_intent_write_seconds"):
    for label, a, b in (("quiet", "quiet0", "quiet1"), ("load", "load0", "load1")):
        n, p50, p99q = phase(a, b, family)
        print(f"{family:<36}{label:<8}{n:>9}{p50:>14}{p99q:>14}")
EOF

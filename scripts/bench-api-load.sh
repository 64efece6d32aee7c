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
#              BENCH_PERF=1 (perf record the server during the load phase; prints its top
#              symbols and keeps the profile as ${TMPDIR:-/tmp}/bench-api-load.perf.data).
#
# Two phases of the same run, each BENCH_DURATION long: quiet (the pipeline alone), then load
# (wrk). The pipeline's latency is read from /metrics before and after each phase, and each
# phase's share is the difference of the two scrapes (Prometheus histograms are cumulative):
#   tick_to_reference  every quote that moves a reference price (market thread), many samples;
#   tick_to_order      strategy entries (tick → intent journaled), few: the risk gate allows at
#                      most 100 entries an hour, so its p99 over a phase rests on a handful.
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
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -INT "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A port free now on loopback.
port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/bench.toml" <<EOF
mode = "paper"
data_dir = "$work/data"
[paper]
symbols = ["BTC-USD", "ETH-USD", "SOL-USD"]
[risk]
min_confidence = 0.3
max_trades_per_hour = 100
max_trades_per_day = 500
[api]
port = $port
key_burst = 1000000
key_requests_per_second = 1000000
EOF
mkdir -p "$work/data"
key=$("$nzeza" keys add --scope read --name bench --data-dir "$work/data" | head -n 1)

echo "# nzeza API load: wrk -t$threads -c$connections -d${duration}s --latency GET $path"
echo "# machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# binary: $nzeza; data dir: $work/data; port $port"

"$nzeza" run --config "$work/bench.toml" --json >"$work/run.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do
  if curl -fsS -o /dev/null -H "Authorization: Bearer $key" "$base$path" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "$0: nzeza run exited:" >&2
    cat "$work/run.log" >&2
    exit 1
  fi
  sleep 0.1
done
curl -fsS -o /dev/null -H "Authorization: Bearer $key" "$base$path" || {
  echo "$0: the API did not answer" >&2
  exit 1
}

scrape() { curl -fsS -H "Authorization: Bearer $key" "$base/metrics" >"$work/$1.prom"; }

# Quiet phase: the pipeline alone.
scrape quiet0
sleep "$duration"
scrape quiet1
# Load phase.
scrape load0
perf_pid=""
if [ "${BENCH_PERF:-0}" = 1 ]; then
  perf record -F 499 -g -p "$server_pid" -o "${TMPDIR:-/tmp}/bench-api-load.perf.data" \
    -- sleep "$duration" >/dev/null 2>&1 &
  perf_pid=$!
fi
wrk -t"$threads" -c"$connections" -d"${duration}s" --latency \
  -H "Authorization: Bearer $key" "$base$path" | tee "$work/wrk.txt"
scrape load1
if [ -n "$perf_pid" ]; then
  wait "$perf_pid" || true
  perf report -i "${TMPDIR:-/tmp}/bench-api-load.perf.data" --stdio --no-children \
    --sort symbol -g none 2>/dev/null | grep -E '^ +[0-9]' |
    awk '{ $1 = $1; print substr($0, 1, 110) }' | head -n 25
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

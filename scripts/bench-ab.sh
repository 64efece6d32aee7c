#!/usr/bin/env bash
# bench-ab.sh A_BUILD B_BUILD [ROUNDS]: interleaved A/B timing of the book-decode rows (issue 13)
# between two build trees of the default preset (say main and a branch), on both simdjson kernels.
# Each round runs every row of A then of B, so both see the same machine; the table gives the
# median CPU time of each row over the rounds and B/A. Rows: dYdX update and walk, Kraken update
# and walk, Binance depth, Coinbase l2, each with its simdjson-doubles baseline (a baseline's
# B/A far from 1 says the machine was too noisy for the others).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 A_BUILD B_BUILD [ROUNDS]" >&2; exit 2; }
A=$1 B=$2 R=${3:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rows=("codec_dydx:BM_(dydx_codec_orderbook|baseline_simdjson_doubles)_update(_walk)?"
      "venues_kraken:BM_(kraken_codec_book|baseline_simdjson_doubles)_update(_walk)?"
      "venues_binance:BM_binance_depth_(ours|baseline)"
      "venues_coinbase:BM_coinbase_l2_update_(ours|baseline)")
for _ in $(seq "$R"); do
  for k in icelake haswell; do
    for v in A B; do
      d=$A; [ "$v" = B ] && d=$B
      for r in "${rows[@]}"; do
        b=${r%%:*} f=${r#*:}
        NZEZA_SIMD_KERNEL=$k "$d/bench/$b/bench_$b" --benchmark_min_time=0.1 --benchmark_format=csv \
          --benchmark_filter="^$f/kernel:$k\$" 2>/dev/null | grep '^"BM' | sed "s/^/$v,$k,$b:/" >> "$out/all.csv"
      done
    done
  done
done
python3 - "$out/all.csv" <<'PY'
import collections, csv, statistics, sys
t = collections.defaultdict(list)
for row in csv.reader(open(sys.argv[1])):
    t[(row[2].split('/kernel')[0].replace('"', ''), row[1], row[0])].append(float(row[5]))
for name, k in sorted({(n, k) for n, k, _ in t}):
    a, b = statistics.median(t[(name, k, 'A')]), statistics.median(t[(name, k, 'B')])
    print(f"{k:8s} {name:62s} A {a:8.1f}  B {b:8.1f}  B/A {b / a:5.3f}")
PY

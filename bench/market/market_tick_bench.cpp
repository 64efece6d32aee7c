// One tick through the market and strategy layers (ns per tick):
// - BM_TickThroughPipeline: a trade into the 1 s candle builder (a tick every 100 ms, so one in
//   ten closes a candle) plus the closed candles through every indicator, the four strategies,
//   the combiner and the signal engine — the realistic per-tick cost.
// - BM_CandleThroughStrategies: every tick closes a candle, so every tick pays for all the
//   indicators + strategies + combiner — the worst case per tick.
// - BM_ReferencePrice: a quote into the cross-venue aggregator and a compute() over 3 venues.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "market/candle_builder.hpp"
#include "market/reference_price.hpp"
#include "strategy/conservative_scalping.hpp"
#include "strategy/fast_scalping.hpp"
#include "strategy/mean_reversion.hpp"
#include "strategy/momentum_scalping.hpp"
#include "strategy/signal_combiner.hpp"
#include "strategy/signal_engine.hpp"

namespace {

using namespace std::chrono_literals;
using namespace nzeza;

std::unique_ptr<strategy::SignalCombiner> make_combiner() {
  std::vector<std::unique_ptr<strategy::Strategy>> s;
  s.push_back(std::make_unique<strategy::FastScalping>());
  s.push_back(std::make_unique<strategy::MomentumScalping>());
  s.push_back(std::make_unique<strategy::ConservativeScalping>());
  s.push_back(std::make_unique<strategy::MeanReversion>());
  return std::make_unique<strategy::SignalCombiner>(
      std::move(strategy::SignalCombiner::create(std::move(s), {0.3, 0.3, 0.2, 0.2})).value());
}

Decimal price_at(std::uint64_t i) {
  const std::int64_t cents = 5'000'000 + static_cast<std::int64_t>((i * 7919) % 2001) - 1000;
  return Decimal::from_raw8(cents * 1'000'000);
}

void run(benchmark::State& state, Duration tick_spacing) {
  market::CandleBuilderConfig cfg;
  cfg.interval = 1s;
  market::CandleBuilder builder(cfg);
  auto combiner = make_combiner();
  strategy::SignalEngine engine(*combiner);
  const Timestamp t0 = Timestamp::from_seconds(1'700'000'000);
  std::uint64_t i = 0;
  std::uint64_t signals = 0;
  for (; i < 1000; ++i)
    builder.on_trade(t0 + tick_spacing * static_cast<std::int64_t>(i), price_at(i), Decimal::one());
  market::Candle c;
  while (builder.pop(c)) engine.on_candle(c, t0 + tick_spacing * static_cast<std::int64_t>(i));
  for (auto _ : state) {
    const Timestamp now = t0 + tick_spacing * static_cast<std::int64_t>(i);
    builder.on_trade(now, price_at(i), Decimal::one());
    while (builder.pop(c)) {
      if (engine.on_candle(c, now).signal) ++signals;
    }
    ++i;
  }
  benchmark::DoNotOptimize(signals);
  state.counters["candles"] = static_cast<double>(engine.stats().candles);
}

void BM_TickThroughPipeline(benchmark::State& state) {
  run(state, 100ms);
}
void BM_CandleThroughStrategies(benchmark::State& state) {
  run(state, 1s);
}

void BM_ReferencePrice(benchmark::State& state) {
  market::ReferencePriceConfig cfg;
  cfg.symbol = SymbolId{0};
  market::ReferencePriceAggregator agg(cfg);
  const Timestamp t0 = Timestamp::from_seconds(1'700'000'000);
  std::uint64_t i = 0;
  Decimal sink;
  for (auto _ : state) {
    const Timestamp now = t0 + 10ms * static_cast<std::int64_t>(i);
    const Decimal p = price_at(i);
    agg.on_quote(static_cast<Venue>(i % 3), SymbolId{0}, now,
                 Quote{p, Decimal::one(), p, Decimal::one()});
    const auto r = agg.compute(now);
    if (r.ok()) sink = r.price;
    ++i;
  }
  benchmark::DoNotOptimize(sink);
}

BENCHMARK(BM_TickThroughPipeline);
BENCHMARK(BM_CandleThroughStrategies);
BENCHMARK(BM_ReferencePrice);

}  // namespace

int main(int argc, char** argv) {
  std::printf(
      "bench_market: 1 s candles; strategies fast(3,5) momentum(RSI7 Wilder, MACD 6/13/5) "
      "conservative(BB10x2, Stoch 7/3, VWAP 1d) mean_reversion(20, z 2, RSI14); weights "
      "0.3/0.3/0.2/0.2\n");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

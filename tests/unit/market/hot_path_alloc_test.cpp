// Zero heap allocations per tick after warm-up: trades and quotes through the candle builder,
// the cross-venue reference price, every indicator, all four strategies, the combiner and the
// signal engine (DESIGN §4 "Hot path without allocation"). Counted with a replaced global
// operator new, so anything reaching the heap — a std::string in an error, a vector growing,
// a std::function — fails the test.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "common/alloc_counter.hpp"  // the counting operator new (alloc_counter.cpp)
#include "market/candle_builder.hpp"
#include "market/reference_price.hpp"
#include "strategy/conservative_scalping.hpp"
#include "strategy/fast_scalping.hpp"
#include "strategy/mean_reversion.hpp"
#include "strategy/momentum_scalping.hpp"
#include "strategy/signal_combiner.hpp"
#include "strategy/signal_engine.hpp"

namespace nzeza {
namespace {

using namespace std::chrono_literals;

struct Pipeline {
  Pipeline() {
    market::CandleBuilderConfig cfg;
    cfg.interval = 1s;
    cfg.symbol = SymbolId{0};
    builder = std::make_unique<market::CandleBuilder>(cfg);
    market::ReferencePriceConfig rp;
    rp.symbol = SymbolId{0};
    reference = std::make_unique<market::ReferencePriceAggregator>(rp);
    std::vector<std::unique_ptr<strategy::Strategy>> s;
    s.push_back(std::make_unique<strategy::FastScalping>());
    s.push_back(std::make_unique<strategy::MomentumScalping>());
    s.push_back(std::make_unique<strategy::ConservativeScalping>());
    s.push_back(std::make_unique<strategy::MeanReversion>());
    combiner = std::make_unique<strategy::SignalCombiner>(
        std::move(strategy::SignalCombiner::create(std::move(s), {0.3, 0.3, 0.2, 0.2})).value());
    engine = std::make_unique<strategy::SignalEngine>(*combiner);
  }

  // One tick: a trade and a quote for the symbol, every 100 ms of simulated time, with a
  // quiet stretch now and then so gap candles and on_time closes are on the path too.
  void tick(std::uint64_t i) {
    const Timestamp now =
        Timestamp::from_seconds(1'700'000'000) + 100ms * static_cast<std::int64_t>(i);
    const bool quiet = (i / 50) % 7 == 6;  // 5 s without trades every 35 s
    if (!quiet) {
      // A deterministic zig-zag around 50 000 with a slow drift, in cents.
      const std::int64_t cents = 5'000'000 + static_cast<std::int64_t>((i * 7919) % 2001) - 1000 +
                                 static_cast<std::int64_t>(i / 100);
      const Decimal price = Decimal::from_raw8(cents * 1'000'000);
      MarketEvent trade;
      trade.symbol = SymbolId{0};
      trade.receive_time = now;
      trade.body = Trade{price,
                         Decimal::from_raw8(1'000'000 * static_cast<std::int64_t>(1 + i % 5)),
                         Side::buy,
                         {}};
      builder->on_event(trade);
      MarketEvent quote;
      quote.venue = static_cast<Venue>(i % 3);
      quote.symbol = SymbolId{0};
      quote.receive_time = now;
      quote.body = Quote{price - Decimal::from_raw8(1'000'000), Decimal::one(),
                         price + Decimal::from_raw8(1'000'000), Decimal::one()};
      reference->on_event(quote);
    }
    builder->on_time(now);
    const auto ref = reference->compute(now);
    if (ref.ok()) last_reference = ref.price;
    market::Candle c;
    while (builder->pop(c)) {
      const auto out = engine->on_candle(c, now);
      if (out.signal) ++signals;
    }
  }

  std::unique_ptr<market::CandleBuilder> builder;
  std::unique_ptr<market::ReferencePriceAggregator> reference;
  std::unique_ptr<strategy::SignalCombiner> combiner;
  std::unique_ptr<strategy::SignalEngine> engine;
  Decimal last_reference;
  std::uint64_t signals = 0;
};

TEST(HotPathAllocation, no_heap_allocation_per_tick_after_warm_up_over_100k_ticks) {
  Pipeline p;
  constexpr std::uint64_t kWarmUp = 1'000;
  constexpr std::uint64_t kTicks = 100'000;
  for (std::uint64_t i = 0; i < kWarmUp; ++i) p.tick(i);
  const std::uint64_t before = nzeza::test::allocation_count();
  for (std::uint64_t i = kWarmUp; i < kWarmUp + kTicks; ++i) p.tick(i);
  const std::uint64_t after = nzeza::test::allocation_count();
  EXPECT_EQ(after - before, 0U) << "allocations on the hot path";
  // The run really exercised the pipeline.
  EXPECT_GT(p.engine->stats().candles, 9'000U);
  EXPECT_GT(p.engine->stats().signals, 5'000U);
  EXPECT_GT(p.builder->stats().gap_candles, 0U);
  EXPECT_TRUE(p.last_reference.is_positive());
}

TEST(HotPathAllocation, counter_sees_an_allocation) {
  // Guards the test above against a counter that never counts.
  const std::uint64_t before = nzeza::test::allocation_count();
  auto v = std::make_unique<std::vector<int>>(100);
  EXPECT_GT(nzeza::test::allocation_count() - before, 0U);
  EXPECT_EQ(v->size(), 100U);
}

}  // namespace
}  // namespace nzeza

#include "strategy/signal_engine.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "candles.hpp"
#include "fixed_strategy.hpp"
#include "market/candle_builder.hpp"

namespace nzeza::strategy {
namespace {

using namespace std::chrono_literals;
using test::candle;
using test::FixedStrategy;
using test::kT0;

struct Fixture {
  Fixture() {
    std::vector<std::unique_ptr<Strategy>> s;
    s.push_back(std::make_unique<FixedStrategy>(TradingSignal{SignalKind::buy, 0.8}));
    combiner = std::make_unique<SignalCombiner>(
        std::move(SignalCombiner::create(std::move(s), {1.0})).value());
    engine = std::make_unique<SignalEngine>(*combiner);
  }
  FixedStrategy& fixed() {
    return const_cast<FixedStrategy&>(static_cast<const FixedStrategy&>(combiner->strategy(0)));
  }
  std::unique_ptr<SignalCombiner> combiner;
  std::unique_ptr<SignalEngine> engine;
};

TEST(SignalEngine, fresh_candle_gives_the_combined_signal) {
  Fixture f;
  const auto out = f.engine->on_candle(candle(0, 100), kT0 + 10s);
  ASSERT_TRUE(out.signal.has_value());
  EXPECT_EQ(out.reason, NoSignalReason::none);
  EXPECT_EQ(out.signal->signal.kind, SignalKind::buy);
  EXPECT_EQ(f.engine->stats().signals, 1U);
}

TEST(SignalEngine, stale_candle_updates_indicators_but_never_signals) {
  Fixture f;
  const auto out = f.engine->on_candle(candle(0, 100), kT0 + 20s);  // one interval late
  EXPECT_FALSE(out.signal.has_value());
  EXPECT_EQ(out.reason, NoSignalReason::stale_candle);
  EXPECT_EQ(f.fixed().candles, 1);
  EXPECT_EQ(f.engine->stats().count(NoSignalReason::stale_candle), 1U);
}

TEST(SignalEngine, gap_candle_gives_no_signal) {
  Fixture f;
  auto c = candle(0, 100);
  c.gap = true;
  const auto out = f.engine->on_candle(c, kT0 + 10s);
  EXPECT_EQ(out.reason, NoSignalReason::gap_candle);
  EXPECT_EQ(f.fixed().candles, 1);
}

TEST(SignalEngine, open_candle_is_refused_before_any_indicator) {
  Fixture f;
  const auto out = f.engine->on_candle(candle(0, 100), kT0 + 5s);
  EXPECT_EQ(out.reason, NoSignalReason::not_closed);
  EXPECT_EQ(f.fixed().candles, 0);
  EXPECT_EQ(f.engine->stats().candles, 0U);
}

TEST(SignalEngine, series_break_resets_the_strategies) {
  Fixture f;
  auto c = candle(0, 100);
  c.series_break = true;
  f.engine->on_candle(c, kT0 + 10s);
  EXPECT_EQ(f.fixed().resets, 1);
  EXPECT_EQ(f.engine->stats().series_breaks, 1U);
}

TEST(SignalEngine, warming_up_strategies_give_a_counted_reason) {
  Fixture f;
  f.fixed().set(std::nullopt);
  const auto out = f.engine->on_candle(candle(0, 100), kT0 + 10s);
  EXPECT_EQ(out.reason, NoSignalReason::warming_up);
  EXPECT_EQ(to_string(out.reason), "warming_up");
}

TEST(SignalEngine, backlog_drained_late_signals_only_on_its_latest_candle) {
  // A builder closes three candles at once (the owner was busy); only the last is fresh.
  Fixture f;
  auto builder = std::move(market::CandleBuilder::create({})).value();
  builder.on_trade(kT0 + 1s, "100"_d, "1"_d);
  builder.on_trade(kT0 + 11s, "101"_d, "1"_d);
  builder.on_trade(kT0 + 21s, "102"_d, "1"_d);
  builder.on_time(kT0 + 30s);
  market::Candle c;
  std::vector<NoSignalReason> reasons;
  while (builder.pop(c)) reasons.push_back(f.engine->on_candle(c, kT0 + 30s).reason);
  ASSERT_EQ(reasons.size(), 3U);
  EXPECT_EQ(reasons[0], NoSignalReason::stale_candle);
  EXPECT_EQ(reasons[1], NoSignalReason::stale_candle);
  EXPECT_EQ(reasons[2], NoSignalReason::none);
  EXPECT_EQ(f.fixed().candles, 3);
}

TEST(SignalEngine, reference_default_combiner_runs_end_to_end_on_built_candles) {
  auto combiner = SignalCombiner::reference_default();
  SignalEngine engine(combiner);
  auto builder = std::move(market::CandleBuilder::create({})).value();
  std::optional<CombinedSignal> last;
  market::Candle c;
  for (int i = 0; i < 40; ++i) {  // a steady rise, one trade per 10 s candle
    const Timestamp t = kT0 + 10s * i + 1s;
    builder.on_trade(t, Decimal::from_int(100 + i).value(), "1"_d);
    while (builder.pop(c)) {
      const auto out = engine.on_candle(c, t);
      if (out.signal) last = out.signal;
    }
  }
  ASSERT_TRUE(last.has_value());
  // Fast says Buy 0.8, Momentum holds (RSI 100 > 70 but histogram ~0), Conservative holds.
  EXPECT_EQ(last->voters, 3U);
  EXPECT_NEAR(last->buy_score, 0.32, 1e-12);
  EXPECT_EQ(last->signal.kind, SignalKind::hold);
}

}  // namespace
}  // namespace nzeza::strategy

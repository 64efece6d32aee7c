#include <gtest/gtest.h>

#include <vector>

#include "candles.hpp"
#include "strategy/conservative_scalping.hpp"
#include "strategy/fast_scalping.hpp"
#include "strategy/mean_reversion.hpp"
#include "strategy/momentum_scalping.hpp"

namespace nzeza::strategy {
namespace {

using test::candle;

template <typename S>
void feed(S& s, const std::vector<double>& closes, double spread = 0.0) {
  int i = 0;
  for (double c : closes) s.on_candle(candle(i++, c, spread));
}

std::vector<double> ramp(double from, double step, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(from + step * i);
  return v;
}

TEST(FastScalping, no_signal_before_ten_candles) {
  FastScalping s;
  feed(s, ramp(100, 1, 9));
  EXPECT_FALSE(s.signal().has_value());
  s.on_candle(candle(9, 109));
  EXPECT_TRUE(s.signal().has_value());
}

TEST(FastScalping, rising_closes_buy_at_0_8_falling_sell_at_0_8) {
  FastScalping up;
  feed(up, ramp(100, 1, 12));
  EXPECT_EQ(up.signal(), (TradingSignal{SignalKind::buy, 0.8}));
  FastScalping down;
  feed(down, ramp(100, -1, 12));
  EXPECT_EQ(down.signal(), (TradingSignal{SignalKind::sell, 0.8}));
}

TEST(FastScalping, equal_emas_hold_at_0_5) {
  FastScalping s;
  feed(s, std::vector<double>(12, 100.0));
  EXPECT_EQ(s.signal(), (TradingSignal{SignalKind::hold, 0.5}));
}

TEST(FastScalping, uses_reference_periods_three_and_five) {
  FastScalping s;
  feed(s, ramp(10, 1, 10));  // closes 10..19
  // EMA3: seed mean(10,11,12) = 11, then each close adds k=0.5 of the gap: ends at 18.
  EXPECT_NEAR(*s.short_ema().value(), 18.0, 1e-9);
  // EMA5: seed 12, k = 1/3: on a unit ramp it settles at close - 2 = 17.
  EXPECT_NEAR(*s.long_ema().value(), 17.0, 1e-6);
}

TEST(FastScalping, config_validation_rejects_short_not_below_long) {
  FastScalpingConfig cfg;
  cfg.short_period = 5;
  const auto r = FastScalping::create(cfg);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("fast_scalping.short_period"), std::string::npos);
  cfg.short_period = 3;
  cfg.signal_confidence = 1.5;
  EXPECT_FALSE(FastScalping::create(cfg).ok());
}

TEST(MomentumScalping, warm_up_is_seventeen_candles_with_aligned_macd) {
  MomentumScalping s;
  EXPECT_EQ(s.warmup(), 17U);
  feed(s, ramp(100, 0.1, 16));
  EXPECT_FALSE(s.signal().has_value());
  s.on_candle(candle(16, 101.6));
  EXPECT_TRUE(s.signal().has_value());
}

TEST(MomentumScalping, oversold_with_turning_momentum_buys_at_0_9) {
  MomentumScalping s;
  auto closes = ramp(200, -1, 25);        // steady decline: RSI near 0, MACD histogram near 0
  closes.push_back(closes.back() + 0.3);  // small bounce: histogram turns positive
  feed(s, closes);
  ASSERT_LT(*s.rsi().value(), 30.0);
  ASSERT_GT(s.macd().value()->histogram, 0.0);
  EXPECT_EQ(s.signal(), (TradingSignal{SignalKind::buy, 0.9}));
}

TEST(MomentumScalping, overbought_with_fading_momentum_sells_at_0_9) {
  MomentumScalping s;
  auto closes = ramp(100, 1, 25);
  closes.push_back(closes.back() - 0.3);
  feed(s, closes);
  ASSERT_GT(*s.rsi().value(), 70.0);
  ASSERT_LT(s.macd().value()->histogram, 0.0);
  EXPECT_EQ(s.signal(), (TradingSignal{SignalKind::sell, 0.9}));
}

TEST(MomentumScalping, signal_line_gate_reproduces_reference_condition) {
  MomentumScalpingConfig cfg;
  cfg.gate = MacdGate::signal_line;
  MomentumScalping s(cfg);
  auto closes = ramp(200, -1, 25);
  closes.push_back(closes.back() + 0.3);
  feed(s, closes);
  // Oversold, but the (aligned) signal line is still negative: the reference's rule holds.
  ASSERT_LT(s.macd().value()->signal, 0.0);
  EXPECT_EQ(s.signal(), (TradingSignal{SignalKind::hold, 0.5}));
}

TEST(MomentumScalping, rejects_inverted_thresholds_and_bad_macd) {
  MomentumScalpingConfig cfg;
  cfg.oversold = 80;
  EXPECT_FALSE(MomentumScalping::create(cfg).ok());
  cfg = {};
  cfg.macd_fast = 13;
  EXPECT_FALSE(MomentumScalping::create(cfg).ok());
}

TEST(ConservativeScalping, breakdown_below_band_with_low_stochastic_and_vwap_buys_at_0_7) {
  ConservativeScalping s;
  auto closes = std::vector<double>(10, 100.0);
  for (double c : {99.5, 99.0, 98.5, 95.0}) closes.push_back(c);
  feed(s, closes, 0.1);
  const auto bb = s.bollinger().value();
  ASSERT_LT(95.0, bb->lower);
  ASSERT_LT(s.stochastic().value()->d, 20.0);
  ASSERT_LT(95.0, *s.vwap().value());
  EXPECT_EQ(s.signal(), (TradingSignal{SignalKind::buy, 0.7}));
}

TEST(ConservativeScalping, breakout_above_band_sells_and_quiet_market_holds_at_0_6) {
  ConservativeScalping up;
  auto closes = std::vector<double>(10, 100.0);
  for (double c : {100.5, 101.0, 101.5, 105.0}) closes.push_back(c);
  feed(up, closes, 0.1);
  EXPECT_EQ(up.signal(), (TradingSignal{SignalKind::sell, 0.7}));
  ConservativeScalping flat;
  feed(flat, std::vector<double>(12, 100.0), 0.1);
  EXPECT_EQ(flat.signal(), (TradingSignal{SignalKind::hold, 0.6}));
}

TEST(ConservativeScalping, no_signal_before_ten_candles) {
  ConservativeScalping s;
  feed(s, ramp(100, 1, 9), 0.5);
  EXPECT_FALSE(s.signal().has_value());
}

TEST(MeanReversion, stretched_drop_buys_with_confidence_growing_with_z) {
  MeanReversion s;
  std::vector<double> closes;
  for (int i = 0; i < 25; ++i) closes.push_back(100.0 + (i % 2 == 0 ? 0.5 : -0.5));
  closes.push_back(93.0);  // RSI(14) ~31.7 after a 7.5 drop
  feed(s, closes);
  const double z = *s.z_score();
  ASSERT_LT(z, -2.0);
  const auto sig = s.signal();
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(sig->kind, SignalKind::buy);
  const double expected = std::min(0.6 + 0.1 * (-z - 2.0), 0.9);
  EXPECT_NEAR(sig->confidence, expected, 1e-12);
}

TEST(MeanReversion, stretched_rise_sells_and_calm_market_holds) {
  MeanReversion up;
  std::vector<double> closes;
  for (int i = 0; i < 25; ++i) closes.push_back(100.0 + (i % 2 == 0 ? 0.5 : -0.5));
  auto rise = closes;
  rise.push_back(108.0);
  feed(up, rise);
  ASSERT_TRUE(up.signal().has_value());
  EXPECT_EQ(up.signal()->kind, SignalKind::sell);
  MeanReversion calm;
  feed(calm, closes);
  EXPECT_EQ(calm.signal(), (TradingSignal{SignalKind::hold, 0.5}));
}

TEST(MeanReversion, reset_restarts_warm_up) {
  MeanReversion s;
  feed(s, ramp(100, 0.1, 30));
  ASSERT_TRUE(s.signal().has_value());
  s.reset();
  EXPECT_FALSE(s.signal().has_value());
  EXPECT_EQ(s.warmup(), 20U);
}

TEST(MeanReversion, rejects_bad_config) {
  MeanReversionConfig cfg;
  cfg.period = 1;
  EXPECT_FALSE(MeanReversion::create(cfg).ok());
  cfg = {};
  cfg.max_confidence = 0.5;  // below base_confidence
  EXPECT_FALSE(MeanReversion::create(cfg).ok());
}

TEST(Strategies, an_inverted_pair_of_settings_is_refused_naming_both_settings_and_values) {
  FastScalpingConfig fast;
  fast.short_period = 5;
  EXPECT_EQ(FastScalping::create(fast).error().message,
            "fast_scalping.short_period (5) must be below long_period (5)");
  MomentumScalpingConfig momentum;
  momentum.oversold = 80;
  EXPECT_EQ(MomentumScalping::create(momentum).error().message,
            "momentum_scalping.oversold (80.000000) must be below overbought (70.000000)");
  ConservativeScalpingConfig conservative;
  conservative.stochastic_low = 80;
  EXPECT_EQ(ConservativeScalping::create(conservative).error().message,
            "conservative_scalping.stochastic_low (80.000000) must be below stochastic_high "
            "(80.000000)");
}

// After reset() a strategy waits out its warm-up again and then says exactly what a fresh one
// fed the same candles says.
template <typename S>
void expect_reset_behaves_as_new() {
  const auto first = ramp(100, 0.7, 40);
  auto second = ramp(150, -0.9, 40);
  second.push_back(second.back() + 0.4);
  S used;
  feed(used, first, 0.2);
  ASSERT_TRUE(used.signal().has_value()) << used.name();
  used.reset();
  EXPECT_FALSE(used.signal().has_value()) << used.name();
  S fresh;
  feed(used, second, 0.2);
  feed(fresh, second, 0.2);
  ASSERT_TRUE(fresh.signal().has_value()) << fresh.name();
  EXPECT_EQ(used.signal(), fresh.signal()) << used.name();
}

TEST(Strategies, reset_waits_out_the_warm_up_again_then_signals_as_a_fresh_strategy) {
  expect_reset_behaves_as_new<FastScalping>();
  expect_reset_behaves_as_new<MomentumScalping>();
  expect_reset_behaves_as_new<ConservativeScalping>();
  expect_reset_behaves_as_new<MeanReversion>();
}

}  // namespace
}  // namespace nzeza::strategy

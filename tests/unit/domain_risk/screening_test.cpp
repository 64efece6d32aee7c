#include "domain/screening.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace nzeza::domain {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

Screener default_screener() {
  auto s = Screener::create(ScreeningConfig{});
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

// n candles closing at 100 whose (high − low) / close is `range_pct` percent.
std::vector<ScreeningCandle> candles_with_range(std::size_t n, double range_pct,
                                                double volume = 0.0) {
  return std::vector<ScreeningCandle>(
      n, ScreeningCandle{100.0, 100.0 + range_pct, 100.0, 100.0, volume});
}

double sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

// --- volatility ----------------------------------------------------------------------------

TEST(ScreeningVolatilityTest, mean_range_at_midpoint_scores_one_half) {
  const auto s = default_screener();
  const auto c = candles_with_range(10, 1.5);
  double mean = 0.0;
  std::size_t used = 0;
  const auto v = s.volatility_score(c, &mean, &used);
  ASSERT_TRUE(v.has_value());
  EXPECT_NEAR(*v, 0.5, 1e-12);
  EXPECT_NEAR(mean, 1.5, 1e-12);
  EXPECT_EQ(used, 10u);
}

TEST(ScreeningVolatilityTest, averages_candle_ranges_through_the_sigmoid) {
  const auto s = default_screener();
  auto c = candles_with_range(5, 1.0);
  const auto high = candles_with_range(5, 3.0);
  c.insert(c.end(), high.begin(), high.end());  // mean 2 % → sigmoid(2 × 0.5)
  EXPECT_NEAR(*s.volatility_score(c), 0.7310585786300049, 1e-12);
  EXPECT_NEAR(*s.volatility_score(candles_with_range(12, 2.5)), 0.8807970779778823, 1e-12);
}

TEST(ScreeningVolatilityTest, flat_market_scores_below_0_1_and_three_percent_above_0_7) {
  const auto s = default_screener();  // the spec's two scenarios
  EXPECT_NEAR(*s.volatility_score(candles_with_range(20, 0.0)), sigmoid(-3.0), 1e-12);
  EXPECT_LT(*s.volatility_score(candles_with_range(20, 0.0)), 0.1);
  EXPECT_GT(*s.volatility_score(candles_with_range(20, 3.0)), 0.7);
}

TEST(ScreeningVolatilityTest, uses_only_the_last_twenty_candles) {
  const auto s = default_screener();
  auto c = candles_with_range(5, 50.0);  // old and wild
  const auto recent = candles_with_range(20, 1.5);
  c.insert(c.end(), recent.begin(), recent.end());
  EXPECT_NEAR(*s.volatility_score(c), 0.5, 1e-12);
}

TEST(ScreeningVolatilityTest, needs_ten_valid_candles_and_skips_invalid_ones) {
  const auto s = default_screener();
  EXPECT_FALSE(s.volatility_score(candles_with_range(9, 1.5)).has_value());
  auto c = candles_with_range(10, 1.5);
  c[3].high = kNaN;  // non-finite
  c[4].high = 99.0;  // high < low
  c[5].close = 0.0;  // no price
  c[6].low = -1.0;   // negative price
  std::size_t used = 0;
  EXPECT_FALSE(s.volatility_score(c, nullptr, &used).has_value());
  EXPECT_EQ(used, 6u);
  const auto more = candles_with_range(4, 1.5);
  c.insert(c.end(), more.begin(), more.end());  // 10 valid among 14
  EXPECT_NEAR(*s.volatility_score(c), 0.5, 1e-12);
}

TEST(ScreeningVolatilityTest, screen_reports_insufficient_candles_so_the_symbol_is_skipped) {
  const auto s = default_screener();
  const auto c = candles_with_range(5, 1.5);
  ScreeningInput in;
  in.symbol = "BTC-USD";
  in.candles = c;
  auto r = s.screen(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "BTC-USD: insufficient candles for volatility (have 5, need 10)");
}

// --- volume --------------------------------------------------------------------------------

TEST(ScreeningVolumeTest, sums_quote_volume_against_one_million) {
  const auto s = default_screener();
  double quote = 0.0;
  EXPECT_NEAR(s.volume_score(candles_with_range(10, 1.0, 200.0), &quote), 0.2, 1e-12);
  EXPECT_NEAR(quote, 200'000.0, 1e-6);
  EXPECT_EQ(s.volume_score(candles_with_range(10, 1.0, 50'000.0)), 1.0);        // $50M: capped
  EXPECT_NEAR(s.volume_score(candles_with_range(1, 1.0, 100.0)), 0.01, 1e-12);  // $10k
}

TEST(ScreeningVolumeTest, only_the_last_sixty_candles_count) {
  const auto s = default_screener();
  auto c = candles_with_range(10, 1.0, 10'000.0);         // $1M each, too old
  const auto recent = candles_with_range(60, 1.0, 10.0);  // $1000 each
  c.insert(c.end(), recent.begin(), recent.end());
  EXPECT_NEAR(s.volume_score(c), 0.06, 1e-12);
}

TEST(ScreeningVolumeTest, missing_or_invalid_volume_scores_zero_or_is_skipped) {
  const auto s = default_screener();
  EXPECT_EQ(s.volume_score({}), 0.0);
  auto c = candles_with_range(3, 1.0, 1000.0);  // $100k each
  c[0].volume = kNaN;
  c[1].volume = -5.0;
  EXPECT_NEAR(s.volume_score(c), 0.1, 1e-12);
  c[2].close = kInf;
  EXPECT_EQ(s.volume_score(c), 0.0);
}

// --- spread --------------------------------------------------------------------------------

TEST(ScreeningSpreadTest, tight_spread_scores_near_one_and_wide_spread_zero) {
  const auto s = default_screener();
  EXPECT_NEAR(s.spread_score(ScreeningBook{99.995, 100.005}), 0.99, 1e-9);  // 0.01 %
  EXPECT_NEAR(s.spread_score(ScreeningBook{99.75, 100.25}), 0.5, 1e-12);    // 0.5 %
  EXPECT_EQ(s.spread_score(ScreeningBook{99.0, 101.0}), 0.0);               // 2 %
  EXPECT_EQ(s.spread_score(ScreeningBook{100.0, 100.0}), 1.0);
}

TEST(ScreeningSpreadTest, no_book_is_neutral_and_a_bad_book_scores_zero) {
  const auto s = default_screener();
  EXPECT_EQ(s.spread_score(std::nullopt), 0.5);
  EXPECT_EQ(s.spread_score(ScreeningBook{101.0, 100.0}), 0.0);  // crossed
  EXPECT_EQ(s.spread_score(ScreeningBook{kNaN, 100.0}), 0.0);
  EXPECT_EQ(s.spread_score(ScreeningBook{0.0, 100.0}), 0.0);
}

// --- momentum ------------------------------------------------------------------------------

TEST(ScreeningMomentumTest, maps_rsi_to_point_one_point_five_point_nine) {
  const auto s = default_screener();
  MomentumInputs m;
  m.rsi = 25.0;
  EXPECT_NEAR(s.momentum_score(m), 0.1, 1e-12);
  m.rsi = 30.0;
  EXPECT_NEAR(s.momentum_score(m), 0.5, 1e-12);
  m.rsi = 70.0;
  EXPECT_NEAR(s.momentum_score(m), 0.5, 1e-12);
  m.rsi = 70.5;
  EXPECT_NEAR(s.momentum_score(m), 0.9, 1e-12);
}

TEST(ScreeningMomentumTest, weights_rsi_and_macd_six_to_four_and_adds_ema_confirmation) {
  const auto s = default_screener();
  MomentumInputs m;
  m.rsi = 80.0;
  m.macd_histogram = 0.5;
  EXPECT_NEAR(s.momentum_score(m), 0.86, 1e-12);  // 0.6×0.9 + 0.4×0.8
  m.ema_fast = 101.0;
  m.ema_slow = 100.0;
  EXPECT_NEAR(s.momentum_score(m), 0.96, 1e-12);
  m.rsi = 25.0;
  m.macd_histogram = -1.0;
  m.ema_fast = 99.0;
  EXPECT_NEAR(s.momentum_score(m), 0.04, 1e-12);  // 0.6×0.1 + 0.4×0.2 − 0.1
}

TEST(ScreeningMomentumTest, macd_zero_crossing_is_a_neutral_reversal) {
  const auto s = default_screener();
  MomentumInputs m;
  m.macd_histogram = 0.3;
  EXPECT_NEAR(s.momentum_score(m), 0.8, 1e-12);  // only MACD available
  m.previous_macd_histogram = -0.2;
  EXPECT_NEAR(s.momentum_score(m), 0.5, 1e-12);
  m.previous_macd_histogram = 0.1;
  EXPECT_NEAR(s.momentum_score(m), 0.8, 1e-12);
}

TEST(ScreeningMomentumTest, missing_indicators_are_left_out_and_none_is_neutral) {
  const auto s = default_screener();
  MomentumInputs m;
  EXPECT_EQ(s.momentum_score(m), 0.5);
  m.rsi = kNaN;
  m.macd_histogram = kInf;
  m.ema_fast = kNaN;
  m.ema_slow = 1.0;
  EXPECT_EQ(s.momentum_score(m), 0.5);
  m.rsi = 150.0;  // impossible RSI: left out
  EXPECT_EQ(s.momentum_score(m), 0.5);
}

TEST(ScreeningMomentumTest, ema_adjustment_is_clamped_to_the_unit_interval) {
  const auto s = default_screener();
  MomentumInputs m;
  m.rsi = 90.0;
  m.ema_fast = 2.0;
  m.ema_slow = 1.0;
  EXPECT_NEAR(s.momentum_score(m), 1.0, 1e-12);
  EXPECT_LE(s.momentum_score(m), 1.0);
  m.rsi = 10.0;
  m.ema_fast = 0.5;
  EXPECT_NEAR(s.momentum_score(m), 0.0, 1e-12);
}

// --- overall, categories, ranking ----------------------------------------------------------

TEST(ScreeningOverallTest, spec_worked_example_sums_to_0_765_not_the_spec_printed_0_755) {
  // The spec's example prints 0.755, but 0.3×0.85 + 0.3×0.70 + 0.2×0.90 + 0.2×0.60
  // = 0.255 + 0.210 + 0.180 + 0.120 = 0.765 (docs/domain/risk.md §5). Category: best either way.
  const auto s = default_screener();
  const double overall = s.overall_score(0.85, 0.70, 0.90, 0.60);
  EXPECT_NEAR(overall, 0.765, 1e-12);
  EXPECT_EQ(categorize(overall), ScreeningCategory::best_candidate);
}

TEST(ScreeningOverallTest, nan_component_counts_as_zero) {
  const auto s = default_screener();
  EXPECT_NEAR(s.overall_score(kNaN, 1.0, 1.0, 1.0), 0.7, 1e-12);
}

TEST(ScreeningOverallTest, categories_follow_thresholds) {
  EXPECT_EQ(categorize(0.75), ScreeningCategory::best_candidate);
  EXPECT_EQ(categorize(0.7499), ScreeningCategory::good_candidate);
  EXPECT_EQ(categorize(0.60), ScreeningCategory::good_candidate);
  EXPECT_EQ(categorize(0.50), ScreeningCategory::fair_candidate);
  EXPECT_EQ(categorize(0.4999), ScreeningCategory::avoid);
  EXPECT_EQ(categorize(kNaN), ScreeningCategory::avoid);
  EXPECT_EQ(to_string(ScreeningCategory::best_candidate), "BestCandidate");
  EXPECT_EQ(to_string(ScreeningCategory::avoid), "Avoid");
}

TEST(ScreeningOverallTest, configured_weights_are_used) {
  ScreeningConfig c;
  c.weights = ScreeningWeights{1.0, 0.0, 0.0, 0.0};
  const auto s = Screener::create(c);
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->overall_score(0.42, 1.0, 1.0, 1.0), 0.42, 1e-12);
}

TEST(ScreeningOverallTest, weights_must_be_non_negative_finite_and_sum_to_one) {
  ScreeningWeights w{0.3, 0.3, 0.2, 0.3};
  EXPECT_EQ(w.validate().error().message, "screening config: weights must sum to 1, got 1.100000");
  w = ScreeningWeights{-0.1, 0.5, 0.4, 0.2};
  EXPECT_EQ(w.validate().error().message,
            "screening config: weights.volatility must be finite and >= 0");
  w = ScreeningWeights{0.3, kNaN, 0.2, 0.2};
  EXPECT_FALSE(w.validate().ok());
  ScreeningConfig c;
  c.min_candles = 30;  // more than the 20-candle window
  EXPECT_FALSE(Screener::create(c).ok());
}

TEST(ScreeningRankTest, sorts_descending_breaks_ties_by_symbol_and_assigns_ranks) {
  std::vector<ScreeningScore> v(4);
  v[0].symbol = "C";
  v[0].overall = 0.63;
  v[1].symbol = "B";
  v[1].overall = 0.85;
  v[2].symbol = "A";
  v[2].overall = 0.63;
  v[3].symbol = "D";
  v[3].overall = 0.42;
  const auto r = Screener::rank(v);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].symbol, "B");
  EXPECT_EQ(r[1].symbol, "A");
  EXPECT_EQ(r[2].symbol, "C");
  EXPECT_EQ(r[3].symbol, "D");
  EXPECT_EQ(r[0].rank, 1u);
  EXPECT_EQ(r[3].rank, 4u);
  EXPECT_EQ(r[0].category, ScreeningCategory::best_candidate);
  EXPECT_EQ(r[3].category, ScreeningCategory::avoid);
}

TEST(ScreeningRankTest, nan_scores_sort_last_without_crashing) {
  std::vector<ScreeningScore> v(3);
  v[0].symbol = "NAN";
  v[0].overall = kNaN;
  v[1].symbol = "LOW";
  v[1].overall = 0.1;
  v[2].symbol = "NAN2";
  v[2].overall = kNaN;
  const auto r = Screener::rank(v);
  EXPECT_EQ(r[0].symbol, "LOW");
  EXPECT_EQ(r[1].symbol, "NAN");
  EXPECT_EQ(r[2].symbol, "NAN2");
}

TEST(ScreeningRankTest, top_candidates_keep_scores_at_or_above_threshold_up_to_limit) {
  const auto s = default_screener();
  std::vector<ScreeningScore> v(4);
  const double scores[] = {0.85, 0.78, 0.63, 0.42};
  const char* names[] = {"A", "B", "C", "D"};
  for (int i = 0; i < 4; ++i) {
    v[i].symbol = names[i];
    v[i].overall = scores[i];
  }
  EXPECT_EQ(s.top_candidates(v).size(), 3u);
  const auto top2 = s.top_candidates(v, 2);
  ASSERT_EQ(top2.size(), 2u);
  EXPECT_EQ(top2[1].symbol, "B");
}

TEST(ScreeningScreenTest, full_screen_combines_the_four_scores) {
  const auto s = default_screener();
  const auto c = candles_with_range(20, 1.5, 250.0);  // volatility 0.5; $500k → 0.5
  ScreeningInput in;
  in.symbol = "ETH-USD";
  in.venue = Venue::coinbase;
  in.candles = c;
  in.book = ScreeningBook{99.75, 100.25};  // 0.5
  in.momentum.rsi = 80.0;                  // 0.9
  auto r = s.screen(in);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->volatility, 0.5, 1e-12);
  EXPECT_NEAR(r->volume, 0.5, 1e-12);
  EXPECT_NEAR(r->spread, 0.5, 1e-12);
  EXPECT_NEAR(r->momentum, 0.9, 1e-12);
  EXPECT_NEAR(r->overall, 0.58, 1e-12);  // 0.3×0.5 + 0.3×0.5 + 0.2×0.5 + 0.2×0.9
  EXPECT_EQ(r->category, ScreeningCategory::fair_candidate);
  EXPECT_EQ(r->candles_used, 20u);
}

// --- property: any input, including NaN and infinities, gives finite scores in [0, 1] ------

rc::Gen<double> any_double() {
  return rc::gen::oneOf(rc::gen::arbitrary<double>(),
                        rc::gen::element(kNaN, kInf, -kInf, 0.0, -1.0, 1e308, 100.0, 50.0));
}

RC_GTEST_PROP(ScreeningProperty, every_score_is_finite_and_in_unit_interval, ()) {
  const auto s = default_screener();
  const auto n = *rc::gen::inRange<std::size_t>(0, 80);
  std::vector<ScreeningCandle> candles;
  for (std::size_t i = 0; i < n; ++i) {
    const bool sane = *rc::gen::arbitrary<bool>();
    if (sane) {
      const double close = *rc::gen::inRange(1, 100000);
      const double range = *rc::gen::inRange(0, 1000) / 100.0;
      candles.push_back(
          {close, close + range, close, close, static_cast<double>(*rc::gen::inRange(0, 100000))});
    } else {
      candles.push_back(
          {*any_double(), *any_double(), *any_double(), *any_double(), *any_double()});
    }
  }
  ScreeningInput in;
  in.symbol = "X";
  in.candles = candles;
  if (*rc::gen::arbitrary<bool>()) in.book = ScreeningBook{*any_double(), *any_double()};
  in.momentum =
      MomentumInputs{*any_double(), *any_double(), *any_double(), *any_double(), *any_double()};
  const auto in_unit = [](double v) { return std::isfinite(v) && v >= 0.0 && v <= 1.0; };
  RC_ASSERT(in_unit(s.volume_score(in.candles)));
  RC_ASSERT(in_unit(s.spread_score(in.book)));
  RC_ASSERT(in_unit(s.momentum_score(in.momentum)));
  if (auto v = s.volatility_score(in.candles)) RC_ASSERT(in_unit(*v));
  auto r = s.screen(in);
  if (r.ok()) {
    RC_ASSERT(in_unit(r->overall));
    const auto ranked = Screener::rank({*r, *r});
    RC_ASSERT(ranked.size() == 2u);
  }
}

}  // namespace
}  // namespace nzeza::domain

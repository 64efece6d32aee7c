#include "market/rsi.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace nzeza::market {
namespace {

// StockCharts ChartSchool, "Relative Strength Index (RSI)", 14-period worked example
// (cs-rsi spreadsheet, Wilder's smoothing). Closes and the published RSI column (2 decimals).
// Recomputed with exact rationals in Python, the values agree to the last published digit.
const std::vector<double> kCloses = {44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955,
                                     45.4245, 45.8433, 46.0826, 45.8931, 46.0328, 45.6140, 46.2820,
                                     46.2820, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122,
                                     46.2521, 45.7137, 46.4515, 45.7835, 45.3548, 44.0288, 44.1783,
                                     44.2181, 44.5672, 43.4205, 42.6628, 43.1314};
const std::vector<double> kPublishedRsi = {70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93,
                                           63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46,
                                           41.87, 45.46, 37.30, 33.08, 37.77};

TEST(Rsi, wilder_matches_stockcharts_fourteen_period_table) {
  Rsi rsi(14, RsiMethod::wilder);
  std::size_t out = 0;
  for (std::size_t i = 0; i < kCloses.size(); ++i) {
    const auto v = rsi.update(kCloses[i]);
    if (i < 14) {
      EXPECT_FALSE(v.has_value()) << i;
      continue;
    }
    ASSERT_TRUE(v.has_value());
    EXPECT_NEAR(*v, kPublishedRsi[out], 0.005) << "close index " << i;
    ++out;
  }
  EXPECT_EQ(out, kPublishedRsi.size());
}

TEST(Rsi, cutler_reference_uses_simple_window_means) {
  // period 2 by hand: closes 10, 11, 10.5, 12 → changes +1, -0.5, +1.5.
  // window (+1, -0.5): gain 0.5, loss 0.25, RS 2, RSI 66.666..
  // window (-0.5, +1.5): gain 0.75, loss 0.25, RS 3, RSI 75
  Rsi rsi(2, RsiMethod::cutler_reference);
  rsi.update(10.0);
  rsi.update(11.0);
  EXPECT_NEAR(*rsi.update(10.5), 200.0 / 3.0, 1e-9);
  EXPECT_NEAR(*rsi.update(12.0), 75.0, 1e-9);
}

TEST(Rsi, cutler_reference_caps_at_99_01_without_losses) {
  // The reference sets RS = 100 when the average loss is 0: RSI = 100 - 100/101.
  Rsi rsi(3, RsiMethod::cutler_reference);
  for (double c : {1.0, 2.0, 3.0, 4.0}) rsi.update(c);
  EXPECT_NEAR(*rsi.value(), 99.00990099, 1e-6);
}

TEST(Rsi, cutler_reference_flat_window_also_reports_99_01) {
  Rsi rsi(3, RsiMethod::cutler_reference);
  for (double c : {5.0, 5.0, 5.0, 5.0}) rsi.update(c);
  EXPECT_NEAR(*rsi.value(), 99.00990099, 1e-6);
}

TEST(Rsi, cutler_reference_returns_to_cap_exactly_after_losses_leave_the_window) {
  Rsi rsi(2, RsiMethod::cutler_reference);
  for (double c : {10.0, 9.9, 10.1, 10.3, 10.6}) rsi.update(c);  // last window: +0.2, +0.3
  EXPECT_NEAR(*rsi.value(), 100.0 - 100.0 / 101.0, 1e-12);
}

TEST(Rsi, wilder_is_100_without_losses_and_50_when_flat) {
  Rsi up(3);
  for (double c : {1.0, 2.0, 3.0, 4.0}) up.update(c);
  EXPECT_DOUBLE_EQ(*up.value(), 100.0);
  Rsi flat(3);
  for (double c : {7.0, 7.0, 7.0, 7.0}) flat.update(c);
  EXPECT_DOUBLE_EQ(*flat.value(), 50.0);
}

TEST(Rsi, needs_period_plus_one_closes) {
  Rsi rsi(7);
  for (int i = 0; i < 7; ++i) EXPECT_FALSE(rsi.update(100.0 + i)) << i;
  EXPECT_TRUE(rsi.update(108.0));
}

TEST(Rsi, create_rejects_zero_period) {
  const auto r = Rsi::create(0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("RSI period"), std::string::npos);
}

}  // namespace
}  // namespace nzeza::market

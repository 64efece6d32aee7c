// The summary's maths on hand-made equity series: drawdown, Sharpe and Sortino as
// app/backtest.hpp defines them.

#include <gtest/gtest.h>

#include <cmath>

#include "app/backtest.hpp"

namespace nzeza::app {
namespace {

std::vector<EquityPoint> series(std::initializer_list<const char*> values) {
  std::vector<EquityPoint> out;
  std::int64_t t = 1'700'000'000;
  for (const char* v : values)
    out.push_back({Timestamp::from_seconds(t++), Decimal::parse(v).value()});
  return out;
}

TEST(EquityStats, drawdown_is_measured_from_the_running_peak_in_money_and_as_a_fraction) {
  // Peak 120, trough 90: 30 (25 %); later peak 130, trough 110: 20 (15.4 %).
  const auto e = series({"100", "120", "90", "130", "110"});
  const EquityStats s = equity_stats(e, std::chrono::seconds(1));
  EXPECT_EQ(s.max_drawdown, Decimal::from_integer(30));
  EXPECT_DOUBLE_EQ(s.max_drawdown_fraction, 0.25);
  ASSERT_EQ(s.drawdown.size(), 5u);
  EXPECT_DOUBLE_EQ(s.drawdown[0], 0.0);
  EXPECT_DOUBLE_EQ(s.drawdown[2], 0.25);
  EXPECT_DOUBLE_EQ(s.drawdown[4], 20.0 / 130.0);
}

TEST(EquityStats,
     sharpe_and_sortino_are_the_mean_return_over_its_spreads_annualised_by_the_interval) {
  // Returns: +10 %, -10 %, +10 %.
  const auto e = series({"100", "110", "99", "108.9"});
  const EquityStats s = equity_stats(e, std::chrono::hours(24));
  const double mean = 0.1 / 3.0;
  const double var = (std::pow(0.1 - mean, 2) * 2 + std::pow(-0.1 - mean, 2)) / 3.0;
  const double down = std::sqrt(0.01 / 3.0);
  ASSERT_TRUE(s.sharpe && s.sortino);
  EXPECT_NEAR(*s.sharpe, mean / std::sqrt(var) * std::sqrt(365.0), 1e-9);
  EXPECT_NEAR(*s.sortino, mean / down * std::sqrt(365.0), 1e-9);
}

TEST(EquityStats, a_flat_or_rising_series_has_no_drawdown_and_leaves_undefined_ratios_undefined) {
  const EquityStats flat = equity_stats(series({"100", "100", "100"}), std::chrono::seconds(10));
  EXPECT_EQ(flat.max_drawdown, Decimal{});
  EXPECT_FALSE(flat.sharpe.has_value());  // no spread
  EXPECT_FALSE(flat.sortino.has_value());
  const EquityStats rising = equity_stats(series({"100", "101", "103"}), std::chrono::seconds(10));
  EXPECT_EQ(rising.max_drawdown_fraction, 0.0);
  ASSERT_TRUE(rising.sharpe.has_value());
  EXPECT_GT(*rising.sharpe, 0.0);
  EXPECT_FALSE(rising.sortino.has_value());  // no losing period: no downside to divide by
}

TEST(EquityStats, fewer_than_two_returns_leave_the_ratios_undefined) {
  const EquityStats one = equity_stats(series({"100", "90"}), std::chrono::seconds(10));
  EXPECT_FALSE(one.sharpe.has_value());
  EXPECT_EQ(one.max_drawdown, Decimal::from_integer(10));
  const EquityStats none = equity_stats({}, std::chrono::seconds(10));
  EXPECT_TRUE(none.drawdown.empty());
}

}  // namespace
}  // namespace nzeza::app

#include "market/ema.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace nzeza::market {
namespace {

// StockCharts ChartSchool, "Moving Averages - Simple and Exponential", 10-day EMA worked
// example (cs-ema spreadsheet): the closes below. Expected EMA values recomputed independently
// with Python's fractions (exact rationals) from the published method (SMA seed, k = 2/11);
// rounded to 2 decimals they are the spreadsheet's column (22.22, 22.21, 22.24, 22.27, ...).
const std::vector<double> kCloses = {22.27, 22.19, 22.08, 22.17, 22.18, 22.13, 22.23, 22.43,
                                     22.24, 22.29, 22.15, 22.39, 22.38, 22.61, 23.36, 24.05,
                                     23.75, 23.83, 23.95, 23.63, 23.82, 23.87, 23.65, 23.19,
                                     23.10, 23.33, 22.68, 23.10, 22.40, 22.17};
const std::vector<double> kEma10 = {
    22.221,    22.208091, 22.241165, 22.266408, 22.328879, 22.516356, 22.7952,
    22.9688,   23.125382, 23.275312, 23.339801, 23.42711,  23.507635, 23.53352,
    23.471062, 23.403596, 23.390215, 23.261085, 23.231797, 23.080561, 22.915004};

TEST(Ema, matches_stockcharts_ten_day_worked_example) {
  Ema ema(10);
  std::size_t out = 0;
  for (std::size_t i = 0; i < kCloses.size(); ++i) {
    const auto v = ema.update(kCloses[i]);
    if (i < 9) {
      EXPECT_FALSE(v.has_value()) << i;
      continue;
    }
    ASSERT_TRUE(v.has_value()) << i;
    EXPECT_NEAR(*v, kEma10[out], 5e-6) << "close index " << i;
    ++out;
  }
  EXPECT_EQ(out, kEma10.size());
}

TEST(Ema, seed_is_simple_mean_of_first_period_values) {
  Ema ema(3);
  EXPECT_FALSE(ema.update(1.0));
  EXPECT_FALSE(ema.update(2.0));
  EXPECT_DOUBLE_EQ(*ema.update(6.0), 3.0);
  // k = 0.5: (10 - 3)*0.5 + 3 = 6.5
  EXPECT_DOUBLE_EQ(*ema.update(10.0), 6.5);
  EXPECT_DOUBLE_EQ(ema.multiplier(), 0.5);
}

TEST(Ema, create_rejects_zero_and_huge_periods) {
  const auto zero = Ema::create(0);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(zero.error().message.find("EMA period"), std::string::npos);
  EXPECT_FALSE(Ema::create(1'000'000).ok());
  EXPECT_TRUE(Ema::create(1).ok());
}

TEST(Ema, reset_restarts_warm_up) {
  Ema ema(2);
  ema.update(1.0);
  ema.update(3.0);
  ASSERT_TRUE(ema.ready());
  ema.reset();
  EXPECT_FALSE(ema.ready());
  EXPECT_FALSE(ema.update(10.0));
  EXPECT_DOUBLE_EQ(*ema.update(20.0), 15.0);
}

}  // namespace
}  // namespace nzeza::market

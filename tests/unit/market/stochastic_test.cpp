#include "market/stochastic.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace nzeza::market {
namespace {

// Hand-computed table (Python, exact rationals): Stochastic(5, 3) over ten candles.
// %K = 100 (C - LL5) / (HH5 - LL5); %D = mean of the last three %K.
const std::vector<double> kHigh = {127.01, 127.62, 126.59, 127.35, 128.17,
                                   128.43, 127.37, 126.42, 126.90, 126.85};
const std::vector<double> kLow = {125.36, 126.16, 124.93, 126.09, 126.82,
                                  126.48, 126.03, 124.83, 126.39, 125.72};
const std::vector<double> kClose = {126.00, 127.29, 125.05, 127.00, 128.00,
                                    127.50, 126.50, 125.00, 126.60, 126.10};
const std::vector<double> kK = {94.7530864198, 73.4285714286, 44.8571428571,
                                4.7222222222,  49.1666666667, 35.2777777778};
const std::vector<double> kD = {71.0129335685, 41.0026455026, 32.9153439153, 29.7222222222};

TEST(Stochastic, k_and_d_match_hand_computed_table) {
  Stochastic st(5, 3);
  for (std::size_t i = 0; i < kClose.size(); ++i) {
    const auto v = st.update(kHigh[i], kLow[i], kClose[i]);
    if (i >= 4) {
      ASSERT_TRUE(st.k().has_value());
      EXPECT_NEAR(*st.k(), kK[i - 4], 1e-9) << i;
    } else {
      EXPECT_FALSE(st.k().has_value());
    }
    if (i < 6) {
      EXPECT_FALSE(v.has_value()) << i;
    } else {
      ASSERT_TRUE(v.has_value()) << i;
      EXPECT_NEAR(v->d, kD[i - 6], 1e-9) << i;
    }
  }
}

TEST(Stochastic, flat_range_gives_fifty_as_the_reference) {
  Stochastic st(3, 1);
  std::optional<StochasticValue> v;
  for (int i = 0; i < 3; ++i) v = st.update(10.0, 10.0, 10.0);
  ASSERT_TRUE(v.has_value());
  EXPECT_DOUBLE_EQ(v->k, 50.0);
  EXPECT_DOUBLE_EQ(v->d, 50.0);
}

TEST(Stochastic, create_rejects_zero_periods) {
  EXPECT_FALSE(Stochastic::create(0, 3).ok());
  EXPECT_FALSE(Stochastic::create(7, 0).ok());
  EXPECT_TRUE(Stochastic::create(7, 3).ok());
}

}  // namespace
}  // namespace nzeza::market

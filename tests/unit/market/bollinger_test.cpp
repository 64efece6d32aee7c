#include "market/bollinger.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace nzeza::market {
namespace {

// Hand-computed table (Python, exact rationals for the mean and the squared deviations, then
// sqrt): Bollinger(5, 2) over the first ten StockCharts EMA-example closes.
const std::vector<double> kCloses = {22.27, 22.19, 22.08, 22.17, 22.18,
                                     22.13, 22.23, 22.43, 22.24, 22.29};
struct Row {
  double middle, pop_sigma, upper_pop, upper_sample;
};
const std::vector<Row> kTable = {
    {22.178, 0.0604648658, 22.2989297317, 22.3132035502},
    {22.150, 0.0404969135, 22.2309938269, 22.2405538514},
    {22.158, 0.0503587132, 22.2587174265, 22.2706055061},
    {22.228, 0.1059056184, 22.4398112367, 22.4648121618},
    {22.242, 0.1018626526, 22.4457253053, 22.4697718156},
    {22.264, 0.0978979060, 22.4597958120, 22.4829063727},
};

TEST(Bollinger, population_sigma_matches_hand_computed_table) {
  Bollinger bb(5, 2.0, SigmaKind::population);
  std::size_t row = 0;
  for (std::size_t i = 0; i < kCloses.size(); ++i) {
    const auto v = bb.update(kCloses[i]);
    if (i < 4) {
      EXPECT_FALSE(v.has_value());
      continue;
    }
    ASSERT_TRUE(v.has_value());
    EXPECT_NEAR(v->middle, kTable[row].middle, 1e-9);
    EXPECT_NEAR(v->sigma, kTable[row].pop_sigma, 1e-9);
    EXPECT_NEAR(v->upper, kTable[row].upper_pop, 1e-9);
    EXPECT_NEAR(v->lower, 2 * kTable[row].middle - kTable[row].upper_pop, 1e-9);
    ++row;
  }
}

TEST(Bollinger, sample_sigma_option_divides_by_n_minus_one) {
  Bollinger bb(5, 2.0, SigmaKind::sample);
  std::optional<BollingerValue> v;
  for (double c : kCloses) v = bb.update(c);
  ASSERT_TRUE(v.has_value());
  EXPECT_NEAR(v->upper, kTable.back().upper_sample, 1e-9);
}

TEST(Bollinger, z_score_is_zero_for_a_flat_window) {
  Bollinger bb(3, 2.0);
  for (int i = 0; i < 3; ++i) bb.update(50.0);
  EXPECT_DOUBLE_EQ(*bb.z_score(50.0), 0.0);
  EXPECT_DOUBLE_EQ(bb.value()->upper, 50.0);
}

TEST(Bollinger, create_rejects_bad_parameters) {
  EXPECT_FALSE(Bollinger::create(0, 2.0).ok());
  EXPECT_FALSE(Bollinger::create(10, -1.0).ok());
  EXPECT_FALSE(Bollinger::create(10, std::nan("")).ok());
  EXPECT_FALSE(Bollinger::create(1, 2.0, SigmaKind::sample).ok());
  EXPECT_TRUE(Bollinger::create(10, 2.0).ok());
}

}  // namespace
}  // namespace nzeza::market

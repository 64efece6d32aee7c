#include "market/macd.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace nzeza::market {
namespace {

// Hand-computed table (Python, exact rationals): MACD(3, 6, 4) over the first twenty
// StockCharts EMA-example closes. line = EMA3 - EMA6 of the same close (from close index 5),
// signal = EMA4 of the line (from index 8), histogram = line - signal.
const std::vector<double> kCloses = {22.27, 22.19, 22.08, 22.17, 22.18, 22.13, 22.23,
                                     22.43, 22.24, 22.29, 22.15, 22.39, 22.38, 22.61,
                                     23.36, 24.05, 23.75, 23.83, 23.95, 23.63};
struct Row {
  double line, signal, histogram;
};
const std::vector<Row> kTable = {
    {0.0236611698, 0.0166375501, 0.0070236197},   {0.0200146749, 0.0179884000, 0.0020262749},
    {-0.0141468840, 0.0051342864, -0.0192811704}, {0.0271021141, 0.0139214175, 0.0131806966},
    {0.0358193114, 0.0226805751, 0.0131387364},   {0.0831012660, 0.0468488514, 0.0362524145},
    {0.2488303546, 0.1276414527, 0.1211889019},   {0.4203292642, 0.2447165773, 0.1756126869},
    {0.3572461227, 0.2897283954, 0.0675177273},   {0.3008241261, 0.2941666877, 0.0066574384},
    {0.2634128236, 0.2818651420, -0.0184523185},  {0.1438498122, 0.2266590101, -0.0828091979},
};

TEST(Macd, line_signal_and_histogram_match_hand_computed_table) {
  Macd macd(3, 6, 4);
  EXPECT_EQ(macd.warmup(), 9U);
  std::size_t row = 0;
  for (std::size_t i = 0; i < kCloses.size(); ++i) {
    const auto v = macd.update(kCloses[i]);
    EXPECT_EQ(macd.line().has_value(), i >= 5) << i;
    if (i < 8) {
      EXPECT_FALSE(v.has_value()) << i;
      continue;
    }
    ASSERT_TRUE(v.has_value()) << i;
    EXPECT_NEAR(v->line, kTable[row].line, 1e-9) << i;
    EXPECT_NEAR(v->signal, kTable[row].signal, 1e-9) << i;
    EXPECT_NEAR(v->histogram, kTable[row].histogram, 1e-9) << i;
    ++row;
  }
  EXPECT_EQ(row, kTable.size());
}

TEST(Macd, differs_from_reference_misaligned_signal_line) {
  // The reference zipped EMA3 and EMA6 vectors from index 0 (EMA3 of close 2 minus EMA6 of
  // close 5, ...), and returned only the signal line: for this series its last value is
  // -0.2032614688 (same Python script), of the wrong sign. The aligned signal is +0.2266590101.
  Macd macd(3, 6, 4);
  std::optional<MacdValue> v;
  for (double c : kCloses) v = macd.update(c);
  ASSERT_TRUE(v.has_value());
  EXPECT_NEAR(v->signal, 0.2266590101, 1e-9);
  EXPECT_GT(v->signal, 0.0);
}

TEST(Macd, create_rejects_fast_not_below_slow) {
  const auto r = Macd::create(13, 6, 5);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("fast period (13)"), std::string::npos);
  EXPECT_FALSE(Macd::create(6, 6, 5).ok());
  EXPECT_FALSE(Macd::create(6, 13, 0).ok());
  EXPECT_TRUE(Macd::create(6, 13, 5).ok());
}

TEST(Macd, reference_parameters_need_seventeen_closes) {
  Macd macd(6, 13, 5);
  for (int i = 0; i < 16; ++i) EXPECT_FALSE(macd.update(100.0 + i % 3)) << i;
  EXPECT_TRUE(macd.update(101.0).has_value());
}

}  // namespace
}  // namespace nzeza::market

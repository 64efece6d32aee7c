#include "market/candle_freshness.hpp"

#include <gtest/gtest.h>

namespace nzeza::market {
namespace {

using namespace std::chrono_literals;

Candle candle_at(Timestamp start, bool gap = false) {
  Candle c;
  c.start = start;
  c.interval = 10s;
  c.gap = gap;
  return c;
}

const Timestamp kT0 = Timestamp::from_seconds(1'700'000'000);

TEST(CandleFreshness, fresh_during_the_interval_after_close) {
  const Candle c = candle_at(kT0);
  EXPECT_EQ(check_freshness(c, kT0 + 10s), CandleFreshness::fresh);
  EXPECT_EQ(check_freshness(c, kT0 + 19s), CandleFreshness::fresh);
}

TEST(CandleFreshness, stale_once_older_than_one_interval) {
  const Candle c = candle_at(kT0);
  EXPECT_EQ(check_freshness(c, kT0 + 20s), CandleFreshness::stale);
  EXPECT_EQ(check_freshness(c, kT0 + 1h), CandleFreshness::stale);
}

TEST(CandleFreshness, custom_max_age_tightens_the_limit) {
  const Candle c = candle_at(kT0);
  EXPECT_EQ(check_freshness(c, kT0 + 12s, 2s), CandleFreshness::stale);
  EXPECT_EQ(check_freshness(c, kT0 + 11s, 2s), CandleFreshness::fresh);
}

TEST(CandleFreshness, open_candle_is_not_closed_and_gap_is_gap) {
  EXPECT_EQ(check_freshness(candle_at(kT0), kT0 + 9s), CandleFreshness::not_closed);
  EXPECT_EQ(check_freshness(candle_at(kT0, true), kT0 + 10s), CandleFreshness::gap);
  EXPECT_EQ(to_string(CandleFreshness::stale), "stale");
}

TEST(CandleFreshness, counters_count_each_verdict) {
  FreshnessCounters counters;
  counters.count(CandleFreshness::stale);
  counters.count(CandleFreshness::stale);
  counters.count(CandleFreshness::fresh);
  EXPECT_EQ(counters.get(CandleFreshness::stale), 2U);
  EXPECT_EQ(counters.get(CandleFreshness::fresh), 1U);
  EXPECT_EQ(counters.get(CandleFreshness::gap), 0U);
}

}  // namespace
}  // namespace nzeza::market

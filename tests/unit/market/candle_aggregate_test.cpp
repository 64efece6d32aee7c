// aggregate_candles, warm_up_plan, check_candle and interval_text: the history a warm-up loads
// from a venue, checked and turned into the interval the strategies run on.
#include "market/candle_aggregate.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <limits>
#include <vector>

#include "market/candle_builder.hpp"
#include "market/candle_check.hpp"

namespace nzeza::market {
namespace {

using namespace std::chrono_literals;

// 2023-11-14T22:15:00Z: a multiple of 5 min (and of 1 min), not of 15 min.
const Timestamp kT0 = Timestamp::from_seconds(1'700'000'100);

Candle candle(Timestamp start, Duration interval, const char* o, const char* h, const char* l,
              const char* c, const char* v, std::uint32_t trades = 1) {
  Candle k;
  k.start = start;
  k.interval = interval;
  k.open = Decimal::parse(o).value();
  k.high = Decimal::parse(h).value();
  k.low = Decimal::parse(l).value();
  k.close = Decimal::parse(c).value();
  k.volume = Decimal::parse(v).value();
  k.trades = trades;
  k.price_updates = trades;
  return k;
}

Candle minute(int index, const char* o, const char* h, const char* l, const char* c, const char* v,
              std::uint32_t trades = 1) {
  return candle(kT0 + std::chrono::minutes(index), 1min, o, h, l, c, v, trades);
}

// A dYdX-style candle without trades: flat at the previous close, gap set.
Candle gap_minute(int index, const char* price) {
  Candle k = minute(index, price, price, price, price, "0", 0);
  k.gap = true;
  return k;
}

std::vector<Candle> aggregate(const std::vector<Candle>& fine, Duration coarse,
                              std::optional<CandleWindow> window = std::nullopt) {
  auto r = aggregate_candles(fine, coarse, window);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? std::move(r).value() : std::vector<Candle>{};
}

TEST(AggregateCandles, five_minute_candles_have_exact_ohlcv_of_their_one_minute_candles) {
  const std::vector<Candle> fine{
      minute(0, "100.10", "101", "99.5", "100.7", "1.25", 3),
      minute(1, "100.7", "103.25", "100.2", "102", "0.5", 2),
      minute(2, "102", "102.5", "98.75", "99", "2.125", 4),
      minute(3, "99", "100", "98.9", "99.95", "0.01", 1),
      minute(4, "99.95", "100.05", "99.9", "100.01", "3", 5),
  };
  const auto out = aggregate(fine, 5min);
  ASSERT_EQ(out.size(), 1U);
  const Candle& c = out[0];
  EXPECT_EQ(c.start, kT0);
  EXPECT_EQ(c.interval, 5min);
  EXPECT_EQ(c.open, "100.10"_d);
  EXPECT_EQ(c.high, "103.25"_d);
  EXPECT_EQ(c.low, "98.75"_d);
  EXPECT_EQ(c.close, "100.01"_d);
  EXPECT_EQ(c.volume, "6.885"_d);
  EXPECT_EQ(c.trades, 15U);
  EXPECT_EQ(c.price_updates, 15U);
  EXPECT_FALSE(c.gap);
  EXPECT_FALSE(c.series_break);
}

TEST(AggregateCandles, buckets_are_aligned_to_the_coarse_interval_since_the_epoch) {
  // 1 h candles from 22:00 to 04:00 into 4 h: the buckets are 00:00-04:00 (epoch-aligned), not
  // 22:00-02:00 counted from the first candle; 22:00-00:00 is a partial bucket.
  const Timestamp t22 = Timestamp::from_seconds(1'699'999'200);  // 2023-11-14T22:00:00Z
  std::vector<Candle> fine;
  for (int h = 0; h < 6; ++h) {
    fine.push_back(candle(t22 + std::chrono::hours(h), 1h, "10", "12", "9", "11", "1"));
  }
  const auto out = aggregate(fine, 4h);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].start, Timestamp::from_seconds(1'700'006'400));  // 2023-11-15T00:00:00Z
  EXPECT_EQ(out[0].volume, "4"_d);
}

TEST(AggregateCandles, partial_first_and_last_buckets_are_dropped) {
  // Minutes 3..11: the bucket at 0 lacks minutes 0-2, the bucket at 10 lacks 12-14.
  std::vector<Candle> fine;
  for (int m = 3; m < 12; ++m) fine.push_back(minute(m, "5", "6", "4", "5", "1"));
  const auto out = aggregate(fine, 5min);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].start, kT0 + 5min);
  EXPECT_EQ(out[0].volume, "5"_d);
}

TEST(AggregateCandles, too_short_a_history_for_one_whole_bucket_gives_none) {
  const std::vector<Candle> fine{minute(1, "5", "6", "4", "5", "1"),
                                 minute(2, "5", "6", "4", "5", "1")};
  EXPECT_TRUE(aggregate(fine, 5min).empty());
  EXPECT_TRUE(aggregate({}, 5min).empty());
}

TEST(AggregateCandles, missing_minutes_inside_a_bucket_are_intervals_without_trades) {
  // Hyperliquid omits minutes without trades: 1 and 3 are absent. The bucket is what the
  // venue's own 5 min candle would be.
  const std::vector<Candle> fine{
      minute(0, "20", "21", "19", "20.5", "1", 2),
      minute(2, "20.4", "22", "20.4", "21.5", "2", 3),
      minute(4, "21.5", "21.6", "18", "18.5", "0.5", 1),
  };
  const auto out = aggregate(fine, 5min);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].open, "20"_d);
  EXPECT_EQ(out[0].high, "22"_d);
  EXPECT_EQ(out[0].low, "18"_d);
  EXPECT_EQ(out[0].close, "18.5"_d);
  EXPECT_EQ(out[0].volume, "3.5"_d);
  EXPECT_EQ(out[0].trades, 6U);
  EXPECT_FALSE(out[0].gap);
}

TEST(AggregateCandles, a_bucket_without_any_candle_is_a_gap_flat_at_the_previous_close) {
  const std::vector<Candle> fine{
      minute(0, "7", "8", "6", "7.5", "1"),
      minute(4, "7.5", "7.5", "7.25", "7.25", "1"),
      minute(10, "8", "9", "8", "9", "1"),  // minutes 5-9 have no candle at all
      minute(14, "9", "9", "9", "9", "1"),
  };
  const auto out = aggregate(fine, 5min);
  ASSERT_EQ(out.size(), 3U);
  EXPECT_EQ(out[1].start, kT0 + 5min);
  EXPECT_TRUE(out[1].gap);
  EXPECT_EQ(out[1].open, "7.25"_d);
  EXPECT_EQ(out[1].high, "7.25"_d);
  EXPECT_EQ(out[1].low, "7.25"_d);
  EXPECT_EQ(out[1].close, "7.25"_d);
  EXPECT_TRUE(out[1].volume.is_zero());
  EXPECT_EQ(out[1].trades, 0U);
  EXPECT_FALSE(out[2].gap);
  EXPECT_EQ(out[2].open, "8"_d);
}

TEST(AggregateCandles, gap_candles_add_no_price_to_their_bucket) {
  // Minute 0 is a gap flat at 50 (the close before the bucket); the trades of the bucket were
  // all between 60 and 62: the 5 min candle opens at 60 with low 60, not 50.
  const std::vector<Candle> fine{
      gap_minute(0, "50"),    minute(1, "60", "62", "60", "61", "1"),
      gap_minute(2, "61"),    minute(3, "61", "61.5", "60.5", "61.25", "2"),
      gap_minute(4, "61.25"),
  };
  const auto out = aggregate(fine, 5min);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_FALSE(out[0].gap);
  EXPECT_EQ(out[0].open, "60"_d);
  EXPECT_EQ(out[0].low, "60"_d);
  EXPECT_EQ(out[0].high, "62"_d);
  EXPECT_EQ(out[0].close, "61.25"_d);
  EXPECT_EQ(out[0].volume, "3"_d);
}

TEST(AggregateCandles, a_bucket_of_only_gap_candles_is_a_gap) {
  std::vector<Candle> fine{minute(0, "3", "3", "3", "3", "1")};
  for (int m = 1; m < 10; ++m) fine.push_back(gap_minute(m, "3"));
  const auto out = aggregate(fine, 5min);
  ASSERT_EQ(out.size(), 2U);
  EXPECT_FALSE(out[0].gap);
  EXPECT_TRUE(out[1].gap);
  EXPECT_EQ(out[1].close, "3"_d);
}

TEST(AggregateCandles, a_window_keeps_a_bucket_whose_edge_minutes_had_no_trades) {
  // Asked for minutes 0..9 (window [0, 10 min)); the venue omitted minutes 0 and 9 (no trade).
  // Without the window both buckets would look partial.
  std::vector<Candle> fine;
  for (int m = 1; m < 9; ++m) fine.push_back(minute(m, "5", "6", "4", "5", "1"));
  EXPECT_TRUE(aggregate(fine, 5min).empty());
  const auto out = aggregate(fine, 5min, CandleWindow{kT0, kT0 + 10min});
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[0].start, kT0);
  EXPECT_EQ(out[0].volume, "4"_d);
  EXPECT_EQ(out[1].start, kT0 + 5min);
  EXPECT_EQ(out[1].volume, "4"_d);
}

TEST(AggregateCandles, leading_buckets_before_any_price_are_dropped) {
  // Window from minute 0, first candle at minute 7: the bucket at 0 has no price to be flat at.
  const std::vector<Candle> fine{minute(7, "5", "6", "4", "5", "1")};
  const auto out = aggregate(fine, 5min, CandleWindow{kT0, kT0 + 10min});
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].start, kT0 + 5min);
}

TEST(AggregateCandles, a_partial_leading_bucket_still_gives_the_price_of_the_next_gap) {
  // Minutes 3-4 (partial bucket, dropped), then nothing until minute 10: the bucket at 5 is a
  // gap flat at minute 4's close.
  const std::vector<Candle> fine{
      minute(3, "1", "1", "1", "1", "1"),
      minute(4, "1", "2", "1", "2", "1"),
      minute(10, "2", "3", "2", "3", "1"),
  };
  const auto out = aggregate(fine, 5min, CandleWindow{kT0 + 3min, kT0 + 15min});
  ASSERT_EQ(out.size(), 2U);
  EXPECT_TRUE(out[0].gap);
  EXPECT_EQ(out[0].close, "2"_d);
  EXPECT_EQ(out[1].close, "3"_d);
}

TEST(AggregateCandles, a_series_break_in_any_fine_candle_marks_its_bucket) {
  std::vector<Candle> fine;
  for (int m = 0; m < 10; ++m) fine.push_back(minute(m, "5", "6", "4", "5", "1"));
  fine[7].series_break = true;
  const auto out = aggregate(fine, 5min);
  ASSERT_EQ(out.size(), 2U);
  EXPECT_FALSE(out[0].series_break);
  EXPECT_TRUE(out[1].series_break);
}

// Minutes 1 and 2 make a whole 2 min bucket (kT0 + 1 min is a multiple of 2 min).
TEST(AggregateCandles, trade_counts_saturate_instead_of_wrapping) {
  const auto max = std::numeric_limits<std::uint32_t>::max();
  std::vector<Candle> fine{minute(1, "5", "6", "4", "5", "1", max - 1),
                           minute(2, "5", "6", "4", "5", "1", 7)};
  const auto out = aggregate(fine, 2min);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].trades, max);
  EXPECT_EQ(out[0].price_updates, max);
}

TEST(AggregateCandles, the_same_interval_gives_the_same_candles) {
  const std::vector<Candle> fine{minute(0, "5", "6", "4", "5.5", "1", 2),
                                 minute(1, "5.5", "7", "5", "6", "2", 3)};
  const auto out = aggregate(fine, 1min);
  ASSERT_EQ(out.size(), 2U);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(out[i].start, fine[i].start);
    EXPECT_EQ(out[i].open, fine[i].open);
    EXPECT_EQ(out[i].high, fine[i].high);
    EXPECT_EQ(out[i].low, fine[i].low);
    EXPECT_EQ(out[i].close, fine[i].close);
    EXPECT_EQ(out[i].volume, fine[i].volume);
    EXPECT_EQ(out[i].trades, fine[i].trades);
  }
}

Error aggregate_error(const std::vector<Candle>& fine, Duration coarse,
                      std::optional<CandleWindow> window = std::nullopt) {
  auto r = aggregate_candles(fine, coarse, window);
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{} : r.error();
}

TEST(AggregateCandles, a_coarse_interval_that_is_not_a_multiple_is_refused_naming_both) {
  const std::vector<Candle> fine{minute(0, "5", "6", "4", "5", "1")};
  const Error e = aggregate_error(fine, 90s);
  EXPECT_EQ(e.code, ErrorCode::invalid_argument);
  EXPECT_NE(e.message.find("90s"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("1m"), std::string::npos) << e.message;
  EXPECT_EQ(aggregate_error(fine, 0s).code, ErrorCode::invalid_argument);
  EXPECT_EQ(aggregate_error(fine, -5min).code, ErrorCode::invalid_argument);
}

TEST(AggregateCandles, unsorted_or_duplicate_candles_are_refused_naming_the_index) {
  const std::vector<Candle> unsorted{minute(1, "5", "6", "4", "5", "1"),
                                     minute(0, "5", "6", "4", "5", "1")};
  Error e = aggregate_error(unsorted, 5min);
  EXPECT_EQ(e.code, ErrorCode::invalid_argument);
  EXPECT_NE(e.message.find("candle 1"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("ascending"), std::string::npos) << e.message;
  const std::vector<Candle> duplicate{minute(0, "5", "6", "4", "5", "1"),
                                      minute(0, "5", "6", "4", "5", "1")};
  e = aggregate_error(duplicate, 5min);
  EXPECT_NE(e.message.find("candle 1"), std::string::npos) << e.message;
}

TEST(AggregateCandles, mixed_intervals_are_refused) {
  const std::vector<Candle> fine{minute(0, "5", "6", "4", "5", "1"),
                                 candle(kT0 + 5min, 5min, "5", "6", "4", "5", "1")};
  const Error e = aggregate_error(fine, 5min);
  EXPECT_NE(e.message.find("candle 1"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("interval 5m"), std::string::npos) << e.message;
}

TEST(AggregateCandles, an_invalid_candle_is_refused_with_what_is_wrong) {
  const std::vector<Candle> fine{minute(0, "5", "6", "4", "5", "1"),
                                 minute(1, "5", "4.5", "4", "4.2", "1")};  // high < open
  const Error e = aggregate_error(fine, 5min);
  EXPECT_NE(e.message.find("candle 1"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("high 4.5 below open 5"), std::string::npos) << e.message;
}

TEST(AggregateCandles, a_window_that_does_not_hold_every_candle_is_refused) {
  const std::vector<Candle> fine{minute(0, "5", "6", "4", "5", "1"),
                                 minute(6, "5", "6", "4", "5", "1")};
  Error e = aggregate_error(fine, 5min, CandleWindow{kT0, kT0 + 5min});
  EXPECT_NE(e.message.find("outside the window"), std::string::npos) << e.message;
  e = aggregate_error(fine, 5min, CandleWindow{kT0 + 10min, kT0});
  EXPECT_EQ(e.code, ErrorCode::invalid_argument);
}

TEST(AggregateCandles, a_volume_sum_that_does_not_fit_is_an_overflow_not_a_crash) {
  Candle a = minute(1, "5", "6", "4", "5", "1");
  Candle b = minute(2, "5", "6", "4", "5", "1");
  a.volume = Decimal::max();
  b.volume = Decimal::max();
  const Error e = aggregate_error({a, b}, 2min);
  EXPECT_EQ(e.code, ErrorCode::overflow);
}

// The oracle: the same random trades into a 1 min CandleBuilder and a 5 min one. Aggregating
// the 1 min candles (gap candles included) gives exactly the 5 min builder's candles, for every
// bucket both have.
RC_GTEST_PROP(AggregateCandlesProperty,
              one_minute_candles_aggregate_to_what_a_five_minute_builder_builds, ()) {
  const auto steps = *rc::gen::container<std::vector<int>>(rc::gen::inRange(1, 200'000));
  CandleBuilderConfig fine_cfg;
  fine_cfg.interval = 1min;
  fine_cfg.max_gap_candles = 100'000;
  CandleBuilderConfig coarse_cfg = fine_cfg;
  coarse_cfg.interval = 5min;
  CandleBuilder fine_b(fine_cfg);
  CandleBuilder coarse_b(coarse_cfg);
  Timestamp t = kT0;
  std::uint64_t i = 0;
  for (int step : steps) {
    t += std::chrono::milliseconds(step);
    const Decimal price = Decimal::from_raw8(static_cast<std::int64_t>(10'000 + (step * 7) % 997));
    const Decimal size = Decimal::from_raw8(static_cast<std::int64_t>(1 + i % 13) * 1'000'000);
    fine_b.on_trade(t, price, size);
    coarse_b.on_trade(t, price, size);
    ++i;
  }
  const Timestamp end = t.floor_to(5min) + 5min;
  fine_b.on_time(end);
  coarse_b.on_time(end);
  std::vector<Candle> fine;
  std::vector<Candle> coarse;
  Candle c;
  while (fine_b.pop(c)) fine.push_back(c);
  while (coarse_b.pop(c)) coarse.push_back(c);
  auto agg = aggregate_candles(fine, 5min);
  RC_ASSERT(agg.ok());
  std::size_t compared = 0;
  for (const Candle& a : *agg) {
    for (const Candle& b : coarse) {
      if (b.start != a.start) continue;
      RC_ASSERT(a.open == b.open);
      RC_ASSERT(a.high == b.high);
      RC_ASSERT(a.low == b.low);
      RC_ASSERT(a.close == b.close);
      RC_ASSERT(a.volume == b.volume);
      RC_ASSERT(a.trades == b.trades);
      RC_ASSERT(a.price_updates == b.price_updates);
      RC_ASSERT(a.gap == b.gap);
      ++compared;
    }
  }
  // Every aggregated bucket is one the 5 min builder also closed, and ten minutes of history
  // always hold a whole bucket.
  RC_ASSERT(compared == agg->size());
  if (fine.size() >= 10) RC_ASSERT(!agg->empty());
}

TEST(WarmUpPlan, an_offered_interval_is_fetched_as_is) {
  const std::array<Duration, 4> offered{1min, 5min, 15min, 1h};
  auto p = warm_up_plan(5min, offered);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->fetch, 5min);
  EXPECT_EQ(p->factor, 1U);
  EXPECT_FALSE(p->aggregate());
  EXPECT_EQ(p->fetch_count(26), 26U);
}

TEST(WarmUpPlan, an_interval_not_offered_is_built_from_the_largest_offered_divisor) {
  // 10 min from Hyperliquid: 1m and 5m divide it; 5m means 5x fewer candles to fetch.
  const std::array<Duration, 6> offered{1min, 3min, 5min, 15min, 30min, 1h};
  auto p = warm_up_plan(10min, offered);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->fetch, 5min);
  EXPECT_EQ(p->factor, 2U);
  EXPECT_TRUE(p->aggregate());
  // 26 whole 10 min candles need 52 five-minute ones, plus the one of the still-open 10 min.
  EXPECT_EQ(p->fetch_count(26), 53U);
}

TEST(WarmUpPlan, fetch_count_yields_exactly_the_wanted_complete_candles_wherever_now_falls) {
  // Whatever minute of the 5 min interval `now` is in, the last fetch_count(N) closed minutes
  // aggregate into exactly N complete 5 min candles.
  const std::array<Duration, 1> offered{1min};
  const auto plan = warm_up_plan(5min, offered).value();
  const std::size_t wanted = 4;
  for (int offset = 0; offset < 5; ++offset) {
    const Timestamp end = kT0 + 1h + std::chrono::minutes(offset);  // now, floored to 1 min
    const std::size_t n = plan.fetch_count(wanted);
    std::vector<Candle> fine;
    for (std::size_t k = n; k > 0; --k) {
      fine.push_back(candle(end - std::chrono::minutes(k), 1min, "5", "6", "4", "5", "1"));
    }
    const auto out = aggregate(fine, 5min);
    EXPECT_EQ(out.size(), wanted) << "now at minute " << offset << " of the 5 min interval";
    EXPECT_EQ(out.back().end(), end.floor_to(5min));
  }
}

TEST(WarmUpPlan, no_dividing_interval_is_an_error_naming_the_wanted_and_the_smallest) {
  const std::array<Duration, 3> offered{1h, 1min, 5min};
  auto p = warm_up_plan(10s, offered);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(p.error().message, "venue offers no interval that divides 10s; smallest is 1m");
  p = warm_up_plan(90s, offered);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message, "venue offers no interval that divides 90s; smallest is 1m");
}

TEST(WarmUpPlan, nothing_offered_or_a_non_positive_interval_is_refused) {
  EXPECT_FALSE(warm_up_plan(1min, std::span<const Duration>{}).ok());
  const std::array<Duration, 1> offered{1min};
  EXPECT_FALSE(warm_up_plan(0s, offered).ok());
  const std::array<Duration, 2> bad{1min, 0s};
  EXPECT_FALSE(warm_up_plan(5min, bad).ok());
}

TEST(CheckCandle, a_valid_candle_passes) {
  EXPECT_TRUE(check_candle(minute(0, "5", "6", "4", "5", "1")).ok());
  EXPECT_TRUE(check_candle(gap_minute(3, "5")).ok());
}

TEST(CheckCandle, each_broken_promise_is_named) {
  struct Case {
    Candle c;
    const char* says;
  };
  Candle misaligned = minute(0, "5", "6", "4", "5", "1");
  misaligned.start += 30s;
  Candle no_interval = minute(0, "5", "6", "4", "5", "1");
  no_interval.interval = 0s;
  const std::vector<Case> cases{
      {misaligned, "not a multiple of the interval 1m"},
      {no_interval, "interval 0ns is not positive"},
      {minute(0, "5", "6", "0", "5", "1"), "low 0 is not positive"},
      {minute(0, "3", "6", "4", "5", "1"), "open 3 below low 4"},
      {minute(0, "5", "6", "4", "3.5", "1"), "close 3.5 below low 4"},
      {minute(0, "7", "6", "4", "5", "1"), "high 6 below open 7"},
      {minute(0, "5", "6", "4", "6.5", "1"), "high 6 below close 6.5"},
      {minute(0, "5", "6", "4", "5", "-1"), "volume -1 is negative"},
  };
  for (const auto& k : cases) {
    auto s = check_candle(k.c);
    ASSERT_FALSE(s.ok()) << k.says;
    EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(s.error().message.find(k.says), std::string::npos) << s.error().message;
  }
}

TEST(IntervalText, prints_the_largest_unit_that_divides_exactly) {
  EXPECT_EQ(interval_text(1min), "1m");
  EXPECT_EQ(interval_text(10s), "10s");
  EXPECT_EQ(interval_text(90s), "90s");
  EXPECT_EQ(interval_text(4h), "4h");
  EXPECT_EQ(interval_text(24h), "1d");
  EXPECT_EQ(interval_text(72h), "3d");
  EXPECT_EQ(interval_text(250ms), "250ms");
  EXPECT_EQ(interval_text(Duration(1500)), "1500ns");
  EXPECT_EQ(interval_text(0s), "0ns");
}

}  // namespace
}  // namespace nzeza::market

#include "market/candle_builder.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace nzeza::market {
namespace {

using namespace std::chrono_literals;

// 2023-11-14T22:14:00Z (1'700'000'040 s), a multiple of 10 s and of 1 min.
const Timestamp kT0 = Timestamp::from_seconds(1'700'000'040);

CandleBuilder make(Duration interval = 10s, CandlePriceSource src = CandlePriceSource::trades,
                   std::size_t max_gaps = 60) {
  CandleBuilderConfig cfg;
  cfg.interval = interval;
  cfg.price_source = src;
  cfg.max_gap_candles = max_gaps;
  auto b = CandleBuilder::create(cfg);
  EXPECT_TRUE(b.ok());
  return std::move(b).value();
}

std::vector<Candle> drain(CandleBuilder& b) {
  std::vector<Candle> out;
  Candle c;
  while (b.pop(c)) out.push_back(c);
  return out;
}

TEST(CandleBuilder, ohlc_from_trade_prices_and_volume_from_trade_sizes) {
  auto b = make();
  b.on_trade(kT0 + 1s, "100.5"_d, "0.25"_d);
  b.on_trade(kT0 + 2s, "102"_d, "1.5"_d);
  b.on_trade(kT0 + 3s, "99.75"_d, "0.1"_d);
  b.on_trade(kT0 + 9s, "101"_d, "2"_d);
  EXPECT_EQ(b.on_time(kT0 + 10s), 1U);
  const auto cs = drain(b);
  ASSERT_EQ(cs.size(), 1U);
  const Candle& c = cs[0];
  EXPECT_EQ(c.start, kT0);
  EXPECT_EQ(c.end(), kT0 + 10s);
  EXPECT_EQ(c.open, "100.5"_d);
  EXPECT_EQ(c.high, "102"_d);
  EXPECT_EQ(c.low, "99.75"_d);
  EXPECT_EQ(c.close, "101"_d);
  EXPECT_EQ(c.volume, "3.85"_d);  // sizes, not the tick count (reference: volume = 4)
  EXPECT_EQ(c.trades, 4U);
  EXPECT_FALSE(c.gap);
}

TEST(CandleBuilder, intervals_are_clock_aligned_not_anchored_on_the_first_tick) {
  auto b = make(1min);
  b.on_trade(kT0 + 37s, "10"_d, "1"_d);  // the reference would start a window at +37 s
  b.on_trade(kT0 + 61s, "11"_d, "1"_d);
  const auto cs = drain(b);
  ASSERT_EQ(cs.size(), 1U);
  EXPECT_EQ(cs[0].start, kT0);  // 22:14:00, not 22:14:37
  EXPECT_EQ(b.next_close(), kT0 + 2min);
}

TEST(CandleBuilder, daily_interval_starts_at_midnight_utc) {
  auto b = make(24h);
  b.on_trade(Timestamp::from_seconds(86'400 * 3 + 5000), "10"_d, "1"_d);
  EXPECT_EQ(b.current()->start, Timestamp::from_seconds(86'400 * 3));
  EXPECT_EQ(b.next_close(), Timestamp::from_seconds(86'400 * 4));
}

TEST(CandleBuilder, closes_by_time_without_a_new_tick) {
  auto b = make();
  b.on_trade(kT0 + 2s, "50"_d, "1"_d);
  EXPECT_EQ(b.on_time(kT0 + 9s), 0U);  // not yet
  EXPECT_EQ(b.closed_count(), 0U);
  EXPECT_EQ(b.on_time(kT0 + 10s), 1U);
  ASSERT_EQ(b.closed_count(), 1U);
  EXPECT_EQ(b.last_closed()->close, "50"_d);
}

TEST(CandleBuilder, empty_interval_closes_as_a_flagged_flat_gap_candle) {
  auto b = make();
  b.on_trade(kT0 + 1s, "50"_d, "1"_d);
  b.on_time(kT0 + 10s);
  b.on_time(kT0 + 20s);  // nothing happened in [10 s, 20 s)
  b.on_trade(kT0 + 25s, "52"_d, "1"_d);
  b.on_time(kT0 + 30s);
  const auto cs = drain(b);
  ASSERT_EQ(cs.size(), 3U);
  EXPECT_FALSE(cs[0].gap);
  EXPECT_TRUE(cs[1].gap);
  EXPECT_EQ(cs[1].start, kT0 + 10s);
  EXPECT_EQ(cs[1].open, "50"_d);
  EXPECT_EQ(cs[1].close, "50"_d);
  EXPECT_EQ(cs[1].volume, Decimal::zero());
  EXPECT_EQ(cs[1].trades, 0U);
  EXPECT_FALSE(cs[2].gap);
  EXPECT_EQ(b.stats().gap_candles, 1U);
}

TEST(CandleBuilder, a_tick_after_several_empty_intervals_emits_each_gap) {
  auto b = make();
  b.on_trade(kT0 + 1s, "50"_d, "1"_d);
  EXPECT_EQ(b.on_trade(kT0 + 41s, "51"_d, "1"_d), 4U);  // candle 0 + gaps at 10, 20, 30
  const auto cs = drain(b);
  ASSERT_EQ(cs.size(), 4U);
  EXPECT_EQ(cs[3].start, kT0 + 30s);
  EXPECT_TRUE(cs[1].gap && cs[2].gap && cs[3].gap);
}

TEST(CandleBuilder, long_outage_emits_at_most_max_gap_candles_then_marks_a_series_break) {
  auto b = make(10s, CandlePriceSource::trades, 3);
  b.on_trade(kT0 + 1s, "50"_d, "1"_d);
  b.on_trade(kT0 + 1h, "60"_d, "1"_d);  // 359 empty intervals
  auto cs = drain(b);
  ASSERT_EQ(cs.size(), 4U);  // candle + 3 gaps
  EXPECT_EQ(b.stats().intervals_skipped, 356U);
  b.on_time(kT0 + 1h + 10s);
  cs = drain(b);
  ASSERT_EQ(cs.size(), 1U);
  EXPECT_TRUE(cs[0].series_break);
  EXPECT_EQ(cs[0].close, "60"_d);
  EXPECT_EQ(b.stats().series_breaks, 1U);
}

TEST(CandleBuilder, consecutive_gap_cap_holds_when_on_time_is_called_every_interval) {
  auto b = make(10s, CandlePriceSource::trades, 2);
  b.on_trade(kT0, "50"_d, "1"_d);
  for (int i = 1; i <= 6; ++i) b.on_time(kT0 + 10s * i);
  const auto cs = drain(b);
  ASSERT_EQ(cs.size(), 3U);  // candle + 2 gaps, then silence
  EXPECT_EQ(b.stats().intervals_skipped, 3U);
}

TEST(CandleBuilder, late_tick_is_dropped_and_counted) {
  auto b = make();
  b.on_trade(kT0 + 12s, "50"_d, "1"_d);
  EXPECT_EQ(b.on_trade(kT0 + 9s, "40"_d, "1"_d), 0U);
  EXPECT_EQ(b.stats().late_ticks, 1U);
  EXPECT_EQ(b.current()->low, "50"_d);
}

TEST(CandleBuilder, invalid_ticks_are_rejected_and_counted) {
  auto b = make();
  b.on_trade(kT0, "0"_d, "1"_d);
  b.on_trade(kT0, "-1"_d, "1"_d);
  b.on_trade(kT0, "10"_d, "-1"_d);
  EXPECT_EQ(b.stats().rejected_ticks, 3U);
  EXPECT_FALSE(b.current().has_value());
}

TEST(CandleBuilder, quote_mid_mode_builds_ohlc_from_mids_and_volume_from_trades) {
  auto b = make(10s, CandlePriceSource::quote_mids);
  b.on_quote(kT0 + 1s, Quote{"99"_d, "1"_d, "101"_d, "1"_d});   // mid 100
  b.on_quote(kT0 + 2s, Quote{"104"_d, "1"_d, "106"_d, "1"_d});  // mid 105
  b.on_trade(kT0 + 3s, "200"_d, "0.5"_d);                       // price not used for OHLC
  b.on_quote(kT0 + 4s, Quote{"101"_d, "1"_d, "102"_d, "1"_d});  // mid 101.5
  b.on_time(kT0 + 10s);
  const auto cs = drain(b);
  ASSERT_EQ(cs.size(), 1U);
  EXPECT_EQ(cs[0].open, "100"_d);
  EXPECT_EQ(cs[0].high, "105"_d);
  EXPECT_EQ(cs[0].low, "100"_d);
  EXPECT_EQ(cs[0].close, "101.5"_d);
  EXPECT_EQ(cs[0].volume, "0.5"_d);
  EXPECT_EQ(cs[0].trades, 1U);
  EXPECT_EQ(cs[0].price_updates, 3U);
}

TEST(CandleBuilder, crossed_quote_is_rejected) {
  auto b = make(10s, CandlePriceSource::quote_mids);
  b.on_quote(kT0, Quote{"101"_d, "1"_d, "100"_d, "1"_d});
  EXPECT_EQ(b.stats().rejected_ticks, 1U);
}

TEST(CandleBuilder, quotes_are_ignored_in_trade_mode) {
  auto b = make();
  b.on_quote(kT0, Quote{"99"_d, "1"_d, "101"_d, "1"_d});
  EXPECT_EQ(b.stats().ignored_events, 1U);
  EXPECT_FALSE(b.current().has_value());
}

TEST(CandleBuilder, on_event_filters_symbol_and_uses_the_chosen_timestamp) {
  CandleBuilderConfig cfg;
  cfg.symbol = SymbolId{3};
  cfg.time_source = CandleTimeSource::venue_time;
  auto b = std::move(CandleBuilder::create(cfg)).value();
  MarketEvent e;
  e.symbol = SymbolId{4};
  e.receive_time = kT0 + 15s;
  e.venue_time = kT0 + 5s;
  e.body = Trade{"10"_d, "1"_d, Side::buy, {}};
  b.on_event(e);
  EXPECT_EQ(b.stats().ignored_events, 1U);
  e.symbol = SymbolId{3};
  b.on_event(e);
  EXPECT_EQ(b.current()->start, kT0);  // venue time 5 s, not receive time 15 s
  e.body = VenueStatus{};
  b.on_event(e);
  EXPECT_EQ(b.stats().ignored_events, 2U);
}

TEST(CandleBuilder, no_gap_candles_before_the_first_price) {
  auto b = make();
  EXPECT_EQ(b.on_time(kT0 + 1h), 0U);
  EXPECT_EQ(b.next_close(), Timestamp());
  EXPECT_EQ(b.closed_count(), 0U);
}

TEST(CandleBuilder, undrained_output_overwrites_oldest_and_counts) {
  auto b = make(1s, CandlePriceSource::trades, 1);  // output capacity 3
  for (int i = 0; i < 6; ++i) b.on_trade(kT0 + 1s * i, "10"_d, "1"_d);
  EXPECT_EQ(b.stats().candles_closed, 5U);
  EXPECT_EQ(b.stats().output_overflows, 2U);
  EXPECT_EQ(drain(b).front().start, kT0 + 2s);
}

TEST(CandleBuilder, config_validation_names_the_field) {
  CandleBuilderConfig cfg;
  cfg.interval = 500ms;
  auto r = CandleBuilder::create(cfg);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("candle interval"), std::string::npos);
  cfg.interval = 7s;  // does not divide a day
  EXPECT_FALSE(CandleBuilder::create(cfg).ok());
  cfg.interval = 48h;
  EXPECT_FALSE(CandleBuilder::create(cfg).ok());
  cfg.interval = 1s;
  EXPECT_TRUE(CandleBuilder::create(cfg).ok());
  cfg.interval = 24h;
  EXPECT_TRUE(CandleBuilder::create(cfg).ok());
  cfg.max_gap_candles = 1'000'000;
  EXPECT_FALSE(CandleBuilder::create(cfg).ok());
}

}  // namespace
}  // namespace nzeza::market

// venues::history: the interval table, the candle checks and the pager every venue's candle
// history shares, driven by a scripted venue (a function answering each window at once).

#include "venues/candle_history.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace nzeza::venues::history {
namespace {

constexpr Duration kMinute = std::chrono::minutes(1);
const Timestamp kCutoff = Timestamp::from_seconds(1'700'000'040);  // a multiple of one minute

market::Candle candle(Timestamp start) {
  market::Candle c;
  c.start = start;
  c.interval = kMinute;
  c.open = c.high = c.low = c.close = Decimal::from_integer(10);
  c.volume = Decimal::one();
  c.trades = 1;
  return c;
}

// A venue whose history starts at `first` and that has nothing for the minutes `holes` selects.
struct ScriptedVenue {
  Timestamp first = Timestamp::from_seconds(0);
  std::function<bool(Timestamp)> hole = [](Timestamp) { return false; };
  std::optional<std::size_t> fail_window;  // answer this window (0-based) with an error
  std::vector<Window> asked;

  FetchWindow fetch() {
    return [this](const Window& w, CandlesDone done) {
      asked.push_back(w);
      if (fail_window && *fail_window + 1 == asked.size())
        return done(
            Error(ErrorCode::network, "window refused").with_delivery(Delivery::answer_cut));
      std::vector<market::Candle> out;
      out.push_back(candle(w.from - kMinute));  // outside the window: must be ignored
      for (Timestamp t = w.from; t < w.to; t += kMinute)
        if (t >= first && !hole(t)) out.push_back(candle(t));
      done(std::move(out));
    };
  }
};

Result<std::vector<market::Candle>> run(ScriptedVenue& venue, std::size_t count,
                                        std::size_t per_page) {
  std::optional<Result<std::vector<market::Candle>>> got;
  fetch_last(kCutoff, kMinute, count, per_page, venue.fetch(),
             [&](Result<std::vector<market::Candle>> r) { got.emplace(std::move(r)); });
  if (!got) return Error(ErrorCode::internal, "test: no answer");
  return std::move(*got);
}

TEST(CandleHistoryPager, a_dense_venue_costs_exact_windows_newest_first_and_answers_oldest_first) {
  ScriptedVenue venue;
  auto r = run(venue, 25, 10);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 25U);
  for (std::size_t i = 0; i < r->size(); ++i)
    EXPECT_EQ((*r)[i].start, kCutoff - kMinute * static_cast<std::int64_t>(25 - i));
  ASSERT_EQ(venue.asked.size(), 3U);
  EXPECT_EQ(venue.asked[0].to, kCutoff);
  EXPECT_EQ(venue.asked[0].limit, 10U);
  EXPECT_EQ(venue.asked[1].to, venue.asked[0].from);
  EXPECT_EQ(venue.asked[2].limit, 5U);
  EXPECT_EQ(venue.asked[2].from, kCutoff - kMinute * 25);
}

TEST(CandleHistoryPager, after_a_hole_every_window_is_full_and_the_newest_count_are_kept) {
  ScriptedVenue venue;
  venue.hole = [](Timestamp t) { return t.seconds() / 60 % 4 == 0; };  // a quarter missing
  auto r = run(venue, 25, 10);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 25U);
  for (std::size_t i = 1; i < r->size(); ++i) EXPECT_LT((*r)[i - 1].start, (*r)[i].start);
  EXPECT_LT(r->back().start, kCutoff);
  for (std::size_t w = 1; w < venue.asked.size(); ++w) EXPECT_EQ(venue.asked[w].limit, 10U);
}

TEST(CandleHistoryPager, an_empty_window_ends_the_history) {
  ScriptedVenue venue;
  venue.first = kCutoff - kMinute * 12;
  auto r = run(venue, 100, 10);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->size(), 12U);
  EXPECT_EQ(r->front().start, venue.first);
  EXPECT_EQ(venue.asked.size(), 3U);  // 10, then 2 of 10, then nothing
}

TEST(CandleHistoryPager, the_number_of_windows_is_bounded) {
  ScriptedVenue venue;
  venue.hole = [](Timestamp t) { return t.seconds() / 60 % 10 != 0; };  // one minute in ten
  auto r = run(venue, 50, 10);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(venue.asked.size(), 50U / 10 + 3);
  EXPECT_LT(r->size(), 50U);
}

TEST(CandleHistoryPager, the_first_failed_window_is_the_answer_with_its_delivery) {
  ScriptedVenue venue;
  venue.fail_window = 1;
  auto r = run(venue, 25, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::network);
  EXPECT_EQ(r.error().delivery, Delivery::answer_cut);
  EXPECT_EQ(venue.asked.size(), 2U);
}

TEST(CandleHistoryPager, zero_candles_asks_nothing) {
  ScriptedVenue venue;
  auto r = run(venue, 0, 10);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_TRUE(venue.asked.empty());
}

TEST(CandleHistoryIntervals, an_interval_not_offered_is_refused_naming_the_offered_ones) {
  constexpr CandleInterval kOffered[] = {{std::chrono::minutes(1), "1m"},
                                         {std::chrono::hours(4), "4h"},
                                         {std::chrono::hours(24), "1d"}};
  EXPECT_EQ(*wire_interval("Venue", kOffered, std::chrono::hours(4)), "4h");
  auto r = wire_interval("Venue", kOffered, std::chrono::seconds(90));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message, "interval 90s is not offered; Venue publishes 1m, 4h, 1d");
  EXPECT_EQ(interval_text(std::chrono::milliseconds(1500)), "1500ms");
  EXPECT_EQ(interval_text(std::chrono::hours(48)), "2d");
}

TEST(CandleHistoryChecks, a_sane_aligned_candle_passes_and_each_flaw_is_named) {
  EXPECT_TRUE(check_candle(candle(kCutoff)).ok());
  auto flaw = [](auto spoil) {
    market::Candle c = candle(kCutoff);
    spoil(c);
    auto s = check_candle(c);
    return s.ok() ? std::string("accepted") : s.error().message;
  };
  EXPECT_NE(flaw([](auto& c) { c.start += 1s; }).find("not a multiple of 1m"), std::string::npos);
  EXPECT_EQ(flaw([](auto& c) { c.low = Decimal::zero(); }), "low is not positive");
  EXPECT_EQ(flaw([](auto& c) { c.high = Decimal::from_integer(9); }), "high is below low");
  EXPECT_EQ(flaw([](auto& c) { c.open = Decimal::from_integer(11); }), "open is outside low..high");
  EXPECT_EQ(flaw([](auto& c) { c.volume = -Decimal::one(); }), "volume is negative");
}

TEST(CandleHistoryChecks, only_candles_still_open_at_now_are_dropped) {
  std::vector<market::Candle> v = {candle(kCutoff - kMinute), candle(kCutoff)};
  drop_open(v, kCutoff + 30s);
  ASSERT_EQ(v.size(), 1U);
  drop_open(v, kCutoff);
  EXPECT_EQ(v.size(), 1U) << "a candle is closed exactly at its end";
}

}  // namespace
}  // namespace nzeza::venues::history

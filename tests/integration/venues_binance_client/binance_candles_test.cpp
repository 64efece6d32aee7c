// Candle history for the warm-up: BinanceClient::candles against the simulator's klines (our own
// deterministic candles, sim/sim_candles.hpp), on the fixture's ManualClock.
#include <algorithm>

#include "binance_fixture.hpp"
#include "sim/sim_candles.hpp"

namespace nzeza::venues::binance::test {
namespace {

constexpr Duration kMinute = std::chrono::minutes(1);

class BinanceCandles : public BinanceClientFixture {
 protected:
  Result<std::vector<market::Candle>> candles(InstrumentId id, Duration interval,
                                              std::size_t count) {
    return await<std::vector<market::Candle>>(
        [&](auto cb) { client_->candles(id, interval, count, cb); });
  }
  // The klines requests the simulator received, in order.
  std::vector<std::string> kline_targets() const {
    std::vector<std::string> out;
    for (const auto& seen : sim_->requests())
      if (seen.target.rfind("/api/v3/klines", 0) == 0) out.push_back(seen.target);
    return out;
  }
  // Every candle is the simulator's, exactly, and the series is contiguous, aligned, closed.
  void expect_series(const std::vector<market::Candle>& got, const std::string& symbol,
                     Duration interval, Decimal base) const {
    const Timestamp cutoff = clock_.now().floor_to(interval);
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got.back().end(), cutoff) << "the newest candle is the last closed one";
    for (std::size_t i = 0; i < got.size(); ++i) {
      const auto& c = got[i];
      EXPECT_EQ(c.interval, interval);
      EXPECT_EQ(c.start.ns() % interval.count(), 0) << "candle " << i << " is not aligned";
      if (i > 0) {
        EXPECT_EQ(c.start, got[i - 1].start + interval) << "candle " << i;
      }
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(interval).count();
      const sim::SimCandle want = sim::sim_candle(symbol, ms, c.start.ms(), base, dec("0.01"));
      EXPECT_EQ(c.open, want.open) << "candle " << i;
      EXPECT_EQ(c.high, want.high) << "candle " << i;
      EXPECT_EQ(c.low, want.low) << "candle " << i;
      EXPECT_EQ(c.close, want.close) << "candle " << i;
      EXPECT_EQ(c.volume, want.volume) << "candle " << i;
      EXPECT_EQ(c.trades, want.trades) << "candle " << i;
      EXPECT_EQ(c.gap, want.trades == 0) << "candle " << i;
    }
  }
};

TEST_F(BinanceCandles, the_last_closed_candles_arrive_oldest_first_exact_and_aligned) {
  clock_.advance(25s);  // inside a minute: the current kline is open and must not come back
  auto r = candles(btc_, kMinute, 60);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 60U);
  expect_series(*r, "BTCUSDT", kMinute, dec("50000"));
  EXPECT_TRUE(std::any_of(r->begin(), r->end(), [](const auto& c) { return c.gap; }))
      << "the simulator's no-trade minutes come back as gap candles";
  ASSERT_EQ(kline_targets().size(), 1U);
  EXPECT_NE(kline_targets()[0].find("interval=1m"), std::string::npos) << kline_targets()[0];
  EXPECT_NE(kline_targets()[0].find("limit=60"), std::string::npos) << kline_targets()[0];
}

TEST_F(BinanceCandles, more_than_a_thousand_candles_are_fetched_in_pages_of_a_thousand) {
  auto r = candles(eth_, kMinute, 2500);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2500U);
  expect_series(*r, "ETHUSDT", kMinute, dec("3000"));
  const auto targets = kline_targets();
  ASSERT_EQ(targets.size(), 3U);
  EXPECT_NE(targets[0].find("limit=1000"), std::string::npos) << targets[0];
  EXPECT_NE(targets[1].find("limit=1000"), std::string::npos) << targets[1];
  EXPECT_NE(targets[2].find("limit=500"), std::string::npos) << targets[2];
}

TEST_F(BinanceCandles, every_offered_interval_gives_aligned_candles) {
  for (const Duration interval :
       {Duration(1s), Duration(std::chrono::minutes(15)), Duration(std::chrono::hours(4)),
        Duration(std::chrono::hours(24))}) {
    auto r = candles(btc_, interval, 5);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    ASSERT_EQ(r->size(), 5U);
    expect_series(*r, "BTCUSDT", interval, dec("50000"));
  }
}

TEST_F(BinanceCandles, history_shorter_than_asked_gives_what_exists) {
  const Timestamp cutoff = clock_.now().floor_to(kMinute);
  sim_->set_history_start_ms((cutoff - std::chrono::minutes(1500)).ms());
  auto r = candles(btc_, kMinute, 3000);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 1500U);
  expect_series(*r, "BTCUSDT", kMinute, dec("50000"));
  EXPECT_EQ(r->front().start, cutoff - std::chrono::minutes(1500));
}

TEST_F(BinanceCandles, an_interval_binance_does_not_publish_is_refused_with_the_list) {
  const auto before = sim_->request_count();
  for (const Duration interval : {Duration(std::chrono::minutes(2)),
                                  Duration(std::chrono::hours(24 * 7)), Duration(1500ms)}) {
    auto r = candles(btc_, interval, 10);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(r.error().message.find("1s, 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d"),
              std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find("binance candles BTCUSDT"), std::string::npos)
        << r.error().message;
  }
  EXPECT_EQ(sim_->request_count(), before);
}

TEST_F(BinanceCandles, an_instrument_that_is_not_loaded_is_not_found) {
  auto r = candles(InstrumentId{}, kMinute, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found) << r.error().to_string();
}

TEST_F(BinanceCandles, more_than_the_documented_maximum_is_refused_before_sending) {
  const auto before = sim_->request_count();
  auto r = candles(btc_, kMinute, 5001);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("at most 5000"), std::string::npos) << r.error().message;
  EXPECT_EQ(sim_->request_count(), before);
  auto none = candles(btc_, kMinute, 0);
  ASSERT_TRUE(none.ok()) << none.error().to_string();
  EXPECT_TRUE(none->empty());
}

TEST_F(BinanceCandles, a_lost_answer_keeps_the_transport_delivery) {
  sim::binance::Fault reset;
  reset.kind = sim::binance::FaultKind::reset;
  sim_->script("GET /api/v3/klines", reset);
  auto r = candles(btc_, kMinute, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().delivery, Delivery::none) << r.error().to_string();
  EXPECT_NE(r.error().delivery, Delivery::not_sent) << r.error().to_string();
  EXPECT_NE(r.error().message.find("binance candles BTCUSDT 1m"), std::string::npos)
      << r.error().message;
}

TEST_F(BinanceCandles, an_unreadable_page_fails_the_call_as_protocol) {
  sim::binance::Fault bad;
  bad.kind = sim::binance::FaultKind::malformed;
  sim_->script("GET /api/v3/klines", bad);
  auto r = candles(btc_, kMinute, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::protocol) << r.error().to_string();
  EXPECT_EQ(r.error().delivery, Delivery::answer_cut) << r.error().to_string();
}

TEST_F(BinanceCandles, a_venue_refusal_of_a_page_keeps_its_code_and_text) {
  sim::binance::Fault refused;
  refused.kind = sim::binance::FaultKind::venue_error;
  refused.status = 400;
  refused.code = -1121;
  refused.msg = "Invalid symbol.";
  sim_->script("GET /api/v3/klines", refused);
  auto r = candles(btc_, kMinute, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument) << r.error().to_string();
  EXPECT_EQ(r.error().venue_code, "-1121");
  EXPECT_EQ(r.error().venue_text, "Invalid symbol.");
}

TEST_F(BinanceCandles, the_venue_clock_decides_which_kline_is_still_open) {
  // Our clock 10 s before a minute boundary, the venue's 20 s ahead: after the offset is
  // measured, the minute that just closed at the venue is the newest candle.
  clock_.advance_to(Timestamp::from_ms(1'700'000'030'000));  // :50 of a minute
  sim_->set_clock_skew_ms(20'000);
  ASSERT_TRUE(await<Timestamp>([&](auto cb) { client_->server_time(cb); }).ok());
  auto r = candles(btc_, kMinute, 3);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3U);
  EXPECT_EQ(r->back().end(), Timestamp::from_ms(1'700'000'050'000).floor_to(kMinute));
}

}  // namespace
}  // namespace nzeza::venues::binance::test

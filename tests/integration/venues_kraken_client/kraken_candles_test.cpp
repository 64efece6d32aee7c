// Candle history for the warm-up: KrakenClient::candles against the simulator's OHLC (our own
// deterministic candles, sim/sim_candles.hpp), on the fixture's ManualClock.
#include <algorithm>

#include "kraken_fixture.hpp"
#include "sim/sim_candles.hpp"

namespace nzeza::venues::kraken::test {
namespace {

constexpr Duration kMinute = std::chrono::minutes(1);

class KrakenCandles : public KrakenClientTest {
 protected:
  Result<std::vector<market::Candle>> candles(InstrumentId id, Duration interval,
                                              std::size_t count) {
    Waiter<std::vector<market::Candle>> w;
    client().candles(id, interval, count, w.cb());
    return w.get();
  }
  std::vector<std::string> ohlc_targets() const {
    std::vector<std::string> out;
    for (const auto& seen : sim_->requests())
      if (seen.target.rfind("/0/public/OHLC", 0) == 0) out.push_back(seen.target);
    return out;
  }
  // Every candle is the simulator's, exactly; the series is contiguous, aligned and closed.
  void expect_series(const std::vector<market::Candle>& got, const std::string& pair,
                     Duration interval, Decimal base, Decimal tick) const {
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got.back().end(), clock_.now().floor_to(interval))
        << "the newest candle is the last committed one";
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(interval).count();
    for (std::size_t i = 0; i < got.size(); ++i) {
      const auto& c = got[i];
      EXPECT_EQ(c.interval, interval);
      EXPECT_EQ(c.start.ns() % interval.count(), 0) << "candle " << i;
      if (i > 0) {
        EXPECT_EQ(c.start, got[i - 1].start + interval) << "candle " << i;
      }
      const sim::SimCandle want = sim::sim_candle(pair, ms, c.start.ms(), base, tick);
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

TEST_F(KrakenCandles, the_last_committed_candles_arrive_oldest_first_exact_and_aligned) {
  clock_.advance(25s);  // inside a minute: Kraken's last entry is open and must not come back
  auto r = candles(btc_, kMinute, 60);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 60U);
  expect_series(*r, "XXBTZUSD", kMinute, D("50000"), D("0.1"));
  EXPECT_TRUE(std::any_of(r->begin(), r->end(), [](const auto& c) { return c.gap; }))
      << "the simulator's no-trade minutes come back as gap candles";
  const auto targets = ohlc_targets();
  ASSERT_EQ(targets.size(), 1U);
  EXPECT_EQ(targets[0], "/0/public/OHLC?pair=XXBTZUSD&interval=1");
}

TEST_F(KrakenCandles, the_most_kraken_keeps_is_719_closed_candles_in_one_request) {
  auto r = candles(eth_, std::chrono::hours(4), 719);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 719U);
  expect_series(*r, "XETHZUSD", std::chrono::hours(4), D("3000"), D("0.01"));
  EXPECT_EQ(ohlc_targets().size(), 1U);
  EXPECT_NE(ohlc_targets()[0].find("interval=240"), std::string::npos);
}

TEST_F(KrakenCandles, every_offered_interval_gives_aligned_candles) {
  for (const Duration interval :
       {Duration(std::chrono::minutes(5)), Duration(std::chrono::minutes(15)),
        Duration(std::chrono::minutes(30)), Duration(std::chrono::hours(1)),
        Duration(std::chrono::hours(24))}) {
    auto r = candles(btc_, interval, 7);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    ASSERT_EQ(r->size(), 7U);
    expect_series(*r, "XXBTZUSD", interval, D("50000"), D("0.1"));
  }
}

TEST_F(KrakenCandles, history_shorter_than_asked_gives_what_exists) {
  const Timestamp cutoff = clock_.now().floor_to(kMinute);
  sim_->set_history_start((cutoff - std::chrono::minutes(40)).seconds());
  auto r = candles(btc_, kMinute, 500);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 40U);
  expect_series(*r, "XXBTZUSD", kMinute, D("50000"), D("0.1"));
}

TEST_F(KrakenCandles, an_interval_kraken_does_not_publish_is_refused_with_the_list) {
  for (const Duration interval :
       {Duration(1s), Duration(std::chrono::minutes(3)), Duration(std::chrono::hours(24 * 7))}) {
    auto r = candles(btc_, interval, 10);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(r.error().message.find("Kraken publishes 1m, 5m, 15m, 30m, 1h, 4h, 1d"),
              std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find("kraken OHLC XXBTZUSD"), std::string::npos)
        << r.error().message;
  }
  EXPECT_TRUE(ohlc_targets().empty());
}

TEST_F(KrakenCandles, more_than_kraken_keeps_is_refused_before_sending) {
  auto r = candles(btc_, kMinute, 720);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("at most 719"), std::string::npos) << r.error().message;
  EXPECT_TRUE(ohlc_targets().empty());
}

TEST_F(KrakenCandles, an_instrument_that_is_not_loaded_is_not_found) {
  auto r = candles(InstrumentId{}, kMinute, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found) << r.error().to_string();
}

TEST_F(KrakenCandles, a_lost_answer_keeps_the_transport_delivery) {
  SimFault reset;
  reset.kind = SimFaultKind::reset;
  sim_->fail_next("OHLC", reset);
  auto r = candles(btc_, kMinute, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().delivery, Delivery::none) << r.error().to_string();
  EXPECT_NE(r.error().delivery, Delivery::not_sent) << r.error().to_string();
  EXPECT_NE(r.error().message.find("kraken OHLC XXBTZUSD"), std::string::npos) << r.error().message;
}

TEST_F(KrakenCandles, an_unreadable_answer_is_protocol) {
  SimFault bad;
  bad.kind = SimFaultKind::malformed;
  sim_->fail_next("OHLC", bad);
  auto r = candles(btc_, kMinute, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::protocol) << r.error().to_string();
  EXPECT_EQ(r.error().delivery, Delivery::answer_cut) << r.error().to_string();
}

TEST_F(KrakenCandles, a_kraken_error_keeps_its_code_and_text) {
  SimFault unknown;
  unknown.kind = SimFaultKind::venue_error;
  unknown.text = "EQuery:Unknown asset pair";
  sim_->fail_next("OHLC", unknown);
  auto r = candles(btc_, kMinute, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found) << r.error().to_string();
  EXPECT_EQ(r.error().venue_code, "EQuery:Unknown asset pair");
  EXPECT_EQ(r.error().venue_text, "EQuery:Unknown asset pair");
}

}  // namespace
}  // namespace nzeza::venues::kraken::test

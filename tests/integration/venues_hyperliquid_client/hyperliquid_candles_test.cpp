// HyperliquidClient::candles against the simulator's candleSnapshot, on the fixture's
// ManualClock: the last closed intervals, oldest first, exact decimals, the open candle never
// returned, refusals decided before anything is sent, and transport failures that keep how far
// the request got.

#include <boost/json.hpp>

#include "client_fixture.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::hyperliquid::testing {
namespace {

namespace json = boost::json;

class HyperliquidCandles : public HyperliquidClientFixture {
 protected:
  Result<std::vector<market::Candle>> candles(InstrumentId inst, Duration interval,
                                              std::size_t count) {
    Waiter<std::vector<market::Candle>> w;
    client_->candles(inst, interval, count, w.callback());
    return w.get();
  }

  // The /info bodies of the candleSnapshot requests the sim received.
  std::vector<json::object> snapshot_requests() const {
    std::vector<json::object> out;
    for (const auto& r : sim_->server().requests()) {
      if (r.target != "/info") continue;
      auto v = json::parse(r.body);
      if (v.is_object() && v.get_object().at("type") == "candleSnapshot") {
        out.push_back(v.get_object());
      }
    }
    return out;
  }

  static market::Candle expected(const sim::hyperliquid::SimCandle& s, Duration interval) {
    market::Candle c;
    c.start = Timestamp::from_ms(s.t);
    c.interval = interval;
    c.open = Decimal::parse(s.open).value();
    c.high = Decimal::parse(s.high).value();
    c.low = Decimal::parse(s.low).value();
    c.close = Decimal::parse(s.close).value();
    c.volume = Decimal::parse(s.volume).value();
    c.trades = static_cast<std::uint32_t>(s.trades);
    return c;
  }
};

TEST_F(HyperliquidCandles, the_last_closed_minutes_come_oldest_first_exactly_as_the_venue_sent) {
  clock_.advance(25s);  // inside a minute: that minute is open
  const Timestamp now = clock_.now();
  const Timestamp end = now.floor_to(1min);
  auto r = candles(btc_, 1min, 30);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 30U);
  const Decimal mark = Decimal::parse("60000").value();
  for (std::size_t k = 0; k < 30; ++k) {
    const market::Candle& c = (*r)[k];
    const Timestamp start = end - std::chrono::minutes(30 - static_cast<std::int64_t>(k));
    const auto want = expected(
        sim::hyperliquid::HyperliquidSim::generated_candle(mark, start.ms(), 60'000), 1min);
    EXPECT_EQ(c.start, start) << k;
    EXPECT_EQ(c.interval, 1min);
    EXPECT_EQ(c.open, want.open) << k;
    EXPECT_EQ(c.high, want.high) << k;
    EXPECT_EQ(c.low, want.low) << k;
    EXPECT_EQ(c.close, want.close) << k;
    EXPECT_EQ(c.volume, want.volume) << k;
    EXPECT_EQ(c.trades, want.trades) << k;
    EXPECT_LE(c.end(), now);
  }
  // What was asked: the coin, the venue's interval name, the window from its first interval.
  const auto reqs = snapshot_requests();
  ASSERT_EQ(reqs.size(), 1U);
  const auto& req = reqs[0].at("req").as_object();
  EXPECT_EQ(req.at("coin").as_string(), "BTC");
  EXPECT_EQ(req.at("interval").as_string(), "1m");
  EXPECT_EQ(req.at("startTime").to_number<std::int64_t>(), (end - 30min).ms());
}

TEST_F(HyperliquidCandles, four_hour_candles_of_another_coin_are_aligned_to_the_epoch) {
  clock_.advance(3h);
  auto r = candles(eth_, 4h, 6);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 6U);
  EXPECT_EQ(r->back().end(), clock_.now().floor_to(4h));
  for (const auto& c : *r) {
    EXPECT_EQ(c.start.floor_to(4h), c.start);
    EXPECT_EQ(c.interval, 4h);
    // Within 2% of ETH's mark (3000), whatever the interval.
    EXPECT_GE(c.low, Decimal::parse("2900").value());
    EXPECT_LE(c.high, Decimal::parse("3100").value());
  }
}

TEST_F(HyperliquidCandles, intervals_without_a_candle_give_fewer_candles_never_older_ones) {
  const Timestamp end = clock_.now().floor_to(1min);
  auto at = [&](int minutes_before) { return (end - std::chrono::minutes(minutes_before)).ms(); };
  // The venue omits minutes without trades (3 and 4 before the end); a candle older than the
  // window is in the venue's answer too, and the open minute.
  sim_->set_candles(
      "BTC", "1m",
      {
          {at(7), "61000.0", "61000.0", "61000.0", "61000.0", "1", 1},  // before the window
          {at(5), "60000.0", "60010.5", "59990.0", "60005.0", "0.12345", 3},
          {at(2), "60005.0", "60020.0", "60001.0", "60019.9", "2.5", 7},
          {at(1), "60019.9", "60019.9", "60000.1", "60000.1", "0.00001", 1},
          {at(0), "60000.1", "60000.1", "60000.1", "60000.1", "0.1", 1},  // still open
      });
  auto r = candles(btc_, 1min, 5);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3U);
  EXPECT_EQ((*r)[0].start, Timestamp::from_ms(at(5)));
  EXPECT_EQ((*r)[0].high, Decimal::parse("60010.5").value());
  EXPECT_EQ((*r)[0].volume, Decimal::parse("0.12345").value());
  EXPECT_EQ((*r)[1].close, Decimal::parse("60019.9").value());
  EXPECT_EQ((*r)[2].start, Timestamp::from_ms(at(1)));
  EXPECT_EQ((*r)[2].volume, Decimal::parse("0.00001").value());
}

TEST_F(HyperliquidCandles, a_malformed_candle_from_the_venue_is_a_protocol_error_naming_it) {
  const Timestamp end = clock_.now().floor_to(1min);
  sim_->set_candles("BTC", "1m",
                    {{(end - 2min).ms(), "100.0", "101.0", "99.0", "100.5", "1", 1},
                     {(end - 1min).ms(), "100.0", "99.0", "98.0", "98.5", "1", 1}});
  auto r = candles(btc_, 1min, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::protocol);
  EXPECT_NE(r.error().message.find("hyperliquid candles: candle 1"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("high 99 below open 100"), std::string::npos)
      << r.error().message;
}

TEST_F(HyperliquidCandles, an_interval_the_venue_does_not_publish_is_refused_before_sending) {
  const std::size_t before = sim_->server().request_count();
  auto r = candles(btc_, 10s, 30);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find(
                "interval 10s is not offered; Hyperliquid publishes 1m, 3m, 5m, 15m, 30m, 1h, "
                "2h, 4h, 8h, 12h, 1d"),
            std::string::npos)
      << r.error().message;
  r = candles(btc_, 7 * 24h, 3);  // 1w: published, but its alignment is undocumented
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(sim_->server().request_count(), before);
}

TEST_F(HyperliquidCandles, more_than_the_venue_keeps_is_refused_before_sending) {
  const std::size_t before = sim_->server().request_count();
  auto r = candles(btc_, 1min, 5001);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("5000"), std::string::npos) << r.error().message;
  EXPECT_EQ(sim_->server().request_count(), before);
}

// The sim keeps the 5000 most recent candles, the open one among them (the venue's docs do not
// say which): at the limit, the oldest closed one is absent.
TEST_F(HyperliquidCandles, the_whole_history_the_venue_keeps_comes_in_one_answer) {
  clock_.advance(10s);
  auto r = candles(btc_, 1min, 5000);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(snapshot_requests().size(), 1U);
  ASSERT_EQ(r->size(), 4999U);
  EXPECT_EQ(r->back().end(), clock_.now().floor_to(1min));
  for (std::size_t k = 1; k < r->size(); ++k) {
    ASSERT_EQ((*r)[k].start, (*r)[k - 1].end()) << k;
  }
}

TEST_F(HyperliquidCandles, an_instrument_not_loaded_is_not_found_and_zero_candles_ask_nothing) {
  const std::size_t before = sim_->server().request_count();
  auto r = candles(InstrumentId{4242}, 1min, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  r = candles(btc_, 1min, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(sim_->server().request_count(), before);
}

TEST_F(HyperliquidCandles, a_reset_connection_keeps_how_far_the_request_got) {
  sim::hyperliquid::SimFault f;
  f.match = "info:candleSnapshot";
  f.reply.fault = testsupport::HttpFault::reset;
  sim_->push_fault(f);
  auto r = candles(btc_, 1min, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().delivery, Delivery::sent_no_answer) << r.error().to_string();
  EXPECT_TRUE(r.error().message.starts_with("hyperliquid candles")) << r.error().message;
  // The next call is answered normally.
  r = candles(btc_, 1min, 10);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->size(), 10U);
}

}  // namespace
}  // namespace nzeza::venues::hyperliquid::testing

// DydxClient::candles against the simulator's Indexer candles endpoint, on the fixture's
// ManualClock: the last closed intervals oldest first with exact decimals, tradeless intervals
// as gaps, pages of 100 read backwards, refusals decided before anything is sent, and failures
// that keep how far the request got.

#include <map>

#include "client_fixture.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::dydx::testing {
namespace {

class DydxCandles : public DydxClientFixture {
 protected:
  Result<std::vector<market::Candle>> candles(InstrumentId inst, Duration interval,
                                              std::size_t count) {
    Waiter<std::vector<market::Candle>> w;
    client_->candles(inst, interval, count, w.callback());
    return w.get();
  }

  // The query of every candles request the sim received, in order.
  std::vector<std::map<std::string, std::string>> candle_queries() const {
    std::vector<std::map<std::string, std::string>> out;
    for (const auto& r : sim_->server().requests()) {
      if (r.target.rfind("/v4/candles/perpetualMarkets/", 0) != 0) continue;
      std::map<std::string, std::string> q;
      q["path"] = r.target.substr(0, r.target.find('?'));
      std::string rest = r.target.substr(r.target.find('?') + 1);
      while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string kv = rest.substr(0, amp);
        q[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
        rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
      }
      out.push_back(std::move(q));
    }
    return out;
  }

  static market::Candle expected(const sim::dydx::SimCandle& s, Duration interval) {
    market::Candle c;
    c.start = Timestamp::from_ms(s.started_at_ms);
    c.interval = interval;
    c.open = Decimal::parse(s.open).value();
    c.high = Decimal::parse(s.high).value();
    c.low = Decimal::parse(s.low).value();
    c.close = Decimal::parse(s.close).value();
    c.volume = Decimal::parse(s.base_volume).value();
    c.trades = static_cast<std::uint32_t>(s.trades);
    return c;
  }
};

TEST_F(DydxCandles, the_last_closed_minutes_come_oldest_first_exactly_as_the_indexer_sent) {
  clock_.advance(25s);  // inside a minute: that minute is open
  const Timestamp now = clock_.now();
  const Timestamp end = now.floor_to(1min);
  auto r = candles(btc_, 1min, 30);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 30U);
  const Decimal oracle = Decimal::parse("60000").value();
  std::size_t gaps = 0;
  for (std::size_t k = 0; k < 30; ++k) {
    const market::Candle& c = (*r)[k];
    const Timestamp start = end - std::chrono::minutes(30 - static_cast<std::int64_t>(k));
    const auto want =
        expected(sim::dydx::DydxSim::generated_candle(oracle, start.ms(), 60'000), 1min);
    EXPECT_EQ(c.start, start) << k;
    EXPECT_EQ(c.interval, 1min);
    EXPECT_EQ(c.open, want.open) << k;
    EXPECT_EQ(c.high, want.high) << k;
    EXPECT_EQ(c.low, want.low) << k;
    EXPECT_EQ(c.close, want.close) << k;
    EXPECT_EQ(c.volume, want.volume) << k;
    EXPECT_EQ(c.trades, want.trades) << k;
    // The Indexer's tradeless interval (one in 11 at the sim) is a gap, flat at the close before.
    EXPECT_EQ(c.gap, want.trades == 0) << k;
    if (c.gap) {
      ++gaps;
      ASSERT_GT(k, 0U);
      EXPECT_EQ(c.close, (*r)[k - 1].close) << k;
    }
    EXPECT_LE(c.end(), now);
  }
  EXPECT_GE(gaps, 2U);  // 30 minutes hold two or three multiples of 11
  const auto qs = candle_queries();
  ASSERT_EQ(qs.size(), 1U);
  EXPECT_EQ(qs[0].at("path"), "/v4/candles/perpetualMarkets/BTC-USD");
  EXPECT_EQ(qs[0].at("resolution"), "1MIN");
  EXPECT_EQ(qs[0].at("limit"), "30");
  EXPECT_EQ(qs[0].at("fromISO"), (end - 30min).to_iso8601());
  EXPECT_EQ(qs[0].at("toISO"), end.to_iso8601());
}

TEST_F(DydxCandles, a_long_history_is_read_backwards_in_pages_of_one_hundred) {
  auto r = candles(eth_, 5min, 250);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 250U);
  EXPECT_EQ(r->back().end(), clock_.now().floor_to(5min));
  for (std::size_t k = 1; k < r->size(); ++k) {
    ASSERT_EQ((*r)[k].start, (*r)[k - 1].end()) << k;
  }
  const auto qs = candle_queries();
  ASSERT_EQ(qs.size(), 3U);
  EXPECT_EQ(qs[0].at("limit"), "100");
  EXPECT_EQ(qs[1].at("limit"), "100");
  EXPECT_EQ(qs[2].at("limit"), "50");
  // Each page ends where the previous one began.
  EXPECT_EQ(qs[1].at("toISO"), (*r)[150].start.to_iso8601());
  EXPECT_EQ(qs[2].at("toISO"), (*r)[50].start.to_iso8601());
  for (const auto& q : qs) EXPECT_EQ(q.at("fromISO"), r->front().start.to_iso8601());
}

TEST_F(DydxCandles, a_young_market_gives_what_it_has_from_one_short_page) {
  const Timestamp end = clock_.now().floor_to(1h);
  auto at = [&](int hours_before) { return (end - std::chrono::hours(hours_before)).ms(); };
  sim_->set_candles("BTC-USD", "1HOUR",
                    {
                        {at(3), "60000", "60500", "59800", "60400", "12.5", "752000", 40},
                        {at(2), "60400", "60400", "60100", "60150", "0.000001", "0.06", 1},
                        {at(1), "60150", "60150", "60150", "60150", "0", "0", 0},
                        {at(0), "60150", "60200", "60100", "60200", "1", "60200", 3},  // open
                    });
  auto r = candles(btc_, 1h, 24);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3U);
  EXPECT_EQ((*r)[0].start, Timestamp::from_ms(at(3)));
  EXPECT_EQ((*r)[0].volume, Decimal::parse("12.5").value());
  EXPECT_EQ((*r)[1].volume, Decimal::parse("0.000001").value());
  EXPECT_TRUE((*r)[2].gap);
  EXPECT_EQ(candle_queries().size(), 1U);
}

TEST_F(DydxCandles, a_malformed_candle_from_the_indexer_is_a_protocol_error_naming_it) {
  const Timestamp end = clock_.now().floor_to(1min);
  sim_->set_candles("BTC-USD", "1MIN",
                    {{(end - 2min).ms(), "100", "101", "99", "100.5", "1", "100", 2},
                     {(end - 1min).ms(), "100", "101", "100.5", "100.2", "1", "100", 2}});
  auto r = candles(btc_, 1min, 2);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::protocol);
  // Newest first on the wire: the bad one is candle 0.
  EXPECT_NE(r.error().message.find("dydx candles: candle 0"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("open 100 below low 100.5"), std::string::npos)
      << r.error().message;
}

TEST_F(DydxCandles, an_interval_the_indexer_does_not_publish_is_refused_before_sending) {
  auto r = candles(btc_, 3min, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find(
                "interval 3m is not offered; dYdX publishes 1m, 5m, 15m, 30m, 1h, 4h, 1d"),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(sim_->candle_requests(), 0U);
}

TEST_F(DydxCandles, too_many_an_unloaded_market_or_none_asked_send_nothing) {
  auto r = candles(btc_, 1min, 1001);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("at most 1000"), std::string::npos) << r.error().message;
  r = candles(InstrumentId{777}, 1min, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  r = candles(btc_, 1min, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(sim_->candle_requests(), 0U);
}

TEST_F(DydxCandles, a_failed_second_page_fails_the_call_and_keeps_its_delivery) {
  // The first page is answered normally (processed, no fault), the second gets a 503.
  sim::dydx::SimFault pass;
  pass.match = "/v4/candles";
  pass.process = true;
  sim_->push_fault(pass);
  sim::dydx::SimFault down;
  down.match = "/v4/candles";
  down.reply.status = 503;
  down.reply.body = "upstream down";
  sim_->push_fault(down);
  auto r = candles(btc_, 1min, 150);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().delivery, Delivery::answer_unknown) << r.error().to_string();
  EXPECT_EQ(r.error().venue_code, "503");
  EXPECT_TRUE(r.error().message.starts_with("dydx candles")) << r.error().message;
  EXPECT_EQ(sim_->candle_requests(), 1U);  // the 503 was scripted, not handled
  EXPECT_EQ(candle_queries().size(), 2U);
}

}  // namespace
}  // namespace nzeza::venues::dydx::testing

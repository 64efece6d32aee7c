// Candle history for the warm-up: CoinbaseClient::candles against the simulator's public candles
// (our own deterministic candles, sim/sim_candles.hpp), on the fixture's ManualClock.
#include <algorithm>

#include "coinbase_fixture.hpp"
#include "sim/sim_candles.hpp"

namespace nzeza::venues::coinbase::test {
namespace {

constexpr Duration kMinute = std::chrono::minutes(1);

class CoinbaseCandles : public CoinbaseClientFixture {
 protected:
  Result<std::vector<market::Candle>> candles(InstrumentId id, Duration interval,
                                              std::size_t count) {
    return await<std::vector<market::Candle>>(
        [&](auto cb) { client_->candles(id, interval, count, cb); });
  }
  std::vector<testsupport::HttpSeen> candle_requests() const {
    std::vector<testsupport::HttpSeen> out;
    for (const auto& seen : sim_->requests())
      if (seen.target.find("/candles?") != std::string::npos) out.push_back(seen);
    return out;
  }
  // The candles the simulator publishes (those with trades) in [from, to), oldest first.
  static std::vector<sim::SimCandle> published(const std::string& product, Duration interval,
                                               Timestamp from, Timestamp to, Decimal base) {
    std::vector<sim::SimCandle> out;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(interval).count();
    for (Timestamp t = from; t < to; t += interval) {
      auto c = sim::sim_candle(product, ms, t.ms(), base, dec("0.01"));
      if (c.trades > 0) out.push_back(c);
    }
    return out;
  }
  static void expect_equal(const std::vector<market::Candle>& got,
                           const std::vector<sim::SimCandle>& want, Duration interval) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].start.ms(), want[i].start_ms) << "candle " << i;
      EXPECT_EQ(got[i].interval, interval);
      EXPECT_EQ(got[i].open, want[i].open) << "candle " << i;
      EXPECT_EQ(got[i].high, want[i].high) << "candle " << i;
      EXPECT_EQ(got[i].low, want[i].low) << "candle " << i;
      EXPECT_EQ(got[i].close, want[i].close) << "candle " << i;
      EXPECT_EQ(got[i].volume, want[i].volume) << "candle " << i;
      EXPECT_FALSE(got[i].gap);
    }
  }
};

TEST_F(CoinbaseCandles, the_last_closed_candles_arrive_oldest_first_exact_and_aligned) {
  clock_.advance(25s);  // inside a minute: the current bucket is open and must not come back
  const Timestamp cutoff = clock_.now().floor_to(kMinute);
  // Coinbase leaves out the minutes without trades: 100 candles span more than 100 minutes; the
  // first window of 100 buckets holds fewer, and a full window of 350 completes them.
  auto r = candles(btc_, kMinute, 100);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 100U);
  EXPECT_LE(r->back().end(), cutoff);
  for (std::size_t i = 1; i < r->size(); ++i)
    EXPECT_LT((*r)[i - 1].start, (*r)[i].start) << "candle " << i;
  auto want = published("BTC-USD", kMinute, r->front().start, cutoff, dec("50000"));
  expect_equal(*r, want, kMinute);
  EXPECT_EQ(r->back().start, Timestamp::from_ms(want.back().start_ms));
  const auto seen = candle_requests();
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_NE(seen[0].target.find("granularity=ONE_MINUTE"), std::string::npos) << seen[0].target;
  EXPECT_NE(seen[0].target.find("limit=100"), std::string::npos) << seen[0].target;
  EXPECT_NE(seen[0].target.find("/api/v3/brokerage/market/products/BTC-USD/candles?"),
            std::string::npos)
      << seen[0].target;
  EXPECT_NE(seen[1].target.find("limit=350"), std::string::npos) << seen[1].target;
  EXPECT_TRUE(seen[0].header("Authorization").empty()) << "a public endpoint: no JWT";
}

TEST_F(CoinbaseCandles, a_thousand_candles_are_fetched_in_windows_of_350) {
  const Timestamp cutoff = clock_.now().floor_to(std::chrono::hours(1));
  auto r = candles(eth_, std::chrono::hours(1), 1000);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 1000U);
  auto want = published("ETH-USD", std::chrono::hours(1), r->front().start, cutoff, dec("3000"));
  expect_equal(*r, want, std::chrono::hours(1));
  const auto seen = candle_requests();
  ASSERT_GE(seen.size(), 3U);
  EXPECT_NE(seen[0].target.find("limit=350"), std::string::npos) << seen[0].target;
  EXPECT_NE(seen[1].target.find("limit=350"), std::string::npos) << seen[1].target;
}

TEST_F(CoinbaseCandles, history_shorter_than_asked_gives_what_exists) {
  const Timestamp cutoff = clock_.now().floor_to(kMinute);
  const Timestamp first = cutoff - std::chrono::minutes(200);
  sim_->set_history_start(first.seconds());
  auto r = candles(btc_, kMinute, 1000);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  expect_equal(*r, published("BTC-USD", kMinute, first, cutoff, dec("50000")), kMinute);
}

TEST_F(CoinbaseCandles, an_interval_coinbase_does_not_publish_is_refused_with_the_list) {
  const auto before = sim_->requests().size();
  for (const Duration interval :
       {Duration(1s), Duration(std::chrono::minutes(3)), Duration(std::chrono::hours(24 * 7))}) {
    auto r = candles(btc_, interval, 10);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(r.error().message.find("1m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 1d"), std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find("coinbase candles BTC-USD"), std::string::npos)
        << r.error().message;
  }
  EXPECT_EQ(sim_->requests().size(), before);
}

TEST_F(CoinbaseCandles, an_instrument_that_is_not_loaded_is_not_found) {
  auto r = candles(InstrumentId{}, kMinute, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found) << r.error().to_string();
}

TEST_F(CoinbaseCandles, more_than_the_documented_maximum_is_refused_before_sending) {
  auto r = candles(btc_, kMinute, 5001);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("at most 5000"), std::string::npos) << r.error().message;
  EXPECT_TRUE(candle_requests().empty());
}

TEST_F(CoinbaseCandles, a_lost_answer_keeps_the_transport_delivery) {
  sim::coinbase::SimFault reset;
  reset.method = "GET";
  reset.path_prefix = "/api/v3/brokerage/market/products/BTC-USD/candles";
  reset.reply.fault = testsupport::HttpFault::reset;
  sim_->script(reset);
  auto r = candles(btc_, kMinute, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().delivery, Delivery::none) << r.error().to_string();
  EXPECT_NE(r.error().delivery, Delivery::not_sent) << r.error().to_string();
  EXPECT_NE(r.error().message.find("coinbase candles BTC-USD ONE_MINUTE"), std::string::npos)
      << r.error().message;
}

TEST_F(CoinbaseCandles, an_unreadable_page_fails_the_call_as_protocol) {
  sim::coinbase::SimFault bad;
  bad.method = "GET";
  bad.path_prefix = "/api/v3/brokerage/market/products/BTC-USD/candles";
  bad.reply.status = 200;
  bad.reply.body = R"({"candles":[{"start":"not-a-time"}]})";
  sim_->script(bad);
  auto r = candles(btc_, kMinute, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::protocol) << r.error().to_string();
  EXPECT_EQ(r.error().delivery, Delivery::answer_cut) << r.error().to_string();
  EXPECT_NE(r.error().message.find("'start' is not unix seconds"), std::string::npos)
      << r.error().message;
}

TEST_F(CoinbaseCandles, a_venue_refusal_keeps_its_code_and_text) {
  sim::coinbase::SimFault refused;
  refused.method = "GET";
  refused.path_prefix = "/api/v3/brokerage/market/products/BTC-USD/candles";
  refused.reply.status = 400;
  refused.reply.body = R"({"error":"INVALID_ARGUMENT","message":"granularity is invalid"})";
  sim_->script(refused);
  auto r = candles(btc_, kMinute, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::rejected) << r.error().to_string();
  EXPECT_EQ(r.error().venue_code, "INVALID_ARGUMENT");
  EXPECT_EQ(r.error().venue_text, "granularity is invalid");
}

}  // namespace
}  // namespace nzeza::venues::coinbase::test

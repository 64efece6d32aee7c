// Every relevant public Coinbase Advanced Trade sample (read in place from NZEZA_FIXTURES_DIR)
// decoded with concrete values asserted. The samples come from different sessions, so each is
// decoded by a fresh codec (their sequence numbers are unrelated).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/fixtures.hpp"
#include "core/instrument.hpp"
#include "venues/coinbase/codec.hpp"

namespace nzeza::venues::coinbase {
namespace {

struct Sink final : MarketEventSink {
  std::vector<MarketEvent> events;
  void on_event(const MarketEvent& event) override { events.push_back(event); }
};

class CoinbaseFixtures : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* product : {"BTC-USD", "ETH-USD"}) {
      Instrument i;
      i.venue = Venue::coinbase;
      i.canonical = product;
      i.venue_symbol = product;
      i.base = std::string(product).substr(0, 3);
      i.quote = "USD";
      i.tick_size = Decimal::from_raw8(1'000'000);
      i.lot_size = Decimal::from_raw8(1);
      ids.push_back(registry.add(i).value());
    }
  }
  std::string fixture(const char* name) {
    return testing::read_file(testing::fixtures_dir() / "coinbase" / name);
  }
  Result<DecodeInfo> decode(CoinbaseCodec& codec, const char* name) {
    return codec.decode(fixture(name), now, sink);
  }
  InstrumentRegistry registry;
  std::vector<InstrumentId> ids;  // BTC-USD, ETH-USD
  Sink sink;
  const Timestamp now = Timestamp::from_ms(1'775'000'000'000);
};

TEST_F(CoinbaseFixtures, ticker_sample_decodes_to_its_best_bid_and_ask) {
  NZEZA_REQUIRE_FIXTURES();
  CoinbaseCodec codec(registry);
  auto info = decode(codec, "nautilus_ws_ticker.json");
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  EXPECT_EQ(info->sequence, 12u);
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].instrument, ids[0]);
  EXPECT_EQ(sink.events[0].venue_time, *Timestamp::parse_iso8601("2026-04-07T14:30:03Z"));
  const Quote q = std::get<Quote>(sink.events[0].body);
  EXPECT_EQ(q.bid, "68900"_d);
  EXPECT_EQ(q.bid_size, "1.5"_d);
  EXPECT_EQ(q.ask, "68901"_d);
  EXPECT_EQ(q.ask_size, "0.5"_d);
}

TEST_F(CoinbaseFixtures, market_trades_sample_decodes_both_trades) {
  NZEZA_REQUIRE_FIXTURES();
  CoinbaseCodec codec(registry);
  auto info = decode(codec, "nautilus_ws_market_trades.json");
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  ASSERT_EQ(sink.events.size(), 2u);
  const Trade first = std::get<Trade>(sink.events[0].body);
  EXPECT_EQ(first.trade_id.view(), "995098700");
  EXPECT_EQ(first.price, "68900.5"_d);
  EXPECT_EQ(first.size, "0.0015"_d);
  EXPECT_EQ(first.aggressor, Side::buy);
  EXPECT_EQ(sink.events[0].venue_time, *Timestamp::parse_iso8601("2026-04-07T14:30:02.789012Z"));
  const Trade second = std::get<Trade>(sink.events[1].body);
  EXPECT_EQ(second.trade_id.view(), "995098701");
  EXPECT_EQ(second.size, "0.05"_d);
  EXPECT_EQ(second.aggressor, Side::sell);
}

TEST_F(CoinbaseFixtures, level2_snapshot_sample_builds_the_book) {
  NZEZA_REQUIRE_FIXTURES();
  CoinbaseCodec codec(registry);
  auto info = decode(codec, "nautilus_ws_l2_data_snapshot.json");
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  EXPECT_EQ(info->events, 6u);
  const market::OrderBook& book = *codec.book(ids[0]);
  EXPECT_TRUE(book.synced());
  ASSERT_EQ(book.bids().size(), 3u);
  ASSERT_EQ(book.asks().size(), 3u);
  EXPECT_EQ(book.best_bid()->price, "68900"_d);
  EXPECT_EQ(book.best_bid()->size, "1.5"_d);
  EXPECT_EQ(book.bids()[2].price, "68899"_d);
  EXPECT_EQ(book.best_ask()->price, "68901"_d);
  EXPECT_EQ(book.asks()[2].size, "0.8"_d);
}

TEST_F(CoinbaseFixtures, level2_update_sample_applies_on_a_synced_book) {
  NZEZA_REQUIRE_FIXTURES();
  CoinbaseCodec codec(registry);
  // The update sample has sequence_num 1: a snapshot of our own at 0 precedes it.
  auto snapshot = codec.decode(
      R"({"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50Z","sequence_num":0,"events":[{"type":"snapshot","product_id":"BTC-USD","updates":[{"side":"bid","event_time":"2023-02-09T20:32:50Z","price_level":"21921.00","new_quantity":"1"},{"side":"offer","event_time":"2023-02-09T20:32:50Z","price_level":"21921.74","new_quantity":"0.4"},{"side":"offer","event_time":"2023-02-09T20:32:50Z","price_level":"21922.00","new_quantity":"2"}]}]})",
      now, sink);
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().to_string();
  auto info = decode(codec, "ws_l2_data_update.json");
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  EXPECT_FALSE(info->resubscribe_needed);
  EXPECT_EQ(info->events, 3u);
  const market::OrderBook& book = *codec.book(ids[0]);
  EXPECT_TRUE(book.synced());
  EXPECT_EQ(book.best_bid()->price, "21921.73"_d);
  EXPECT_EQ(book.best_bid()->size, "0.06317902"_d);
  EXPECT_EQ(book.size_at(Side::buy, "21921.3"_d), "0.02"_d);
  EXPECT_EQ(book.best_ask()->price, "21922"_d);  // 21921.74 removed by new_quantity "0"
}

TEST_F(CoinbaseFixtures, heartbeats_and_subscriptions_samples) {
  NZEZA_REQUIRE_FIXTURES();
  CoinbaseCodec codec(registry);
  auto hb = decode(codec, "nautilus_ws_heartbeats.json");
  ASSERT_TRUE(hb.ok()) << hb.error().to_string();
  EXPECT_EQ(hb->kind, FrameKind::heartbeat);
  CoinbaseCodec other(registry);
  auto subs = decode(other, "nautilus_ws_subscriptions.json");
  ASSERT_TRUE(subs.ok()) << subs.error().to_string();
  EXPECT_EQ(subs->kind, FrameKind::subscribed);
  EXPECT_TRUE(sink.events.empty());
}

TEST_F(CoinbaseFixtures, user_channel_sample_is_an_unknown_channel_here) {
  NZEZA_REQUIRE_FIXTURES();
  CoinbaseCodec codec(registry);
  auto info = decode(codec, "nautilus_ws_user.json");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->kind, FrameKind::ignored);
  EXPECT_EQ(codec.stats().unknown_type, 1u);
}

TEST_F(CoinbaseFixtures, our_subscribe_messages_match_the_documented_requests) {
  NZEZA_REQUIRE_FIXTURES();
  // The documented requests carry a "jwt" placeholder: public channels need none, so ours have
  // the same fields minus jwt.
  const std::string level2 =
      CoinbaseCodec::subscribe(Channel::level2, std::vector<std::string>{"ETH-USD", "BTC-USD"});
  const std::string documented = fixture("ws_subscribe_level2_request.json");
  EXPECT_NE(documented.find(R"("product_ids": ["ETH-USD", "BTC-USD"])"), std::string::npos);
  EXPECT_EQ(level2,
            R"({"type":"subscribe","product_ids":["ETH-USD","BTC-USD"],"channel":"level2"})");
  EXPECT_NE(fixture("ws_subscribe_heartbeats_request.json").find(R"("channel": "heartbeats")"),
            std::string::npos);
  EXPECT_EQ(CoinbaseCodec::subscribe(Channel::heartbeats, {}),
            R"({"type":"subscribe","channel":"heartbeats"})");
}

}  // namespace
}  // namespace nzeza::venues::coinbase

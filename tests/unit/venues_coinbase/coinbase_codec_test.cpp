// CoinbaseCodec on messages written for these tests in Coinbase Advanced Trade's formats.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/venues_coinbase/recording_sink.hpp"
#include "venues/coinbase/codec.hpp"

namespace nzeza::venues::coinbase {
namespace {

using test::RecordingSink;
using test::TwoProducts;

const Timestamp kNow = Timestamp::from_ms(1'760'000'000'500);

std::string envelope(std::string_view channel, std::uint64_t sequence, std::string events) {
  return R"({"channel":")" + std::string(channel) +
         R"(","client_id":"","timestamp":"2025-10-09T08:53:20.250Z","sequence_num":)" +
         std::to_string(sequence) + R"(,"events":)" + events + "}";
}

std::string l2(std::string_view type, std::string_view product, std::string updates) {
  return R"([{"type":")" + std::string(type) + R"(","product_id":")" + std::string(product) +
         R"(","updates":)" + updates + "}]";
}

std::string level(std::string_view side, std::string_view price, std::string_view qty) {
  return R"({"side":")" + std::string(side) +
         R"(","event_time":"2025-10-09T08:53:20.2Z","price_level":")" + std::string(price) +
         R"(","new_quantity":")" + std::string(qty) + R"("})";
}

const std::string kSnapshot =
    "[" + level("bid", "2450.10", "1.5") + "," + level("bid", "2450.00", "3") + "," +
    level("offer", "2450.20", "0.75") + "," + level("offer", "2450.90", "2") + "]";

class CoinbaseCodecTest : public ::testing::Test {
 protected:
  TwoProducts products;
  CoinbaseCodec codec{products.registry};
  RecordingSink sink;
  std::uint64_t next_sequence = 0;

  Result<DecodeInfo> decode(const std::string& frame) { return codec.decode(frame, kNow, sink); }
  // Decodes with the next sequence number of the connection.
  DecodeInfo next(std::string_view channel, std::string events) {
    auto info = decode(envelope(channel, next_sequence++, std::move(events)));
    EXPECT_TRUE(info.ok()) << info.error().to_string();
    return info.ok() ? *info : DecodeInfo{};
  }
  const market::OrderBook& eth_book() { return *codec.book(products.eth_usd); }
};

TEST(CoinbaseSubscribe, subscribe_names_one_channel_and_its_products_without_jwt) {
  const std::vector<std::string> products{"ETH-USD", "SOL-USD"};
  EXPECT_EQ(CoinbaseCodec::subscribe(Channel::level2, products),
            R"({"type":"subscribe","product_ids":["ETH-USD","SOL-USD"],"channel":"level2"})");
  EXPECT_EQ(CoinbaseCodec::subscribe(Channel::heartbeats, {}),
            R"({"type":"subscribe","channel":"heartbeats"})");
  EXPECT_EQ(CoinbaseCodec::unsubscribe(Channel::market_trades, std::vector<std::string>{"ETH-USD"}),
            R"({"type":"unsubscribe","product_ids":["ETH-USD"],"channel":"market_trades"})");
}

TEST_F(CoinbaseCodecTest, subscriptions_message_is_an_ack) {
  const DecodeInfo info =
      next("subscriptions", R"([{"subscriptions":{"level2":["ETH-USD"],"heartbeats":[]}}])");
  EXPECT_EQ(info.kind, FrameKind::subscribed);
  EXPECT_EQ(codec.stats().acks, 1u);
}

TEST_F(CoinbaseCodecTest, ticker_becomes_an_exact_quote_with_the_envelope_time) {
  const DecodeInfo info = next(
      "ticker",
      R"([{"type":"update","tickers":[{"type":"ticker","product_id":"ETH-USD","price":"2450.15","volume_24_h":"1000","low_24_h":"2400","high_24_h":"2500","low_52_w":"1500","high_52_w":"4000","price_percent_chg_24_h":"0.5","best_bid":"2450.10","best_bid_quantity":"1.25000000","best_ask":"2450.20","best_ask_quantity":"0.00500000"}]}])");
  EXPECT_EQ(info.events, 1u);
  ASSERT_EQ(sink.events.size(), 1u);
  const MarketEvent& e = sink.events[0];
  EXPECT_EQ(e.venue, Venue::coinbase);
  EXPECT_EQ(e.instrument, products.eth_usd);
  EXPECT_EQ(e.venue_time, Timestamp::from_ms(1'760'000'000'250));
  const Quote q = std::get<Quote>(e.body);
  EXPECT_EQ(q.bid, "2450.1"_d);
  EXPECT_EQ(q.bid_size, "1.25"_d);
  EXPECT_EQ(q.ask, "2450.2"_d);
  EXPECT_EQ(q.ask_size, "0.005"_d);
}

TEST_F(CoinbaseCodecTest, crossed_ticker_is_rejected_and_the_next_message_decodes) {
  auto bad = decode(envelope(
      "ticker", 0,
      R"([{"type":"update","tickers":[{"product_id":"ETH-USD","best_bid":"2451","best_bid_quantity":"1","best_ask":"2450","best_ask_quantity":"1"}]}])"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("best_bid must be < best_ask"), std::string::npos);
  EXPECT_TRUE(sink.events.empty());
  next_sequence = 1;
  next(
      "ticker",
      R"([{"type":"update","tickers":[{"product_id":"SOL-USD","best_bid":"150","best_bid_quantity":"1","best_ask":"150.01","best_ask_quantity":"1"}]}])");
  EXPECT_EQ(sink.events.size(), 1u);
}

TEST_F(CoinbaseCodecTest, ticker_without_best_ask_is_rejected_naming_the_field) {
  auto bad = decode(envelope(
      "ticker", 0,
      R"([{"type":"update","tickers":[{"product_id":"ETH-USD","best_bid":"2450","best_bid_quantity":"1"}]}])"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("coinbase ticker: field 'best_ask' missing"),
            std::string::npos);
}

TEST_F(CoinbaseCodecTest, market_trades_update_becomes_trades_with_taker_side_and_time) {
  const DecodeInfo info = next(
      "market_trades",
      R"([{"type":"update","trades":[{"trade_id":"88001","product_id":"ETH-USD","price":"2450.15","size":"0.2","side":"SELL","time":"2025-10-09T08:53:20.123456Z"},{"trade_id":"88002","product_id":"SOL-USD","price":"150.5","size":"3","side":"BUY","time":"2025-10-09T08:53:20.2Z"}]}])");
  EXPECT_EQ(info.events, 2u);
  const auto trades = sink.bodies<Trade>();
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[0].trade_id.view(), "88001");
  EXPECT_EQ(trades[0].aggressor, Side::sell);
  EXPECT_EQ(trades[0].price, "2450.15"_d);
  EXPECT_EQ(trades[1].aggressor, Side::buy);
  EXPECT_EQ(sink.events[0].venue_time, Timestamp::from_us(1'760'000'000'123'456));
  EXPECT_EQ(sink.events[1].instrument, products.sol_usd);
}

TEST_F(CoinbaseCodecTest, market_trades_snapshot_is_skipped_by_default) {
  const DecodeInfo info = next(
      "market_trades",
      R"([{"type":"snapshot","trades":[{"trade_id":"1","product_id":"ETH-USD","price":"2450","size":"1","side":"BUY","time":"2025-10-09T08:50:00Z"}]}])");
  EXPECT_EQ(info.events, 0u);
  EXPECT_EQ(codec.stats().trade_snapshots_skipped, 1u);
}

TEST_F(CoinbaseCodecTest, trade_with_unknown_side_is_rejected) {
  auto bad = decode(envelope(
      "market_trades", 0,
      R"([{"type":"update","trades":[{"trade_id":"1","product_id":"ETH-USD","price":"2450","size":"1","side":"HOLD","time":"2025-10-09T08:50:00Z"}]}])"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'side'"), std::string::npos);
}

TEST_F(CoinbaseCodecTest, level2_snapshot_builds_the_book_and_emits_a_snapshot_run) {
  const DecodeInfo info = next("l2_data", l2("snapshot", "ETH-USD", kSnapshot));
  EXPECT_EQ(info.events, 4u);
  const auto changes = sink.bodies<BookChange>();
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_TRUE(changes[0].snapshot && changes[0].reset && !changes[0].last);
  EXPECT_TRUE(changes[3].snapshot && changes[3].last);
  EXPECT_EQ(changes[2].side, Side::sell);
  EXPECT_EQ(changes[2].price, "2450.2"_d);
  EXPECT_TRUE(eth_book().synced());
  EXPECT_EQ(eth_book().best_bid()->price, "2450.1"_d);
  EXPECT_EQ(eth_book().best_ask()->size, "0.75"_d);
}

TEST_F(CoinbaseCodecTest, level2_update_sets_absolute_sizes_and_zero_deletes) {
  next("l2_data", l2("snapshot", "ETH-USD", kSnapshot));
  sink.events.clear();
  next("l2_data", l2("update", "ETH-USD",
                     "[" + level("bid", "2450.10", "0.5") + "," + level("offer", "2450.20", "0") +
                         "," + level("offer", "2450.50", "4") + "]"));
  const auto changes = sink.bodies<BookChange>();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_FALSE(changes[0].snapshot);
  EXPECT_EQ(eth_book().best_bid()->size, "0.5"_d);
  EXPECT_EQ(eth_book().best_ask()->price, "2450.5"_d);
  EXPECT_EQ(eth_book().last_sequence(), 1u);
}

TEST_F(CoinbaseCodecTest, update_before_any_snapshot_is_dropped) {
  next("l2_data", l2("update", "ETH-USD", "[" + level("bid", "2450", "1") + "]"));
  EXPECT_TRUE(sink.events.empty());
  EXPECT_EQ(codec.stats().updates_dropped_unsynced, 1u);
  EXPECT_FALSE(eth_book().synced());
}

TEST_F(CoinbaseCodecTest, sequence_gap_marks_books_for_resync_until_the_next_snapshot) {
  next("l2_data", l2("snapshot", "ETH-USD", kSnapshot));
  sink.events.clear();
  next_sequence = 5;  // 1..4 lost
  const DecodeInfo gap =
      next("l2_data", l2("update", "ETH-USD", "[" + level("bid", "2449", "1") + "]"));
  EXPECT_TRUE(gap.resubscribe_needed);
  EXPECT_EQ(codec.stats().sequence_gaps, 1u);
  EXPECT_EQ(eth_book().state(), market::BookSyncState::needs_resync);
  ASSERT_EQ(sink.events.size(), 1u);  // the status only: the update is dropped
  EXPECT_EQ(std::get<VenueStatus>(sink.events[0].body).state, FeedState::resyncing);
  EXPECT_EQ(eth_book().size_at(Side::buy, "2449"_d), Decimal::zero());

  // The resubscribe brings a new snapshot: synced again.
  next("l2_data", l2("snapshot", "ETH-USD",
                     "[" + level("bid", "2440", "1") + "," + level("offer", "2441", "1") + "]"));
  EXPECT_TRUE(eth_book().synced());
  EXPECT_EQ(eth_book().best_bid()->price, "2440"_d);
  EXPECT_EQ(eth_book().bids().size(), 1u);
}

TEST_F(CoinbaseCodecTest, duplicate_sequence_is_dropped) {
  next("l2_data", l2("snapshot", "ETH-USD", kSnapshot));
  sink.events.clear();
  auto duplicate = decode(
      envelope("l2_data", 0, l2("update", "ETH-USD", "[" + level("bid", "2000", "1") + "]")));
  ASSERT_TRUE(duplicate.ok());
  EXPECT_EQ(duplicate->kind, FrameKind::ignored);
  EXPECT_TRUE(sink.events.empty());
  EXPECT_EQ(codec.stats().duplicates, 1u);
}

TEST_F(CoinbaseCodecTest, reconnect_restarts_the_sequence_and_awaits_snapshots) {
  next("l2_data", l2("snapshot", "ETH-USD", kSnapshot));
  codec.on_connected();
  EXPECT_FALSE(eth_book().synced());
  next_sequence = 0;
  const DecodeInfo info = next("heartbeats", R"([{"current_time":"x","heartbeat_counter":1}])");
  EXPECT_FALSE(info.resubscribe_needed);
  EXPECT_EQ(codec.stats().sequence_gaps, 0u);
}

TEST_F(CoinbaseCodecTest, malformed_level2_update_costs_the_book_a_resync) {
  next("l2_data", l2("snapshot", "ETH-USD", kSnapshot));
  sink.events.clear();
  auto bad = decode(envelope("l2_data", next_sequence++,
                             l2("update", "ETH-USD", "[" + level("bid", "-1", "1") + "]")));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("price_level must be > 0"), std::string::npos);
  EXPECT_EQ(eth_book().state(), market::BookSyncState::needs_resync);
  EXPECT_EQ(std::get<VenueStatus>(sink.events.at(0).body).state, FeedState::resyncing);
}

TEST_F(CoinbaseCodecTest, update_that_crosses_the_book_asks_for_a_resubscribe) {
  next("l2_data", l2("snapshot", "ETH-USD", kSnapshot));
  const DecodeInfo info =
      next("l2_data", l2("update", "ETH-USD", "[" + level("bid", "2451", "1") + "]"));
  EXPECT_TRUE(info.resubscribe_needed);
  EXPECT_EQ(eth_book().state(), market::BookSyncState::needs_resync);
  EXPECT_EQ(codec.stats().crossed, 1u);
}

TEST_F(CoinbaseCodecTest, heartbeats_are_liveness_and_counter_jumps_are_counted) {
  EXPECT_EQ(
      next("heartbeats", R"([{"current_time":"2025-10-09 08:53:20","heartbeat_counter":7}])").kind,
      FrameKind::heartbeat);
  next("heartbeats", R"([{"current_time":"2025-10-09 08:53:21","heartbeat_counter":8}])");
  next("heartbeats", R"([{"current_time":"2025-10-09 08:53:24","heartbeat_counter":11}])");
  EXPECT_EQ(codec.stats().heartbeats, 3u);
  EXPECT_EQ(codec.stats().heartbeat_gaps, 1u);
  EXPECT_TRUE(sink.events.empty());
}

TEST_F(CoinbaseCodecTest, unknown_channel_and_product_are_counted_and_ignored) {
  EXPECT_EQ(next("candles", "[]").kind, FrameKind::ignored);
  next("l2_data", l2("snapshot", "DOGE-USD", "[" + level("bid", "0.1", "1") + "]"));
  EXPECT_EQ(codec.stats().unknown_type, 1u);
  EXPECT_EQ(codec.stats().unknown_symbol, 1u);
  EXPECT_TRUE(sink.events.empty());
}

TEST_F(CoinbaseCodecTest, venue_error_message_is_rejected_with_its_text) {
  auto info = decode(R"({"type":"error","message":"failure to subscribe"})");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::rejected);
  EXPECT_EQ(info.error().venue_text, "failure to subscribe");
}

TEST_F(CoinbaseCodecTest, envelope_without_sequence_or_bad_timestamp_is_rejected) {
  auto no_seq = decode(R"({"channel":"ticker","timestamp":"2025-10-09T08:53:20Z","events":[]})");
  ASSERT_FALSE(no_seq.ok());
  EXPECT_NE(no_seq.error().message.find("sequence_num"), std::string::npos);
  auto bad_time =
      decode(R"({"channel":"ticker","timestamp":"yesterday","sequence_num":1,"events":[]})");
  ASSERT_FALSE(bad_time.ok());
  EXPECT_NE(bad_time.error().message.find("RFC 3339"), std::string::npos);
  EXPECT_FALSE(decode("{\"channel\":").ok());
  EXPECT_EQ(codec.stats().malformed, 3u);
}

TEST_F(CoinbaseCodecTest, oversized_frame_is_refused_unparsed) {
  CoinbaseCodec small(products.registry, CodecConfig{.max_message_bytes = 128});
  auto info =
      small.decode(envelope("l2_data", 0, l2("snapshot", "ETH-USD", kSnapshot)), kNow, sink);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::protocol);
  EXPECT_NE(info.error().message.find("exceeds the 128-byte limit"), std::string::npos);
  EXPECT_EQ(small.stats().oversized, 1u);
}

}  // namespace
}  // namespace nzeza::venues::coinbase

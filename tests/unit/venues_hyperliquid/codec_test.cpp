// HyperliquidCodec with messages written here in Hyperliquid's format (own values): subscribe,
// ping, l2Book full snapshots (each replaces the book), trades, bbo, crossed/malformed book →
// resync, oversized, unknown, pong, acks, errors and the plain-text greeting.
#include "venues/hyperliquid/codec.hpp"

#include <gtest/gtest.h>

#include <string>

#include "hyperliquid_test_support.hpp"

namespace nzeza::venues::hyperliquid {
namespace {

using test::CollectingSink;
using test::Registry;

class HyperliquidCodecTest : public ::testing::Test {
 protected:
  HyperliquidCodecTest() : codec_(HyperliquidCodec::create(reg_.registry).value()) {}
  Result<DecodeResult> decode(const std::string& frame) {
    return codec_.decode_unpadded(frame, Timestamp::from_ms(1'714'000'000'500), sink_);
  }
  Registry reg_;
  HyperliquidCodec codec_;
  CollectingSink sink_;
};

constexpr const char* kBook =
    R"({"channel":"l2Book","data":{"coin":"BTC","time":1714000000123,"levels":[[{"px":"64010","sz":"0.5","n":3},{"px":"64009","sz":"1.25","n":1}],[{"px":"64011","sz":"0.75","n":2},{"px":"64013","sz":"2","n":4}]]}})";

TEST_F(HyperliquidCodecTest, builds_subscribe_unsubscribe_and_ping) {
  EXPECT_EQ(codec_.subscribe_message(Channel::l2_book, reg_.btc).value(),
            R"({"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}})");
  EXPECT_EQ(codec_.subscribe_message(Channel::trades, reg_.dydx).value(),
            R"({"method":"subscribe","subscription":{"type":"trades","coin":"DYDX"}})");
  EXPECT_EQ(codec_.unsubscribe_message(Channel::bbo, reg_.btc).value(),
            R"({"method":"unsubscribe","subscription":{"type":"bbo","coin":"BTC"}})");
  EXPECT_EQ(HyperliquidCodec::ping_message(), R"({"method":"ping"})");
  EXPECT_EQ(codec_.subscribe_message(Channel::trades, InstrumentId{42}).error().code,
            ErrorCode::not_found);
}

TEST_F(HyperliquidCodecTest, every_l2book_message_is_a_snapshot_that_replaces_the_book) {
  auto r = decode(kBook);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->kind, FrameKind::market_data);
  ASSERT_EQ(sink_.events.size(), 4u);
  const auto& first = std::get<BookChange>(sink_.events[0].body);
  EXPECT_TRUE(first.snapshot && first.reset);
  EXPECT_EQ(first.side, Side::buy);
  EXPECT_EQ(first.price, "64010"_d);
  EXPECT_EQ(first.size, "0.5"_d);
  EXPECT_TRUE(std::get<BookChange>(sink_.events[3].body).last);
  EXPECT_EQ(sink_.events[0].venue_time, Timestamp::from_ms(1'714'000'000'123));
  EXPECT_EQ(sink_.events[0].instrument, reg_.btc);

  // The next message holds the whole book: levels absent from it are gone.
  sink_.events.clear();
  ASSERT_TRUE(
      decode(
          R"({"channel":"l2Book","data":{"coin":"BTC","time":1714000000623,"levels":[[{"px":"64008","sz":"3","n":1}],[{"px":"64012","sz":"1","n":1}]]}})")
          .ok());
  const market::OrderBook* book = codec_.book(reg_.btc);
  ASSERT_NE(book, nullptr);
  EXPECT_TRUE(book->synced());
  EXPECT_EQ(book->bids().size(), 1u);
  EXPECT_EQ(book->asks().size(), 1u);
  EXPECT_EQ(book->best_bid()->price, "64008"_d);
  EXPECT_EQ(book->best_ask()->price, "64012"_d);
  EXPECT_TRUE(std::get<BookChange>(sink_.events[0].body).reset);
}

TEST_F(HyperliquidCodecTest, a_crossed_snapshot_marks_the_book_for_resync_until_a_good_one) {
  ASSERT_TRUE(decode(kBook).ok());
  sink_.events.clear();
  auto r = decode(
      R"({"channel":"l2Book","data":{"coin":"BTC","time":1714000000623,"levels":[[{"px":"64020","sz":"3","n":1}],[{"px":"64012","sz":"1","n":1}]]}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->resyncs, 1u);
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(std::get<VenueStatus>(sink_.events[0].body).state, FeedState::resyncing);
  EXPECT_EQ(codec_.book(reg_.btc)->state(), market::BookSyncState::needs_resync);
  EXPECT_EQ(codec_.stats().crossed_books, 1u);
  ASSERT_TRUE(decode(kBook).ok());
  EXPECT_TRUE(codec_.book(reg_.btc)->synced());
}

TEST_F(HyperliquidCodecTest, a_malformed_snapshot_of_a_known_book_forces_a_resync) {
  ASSERT_TRUE(decode(kBook).ok());
  sink_.events.clear();
  auto r = decode(
      R"({"channel":"l2Book","data":{"coin":"BTC","time":1714000000623,"levels":[[{"px":"-1","sz":"3","n":1}],[]]}})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("px must be > 0"), std::string::npos);
  EXPECT_EQ(codec_.book(reg_.btc)->state(), market::BookSyncState::needs_resync);
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(std::get<VenueStatus>(sink_.events[0].body).state, FeedState::resyncing);
}

TEST_F(HyperliquidCodecTest, decodes_trades_with_taker_side_id_and_time) {
  auto r = decode(
      R"({"channel":"trades","data":[{"coin":"DYDX","side":"A","px":"1.8734","sz":"120.5","hash":"0xabc","time":1714000000001,"tid":90001,"users":["0x1","0x2"]},{"coin":"DYDX","side":"B","px":"1.8735","sz":"3","hash":"0xdef","time":1714000000002,"tid":90002,"users":["0x3","0x4"]}]})");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(sink_.events.size(), 2u);
  const auto& a = std::get<Trade>(sink_.events[0].body);
  EXPECT_EQ(a.aggressor, Side::sell);
  EXPECT_EQ(a.price, "1.8734"_d);
  EXPECT_EQ(a.size, "120.5"_d);
  EXPECT_EQ(a.trade_id.view(), "90001");
  EXPECT_EQ(sink_.events[0].venue_time, Timestamp::from_ms(1'714'000'000'001));
  EXPECT_EQ(std::get<Trade>(sink_.events[1].body).aggressor, Side::buy);
  EXPECT_EQ(sink_.events[1].instrument, reg_.dydx);
}

TEST_F(HyperliquidCodecTest, decodes_bbo_into_a_quote_and_skips_a_one_sided_one) {
  auto r = decode(
      R"({"channel":"bbo","data":{"coin":"BTC","time":1714000000777,"bbo":[{"px":"64010","sz":"0.5","n":3},{"px":"64011","sz":"0.75","n":2}]}})");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(sink_.events.size(), 1u);
  const auto& q = std::get<Quote>(sink_.events[0].body);
  EXPECT_EQ(q.bid, "64010"_d);
  EXPECT_EQ(q.bid_size, "0.5"_d);
  EXPECT_EQ(q.ask, "64011"_d);
  EXPECT_EQ(q.ask_size, "0.75"_d);
  auto one_sided = decode(
      R"({"channel":"bbo","data":{"coin":"BTC","time":1714000000778,"bbo":[null,{"px":"64011","sz":"0.75","n":2}]}})");
  ASSERT_TRUE(one_sided.ok()) << one_sided.error().to_string();
  EXPECT_EQ(one_sided->events, 0u);
  EXPECT_EQ(codec_.stats().one_sided_bbo, 1u);
}

TEST_F(HyperliquidCodecTest, rejects_malformed_frames_and_keeps_going) {
  const char* bad[] = {
      "{\"channel\":",
      R"({"channel":"trades","data":[{"coin":"BTC","side":"X","px":"1","sz":"1","time":1,"tid":1}]})",
      R"({"channel":"trades","data":[{"coin":"BTC","side":"A","px":"0","sz":"1","time":1,"tid":1}]})",
      R"({"channel":"trades","data":[{"coin":"BTC","side":"A","px":"1.00000000000000001","sz":"1"}]})",
      R"({"channel":"bbo","data":{"coin":"BTC","time":1,"bbo":[{"px":"5","sz":"1","n":1},{"px":"4","sz":"1","n":1}]}})",
      R"({"channel":"l2Book","data":{"coin":"BTC","time":1,"levels":[[]]}})",
      R"({"channel":"l2Book","data":{"coin":"BTC","time":"soon","levels":[[],[]]}})",
      R"({"channel":"l2Book"})",
      R"({"data":{},"channel":"l2Book"})",
  };
  for (const char* frame : bad) {
    auto r = decode(frame);
    ASSERT_FALSE(r.ok()) << frame;
    EXPECT_EQ(r.error().code, ErrorCode::parse_error);
    EXPECT_NE(r.error().message.find("hyperliquid: "), std::string::npos);
  }
  EXPECT_EQ(codec_.stats().malformed, std::size(bad));
  EXPECT_TRUE(sink_.events.empty());
  ASSERT_TRUE(decode(kBook).ok());
  EXPECT_EQ(sink_.events.size(), 4u);
}

TEST_F(HyperliquidCodecTest, refuses_an_oversized_frame) {
  std::string big = R"({"channel":"pong","pad":")" + std::string(2u << 20, 'x') + "\"}";
  auto r = decode(big);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("exceeds the limit"), std::string::npos);
  EXPECT_EQ(codec_.stats().oversized, 1u);
  EXPECT_EQ(codec_.stats().pongs, 0u);
}

TEST_F(HyperliquidCodecTest, recognises_pong_acks_errors_greeting_and_ignores_the_rest) {
  EXPECT_EQ(decode(R"({"channel":"pong"})")->kind, FrameKind::pong);
  EXPECT_EQ(
      decode(
          R"({"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}}})")
          ->kind,
      FrameKind::subscribed);
  auto err = decode(R"({"channel":"error","data":"Invalid subscription {\"type\":\"l3Book\"}"})");
  EXPECT_EQ(err->kind, FrameKind::venue_error);
  EXPECT_EQ(codec_.last_venue_error(), "Invalid subscription {\"type\":\"l3Book\"}");
  EXPECT_EQ(decode("Websocket connection established.")->kind, FrameKind::connected);
  EXPECT_EQ(decode(R"({"channel":"allMids","data":{"mids":{"BTC":"64010.5"}}})")->kind,
            FrameKind::ignored);
  EXPECT_EQ(codec_.stats().unknown_type, 1u);
  auto unknown = decode(
      R"({"channel":"trades","data":[{"coin":"PEPE","side":"A","px":"1","sz":"1","time":1,"tid":1}]})");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->events, 0u);
  EXPECT_EQ(codec_.stats().unknown_symbol, 1u);
}

TEST_F(HyperliquidCodecTest, reconnect_empties_the_books_until_the_next_snapshot) {
  ASSERT_TRUE(decode(kBook).ok());
  codec_.on_reconnect();
  EXPECT_EQ(codec_.book(reg_.btc)->state(), market::BookSyncState::awaiting_snapshot);
  ASSERT_TRUE(decode(kBook).ok());
  EXPECT_TRUE(codec_.book(reg_.btc)->synced());
}

TEST_F(HyperliquidCodecTest, book_depth_outside_the_venue_limits_is_refused_naming_the_range) {
  HyperliquidCodecConfig cfg;
  cfg.max_book_depth = kBookLimits.max_depth + 1;
  auto r = HyperliquidCodec::create(reg_.registry, cfg);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message,
            "hyperliquid codec: max_book_depth must be in [20, 10000], got 10001");
  cfg.max_book_depth = kBookLimits.min_depth;
  cfg.max_frame_bytes = 512;
  EXPECT_FALSE(HyperliquidCodec::create(reg_.registry, cfg).ok());
}

}  // namespace
}  // namespace nzeza::venues::hyperliquid

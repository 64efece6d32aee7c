// BinanceCodec on messages written for these tests in Binance's spot stream formats.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/venues_binance/recording_sink.hpp"
#include "venues/binance/codec.hpp"

namespace nzeza::venues::binance {
namespace {

using test::RecordingSink;
using test::TwoInstruments;

const Timestamp kNow = Timestamp::from_ms(1'760'000'000'123);

class BinanceCodecTest : public ::testing::Test {
 protected:
  TwoInstruments instruments;
  BinanceCodec codec{instruments.registry};
  RecordingSink sink;

  Result<DecodeInfo> decode(std::string_view frame) { return codec.decode(frame, kNow, sink); }
};

TEST(BinanceStreams, stream_names_are_lower_case_with_the_stream_suffix) {
  EXPECT_EQ(stream_name("ETHUSDT", StreamKind::book_ticker), "ethusdt@bookTicker");
  EXPECT_EQ(stream_name("ethusdt", StreamKind::agg_trade), "ethusdt@aggTrade");
  EXPECT_EQ(stream_name("SOLUSDT", StreamKind::diff_depth), "solusdt@depth@100ms");
  EXPECT_EQ(stream_name("SOLUSDT", StreamKind::partial_depth10), "solusdt@depth10@100ms");
}

TEST(BinanceStreams, depth_snapshot_path_upper_cases_the_symbol) {
  EXPECT_EQ(depth_snapshot_path("ethusdt"), "/api/v3/depth?symbol=ETHUSDT&limit=1000");
  EXPECT_EQ(depth_snapshot_path("SOLUSDT", 5000), "/api/v3/depth?symbol=SOLUSDT&limit=5000");
}

TEST_F(BinanceCodecTest, subscribe_and_unsubscribe_messages_carry_streams_and_fresh_ids) {
  const std::vector<std::string> streams{"ethusdt@bookTicker", "solusdt@trade"};
  const ControlMessage sub = codec.subscribe(streams);
  EXPECT_EQ(sub.id, 1);
  EXPECT_EQ(sub.text,
            R"({"method":"SUBSCRIBE","params":["ethusdt@bookTicker","solusdt@trade"],"id":1})");
  const ControlMessage unsub = codec.unsubscribe(std::vector<std::string>{"solusdt@trade"});
  EXPECT_EQ(unsub.id, 2);
  EXPECT_EQ(unsub.text, R"({"method":"UNSUBSCRIBE","params":["solusdt@trade"],"id":2})");
}

TEST_F(BinanceCodecTest, subscription_ack_reports_its_request_id) {
  auto info = decode(R"({"result":null,"id":7})");
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  EXPECT_EQ(info->kind, FrameKind::subscribed);
  EXPECT_EQ(info->request_id, 7);
  EXPECT_EQ(codec.stats().acks, 1u);
  EXPECT_TRUE(sink.events.empty());
}

TEST_F(BinanceCodecTest, subscription_error_is_rejected_with_the_venue_code_and_text) {
  auto info = decode(R"({"error":{"code":2,"msg":"Invalid request: unknown stream"},"id":9})");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::rejected);
  EXPECT_EQ(info.error().venue_code, "2");
  EXPECT_EQ(info.error().venue_text, "Invalid request: unknown stream");
  EXPECT_NE(info.error().message.find("request 9"), std::string::npos);
  EXPECT_EQ(codec.stats().subscription_errors, 1u);
}

TEST_F(BinanceCodecTest, book_ticker_becomes_an_exact_quote) {
  auto info = decode(
      R"({"u":9876543210,"s":"ETHUSDT","b":"3150.12000000","B":"4.25000000","a":"3150.13000000","A":"0.00010000"})");
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  EXPECT_EQ(info->kind, FrameKind::market_data);
  EXPECT_EQ(info->events, 1u);
  ASSERT_EQ(sink.events.size(), 1u);
  const MarketEvent& e = sink.events[0];
  EXPECT_EQ(e.venue, Venue::binance);
  EXPECT_EQ(e.instrument, instruments.eth_usdt);
  EXPECT_EQ(e.symbol, instruments.registry.get(instruments.eth_usdt)->symbol);
  EXPECT_EQ(e.receive_time, kNow);
  EXPECT_FALSE(e.has_venue_time());
  const Quote q = std::get<Quote>(e.body);
  EXPECT_EQ(q.bid, "3150.12"_d);
  EXPECT_EQ(q.bid_size, "4.25"_d);
  EXPECT_EQ(q.ask, "3150.13"_d);
  EXPECT_EQ(q.ask_size, "0.0001"_d);
}

TEST_F(BinanceCodecTest, combined_stream_wrapper_is_unwrapped) {
  auto info = decode(
      R"({"stream":"solusdt@bookTicker","data":{"u":11,"s":"SOLUSDT","b":"142.50","B":"10","a":"142.51","A":"3.5"}})");
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].instrument, instruments.sol_usdt);
  EXPECT_EQ(std::get<Quote>(sink.events[0].body).ask, "142.51"_d);
}

TEST_F(BinanceCodecTest, crossed_book_ticker_is_rejected_and_the_next_frame_decodes) {
  auto bad = decode(R"({"u":1,"s":"ETHUSDT","b":"3151","B":"1","a":"3150","A":"1"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::parse_error);
  EXPECT_NE(bad.error().message.find("bid must be < ask"), std::string::npos);
  EXPECT_NE(bad.error().message.find("\"s\":\"ETHUSDT\""), std::string::npos);
  EXPECT_TRUE(sink.events.empty());
  auto good = decode(R"({"u":2,"s":"ETHUSDT","b":"3150","B":"1","a":"3151","A":"1"})");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(codec.stats().malformed, 1u);
  EXPECT_EQ(codec.stats().quotes, 1u);
}

TEST_F(BinanceCodecTest, book_ticker_with_zero_bid_or_text_price_is_rejected) {
  EXPECT_FALSE(decode(R"({"u":1,"s":"ETHUSDT","b":"0","B":"1","a":"3150","A":"1"})").ok());
  auto info = decode(R"({"u":1,"s":"ETHUSDT","b":"abc","B":"1","a":"3150","A":"1"})");
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.error().message.find("field 'b' is not a decimal"), std::string::npos);
  EXPECT_FALSE(decode(R"({"u":1,"s":"ETHUSDT","b":"3149","B":"-1","a":"3150","A":"1"})").ok());
  EXPECT_TRUE(sink.events.empty());
}

TEST_F(BinanceCodecTest, trade_with_buyer_maker_has_seller_aggressor_and_trade_time) {
  auto info = decode(
      R"({"e":"trade","E":1760000000500,"s":"ETHUSDT","t":424242,"p":"3150.55","q":"0.125","T":1760000000499,"m":true,"M":true})");
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  ASSERT_EQ(sink.events.size(), 1u);
  const Trade t = std::get<Trade>(sink.events[0].body);
  EXPECT_EQ(t.price, "3150.55"_d);
  EXPECT_EQ(t.size, "0.125"_d);
  EXPECT_EQ(t.aggressor, Side::sell);
  EXPECT_EQ(t.trade_id.view(), "424242");
  EXPECT_EQ(sink.events[0].venue_time, Timestamp::from_ms(1'760'000'000'499));
}

TEST_F(BinanceCodecTest, agg_trade_uses_the_aggregate_id_and_buyer_taker_is_buy) {
  auto info = decode(
      R"({"e":"aggTrade","E":1760000000600,"s":"SOLUSDT","a":777,"p":"142.5","q":"12","f":100,"l":103,"T":1760000000598,"m":false,"M":true})");
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  const Trade t = std::get<Trade>(sink.events.at(0).body);
  EXPECT_EQ(t.trade_id.view(), "777");
  EXPECT_EQ(t.aggressor, Side::buy);
  EXPECT_EQ(t.size, "12"_d);
  EXPECT_EQ(sink.events[0].instrument, instruments.sol_usdt);
}

TEST_F(BinanceCodecTest, trade_without_price_is_rejected_naming_the_field) {
  auto info = decode(R"({"e":"trade","E":1,"s":"ETHUSDT","t":1,"q":"1","T":1,"m":true,"M":true})");
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.error().message.find("binance trade: field 'p'"), std::string::npos);
  EXPECT_TRUE(sink.events.empty());
}

TEST_F(BinanceCodecTest, unknown_symbol_is_counted_and_ignored) {
  auto info = decode(R"({"u":1,"s":"DOGEUSDT","b":"0.1","B":"1","a":"0.2","A":"1"})");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->kind, FrameKind::ignored);
  EXPECT_EQ(codec.stats().unknown_symbol, 1u);
  EXPECT_TRUE(sink.events.empty());
}

TEST_F(BinanceCodecTest, unknown_event_type_is_counted_and_ignored) {
  auto info = decode(R"({"e":"24hrTicker","E":1,"s":"ETHUSDT","c":"3150"})");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->kind, FrameKind::ignored);
  EXPECT_EQ(codec.stats().unknown_type, 1u);
  EXPECT_EQ(codec.stats().unknown_symbol, 0u);
  auto other = decode(R"({"hello":"world"})");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->kind, FrameKind::ignored);
  EXPECT_EQ(codec.stats().unknown_type, 2u);
}

TEST_F(BinanceCodecTest, server_shutdown_is_a_planned_reconnect_hint) {
  auto info =
      decode(R"({"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1760000001000}})");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->kind, FrameKind::closing);
  EXPECT_EQ(codec.stats().server_shutdowns, 1u);
  auto raw = decode(R"({"e":"serverShutdown","E":1760000001000})");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->kind, FrameKind::closing);
}

TEST_F(BinanceCodecTest, oversized_frame_is_refused_unparsed_and_the_next_decodes) {
  BinanceCodec small(instruments.registry, CodecConfig{.max_message_bytes = 64});
  std::string big = R"({"u":1,"s":"ETHUSDT","b":"3150","B":"1","a":"3151","A":"1","pad":")";
  big.append(200, 'x').append("\"}");
  auto info = small.decode(big, kNow, sink);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::protocol);
  EXPECT_NE(info.error().message.find("exceeds the 64-byte limit"), std::string::npos);
  EXPECT_LE(info.error().message.size(), 300u);  // the excerpt is truncated
  EXPECT_EQ(small.stats().oversized, 1u);
  ASSERT_TRUE(
      small.decode(R"({"u":1,"s":"ETHUSDT","b":"1","B":"1","a":"2","A":"1"})", kNow, sink).ok());
  EXPECT_EQ(sink.events.size(), 1u);
}

TEST_F(BinanceCodecTest, garbage_is_rejected_with_a_truncated_excerpt) {
  const std::string garbage = "{\"u\":" + std::string(500, '9');
  auto info = decode(garbage);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::parse_error);
  EXPECT_NE(info.error().message.find("..."), std::string::npos);
  EXPECT_LT(info.error().message.size(), 260u);
  EXPECT_FALSE(decode("not json at all").ok());
  EXPECT_FALSE(decode("[1,2,3]").ok());
  EXPECT_FALSE(decode("").ok());
  EXPECT_EQ(codec.stats().malformed, 4u);
}

TEST_F(BinanceCodecTest, partial_depth_in_a_combined_stream_is_a_snapshot_run) {
  auto info = decode(
      R"({"stream":"ethusdt@depth5@100ms","data":{"lastUpdateId":5005,"bids":[["3150.10","2"],["3150.00","1.5"]],"asks":[["3150.20","0.7"]]}})");
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  const auto changes = sink.bodies<BookChange>();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_TRUE(changes[0].reset);
  EXPECT_TRUE(changes[2].last);
  EXPECT_EQ(changes[1].price, "3150"_d);
  EXPECT_EQ(changes[1].size, "1.5"_d);
  EXPECT_EQ(changes[2].side, Side::sell);
  for (const auto& c : changes) {
    EXPECT_TRUE(c.snapshot);
    EXPECT_EQ(c.sequence, 5005u);
  }
}

}  // namespace
}  // namespace nzeza::venues::binance

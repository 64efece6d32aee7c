// GenericCodec on the seed's price format, with messages written for these tests.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "venues/generic/codec.hpp"

namespace nzeza::venues::generic {
namespace {

struct RecordingSink final : MarketEventSink {
  std::vector<MarketEvent> events;
  void on_event(const MarketEvent& event) override { events.push_back(event); }
};

Instrument generic_instrument(std::string canonical, std::string base, std::string quote) {
  Instrument i;
  i.venue = Venue::generic;
  i.canonical = canonical;
  i.venue_symbol = canonical;
  i.base = std::move(base);
  i.quote = std::move(quote);
  i.tick_size = Decimal::from_raw8(1'000'000);
  i.lot_size = Decimal::from_raw8(1'000);
  return i;
}

const Timestamp kNow = Timestamp::from_seconds(1'730'123'456) + 300ms;

class GenericCodecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    btc = registry.add(generic_instrument("BTC-USD", "BTC", "USD")).value();
    eth = registry.add(generic_instrument("ETH-USD", "ETH", "USD")).value();
  }
  Result<DecodeInfo> decode(std::string_view frame, Timestamp now = kNow) {
    return codec->decode(frame, now, sink);
  }
  InstrumentRegistry registry;
  InstrumentId btc;
  InstrumentId eth;
  std::unique_ptr<GenericCodec> codec = nullptr;
  RecordingSink sink;

 public:
  GenericCodecTest() = default;
};

class GenericCodecDefault : public GenericCodecTest {
 protected:
  void SetUp() override {
    GenericCodecTest::SetUp();
    codec = std::make_unique<GenericCodec>(registry);
  }
};

TEST_F(GenericCodecDefault, seed_example_becomes_an_exact_price_point_quote) {
  auto info = decode(R"({"symbol":"BTC-USD","price":45000.50,"ts":1730123456})");
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  EXPECT_EQ(info->kind, FrameKind::market_data);
  ASSERT_EQ(sink.events.size(), 1u);
  const MarketEvent& e = sink.events[0];
  EXPECT_EQ(e.venue, Venue::generic);
  EXPECT_EQ(e.instrument, btc);
  EXPECT_EQ(e.venue_time, Timestamp::from_seconds(1'730'123'456));
  EXPECT_EQ(e.receive_time, kNow);
  const Quote q = std::get<Quote>(e.body);
  EXPECT_EQ(q.bid, "45000.5"_d);
  EXPECT_EQ(q.ask, "45000.5"_d);
  EXPECT_EQ(q.bid_size, Decimal::zero());
  EXPECT_EQ(q.mid(), "45000.5"_d);
}

TEST_F(GenericCodecDefault, price_keeps_the_exact_token_text_beyond_double_precision) {
  // 0.1 + 8 decimals is not representable as a double; the raw token is.
  auto info = decode(R"({"ts":1730123456,"price":12345678.12345678,"symbol":"ETH-USD"})");
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  EXPECT_EQ(std::get<Quote>(sink.events.at(0).body).bid, "12345678.12345678"_d);
  EXPECT_EQ(sink.events[0].instrument, eth);
}

TEST_F(GenericCodecDefault, millisecond_timestamps_are_recognised) {
  auto info = decode(R"({"symbol":"BTC-USD","price":45000,"ts":1730123456250})");
  ASSERT_TRUE(info.ok()) << info.error().to_string();
  EXPECT_EQ(sink.events.at(0).venue_time, Timestamp::from_ms(1'730'123'456'250));
}

TEST_F(GenericCodecDefault, string_price_is_accepted_and_exponent_form_is_exact) {
  ASSERT_TRUE(decode(R"({"symbol":"BTC-USD","price":"45000.25","ts":1730123456})").ok());
  ASSERT_TRUE(decode(R"({"symbol":"BTC-USD","price":4.5e4,"ts":1730123456})").ok());
  EXPECT_EQ(std::get<Quote>(sink.events.at(0).body).bid, "45000.25"_d);
  EXPECT_EQ(std::get<Quote>(sink.events.at(1).body).bid, "45000"_d);
}

TEST_F(GenericCodecDefault, missing_price_is_rejected_naming_the_field_and_next_message_decodes) {
  auto bad = decode(R"({"symbol":"BTC-USD"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::parse_error);
  EXPECT_NE(bad.error().message.find("field 'price' missing"), std::string::npos);
  EXPECT_NE(bad.error().message.find(R"({"symbol":"BTC-USD"})"), std::string::npos);
  EXPECT_TRUE(sink.events.empty());
  ASSERT_TRUE(decode(R"({"symbol":"BTC-USD","price":45001,"ts":1730123456})").ok());
  EXPECT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(codec->stats().malformed, 1u);
  EXPECT_EQ(codec->stats().prices, 1u);
}

TEST_F(GenericCodecDefault, missing_symbol_or_ts_is_rejected_naming_the_field) {
  auto no_symbol = decode(R"({"price":1,"ts":1730123456})");
  ASSERT_FALSE(no_symbol.ok());
  EXPECT_NE(no_symbol.error().message.find("field 'symbol' missing"), std::string::npos);
  auto no_ts = decode(R"({"symbol":"BTC-USD","price":1})");
  ASSERT_FALSE(no_ts.ok());
  EXPECT_NE(no_ts.error().message.find("field 'ts' missing"), std::string::npos);
}

TEST_F(GenericCodecDefault, non_positive_or_non_numeric_price_is_rejected) {
  for (const char* frame :
       {R"({"symbol":"BTC-USD","price":0,"ts":1730123456})",
        R"({"symbol":"BTC-USD","price":-5,"ts":1730123456})",
        R"({"symbol":"BTC-USD","price":"abc","ts":1730123456})",
        R"({"symbol":"BTC-USD","price":true,"ts":1730123456})",
        R"({"symbol":"BTC-USD","price":0.12345678901234567,"ts":1730123456})"}) {
    auto info = decode(frame);
    ASSERT_FALSE(info.ok()) << frame;
    EXPECT_NE(info.error().message.find("'price'"), std::string::npos) << frame;
  }
  EXPECT_TRUE(sink.events.empty());
}

TEST_F(GenericCodecDefault, bad_timestamp_is_rejected) {
  EXPECT_FALSE(decode(R"({"symbol":"BTC-USD","price":1,"ts":"soon"})").ok());
  EXPECT_FALSE(decode(R"({"symbol":"BTC-USD","price":1,"ts":0})").ok());
  EXPECT_FALSE(decode(R"({"symbol":"BTC-USD","price":1,"ts":-3})").ok());
  EXPECT_FALSE(decode(R"({"symbol":"BTC-USD","price":1,"ts":1730123456.5})").ok());
  // Found by the fuzzer: seconds beyond the int64 nanosecond range overflowed.
  auto too_far = decode(R"({"symbol":"BTC-USD","price":1,"ts":17301203456})");
  ASSERT_FALSE(too_far.ok());
  EXPECT_NE(too_far.error().message.find("'ts' is out of range"), std::string::npos);
  EXPECT_FALSE(decode(R"({"symbol":"BTC-USD","price":1,"ts":99999999999999999999})").ok());
}

TEST_F(GenericCodecDefault, timestamp_further_than_five_seconds_away_is_refused_as_stale) {
  auto info = decode(R"({"symbol":"BTC-USD","price":45000,"ts":1730123446})");  // 10.3 s old
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::stale_data);
  EXPECT_NE(info.error().message.find("10300 ms"), std::string::npos);
  EXPECT_EQ(codec->stats().skewed, 1u);
  EXPECT_TRUE(decode(R"({"symbol":"BTC-USD","price":45000,"ts":1730123452})").ok());  // 4.3 s
}

TEST_F(GenericCodecDefault, heartbeat_is_liveness_and_other_types_are_ignored) {
  auto hb = decode(R"({"type":"heartbeat","ts":1730123456})");
  ASSERT_TRUE(hb.ok());
  EXPECT_EQ(hb->kind, FrameKind::heartbeat);
  auto other = decode(R"({"type":"news","text":"hello"})");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->kind, FrameKind::ignored);
  EXPECT_EQ(codec->stats().heartbeats, 1u);
  EXPECT_EQ(codec->stats().unknown_type, 1u);
  EXPECT_TRUE(sink.events.empty());
}

TEST_F(GenericCodecDefault, unknown_symbol_is_counted_and_ignored) {
  auto info = decode(R"({"symbol":"DOGE-USD","price":0.1,"ts":1730123456})");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->kind, FrameKind::ignored);
  EXPECT_EQ(codec->stats().unknown_symbol, 1u);
  EXPECT_EQ(codec->stats().unknown_type, 0u);
  EXPECT_TRUE(sink.events.empty());
}

TEST_F(GenericCodecDefault, garbage_is_rejected_with_a_truncated_excerpt) {
  const std::string garbage = R"({"symbol":"BTC-USD","price":)" + std::string(400, '1');
  auto info = decode(garbage);
  ASSERT_FALSE(info.ok());
  EXPECT_NE(info.error().message.find("..."), std::string::npos);
  EXPECT_LT(info.error().message.size(), 300u);
  EXPECT_FALSE(decode("[]").ok());
  EXPECT_FALSE(decode("hello").ok());
}

TEST_F(GenericCodecTest, oversized_frame_is_refused_unparsed) {
  codec = std::make_unique<GenericCodec>(registry, CodecConfig{.max_message_bytes = 32});
  auto info = decode(R"({"symbol":"BTC-USD","price":45000.50,"ts":1730123456})");
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code, ErrorCode::protocol);
  EXPECT_NE(info.error().message.find("exceeds the 32-byte limit"), std::string::npos);
  EXPECT_EQ(codec->stats().oversized, 1u);
}

TEST_F(GenericCodecTest, skew_check_can_be_switched_off) {
  codec = std::make_unique<GenericCodec>(registry, CodecConfig{.max_clock_skew = 0s});
  ASSERT_TRUE(decode(R"({"symbol":"BTC-USD","price":45000,"ts":1000000000})").ok());
  EXPECT_EQ(sink.events.at(0).venue_time, Timestamp::from_seconds(1'000'000'000));
}

TEST(GenericSubscribe, subscribe_and_unsubscribe_list_the_symbols) {
  const std::vector<std::string> symbols{"BTC-USD", "ETH-USD"};
  EXPECT_EQ(GenericCodec::subscribe(symbols),
            R"({"action":"subscribe","symbols":["BTC-USD","ETH-USD"]})");
  EXPECT_EQ(GenericCodec::unsubscribe(std::vector<std::string>{"BTC-USD"}),
            R"({"action":"unsubscribe","symbols":["BTC-USD"]})");
}

}  // namespace
}  // namespace nzeza::venues::generic

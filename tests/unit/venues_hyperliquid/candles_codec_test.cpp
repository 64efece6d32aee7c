// read_candles and the candle intervals (rest_codec.hpp) on hand-written candleSnapshot answers:
// exact decimals from the wire text, oldest first whatever the order, the open candle dropped,
// and every malformed item an error naming the candle and the field.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "venues/hyperliquid/rest_codec.hpp"

namespace nzeza::venues::hyperliquid {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// 2023-11-14T22:15:00Z in ms, a multiple of 1 min and of 5 min.
constexpr std::int64_t kT0 = 1'700'000'100'000;

std::string item(std::int64_t t, const char* o, const char* h, const char* l, const char* c,
                 const char* v, int n, const char* coin = "BTC", const char* interval = "1m") {
  return R"({"t":)" + std::to_string(t) + R"(,"T":)" + std::to_string(t + 59'999) + R"(,"s":")" +
         coin + R"(","i":")" + interval + R"(","o":")" + o + R"(","c":")" + c + R"(","h":")" + h +
         R"(","l":")" + l + R"(","v":")" + v + R"(","n":)" + std::to_string(n) + "}";
}

Result<std::vector<market::Candle>> read(const std::string& body, Timestamp now,
                                         Duration interval = 1min) {
  return read_candles(json::parse(body), "BTC", interval, now, "candles");
}

const Timestamp kLate = Timestamp::from_ms(kT0 + 3'600'000);  // every candle below is closed

TEST(HyperliquidCandleReader, an_answer_is_read_exactly_from_the_wire_text) {
  const auto r = read(
      "[" + item(kT0, "37012.0", "37100.5", "36990.25", "37050.0", "12.00345", 57) + "]", kLate);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 1U);
  const market::Candle& c = (*r)[0];
  EXPECT_EQ(c.start, Timestamp::from_ms(kT0));
  EXPECT_EQ(c.interval, 1min);
  EXPECT_EQ(c.open, "37012"_d);
  EXPECT_EQ(c.high, "37100.5"_d);
  EXPECT_EQ(c.low, "36990.25"_d);
  EXPECT_EQ(c.close, "37050"_d);
  EXPECT_EQ(c.volume, "12.00345"_d);
  EXPECT_EQ(c.trades, 57U);
  EXPECT_EQ(c.price_updates, 57U);
  EXPECT_FALSE(c.gap);
}

TEST(HyperliquidCandleReader, an_empty_list_and_null_are_no_candles) {
  auto r = read("[]", kLate);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  r = read("null", kLate);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(HyperliquidCandleReader, candles_come_out_oldest_first_whatever_the_order_sent) {
  const auto r = read("[" + item(kT0 + 120'000, "3", "3", "3", "3", "1", 1) + "," +
                          item(kT0, "1", "1", "1", "1", "1", 1) + "," +
                          item(kT0 + 60'000, "2", "2", "2", "2", "1", 1) + "]",
                      kLate);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3U);
  EXPECT_EQ((*r)[0].close, "1"_d);
  EXPECT_EQ((*r)[1].close, "2"_d);
  EXPECT_EQ((*r)[2].close, "3"_d);
}

TEST(HyperliquidCandleReader, the_open_last_candle_is_dropped_and_one_ending_now_is_kept) {
  const std::string body = "[" + item(kT0, "1", "1", "1", "1", "1", 1) + "," +
                           item(kT0 + 60'000, "2", "2", "2", "2", "1", 1) + "]";
  // now inside the second minute: it is still open.
  auto r = read(body, Timestamp::from_ms(kT0 + 90'000));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1U);
  EXPECT_EQ((*r)[0].start, Timestamp::from_ms(kT0));
  // now exactly at its end: closed.
  r = read(body, Timestamp::from_ms(kT0 + 120'000));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 2U);
}

TEST(HyperliquidCandleReader, a_candle_without_trades_is_a_gap) {
  const auto r = read("[" + item(kT0, "5", "5", "5", "5", "0", 0) + "]", kLate);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1U);
  EXPECT_TRUE((*r)[0].gap);
}

void expect_error(const std::string& body, const std::string& says) {
  const auto r = read(body, kLate);
  ASSERT_FALSE(r.ok()) << "accepted: " << body;
  EXPECT_EQ(r.error().code, ErrorCode::protocol);
  EXPECT_TRUE(r.error().message.starts_with("hyperliquid candles: ")) << r.error().message;
  EXPECT_NE(r.error().message.find(says), std::string::npos)
      << r.error().message << " lacks: " << says;
}

TEST(HyperliquidCandleReader, malformed_answers_are_errors_naming_the_candle_and_the_field) {
  const std::string ok = item(kT0, "1", "1", "1", "1", "1", 1);
  expect_error(R"({"candles":[]})", "not an array");
  expect_error("[" + ok + ",42]", "candle 1 is not an object");
  expect_error(R"([{"t":1700000100000,"i":"1m","o":"1","c":"1","h":"1","l":"1","v":"1","n":1}])",
               R"(candle 0: missing string field "s")");
  expect_error("[" + item(kT0, "1", "1", "1", "1", "1", 1, "ETH") + "]",
               R"(candle 0: field "s" is ETH, asked for BTC)");
  expect_error("[" + item(kT0, "1", "1", "1", "1", "1", 1, "BTC", "5m") + "]",
               R"(candle 0: field "i" is 5m, asked for 1m)");
  expect_error(R"([{"t":"x","s":"BTC","i":"1m","o":"1","c":"1","h":"1","l":"1","v":"1","n":1}])",
               R"(field "t")");
  expect_error(R"([{"t":-60000,"s":"BTC","i":"1m","o":"1","c":"1","h":"1","l":"1","v":"1","n":1}])",
               R"(field "t")");
  expect_error(
      R"([{"t":1700000100000,"s":"BTC","i":"1m","o":"1","c":"1","h":"1","l":"1","v":"1"}])",
      R"(field "n")");
  expect_error("[" + item(kT0, "1", "1", "1", "1", "1", -1) + "]", R"(field "n")");
  expect_error("[" + item(kT0, "1", "1", "1", "abc", "1", 1) + "]", R"(candle 0: field "c")");
  expect_error(R"([{"t":1700000100000,"s":"BTC","i":"1m","o":"1","c":"1","h":"1","v":"1","n":1}])",
               R"(candle 0: missing decimal string field "l")");
  expect_error(
      R"([{"t":1700000100000,"s":"BTC","i":"1m","o":1,"c":"1","h":"1","l":"1","v":"1","n":1}])",
      R"(missing decimal string field "o")");
}

TEST(HyperliquidCandleReader, inconsistent_candles_are_errors_saying_what_is_wrong) {
  expect_error("[" + item(kT0, "10", "9", "8", "9", "1", 1) + "]", "high 9 below open 10");
  expect_error("[" + item(kT0, "10", "11", "10.5", "10.6", "1", 1) + "]", "open 10 below low 10.5");
  expect_error("[" + item(kT0, "1", "1", "1", "1", "-2", 1) + "]", "volume -2 is negative");
  expect_error("[" + item(kT0 + 30'000, "1", "1", "1", "1", "1", 1) + "]",
               "not a multiple of the interval 1m");
  expect_error("[" + item(kT0, "1", "1", "1", "1", "1", 1) + "," +
                   item(kT0, "2", "2", "2", "2", "1", 1) + "]",
               "two candles start at t 1700000100000");
}

TEST(HyperliquidCandleReader, offered_intervals_have_wire_names_and_others_have_none) {
  EXPECT_EQ(history::find_wire(candle_intervals(), 1min), "1m");
  EXPECT_EQ(history::find_wire(candle_intervals(), 15min), "15m");
  EXPECT_EQ(history::find_wire(candle_intervals(), 4h), "4h");
  EXPECT_EQ(history::find_wire(candle_intervals(), 24h), "1d");
  EXPECT_FALSE(history::find_wire(candle_intervals(), 10s).has_value());
  EXPECT_FALSE(
      history::find_wire(candle_intervals(), 72h).has_value());  // 3d: alignment undocumented
  EXPECT_FALSE(history::find_wire(candle_intervals(), 168h).has_value());  // 1w
  EXPECT_EQ(history::intervals_text(candle_intervals()),
            "1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 8h, 12h, 1d");
  for (const auto& ci : candle_intervals()) {
    EXPECT_EQ(history::find_wire(candle_intervals(), ci.length), ci.wire);
  }
}

}  // namespace
}  // namespace nzeza::venues::hyperliquid

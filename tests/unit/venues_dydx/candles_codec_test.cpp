// parse_candles and the candle resolutions (rest_codec.hpp) on hand-written Indexer answers:
// newest first on the wire, oldest first out, exact decimals, the open candle dropped, tradeless
// candles marked as gaps, and every malformed item an error naming the candle and the field.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "venues/dydx/rest_codec.hpp"

namespace nzeza::venues::dydx {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// 2024-05-06T17:24:00Z.
const Timestamp kT0 = Timestamp::from_seconds(1'715'016'240);

std::string item(const std::string& started_at, const char* o, const char* h, const char* l,
                 const char* c, const char* v, int trades, const char* ticker = "BTC-USD",
                 const char* resolution = "1MIN") {
  return R"({"startedAt":")" + started_at + R"(","ticker":")" + ticker + R"(","resolution":")" +
         resolution + R"(","low":")" + l + R"(","high":")" + h + R"(","open":")" + o +
         R"(","close":")" + c + R"(","baseTokenVolume":")" + v + R"(","usdVolume":"1","trades":)" +
         std::to_string(trades) +
         R"(,"startingOpenInterest":"931.5","orderbookMidPriceOpen":null})";
}

std::string at(int minutes) {
  return (kT0 + std::chrono::minutes(minutes)).to_iso8601();
}

std::string answer(const std::vector<std::string>& items) {
  std::string out = R"({"candles":[)";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]}";
}

Result<std::vector<market::Candle>> parse(const std::string& body, Timestamp now,
                                          Duration resolution = 1min) {
  return parse_candles(json::parse(body), "BTC-USD", resolution, now);
}

const Timestamp kLate = kT0 + 1h;

TEST(DydxCandleReader, newest_first_on_the_wire_comes_out_oldest_first_with_exact_decimals) {
  const auto r =
      parse(answer({
                item(at(2), "61000.5", "61010", "60990.25", "61005", "0.0101", 4),
                item("2024-05-06T17:25:00.000Z", "61001", "61002", "61000", "61000.5", "1.5", 2),
                item(at(0), "61000", "61003", "60999", "61001", "0.0001", 1),
            }),
            kLate);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3U);
  EXPECT_EQ((*r)[0].start, kT0);
  EXPECT_EQ((*r)[1].start, kT0 + 1min);  // the Indexer's ".000Z" form
  EXPECT_EQ((*r)[2].start, kT0 + 2min);
  const market::Candle& c = (*r)[2];
  EXPECT_EQ(c.interval, 1min);
  EXPECT_EQ(c.open, "61000.5"_d);
  EXPECT_EQ(c.high, "61010"_d);
  EXPECT_EQ(c.low, "60990.25"_d);
  EXPECT_EQ(c.close, "61005"_d);
  EXPECT_EQ(c.volume, "0.0101"_d);  // baseTokenVolume, not usdVolume
  EXPECT_EQ(c.trades, 4U);
  EXPECT_FALSE(c.gap);
}

TEST(DydxCandleReader, an_empty_list_is_no_candles) {
  const auto r = parse(R"({"candles":[]})", kLate);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(DydxCandleReader, the_open_newest_candle_is_dropped) {
  const std::string body =
      answer({item(at(1), "2", "2", "2", "2", "1", 1), item(at(0), "1", "1", "1", "1", "1", 1)});
  auto r = parse(body, kT0 + 90s);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1U);
  EXPECT_EQ((*r)[0].start, kT0);
  r = parse(body, kT0 + 2min);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 2U);
}

TEST(DydxCandleReader, a_candle_without_trades_is_a_gap_flat_at_the_previous_close) {
  const auto r = parse(answer({item(at(1), "5.5", "5.5", "5.5", "5.5", "0", 0),
                               item(at(0), "5", "6", "5", "5.5", "3", 2)}),
                       kLate);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2U);
  EXPECT_FALSE((*r)[0].gap);
  EXPECT_TRUE((*r)[1].gap);
  EXPECT_EQ((*r)[1].close, "5.5"_d);
}

TEST(DydxCandleReader, other_resolutions_are_read_with_their_own_interval) {
  // 17:25, a multiple of 5 min.
  const auto r =
      parse(answer({item(at(1), "1", "1", "1", "1", "1", 1, "BTC-USD", "5MINS")}), kLate, 5min);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 1U);
  EXPECT_EQ((*r)[0].start, kT0 + 1min);
  EXPECT_EQ((*r)[0].interval, 5min);
}

void expect_error(const std::string& body, const std::string& says) {
  const auto r = parse(body, kLate);
  ASSERT_FALSE(r.ok()) << "accepted: " << body;
  EXPECT_EQ(r.error().code, ErrorCode::protocol);
  EXPECT_NE(r.error().message.find(says), std::string::npos)
      << r.error().message << " lacks: " << says;
}

TEST(DydxCandleReader, malformed_answers_are_errors_naming_the_candle_and_the_field) {
  const std::string ok = item(at(0), "1", "1", "1", "1", "1", 1);
  expect_error("[]", "without a candles list");
  expect_error(R"({"candles":{}})", "without a candles list");
  expect_error(answer({ok, "7"}), "candle 1 is not an object");
  expect_error(answer({item(at(0), "1", "1", "1", "1", "1", 1, "ETH-USD")}),
               "candle 0: ticker ETH-USD, asked for BTC-USD");
  expect_error(answer({item(at(0), "1", "1", "1", "1", "1", 1, "BTC-USD", "5MINS")}),
               "candle 0: resolution 5MINS, asked for 1MIN");
  expect_error(answer({item("yesterday", "1", "1", "1", "1", "1", 1)}), "candle 0: startedAt");
  expect_error(answer({item(at(0), "1", "1", "1", "1.x", "1", 1)}), "candle 0: close");
  expect_error(answer({item(at(0), "1", "1", "1", "1", "", 1)}), "candle 0: baseTokenVolume");
  expect_error(answer({item(at(0), "1", "1", "1", "1", "1", -3)}), "candle 0: trades -3");
  expect_error(R"({"candles":[{"startedAt":")" + at(0) +
                   R"(","ticker":"BTC-USD","resolution":"1MIN","low":"1","high":"1","open":"1",)"
                   R"("close":"1","baseTokenVolume":"1","trades":"2"}]})",
               "candle 0: missing integer trades");
  expect_error(R"({"candles":[{"startedAt":")" + at(0) +
                   R"(","ticker":"BTC-USD","resolution":"1MIN","high":"1","open":"1",)"
                   R"("close":"1","baseTokenVolume":"1","trades":2}]})",
               "candle 0: missing decimal string low");
}

TEST(DydxCandleReader, inconsistent_candles_are_errors_saying_what_is_wrong) {
  expect_error(answer({item(at(0), "10", "9.5", "9", "9.5", "1", 1)}), "high 9.5 below open 10");
  expect_error(answer({item(at(0), "1", "1", "1", "1", "-1", 1)}), "volume -1 is negative");
  expect_error(answer({item("2024-05-06T17:24:30.000Z", "1", "1", "1", "1", "1", 1)}),
               "not a multiple of the interval 1m");
  expect_error(answer({item(at(0), "1", "1", "1", "1", "1", 1),
                       item("2024-05-06T17:24:00.000Z", "1", "1", "1", "1", "1", 1)}),
               "two candles start at 2024-05-06T17:24:00Z");
}

TEST(DydxCandleReader, offered_resolutions_have_indexer_names_and_others_have_none) {
  EXPECT_EQ(history::find_wire(candle_resolutions(), 1min), "1MIN");
  EXPECT_EQ(history::find_wire(candle_resolutions(), 5min), "5MINS");
  EXPECT_EQ(history::find_wire(candle_resolutions(), 1h), "1HOUR");
  EXPECT_EQ(history::find_wire(candle_resolutions(), 4h), "4HOURS");
  EXPECT_EQ(history::find_wire(candle_resolutions(), 24h), "1DAY");
  EXPECT_FALSE(history::find_wire(candle_resolutions(), 3min).has_value());
  EXPECT_FALSE(history::find_wire(candle_resolutions(), 10s).has_value());
  EXPECT_EQ(history::intervals_text(candle_resolutions()), "1m, 5m, 15m, 30m, 1h, 4h, 1d");
  for (const auto& r : candle_resolutions())
    EXPECT_EQ(history::find_wire(candle_resolutions(), r.length), r.wire);
}

}  // namespace
}  // namespace nzeza::venues::dydx

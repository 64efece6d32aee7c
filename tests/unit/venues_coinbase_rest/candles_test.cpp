// parse_candles: GET /market/products/{id}/candles answers (written here in Coinbase's shape) →
// closed candles oldest first, exact decimals, never a gap candle, every malformed candle
// refused naming the candle and the field.

#include <gtest/gtest.h>

#include <string>

#include "venues/coinbase/rest_codec.hpp"

namespace nzeza::venues::coinbase {
namespace {

Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

constexpr std::int64_t kT0 = 1'712'188'800;  // a multiple of one hour
constexpr Duration kHour = std::chrono::hours(1);
const Timestamp kLater = Timestamp::from_seconds(kT0 + 3 * 3600);

std::string candle(std::int64_t start, const char* low, const char* high, const char* open,
                   const char* close, const char* volume) {
  return R"({"start":")" + std::to_string(start) + R"(","low":")" + low + R"(","high":")" + high +
         R"(","open":")" + open + R"(","close":")" + close + R"(","volume":")" + volume + "\"}";
}

// Newest first, as Coinbase sends them; the hour in between had no trade and is absent.
std::string answer() {
  return R"({"candles":[)" +
         candle(kT0 + 7200, "66055.14", "66331.99", "66312.4", "66181.6", "355.82896243") + "," +
         candle(kT0, "65857.35", "66387.77", "65984.18", "66314.59", "358.74851052") + "]}";
}

TEST(CoinbaseCandlesParse, newest_first_answer_becomes_closed_candles_oldest_first_and_exact) {
  auto r = parse_candles(answer(), kHour, kLater);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2U);
  const auto& a = (*r)[0];
  EXPECT_EQ(a.start, Timestamp::from_seconds(kT0));
  EXPECT_EQ(a.interval, kHour);
  EXPECT_EQ(a.open, dec("65984.18"));
  EXPECT_EQ(a.high, dec("66387.77"));
  EXPECT_EQ(a.low, dec("65857.35"));
  EXPECT_EQ(a.close, dec("66314.59"));
  EXPECT_EQ(a.volume, dec("358.74851052"));
  // The interval without trades is not invented: the series jumps.
  EXPECT_EQ((*r)[1].start, Timestamp::from_seconds(kT0 + 7200));
  for (const auto& c : *r) {
    EXPECT_FALSE(c.gap) << "Coinbase gives no trade count: never a gap candle";
    EXPECT_FALSE(c.series_break);
    EXPECT_EQ(c.trades, 0U);
    EXPECT_EQ(c.price_updates, 1U);
  }
}

TEST(CoinbaseCandlesParse, any_order_is_read_and_answered_oldest_first) {
  const std::string body = R"({"candles":[)" + candle(kT0 + 3600, "1", "2", "1", "2", "1") + "," +
                           candle(kT0, "1", "2", "1", "2", "1") + "," +
                           candle(kT0 + 7200, "1", "2", "1", "2", "1") + "]}";
  auto r = parse_candles(body, kHour, kLater);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 3U);
  EXPECT_EQ((*r)[0].start, Timestamp::from_seconds(kT0));
  EXPECT_EQ((*r)[1].start, Timestamp::from_seconds(kT0 + 3600));
  EXPECT_EQ((*r)[2].start, Timestamp::from_seconds(kT0 + 7200));
}

TEST(CoinbaseCandlesParse, the_candle_still_open_at_now_is_dropped) {
  auto r = parse_candles(answer(), kHour, Timestamp::from_seconds(kT0 + 7200 + 1800));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 1U);
  EXPECT_EQ(r->front().start, Timestamp::from_seconds(kT0));
}

TEST(CoinbaseCandlesParse, an_empty_list_is_no_candle) {
  auto r = parse_candles(R"({"candles":[]})", kHour, kLater);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(r->empty());
}

TEST(CoinbaseCandlesParse, two_candles_with_one_start_are_refused) {
  const std::string body = R"({"candles":[)" + candle(kT0, "1", "2", "1", "2", "1") + "," +
                           candle(kT0, "1", "3", "1", "3", "1") + "]}";
  auto r = parse_candles(body, kHour, kLater);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::protocol);
  EXPECT_NE(r.error().message.find("same time"), std::string::npos) << r.error().message;
}

struct Malformed {
  const char* name;
  std::string body;
  const char* says;
};

class CoinbaseCandlesMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(CoinbaseCandlesMalformed, is_refused_as_protocol_naming_what_is_wrong) {
  const auto& m = GetParam();
  auto r = parse_candles(m.body, kHour, kLater);
  ASSERT_FALSE(r.ok()) << m.name;
  EXPECT_EQ(r.error().code, ErrorCode::protocol) << m.name;
  EXPECT_NE(r.error().message.find(m.says), std::string::npos)
      << m.name << ": " << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, CoinbaseCandlesMalformed,
    ::testing::Values(
        Malformed{"not_json", R"({"candles":[{"start":)", "malformed JSON"},
        Malformed{"no_candles_array", R"({"error":"NOT_FOUND"})", "'candles' is not an array"},
        Malformed{"candle_not_object", R"({"candles":[42]})", "candle 0: not a JSON object"},
        Malformed{"no_start",
                  R"({"candles":[{"low":"1","high":"1","open":"1","close":"1",)"
                  R"("volume":"1"}]})",
                  "candle 0: missing 'start'"},
        Malformed{"start_as_number",
                  R"({"candles":[{"start":1712188800,"low":"1","high":"1","open":"1",)"
                  R"("close":"1","volume":"1"}]})",
                  "candle 0: 'start' is not a string"},
        Malformed{"start_not_seconds",
                  R"({"candles":[)" + std::string(R"({"start":"2024-04-04T00:00:00Z",)") +
                      R"("low":"1","high":"1","open":"1","close":"1",)"
                      R"("volume":"1"}]})",
                  "candle 0: 'start' is not unix seconds"},
        Malformed{"start_of_forty_digits",
                  "{\"candles\":[" +
                      candle(kT0, "1", "2", "1", "2", "1")
                          .replace(10, 10, "1712188800888888888888888888888888888888") +
                      "]}",
                  "candle 0: 'start' is not unix seconds"},
        Malformed{"missing_close",
                  R"({"candles":[{"start":"1712188800","low":"1","high":"1","open":"1",)"
                  R"("volume":"1"}]})",
                  "candle 0: missing 'close'"},
        Malformed{"price_as_number",
                  R"({"candles":[{"start":"1712188800","low":1,"high":"1","open":"1",)"
                  R"("close":"1","volume":"1"}]})",
                  "candle 0: 'low' is not a string"},
        Malformed{"bad_decimal",
                  "{\"candles\":[" + candle(kT0, "1", "2", "1", "2", "1") + "," +
                      candle(kT0 + 3600, "1", "2x", "1", "2", "1") + "]}",
                  "candle 1: 'high' is not a decimal"},
        Malformed{"misaligned_start",
                  "{\"candles\":[" + candle(kT0 + 60, "1", "2", "1", "2", "1") + "]}",
                  "is not a multiple of 1h"},
        Malformed{"open_below_low", "{\"candles\":[" + candle(kT0, "2", "3", "1", "2", "1") + "]}",
                  "open is outside low..high"},
        Malformed{"negative_volume",
                  "{\"candles\":[" + candle(kT0, "1", "2", "1", "2", "-0.5") + "]}",
                  "volume is negative"}),
    [](const ::testing::TestParamInfo<Malformed>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace nzeza::venues::coinbase

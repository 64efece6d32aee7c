// parse_klines: GET /api/v3/klines answers (rows written here in Binance's format) → closed
// candles, exact decimals, the open kline dropped, every malformed row refused naming the row
// and the field.

#include <gtest/gtest.h>

#include <string>

#include "venues/binance/rest_codec.hpp"

namespace nzeza::venues::binance {
namespace {

Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

constexpr std::int64_t kT0 = 1'700'000'040'000;  // a multiple of one minute
constexpr Duration kMinute = std::chrono::minutes(1);

// A kline row as Binance writes it; `trades` 0 makes a no-trade interval.
std::string row(std::int64_t open_ms, const char* o, const char* h, const char* l, const char* c,
                const char* v, int trades, std::int64_t close_ms = -1) {
  if (close_ms < 0) close_ms = open_ms + 59'999;
  return "[" + std::to_string(open_ms) + ",\"" + o + "\",\"" + h + "\",\"" + l + "\",\"" + c +
         "\",\"" + v + "\"," + std::to_string(close_ms) + ",\"1234.50000000\"," +
         std::to_string(trades) + ",\"0.5\",\"600.1\",\"0\"]";
}

std::string two_rows() {
  return "[" +
         row(kT0, "50000.01000000", "50010.00000000", "49990.50000000", "50005.00000000",
             "1.23456789", 42) +
         "," +
         row(kT0 + 60'000, "50005.00000000", "50005.00000000", "50005.00000000", "50005.00000000",
             "0.00000000", 0) +
         "]";
}

// After both klines closed.
const Timestamp kLater = Timestamp::from_ms(kT0 + 120'000);

TEST(BinanceKlines, rows_become_closed_candles_with_exact_decimals_oldest_first) {
  auto r = parse_klines(two_rows(), kMinute, kLater);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2U);
  const auto& a = (*r)[0];
  EXPECT_EQ(a.start, Timestamp::from_ms(kT0));
  EXPECT_EQ(a.interval, kMinute);
  EXPECT_EQ(a.open, dec("50000.01"));
  EXPECT_EQ(a.high, dec("50010"));
  EXPECT_EQ(a.low, dec("49990.5"));
  EXPECT_EQ(a.close, dec("50005"));
  EXPECT_EQ(a.volume, dec("1.23456789"));
  EXPECT_EQ(a.trades, 42U);
  EXPECT_EQ(a.price_updates, 42U);
  EXPECT_FALSE(a.gap);
  EXPECT_FALSE(a.series_break);
  EXPECT_EQ((*r)[1].start, Timestamp::from_ms(kT0 + 60'000));
}

TEST(BinanceKlines, a_kline_with_zero_trades_is_a_gap_candle) {
  auto r = parse_klines(two_rows(), kMinute, kLater);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE((*r)[1].gap);
  EXPECT_EQ((*r)[1].trades, 0U);
  EXPECT_EQ((*r)[1].price_updates, 0U);
  EXPECT_TRUE((*r)[1].volume.is_zero());
}

TEST(BinanceKlines, the_kline_still_open_at_now_is_dropped) {
  // Binance includes the current kline: at kT0 + 90 s the second one is still open.
  auto r = parse_klines(two_rows(), kMinute, Timestamp::from_ms(kT0 + 90'000));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 1U);
  EXPECT_EQ(r->front().start, Timestamp::from_ms(kT0));
  // Closed exactly at its end.
  auto at_end = parse_klines(two_rows(), kMinute, Timestamp::from_ms(kT0 + 120'000));
  ASSERT_TRUE(at_end.ok());
  EXPECT_EQ(at_end->size(), 2U);
}

TEST(BinanceKlines, an_empty_array_is_no_candle) {
  auto r = parse_klines("[]", kMinute, kLater);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(r->empty());
}

TEST(BinanceKlines, out_of_order_or_repeated_rows_are_refused) {
  const std::string a = row(kT0, "1", "1", "1", "1", "1", 1);
  const std::string b = row(kT0 + 60'000, "1", "1", "1", "1", "1", 1);
  auto reversed = parse_klines("[" + b + "," + a + "]", kMinute, kLater);
  ASSERT_FALSE(reversed.ok());
  EXPECT_EQ(reversed.error().code, ErrorCode::protocol);
  EXPECT_NE(reversed.error().message.find("candle 1"), std::string::npos)
      << reversed.error().message;
  auto twice = parse_klines("[" + a + "," + a + "]", kMinute, kLater);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::protocol);
}

struct Malformed {
  const char* name;
  std::string body;
  const char* says;  // part of the error message
};

class BinanceKlinesMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(BinanceKlinesMalformed, is_refused_as_protocol_naming_what_is_wrong) {
  const auto& m = GetParam();
  auto r = parse_klines(m.body, kMinute, kLater);
  ASSERT_FALSE(r.ok()) << m.name;
  EXPECT_EQ(r.error().code, ErrorCode::protocol) << m.name;
  EXPECT_NE(r.error().message.find(m.says), std::string::npos)
      << m.name << ": " << r.error().message;
}

const std::string kOk = row(kT0, "10", "11", "9", "10.5", "2", 3);

INSTANTIATE_TEST_SUITE_P(
    Rows, BinanceKlinesMalformed,
    ::testing::Values(
        Malformed{"not json", "[[1700000040000,", "malformed JSON"},
        Malformed{"not an array", R"({"code":-1121,"msg":"Invalid symbol."})", "not a JSON array"},
        Malformed{"row not an array", "[" + kOk + ",42]", "kline 1: row is not a JSON array"},
        Malformed{"short row", "[[1700000040000,\"1\",\"1\",\"1\",\"1\",\"1\",1700000099999]]",
                  "kline 0: has 7 fields"},
        Malformed{"number for a price",
                  "[[1700000040000,10,\"11\",\"9\",\"10\",\"2\",1700000099999,\"0\",3]]",
                  "field 'open' (index 1) is not a decimal string"},
        Malformed{"bad decimal", "[" + row(kT0, "10", "1x", "9", "10", "2", 3) + "]",
                  "kline 0: field 'high' (index 2)"},
        Malformed{"open time as text",
                  "[[\"1700000040000\",\"1\",\"1\",\"1\",\"1\",\"1\",1700000099999,\"0\",3]]",
                  "field 'openTime' (index 0) is not an integer"},
        Malformed{"trades as text",
                  "[[1700000040000,\"1\",\"1\",\"1\",\"1\",\"1\",1700000099999,\"0\",\"3\"]]",
                  "field 'trades' (index 8) is not an integer"},
        Malformed{"negative trades", "[" + row(kT0, "1", "1", "1", "1", "1", -1) + "]",
                  "field 'trades' (index 8) is out of range"},
        Malformed{"misaligned start", "[" + row(kT0 + 1'000, "1", "1", "1", "1", "1", 1) + "]",
                  "is not a multiple of 1m"},
        Malformed{"another interval's close time",
                  "[" + row(kT0, "1", "1", "1", "1", "1", 1, kT0 + 299'999) + "]",
                  "field 'closeTime' (index 6) is not openTime + 1m - 1 ms"},
        Malformed{"high below low", "[" + row(kT0, "10", "9", "11", "10", "1", 1) + "]",
                  "high is below low"},
        Malformed{"close above high", "[" + row(kT0, "10", "11", "9", "12", "1", 1) + "]",
                  "close is outside low..high"},
        Malformed{"zero price", "[" + row(kT0, "0", "0", "0", "0", "1", 1) + "]",
                  "low is not positive"},
        Malformed{"negative volume", "[" + row(kT0, "10", "11", "9", "10", "-1", 1) + "]",
                  "volume is negative"}),
    [](const ::testing::TestParamInfo<Malformed>& info) {
      std::string n = info.param.name;
      for (char& c : n)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return n;
    });

TEST(BinanceKlines, an_interval_that_is_not_whole_milliseconds_is_refused) {
  auto r = parse_klines("[]", std::chrono::microseconds(1500), kLater);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace nzeza::venues::binance

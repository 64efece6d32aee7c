// rest::parse_ohlc: OHLC results (written here in Kraken's shape) → closed candles, exact
// decimals, the current not-yet-committed entry dropped, every malformed entry refused naming the
// entry and the field.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "venues/kraken/rest_codec.hpp"

namespace nzeza::venues::kraken::rest {
namespace {

Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

constexpr std::int64_t kT0 = 1'700'000'100;  // a multiple of five minutes
constexpr Duration kFive = std::chrono::minutes(5);

std::string entry(std::int64_t t, const char* o, const char* h, const char* l, const char* c,
                  const char* volume, int count) {
  return "[" + std::to_string(t) + ",\"" + o + "\",\"" + h + "\",\"" + l + "\",\"" + c + "\",\"" +
         c + "\",\"" + volume + "\"," + std::to_string(count) + "]";
}

Result<std::vector<market::Candle>> parse(const std::string& result_text,
                                          Duration interval = kFive) {
  return parse_ohlc(boost::json::parse(result_text), interval);
}

// Two committed entries (the second without trades) and the current one.
std::string result() {
  return R"({"XXBTZUSD":[)" + entry(kT0, "37000.0", "37500.0", "36800.0", "37200.0", "150.5", 320) +
         "," + entry(kT0 + 300, "37200.0", "37200.0", "37200.0", "37200.0", "0.00000000", 0) + "," +
         entry(kT0 + 600, "37200.0", "37250.0", "37190.0", "37240.0", "1.2", 4) + R"(],"last":)" +
         std::to_string(kT0 + 300) + "}";
}

TEST(KrakenOhlc, committed_entries_become_candles_and_the_current_one_is_dropped) {
  auto r = parse(result());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2U) << "the last entry is the current, not-yet-committed interval";
  const auto& a = (*r)[0];
  EXPECT_EQ(a.start, Timestamp::from_seconds(kT0));
  EXPECT_EQ(a.interval, kFive);
  EXPECT_EQ(a.open, dec("37000"));
  EXPECT_EQ(a.high, dec("37500"));
  EXPECT_EQ(a.low, dec("36800"));
  EXPECT_EQ(a.close, dec("37200"));
  EXPECT_EQ(a.volume, dec("150.5"));
  EXPECT_EQ(a.trades, 320U);
  EXPECT_EQ(a.price_updates, 320U);
  EXPECT_FALSE(a.gap);
  EXPECT_EQ((*r)[1].start, Timestamp::from_seconds(kT0 + 300));
}

TEST(KrakenOhlc, an_entry_with_count_zero_is_a_gap_candle) {
  auto r = parse(result());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE((*r)[1].gap);
  EXPECT_EQ((*r)[1].trades, 0U);
  EXPECT_FALSE((*r)[1].series_break);
}

TEST(KrakenOhlc, only_the_current_entry_or_none_gives_no_candle) {
  auto one = parse(R"({"XXBTZUSD":[)" + entry(kT0, "1", "1", "1", "1", "1", 1) + R"(],"last":0})");
  ASSERT_TRUE(one.ok()) << one.error().to_string();
  EXPECT_TRUE(one->empty());
  auto none = parse(R"({"XXBTZUSD":[],"last":0})");
  ASSERT_TRUE(none.ok()) << none.error().to_string();
  EXPECT_TRUE(none->empty());
}

TEST(KrakenOhlc, the_pair_is_read_under_whatever_key_kraken_uses) {
  auto r = parse(R"({"last":1,"XBTUSD":[)" + entry(kT0, "1", "2", "1", "2", "1", 1) + "," +
                 entry(kT0 + 300, "2", "2", "2", "2", "0", 0) + "]}");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->size(), 1U);
}

TEST(KrakenOhlc, out_of_order_or_repeated_entries_are_refused) {
  const std::string a = entry(kT0, "1", "1", "1", "1", "1", 1);
  const std::string b = entry(kT0 + 300, "1", "1", "1", "1", "1", 1);
  for (const std::string& rows : {b + "," + a, a + "," + a}) {
    auto r = parse(R"({"XXBTZUSD":[)" + rows + "]}");
    ASSERT_FALSE(r.ok()) << rows;
    EXPECT_EQ(r.error().code, ErrorCode::protocol);
    EXPECT_NE(r.error().message.find("does not follow"), std::string::npos) << r.error().message;
  }
}

struct Malformed {
  const char* name;
  std::string result;
  const char* says;
};

class KrakenOhlcMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(KrakenOhlcMalformed, is_refused_as_protocol_naming_what_is_wrong) {
  const auto& m = GetParam();
  auto r = parse(m.result);
  ASSERT_FALSE(r.ok()) << m.name;
  EXPECT_EQ(r.error().code, ErrorCode::protocol) << m.name;
  EXPECT_NE(r.error().message.find(m.says), std::string::npos)
      << m.name << ": " << r.error().message;
}

const std::string kGood = entry(kT0, "10", "11", "9", "10", "1", 1);

INSTANTIATE_TEST_SUITE_P(
    Results, KrakenOhlcMalformed,
    ::testing::Values(
        Malformed{"not_an_object", "[]", "result is not an object"},
        Malformed{"no_pair", R"({"last":1})", "no pair in the answer"},
        Malformed{"pair_not_array", R"({"XXBTZUSD":{},"last":1})", "'XXBTZUSD' is not an array"},
        Malformed{"two_pairs", R"({"XXBTZUSD":[],"XETHZUSD":[]})", "more than one pair"},
        Malformed{"entry_not_array", R"({"XXBTZUSD":[42]})", "entry 0 is not a JSON array"},
        Malformed{"short_entry", R"({"XXBTZUSD":[[1700000100,"1","1","1","1","1","1"]]})",
                  "entry 0 has 7 fields, 8 expected"},
        Malformed{"time_as_text", R"({"XXBTZUSD":[["1700000100","1","1","1","1","1","1",1]]})",
                  "entry 0: field 'time' (index 0) is not an integer"},
        Malformed{"time_as_float", R"({"XXBTZUSD":[[1700000100.5,"1","1","1","1","1","1",1]]})",
                  "field 'time' (index 0) is not an integer"},
        Malformed{"price_as_number", R"({"XXBTZUSD":[[1700000100,"1",1.5,"1","1","1","1",1]]})",
                  "entry 0: field 'high' (index 2) is not a decimal string"},
        Malformed{"bad_volume",
                  R"({"XXBTZUSD":[)" + kGood + "," +
                      entry(kT0 + 300, "10", "11", "9", "10", "1e", 1) + "]}",
                  "entry 1: field 'volume' (index 6)"},
        Malformed{"count_as_text", R"({"XXBTZUSD":[[1700000100,"1","1","1","1","1","1","3"]]})",
                  "entry 0: field 'count' (index 7) is not an integer"},
        Malformed{"negative_count",
                  R"({"XXBTZUSD":[)" + entry(kT0, "1", "1", "1", "1", "1", -2) + "]}",
                  "field 'count' (index 7) is out of range"},
        Malformed{"misaligned_time",
                  R"({"XXBTZUSD":[)" + entry(kT0 + 60, "1", "1", "1", "1", "1", 1) + "]}",
                  "is not a multiple of 5m"},
        Malformed{"low_above_close",
                  R"({"XXBTZUSD":[)" + entry(kT0, "10", "11", "10.5", "10", "1", 1) + "]}",
                  "entry 0: open is outside low..high"},
        Malformed{"negative_volume",
                  R"({"XXBTZUSD":[)" + entry(kT0, "10", "11", "9", "10", "-1", 1) + "]}",
                  "volume is negative"},
        // The current entry is read and checked too, before it is dropped.
        Malformed{"malformed_current_entry",
                  R"({"XXBTZUSD":[)" + kGood + R"(,[1700000400,"x","1","1","1","1","1",1]]})",
                  "entry 1: field 'open' (index 1)"}),
    [](const ::testing::TestParamInfo<Malformed>& info) { return std::string(info.param.name); });

TEST(KrakenOhlc, an_interval_that_is_not_whole_minutes_is_refused) {
  auto r = parse(result(), std::chrono::seconds(30));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace nzeza::venues::kraken::rest

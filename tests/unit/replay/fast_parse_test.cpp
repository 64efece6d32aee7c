// The hot-path number parsers agree with Decimal::parse and refuse what they cannot do exactly
// (the callers then fall back to the exact, explaining parser).

#include "replay/fast_parse.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "replay/recording_format.hpp"

namespace nzeza::replay {
namespace {

TEST(FastParse, plain_decimals_equal_what_decimal_parse_reads) {
  for (const std::string text : {"0", "45000.5", "-3", "0.00000151", "45000.50", "5.", ".5",
                                 "123456789012345678", "0.0000000000000001", "-0.1", "17"}) {
    Decimal fast;
    int frac = -1;
    ASSERT_TRUE(fast_decimal(text.data(), text.data() + text.size(), fast, frac)) << text;
    EXPECT_EQ(fast, Decimal::parse(text).value()) << text;
    const auto dot = text.find('.');
    EXPECT_EQ(frac, dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1)) << text;
  }
}

TEST(FastParse, what_the_fast_path_cannot_read_exactly_is_left_to_decimal_parse) {
  for (const std::string text : {"", "-", ".", "1e3", "1.5e-6", "+1", "1.2.3", "12a", "1,5",
                                 "1234567890123456789", "0.00000000000000001"}) {
    Decimal d;
    EXPECT_FALSE(fast_decimal(text, d)) << text;
  }
  Decimal d;
  ASSERT_TRUE(parse_decimal("1.51e-6", d));
  EXPECT_EQ(d, Decimal::parse("0.00000151").value());
  EXPECT_FALSE(parse_decimal("abc", d));
}

TEST(FastParse, integers_of_up_to_nineteen_digits_parse_exactly_in_eight_digit_chunks) {
  const std::pair<std::string, std::int64_t> cases[] = {
      {"0", 0},
      {"7", 7},
      {"12345678", 12345678},
      {"123456789", 123456789},
      {"1704164400000150", 1704164400000150},
      {"1704164400123456789", 1704164400123456789},
      {"9223372036854775807", INT64_MAX},
  };
  for (const auto& [text, want] : cases) {
    std::int64_t v = -1;
    ASSERT_TRUE(fast_u63(text.data(), text.data() + text.size(), v)) << text;
    EXPECT_EQ(v, want) << text;
  }
  // Stops at the first non-digit, even inside an eight-byte chunk.
  const std::string line = "1704164/00123,";
  std::int64_t v = 0;
  const char* stop = digits_u63(line.data(), line.data() + line.size(), v);
  ASSERT_NE(stop, nullptr);
  EXPECT_EQ(v, 1704164);
  EXPECT_EQ(*stop, '/');
  for (const std::string bad :
       {"", "9223372036854775808", "12345678901234567890", "12:4", "-1", "1234567 "}) {
    std::int64_t x = 0;
    EXPECT_FALSE(fast_u63(bad.data(), bad.data() + bad.size(), x)) << bad;
  }
}

TEST(FastParse, event_lines_with_random_decimals_decode_to_what_decimal_parse_reads) {
  std::mt19937_64 rng(11);
  auto digits = [&](std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng() % 10));
    return s;
  };
  auto random_decimal = [&] {
    std::string s = rng() % 5 == 0 ? "-" : "";
    s += digits(1 + rng() % 10);
    if (rng() % 4 != 0) s += "." + digits(rng() % 9);
    return s;
  };
  std::string scratch;
  for (int i = 0; i < 2000; ++i) {
    const std::string b = random_decimal();
    const std::string bs = random_decimal();
    const std::string a = random_decimal();
    const std::string as = random_decimal();
    const std::string line = R"({"k":"q","s":"BTCUSDT","vt":1704164400000000500,"rt":)" +
                             std::to_string(1704164400000000000 + i) + R"(,"b":")" + b +
                             R"(","bs":")" + bs + R"(","a":")" + a + R"(","as":")" + as + R"("})";
    MarketEvent e;
    std::string_view symbol;
    ASSERT_TRUE(decode_event_line(line, e, symbol, scratch).ok()) << line;
    const auto& q = std::get<Quote>(e.body);
    EXPECT_EQ(q.bid, Decimal::parse(b).value()) << line;
    EXPECT_EQ(q.bid_size, Decimal::parse(bs).value()) << line;
    EXPECT_EQ(q.ask, Decimal::parse(a).value()) << line;
    EXPECT_EQ(q.ask_size, Decimal::parse(as).value()) << line;
    EXPECT_EQ(e.receive_time.ns(), 1704164400000000000 + i);
    EXPECT_EQ(symbol, "BTCUSDT");
  }
}

}  // namespace
}  // namespace nzeza::replay

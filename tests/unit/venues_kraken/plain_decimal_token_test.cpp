// codec::plain_decimal_token (the one-pass fast path the Kraken, Hyperliquid and dYdX codecs use
// for prices and sizes) against the references it must agree with: Decimal::parse for the value
// and kraken::wire_decimals for the count of wire decimals, over hand-picked tokens and over
// every token of up to 6 characters from a small alphabet, each followed by readable bytes that
// must not change the result.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/decimal.hpp"
#include "venues/codec_support/codec_support.hpp"
#include "venues/kraken/checksum.hpp"

namespace nzeza::venues {
namespace {

// Characters of the exhaustive tokens: digits, point, quote, exponent, sign, space.
constexpr std::string_view kAlphabet = "09.\"5e- ";

// The token followed by `tail` (8 readable bytes, as simdjson's padding guarantees).
struct Padded {
  std::string buf;
  std::string_view token;
  Padded(std::string_view t, char tail) : buf(std::string(t) + std::string(8, tail)) {
    token = std::string_view(buf.data(), t.size());
  }
};

// The text Decimal::parse sees for a token: without trailing JSON whitespace and quotes.
std::string_view unquoted(std::string_view t) {
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n')) t.remove_suffix(1);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  return t;
}

// Whenever the fast path accepts a token, the reference parse accepts it with the same value
// and the wire-decimal count matches.
void expect_agrees(std::string_view token, char tail) {
  const Padded p(token, tail);
  Decimal value;
  int decimals = -1;
  if (!codec::plain_decimal_token(p.token, value, decimals)) return;
  auto ref = Decimal::parse(unquoted(token));
  ASSERT_TRUE(ref.ok()) << "fast path accepted \"" << token << "\" which parse refuses";
  EXPECT_EQ(value, *ref) << token;
  EXPECT_EQ(decimals, kraken::wire_decimals(unquoted(token))) << token;
}

TEST(PlainDecimalToken, parses_plain_numbers_and_quoted_strings_exactly) {
  struct Case {
    std::string_view token;
    std::int64_t raw;
    int decimals;
  };
  const Case cases[] = {
      {"640000.0", 64'000'000'000'000, 1},
      {"0.12345678", 12'345'678, 8},
      {"\"45285.20\"", 4'528'520'000'000, 2},
      {"7", 700'000'000, 0},
      {"\"61000\"", 6'100'000'000'000, 0},
      {"9999999999.99999999", 999'999'999'999'999'999, 8},
      {"0.00000001 ", 1, 8},
      {"12345678.9", 1'234'567'890'000'000, 1},
      {"123456789", 12'345'678'900'000'000, 0},
  };
  for (const auto& c : cases) {
    const Padded p(c.token, ',');
    Decimal value;
    int decimals = -1;
    ASSERT_TRUE(codec::plain_decimal_token(p.token, value, decimals)) << c.token;
    EXPECT_EQ(value, Decimal::from_raw8(c.raw)) << c.token;
    EXPECT_EQ(decimals, c.decimals) << c.token;
  }
}

TEST(PlainDecimalToken, leaves_every_other_form_to_the_general_route) {
  for (std::string_view token :
       {"", "-1", "+1", "1e3", "1.5E2", ".5", "5.", "0.123456789", "12345678901", "\"1.5", "1.5\"x",
        "\"\"", "1..5", "1.2.3", "abc", "\"1.5\" x", "0x10", "1,5"}) {
    const Padded p(token, '}');
    Decimal value;
    int decimals = -1;
    EXPECT_FALSE(codec::plain_decimal_token(p.token, value, decimals)) << token;
  }
}

TEST(PlainDecimalToken, agrees_with_decimal_parse_on_every_short_token) {
  // Every string of up to 6 chars over this alphabet (about 300 k, each with two tails): plain
  // numbers, quoted strings, signs, exponents, stray points and whitespace.
  std::string token;
  std::size_t checked = 0;
  const auto visit = [&](auto&& self, std::size_t depth) -> void {
    expect_agrees(token, '}');
    expect_agrees(token, '9');  // digits right after the token must not leak into it
    ++checked;
    if (depth == 6 || ::testing::Test::HasFailure()) return;
    for (const char c : kAlphabet) {
      token.push_back(c);
      self(self, depth + 1);
      token.pop_back();
    }
  };
  visit(visit, 0);
  EXPECT_GT(checked, 250'000u);
}

}  // namespace
}  // namespace nzeza::venues

// The fast decimal path agrees with Decimal::parse on every input.

#include "venues/codec_support/json_text.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

namespace nzeza::venues::json_text {
namespace {

void expect_same_as_reference(const std::string& text) {
  Decimal fast;
  const bool fast_ok = parse_plain_decimal(text, fast);
  auto reference = Decimal::parse(text);
  ASSERT_EQ(fast_ok, reference.ok()) << "text: '" << text << "'";
  if (fast_ok) {
    EXPECT_EQ(fast, *reference) << "text: '" << text << "'";
  }
}

TEST(BinanceDecimalText, plain_and_awkward_forms_match_the_reference_parser) {
  for (const char* text : {"3150.12000000",
                           "0.00000001",
                           "0",
                           "5.",
                           ".5",
                           "",
                           ".",
                           "1e3",
                           "1.51e-6",
                           "-3",
                           "+1",
                           "0.123456789",
                           "0.123456780",
                           "9999999999.99999999",
                           "99999999999",
                           "92233720368",
                           "12a",
                           "1..2",
                           "00012.5",
                           "123456789012345678901234567890"}) {
    expect_same_as_reference(text);
  }
}

RC_GTEST_PROP(BinanceDecimalText, random_digit_strings_match_the_reference_parser, ()) {
  const auto text = *rc::gen::container<std::string>(rc::gen::element('0', '1', '5', '9', '.'));
  Decimal fast;
  const bool fast_ok = parse_plain_decimal(text, fast);
  auto reference = Decimal::parse(text);
  RC_ASSERT(fast_ok == reference.ok());
  if (fast_ok) RC_ASSERT(fast == *reference);
}

}  // namespace
}  // namespace nzeza::venues::json_text

namespace nzeza::venues::json_text {
namespace {

// parse_decimal reads raw JSON tokens (with an 8-digit fast path): it must agree with the
// reference parser on the string inside the token.
bool decode_token(const std::string& text, Decimal& out) {
  const std::string json = "[\"" + text + "\"]";
  simdjson::padded_string padded(json);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS) return false;
  simdjson::ondemand::array array;
  if (doc.get_array().get(array) != simdjson::SUCCESS) return false;
  for (auto element : array) {
    simdjson::ondemand::value value;
    if (element.get(value) != simdjson::SUCCESS) return false;
    return parse_decimal(value, out);
  }
  return false;
}

TEST(BinanceDecimalToken, eight_digit_fractions_and_fallbacks_match_the_reference) {
  for (const char* text : {"3150.12000000", "0.00000001", "1.123456789", "1.1234567", "12.3456789a",
                           "99999999999.00000000", "1e-3", "7", "0.12345678",
                           "123456789012345678901234567890.12345678"}) {
    Decimal via_token;
    const bool ok = decode_token(text, via_token);
    auto reference = Decimal::parse(text);
    ASSERT_EQ(ok, reference.ok()) << text;
    if (ok) {
      EXPECT_EQ(via_token, *reference) << text;
    }
  }
}

RC_GTEST_PROP(BinanceDecimalToken, random_tokens_match_the_reference_parser, ()) {
  const auto text =
      *rc::gen::container<std::string>(rc::gen::element('0', '3', '7', '9', '.', 'e', '-'));
  Decimal via_token;
  const bool ok = decode_token(text, via_token);
  auto reference = Decimal::parse(text);
  RC_ASSERT(ok == reference.ok());
  if (ok) RC_ASSERT(via_token == *reference);
}

}  // namespace
}  // namespace nzeza::venues::json_text

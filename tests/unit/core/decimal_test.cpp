#include "core/decimal.hpp"

#include <gtest/gtest.h>

namespace nzeza {
namespace {

Decimal d(std::string_view s) {
  auto r = Decimal::parse(s);
  EXPECT_TRUE(r.ok()) << s << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Decimal{};
}

// The count of 10^-8 units of a value that has at most 8 decimals.
std::int64_t raw8(Decimal x) {
  auto r = x.raw8();
  EXPECT_TRUE(r.ok()) << x;
  return r.ok() ? *r : 0;
}

TEST(Decimal, parses_every_venue_number_form_exactly) {
  EXPECT_EQ(raw8(d("0.00000151")), 151);
  EXPECT_EQ(raw8(d("1.51e-6")), 151);
  EXPECT_EQ(raw8(d("1.51E-6")), 151);
  EXPECT_EQ(raw8(d("45000.50")), 4'500'050'000'000);
  EXPECT_EQ(raw8(d("-3")), -300'000'000);
  EXPECT_EQ(raw8(d("+3")), 300'000'000);
  EXPECT_EQ(raw8(d("1e3")), 100'000'000'000);
  EXPECT_EQ(raw8(d("1e+3")), 100'000'000'000);
  EXPECT_EQ(raw8(d("42")), 4'200'000'000);
  EXPECT_EQ(raw8(d(".5")), 50'000'000);
  EXPECT_EQ(raw8(d("5.")), 500'000'000);
  EXPECT_EQ(raw8(d("0")), 0);
  EXPECT_EQ(raw8(d("-0")), 0);
  EXPECT_EQ(raw8(d("0.10000000")), 10'000'000);
  EXPECT_EQ(raw8(d("25.35190000")), 2'535'190'000);
}

TEST(Decimal, counts_in_units_of_ten_to_the_minus_sixteen) {
  EXPECT_TRUE(d("0.0000000000000001").raw16() == 1);
  EXPECT_TRUE(d("-0.000000001").raw16() == -10'000'000);
  EXPECT_TRUE(d("1").raw16() == Decimal::kOne);
  EXPECT_TRUE(d("45000.5").raw16() == static_cast<int128>(450'005) * 1'000'000'000'000'000);
  EXPECT_EQ(Decimal::from_raw8(151), d("0.00000151"));
  EXPECT_EQ(Decimal::from_raw16(151), d("1.51e-14"));
  EXPECT_EQ(Decimal::from_integer(-7), d("-7"));
}

TEST(Decimal, raw8_refuses_what_eight_decimals_or_an_int64_cannot_hold) {
  EXPECT_EQ(d("0.000000001").raw8().error().code, ErrorCode::precision);
  EXPECT_EQ(d("92233720368.54775808").raw8().error().code, ErrorCode::overflow);
  EXPECT_EQ(*d("92233720368.54775807").raw8(), INT64_MAX);
}

TEST(Decimal, accepts_trailing_zeros_beyond_sixteen_decimals) {
  EXPECT_EQ(raw8(d("0.1000000000000000000000")), 10'000'000);
  EXPECT_EQ(d("1.00000000000000000"), Decimal::one());
}

TEST(Decimal, accepts_leading_zeros_and_large_negative_exponents_of_zero) {
  EXPECT_EQ(raw8(d("000000000000000000000000012.5")), 1'250'000'000);
  EXPECT_EQ(raw8(d("0e-999999")), 0);
  EXPECT_EQ(d("100e-2"), Decimal::one());
}

TEST(Decimal, holds_the_nine_and_ten_decimal_ticks_of_kraken_and_dydx) {
  EXPECT_EQ(d("0.000000001").to_string(), "0.000000001");    // Kraken pair_decimals 9
  EXPECT_EQ(d("0.0000000001").to_string(), "0.0000000001");  // dYdX long-tail tick
  EXPECT_EQ(d("0.000012345678").to_string(), "0.000012345678");
  EXPECT_EQ(d("0.000000001").decimal_places(), 9);
}

TEST(Decimal, refuses_more_than_sixteen_significant_fractional_digits) {
  auto r = Decimal::parse("0.12345678901234567");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::precision);
  EXPECT_NE(r.error().message.find("0.12345678901234567"), std::string::npos);
  EXPECT_EQ(Decimal::parse("1e-17").error().code, ErrorCode::precision);
  EXPECT_TRUE(Decimal::parse("1e-16").ok());
}

TEST(Decimal, parse_rounded_rounds_extra_digits_with_the_chosen_mode) {
  auto rounded = [](std::string_view text, RoundingMode mode) {
    return *Decimal::parse_rounded(text, mode);
  };
  EXPECT_EQ(rounded("0.12345678901234565", RoundingMode::nearest_even), d("0.1234567890123456"));
  EXPECT_EQ(rounded("0.12345678901234575", RoundingMode::nearest_even), d("0.1234567890123458"));
  EXPECT_EQ(rounded("0.12345678901234565", RoundingMode::nearest), d("0.1234567890123457"));
  EXPECT_EQ(rounded("0.123456789012345651", RoundingMode::nearest_even), d("0.1234567890123457"));
  EXPECT_EQ(rounded("0.12345678901234561", RoundingMode::up), d("0.1234567890123457"));
  EXPECT_EQ(rounded("-0.12345678901234561", RoundingMode::up), d("-0.1234567890123456"));
  EXPECT_EQ(rounded("-0.12345678901234561", RoundingMode::down), d("-0.1234567890123457"));
  EXPECT_EQ(rounded("0.12345678901234569", RoundingMode::toward_zero), d("0.1234567890123456"));
  EXPECT_TRUE(rounded("1e-20", RoundingMode::up).raw16() == 1);
  EXPECT_EQ(rounded("0.123456789", RoundingMode::down), d("0.123456789"));  // exact: unchanged
}

TEST(Decimal, refuses_malformed_text_with_a_clear_message) {
  for (std::string_view bad : {"", "+", "-", ".", "abc", "1.2.3", "1e", "1e+", "--1", "0x10", "1,5",
                               " 1", "1 ", "nan", "inf", "1e5x", "1.5e-3.2", "e5"}) {
    auto r = Decimal::parse(bad);
    ASSERT_FALSE(r.ok()) << "accepted \"" << bad << "\"";
    EXPECT_EQ(r.error().code, ErrorCode::parse_error) << bad;
    EXPECT_NE(r.error().message.find("invalid decimal"), std::string::npos);
  }
  EXPECT_NE(Decimal::parse("1.2.3").error().message.find("offset 3"), std::string::npos);
}

TEST(Decimal, reports_overflow_instead_of_wrapping) {
  EXPECT_EQ(*Decimal::parse("17014118346046923173168.7303715884105727"), Decimal::max());
  EXPECT_EQ(Decimal::parse("17014118346046923173168.7303715884105728").error().code,
            ErrorCode::overflow);
  EXPECT_EQ(Decimal::parse("100000000000000000000000").error().code, ErrorCode::overflow);
  EXPECT_EQ(Decimal::parse("1e23").error().code, ErrorCode::overflow);
  EXPECT_EQ(Decimal::parse("99999999999999999999999").error().code, ErrorCode::overflow);
  EXPECT_EQ(Decimal::parse("1e999999999999").error().code, ErrorCode::overflow);
  EXPECT_EQ(Decimal::parse("-1e23").error().code, ErrorCode::overflow);
  EXPECT_EQ(d("1e22").to_string(), "10000000000000000000000");
  EXPECT_EQ(d("100000000000").to_string(), "100000000000");  // past the old int64 * 10^-8
}

TEST(Decimal, prints_shortest_exact_text) {
  EXPECT_EQ(d("45000.50").to_string(), "45000.5");
  EXPECT_EQ(d("0.00000151").to_string(), "0.00000151");
  EXPECT_EQ(d("-3").to_string(), "-3");
  EXPECT_EQ(d("0").to_string(), "0");
  EXPECT_EQ(d("-0.5").to_string(), "-0.5");
  EXPECT_EQ(d("1e3").to_string(), "1000");
  EXPECT_EQ(d("0.0000000000000001").to_string(), "0.0000000000000001");
  EXPECT_EQ(d("18446744073709551616.5").to_string(), "18446744073709551616.5");  // 2^64 + 0.5
  EXPECT_EQ(Decimal::max().to_string(), "17014118346046923173168.7303715884105727");
  EXPECT_EQ(Decimal::min().to_string(), "-17014118346046923173168.7303715884105727");
}

TEST(Decimal, prints_fixed_decimals_for_wire_formats) {
  EXPECT_EQ(d("1.5").to_string_fixed(8), "1.50000000");
  EXPECT_EQ(d("0.1").to_string_fixed(8), "0.10000000");
  EXPECT_EQ(d("1.239").to_string_fixed(2), "1.23");
  EXPECT_EQ(d("-1.239").to_string_fixed(2), "-1.23");
  EXPECT_EQ(d("7").to_string_fixed(0), "7");
  EXPECT_EQ(d("-0.001").to_string_fixed(2), "0.00");
  EXPECT_EQ(d("0.000000001").to_string_fixed(9), "0.000000001");
  EXPECT_EQ(d("1.5").to_string_fixed(16), "1.5000000000000000");
  EXPECT_EQ(d("-123456789012345678901.25").to_string_fixed(1), "-123456789012345678901.2");
}

TEST(Decimal, to_chars_does_not_need_more_than_max_chars) {
  char buf[Decimal::kMaxChars];
  char* end = Decimal::min().to_chars(buf);
  EXPECT_LE(static_cast<std::size_t>(end - buf), Decimal::kMaxChars);
  EXPECT_EQ(std::string(buf, end), "-17014118346046923173168.7303715884105727");
}

TEST(Decimal, avoids_float_dust) {
  EXPECT_EQ(d("0.6") - d("0.4"), d("0.2"));
  EXPECT_EQ(d("0.1") + d("0.2"), d("0.3"));
}

TEST(Decimal, multiplies_and_divides_with_half_even_rounding) {
  EXPECT_EQ(d("45000.5") * d("0.002"), d("90.001"));
  EXPECT_EQ(d("1") / d("3"), d("0.3333333333333333"));
  EXPECT_EQ(d("2") / d("3"), d("0.6666666666666667"));
  EXPECT_EQ(d("0.0000000000000001") * d("0.5"), d("0"));                   // 0.5e-16 → 0
  EXPECT_EQ(d("0.0000000000000003") * d("0.5"), d("0.0000000000000002"));  // 1.5e-16 → 2
  EXPECT_EQ(d("0.00000001") * d("0.5"), d("0.000000005"));                 // exact now
  // Products and quotients whose intermediate needs more than 128 bits stay exact.
  EXPECT_EQ(d("1000000000000.5") * d("2000000000"), d("2000000000001000000000"));
  EXPECT_EQ(d("-0.123456789") * d("98765.4321"), d("-12193.2631112635269"));
  EXPECT_EQ(d("1000000000000000000000") / d("100000000000000000000"), d("10"));
  EXPECT_EQ(d("7") / d("123456.789"), d("0.0000567000005160"));
  EXPECT_EQ(d("-45000.5") / d("0.0000000001"), d("-450005000000000"));
  EXPECT_EQ(d("-7") / d("2"), d("-3.5"));
}

TEST(Decimal, checked_operations_return_errors) {
  EXPECT_EQ(Decimal::max().checked_add(d("0.0000000000000001")).error().code, ErrorCode::overflow);
  EXPECT_EQ(Decimal::min().checked_sub(d("0.0000000000000001")).error().code, ErrorCode::overflow);
  EXPECT_EQ(d("1000000000000").checked_mul(d("100000000000")).error().code, ErrorCode::overflow);
  EXPECT_EQ(Decimal::max().checked_mul(Decimal::max()).error().code, ErrorCode::overflow);
  EXPECT_EQ(d("1").checked_div(d("0")).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(d("10000000").checked_div(d("0.0000000000000001")).error().code, ErrorCode::overflow);
  EXPECT_EQ(*d("10").checked_div(d("0.0000000000000001")), d("100000000000000000"));
  EXPECT_EQ(*Decimal::max().checked_div(Decimal::max()), Decimal::one());
  EXPECT_EQ(*Decimal::max().checked_mul(Decimal::one()), Decimal::max());
  EXPECT_EQ(*d("10").checked_mul(d("3"), RoundingMode::down), d("30"));
}

TEST(Decimal, operators_throw_instead_of_overflowing_silently) {
  EXPECT_THROW((void)(Decimal::max() + d("1")), DecimalOverflow);
  EXPECT_THROW((void)(d("1000000000000") * d("100000000000")), DecimalOverflow);
  EXPECT_THROW((void)(d("1") / d("0")), std::domain_error);
}

TEST(Decimal, mul_div_rounds_once) {
  EXPECT_EQ(*d("1").checked_mul_div(d("2"), d("3"), RoundingMode::nearest),
            d("0.6666666666666667"));
  // The product needs more than 128 bits; the quotient is back in range.
  EXPECT_EQ(*d("1000000000000000000000")
                 .checked_mul_div(d("1000000000000000000000"), d("10000000000000000000000"),
                                  RoundingMode::down),
            d("100000000000000000000"));
  EXPECT_EQ(*d("12345.6789").checked_mul_div(d("3"), d("10000"), RoundingMode::up),
            d("3.70370367"));
  EXPECT_EQ(*d("100").checked_mul_div(d("25"), d("10000"), RoundingMode::down), d("0.25"));
  EXPECT_EQ(*d("50000").checked_mul_div(d("50000"), d("100000"), RoundingMode::down), d("25000"));
}

TEST(Decimal, rounds_to_a_step_in_each_mode) {
  const Decimal tick = d("0.01");
  EXPECT_EQ(*d("1.234").round_to_step(tick, RoundingMode::down), d("1.23"));
  EXPECT_EQ(*d("1.234").round_to_step(tick, RoundingMode::up), d("1.24"));
  EXPECT_EQ(*d("1.235").round_to_step(tick, RoundingMode::nearest), d("1.24"));
  EXPECT_EQ(*d("1.245").round_to_step(tick, RoundingMode::nearest_even), d("1.24"));
  EXPECT_EQ(*d("-1.234").round_to_step(tick, RoundingMode::down), d("-1.24"));
  EXPECT_EQ(*d("-1.234").round_to_step(tick, RoundingMode::up), d("-1.23"));
  EXPECT_EQ(*d("-1.234").round_to_step(tick, RoundingMode::toward_zero), d("-1.23"));
  EXPECT_EQ(*d("-1.231").round_to_step(tick, RoundingMode::away_from_zero), d("-1.24"));
  EXPECT_EQ(*d("1.23").round_to_step(tick, RoundingMode::up), d("1.23"));
  EXPECT_EQ(*d("17").round_to_step(d("5"), RoundingMode::down), d("15"));
  EXPECT_EQ(*d("0.00123").round_to_step(d("0.0005"), RoundingMode::nearest), d("0.001"));
  EXPECT_EQ(d("1").round_to_step(d("0"), RoundingMode::down).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(d("1").round_to_step(d("-0.1"), RoundingMode::down).error().code,
            ErrorCode::invalid_argument);
}

TEST(Decimal, rounds_to_decimals_and_significant_figures) {
  EXPECT_EQ(*d("3.14159").round_to_decimals(2, RoundingMode::nearest), d("3.14"));
  EXPECT_EQ(*d("3.14159").round_to_decimals(0, RoundingMode::up), d("4"));
  EXPECT_EQ(*d("0.0000000015").round_to_decimals(9, RoundingMode::nearest_even), d("0.000000002"));
  EXPECT_EQ(d("1").round_to_decimals(17, RoundingMode::up).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(*d("123456.7").round_to_significant(5, RoundingMode::nearest), d("123460"));
  EXPECT_EQ(*d("0.00012345").round_to_significant(3, RoundingMode::down), d("0.000123"));
  EXPECT_EQ(*d("99999.9").round_to_significant(5, RoundingMode::nearest), d("100000"));
  EXPECT_EQ(*d("12").round_to_significant(5, RoundingMode::nearest), d("12"));
  EXPECT_EQ(*d("0").round_to_significant(1, RoundingMode::nearest), d("0"));
  EXPECT_EQ(d("1").round_to_significant(0, RoundingMode::nearest).error().code,
            ErrorCode::invalid_argument);
}

TEST(Decimal, reports_places_digits_and_integer_part) {
  EXPECT_EQ(d("1.50").decimal_places(), 1);
  EXPECT_EQ(d("0.00000151").decimal_places(), 8);
  EXPECT_EQ(d("-0.0000000000000151").decimal_places(), 16);
  EXPECT_EQ(d("123456789012345678901.5").significant_digits(), 22);
  EXPECT_EQ(d("100").decimal_places(), 0);
  EXPECT_EQ(d("45000.5").significant_digits(), 6);
  EXPECT_EQ(d("0.00012").significant_digits(), 2);
  EXPECT_EQ(d("1200").significant_digits(), 2);
  EXPECT_EQ(d("2.5").to_int(RoundingMode::nearest_even), 2);
  EXPECT_EQ(d("-2.5").to_int(RoundingMode::down), -3);
  EXPECT_TRUE(d("3").is_integer());
  EXPECT_FALSE(d("3.1").is_integer());
  EXPECT_TRUE(d("0.3").is_multiple_of(d("0.1")));
  EXPECT_FALSE(d("0.35").is_multiple_of(d("0.1")));
}

TEST(Decimal, converts_from_integers_scaled_integers_and_doubles) {
  EXPECT_EQ(*Decimal::from_int(-7), d("-7"));
  EXPECT_EQ(*Decimal::from_int(INT64_MAX), d("9223372036854775807"));  // every int64 fits
  EXPECT_EQ(*Decimal::from_scaled(123, 2), d("1.23"));
  EXPECT_EQ(*Decimal::from_scaled(1'000'000'000, 10), d("0.1"));
  EXPECT_EQ(*Decimal::from_scaled(1, 10), d("0.0000000001"));
  EXPECT_EQ(*Decimal::from_scaled(100, 18), d("0.0000000000000001"));
  EXPECT_EQ(Decimal::from_scaled(1, 17).error().code, ErrorCode::precision);
  // A double stands for its shortest round-trip text, never for its binary expansion.
  EXPECT_EQ(*Decimal::from_double(0.1), d("0.1"));
  EXPECT_EQ(*Decimal::from_double(0.1, RoundingMode::up), d("0.1"));
  EXPECT_EQ(*Decimal::from_double(45000.123456789, RoundingMode::down), d("45000.123456789"));
  EXPECT_EQ(*Decimal::from_double(1.5e-7), d("0.00000015"));
  EXPECT_EQ(*Decimal::from_double(1e-20, RoundingMode::up), d("0.0000000000000001"));
  EXPECT_EQ(*Decimal::from_double(1e12), d("1000000000000"));
  EXPECT_EQ(Decimal::from_double(std::numeric_limits<double>::quiet_NaN()).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(Decimal::from_double(1e23).error().code, ErrorCode::overflow);
  EXPECT_DOUBLE_EQ(d("45000.5").to_double(), 45000.5);
  EXPECT_EQ(d("0.1").to_double(), 0.1);
  EXPECT_EQ(d("-0.000000001").to_double(), -1e-9);
  EXPECT_EQ(d("1234567.1234567891").to_double(), 1234567.1234567891);
  EXPECT_EQ(d("1e22").to_double(), 1e22);
}

TEST(Decimal, literal_parses_constants) {
  EXPECT_EQ("0.25"_d, d("0.25"));
  EXPECT_THROW((void)operator""_d("x", 1), std::invalid_argument);
}

TEST(HyperliquidPrice, keeps_five_significant_figures_and_max_decimals) {
  // perp, szDecimals 1 → at most 5 decimals
  EXPECT_EQ(*round_hyperliquid_price(d("1234.567"), 1, true, RoundingMode::nearest), d("1234.6"));
  EXPECT_EQ(*round_hyperliquid_price(d("0.0123456"), 0, true, RoundingMode::nearest),
            d("0.012346"));
  // perp, szDecimals 2 → at most 4 decimals, coarser than 5 significant figures here
  EXPECT_EQ(*round_hyperliquid_price(d("0.0123456"), 2, true, RoundingMode::nearest), d("0.0123"));
  // spot, szDecimals 2 → at most 6 decimals
  EXPECT_EQ(*round_hyperliquid_price(d("0.0123456"), 2, false, RoundingMode::down), d("0.012345"));
  // integers are always valid, whatever their number of digits
  EXPECT_EQ(*round_hyperliquid_price(d("123456"), 3, true, RoundingMode::nearest), d("123456"));
  EXPECT_EQ(*round_hyperliquid_price(d("123456.7"), 3, true, RoundingMode::down), d("123456"));
  EXPECT_EQ(round_hyperliquid_price(d("1"), 7, true, RoundingMode::down).error().code,
            ErrorCode::invalid_argument);
}

TEST(HyperliquidPrice, validates_prices_against_the_rule) {
  EXPECT_TRUE(is_valid_hyperliquid_price(d("1234.5"), 1, true));
  EXPECT_FALSE(is_valid_hyperliquid_price(d("1234.56"), 1, true));   // 6 significant figures
  EXPECT_TRUE(is_valid_hyperliquid_price(d("123456"), 5, true));     // integer
  EXPECT_FALSE(is_valid_hyperliquid_price(d("0.001234"), 3, true));  // 6 decimals > 6-3
  EXPECT_TRUE(is_valid_hyperliquid_price(d("0.001234"), 2, false));
}

}  // namespace
}  // namespace nzeza

#pragma once
// Decimal: exact fixed-point number for prices, sizes, balances and fees.
//
// Representation: a signed 128-bit count of 10^-16 units (kScale = 16 fractional digits), so
// the range is about ±17 014 118 346 046 923 173 168.7303715884105727 (±1.7·10^22). That holds
// every tick, step, quantity and notional the venues' metadata rules can express (Kraken's
// 9-decimal ticks, dYdX's 10^-10 long-tail ticks and uint64 quantum bounds; see
// docs/domain.md "Decimal range" and tests/unit/core/decimal_limits_test.cpp). Products and
// quotients go through exact 256-bit intermediates. Nothing overflows silently: checked
// operations return an Error, the operators throw DecimalOverflow (a std::overflow_error) — a
// bug, never a wrong number. Parsing is exact: text with more significant fractional digits
// than kScale is refused, never rounded behind the caller's back (parse_rounded rounds on
// purpose).
//
// Wire code that counts in 10^-8 units (fast paths of the codecs) uses from_raw8 / raw8; the
// full count is from_raw16 / raw16.

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace nzeza {

__extension__ typedef __int128
    int128;  // NOLINT(modernize-use-using): plain __int128 fails -Wpedantic
__extension__ typedef unsigned __int128 uint128;  // NOLINT(modernize-use-using)

enum class RoundingMode : std::uint8_t {
  down,         // toward -infinity (floor)
  up,           // toward +infinity (ceiling)
  toward_zero,  // truncate
  away_from_zero,
  nearest,       // half away from zero
  nearest_even,  // half to even (banker's)
};

[[nodiscard]] std::string_view to_string(RoundingMode mode) noexcept;

class DecimalOverflow : public std::overflow_error {
 public:
  using std::overflow_error::overflow_error;
};

class Decimal {
 public:
  static constexpr int kScale = 16;
  static constexpr std::int64_t kOne = 10'000'000'000'000'000;  // 10^kScale
  // Longest text to_chars writes: sign, 23 integer digits, point, 16 digits.
  static constexpr std::size_t kMaxChars = 41;

  constexpr Decimal() noexcept = default;

  // From the raw count of 10^-16 units; |raw| must not exceed max().raw16() (min() is
  // symmetric), which the caller guarantees.
  [[nodiscard]] static constexpr Decimal from_raw16(int128 raw) noexcept { return Decimal(raw); }
  // From a count of 10^-8 units (wire fast paths, fixtures); every int64 fits.
  [[nodiscard]] static constexpr Decimal from_raw8(std::int64_t raw) noexcept {
    return Decimal(static_cast<int128>(raw) * 100'000'000);
  }
  // From an integer, for constants: every int64 fits.
  [[nodiscard]] static constexpr Decimal from_integer(std::int64_t v) noexcept {
    return Decimal(static_cast<int128>(v) * kOne);
  }
  // From an integer (kept for callers that handle a Result); never fails today.
  [[nodiscard]] static Result<Decimal> from_int(std::int64_t v) noexcept;
  // mantissa * 10^-exponent (e.g. (123, 2) = 1.23), exponent 0..18; error when not exact.
  [[nodiscard]] static Result<Decimal> from_scaled(std::int64_t mantissa, int exponent) noexcept;
  // Nearest representable value of a double (indicator maths → price); error for NaN/inf/range.
  [[nodiscard]] static Result<Decimal> from_double(
      double v, RoundingMode mode = RoundingMode::nearest) noexcept;

  // Exact parse of every form venues send: "45000.50", "-3", "+1", "0.00000151", "1.51e-6",
  // "1E3", ".5", "5.", "1e+3". Refuses empty text, junk, NaN/inf, more than kScale significant
  // fractional digits (ErrorCode::precision) and out-of-range values (ErrorCode::overflow).
  // Does not allocate unless it fails.
  [[nodiscard]] static Result<Decimal> parse(std::string_view text) noexcept;
  // Like parse but rounds extra fractional digits with `mode` instead of refusing them.
  [[nodiscard]] static Result<Decimal> parse_rounded(std::string_view text,
                                                     RoundingMode mode) noexcept;

  [[nodiscard]] static constexpr Decimal zero() noexcept { return Decimal(0); }
  [[nodiscard]] static constexpr Decimal one() noexcept { return Decimal(kOne); }
  [[nodiscard]] static constexpr Decimal max() noexcept { return Decimal(kMaxRaw); }
  [[nodiscard]] static constexpr Decimal min() noexcept {
    return Decimal(-kMaxRaw);  // symmetric range
  }

  // The count of 10^-16 units.
  [[nodiscard]] constexpr int128 raw16() const noexcept { return raw_; }
  // The count of 10^-8 units; error (ErrorCode::precision) when the value has more than 8
  // fractional digits, (ErrorCode::overflow) when the count does not fit an int64.
  [[nodiscard]] Result<std::int64_t> raw8() const noexcept;
  [[nodiscard]] constexpr bool is_zero() const noexcept { return raw_ == 0; }
  [[nodiscard]] constexpr bool is_negative() const noexcept { return raw_ < 0; }
  [[nodiscard]] constexpr bool is_positive() const noexcept { return raw_ > 0; }
  [[nodiscard]] constexpr bool is_integer() const noexcept { return raw_ % kOne == 0; }
  [[nodiscard]] constexpr int signum() const noexcept { return (raw_ > 0) - (raw_ < 0); }
  [[nodiscard]] double to_double() const noexcept;
  // Integer part, rounded with `mode`.
  [[nodiscard]] std::int64_t to_int(RoundingMode mode = RoundingMode::toward_zero) const noexcept;
  // Number of fractional digits actually used (0..16): 1.50 → 1, 0.00000151 → 8.
  [[nodiscard]] int decimal_places() const noexcept;
  // Number of significant digits (0 for zero): 45000.5 → 6, 0.00012 → 2.
  [[nodiscard]] int significant_digits() const noexcept;

  // Shortest exact text: "45000.5", "-3", "0.00000151", "0".
  [[nodiscard]] std::string to_string() const;
  // Exactly `decimals` fractional digits (0..16), for wire formats: (1.5, 8) → "1.50000000".
  // Digits beyond `decimals` are dropped toward zero; use round_to_decimals first to choose.
  [[nodiscard]] std::string to_string_fixed(int decimals) const;
  // No-allocation form of to_string: writes at most kMaxChars chars, returns one past the end.
  char* to_chars(char* first) const noexcept;

  // Checked arithmetic: an Error instead of overflow / division by zero.
  [[nodiscard]] Result<Decimal> checked_add(Decimal o) const noexcept;
  [[nodiscard]] Result<Decimal> checked_sub(Decimal o) const noexcept;
  [[nodiscard]] Result<Decimal> checked_mul(
      Decimal o, RoundingMode mode = RoundingMode::nearest_even) const noexcept;
  [[nodiscard]] Result<Decimal> checked_div(
      Decimal o, RoundingMode mode = RoundingMode::nearest_even) const noexcept;
  // this * num / den in one exact 256-bit step (e.g. notional * bps / 10000), rounded with `mode`.
  [[nodiscard]] Result<Decimal> checked_mul_div(Decimal num, Decimal den,
                                                RoundingMode mode) const noexcept;

  // Rounds to a multiple of `step` (tick or lot size); step must be > 0.
  [[nodiscard]] Result<Decimal> round_to_step(Decimal step, RoundingMode mode) const noexcept;
  // Rounds to `decimals` fractional digits (0..16).
  [[nodiscard]] Result<Decimal> round_to_decimals(int decimals, RoundingMode mode) const noexcept;
  // Rounds to `figures` significant digits (>= 1).
  [[nodiscard]] Result<Decimal> round_to_significant(int figures, RoundingMode mode) const noexcept;
  [[nodiscard]] bool is_multiple_of(Decimal step) const noexcept;

  [[nodiscard]] constexpr Decimal abs() const noexcept { return Decimal(raw_ < 0 ? -raw_ : raw_); }
  [[nodiscard]] constexpr Decimal operator-() const noexcept { return Decimal(-raw_); }

  // Operators throw DecimalOverflow on overflow and std::domain_error on division by zero.
  // Multiplication and division round half to even.
  friend Decimal operator+(Decimal a, Decimal b);
  friend Decimal operator-(Decimal a, Decimal b);
  friend Decimal operator*(Decimal a, Decimal b);
  friend Decimal operator/(Decimal a, Decimal b);
  Decimal& operator+=(Decimal o) { return *this = *this + o; }
  Decimal& operator-=(Decimal o) { return *this = *this - o; }
  Decimal& operator*=(Decimal o) { return *this = *this * o; }
  Decimal& operator/=(Decimal o) { return *this = *this / o; }

  friend constexpr bool operator==(Decimal a, Decimal b) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(Decimal a, Decimal b) noexcept = default;

 private:
  static constexpr int128 kMaxRaw =
      static_cast<int128>(~static_cast<uint128>(0) >> 1);  // 2^127 - 1

  constexpr explicit Decimal(int128 raw) noexcept : raw_(raw) {}
  int128 raw_ = 0;
};

// Hyperliquid's price rule: at most 5 significant figures unless the price is an integer, and
// at most (6 - sz_decimals) decimals for perpetuals, (8 - sz_decimals) for spot. Prices of
// 100000 and above are rounded to an integer (always allowed) rather than to 5 figures.
[[nodiscard]] Result<Decimal> round_hyperliquid_price(Decimal price, int sz_decimals,
                                                      bool perpetual, RoundingMode mode) noexcept;
[[nodiscard]] bool is_valid_hyperliquid_price(Decimal price, int sz_decimals,
                                              bool perpetual) noexcept;

// Writes to_string() (for test failure messages and logs).
std::ostream& operator<<(std::ostream& os, Decimal d);

// Decimal literal for constants and tests: "45000.5"_d. Throws on bad text (compile-time use
// in tests and constants only, never for external input).
Decimal operator""_d(const char* text, std::size_t len);

}  // namespace nzeza

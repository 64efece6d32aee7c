#pragma once
// Decimal: exact fixed-point number for prices, sizes, balances and fees.
//
// Representation: a signed 64-bit count of 10^-8 units (kScale = 8 fractional digits), so the
// range is about ±92 233 720 368.54775807. Products and quotients go through 128-bit
// intermediates. Nothing overflows silently: checked operations return an Error, the
// operators throw DecimalOverflow (a std::overflow_error) — a bug, never a wrong number.
// Parsing is exact: text with more significant fractional digits than kScale is refused,
// never rounded behind the caller's back (parse_rounded rounds on purpose).

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
  static constexpr int kScale = 8;
  static constexpr std::int64_t kOne = 100'000'000;  // 10^kScale
  // Longest text to_chars writes: sign, 11 integer digits, point, 8 digits.
  static constexpr std::size_t kMaxChars = 24;

  constexpr Decimal() noexcept = default;

  // From the raw count of 10^-8 units.
  [[nodiscard]] static constexpr Decimal from_raw(std::int64_t raw) noexcept {
    return Decimal(raw);
  }
  // From an integer; error when it does not fit.
  [[nodiscard]] static Result<Decimal> from_int(std::int64_t v) noexcept;
  // mantissa * 10^-exponent (e.g. (123, 2) = 1.23); error when not exact or too large.
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
  [[nodiscard]] static constexpr Decimal max() noexcept {
    return Decimal(std::numeric_limits<std::int64_t>::max());
  }
  [[nodiscard]] static constexpr Decimal min() noexcept {
    return Decimal(std::numeric_limits<std::int64_t>::min() + 1);  // symmetric range
  }

  [[nodiscard]] constexpr std::int64_t raw() const noexcept { return raw_; }
  [[nodiscard]] constexpr bool is_zero() const noexcept { return raw_ == 0; }
  [[nodiscard]] constexpr bool is_negative() const noexcept { return raw_ < 0; }
  [[nodiscard]] constexpr bool is_positive() const noexcept { return raw_ > 0; }
  [[nodiscard]] constexpr bool is_integer() const noexcept { return raw_ % kOne == 0; }
  [[nodiscard]] constexpr int signum() const noexcept { return (raw_ > 0) - (raw_ < 0); }
  [[nodiscard]] double to_double() const noexcept { return static_cast<double>(raw_) / kOne; }
  // Integer part, rounded with `mode`.
  [[nodiscard]] std::int64_t to_int(RoundingMode mode = RoundingMode::toward_zero) const noexcept;
  // Number of fractional digits actually used (0..8): 1.50 → 1, 0.00000151 → 8.
  [[nodiscard]] int decimal_places() const noexcept;
  // Number of significant digits (0 for zero): 45000.5 → 6, 0.00012 → 2.
  [[nodiscard]] int significant_digits() const noexcept;

  // Shortest exact text: "45000.5", "-3", "0.00000151", "0".
  [[nodiscard]] std::string to_string() const;
  // Exactly `decimals` fractional digits (0..8), for wire formats: (1.5, 8) → "1.50000000".
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
  // this * num / den in one 128-bit step (e.g. notional * bps / 10000), rounded with `mode`.
  [[nodiscard]] Result<Decimal> checked_mul_div(Decimal num, Decimal den,
                                                RoundingMode mode) const noexcept;

  // Rounds to a multiple of `step` (tick or lot size); step must be > 0.
  [[nodiscard]] Result<Decimal> round_to_step(Decimal step, RoundingMode mode) const noexcept;
  // Rounds to `decimals` fractional digits (0..8).
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
  constexpr explicit Decimal(std::int64_t raw) noexcept : raw_(raw) {}
  std::int64_t raw_ = 0;
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

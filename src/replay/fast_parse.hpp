#pragma once
// Hot-path number parsing for the replay readers: plain "[-]digits[.digits]" decimals (what the
// recorder writes and Tardis exports) and non-negative integers, straight from string views,
// without allocation. Anything else (exponents, more than 18 digits, junk) returns false and the
// caller falls back to Decimal::parse, which decides exactly or explains the refusal.

#include <cstdint>
#include <string_view>

#include "core/decimal.hpp"

namespace nzeza::replay {

namespace detail {
inline constexpr std::int64_t kPow10[17] = {1LL,
                                            10LL,
                                            100LL,
                                            1000LL,
                                            10000LL,
                                            100000LL,
                                            1000000LL,
                                            10000000LL,
                                            100000000LL,
                                            1000000000LL,
                                            10000000000LL,
                                            100000000000LL,
                                            1000000000000LL,
                                            10000000000000LL,
                                            100000000000000LL,
                                            1000000000000000LL,
                                            10000000000000000LL};
}  // namespace detail

// Parses [p, end) as a plain decimal; `fraction_digits` gets the digits written after the point.
[[nodiscard]] inline bool fast_decimal(const char* p, const char* end, Decimal& out,
                                       int& fraction_digits) noexcept {
  bool negative = false;
  if (p < end && *p == '-') {
    negative = true;
    ++p;
  }
  std::uint64_t mantissa = 0;
  int digits = 0;
  int frac = -1;
  for (; p < end; ++p) {
    const auto d = static_cast<unsigned>(*p - '0');
    if (d < 10) {
      mantissa = mantissa * 10 + d;
      ++digits;
      frac += frac >= 0 ? 1 : 0;
    } else if (*p == '.' && frac < 0) {
      frac = 0;
    } else {
      return false;
    }
  }
  if (digits == 0 || digits > 18) return false;
  if (frac < 0) frac = 0;
  if (frac > Decimal::kScale) return false;
  const int128 raw = static_cast<int128>(mantissa) * detail::kPow10[Decimal::kScale - frac];
  out = Decimal::from_raw16(negative ? -raw : raw);
  fraction_digits = frac;
  return true;
}

[[nodiscard]] inline bool fast_decimal(std::string_view s, Decimal& out) noexcept {
  int frac = 0;
  return fast_decimal(s.data(), s.data() + s.size(), out, frac);
}

// A decimal by the fast path, else by Decimal::parse (exponents, long mantissas).
[[nodiscard]] inline bool parse_decimal(std::string_view s, Decimal& out) noexcept {
  if (fast_decimal(s, out)) return true;
  auto r = Decimal::parse(s);
  if (!r) return false;
  out = *r;
  return true;
}

// Non-negative int64 in decimal digits (at most 19: nanoseconds since 1970 have 19).
[[nodiscard]] inline bool fast_u63(const char* p, const char* end, std::int64_t& out) noexcept {
  if (p == end || end - p > 19) return false;
  std::uint64_t v = 0;
  for (; p < end; ++p) {
    const auto d = static_cast<unsigned>(*p - '0');
    if (d >= 10) return false;
    v = v * 10 + d;
  }
  if (v > static_cast<std::uint64_t>(INT64_MAX)) return false;
  out = static_cast<std::int64_t>(v);
  return true;
}

}  // namespace nzeza::replay

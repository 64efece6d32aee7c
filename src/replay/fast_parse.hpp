#pragma once
// Hot-path number parsing for the replay readers: plain "[-]digits[.digits]" decimals (what the
// recorder writes and Tardis exports) and non-negative integers, straight from string views,
// without allocation. Anything else (exponents, more than 18 digits, junk) returns false and the
// caller falls back to Decimal::parse, which decides exactly or explains the refusal.

#include <cstdint>
#include <cstring>
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

// Eight ASCII digits at once (little-endian load): true and their value when all are digits.
[[nodiscard]] inline bool eight_digits(const char* p, std::uint64_t& value) noexcept {
  std::uint64_t chunk = 0;
  std::memcpy(&chunk, p, 8);
  // Every byte in '0'..'9': high nibble 3, and adding 6 keeps the high nibble 3.
  if (((chunk & 0xF0F0F0F0F0F0F0F0ULL) |
       (((chunk + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) != 0x3333333333333333ULL)
    return false;
  std::uint64_t v = chunk - 0x3030303030303030ULL;
  v = (v * 10) + (v >> 8);  // pairs
  v = (((v & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((v >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  value = v;
  return true;
}

// The run of digits at [p, end): its value and one past its last digit. At most 19 digits
// (nanoseconds since 1970 have 19); more, or a value past INT64_MAX, returns nullptr.
[[nodiscard]] inline const char* digits_u63(const char* p, const char* end,
                                            std::int64_t& out) noexcept {
  const char* q = p;
  std::uint64_t v = 0;
  std::uint64_t eight = 0;
  while (end - q >= 8 && q - p <= 8 && eight_digits(q, eight)) {
    v = v * 100000000ULL + eight;
    q += 8;
  }
  for (; q < end; ++q) {
    const auto d = static_cast<unsigned>(*q - '0');
    if (d >= 10) break;
    v = v * 10 + d;
  }
  if (q == p || q - p > 19 || v > static_cast<std::uint64_t>(INT64_MAX)) return nullptr;
  out = static_cast<std::int64_t>(v);
  return q;
}

// Non-negative int64 that is exactly the digits of [p, end).
[[nodiscard]] inline bool fast_u63(const char* p, const char* end, std::int64_t& out) noexcept {
  return digits_u63(p, end, out) == end;
}

}  // namespace nzeza::replay

#include "core/time.hpp"

#include <cstdio>
#include <cstring>
#include <string>

namespace nzeza {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public-domain algorithms).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t y;
  unsigned m;
  unsigned d;
};

constexpr Civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool is_leap(std::int64_t y) noexcept {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr std::uint64_t kZeros = 0x3030303030303030ULL;  // '0' in every byte
constexpr std::uint64_t kHighNibbles = 0xF0F0F0F0F0F0F0F0ULL;
// Bytes 2 and 5 of "HH:MM:SS" / "YY-MM-DD": the separators.
constexpr std::uint64_t kSeparators = 0x0000FF0000FF0000ULL;

std::uint64_t load8(const char* p) noexcept {
  std::uint64_t w = 0;
  std::memcpy(&w, p, 8);
  return w;
}

// Every byte of w an ASCII digit: its high nibble 3, and still 3 once 6 is added.
constexpr bool all_digits(std::uint64_t w) noexcept {
  return (w & kHighNibbles) == kZeros && ((w + 0x0606060606060606ULL) & kHighNibbles) == kZeros;
}

// "ab?cd?ef" (8 bytes at w, little-endian) with `sep` at bytes 2 and 5 and digits elsewhere:
// the word whose bytes 0, 3 and 6 hold ab, cd and ef; else ~0.
constexpr std::uint64_t three_pairs(std::uint64_t w, char sep) noexcept {
  constexpr std::uint64_t kSepOnes = 0x0000010000010000ULL;
  if ((w & kSeparators) != kSepOnes * static_cast<unsigned char>(sep)) return ~std::uint64_t{0};
  const std::uint64_t digits = (w & ~kSeparators) | (kSepOnes * '0');
  if (!all_digits(digits)) return ~std::uint64_t{0};
  const std::uint64_t v = digits - kZeros;
  return v * 10 + (v >> 8);  // byte k: 10 * digit k + digit k+1 (at most 99, no carry)
}

// Eight ASCII digits (checked by the caller), the first the most significant: their value.
constexpr std::uint64_t eight_digits(std::uint64_t w) noexcept {
  std::uint64_t v = w - kZeros;
  v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;
  v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFULL;
  return (v * 10000 + (v >> 32)) & 0xFFFFFFFFULL;
}

// The date of the last call on this thread that took the fast path: its 10 bytes and its day
// number (only valid dates are stored; the zero bytes match no text).
struct DateCache {
  std::uint64_t head = 0;  // "YYYY-MM-"
  std::uint16_t tail = 0;  // "DD"
  std::int64_t days = 0;
};
thread_local DateCache date_cache;

// int64 nanoseconds reach 1677-09-21 to 2262-04-11.
constexpr std::int64_t kMaxSeconds = INT64_MAX / 1'000'000'000 - 1;

// `YYYY-MM-DDTHH:MM:SS(.f{1,9})?Z`, every field in range: the time, else false (the general
// reader then decides, with its own error).
bool parse_fixed(std::string_view t, std::int64_t& out) noexcept {
  const std::size_t n = t.size();
  if (n < 20 || n > 30 || t[n - 1] != 'Z' || t[10] != 'T') return false;
  const char* p = t.data();
  std::int64_t frac_ns = 0;
  if (n != 20) {  // ".f{1,9}Z"
    if (t[19] != '.' || n == 21) return false;
    const std::size_t digits = n - 21;
    if (digits == 9) {
      const std::uint64_t w = load8(p + 20);
      const auto last = static_cast<unsigned>(p[28] - '0');
      if (!all_digits(w) || last > 9) return false;
      frac_ns = static_cast<std::int64_t>(eight_digits(w) * 10 + last);
    } else {
      // The last 8 bytes before the 'Z' end with the fraction: keep its `digits` bytes and pad
      // them with '0' on the right to eight digits.
      const unsigned drop = 8 * static_cast<unsigned>(8 - digits);
      const std::uint64_t w = (load8(p + n - 9) >> drop) | (kZeros & ~(~std::uint64_t{0} >> drop));
      if (!all_digits(w)) return false;
      frac_ns = static_cast<std::int64_t>(eight_digits(w) * 10);
    }
  }
  const std::uint64_t time = three_pairs(load8(p + 11), ':');
  if (time == ~std::uint64_t{0}) return false;
  const std::int64_t h = static_cast<std::int64_t>(time & 0xFF);
  const std::int64_t mi = static_cast<std::int64_t>((time >> 24) & 0xFF);
  const std::int64_t s = static_cast<std::int64_t>((time >> 48) & 0xFF);
  if (h > 23 || mi > 59 || s > 60) return false;

  const std::uint64_t head = load8(p);
  std::uint16_t tail = 0;
  std::memcpy(&tail, p + 8, 2);
  DateCache& cache = date_cache;
  std::int64_t days = cache.days;
  if (head != cache.head || tail != cache.tail) {
    const std::uint64_t date = three_pairs(load8(p + 2), '-');  // "YY-MM-DD"
    const auto c0 = static_cast<unsigned>(p[0] - '0');
    const auto c1 = static_cast<unsigned>(p[1] - '0');
    if (date == ~std::uint64_t{0} || c0 > 9 || c1 > 9) return false;
    const std::int64_t y = (c0 * 10 + c1) * 100 + static_cast<std::int64_t>(date & 0xFF);
    const auto mo = static_cast<unsigned>((date >> 24) & 0xFF);
    const auto d = static_cast<unsigned>((date >> 48) & 0xFF);
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] + (mo == 2 && is_leap(y) ? 1 : 0))
      return false;
    days = days_from_civil(y, mo, d);
    cache = DateCache{head, tail, days};
  }
  const std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + s;
  if (secs > kMaxSeconds || secs < -kMaxSeconds) return false;
  out = secs * 1'000'000'000 + frac_ns;
  return true;
}

}  // namespace

Result<Timestamp> Timestamp::parse_iso8601(std::string_view t) noexcept {
  if (std::int64_t ns = 0; parse_fixed(t, ns)) return Timestamp(ns);
  return parse_iso8601_general(t);
}

Result<Timestamp> Timestamp::parse_iso8601_general(std::string_view t) noexcept {
  auto bad = [&](std::string_view why) {
    return Result<Timestamp>(
        Error{ErrorCode::parse_error,
              "invalid timestamp \"" + std::string(t.substr(0, 64)) + "\": " + std::string(why)});
  };
  std::size_t i = 0;
  auto number = [&](std::size_t digits, std::int64_t& out) -> bool {
    if (i + digits > t.size()) return false;
    out = 0;
    for (std::size_t k = 0; k < digits; ++k) {
      const char c = t[i + k];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    i += digits;
    return true;
  };
  auto expect = [&](char c) -> bool {
    if (i < t.size() && t[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  std::int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!number(4, y) || !expect('-') || !number(2, mo) || !expect('-') || !number(2, d)) {
    return bad("expected YYYY-MM-DD");
  }
  if (!(expect('T') || expect('t') || expect(' '))) return bad("expected 'T' after the date");
  if (!number(2, h) || !expect(':') || !number(2, mi) || !expect(':') || !number(2, s)) {
    return bad("expected hh:mm:ss");
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12) return bad("month out of range");
  const int max_day = kDays[mo - 1] + (mo == 2 && is_leap(y) ? 1 : 0);
  if (d < 1 || d > max_day) return bad("day out of range");
  if (h > 23 || mi > 59 || s > 60) return bad("time out of range");
  std::int64_t frac_ns = 0;
  if (expect('.') || expect(',')) {
    int digits = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      if (digits < 9) {
        frac_ns = frac_ns * 10 + (t[i] - '0');
        ++digits;
      }
      ++i;
    }
    if (digits == 0) return bad("empty fraction of a second");
    for (int k = digits; k < 9; ++k) frac_ns *= 10;
  }
  std::int64_t offset_s = 0;
  if (expect('Z') || expect('z')) {
  } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    const int sign = t[i] == '-' ? -1 : 1;
    ++i;
    std::int64_t oh = 0, om = 0;
    if (!number(2, oh)) return bad("bad UTC offset");
    expect(':');
    if (!number(2, om)) return bad("bad UTC offset");
    if (oh > 23 || om > 59) return bad("UTC offset out of range");
    offset_s = sign * (oh * 3600 + om * 60);
  } else {
    return bad("missing time zone ('Z' or an offset)");
  }
  if (i != t.size()) return bad("trailing characters");
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - offset_s;
  if (secs > kMaxSeconds || secs < -kMaxSeconds) return bad("outside the years 1678..2261");
  return Timestamp(secs * 1'000'000'000 + frac_ns);
}

std::string Timestamp::to_iso8601() const {
  std::int64_t secs = ns_ / 1'000'000'000;
  std::int64_t frac = ns_ % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const Civil c = civil_from_days(days);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(c.y), c.m, c.d, static_cast<long long>(rem / 3600),
                        static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  std::string out(buf, static_cast<std::size_t>(n));
  if (frac != 0) {
    char fb[16];
    std::snprintf(fb, sizeof fb, "%09lld", static_cast<long long>(frac));
    std::string f(fb);
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += '.';
    out += f;
  }
  out += 'Z';
  return out;
}

}  // namespace nzeza

#include "core/time.hpp"

#include <cstdio>
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

}  // namespace

Result<Timestamp> Timestamp::parse_iso8601(std::string_view t) noexcept {
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
  // int64 nanoseconds reach 1677-09-21 to 2262-04-11.
  constexpr std::int64_t kMaxSeconds = INT64_MAX / 1'000'000'000 - 1;
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

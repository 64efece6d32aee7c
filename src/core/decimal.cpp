#include "core/decimal.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ostream>
#include <string>

#include "core/enum_names.hpp"

namespace nzeza {
namespace {

constexpr int128 kMaxRaw = Decimal::max().raw16();
constexpr std::uint64_t kOneU = static_cast<std::uint64_t>(Decimal::kOne);

struct Pow10Table {
  int128 v[39];
  constexpr Pow10Table() : v() {
    v[0] = 1;
    for (int i = 1; i < 39; ++i) v[i] = v[i - 1] * 10;
  }
};
constexpr Pow10Table kPow10Table;
// 10^n for n in 0..38 (10^38 is the largest power below 2^127).
constexpr int128 pow10(int n) noexcept {
  return kPow10Table.v[n];
}

constexpr uint128 magnitude(int128 v) noexcept {
  return v < 0 ? -static_cast<uint128>(v) : static_cast<uint128>(v);
}

// An unsigned 256-bit number as four 64-bit limbs, least significant first.
struct U256 {
  std::uint64_t w[4] = {0, 0, 0, 0};
};

constexpr std::uint64_t lo64(uint128 v) noexcept {
  return static_cast<std::uint64_t>(v);
}
constexpr std::uint64_t hi64(uint128 v) noexcept {
  return static_cast<std::uint64_t>(v >> 64);
}

// The exact product of two 128-bit magnitudes.
U256 multiply(uint128 a, uint128 b) noexcept {
  const uint128 p00 = static_cast<uint128>(lo64(a)) * lo64(b);
  const uint128 p01 = static_cast<uint128>(lo64(a)) * hi64(b);
  const uint128 p10 = static_cast<uint128>(hi64(a)) * lo64(b);
  const uint128 p11 = static_cast<uint128>(hi64(a)) * hi64(b);
  U256 r;
  r.w[0] = lo64(p00);
  uint128 t = static_cast<uint128>(hi64(p00)) + lo64(p01) + lo64(p10);
  r.w[1] = lo64(t);
  t = static_cast<uint128>(hi64(t)) + hi64(p01) + hi64(p10) + lo64(p11);
  r.w[2] = lo64(t);
  r.w[3] = hi64(t) + hi64(p11);
  return r;
}

// n / d with its remainder; d != 0 and d < 2^127. The quotient is returned only when it fits
// 128 bits (`fits` false otherwise).
struct Division {
  uint128 quotient = 0;
  uint128 remainder = 0;
  bool fits = true;
};

Division divide(const U256& n, uint128 d) noexcept {
  Division out;
  if (n.w[2] == 0 && n.w[3] == 0) {
    const uint128 v = (static_cast<uint128>(n.w[1]) << 64) | n.w[0];
    out.quotient = v / d;
    out.remainder = v - out.quotient * d;  // one division, not two
    return out;
  }
  if (hi64(d) == 0) {  // schoolbook division by one limb
    const std::uint64_t d64 = lo64(d);
    std::uint64_t q[4] = {0, 0, 0, 0};
    std::uint64_t r = 0;
    for (int i = 3; i >= 0; --i) {
      const uint128 cur = (static_cast<uint128>(r) << 64) | n.w[i];
      q[i] = static_cast<std::uint64_t>(cur / d64);
      r = static_cast<std::uint64_t>(cur % d64);
    }
    out.fits = q[2] == 0 && q[3] == 0;
    out.quotient = (static_cast<uint128>(q[1]) << 64) | q[0];
    out.remainder = r;
    return out;
  }
  // Divisor of two limbs: shift and subtract, one bit at a time from the dividend's top bit.
  // The remainder stays below d < 2^127, so doubling it never overflows.
  int top = 3;
  while (n.w[top] == 0) --top;
  const int bits = top * 64 + 64 - __builtin_clzll(n.w[top]);
  uint128 q = 0;
  uint128 r = 0;
  for (int b = bits - 1; b >= 0; --b) {
    r = (r << 1) | ((n.w[b / 64] >> (b % 64)) & 1U);
    const bool set = r >= d;
    if (set) r -= d;
    if ((q >> 127) != 0) out.fits = false;
    q = (q << 1) | static_cast<uint128>(set);
  }
  out.quotient = q;
  out.remainder = r;
  return out;
}

// n / d rounded with `mode`, with the sign `negative`; false when the result leaves the range.
// Whether a magnitude cut toward zero, with a non-zero part dropped, steps one unit away from
// zero: the dropped part stands above or exactly at half a unit; `odd` is the kept last digit.
constexpr bool rounds_away(RoundingMode mode, bool negative, bool above_half, bool exactly_half,
                           bool odd) noexcept {
  switch (mode) {
    case RoundingMode::toward_zero:
      return false;
    case RoundingMode::away_from_zero:
      return true;
    case RoundingMode::down:
      return negative;
    case RoundingMode::up:
      return !negative;
    case RoundingMode::nearest:
      return above_half || exactly_half;
    case RoundingMode::nearest_even:
      return above_half || (exactly_half && odd);
  }
  return false;
}

bool div_round(const U256& n, uint128 d, bool negative, RoundingMode mode, int128& out) noexcept {
  const Division div = divide(n, d);
  if (!div.fits) return false;
  uint128 q = div.quotient;
  const uint128 r = div.remainder;
  if (r != 0) {
    const uint128 twice = r * 2;  // r < d < 2^127
    if (rounds_away(mode, negative, twice > d, twice == d, (q & 1U) != 0)) ++q;
  }
  if (q > static_cast<uint128>(kMaxRaw)) return false;
  out = negative ? -static_cast<int128>(q) : static_cast<int128>(q);
  return true;
}

U256 widen(uint128 v) noexcept {
  U256 r;
  r.w[0] = lo64(v);
  r.w[1] = hi64(v);
  return r;
}

// num / den rounded with `mode`; den != 0 and the quotient's magnitude is at most |num|.
int128 div_round(int128 num, int128 den, RoundingMode mode) noexcept {
  int128 out = 0;
  div_round(widen(magnitude(num)), magnitude(den), (num < 0) != (den < 0), mode, out);
  return out;
}

bool fits(int128 v) noexcept {
  return v <= kMaxRaw && v >= -kMaxRaw;
}

int digit_count(uint128 v) noexcept {
  int n = 1;
  while (v >= 10'000'000'000'000'000'000U) {
    v /= 10'000'000'000'000'000'000U;
    n += 19;
  }
  std::uint64_t w = lo64(v);
  while (w >= 10) {
    w /= 10;
    ++n;
  }
  return n;
}

// Writes the decimal digits of v (no sign) and returns one past the end.
char* write_digits(char* out, uint128 v) noexcept {
  char tmp[40];
  int n = 0;
  while (hi64(v) != 0) {
    const std::uint64_t chunk = static_cast<std::uint64_t>(v % 10'000'000'000'000'000'000U);
    v /= 10'000'000'000'000'000'000U;
    std::uint64_t c = chunk;
    for (int k = 0; k < 19; ++k) {
      tmp[n++] = static_cast<char>('0' + c % 10);
      c /= 10;
    }
  }
  std::uint64_t w = lo64(v);
  do {
    tmp[n++] = static_cast<char>('0' + w % 10);
    w /= 10;
  } while (w != 0);
  while (n > 0) *out++ = tmp[--n];
  return out;
}

std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 64;
  std::string s = "\"";
  if (text.size() > kMaxShown) {
    s.append(text.substr(0, kMaxShown));
    s += "...\" (" + std::to_string(text.size()) + " chars)";
  } else {
    s.append(text);
    s += '"';
  }
  return s;
}

Error overflow_error(std::string_view what) {
  return Error{
      ErrorCode::overflow,
      std::string(what) +
          ": result out of the Decimal range (|x| <= 17014118346046923173168.7303715884105727)"};
}

// Shared parser. With strict=true any non-zero digit beyond 10^-16 is an error; otherwise the
// value is rounded with `mode`.
Result<Decimal> parse_impl(std::string_view text, bool strict, RoundingMode mode) noexcept {
  auto bad = [&](std::string_view why) {
    return Result<Decimal>(
        Error{ErrorCode::parse_error, "invalid decimal " + quoted(text) + ": " + std::string(why)});
  };
  if (text.empty()) return bad("empty text");
  std::size_t i = 0;
  bool negative = false;
  if (text[0] == '+' || text[0] == '-') {
    negative = text[0] == '-';
    ++i;
  }
  const std::size_t mant_begin = i;
  std::size_t int_digits = 0;
  std::size_t frac_digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      (seen_point ? frac_digits : int_digits)++;
    } else if (c == '.') {
      if (seen_point) return bad("second decimal point at offset " + std::to_string(i));
      seen_point = true;
    } else {
      break;
    }
  }
  const std::size_t mant_end = i;
  if (int_digits + frac_digits == 0) return bad("no digits");
  std::int64_t exponent = 0;
  if (i < text.size()) {
    if (text[i] != 'e' && text[i] != 'E') {
      return bad(std::string("unexpected character '") + text[i] + "' at offset " +
                 std::to_string(i));
    }
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    if (i >= text.size()) return bad("exponent has no digits");
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (c < '0' || c > '9') {
        return bad(std::string("unexpected character '") + c + "' in exponent at offset " +
                   std::to_string(i));
      }
      if (exponent < 1'000'000)
        exponent = exponent * 10 + (c - '0');  // clamp: beyond is all-or-nothing
    }
    if (exp_negative) exponent = -exponent;
  }

  // Walk the digits with their decimal weight w (value = digit * 10^w).
  uint128 raw = 0;
  int round_digit = 0;
  bool sticky = false;
  std::int64_t w = static_cast<std::int64_t>(int_digits) - 1 + exponent;
  for (std::size_t k = mant_begin; k < mant_end; ++k) {
    const char c = text[k];
    if (c == '.') continue;
    const int d = c - '0';
    if (d != 0) {
      if (w > 22) return Result<Decimal>(overflow_error("decimal " + quoted(text)));
      if (w >= -Decimal::kScale) {
        uint128 term = 0;
        if (__builtin_mul_overflow(
                static_cast<uint128>(d),
                static_cast<uint128>(pow10(static_cast<int>(w) + Decimal::kScale)), &term) ||
            __builtin_add_overflow(raw, term, &raw)) {
          return Result<Decimal>(overflow_error("decimal " + quoted(text)));
        }
      } else if (w == -Decimal::kScale - 1) {
        round_digit = d;
      } else {
        sticky = true;
      }
    }
    --w;
  }
  if (round_digit != 0 || sticky) {
    if (strict) {
      return Result<Decimal>(
          Error{ErrorCode::precision,
                "decimal " + quoted(text) + " has more than 16 significant fractional digits"});
    }
    // Reconstruct a remainder comparable to half a unit: 10 * digit + sticky vs 50.
    const bool above_half = round_digit > 5 || (round_digit == 5 && sticky);
    const bool exactly_half = round_digit == 5 && !sticky;
    const bool odd = (raw % 2) != 0;
    if (rounds_away(mode, negative, above_half, exactly_half, odd) && raw < ~uint128{0}) raw += 1;
  }
  if (raw > static_cast<uint128>(kMaxRaw))
    return Result<Decimal>(overflow_error("decimal " + quoted(text)));
  const auto v = static_cast<int128>(raw);
  return Decimal::from_raw16(negative ? -v : v);
}

}  // namespace

constexpr EnumNames kRoundingModeNames{
    RoundingMode::nearest_even,
    {"down", "up", "toward_zero", "away_from_zero", "nearest", "nearest_even"}};

std::string_view to_string(RoundingMode mode) noexcept {
  return kRoundingModeNames.name(mode);
}

Result<Decimal> Decimal::from_int(std::int64_t v) noexcept {
  return from_integer(v);
}

Result<Decimal> Decimal::from_scaled(std::int64_t mantissa, int exponent) noexcept {
  if (exponent < 0 || exponent > 18) {
    return Error{ErrorCode::invalid_argument,
                 "Decimal::from_scaled: exponent " + std::to_string(exponent) + " outside 0..18"};
  }
  if (exponent <= kScale) return Decimal(static_cast<int128>(mantissa) * pow10(kScale - exponent));
  const auto div = static_cast<std::int64_t>(pow10(exponent - kScale));
  if (mantissa % div != 0) {
    return Error{ErrorCode::precision, "Decimal::from_scaled: " + std::to_string(mantissa) + "e-" +
                                           std::to_string(exponent) +
                                           " has more than 16 fractional digits"};
  }
  return Decimal(mantissa / div);
}

// The decimal a double stands for is its shortest round-trip text ("0.1", not the binary
// value 0.1000000000000000055...); that text is then rounded to 16 decimals with `mode`.
Result<Decimal> Decimal::from_double(double v, RoundingMode mode) noexcept {
  if (!std::isfinite(v))
    return Error{ErrorCode::invalid_argument, "Decimal::from_double: value is not finite"};
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return Error{ErrorCode::invalid_argument, "Decimal::from_double: format"};
  auto r = parse_impl(std::string_view(buf, static_cast<std::size_t>(end - buf)), false, mode);
  if (!r) return overflow_error("Decimal::from_double");
  return r;
}

Result<Decimal> Decimal::parse(std::string_view text) noexcept {
  return parse_impl(text, true, RoundingMode::nearest_even);
}

Result<Decimal> Decimal::parse_rounded(std::string_view text, RoundingMode mode) noexcept {
  return parse_impl(text, false, mode);
}

Result<std::int64_t> Decimal::raw8() const noexcept {
  constexpr int128 kUnit8 = 100'000'000;
  if (raw_ % kUnit8 != 0) {
    return Error{ErrorCode::precision, "Decimal " + to_string() + " has more than 8 decimals"};
  }
  const int128 v = raw_ / kUnit8;
  if (v > std::numeric_limits<std::int64_t>::max() || v < -std::numeric_limits<std::int64_t>::max())
    return overflow_error("Decimal::raw8 of " + to_string());
  return static_cast<std::int64_t>(v);
}

double Decimal::to_double() const noexcept {
  // One correctly rounded division when the significant digits fit a double exactly (nearly
  // every price and size); otherwise the exact text is converted. One 128-bit division at most:
  // this sits on the indicator path.
  constexpr std::uint64_t kExact = std::uint64_t{1} << 53;
  constexpr double kP10[] = {1e0, 1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7, 1e8,
                             1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16};
  const uint128 mag = magnitude(raw_);
  const double sign = raw_ < 0 ? -1.0 : 1.0;
  if (hi64(mag) == 0 && lo64(mag) < kExact) return sign * (static_cast<double>(lo64(mag)) / 1e16);
  const uint128 ip = mag / kOneU;
  std::uint64_t fp = lo64(mag - ip * kOneU);
  if (fp == 0) return sign * static_cast<double>(ip);  // correctly rounded
  int digits = kScale;                                 // fractional digits still significant
  if (fp % 100'000'000 == 0) {
    fp /= 100'000'000;
    digits -= 8;
  }
  if (fp % 10'000 == 0) {
    fp /= 10'000;
    digits -= 4;
  }
  if (fp % 100 == 0) {
    fp /= 100;
    digits -= 2;
  }
  if (fp % 10 == 0) {
    fp /= 10;
    digits -= 1;
  }
  const auto scale = static_cast<std::uint64_t>(pow10(digits));
  if (ip < kExact / scale) {
    const std::uint64_t m = static_cast<std::uint64_t>(ip) * scale + fp;
    if (m < kExact) return sign * (static_cast<double>(m) / kP10[digits]);
  }
  char buf[kMaxChars];
  char* end = to_chars(buf);
  double d = 0;
  std::from_chars(buf, end, d);
  return d;
}

std::int64_t Decimal::to_int(RoundingMode mode) const noexcept {
  const int128 v = div_round(raw_, kOne, mode);
  constexpr int128 kMax = std::numeric_limits<std::int64_t>::max();
  if (v > kMax) return std::numeric_limits<std::int64_t>::max();
  if (v < -kMax) return -std::numeric_limits<std::int64_t>::max();
  return static_cast<std::int64_t>(v);
}

int Decimal::decimal_places() const noexcept {
  std::uint64_t frac = static_cast<std::uint64_t>(magnitude(raw_) % kOneU);
  if (frac == 0) return 0;
  int places = kScale;
  while (frac % 10 == 0) {
    frac /= 10;
    --places;
  }
  return places;
}

int Decimal::significant_digits() const noexcept {
  if (raw_ == 0) return 0;
  uint128 v = magnitude(raw_);
  while (lo64(v % 100'000'000) == 0) v /= 100'000'000;
  while (lo64(v % 10) == 0) v /= 10;
  return digit_count(v);
}

char* Decimal::to_chars(char* out) const noexcept {
  const uint128 v = magnitude(raw_);
  if (raw_ < 0) *out++ = '-';
  const uint128 ip = v / kOneU;
  std::uint64_t fp = static_cast<std::uint64_t>(v - ip * kOneU);
  out = write_digits(out, ip);
  if (fp != 0) {
    *out++ = '.';
    int digits = kScale;
    while (fp % 10 == 0) {
      fp /= 10;
      --digits;
    }
    for (int k = digits - 1; k >= 0; --k) {
      out[k] = static_cast<char>('0' + fp % 10);
      fp /= 10;
    }
    out += digits;
  }
  return out;
}

std::string Decimal::to_string() const {
  char buf[kMaxChars];
  char* end = to_chars(buf);
  return std::string(buf, end);
}

std::string Decimal::to_string_fixed(int decimals) const {
  if (decimals < 0) decimals = 0;
  if (decimals > kScale) decimals = kScale;
  const int128 truncated = raw_ / pow10(kScale - decimals);  // toward zero
  const uint128 v = magnitude(truncated);
  const auto scale = static_cast<std::uint64_t>(pow10(decimals));
  char buf[kMaxChars];
  char* p = buf;
  if (truncated < 0) *p++ = '-';
  p = write_digits(p, v / scale);
  if (decimals > 0) {
    *p++ = '.';
    std::uint64_t frac = static_cast<std::uint64_t>(v % scale);
    for (int k = decimals - 1; k >= 0; --k) {
      p[k] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    p += decimals;
  }
  return std::string(buf, p);
}

Result<Decimal> Decimal::checked_add(Decimal o) const noexcept {
  int128 r = 0;
  if (__builtin_add_overflow(raw_, o.raw_, &r) || !fits(r)) {
    return overflow_error(to_string() + " + " + o.to_string());
  }
  return Decimal(r);
}

Result<Decimal> Decimal::checked_sub(Decimal o) const noexcept {
  int128 r = 0;
  if (__builtin_sub_overflow(raw_, o.raw_, &r) || !fits(r)) {
    return overflow_error(to_string() + " - " + o.to_string());
  }
  return Decimal(r);
}

Result<Decimal> Decimal::checked_mul(Decimal o, RoundingMode mode) const noexcept {
  int128 r = 0;
  if (!div_round(multiply(magnitude(raw_), magnitude(o.raw_)), kOneU, (raw_ < 0) != (o.raw_ < 0),
                 mode, r)) {
    return overflow_error(to_string() + " * " + o.to_string());
  }
  return Decimal(r);
}

Result<Decimal> Decimal::checked_div(Decimal o, RoundingMode mode) const noexcept {
  if (o.raw_ == 0)
    return Error{ErrorCode::invalid_argument, "division of " + to_string() + " by zero"};
  int128 r = 0;
  if (!div_round(multiply(magnitude(raw_), kOneU), magnitude(o.raw_), (raw_ < 0) != (o.raw_ < 0),
                 mode, r)) {
    return overflow_error(to_string() + " / " + o.to_string());
  }
  return Decimal(r);
}

Result<Decimal> Decimal::checked_mul_div(Decimal num, Decimal den,
                                         RoundingMode mode) const noexcept {
  if (den.raw_ == 0) {
    return Error{ErrorCode::invalid_argument,
                 "mul_div of " + to_string() + " by a zero denominator"};
  }
  int128 r = 0;
  const bool negative = ((raw_ < 0) != (num.raw_ < 0)) != (den.raw_ < 0);
  if (!div_round(multiply(magnitude(raw_), magnitude(num.raw_)), magnitude(den.raw_), negative,
                 mode, r)) {
    return overflow_error(to_string() + " * " + num.to_string() + " / " + den.to_string());
  }
  return Decimal(r);
}

Result<Decimal> Decimal::round_to_step(Decimal step, RoundingMode mode) const noexcept {
  if (step.raw_ <= 0) {
    return Error{ErrorCode::invalid_argument, "rounding step must be > 0, got " + step.to_string()};
  }
  int128 r = 0;
  if (__builtin_mul_overflow(div_round(raw_, step.raw_, mode), step.raw_, &r) || !fits(r))
    return overflow_error("rounding " + to_string() + " to step " + step.to_string());
  return Decimal(r);
}

Result<Decimal> Decimal::round_to_decimals(int decimals, RoundingMode mode) const noexcept {
  if (decimals < 0 || decimals > kScale) {
    return Error{ErrorCode::invalid_argument,
                 "decimals must be in 0..16, got " + std::to_string(decimals)};
  }
  return round_to_step(Decimal(pow10(kScale - decimals)), mode);
}

Result<Decimal> Decimal::round_to_significant(int figures, RoundingMode mode) const noexcept {
  if (figures < 1) {
    return Error{ErrorCode::invalid_argument,
                 "significant figures must be >= 1, got " + std::to_string(figures)};
  }
  if (raw_ == 0) return *this;
  const int digits = digit_count(magnitude(raw_));
  if (digits <= figures) return *this;
  return round_to_step(Decimal(pow10(digits - figures)), mode);
}

bool Decimal::is_multiple_of(Decimal step) const noexcept {
  return step.raw_ > 0 && raw_ % step.raw_ == 0;
}

Decimal operator+(Decimal a, Decimal b) {
  auto r = a.checked_add(b);
  if (!r) throw DecimalOverflow(r.error().message);
  return *r;
}

Decimal operator-(Decimal a, Decimal b) {
  auto r = a.checked_sub(b);
  if (!r) throw DecimalOverflow(r.error().message);
  return *r;
}

Decimal operator*(Decimal a, Decimal b) {
  auto r = a.checked_mul(b, RoundingMode::nearest_even);
  if (!r) throw DecimalOverflow(r.error().message);
  return *r;
}

Decimal operator/(Decimal a, Decimal b) {
  if (b.is_zero()) throw std::domain_error("Decimal division by zero: " + a.to_string() + " / 0");
  auto r = a.checked_div(b, RoundingMode::nearest_even);
  if (!r) throw DecimalOverflow(r.error().message);
  return *r;
}

namespace {
Result<int> hyperliquid_max_decimals(int sz_decimals, bool perpetual) {
  const int max_decimals = (perpetual ? 6 : 8) - sz_decimals;
  if (sz_decimals < 0 || max_decimals < 0) {
    return Error{ErrorCode::invalid_argument, "Hyperliquid szDecimals " +
                                                  std::to_string(sz_decimals) + " outside 0.." +
                                                  std::to_string(perpetual ? 6 : 8)};
  }
  return max_decimals;
}
}  // namespace

Result<Decimal> round_hyperliquid_price(Decimal price, int sz_decimals, bool perpetual,
                                        RoundingMode mode) noexcept {
  auto max_decimals = hyperliquid_max_decimals(sz_decimals, perpetual);
  if (!max_decimals) return max_decimals.error();
  if (price.is_integer()) return price;
  // One rounding to the coarser of the two grids, so the result is never rounded twice.
  const int digits = digit_count(magnitude(price.raw16()));
  const int128 sig_step = digits > 5 ? pow10(digits - 5) : 1;
  int128 step = std::max(sig_step, pow10(Decimal::kScale - *max_decimals));
  step = std::min(step, static_cast<int128>(Decimal::kOne));  // an integer is always allowed
  return price.round_to_step(Decimal::from_raw16(step), mode);
}

bool is_valid_hyperliquid_price(Decimal price, int sz_decimals, bool perpetual) noexcept {
  auto max_decimals = hyperliquid_max_decimals(sz_decimals, perpetual);
  if (!max_decimals) return false;
  if (price.is_integer()) return true;
  return price.significant_digits() <= 5 && price.decimal_places() <= *max_decimals;
}

std::ostream& operator<<(std::ostream& os, Decimal d) {
  char buf[Decimal::kMaxChars];
  return os.write(buf, d.to_chars(buf) - buf);
}

Decimal operator""_d(const char* text, std::size_t len) {
  auto r = Decimal::parse(std::string_view(text, len));
  if (!r) throw std::invalid_argument(r.error().message);
  return *r;
}

}  // namespace nzeza

#include "core/decimal.hpp"

#include <cmath>
#include <ostream>
#include <string>

namespace nzeza {
namespace {

constexpr std::int64_t kMaxRaw = std::numeric_limits<std::int64_t>::max();

constexpr std::int64_t kPow10[] = {1,
                                   10,
                                   100,
                                   1'000,
                                   10'000,
                                   100'000,
                                   1'000'000,
                                   10'000'000,
                                   100'000'000,
                                   1'000'000'000,
                                   10'000'000'000,
                                   100'000'000'000,
                                   1'000'000'000'000,
                                   10'000'000'000'000,
                                   100'000'000'000'000,
                                   1'000'000'000'000'000,
                                   10'000'000'000'000'000,
                                   100'000'000'000'000'000,
                                   1'000'000'000'000'000'000};

// num / den rounded with `mode`; den != 0.
int128 div_round(int128 num, int128 den, RoundingMode mode) noexcept {
  if (den < 0) {
    num = -num;
    den = -den;
  }
  int128 q = num / den;
  const int128 r = num % den;
  if (r == 0) return q;
  const int sign = num < 0 ? -1 : 1;
  const int128 twice = (r < 0 ? -r : r) * 2;
  switch (mode) {
    case RoundingMode::toward_zero:
      return q;
    case RoundingMode::away_from_zero:
      return q + sign;
    case RoundingMode::down:
      return num < 0 ? q - 1 : q;
    case RoundingMode::up:
      return num > 0 ? q + 1 : q;
    case RoundingMode::nearest:
      return twice >= den ? q + sign : q;
    case RoundingMode::nearest_even:
      if (twice > den) return q + sign;
      if (twice < den) return q;
      return (q % 2 == 0) ? q : q + sign;
  }
  return q;
}

bool fits(int128 v) noexcept {
  return v <= kMaxRaw && v >= -kMaxRaw;
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
      std::string(what) + ": result out of the Decimal range (|x| < 92233720368.54775808)"};
}

// Shared parser. With strict=true any non-zero digit beyond 10^-8 is an error; otherwise the
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
  int128 raw = 0;
  int round_digit = 0;
  bool sticky = false;
  std::int64_t w = static_cast<std::int64_t>(int_digits) - 1 + exponent;
  for (std::size_t k = mant_begin; k < mant_end; ++k) {
    const char c = text[k];
    if (c == '.') continue;
    const int d = c - '0';
    if (d != 0) {
      if (w > 10) return Result<Decimal>(overflow_error("decimal " + quoted(text)));
      if (w >= -Decimal::kScale) {
        raw += static_cast<int128>(d) * kPow10[w + Decimal::kScale];
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
                "decimal " + quoted(text) + " has more than 8 significant fractional digits"});
    }
    // Reconstruct a remainder comparable to half a unit: 10 * digit + sticky vs 50.
    const bool above_half = round_digit > 5 || (round_digit == 5 && sticky);
    const bool exactly_half = round_digit == 5 && !sticky;
    const bool odd = (raw % 2) != 0;
    bool bump = false;
    switch (mode) {
      case RoundingMode::toward_zero:
        bump = false;
        break;
      case RoundingMode::away_from_zero:
        bump = true;
        break;
      case RoundingMode::down:
        bump = negative;
        break;
      case RoundingMode::up:
        bump = !negative;
        break;
      case RoundingMode::nearest:
        bump = above_half || exactly_half;
        break;
      case RoundingMode::nearest_even:
        bump = above_half || (exactly_half && odd);
        break;
    }
    if (bump) raw += 1;
  }
  if (raw > kMaxRaw) return Result<Decimal>(overflow_error("decimal " + quoted(text)));
  const auto v = static_cast<std::int64_t>(raw);
  return Decimal::from_raw(negative ? -v : v);
}

int digit_count(std::uint64_t v) noexcept {
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

}  // namespace

std::string_view to_string(RoundingMode mode) noexcept {
  switch (mode) {
    case RoundingMode::down:
      return "down";
    case RoundingMode::up:
      return "up";
    case RoundingMode::toward_zero:
      return "toward_zero";
    case RoundingMode::away_from_zero:
      return "away_from_zero";
    case RoundingMode::nearest:
      return "nearest";
    case RoundingMode::nearest_even:
      return "nearest_even";
  }
  return "unknown";
}

Result<Decimal> Decimal::from_int(std::int64_t v) noexcept {
  const int128 raw = static_cast<int128>(v) * kOne;
  if (!fits(raw)) return overflow_error("integer " + std::to_string(v));
  return Decimal(static_cast<std::int64_t>(raw));
}

Result<Decimal> Decimal::from_scaled(std::int64_t mantissa, int exponent) noexcept {
  if (exponent < 0 || exponent > 18) {
    return Error{ErrorCode::invalid_argument,
                 "Decimal::from_scaled: exponent " + std::to_string(exponent) + " outside 0..18"};
  }
  if (exponent <= kScale) {
    const int128 raw = static_cast<int128>(mantissa) * kPow10[kScale - exponent];
    if (!fits(raw)) return overflow_error("Decimal::from_scaled");
    return Decimal(static_cast<std::int64_t>(raw));
  }
  const std::int64_t div = kPow10[exponent - kScale];
  if (mantissa % div != 0) {
    return Error{ErrorCode::precision, "Decimal::from_scaled: " + std::to_string(mantissa) + "e-" +
                                           std::to_string(exponent) +
                                           " has more than 8 fractional digits"};
  }
  return Decimal(mantissa / div);
}

Result<Decimal> Decimal::from_double(double v, RoundingMode mode) noexcept {
  if (!std::isfinite(v))
    return Error{ErrorCode::invalid_argument, "Decimal::from_double: value is not finite"};
  const long double scaled = static_cast<long double>(v) * kOne;
  if (std::fabs(scaled) >= 9.2e18L) return overflow_error("Decimal::from_double");
  long double r = 0;
  switch (mode) {
    case RoundingMode::down:
      r = std::floor(scaled);
      break;
    case RoundingMode::up:
      r = std::ceil(scaled);
      break;
    case RoundingMode::toward_zero:
      r = std::trunc(scaled);
      break;
    case RoundingMode::away_from_zero:
      r = scaled < 0 ? std::floor(scaled) : std::ceil(scaled);
      break;
    case RoundingMode::nearest:
      r = std::round(scaled);
      break;
    case RoundingMode::nearest_even: {
      r = std::round(scaled);
      if (std::fabs(scaled - std::trunc(scaled)) == 0.5L && std::fmod(r, 2.0L) != 0)
        r -= (scaled < 0 ? -1 : 1);
      break;
    }
  }
  return Decimal(static_cast<std::int64_t>(r));
}

Result<Decimal> Decimal::parse(std::string_view text) noexcept {
  return parse_impl(text, true, RoundingMode::nearest_even);
}

Result<Decimal> Decimal::parse_rounded(std::string_view text, RoundingMode mode) noexcept {
  return parse_impl(text, false, mode);
}

std::int64_t Decimal::to_int(RoundingMode mode) const noexcept {
  return static_cast<std::int64_t>(div_round(raw_, kOne, mode));
}

int Decimal::decimal_places() const noexcept {
  if (raw_ == 0) return 0;
  std::int64_t frac = raw_ % kOne;
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
  std::uint64_t v = raw_ < 0 ? static_cast<std::uint64_t>(-raw_) : static_cast<std::uint64_t>(raw_);
  while (v % 10 == 0) v /= 10;
  return digit_count(v);
}

char* Decimal::to_chars(char* out) const noexcept {
  std::uint64_t v =
      raw_ < 0 ? static_cast<std::uint64_t>(-(raw_ + 1)) + 1 : static_cast<std::uint64_t>(raw_);
  if (raw_ < 0) *out++ = '-';
  std::uint64_t ip = v / kOne;
  std::uint64_t fp = v % kOne;
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + ip % 10);
    ip /= 10;
  } while (ip != 0);
  while (n > 0) *out++ = tmp[--n];
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
  const std::int64_t unit = kPow10[kScale - decimals];
  const std::int64_t truncated = raw_ / unit;  // toward zero
  std::uint64_t v = truncated < 0 ? static_cast<std::uint64_t>(-truncated)
                                  : static_cast<std::uint64_t>(truncated);
  std::string out;
  if (truncated < 0) out += '-';
  const std::uint64_t scale = static_cast<std::uint64_t>(kPow10[decimals]);
  out += std::to_string(v / scale);
  if (decimals > 0) {
    out += '.';
    std::string frac = std::to_string(v % scale);
    out.append(static_cast<std::size_t>(decimals) - frac.size(), '0');
    out += frac;
  }
  return out;
}

Result<Decimal> Decimal::checked_add(Decimal o) const noexcept {
  std::int64_t r = 0;
  if (__builtin_add_overflow(raw_, o.raw_, &r) || r == std::numeric_limits<std::int64_t>::min()) {
    return overflow_error(to_string() + " + " + o.to_string());
  }
  return Decimal(r);
}

Result<Decimal> Decimal::checked_sub(Decimal o) const noexcept {
  std::int64_t r = 0;
  if (__builtin_sub_overflow(raw_, o.raw_, &r) || r == std::numeric_limits<std::int64_t>::min()) {
    return overflow_error(to_string() + " - " + o.to_string());
  }
  return Decimal(r);
}

Result<Decimal> Decimal::checked_mul(Decimal o, RoundingMode mode) const noexcept {
  const int128 r = div_round(static_cast<int128>(raw_) * o.raw_, kOne, mode);
  if (!fits(r)) return overflow_error(to_string() + " * " + o.to_string());
  return Decimal(static_cast<std::int64_t>(r));
}

Result<Decimal> Decimal::checked_div(Decimal o, RoundingMode mode) const noexcept {
  if (o.raw_ == 0)
    return Error{ErrorCode::invalid_argument, "division of " + to_string() + " by zero"};
  const int128 r = div_round(static_cast<int128>(raw_) * kOne, o.raw_, mode);
  if (!fits(r)) return overflow_error(to_string() + " / " + o.to_string());
  return Decimal(static_cast<std::int64_t>(r));
}

Result<Decimal> Decimal::checked_mul_div(Decimal num, Decimal den,
                                         RoundingMode mode) const noexcept {
  if (den.raw_ == 0) {
    return Error{ErrorCode::invalid_argument,
                 "mul_div of " + to_string() + " by a zero denominator"};
  }
  const int128 r = div_round(static_cast<int128>(raw_) * num.raw_, den.raw_, mode);
  if (!fits(r))
    return overflow_error(to_string() + " * " + num.to_string() + " / " + den.to_string());
  return Decimal(static_cast<std::int64_t>(r));
}

Result<Decimal> Decimal::round_to_step(Decimal step, RoundingMode mode) const noexcept {
  if (step.raw_ <= 0) {
    return Error{ErrorCode::invalid_argument, "rounding step must be > 0, got " + step.to_string()};
  }
  const int128 r = div_round(raw_, step.raw_, mode) * step.raw_;
  if (!fits(r)) return overflow_error("rounding " + to_string() + " to step " + step.to_string());
  return Decimal(static_cast<std::int64_t>(r));
}

Result<Decimal> Decimal::round_to_decimals(int decimals, RoundingMode mode) const noexcept {
  if (decimals < 0 || decimals > kScale) {
    return Error{ErrorCode::invalid_argument,
                 "decimals must be in 0..8, got " + std::to_string(decimals)};
  }
  return round_to_step(Decimal(kPow10[kScale - decimals]), mode);
}

Result<Decimal> Decimal::round_to_significant(int figures, RoundingMode mode) const noexcept {
  if (figures < 1) {
    return Error{ErrorCode::invalid_argument,
                 "significant figures must be >= 1, got " + std::to_string(figures)};
  }
  if (raw_ == 0) return *this;
  const std::uint64_t mag =
      raw_ < 0 ? static_cast<std::uint64_t>(-raw_) : static_cast<std::uint64_t>(raw_);
  const int digits = digit_count(mag);
  if (digits <= figures) return *this;
  return round_to_step(Decimal(kPow10[digits - figures]), mode);
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
  const std::int64_t mag = price.raw() < 0 ? -price.raw() : price.raw();
  const int digits = digit_count(static_cast<std::uint64_t>(mag));
  const std::int64_t sig_step = digits > 5 ? kPow10[digits - 5] : 1;
  std::int64_t step = std::max(sig_step, kPow10[Decimal::kScale - *max_decimals]);
  step = std::min(step, Decimal::kOne);  // an integer is always allowed
  return price.round_to_step(Decimal::from_raw(step), mode);
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

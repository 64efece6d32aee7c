#include "venues/dydx/quantums.hpp"

#include <limits>

namespace nzeza::venues::dydx {
namespace {

__extension__ typedef unsigned __int128 U128;

constexpr int kDecimalScale = Decimal::kScale;
constexpr int kQuoteAtomicResolution = -6;  // USDC quote quantums are 10^-6

U128 pow10(int e) {
  U128 r = 1;
  for (int i = 0; i < e; ++i) r *= 10;
  return r;
}

std::string u128_to_string(U128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return s;
}

// value (Decimal raw, 10^-16 units) * 10^exponent as an exact integer multiple of `step`.
Result<std::uint64_t> scale_exact(const PerpetualMarket& m, Decimal value, int exponent,
                                  std::uint64_t step, const char* what, const char* unit) {
  if (auto st = validate_market(m); !st.ok()) return st.error();
  if (value.signum() <= 0)
    return fail(ErrorCode::invalid_argument, std::string("dydx ") + m.ticker + ": " + what +
                                                 " must be positive, got " + value.to_string());
  const U128 raw = static_cast<U128>(value.raw16());
  const int e = exponent - kDecimalScale;  // result = raw * 10^e, e in -35..3
  U128 result = 0;
  if (e >= 0) {
    if (__builtin_mul_overflow(raw, pow10(e), &result)) result = std::numeric_limits<U128>::max();
  } else {
    const U128 div = pow10(-e);
    if (raw % div != 0)
      return fail(ErrorCode::precision, std::string("dydx ") + m.ticker + ": " + what + " " +
                                            value.to_string() + " is finer than one " + unit +
                                            " (10^" + std::to_string(-exponent) + ")");
    result = raw / div;
  }
  if (result > std::numeric_limits<std::uint64_t>::max())
    return fail(ErrorCode::overflow, std::string("dydx ") + m.ticker + ": " + what + " " +
                                         value.to_string() + " exceeds uint64 " + unit);
  if (result % step != 0) {
    const U128 lower = result / step * step;
    return fail(ErrorCode::precision,
                std::string("dydx ") + m.ticker + ": " + what + " " + value.to_string() + " is " +
                    u128_to_string(result) + " " + unit + ", not a multiple of " +
                    std::to_string(step) + " (nearest valid: " + u128_to_string(lower) + " or " +
                    u128_to_string(lower + step) + ")");
  }
  return static_cast<std::uint64_t>(result);
}

Result<Decimal> unscale(const PerpetualMarket& m, std::uint64_t v, int exponent, const char* what) {
  // value = v * 10^-exponent; in Decimal raw units: v * 10^(16 - exponent), e in -3..35.
  const int e = kDecimalScale - exponent;
  U128 raw = 0;
  if (e >= 0) {
    if (__builtin_mul_overflow(static_cast<U128>(v), pow10(e), &raw))
      raw = std::numeric_limits<U128>::max();  // past the Decimal range, reported below
  } else {
    const U128 div = pow10(-e);
    if (v % div != 0)
      return fail(ErrorCode::precision, std::string("dydx ") + m.ticker + ": " + what + " " +
                                            std::to_string(v) + " needs more than 16 decimals");
    raw = v / div;
  }
  if (raw > static_cast<U128>(Decimal::max().raw16()))
    return fail(ErrorCode::overflow, std::string("dydx ") + m.ticker + ": " + what + " " +
                                         std::to_string(v) + " does not fit a Decimal");
  return Decimal::from_raw16(static_cast<int128>(raw));
}

int quantums_exponent(const PerpetualMarket& m) {
  return -m.atomic_resolution;
}
int subticks_exponent(const PerpetualMarket& m) {
  return m.atomic_resolution - m.quantum_conversion_exponent - kQuoteAtomicResolution;
}

}  // namespace

Status validate_market(const PerpetualMarket& m) {
  if (m.step_base_quantums == 0 || m.subticks_per_tick == 0)
    return fail(ErrorCode::invalid_argument,
                "dydx " + m.ticker + ": stepBaseQuantums and subticksPerTick must be positive");
  // Keep every power of ten used inside 10^19 of headroom for the 128-bit products.
  const int qe = quantums_exponent(m);
  const int se = subticks_exponent(m);
  if (qe < -19 || qe > 19 || se < -19 || se > 19)
    return fail(ErrorCode::invalid_argument,
                "dydx " + m.ticker + ": atomicResolution " + std::to_string(m.atomic_resolution) +
                    " / quantumConversionExponent " +
                    std::to_string(m.quantum_conversion_exponent) + " out of range");
  return {};
}

Result<std::uint64_t> size_to_quantums(const PerpetualMarket& m, Decimal size) {
  return scale_exact(m, size, quantums_exponent(m), m.step_base_quantums, "size", "quantums");
}

Result<std::uint64_t> price_to_subticks(const PerpetualMarket& m, Decimal price) {
  return scale_exact(m, price, subticks_exponent(m), m.subticks_per_tick, "price", "subticks");
}

Result<Decimal> quantums_to_size(const PerpetualMarket& m, std::uint64_t quantums) {
  return unscale(m, quantums, quantums_exponent(m), "quantums");
}

Result<Decimal> subticks_to_price(const PerpetualMarket& m, std::uint64_t subticks) {
  return unscale(m, subticks, subticks_exponent(m), "subticks");
}

}  // namespace nzeza::venues::dydx

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <limits>

#include "core/decimal.hpp"

namespace nzeza {
namespace {

// Any value of the whole 128-bit range (the one raw count outside it, -2^127, is mapped to 0),
// or, one draw in two, a value with a small count so that ordinary magnitudes are covered too.
Decimal arbitrary_decimal() {
  const auto hi = *rc::gen::arbitrary<std::int64_t>();
  const auto lo = *rc::gen::arbitrary<std::uint64_t>();
  if (*rc::gen::arbitrary<bool>()) return Decimal::from_raw8(hi);
  const int128 raw = static_cast<int128>((static_cast<uint128>(hi) << 64) | lo);
  return Decimal::from_raw16(raw < -Decimal::max().raw16() ? 0 : raw);
}

// An int64 count of 10^-16 units in [lo, hi].
Decimal raw16_in(std::int64_t lo, std::int64_t hi) {
  return Decimal::from_raw16(*rc::gen::inRange<std::int64_t>(lo, hi));
}

uint128 magnitude(Decimal x) {
  return x.raw16() < 0 ? -static_cast<uint128>(x.raw16()) : static_cast<uint128>(x.raw16());
}

// trunc(|a * b| / 10^16) computed without a 256-bit product: with a = ah + al/10^16 and
// b = bh + bl/10^16 (integer and fractional counts), |a*b| in 10^-16 units is
// ah*|b| + al*bh + al*bl/10^16. False when it leaves the range.
bool truncated_product(Decimal a, Decimal b, uint128& out) {
  constexpr auto kOne = static_cast<std::uint64_t>(Decimal::kOne);
  const uint128 ma = magnitude(a);
  const uint128 mb = magnitude(b);
  const uint128 ah = ma / kOne;
  const uint128 al = ma % kOne;
  const uint128 bh = mb / kOne;
  const uint128 bl = mb % kOne;
  uint128 t1 = 0;
  uint128 t2 = 0;
  if (__builtin_mul_overflow(ah, mb, &t1) || __builtin_mul_overflow(al, bh, &t2)) return false;
  uint128 sum = 0;
  if (__builtin_add_overflow(t1, t2, &sum) || __builtin_add_overflow(sum, al * bl / kOne, &sum))
    return false;
  out = sum;
  return sum <= static_cast<uint128>(Decimal::max().raw16());
}

RC_GTEST_PROP(DecimalProperties, parse_of_to_string_is_identity, ()) {
  const Decimal x = arbitrary_decimal();
  auto back = Decimal::parse(x.to_string());
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == x);
}

RC_GTEST_PROP(DecimalProperties, parse_of_fixed_sixteen_decimals_is_identity, ()) {
  const Decimal x = arbitrary_decimal();
  RC_ASSERT(*Decimal::parse(x.to_string_fixed(16)) == x);
}

RC_GTEST_PROP(DecimalProperties, eight_decimal_counts_round_trip_through_raw8, ()) {
  const auto raw = *rc::gen::inRange<std::int64_t>(-std::numeric_limits<std::int64_t>::max(),
                                                   std::numeric_limits<std::int64_t>::max());
  const Decimal x = Decimal::from_raw8(raw);
  RC_ASSERT(x.raw8().ok());
  RC_ASSERT(*x.raw8() == raw);
  RC_ASSERT(*Decimal::parse(x.to_string_fixed(8)) == x);
}

RC_GTEST_PROP(DecimalProperties, scientific_notation_parses_to_the_same_value, ()) {
  // m * 10^-k written as "<m>e-<k>" equals the plain form.
  const auto m = *rc::gen::inRange<std::int64_t>(-9'999'999, 9'999'999);
  const auto k = *rc::gen::inRange(0, 17);
  auto sci = Decimal::parse(std::to_string(m) + "e-" + std::to_string(k));
  auto plain = Decimal::from_scaled(m, k);
  RC_ASSERT(sci.ok());
  RC_ASSERT(plain.ok());
  RC_ASSERT(*sci == *plain);
}

RC_GTEST_PROP(DecimalProperties, rounding_never_moves_past_a_step, ()) {
  const Decimal x = arbitrary_decimal() / Decimal::from_integer(4);  // room to round up
  const Decimal step = *rc::gen::arbitrary<bool>()
                           ? raw16_in(1, 1'000'000'000'000'000'000)
                           : Decimal::from_raw8(*rc::gen::inRange<std::int64_t>(1, 10'000'000'000));
  for (RoundingMode mode :
       {RoundingMode::down, RoundingMode::up, RoundingMode::toward_zero,
        RoundingMode::away_from_zero, RoundingMode::nearest, RoundingMode::nearest_even}) {
    auto r = x.round_to_step(step, mode);
    RC_ASSERT(r.ok());
    RC_ASSERT(r->is_multiple_of(step));
    RC_ASSERT((*r - x).abs() < step);
    if (mode == RoundingMode::down) RC_ASSERT(*r <= x);
    if (mode == RoundingMode::up) RC_ASSERT(*r >= x);
    if (mode == RoundingMode::toward_zero) RC_ASSERT(r->abs() <= x.abs());
    if (mode == RoundingMode::away_from_zero) RC_ASSERT(r->abs() >= x.abs());
    if (mode == RoundingMode::nearest || mode == RoundingMode::nearest_even) {
      RC_ASSERT(magnitude(*r - x) * 2 <= magnitude(step));
    }
  }
}

RC_GTEST_PROP(DecimalProperties, checked_arithmetic_never_overflows_silently, ()) {
  const Decimal a = arbitrary_decimal();
  const Decimal b = arbitrary_decimal();
  int128 sum = 0;
  const bool sum_fits = !__builtin_add_overflow(a.raw16(), b.raw16(), &sum) &&
                        sum <= Decimal::max().raw16() && sum >= Decimal::min().raw16();
  auto s = a.checked_add(b);
  RC_ASSERT(s.ok() == sum_fits);
  if (s.ok()) RC_ASSERT(s->raw16() == sum);
  auto p = a.checked_mul(b, RoundingMode::toward_zero);
  uint128 prod = 0;
  const bool prod_fits = truncated_product(a, b, prod);
  RC_ASSERT(p.ok() == prod_fits);
  if (p.ok()) {
    RC_ASSERT(magnitude(*p) == prod);
    RC_ASSERT(p->is_zero() || p->is_negative() == (a.is_negative() != b.is_negative()));
  }
}

RC_GTEST_PROP(DecimalProperties, division_inverts_multiplication_within_half_a_unit, ()) {
  // Dividends up to 10^12 and divisors from 10^-8 to 10^6, both sides of 2^64 raw units.
  const Decimal a = Decimal::from_raw8(
      *rc::gen::inRange<std::int64_t>(-100'000'000'000'000'000, 100'000'000'000'000'000));
  const Decimal b = Decimal::from_raw8(*rc::gen::inRange<std::int64_t>(1, 100'000'000'000'000)) +
                    raw16_in(0, 99'999'999);
  auto q = a.checked_div(b);
  RC_ASSERT(q.ok());
  // |q*b - a*10^16| <= b/2 in raw units of 1e-16 (one rounding of the quotient): checked with
  // q*b = (q*b)/10^16 exactly when the remainder is kept, so compare through checked_mul_div.
  auto back = q->checked_mul_div(b, Decimal::one(), RoundingMode::toward_zero);
  RC_ASSERT(back.ok());
  // q is within half a unit of a/b, so q*b is within b/2 units (b/2 * 10^-16) of a, plus the
  // truncation of back (one unit).
  const uint128 diff = magnitude(*back - a);
  RC_ASSERT(diff <= magnitude(b) / 2 / static_cast<std::uint64_t>(Decimal::kOne) + 2);
}

RC_GTEST_PROP(DecimalProperties, hyperliquid_rounding_always_yields_a_valid_price, ()) {
  const Decimal px = Decimal::from_raw8(*rc::gen::inRange<std::int64_t>(1, 50'000'000'000'000)) +
                     raw16_in(0, 99'999'999);
  const int sz = *rc::gen::inRange(0, 7);
  const bool perp = *rc::gen::arbitrary<bool>();
  if (perp && sz > 6) return;
  auto r = round_hyperliquid_price(px, sz, perp, RoundingMode::nearest);
  RC_ASSERT(r.ok());
  if (r->is_positive()) RC_ASSERT(is_valid_hyperliquid_price(*r, sz, perp));
}

}  // namespace
}  // namespace nzeza

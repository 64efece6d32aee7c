#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/decimal.hpp"

namespace nzeza {
namespace {

Decimal arbitrary_decimal() {
  return Decimal::from_raw(
      *rc::gen::inRange<std::int64_t>(Decimal::min().raw(), Decimal::max().raw()));
}

RC_GTEST_PROP(DecimalProperties, parse_of_to_string_is_identity, ()) {
  const Decimal x = arbitrary_decimal();
  auto back = Decimal::parse(x.to_string());
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == x);
}

RC_GTEST_PROP(DecimalProperties, parse_of_fixed_eight_decimals_is_identity, ()) {
  const Decimal x = arbitrary_decimal();
  RC_ASSERT(*Decimal::parse(x.to_string_fixed(8)) == x);
}

RC_GTEST_PROP(DecimalProperties, scientific_notation_parses_to_the_same_value, ()) {
  // m * 10^-k written as "<m>e-<k>" equals the plain form.
  const auto m = *rc::gen::inRange<std::int64_t>(-9'999'999, 9'999'999);
  const auto k = *rc::gen::inRange(0, 9);
  auto sci = Decimal::parse(std::to_string(m) + "e-" + std::to_string(k));
  auto plain = Decimal::from_scaled(m, k);
  RC_ASSERT(sci.ok());
  RC_ASSERT(plain.ok());
  RC_ASSERT(*sci == *plain);
}

RC_GTEST_PROP(DecimalProperties, rounding_never_moves_past_a_step, ()) {
  const Decimal x = Decimal::from_raw(
      *rc::gen::inRange<std::int64_t>(-1'000'000'000'000'000, 1'000'000'000'000'000));
  const Decimal step = Decimal::from_raw(*rc::gen::inRange<std::int64_t>(1, 10'000'000'000));
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
      RC_ASSERT((*r - x).abs().raw() * 2 <= step.raw());
    }
  }
}

RC_GTEST_PROP(DecimalProperties, checked_arithmetic_never_overflows_silently, ()) {
  const Decimal a = arbitrary_decimal();
  const Decimal b = arbitrary_decimal();
  __extension__ typedef __int128 wide;
  const wide sum = static_cast<wide>(a.raw()) + b.raw();
  auto s = a.checked_add(b);
  const bool sum_fits = sum <= Decimal::max().raw() && sum >= Decimal::min().raw();
  RC_ASSERT(s.ok() == sum_fits);
  if (s.ok()) RC_ASSERT(static_cast<wide>(s->raw()) == sum);
  auto p = a.checked_mul(b, RoundingMode::toward_zero);
  const wide prod = static_cast<wide>(a.raw()) * b.raw() / Decimal::kOne;
  const bool prod_fits = prod <= Decimal::max().raw() && prod >= Decimal::min().raw();
  RC_ASSERT(p.ok() == prod_fits);
  if (p.ok()) RC_ASSERT(static_cast<wide>(p->raw()) == prod);
}

RC_GTEST_PROP(DecimalProperties, division_inverts_multiplication_within_half_a_unit, ()) {
  const Decimal a =
      Decimal::from_raw(*rc::gen::inRange<std::int64_t>(-100'000'000'000'000, 100'000'000'000'000));
  const Decimal b = Decimal::from_raw(*rc::gen::inRange<std::int64_t>(100'000'000, 10'000'000'000));
  auto q = a.checked_div(b);
  RC_ASSERT(q.ok());
  // |q*b - a| <= b/2 in raw units of 1e-8 (one rounding of the quotient).
  __extension__ typedef __int128 wide;
  const wide back = static_cast<wide>(q->raw()) * b.raw();
  const wide target = static_cast<wide>(a.raw()) * Decimal::kOne;
  const wide diff = back > target ? back - target : target - back;
  RC_ASSERT(diff * 2 <= static_cast<wide>(b.raw()));
}

RC_GTEST_PROP(DecimalProperties, hyperliquid_rounding_always_yields_a_valid_price, ()) {
  const Decimal px = Decimal::from_raw(*rc::gen::inRange<std::int64_t>(1, 50'000'000'000'000));
  const int sz = *rc::gen::inRange(0, 7);
  const bool perp = *rc::gen::arbitrary<bool>();
  if (perp && sz > 6) return;
  auto r = round_hyperliquid_price(px, sz, perp, RoundingMode::nearest);
  RC_ASSERT(r.ok());
  if (r->is_positive()) RC_ASSERT(is_valid_hyperliquid_price(*r, sz, perp));
}

}  // namespace
}  // namespace nzeza

#include "domain/leverage.hpp"

#include <string>

namespace nzeza::domain {

Status LeverageLimits::validate() const {
  if (max_leverage < Decimal::one()) {
    return Error{ErrorCode::invalid_argument,
                 "leverage limits: max_leverage must be >= 1, got " + max_leverage.to_string()};
  }
  if (!maintenance_margin_fraction.is_positive() || maintenance_margin_fraction >= Decimal::one()) {
    return Error{ErrorCode::invalid_argument,
                 "leverage limits: maintenance_margin_fraction must be in (0, 1), got " +
                     maintenance_margin_fraction.to_string()};
  }
  return {};
}

Result<LeverageCalculator> LeverageCalculator::create(LeverageLimits limits) {
  if (auto st = limits.validate(); !st) return st.error();
  return LeverageCalculator(limits);
}

Decimal LeverageCalculator::available_leverage(Decimal current) const noexcept {
  auto r = limits_.max_leverage.checked_sub(current);
  return r ? *r : Decimal::min();
}

bool LeverageCalculator::is_sufficient(Decimal current, Decimal required) const noexcept {
  if (required.is_negative() || current.is_negative()) return false;
  return available_leverage(current) >= required;
}

Result<Decimal> LeverageCalculator::current_leverage(Decimal notional, Decimal equity) {
  if (notional.is_negative()) {
    return Error{ErrorCode::invalid_argument,
                 "current leverage: notional must be >= 0, got " + notional.to_string()};
  }
  if (notional.is_zero()) return Decimal::zero();
  if (!equity.is_positive()) {
    return Error{ErrorCode::invalid_state, "current leverage: equity " + equity.to_string() +
                                               " is not positive with notional " +
                                               notional.to_string() + " open"};
  }
  auto r = notional.checked_div(equity, RoundingMode::up);
  if (!r) return r.error().with_context("current leverage");
  return *r;
}

std::optional<Decimal> LeverageCalculator::margin_fraction(Decimal equity, Decimal notional) {
  if (!notional.is_positive()) return std::nullopt;
  auto r = equity.checked_div(notional, RoundingMode::down);
  if (!r) return std::nullopt;
  return *r;
}

Result<Decimal> LeverageCalculator::initial_margin(Decimal notional) const {
  if (notional.is_negative()) {
    return Error{ErrorCode::invalid_argument,
                 "initial margin: notional must be >= 0, got " + notional.to_string()};
  }
  auto r = notional.checked_div(limits_.max_leverage, RoundingMode::up);
  if (!r) return r.error().with_context("initial margin");
  return *r;
}

MarginStatus LeverageCalculator::assess(Decimal equity, Decimal notional) const {
  MarginStatus s;
  s.equity = equity;
  s.notional = notional.is_negative() ? notional.abs() : notional;
  s.margin_fraction = margin_fraction(equity, s.notional);
  if (auto lev = current_leverage(s.notional, equity)) s.current_leverage = *lev;
  auto mm = s.notional.checked_mul(limits_.maintenance_margin_fraction, RoundingMode::up);
  s.maintenance_margin = mm ? *mm : Decimal::max();
  auto excess = equity.checked_sub(s.maintenance_margin);
  s.excess_equity = excess ? *excess : Decimal::min();
  if (s.margin_fraction) {
    auto f =
        s.margin_fraction->checked_div(limits_.maintenance_margin_fraction, RoundingMode::down);
    if (f) s.safety_factor = *f;
  }
  // Exposure with no positive equity is always a margin call; otherwise compare amounts (not
  // rounded ratios) so the boundary equity == maintenance margin is exact: not a call.
  s.margin_call =
      s.notional.is_positive() && (!equity.is_positive() || equity < s.maintenance_margin);
  return s;
}

}  // namespace nzeza::domain

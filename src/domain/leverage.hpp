#pragma once
// LeverageCalculator: margin and leverage arithmetic for one account in one quote currency
// (reference §2.5), with the limits passed in — nothing hard-coded.
//
// Conventions (the venue convention, e.g. dYdX "margin fraction"):
//   current leverage  = notional / equity
//   margin fraction   = equity / notional            (nullopt when there is no exposure)
//   maintenance margin = notional × maintenance_margin_fraction
//   margin call       ⇔ equity < maintenance margin (equity ≤ 0 with exposure is always one)
// All amounts are Decimal in the account's quote currency; notional is gross (Σ|q·price|).

#include <optional>

#include "core/decimal.hpp"
#include "core/result.hpp"

namespace nzeza::domain {

struct LeverageLimits {
  // Highest leverage allowed (account or instrument cap), >= 1. Default: the value the
  // reference hard-coded in its executor, now a setting.
  Decimal max_leverage = Decimal::from_integer(10);
  // Maintenance margin as a fraction of notional, in (0, 1). Default: the reference spec's
  // example (5 %). Use the venue's figure for the market where it is known.
  Decimal maintenance_margin_fraction = Decimal::from_raw8(5'000'000);

  // Error naming the field when out of range.
  [[nodiscard]] Status validate() const;
};

struct MarginStatus {
  Decimal equity;
  Decimal notional;
  std::optional<Decimal> margin_fraction;   // equity / notional; nullopt: no exposure
  std::optional<Decimal> current_leverage;  // notional / equity; nullopt: equity <= 0 with exposure
  Decimal maintenance_margin;               // notional × maintenance fraction (rounded up)
  Decimal excess_equity;                    // equity − maintenance margin (< 0 in a margin call)
  std::optional<Decimal> safety_factor;     // margin fraction / maintenance fraction
  bool margin_call = false;
};

class LeverageCalculator {
 public:
  // Validates the limits (error names the field).
  [[nodiscard]] static Result<LeverageCalculator> create(LeverageLimits limits);

  [[nodiscard]] const LeverageLimits& limits() const noexcept { return limits_; }

  // max − current; negative when the account is already above its maximum.
  [[nodiscard]] Decimal available_leverage(Decimal current) const noexcept;
  // available >= required; a negative required leverage is never sufficient (bad input).
  [[nodiscard]] bool is_sufficient(Decimal current, Decimal required) const noexcept;
  // notional / equity. 0 without exposure; an error when equity <= 0 with exposure (the
  // reference returned 0 there, which hid a wiped-out account) or on negative notional.
  [[nodiscard]] static Result<Decimal> current_leverage(Decimal notional, Decimal equity);
  // equity / notional, nullopt when notional is 0 (infinitely safe) or negative (bad input).
  [[nodiscard]] static std::optional<Decimal> margin_fraction(Decimal equity, Decimal notional);
  // Margin the venue locks to open `notional` at the maximum leverage: notional / max, rounded
  // up (a margin estimate must never be short).
  [[nodiscard]] Result<Decimal> initial_margin(Decimal notional) const;
  // Full picture, with margin-call detection against the maintenance fraction.
  [[nodiscard]] MarginStatus assess(Decimal equity, Decimal notional) const;

 private:
  explicit LeverageCalculator(LeverageLimits limits) : limits_(limits) {}
  LeverageLimits limits_;
};

}  // namespace nzeza::domain

#pragma once
// Position sizing (reference §2.4) with leverage actually binding and the instrument's lot,
// size and notional rules applied.
//
//   buying power  N_bal = available_balance × leverage     (margin must fit the free balance)
//   risk budget   N_exp = equity × max_portfolio_exposure  (notional as a fraction of equity,
//                                                           the same unit as the risk gate's
//                                                           exposure limit; may exceed 1)
//   N = min(N_bal, N_exp), then capped by max_order_notional
//   q = N / price rounded down, capped by the instrument's max_size, rounded DOWN to its lot
//   refused (quantity 0, with the reason) when the rounded order is below min_order_notional,
//   the instrument's min_size or min_notional, or rounds to zero
//   margin_used = notional / leverage, rounded up
// Everything in the instrument's quote currency. See docs/domain/risk.md for why the
// reference's formula (N_exp = balance × exposure ≤ balance ≤ N_bal) never let leverage bind.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"

namespace nzeza::domain {

struct SizingRequest {
  std::string symbol;         // canonical symbol, for the reason texts
  Decimal available_balance;  // free quote balance / free collateral, >= 0
  // Account equity for the exposure budget; nullopt = available_balance (the reference's
  // single-balance model).
  std::optional<Decimal> equity;
  Decimal leverage = Decimal::one();  // >= 1; must be 1 on a spot instrument
  Decimal price;                      // > 0, the price the order is expected to fill at
  Decimal max_portfolio_exposure;     // notional / equity for this order, in (0, 100]
  Decimal min_order_notional;         // >= 0 (the reference's min_order_size: a notional)
  Decimal max_order_notional;         // >= min_order_notional (the reference's max_order_size)
  // Lot, min/max size, min notional, kind and max leverage. Null: no instrument rules, the
  // quantity is only rounded down to Decimal's 8 places.
  const Instrument* instrument = nullptr;

  // The reference's validation order and texts (with our field names), then the instrument
  // checks. Error code invalid_argument.
  [[nodiscard]] Status validate() const;
};

// What set the size (or why there is none).
enum class SizingLimit : std::uint8_t {
  balance_and_leverage,  // N_bal < N_exp: the free margin × leverage bound
  portfolio_exposure,    // N_exp <= N_bal: the risk budget bound
  max_order_notional,
  instrument_max_size,
  below_min_order_notional,       // refused
  below_instrument_min_size,      // refused
  below_instrument_min_notional,  // refused
  rounds_to_zero,                 // refused: less than one lot
};
[[nodiscard]] std::string_view to_string(SizingLimit l) noexcept;

struct SizingResult {
  Decimal quantity;     // base units, a lot multiple; 0 when refused
  Decimal notional;     // quantity × price
  Decimal margin_used;  // notional / leverage, rounded up
  Decimal leverage;
  SizingLimit limit = SizingLimit::portfolio_exposure;
  std::string reason;  // human text with the numbers

  [[nodiscard]] bool refused() const noexcept { return quantity.is_zero(); }
};

// Err(invalid_argument) for an invalid request, Err(overflow) when the amounts do not fit;
// a size that is too small is a result with quantity 0 and its reason, not an error.
[[nodiscard]] Result<SizingResult> size_position(const SizingRequest& request);

// Reference helpers. Invalid inputs (negative, leverage < 1) give false / 0, never a larger
// amount than the inputs allow.
[[nodiscard]] bool is_sufficient_balance(Decimal balance, Decimal leverage, Decimal notional);
// notional / leverage rounded up; an error (not the reference's 0) for invalid input, because
// a zero margin requirement reads as "free".
[[nodiscard]] Result<Decimal> required_margin(Decimal notional, Decimal leverage);
// balance × leverage; 0 for invalid input or overflow.
[[nodiscard]] Decimal max_notional_value(Decimal balance, Decimal leverage);

}  // namespace nzeza::domain

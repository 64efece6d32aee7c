#pragma once
// What the risk gate is asked (RiskRequest) and the account snapshot it judges against
// (RiskContext). Plain values built by the caller from its portfolio; every amount is in the
// instrument's quote currency — converting other currencies is the caller's job, with
// explicit prices (USD, USDC and USDT are never summed silently).

#include <cstddef>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/venue.hpp"

namespace nzeza::domain {

struct RiskRequest {
  // Canonical symbol (whitelist key), kind (spot/perpetual), status and max leverage. Not
  // owned; must outlive the evaluate() call. Null is an invalid request.
  const Instrument* instrument = nullptr;
  Side side = Side::buy;
  Decimal quantity;                   // base units, > 0
  Decimal price;                      // expected fill price, > 0
  Decimal leverage = Decimal::one();  // requested leverage, >= 1 (1 on spot)
  double confidence = 0.0;            // signal confidence in [0, 1]; unused when reduce_only
  // An exit that only shrinks an existing position (stop-loss, take-profit, flatten). It
  // passes every check except the request's validity, the kill switch and the instrument's
  // status: the gate must never trap the account in a position.
  bool reduce_only = false;
};

struct RiskContext {
  std::size_t open_positions_for_symbol = 0;  // positions open on this instrument's symbol
  std::size_t open_positions_total = 0;
  Decimal gross_exposure;   // Σ |quantity × mark| of open positions
  Decimal equity;           // account equity now: cash + unrealised PnL
  Decimal daily_pnl;        // realised + unrealised PnL since 00:00 UTC; negative = loss
  Decimal available_quote;  // free quote balance (spot) / free collateral (perpetuals)
  Decimal available_base;   // free base balance (a spot sell needs the coins: no shorting)
};

}  // namespace nzeza::domain

#pragma once
// RiskConfig: every limit the risk gate applies, with the reference's defaults where it had
// one (docs/domain/risk.md §1 lists the source of each default).

#include <cstddef>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/result.hpp"

namespace nzeza::domain {

struct RiskConfig {
  // Canonical symbols ("BTC-USD") that may be traded. Empty refuses every opening order: the
  // gate fails closed rather than trading whatever a strategy emits.
  std::vector<std::string> whitelist;
  // ENABLE_AUTOMATED_TRADING (reference default true). Off refuses opening orders only.
  bool trading_enabled = true;
  // MAX_TRADES_PER_HOUR / _PER_DAY (10 / 50): sliding 1 h and 24 h windows.
  std::size_t max_trades_per_hour = 10;
  std::size_t max_trades_per_day = 50;
  // MIN_CONFIDENCE_THRESHOLD (0.7); a signal below it is refused.
  double min_confidence = 0.7;
  // MAX_POSITIONS_PER_SYMBOL / MAX_TOTAL_POSITIONS (1 / 5).
  std::size_t max_positions_per_symbol = 1;
  std::size_t max_total_positions = 5;
  // Gross notional after the order / equity (PositionManager and PortfolioManager: 0.8).
  Decimal max_portfolio_exposure = Decimal::from_raw8(80'000'000);
  // Largest notional of one order, quote currency (the reference executor capped an order at
  // the portfolio value, default 10000).
  Decimal max_order_notional = Decimal::from_integer(10'000);
  // Loss since 00:00 UTC as a fraction of start-of-day equity that halts trading (ours: the
  // reference had no daily-loss limit).
  Decimal max_daily_loss_fraction = Decimal::from_raw8(5'000'000);
  // Same limit as an absolute amount in the quote currency; 0 = none.
  Decimal max_daily_loss_amount;
  // If true the daily-loss halt lifts by itself at the next UTC day; otherwise only an
  // explicit reset lifts it.
  bool reset_daily_loss_at_utc_midnight = false;
  // Fall from the equity high-water mark that halts trading (AlertConfig max_drawdown 0.10).
  Decimal max_drawdown_fraction = Decimal::from_raw8(10'000'000);
  // Highest account leverage (notional / equity) after the order and highest requested
  // leverage (the reference executor's hard-coded 10, now a setting). An instrument's own
  // max_leverage lowers it further.
  Decimal max_leverage = Decimal::from_integer(10);

  // Error (invalid_argument) naming the first field out of range.
  [[nodiscard]] Status validate() const;
};

}  // namespace nzeza::domain

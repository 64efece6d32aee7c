#include "domain/risk_config.hpp"

#include <cmath>

namespace nzeza::domain {
namespace {

Error bad(const std::string& field, const std::string& rule) {
  return Error{ErrorCode::invalid_argument, "risk config: " + field + " " + rule};
}

}  // namespace

Status RiskConfig::validate() const {
  for (const auto& symbol : whitelist) {
    if (symbol.empty()) return bad("whitelist", "contains an empty symbol");
  }
  if (max_trades_per_hour == 0) return bad("max_trades_per_hour", "must be >= 1");
  if (max_trades_per_day < max_trades_per_hour) {
    return bad("max_trades_per_day", "must be >= max_trades_per_hour (" +
                                         std::to_string(max_trades_per_day) + " < " +
                                         std::to_string(max_trades_per_hour) + ")");
  }
  if (!std::isfinite(min_confidence) || min_confidence < 0.0 || min_confidence > 1.0) {
    return bad("min_confidence", "must be in [0, 1]");
  }
  if (max_positions_per_symbol == 0) return bad("max_positions_per_symbol", "must be >= 1");
  if (max_total_positions < max_positions_per_symbol) {
    return bad("max_total_positions", "must be >= max_positions_per_symbol");
  }
  if (!max_portfolio_exposure.is_positive()) {
    return bad("max_portfolio_exposure", "must be > 0, got " + max_portfolio_exposure.to_string());
  }
  if (!max_order_notional.is_positive()) {
    return bad("max_order_notional", "must be > 0, got " + max_order_notional.to_string());
  }
  if (!max_daily_loss_fraction.is_positive() || max_daily_loss_fraction > Decimal::one()) {
    return bad("max_daily_loss_fraction",
               "must be in (0, 1], got " + max_daily_loss_fraction.to_string());
  }
  if (max_daily_loss_amount.is_negative()) {
    return bad("max_daily_loss_amount", "must be >= 0, got " + max_daily_loss_amount.to_string());
  }
  if (!max_drawdown_fraction.is_positive() || max_drawdown_fraction > Decimal::one()) {
    return bad("max_drawdown_fraction",
               "must be in (0, 1], got " + max_drawdown_fraction.to_string());
  }
  if (max_leverage < Decimal::one()) {
    return bad("max_leverage", "must be >= 1, got " + max_leverage.to_string());
  }
  return {};
}

}  // namespace nzeza::domain

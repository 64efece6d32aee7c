#include "domain/risk_refusal.hpp"

namespace nzeza::domain {

std::string_view to_string(RiskRefusalReason r) noexcept {
  switch (r) {
    case RiskRefusalReason::invalid_request:
      return "invalid_request";
    case RiskRefusalReason::symbol_not_whitelisted:
      return "symbol_not_whitelisted";
    case RiskRefusalReason::trading_disabled:
      return "trading_disabled";
    case RiskRefusalReason::kill_switch_engaged:
      return "kill_switch_engaged";
    case RiskRefusalReason::instrument_not_tradable:
      return "instrument_not_tradable";
    case RiskRefusalReason::hourly_trade_limit:
      return "hourly_trade_limit";
    case RiskRefusalReason::daily_trade_limit:
      return "daily_trade_limit";
    case RiskRefusalReason::confidence_below_minimum:
      return "confidence_below_minimum";
    case RiskRefusalReason::symbol_position_limit:
      return "symbol_position_limit";
    case RiskRefusalReason::total_position_limit:
      return "total_position_limit";
    case RiskRefusalReason::portfolio_exposure_limit:
      return "portfolio_exposure_limit";
    case RiskRefusalReason::order_notional_limit:
      return "order_notional_limit";
    case RiskRefusalReason::daily_loss_halt:
      return "daily_loss_halt";
    case RiskRefusalReason::drawdown_halt:
      return "drawdown_halt";
    case RiskRefusalReason::insufficient_balance:
      return "insufficient_balance";
    case RiskRefusalReason::insufficient_leverage:
      return "insufficient_leverage";
  }
  return "unknown";
}

Error RiskRefusal::to_error() const {
  ErrorCode code = ErrorCode::risk_refused;
  if (reason == RiskRefusalReason::insufficient_balance ||
      reason == RiskRefusalReason::insufficient_leverage) {
    code = ErrorCode::insufficient_balance;
  } else if (reason == RiskRefusalReason::invalid_request) {
    code = ErrorCode::invalid_argument;
  }
  return Error{code, "risk gate: " + std::string(to_string(reason)) + ": " + message};
}

}  // namespace nzeza::domain

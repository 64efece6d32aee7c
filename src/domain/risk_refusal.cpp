#include "domain/risk_refusal.hpp"

#include "core/enum_names.hpp"

namespace nzeza::domain {

constexpr EnumNames kRiskRefusalReasonNames{
    RiskRefusalReason::insufficient_leverage,
    {"invalid_request", "symbol_not_whitelisted", "trading_disabled", "kill_switch_engaged",
     "instrument_not_tradable", "hourly_trade_limit", "daily_trade_limit",
     "confidence_below_minimum", "symbol_position_limit", "total_position_limit",
     "portfolio_exposure_limit", "order_notional_limit", "daily_loss_halt", "drawdown_halt",
     "insufficient_balance", "insufficient_leverage"}};

std::string_view to_string(RiskRefusalReason r) noexcept {
  return kRiskRefusalReasonNames.name(r);
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

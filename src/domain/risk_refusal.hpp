#pragma once
// Why the risk gate refused an order: a reason to branch on and a message with the numbers.
// The enumerators are listed in the order the gate checks them (docs/domain/risk.md §1).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace nzeza::domain {

enum class RiskRefusalReason : std::uint8_t {
  invalid_request,           // 0. malformed request (no instrument, size/price <= 0, ...)
  symbol_not_whitelisted,    // 1.
  trading_disabled,          // 2.
  kill_switch_engaged,       // 3.
  instrument_not_tradable,   // 4. core Instrument::status is not `trading`
  hourly_trade_limit,        // 5.
  daily_trade_limit,         // 6.
  confidence_below_minimum,  // 7.
  symbol_position_limit,     // 8.
  total_position_limit,      // 9.
  portfolio_exposure_limit,  // 10.
  order_notional_limit,      // 11.
  daily_loss_halt,           // 12. latched until reset
  drawdown_halt,             // 13. latched until reset
  insufficient_balance,      // 14.
  insufficient_leverage,     // 15.
};
[[nodiscard]] std::string_view to_string(RiskRefusalReason r) noexcept;

struct RiskRefusal {
  RiskRefusalReason reason = RiskRefusalReason::invalid_request;
  std::string message;

  // ErrorCode::insufficient_balance for the balance and leverage reasons, invalid_argument for
  // an invalid request, risk_refused otherwise; message "risk gate: <reason>: <message>".
  [[nodiscard]] Error to_error() const;
};

struct RiskDecision {
  std::optional<RiskRefusal> refusal;  // empty: approved

  [[nodiscard]] bool approved() const noexcept { return !refusal.has_value(); }
};

}  // namespace nzeza::domain

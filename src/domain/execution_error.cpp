#include "domain/execution_error.hpp"

#include <utility>

#include "core/enum_names.hpp"

namespace nzeza::domain {
namespace {

// The reference printed f64 amounts with {:.2}; we round the exact value half away from zero
// to 2 decimals, which is what a reader expects from "required 1000.00".
std::string two_decimals(Decimal v) {
  auto rounded = v.round_to_decimals(2, RoundingMode::nearest);
  return (rounded ? *rounded : v).to_string_fixed(2);
}

}  // namespace

constexpr EnumNames kErrorSeverityNames{
    ErrorSeverity::critical, {"Minor", "Moderate", "Critical"}, "Unknown"};

std::string_view to_string(ErrorSeverity s) noexcept {
  return kErrorSeverityNames.name(s);
}

constexpr EnumNames kExecutionErrorKindNames{
    ExecutionErrorKind::invalid_position_size,
    {"insufficient_balance", "insufficient_leverage", "balance_fetch_failed",
     "leverage_calculation_failed", "position_sizing_failed", "order_placement_failed",
     "manager_not_configured", "invalid_signal", "invalid_position_size"}};

std::string_view to_string(ExecutionErrorKind k) noexcept {
  return kExecutionErrorKindNames.name(k);
}

TradeExecutionError TradeExecutionError::insufficient_balance(Decimal required, Decimal available) {
  return {ExecutionErrorKind::insufficient_balance, required, available, {}};
}
TradeExecutionError TradeExecutionError::insufficient_leverage(Decimal required,
                                                               Decimal available) {
  return {ExecutionErrorKind::insufficient_leverage, required, available, {}};
}
TradeExecutionError TradeExecutionError::balance_fetch_failed(std::string reason) {
  return {ExecutionErrorKind::balance_fetch_failed, {}, {}, std::move(reason)};
}
TradeExecutionError TradeExecutionError::leverage_calculation_failed(std::string reason) {
  return {ExecutionErrorKind::leverage_calculation_failed, {}, {}, std::move(reason)};
}
TradeExecutionError TradeExecutionError::position_sizing_failed(std::string reason) {
  return {ExecutionErrorKind::position_sizing_failed, {}, {}, std::move(reason)};
}
TradeExecutionError TradeExecutionError::order_placement_failed(std::string reason) {
  return {ExecutionErrorKind::order_placement_failed, {}, {}, std::move(reason)};
}
TradeExecutionError TradeExecutionError::manager_not_configured(std::string manager_name) {
  return {ExecutionErrorKind::manager_not_configured, {}, {}, std::move(manager_name)};
}
TradeExecutionError TradeExecutionError::invalid_signal(std::string reason) {
  return {ExecutionErrorKind::invalid_signal, {}, {}, std::move(reason)};
}
TradeExecutionError TradeExecutionError::invalid_position_size(std::string reason) {
  return {ExecutionErrorKind::invalid_position_size, {}, {}, std::move(reason)};
}

ErrorSeverity TradeExecutionError::severity() const noexcept {
  switch (kind_) {
    case ExecutionErrorKind::invalid_signal:
      return ErrorSeverity::minor;
    case ExecutionErrorKind::insufficient_balance:
    case ExecutionErrorKind::insufficient_leverage:
    case ExecutionErrorKind::balance_fetch_failed:
    case ExecutionErrorKind::leverage_calculation_failed:
    case ExecutionErrorKind::position_sizing_failed:
    case ExecutionErrorKind::invalid_position_size:
      return ErrorSeverity::moderate;
    case ExecutionErrorKind::order_placement_failed:
    case ExecutionErrorKind::manager_not_configured:
      return ErrorSeverity::critical;
  }
  return ErrorSeverity::critical;
}

bool TradeExecutionError::recoverable() const noexcept {
  switch (kind_) {
    case ExecutionErrorKind::balance_fetch_failed:
    case ExecutionErrorKind::leverage_calculation_failed:
    case ExecutionErrorKind::order_placement_failed:
      return true;
    default:
      return false;
  }
}

std::string_view TradeExecutionError::code() const noexcept {
  switch (kind_) {
    case ExecutionErrorKind::insufficient_balance:
      return "ERR_INSUFFICIENT_BALANCE";
    case ExecutionErrorKind::insufficient_leverage:
      return "ERR_INSUFFICIENT_LEVERAGE";
    case ExecutionErrorKind::balance_fetch_failed:
      return "ERR_BALANCE_FETCH";
    case ExecutionErrorKind::leverage_calculation_failed:
      return "ERR_LEVERAGE_CALC";
    case ExecutionErrorKind::position_sizing_failed:
      return "ERR_POSITION_SIZING";
    case ExecutionErrorKind::order_placement_failed:
      return "ERR_ORDER_PLACEMENT";
    case ExecutionErrorKind::manager_not_configured:
      return "ERR_MANAGER_NOT_CONFIGURED";
    case ExecutionErrorKind::invalid_signal:
      return "ERR_INVALID_SIGNAL";
    case ExecutionErrorKind::invalid_position_size:
      return "ERR_INVALID_POSITION_SIZE";
  }
  return "ERR_UNKNOWN";
}

std::string TradeExecutionError::message() const {
  switch (kind_) {
    case ExecutionErrorKind::insufficient_balance:
      return "Insufficient balance: required " + two_decimals(required_) + ", available " +
             two_decimals(available_);
    case ExecutionErrorKind::insufficient_leverage:
      return "Insufficient leverage: required " + two_decimals(required_) + ", available " +
             two_decimals(available_);
    case ExecutionErrorKind::balance_fetch_failed:
      return "Failed to fetch balance: " + detail_;
    case ExecutionErrorKind::leverage_calculation_failed:
      return "Failed to calculate leverage: " + detail_;
    case ExecutionErrorKind::position_sizing_failed:
      return "Position sizing failed: " + detail_;
    case ExecutionErrorKind::order_placement_failed:
      return "Order placement failed: " + detail_;
    case ExecutionErrorKind::manager_not_configured:
      return "Manager not configured: " + detail_;
    case ExecutionErrorKind::invalid_signal:
      return "Invalid signal: " + detail_;
    case ExecutionErrorKind::invalid_position_size:
      return "Invalid position size: " + detail_;
  }
  return "Unknown trade execution error";
}

Error TradeExecutionError::to_error() const {
  ErrorCode code_value = ErrorCode::invalid_argument;
  switch (kind_) {
    case ExecutionErrorKind::insufficient_balance:
    case ExecutionErrorKind::insufficient_leverage:
      code_value = ErrorCode::insufficient_balance;
      break;
    case ExecutionErrorKind::balance_fetch_failed:
    case ExecutionErrorKind::leverage_calculation_failed:
      code_value = ErrorCode::unavailable;
      break;
    case ExecutionErrorKind::order_placement_failed:
      code_value = ErrorCode::rejected;
      break;
    case ExecutionErrorKind::manager_not_configured:
      code_value = ErrorCode::invalid_state;
      break;
    case ExecutionErrorKind::position_sizing_failed:
    case ExecutionErrorKind::invalid_signal:
    case ExecutionErrorKind::invalid_position_size:
      code_value = ErrorCode::invalid_argument;
      break;
  }
  return Error{code_value, std::string(code()) + ": " + message()};
}

}  // namespace nzeza::domain

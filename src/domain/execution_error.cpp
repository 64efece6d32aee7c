#include "domain/execution_error.hpp"

#include <array>
#include <cstddef>
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

// What the reference's table (docs/domain/risk.md §4) says of each kind: one row per kind, in
// the enum's order (checked below), read by severity(), recoverable(), code(), message() and
// to_error().
struct KindFacts {
  ExecutionErrorKind kind;
  ErrorSeverity severity;
  bool recoverable;        // may retrying the same step help?
  std::string_view code;   // stable code for logs and metrics
  std::string_view title;  // the message up to its ": "
  ErrorCode error_code;    // the core Error's code
};

using K = ExecutionErrorKind;
using S = ErrorSeverity;
constexpr std::array<KindFacts, 9> kFacts{{
    {K::insufficient_balance, S::moderate, false, "ERR_INSUFFICIENT_BALANCE",
     "Insufficient balance", ErrorCode::insufficient_balance},
    {K::insufficient_leverage, S::moderate, false, "ERR_INSUFFICIENT_LEVERAGE",
     "Insufficient leverage", ErrorCode::insufficient_balance},
    {K::balance_fetch_failed, S::moderate, true, "ERR_BALANCE_FETCH", "Failed to fetch balance",
     ErrorCode::unavailable},
    {K::leverage_calculation_failed, S::moderate, true, "ERR_LEVERAGE_CALC",
     "Failed to calculate leverage", ErrorCode::unavailable},
    {K::position_sizing_failed, S::moderate, false, "ERR_POSITION_SIZING", "Position sizing failed",
     ErrorCode::invalid_argument},
    {K::order_placement_failed, S::critical, true, "ERR_ORDER_PLACEMENT", "Order placement failed",
     ErrorCode::rejected},
    {K::manager_not_configured, S::critical, false, "ERR_MANAGER_NOT_CONFIGURED",
     "Manager not configured", ErrorCode::invalid_state},
    {K::invalid_signal, S::minor, false, "ERR_INVALID_SIGNAL", "Invalid signal",
     ErrorCode::invalid_argument},
    {K::invalid_position_size, S::moderate, false, "ERR_INVALID_POSITION_SIZE",
     "Invalid position size", ErrorCode::invalid_argument},
}};
// A kind outside the enum (a cast from bad input); its `kind` is not read.
constexpr KindFacts kUnknownFacts{.kind = K{},
                                  .severity = S::critical,
                                  .recoverable = false,
                                  .code = "ERR_UNKNOWN",
                                  .title = "Unknown trade execution error",
                                  .error_code = ErrorCode::invalid_argument};

constexpr bool rows_in_enum_order() {
  for (std::size_t i = 0; i < kFacts.size(); ++i) {
    if (static_cast<std::size_t>(kFacts[i].kind) != i) return false;
  }
  return kFacts.size() == static_cast<std::size_t>(K::invalid_position_size) + 1;
}
static_assert(rows_in_enum_order(), "kFacts: one row per ExecutionErrorKind, in its order");

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

namespace {

const KindFacts& facts(ExecutionErrorKind kind) noexcept {
  const auto i = static_cast<std::size_t>(kind);
  return i < kFacts.size() ? kFacts[i] : kUnknownFacts;
}

}  // namespace

ErrorSeverity TradeExecutionError::severity() const noexcept {
  return facts(kind_).severity;
}

bool TradeExecutionError::recoverable() const noexcept {
  return facts(kind_).recoverable;
}

std::string_view TradeExecutionError::code() const noexcept {
  return facts(kind_).code;
}

std::string TradeExecutionError::message() const {
  const KindFacts& f = facts(kind_);
  std::string text(f.title);
  if (&f == &kUnknownFacts) return text;
  text += ": ";
  if (kind_ == ExecutionErrorKind::insufficient_balance ||
      kind_ == ExecutionErrorKind::insufficient_leverage) {
    return text + "required " + two_decimals(required_) + ", available " + two_decimals(available_);
  }
  return text + detail_;
}

Error TradeExecutionError::to_error() const {
  return Error{facts(kind_).error_code, std::string(code()) + ": " + message()};
}

}  // namespace nzeza::domain

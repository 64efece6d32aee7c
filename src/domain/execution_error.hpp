#pragma once
// TradeExecutionError: why turning a signal into an order failed, as a typed value with a
// severity, a recoverability flag (may retrying the same step help?) and a stable code for logs
// and metrics. The table is the reference's (docs/domain/risk.md §4), kept exactly.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/decimal.hpp"
#include "core/error.hpp"

namespace nzeza::domain {

// Ordered: minor < moderate < critical, so callers can filter with `>=`.
enum class ErrorSeverity : std::uint8_t { minor, moderate, critical };
// "Minor", "Moderate", "Critical" (the reference's Display text).
[[nodiscard]] std::string_view to_string(ErrorSeverity s) noexcept;

enum class ExecutionErrorKind : std::uint8_t {
  insufficient_balance,
  insufficient_leverage,
  balance_fetch_failed,
  leverage_calculation_failed,
  position_sizing_failed,
  order_placement_failed,
  manager_not_configured,
  invalid_signal,
  invalid_position_size,
};
// "insufficient_balance", ... (snake_case names of the enumerators).
[[nodiscard]] std::string_view to_string(ExecutionErrorKind k) noexcept;

class TradeExecutionError {
 public:
  // Amounts are in the quote currency (balance) or leverage multiples (leverage).
  [[nodiscard]] static TradeExecutionError insufficient_balance(Decimal required,
                                                                Decimal available);
  [[nodiscard]] static TradeExecutionError insufficient_leverage(Decimal required,
                                                                 Decimal available);
  [[nodiscard]] static TradeExecutionError balance_fetch_failed(std::string reason);
  [[nodiscard]] static TradeExecutionError leverage_calculation_failed(std::string reason);
  [[nodiscard]] static TradeExecutionError position_sizing_failed(std::string reason);
  // A placement whose outcome is unknown (timeout) is NOT this error: the order layer marks it
  // unknown and asks the venue about its client id before any retry.
  [[nodiscard]] static TradeExecutionError order_placement_failed(std::string reason);
  [[nodiscard]] static TradeExecutionError manager_not_configured(std::string manager_name);
  [[nodiscard]] static TradeExecutionError invalid_signal(std::string reason);
  [[nodiscard]] static TradeExecutionError invalid_position_size(std::string reason);

  [[nodiscard]] ExecutionErrorKind kind() const noexcept { return kind_; }
  [[nodiscard]] ErrorSeverity severity() const noexcept;
  // True when retrying the same step may succeed (fetch/calc/placement failures).
  [[nodiscard]] bool recoverable() const noexcept;
  // Stable code: "ERR_INSUFFICIENT_BALANCE", ...
  [[nodiscard]] std::string_view code() const noexcept;
  // "Insufficient balance: required 1000.00, available 500.00", "Failed to fetch balance: …"
  [[nodiscard]] std::string message() const;
  // Set for the two amount variants, zero otherwise.
  [[nodiscard]] Decimal required() const noexcept { return required_; }
  [[nodiscard]] Decimal available() const noexcept { return available_; }
  // The reason (or manager name) for the text variants, empty otherwise.
  [[nodiscard]] const std::string& detail() const noexcept { return detail_; }
  // As a core Error: the code is mapped (insufficient_* → insufficient_balance, fetch →
  // unavailable, placement → rejected, configuration → invalid_state, the rest →
  // invalid_argument); the message is "<CODE>: <message>".
  [[nodiscard]] Error to_error() const;

  friend bool operator==(const TradeExecutionError&, const TradeExecutionError&) = default;

 private:
  TradeExecutionError(ExecutionErrorKind kind, Decimal required, Decimal available,
                      std::string detail)
      : kind_(kind), required_(required), available_(available), detail_(std::move(detail)) {}
  ExecutionErrorKind kind_;
  Decimal required_;
  Decimal available_;
  std::string detail_;
};

}  // namespace nzeza::domain

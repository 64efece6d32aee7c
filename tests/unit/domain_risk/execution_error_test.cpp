#include "domain/execution_error.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace nzeza::domain {
namespace {

struct Row {
  TradeExecutionError error;
  ErrorSeverity severity;
  bool recoverable;
  std::string code;
  std::string message;
};

// The reference's table (trade_execution_error.rs), row by row.
std::vector<Row> reference_table() {
  return {
      {TradeExecutionError::insufficient_balance("1000"_d, "500"_d), ErrorSeverity::moderate, false,
       "ERR_INSUFFICIENT_BALANCE", "Insufficient balance: required 1000.00, available 500.00"},
      {TradeExecutionError::insufficient_leverage("5"_d, "2"_d), ErrorSeverity::moderate, false,
       "ERR_INSUFFICIENT_LEVERAGE", "Insufficient leverage: required 5.00, available 2.00"},
      {TradeExecutionError::balance_fetch_failed("Connection timeout"), ErrorSeverity::moderate,
       true, "ERR_BALANCE_FETCH", "Failed to fetch balance: Connection timeout"},
      {TradeExecutionError::leverage_calculation_failed("Invalid position data"),
       ErrorSeverity::moderate, true, "ERR_LEVERAGE_CALC",
       "Failed to calculate leverage: Invalid position data"},
      {TradeExecutionError::position_sizing_failed("Price too high"), ErrorSeverity::moderate,
       false, "ERR_POSITION_SIZING", "Position sizing failed: Price too high"},
      {TradeExecutionError::order_placement_failed("Network error"), ErrorSeverity::critical, true,
       "ERR_ORDER_PLACEMENT", "Order placement failed: Network error"},
      {TradeExecutionError::manager_not_configured("BalanceManager"), ErrorSeverity::critical,
       false, "ERR_MANAGER_NOT_CONFIGURED", "Manager not configured: BalanceManager"},
      {TradeExecutionError::invalid_signal("Confidence below threshold"), ErrorSeverity::minor,
       false, "ERR_INVALID_SIGNAL", "Invalid signal: Confidence below threshold"},
      {TradeExecutionError::invalid_position_size("Quantity below minimum"),
       ErrorSeverity::moderate, false, "ERR_INVALID_POSITION_SIZE",
       "Invalid position size: Quantity below minimum"},
  };
}

class ExecutionErrorTableTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(ExecutionErrorTableTest, matches_reference_severity_recoverability_code_and_text) {
  const Row row = reference_table().at(GetParam());
  EXPECT_EQ(row.error.severity(), row.severity) << row.code;
  EXPECT_EQ(row.error.recoverable(), row.recoverable) << row.code;
  EXPECT_EQ(row.error.code(), row.code);
  EXPECT_EQ(row.error.message(), row.message);
}

INSTANTIATE_TEST_SUITE_P(ReferenceRows, ExecutionErrorTableTest,
                         ::testing::Range<std::size_t>(0, 9),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return std::string(
                               to_string(reference_table()[info.param].error.kind()));
                         });

TEST(ExecutionErrorTest, codes_are_unique) {
  std::set<std::string> codes;
  for (const auto& row : reference_table()) codes.insert(std::string(row.error.code()));
  EXPECT_EQ(codes.size(), 9u);
}

TEST(ExecutionErrorTest, amounts_print_rounded_half_away_to_two_decimals) {
  const auto e = TradeExecutionError::insufficient_balance("1000.005"_d, "0.004"_d);
  EXPECT_EQ(e.message(), "Insufficient balance: required 1000.01, available 0.00");
  EXPECT_EQ(e.required(), "1000.005"_d);  // the exact value is kept
}

TEST(ExecutionErrorTest, severity_is_ordered_and_prints_reference_names) {
  EXPECT_LT(ErrorSeverity::minor, ErrorSeverity::moderate);
  EXPECT_LT(ErrorSeverity::moderate, ErrorSeverity::critical);
  EXPECT_EQ(to_string(ErrorSeverity::minor), "Minor");
  EXPECT_EQ(to_string(ErrorSeverity::moderate), "Moderate");
  EXPECT_EQ(to_string(ErrorSeverity::critical), "Critical");
}

TEST(ExecutionErrorTest, converts_to_core_error_with_mapped_code) {
  const Error e = TradeExecutionError::insufficient_balance("1000"_d, "500"_d).to_error();
  EXPECT_EQ(e.code, ErrorCode::insufficient_balance);
  EXPECT_EQ(e.message,
            "ERR_INSUFFICIENT_BALANCE: Insufficient balance: required 1000.00, available 500.00");
  EXPECT_EQ(TradeExecutionError::balance_fetch_failed("x").to_error().code, ErrorCode::unavailable);
  EXPECT_EQ(TradeExecutionError::order_placement_failed("x").to_error().code, ErrorCode::rejected);
  EXPECT_EQ(TradeExecutionError::manager_not_configured("x").to_error().code,
            ErrorCode::invalid_state);
  EXPECT_EQ(TradeExecutionError::invalid_signal("x").to_error().code, ErrorCode::invalid_argument);
}

TEST(ExecutionErrorTest, equal_values_compare_equal_and_different_kinds_differ) {
  EXPECT_EQ(TradeExecutionError::insufficient_balance("1000"_d, "500"_d),
            TradeExecutionError::insufficient_balance("1000"_d, "500"_d));
  EXPECT_NE(TradeExecutionError::insufficient_balance("5"_d, "2"_d),
            TradeExecutionError::insufficient_leverage("5"_d, "2"_d));
  EXPECT_EQ(TradeExecutionError::invalid_signal("a").detail(), "a");
}

}  // namespace
}  // namespace nzeza::domain

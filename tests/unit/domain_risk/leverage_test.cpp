#include "domain/leverage.hpp"

#include <gtest/gtest.h>

namespace nzeza::domain {
namespace {

LeverageCalculator calculator(Decimal max_leverage, Decimal maintenance) {
  LeverageLimits limits;
  limits.max_leverage = max_leverage;
  limits.maintenance_margin_fraction = maintenance;
  auto calc = LeverageCalculator::create(limits);
  EXPECT_TRUE(calc.ok());
  return std::move(calc).value();
}

TEST(LeverageTest, available_leverage_is_max_minus_current_and_may_be_negative) {
  const auto calc = calculator("10"_d, "0.05"_d);
  EXPECT_EQ(calc.available_leverage("1"_d), "9"_d);
  EXPECT_EQ(calc.available_leverage("12.5"_d), "-2.5"_d);
}

TEST(LeverageTest, limits_are_inputs_not_constants) {
  const auto calc = calculator("20"_d, "0.03"_d);
  EXPECT_EQ(calc.available_leverage("1"_d), "19"_d);
  EXPECT_EQ(*calc.initial_margin("1000"_d), "50"_d);
}

TEST(LeverageTest, sufficiency_accepts_equal_and_refuses_more_or_negative) {
  const auto calc = calculator("10"_d, "0.05"_d);
  EXPECT_TRUE(calc.is_sufficient("8"_d, "2"_d));
  EXPECT_FALSE(calc.is_sufficient("8"_d, "2.00000001"_d));
  EXPECT_FALSE(calc.is_sufficient("1"_d, "-1"_d));
}

TEST(LeverageTest, current_leverage_is_notional_over_equity) {
  EXPECT_EQ(*LeverageCalculator::current_leverage("25000"_d, "10000"_d), "2.5"_d);
  EXPECT_EQ(*LeverageCalculator::current_leverage("0"_d, "0"_d), "0"_d);
}

TEST(LeverageTest, current_leverage_is_an_error_when_equity_is_gone_with_exposure) {
  auto r = LeverageCalculator::current_leverage("5000"_d, "0"_d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_state);
  EXPECT_EQ(r.error().message,
            "current leverage: equity 0 is not positive with notional 5000 open");
}

TEST(LeverageTest, margin_fraction_is_equity_over_notional_and_absent_without_exposure) {
  EXPECT_EQ(*LeverageCalculator::margin_fraction("1000"_d, "20000"_d), "0.05"_d);
  EXPECT_FALSE(LeverageCalculator::margin_fraction("1000"_d, "0"_d).has_value());
}

TEST(LeverageTest, initial_margin_rounds_up) {
  const auto calc = calculator("3"_d, "0.05"_d);
  EXPECT_EQ(*calc.initial_margin("100"_d), "33.3333333333333334"_d);
  EXPECT_FALSE(calc.initial_margin("-1"_d).ok());
}

TEST(LeverageTest, assess_healthy_account) {
  const auto calc = calculator("10"_d, "0.05"_d);
  const auto s = calc.assess("2000"_d, "10000"_d);
  EXPECT_FALSE(s.margin_call);
  EXPECT_EQ(*s.margin_fraction, "0.2"_d);
  EXPECT_EQ(*s.current_leverage, "5"_d);
  EXPECT_EQ(s.maintenance_margin, "500"_d);
  EXPECT_EQ(s.excess_equity, "1500"_d);
  EXPECT_EQ(*s.safety_factor, "4"_d);
}

TEST(LeverageTest, detects_margin_call_below_maintenance_but_not_at_it) {
  const auto calc = calculator("10"_d, "0.05"_d);
  EXPECT_FALSE(calc.assess("500"_d, "10000"_d).margin_call);  // exactly 5 %
  const auto s = calc.assess("499.99"_d, "10000"_d);
  EXPECT_TRUE(s.margin_call);
  EXPECT_EQ(s.excess_equity, "-0.01"_d);
}

TEST(LeverageTest, non_positive_equity_with_exposure_is_always_a_margin_call) {
  const auto calc = calculator("10"_d, "0.05"_d);
  const auto s = calc.assess("-10"_d, "1000"_d);
  EXPECT_TRUE(s.margin_call);
  EXPECT_FALSE(s.current_leverage.has_value());
  EXPECT_FALSE(calc.assess("0"_d, "0"_d).margin_call);  // nothing open: nothing to call
}

TEST(LeverageTest, limits_validation_names_the_field) {
  LeverageLimits l;
  l.max_leverage = "0.5"_d;
  EXPECT_EQ(LeverageCalculator::create(l).error().message,
            "leverage limits: max_leverage must be >= 1, got 0.5");
  l = LeverageLimits{};
  l.maintenance_margin_fraction = "1"_d;
  EXPECT_EQ(LeverageCalculator::create(l).error().message,
            "leverage limits: maintenance_margin_fraction must be in (0, 1), got 1");
}

}  // namespace
}  // namespace nzeza::domain

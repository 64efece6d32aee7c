#include "domain/sizing.hpp"

#include <gtest/gtest.h>

#include "risk_test_support.hpp"

namespace nzeza::domain {
namespace {

using testing::perp_eth;
using testing::spot_btc;

// Balance 10 000, leverage 1, price 100, exposure 0.02 (the reference's
// PORTFOLIO_PERCENTAGE_PER_POSITION), min 0, max 100 000, no instrument.
SizingRequest base_request() {
  SizingRequest r;
  r.symbol = "SOL-USD";
  r.available_balance = "10000"_d;
  r.leverage = "1"_d;
  r.price = "100"_d;
  r.max_portfolio_exposure = "0.02"_d;
  r.min_order_notional = "0"_d;
  r.max_order_notional = "100000"_d;
  return r;
}

SizingResult sized(const SizingRequest& r) {
  auto res = size_position(r);
  EXPECT_TRUE(res.ok()) << (res.ok() ? "" : res.error().message);
  return res.ok() ? *res : SizingResult{};
}

TEST(SizingTest, validation_follows_reference_order_and_texts) {
  SizingRequest r = base_request();
  r.symbol = "";
  r.available_balance = "-1"_d;  // also invalid, but the symbol is checked first
  auto res = size_position(r);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(res.error().message, "position sizing: symbol cannot be empty");
  r.symbol = "SOL-USD";
  EXPECT_EQ(size_position(r).error().message,
            "position sizing: available_balance must be non-negative, got -1");
  r = base_request();
  r.leverage = "0.5"_d;
  EXPECT_EQ(size_position(r).error().message, "position sizing: leverage must be >= 1.0, got 0.5");
  r = base_request();
  r.price = "0"_d;
  EXPECT_EQ(size_position(r).error().message,
            "position sizing: current_price must be positive, got 0");
  r = base_request();
  r.max_portfolio_exposure = "0"_d;
  EXPECT_EQ(size_position(r).error().message,
            "position sizing: max_portfolio_exposure must be in range (0, 100], got 0");
  r = base_request();
  r.min_order_notional = "-5"_d;
  EXPECT_EQ(size_position(r).error().message,
            "position sizing: min_order_notional must be non-negative, got -5");
  r = base_request();
  r.min_order_notional = "200"_d;
  r.max_order_notional = "100"_d;
  EXPECT_EQ(size_position(r).error().message,
            "position sizing: max_order_notional must be >= min_order_notional, got 100 < 200");
}

TEST(SizingTest, exposure_binds_with_single_balance_and_low_exposure) {
  const auto s = sized(base_request());
  EXPECT_EQ(s.quantity, "2"_d);  // 10000 × 0.02 / 100
  EXPECT_EQ(s.notional, "200"_d);
  EXPECT_EQ(s.margin_used, "200"_d);
  EXPECT_EQ(s.limit, SizingLimit::portfolio_exposure);
  EXPECT_EQ(s.reason,
            "Sized by portfolio exposure: notional 200 = equity 10000 x exposure 0.02 (buying "
            "power 10000)");
}

TEST(SizingTest, leverage_binds_when_exposure_target_exceeds_buying_power) {
  SizingRequest r = base_request();
  r.available_balance = "1000"_d;
  r.leverage = "2"_d;
  r.max_portfolio_exposure = "3"_d;  // target 3000 notional, buying power 2000
  const auto s = sized(r);
  EXPECT_EQ(s.limit, SizingLimit::balance_and_leverage);
  EXPECT_EQ(s.quantity, "20"_d);
  EXPECT_EQ(s.notional, "2000"_d);
  EXPECT_EQ(s.margin_used, "1000"_d);
  EXPECT_EQ(s.reason,
            "Sized by balance and leverage: notional 2000 = available 1000 x leverage 2 "
            "(exposure budget 3000)");
}

TEST(SizingTest, raising_leverage_releases_the_bind_to_the_exposure_budget) {
  SizingRequest r = base_request();
  r.available_balance = "1000"_d;
  r.leverage = "5"_d;
  r.max_portfolio_exposure = "3"_d;
  const auto s = sized(r);
  EXPECT_EQ(s.limit, SizingLimit::portfolio_exposure);
  EXPECT_EQ(s.quantity, "30"_d);
  EXPECT_EQ(s.margin_used, "600"_d);  // 3000 / 5
}

TEST(SizingTest, leverage_binds_when_free_balance_is_below_equity_budget) {
  SizingRequest r = base_request();
  r.equity = "10000"_d;
  r.available_balance = "1000"_d;  // the rest is locked as margin elsewhere
  r.leverage = "2"_d;
  r.max_portfolio_exposure = "0.5"_d;  // budget 5000, buying power 2000
  const auto s = sized(r);
  EXPECT_EQ(s.limit, SizingLimit::balance_and_leverage);
  EXPECT_EQ(s.notional, "2000"_d);
  EXPECT_EQ(s.margin_used, "1000"_d);
}

TEST(SizingTest, caps_at_maximum_order_notional) {
  SizingRequest r = base_request();
  r.max_portfolio_exposure = "1"_d;
  r.max_order_notional = "2500"_d;
  const auto s = sized(r);
  EXPECT_EQ(s.limit, SizingLimit::max_order_notional);
  EXPECT_EQ(s.quantity, "25"_d);
  EXPECT_EQ(s.reason, "Sized by maximum order notional 2500");
}

TEST(SizingTest, rounds_quantity_down_to_the_instrument_lot) {
  const Instrument btc = spot_btc();  // lot 0.0001
  SizingRequest r = base_request();
  r.symbol = "BTC-USD";
  r.instrument = &btc;
  r.price = "30000"_d;
  r.max_portfolio_exposure = "0.1"_d;  // 1000 / 30000 = 0.03333333
  const auto s = sized(r);
  EXPECT_EQ(s.quantity, "0.0333"_d);
  EXPECT_EQ(s.notional, "999"_d);
  EXPECT_EQ(s.margin_used, "999"_d);
}

TEST(SizingTest, caps_at_instrument_maximum_size) {
  Instrument btc = spot_btc();
  btc.max_size = "0.01"_d;
  SizingRequest r = base_request();
  r.symbol = "BTC-USD";
  r.instrument = &btc;
  r.price = "30000"_d;
  r.max_portfolio_exposure = "0.1"_d;
  const auto s = sized(r);
  EXPECT_EQ(s.limit, SizingLimit::instrument_max_size);
  EXPECT_EQ(s.quantity, "0.01"_d);
  EXPECT_EQ(s.notional, "300"_d);
}

TEST(SizingTest, refuses_below_minimum_order_notional_with_reference_reason) {
  SizingRequest r = base_request();
  r.min_order_notional = "250"_d;  // budget is 200
  const auto s = sized(r);
  EXPECT_TRUE(s.refused());
  EXPECT_EQ(s.notional, "0"_d);
  EXPECT_EQ(s.margin_used, "0"_d);
  EXPECT_EQ(s.limit, SizingLimit::below_min_order_notional);
  EXPECT_EQ(s.reason, "Position too small: notional value 200 < minimum 250");
}

TEST(SizingTest, minimum_is_checked_after_lot_rounding) {
  Instrument btc = spot_btc();
  btc.lot_size = "0.01"_d;
  btc.min_size = "0.01"_d;
  SizingRequest r = base_request();
  r.symbol = "BTC-USD";
  r.instrument = &btc;
  r.price = "30000"_d;
  r.max_portfolio_exposure = "0.06"_d;  // 600 → 0.02 BTC exactly
  r.min_order_notional = "550"_d;
  EXPECT_FALSE(sized(r).refused());
  r.max_portfolio_exposure = "0.059"_d;  // 590 → 0.01966 → 0.01 BTC = 300 < 550
  const auto s = sized(r);
  EXPECT_TRUE(s.refused());
  EXPECT_EQ(s.reason, "Position too small: notional value 300 < minimum 550");
}

TEST(SizingTest, refuses_below_instrument_minimum_size) {
  Instrument btc = spot_btc();
  btc.min_size = "0.001"_d;
  SizingRequest r = base_request();
  r.symbol = "BTC-USD";
  r.instrument = &btc;
  r.price = "30000"_d;
  r.max_portfolio_exposure = "0.002"_d;  // 20 → 0.0006 BTC
  const auto s = sized(r);
  EXPECT_EQ(s.limit, SizingLimit::below_instrument_min_size);
  EXPECT_EQ(s.reason, "Position too small: quantity 0.0006 < instrument minimum size 0.001");
}

TEST(SizingTest, refuses_below_instrument_minimum_notional) {
  Instrument btc = spot_btc();
  btc.min_notional = "25"_d;
  SizingRequest r = base_request();
  r.symbol = "BTC-USD";
  r.instrument = &btc;
  r.price = "30000"_d;
  r.max_portfolio_exposure = "0.002"_d;  // 0.0006 BTC = 18
  const auto s = sized(r);
  EXPECT_EQ(s.limit, SizingLimit::below_instrument_min_notional);
  EXPECT_EQ(s.reason, "Position too small: notional value 18 < instrument minimum notional 25");
}

TEST(SizingTest, refuses_quantity_smaller_than_one_lot) {
  Instrument btc = spot_btc();
  btc.min_size = "0"_d;
  btc.min_notional = "0"_d;
  SizingRequest r = base_request();
  r.symbol = "BTC-USD";
  r.instrument = &btc;
  r.price = "30000"_d;
  r.max_portfolio_exposure = "0.0002"_d;  // 2 → 0.0000666… BTC < lot 0.0001
  const auto s = sized(r);
  EXPECT_EQ(s.limit, SizingLimit::rounds_to_zero);
  EXPECT_EQ(s.reason,
            "Position too small: quantity 0.0000666666666666 rounds to 0 at lot size 0.0001");
}

TEST(SizingTest, zero_balance_is_a_refusal_not_an_error) {
  SizingRequest r = base_request();
  r.available_balance = "0"_d;
  r.min_order_notional = "10"_d;
  const auto s = sized(r);
  EXPECT_TRUE(s.refused());
  EXPECT_EQ(s.limit, SizingLimit::below_min_order_notional);
}

TEST(SizingTest, refuses_leverage_on_spot_and_above_instrument_maximum) {
  const Instrument btc = spot_btc();
  SizingRequest r = base_request();
  r.instrument = &btc;
  r.leverage = "2"_d;
  EXPECT_EQ(size_position(r).error().message,
            "position sizing: spot instrument SOL-USD cannot use leverage 2");
  const Instrument eth = perp_eth();  // max 20
  r.instrument = &eth;
  r.symbol = "ETH-USD-PERP";
  r.leverage = "25"_d;
  EXPECT_EQ(size_position(r).error().message,
            "position sizing: leverage 25 exceeds the instrument maximum 20 for ETH-USD-PERP");
  r.leverage = "20"_d;
  EXPECT_TRUE(size_position(r).ok());
}

TEST(SizingTest, margin_used_is_rounded_up) {
  SizingRequest r = base_request();
  r.leverage = "3"_d;
  r.max_portfolio_exposure = "0.01"_d;  // notional 100
  const auto s = sized(r);
  EXPECT_EQ(s.notional, "100"_d);
  EXPECT_EQ(s.margin_used, "33.3333333333333334"_d);
}

TEST(SizingTest, helper_functions_follow_reference_and_refuse_bad_input) {
  EXPECT_TRUE(is_sufficient_balance("100"_d, "5"_d, "500"_d));
  EXPECT_FALSE(is_sufficient_balance("99.99"_d, "5"_d, "500"_d));
  EXPECT_FALSE(is_sufficient_balance("100"_d, "0.5"_d, "10"_d));
  EXPECT_EQ(*required_margin("500"_d, "4"_d), "125"_d);
  EXPECT_FALSE(required_margin("500"_d, "0"_d).ok());
  EXPECT_FALSE(required_margin("-1"_d, "1"_d).ok());
  EXPECT_EQ(max_notional_value("100"_d, "5"_d), "500"_d);
  EXPECT_EQ(max_notional_value("100"_d, "0.5"_d), "0"_d);
  EXPECT_EQ(max_notional_value("-1"_d, "2"_d), "0"_d);
}

TEST(SizingTest, reports_overflow_instead_of_throwing) {
  SizingRequest r = base_request();
  r.available_balance = "1000000000000000000000"_d;  // 1e21 x 100 leaves the Decimal range
  r.leverage = "100"_d;
  r.max_portfolio_exposure = "100"_d;
  r.max_order_notional = "1000000000000000000000"_d;
  auto res = size_position(r);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().code, ErrorCode::overflow);
}

}  // namespace
}  // namespace nzeza::domain

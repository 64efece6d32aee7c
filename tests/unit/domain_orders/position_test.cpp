// Spot holdings and perpetual positions: cost basis, PnL with fees and funding, flips.

#include "domain/position.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace nzeza::domain::test {
namespace {

PositionFill pf(Side side, Decimal qty, Decimal price, Decimal fee = "0"_d,
                Decimal base_fee = "0"_d) {
  return PositionFill{side, price, qty, fee, base_fee, kT};
}

Position spot() {
  return Position::for_instrument(spot_btc_usd()).value();
}
Position perp(Decimal leverage = "1"_d) {
  return Position::for_instrument(perp_btc_usdc(), leverage).value();
}

TEST(SpotPosition, buy_sets_cost_basis_and_fee_counts_in_realized_pnl) {
  Position p = spot();
  auto c = p.apply(pf(Side::buy, "1"_d, "100"_d, "0.1"_d));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(p.quantity(), "1"_d);
  EXPECT_EQ(p.side(), PositionSide::long_side);
  EXPECT_EQ(p.cost_basis(), "100"_d);
  EXPECT_EQ(p.average_entry_price(), "100"_d);
  EXPECT_EQ(p.realized_pnl(), "-0.1"_d);
  EXPECT_EQ(*p.unrealized_pnl("110"_d), "10"_d);
  EXPECT_EQ(*p.total_pnl("110"_d), "9.9"_d);
}

TEST(SpotPosition, partial_closes_use_weighted_cost_and_sum_exactly) {
  Position p = spot();
  ASSERT_TRUE(p.apply(pf(Side::buy, "3"_d, "100"_d)).ok());
  ASSERT_TRUE(p.apply(pf(Side::buy, "1"_d, "104"_d)).ok());
  EXPECT_EQ(p.average_entry_price(), "101"_d);
  auto c1 = p.apply(pf(Side::sell, "1"_d, "110"_d));
  ASSERT_TRUE(c1.ok());
  EXPECT_EQ(c1->closed_quantity, "1"_d);
  EXPECT_EQ(c1->realized_trading, "9"_d);
  EXPECT_EQ(p.cost_basis(), "303"_d);
  auto c2 = p.apply(pf(Side::sell, "3"_d, "90"_d));
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(c2->realized_trading, "-33"_d);
  EXPECT_TRUE(p.is_flat());
  EXPECT_EQ(p.realized_trading_pnl(), "-24"_d);  // 380 out − 404 in
  EXPECT_EQ(p.cost_basis(), "0"_d);
}

TEST(SpotPosition, thirds_that_do_not_divide_still_realize_exactly_over_the_life) {
  Position p = spot();
  ASSERT_TRUE(p.apply(pf(Side::buy, "1"_d, "100"_d)).ok());
  ASSERT_TRUE(p.apply(pf(Side::buy, "1"_d, "100"_d)).ok());
  ASSERT_TRUE(p.apply(pf(Side::buy, "1"_d, "101"_d)).ok());
  auto c1 = p.apply(pf(Side::sell, "1"_d, "100"_d));
  ASSERT_TRUE(c1.ok());
  EXPECT_EQ(c1->realized_trading, "-0.3333333333333333"_d);
  ASSERT_TRUE(p.apply(pf(Side::sell, "2"_d, "100"_d)).ok());
  EXPECT_EQ(p.realized_trading_pnl(), "-1"_d);  // exactly 300 − 301
}

TEST(SpotPosition, no_shorting_on_spot_sell_beyond_holdings_is_refused) {
  Position p = spot();
  ASSERT_TRUE(p.apply(pf(Side::buy, "1"_d, "100"_d)).ok());
  auto r = p.apply(pf(Side::sell, "1.5"_d, "100"_d));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::insufficient_balance);
  EXPECT_NE(r.error().message.find("no shorting on spot"), std::string::npos);
  EXPECT_EQ(p.quantity(), "1"_d);
  Position empty = spot();
  EXPECT_FALSE(empty.apply(pf(Side::sell, "0.1"_d, "100"_d)).ok());
}

TEST(SpotPosition, base_asset_fee_shrinks_the_holding_and_counts_at_the_fill_price) {
  Position p = spot();
  ASSERT_TRUE(p.apply(pf(Side::buy, "1"_d, "100"_d, "0"_d, "0.001"_d)).ok());
  EXPECT_EQ(p.quantity(), "0.999"_d);
  EXPECT_EQ(p.cost_basis(), "99.9"_d);
  EXPECT_EQ(p.fees_paid(), "0.1"_d);
  EXPECT_EQ(*p.total_pnl("100"_d), "-0.1"_d);  // paid 100, holds 99.9 of value
}

TEST(SpotPosition, fee_in_a_third_currency_needs_an_explicit_price) {
  Fill f = fill("t1", "1"_d, "100"_d, Side::buy, "0.0001"_d, "BNB");
  auto missing = to_position_fill(spot_btc_usd(), f);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_NE(missing.error().message.find("BNB"), std::string::npos);
  auto priced = to_position_fill(spot_btc_usd(), f, "300"_d);
  ASSERT_TRUE(priced.ok());
  EXPECT_EQ(priced->fee_quote, "0.03"_d);
  auto base =
      to_position_fill(spot_btc_usd(), fill("t2", "1"_d, "100"_d, Side::buy, "0.001"_d, "BTC"));
  EXPECT_EQ(base->base_fee, "0.001"_d);
}

TEST(PerpetualPosition, short_gains_when_price_falls_and_realizes_on_buy_back) {
  Position p = perp();
  ASSERT_TRUE(p.apply(pf(Side::sell, "1"_d, "100"_d, "0.05"_d)).ok());
  EXPECT_EQ(p.quantity(), "-1"_d);
  EXPECT_EQ(p.side(), PositionSide::short_side);
  EXPECT_EQ(*p.unrealized_pnl("90"_d), "10"_d);
  auto c = p.apply(pf(Side::buy, "1"_d, "95"_d, "0.05"_d));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->realized_trading, "5"_d);
  EXPECT_EQ(p.realized_pnl(), "4.9"_d);
  EXPECT_TRUE(p.is_flat());
}

TEST(PerpetualPosition, flips_through_zero_and_opens_the_remainder_at_the_fill_price) {
  Position p = perp();
  ASSERT_TRUE(p.apply(pf(Side::buy, "2"_d, "100"_d)).ok());
  auto c = p.apply(pf(Side::sell, "3"_d, "110"_d));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->flipped);
  EXPECT_EQ(c->closed_quantity, "2"_d);
  EXPECT_EQ(c->opened_quantity, "1"_d);
  EXPECT_EQ(c->realized_trading, "20"_d);
  EXPECT_EQ(p.quantity(), "-1"_d);
  EXPECT_EQ(p.average_entry_price(), "110"_d);
  EXPECT_EQ(*p.unrealized_pnl("100"_d), "10"_d);
}

TEST(PerpetualPosition, funding_is_paid_by_longs_on_a_positive_rate_and_counts_in_pnl) {
  Position p = perp();
  ASSERT_TRUE(p.apply(pf(Side::buy, "2"_d, "100"_d)).ok());
  auto pay = Position::funding_payment(p.quantity(), "100"_d, "0.0001"_d);
  ASSERT_TRUE(pay.ok());
  EXPECT_EQ(*pay, "-0.02"_d);
  ASSERT_TRUE(p.apply_funding(*pay).ok());
  EXPECT_EQ(p.funding(), "-0.02"_d);
  EXPECT_EQ(p.realized_pnl(), "-0.02"_d);
  EXPECT_EQ(*Position::funding_payment("-2"_d, "100"_d, "0.0001"_d), "0.02"_d);  // shorts receive
}

TEST(PerpetualPosition, leverage_must_be_at_least_one_and_sets_initial_margin) {
  EXPECT_FALSE(Position::for_instrument(perp_btc_usdc(), "0.5"_d).ok());
  Position p = perp("5"_d);
  ASSERT_TRUE(p.apply(pf(Side::buy, "2"_d, "100"_d)).ok());
  EXPECT_EQ(*p.initial_margin(), "40"_d);
  EXPECT_FALSE(p.set_leverage("0"_d).ok());
  ASSERT_TRUE(p.set_leverage("10"_d).ok());
  EXPECT_EQ(*p.initial_margin(), "20"_d);
}

TEST(PositionRules, spot_has_no_funding_and_perpetual_no_base_fee) {
  Position s = spot();
  EXPECT_FALSE(s.apply_funding("1"_d).ok());
  EXPECT_FALSE(s.set_leverage("2"_d).ok());
  Position p = perp();
  EXPECT_FALSE(p.apply(pf(Side::buy, "1"_d, "100"_d, "0"_d, "0.001"_d)).ok());
}

TEST(PositionRules, non_positive_mark_or_fill_is_refused) {
  Position p = perp();
  ASSERT_TRUE(p.apply(pf(Side::buy, "1"_d, "100"_d)).ok());
  EXPECT_EQ(p.unrealized_pnl("0"_d).error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(p.apply(pf(Side::buy, "0"_d, "100"_d)).ok());
  EXPECT_FALSE(p.apply(pf(Side::buy, "1"_d, "-1"_d)).ok());
  EXPECT_EQ(p.quantity(), "1"_d);
}

TEST(PositionRules, restore_refuses_negative_spot_and_inconsistent_cost) {
  Position s = spot();
  EXPECT_FALSE(s.restore("-1"_d, "100"_d).ok());
  EXPECT_FALSE(s.restore("1"_d, "0"_d).ok());
  ASSERT_TRUE(s.restore("2"_d, "200"_d).ok());
  EXPECT_EQ(s.average_entry_price(), "100"_d);
}

}  // namespace
}  // namespace nzeza::domain::test

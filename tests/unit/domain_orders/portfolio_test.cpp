// Portfolio: cash conservation per fill, currency separation, explicit valuation, exposure.

#include "domain/portfolio.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace nzeza::domain::test {
namespace {

constexpr Venue kCb = Venue::coinbase;
constexpr Venue kDx = Venue::dydx;

Fill perp_fill(std::string id, Side side, Decimal qty, Decimal price, Decimal fee = "0"_d) {
  return fill(std::move(id), qty, price, side, fee, "USDC", kPerpId, kDx);
}

Decimal avail(const Portfolio& p, Venue v, const std::string& c) {
  const Balance* b = p.balance(v, c);
  return b ? b->available() : "0"_d;
}

TEST(Portfolio, spot_buy_moves_notional_out_base_in_and_the_fee_out_explicitly) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(kCb, "USD", "1000"_d).ok());
  auto r = p.apply_fill(spot_btc_usd(), fill("t1", "2"_d, "100"_d, Side::buy, "0.4"_d, "USD"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->outcome, FillOutcome::applied);
  EXPECT_EQ(avail(p, kCb, "USD"), "799.6"_d);
  EXPECT_EQ(avail(p, kCb, "BTC"), "2"_d);
  ASSERT_EQ(r->flows.size(), 3u);
  EXPECT_EQ(r->flows[0], (CashFlow{kCb, "USD", "-200"_d, CashFlowKind::trade}));
  EXPECT_EQ(r->flows[1], (CashFlow{kCb, "BTC", "2"_d, CashFlowKind::trade}));
  EXPECT_EQ(r->flows[2], (CashFlow{kCb, "USD", "-0.4"_d, CashFlowKind::fee}));
  EXPECT_EQ(p.position(kCb, kSpotId)->quantity(), "2"_d);
}

TEST(Portfolio, spot_sell_credits_proceeds_net_of_fee) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(kCb, "USD", "100"_d).ok());
  ASSERT_TRUE(p.apply_fill(spot_btc_usd(), fill("t1", "1"_d, "100"_d)).ok());
  ASSERT_TRUE(
      p.apply_fill(spot_btc_usd(), fill("t2", "1"_d, "120"_d, Side::sell, "0.12"_d, "USD")).ok());
  EXPECT_EQ(avail(p, kCb, "USD"), "119.88"_d);
  EXPECT_EQ(avail(p, kCb, "BTC"), "0"_d);
  EXPECT_EQ(p.position(kCb, kSpotId)->realized_pnl(), "19.88"_d);
}

TEST(Portfolio, duplicate_fill_changes_nothing) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(kCb, "USD", "1000"_d).ok());
  ASSERT_TRUE(p.apply_fill(spot_btc_usd(), fill("t1", "1"_d)).ok());
  auto again = p.apply_fill(spot_btc_usd(), fill("t1", "1"_d));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, FillOutcome::duplicate);
  EXPECT_TRUE(again->flows.empty());
  EXPECT_EQ(avail(p, kCb, "USD"), "900"_d);
  EXPECT_EQ(avail(p, kCb, "BTC"), "1"_d);
  EXPECT_EQ(p.ledger().size(), 1u);
}

TEST(Portfolio, spot_sell_beyond_holdings_is_refused_and_nothing_moves) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(kCb, "USD", "1000"_d).ok());
  ASSERT_TRUE(p.apply_fill(spot_btc_usd(), fill("t1", "1"_d)).ok());
  auto r = p.apply_fill(spot_btc_usd(), fill("t2", "2"_d, "100"_d, Side::sell));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::insufficient_balance);
  EXPECT_EQ(avail(p, kCb, "USD"), "900"_d);
  EXPECT_EQ(avail(p, kCb, "BTC"), "1"_d);
  EXPECT_EQ(p.ledger().size(), 1u);
}

TEST(Portfolio, buy_without_enough_quote_is_refused_and_nothing_moves) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(kCb, "USD", "50"_d).ok());
  auto r = p.apply_fill(spot_btc_usd(), fill("t1", "1"_d));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::insufficient_balance);
  EXPECT_NE(r.error().message.find("USD"), std::string::npos);
  EXPECT_EQ(avail(p, kCb, "USD"), "50"_d);
  EXPECT_EQ(p.position(kCb, kSpotId), nullptr);
}

TEST(Portfolio, fill_funded_from_a_reservation_spends_locked_funds) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(kCb, "USD", "500"_d).ok());
  ASSERT_TRUE(p.lock(kCb, "USD", "100"_d).ok());
  ASSERT_TRUE(p.apply_fill(spot_btc_usd(), fill("t1", "1"_d), FillFunding::locked).ok());
  EXPECT_EQ(p.balance(kCb, "USD")->locked(), "0"_d);
  EXPECT_EQ(p.balance(kCb, "USD")->available(), "400"_d);
  EXPECT_FALSE(p.apply_fill(spot_btc_usd(), fill("t2", "1"_d), FillFunding::locked).ok());
}

TEST(Portfolio, base_asset_fee_reduces_the_base_received) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(kCb, "USD", "100"_d).ok());
  ASSERT_TRUE(
      p.apply_fill(spot_btc_usd(), fill("t1", "1"_d, "100"_d, Side::buy, "0.001"_d, "BTC")).ok());
  EXPECT_EQ(avail(p, kCb, "BTC"), "0.999"_d);
  EXPECT_EQ(p.position(kCb, kSpotId)->quantity(), "0.999"_d);
}

TEST(Portfolio, third_currency_fee_needs_that_balance_and_a_price) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(kCb, "USD", "1000"_d).ok());
  Fill f = fill("t1", "1"_d, "100"_d, Side::buy, "0.01"_d, "BNB");
  EXPECT_EQ(p.apply_fill(spot_btc_usd(), f).error().code, ErrorCode::not_found);  // no BNB price
  EXPECT_EQ(p.apply_fill(spot_btc_usd(), f, FillFunding::available, "300"_d).error().code,
            ErrorCode::insufficient_balance);  // no BNB to pay with
  ASSERT_TRUE(p.deposit(kCb, "BNB", "1"_d).ok());
  ASSERT_TRUE(p.apply_fill(spot_btc_usd(), f, FillFunding::available, "300"_d).ok());
  EXPECT_EQ(avail(p, kCb, "BNB"), "0.99"_d);
  EXPECT_EQ(avail(p, kCb, "USD"), "900"_d);
  EXPECT_EQ(p.position(kCb, kSpotId)->fees_paid(), "3"_d);
}

TEST(Portfolio, perpetual_fills_move_only_realized_pnl_and_fees) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(kDx, "USDC", "1000"_d).ok());
  ASSERT_TRUE(
      p.apply_fill(perp_btc_usdc(), perp_fill("p1", Side::buy, "2"_d, "100"_d, "0.1"_d)).ok());
  EXPECT_EQ(avail(p, kDx, "USDC"), "999.9"_d);
  EXPECT_EQ(p.balance(kDx, "BTC"), nullptr);  // no base asset for a perpetual
  auto close = p.apply_fill(perp_btc_usdc(), perp_fill("p2", Side::sell, "2"_d, "110"_d, "0.1"_d));
  ASSERT_TRUE(close.ok());
  EXPECT_EQ(avail(p, kDx, "USDC"), "1019.8"_d);
  EXPECT_EQ(p.position(kDx, kPerpId)->realized_pnl(), "19.8"_d);
}

TEST(Portfolio, funding_moves_settlement_cash_and_position_pnl) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(kDx, "USDC", "100"_d).ok());
  ASSERT_TRUE(p.apply_fill(perp_btc_usdc(), perp_fill("p1", Side::sell, "1"_d, "100"_d)).ok());
  auto flow = p.apply_funding(perp_btc_usdc(), "0.25"_d);
  ASSERT_TRUE(flow.ok());
  EXPECT_EQ(flow->kind, CashFlowKind::funding);
  EXPECT_EQ(avail(p, kDx, "USDC"), "100.25"_d);
  EXPECT_EQ(p.position(kDx, kPerpId)->funding(), "0.25"_d);
  EXPECT_FALSE(p.apply_funding(spot_btc_usd(), "1"_d).ok());
}

TEST(Portfolio, usd_usdc_and_usdt_stay_separate_and_are_valued_only_with_given_prices) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(Venue::coinbase, "USD", "100"_d).ok());
  ASSERT_TRUE(p.deposit(Venue::binance, "USDT", "50"_d).ok());
  ASSERT_TRUE(p.deposit(Venue::dydx, "USDC", "25"_d).ok());
  ASSERT_TRUE(p.deposit(Venue::kraken, "USD", "10"_d).ok());
  auto totals = p.totals_by_currency().value();
  EXPECT_EQ(totals.size(), 3u);
  EXPECT_EQ(totals["USD"], "110"_d);
  EXPECT_EQ(totals["USDT"], "50"_d);
  ConversionPrices prices;
  MarkPrices marks;
  auto missing = p.equity("USD", prices, marks);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  ASSERT_TRUE(prices.set("USDT", "USD", "0.999"_d).ok());
  ASSERT_TRUE(prices.set("USDC", "USD", "1"_d).ok());
  EXPECT_EQ(*p.equity("USD", prices, marks), "184.95"_d);
}

TEST(Portfolio, equity_counts_spot_holdings_once_and_adds_perp_unrealized_pnl) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(kCb, "USD", "1000"_d).ok());
  ASSERT_TRUE(p.deposit(kDx, "USDC", "1000"_d).ok());
  ASSERT_TRUE(p.apply_fill(spot_btc_usd(), fill("t1", "2"_d, "100"_d)).ok());
  ASSERT_TRUE(p.apply_fill(perp_btc_usdc(), perp_fill("p1", Side::buy, "1"_d, "100"_d)).ok());
  ConversionPrices prices;
  ASSERT_TRUE(prices.set("BTC", "USD", "110"_d).ok());
  ASSERT_TRUE(prices.set("USDC", "USD", "1"_d).ok());
  MarkPrices marks;
  EXPECT_EQ(p.equity("USD", prices, marks).error().code,
            ErrorCode::not_found);  // perp mark missing
  ASSERT_TRUE(marks.set(kPerpId, "110"_d).ok());
  ASSERT_TRUE(marks.set(kSpotId, "110"_d).ok());
  // 800 USD + 2 BTC·110 + 1000 USDC + perp unrealized 10
  EXPECT_EQ(*p.equity("USD", prices, marks), "2030"_d);
}

TEST(Portfolio, exposure_per_symbol_and_total_in_a_quote_currency) {
  Portfolio p;
  ASSERT_TRUE(p.deposit(kCb, "USD", "1000"_d).ok());
  ASSERT_TRUE(p.deposit(kDx, "USDC", "1000"_d).ok());
  ASSERT_TRUE(p.apply_fill(spot_btc_usd(), fill("t1", "2"_d, "100"_d)).ok());
  ASSERT_TRUE(p.apply_fill(perp_btc_usdc(), perp_fill("p1", Side::sell, "3"_d, "100"_d)).ok());
  MarkPrices marks;
  ASSERT_TRUE(marks.set(kSpotId, "105"_d).ok());
  ASSERT_TRUE(marks.set(kPerpId, "105"_d).ok());
  EXPECT_EQ(*p.exposure(kCb, kSpotId, marks), "210"_d);
  EXPECT_EQ(*p.exposure(kDx, kPerpId, marks), "315"_d);  // a short is exposure too
  ConversionPrices prices;
  EXPECT_FALSE(p.total_exposure("USD", prices, marks).ok());
  ASSERT_TRUE(prices.set("USD", "USDC", "1.0002"_d).ok());  // inverse used for USDC → USD
  auto total = p.total_exposure("USD", prices, marks);
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(*total, "524.9370125974805039"_d);  // 210 + 315 / 1.0002, 16 decimals
}

TEST(ConversionPrices, refuses_non_positive_and_same_currency_prices) {
  ConversionPrices prices;
  EXPECT_FALSE(prices.set("USD", "USD", "1"_d).ok());
  EXPECT_FALSE(prices.set("USDT", "USD", "0"_d).ok());
  EXPECT_EQ(*prices.convert("5"_d, "USD", "USD"), "5"_d);
  EXPECT_NE(prices.convert("5"_d, "USDT", "USD").error().message.find("USDT in USD"),
            std::string::npos);
}

TEST(Portfolio, deposits_withdrawals_and_reservations_check_before_moving) {
  Portfolio p;
  EXPECT_EQ(p.deposit(kCb, "", "1"_d).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(p.deposit(kCb, "USD", "-1"_d).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(p.withdraw(kCb, "USD", "1"_d).error().code, ErrorCode::insufficient_balance);
  EXPECT_EQ(p.lock(kCb, "USD", "1"_d).error().code, ErrorCode::insufficient_balance);
  ASSERT_TRUE(p.deposit(kCb, "USD", "10"_d).ok());
  EXPECT_FALSE(p.withdraw(kCb, "USD", "10.5"_d).ok());
  ASSERT_TRUE(p.lock(kCb, "USD", "4"_d).ok());
  EXPECT_FALSE(p.unlock(kCb, "USD", "5"_d).ok());
  ASSERT_TRUE(p.withdraw(kCb, "USD", "6"_d).ok());
  EXPECT_EQ(p.balance(kCb, "USD")->available(), "0"_d);
  EXPECT_EQ(p.balance(kCb, "USD")->locked(), "4"_d);
  EXPECT_EQ(p.balance(Venue::kraken, "USD"), nullptr);  // same currency, other venue: separate
}

TEST(Portfolio, snapshot_balance_and_adopted_position_replace_local_figures) {
  Portfolio p;
  ASSERT_TRUE(
      p.set_balance(kCb, Balance::from_snapshot("BTC", "1.5"_d, "1"_d, "0.5"_d).value()).ok());
  Position held = Position::for_instrument(spot_btc_usd()).value();
  ASSERT_TRUE(held.restore("1.5"_d, "90000"_d).ok());
  ASSERT_TRUE(p.adopt_position(held).ok());
  EXPECT_EQ(p.position(kCb, kSpotId)->average_entry_price(), "60000"_d);
  ASSERT_TRUE(p.deposit(kCb, "USD", "0"_d).ok());
  auto sell = p.apply_fill(spot_btc_usd(), fill("t1", "1"_d, "70000"_d, Side::sell));
  ASSERT_TRUE(sell.ok()) << sell.error().message;
  EXPECT_EQ(p.position(kCb, kSpotId)->realized_trading_pnl(), "10000"_d);
  EXPECT_EQ(p.balance(kCb, "USD")->available(), "70000"_d);
  EXPECT_EQ(p.balance(kCb, "BTC")->locked(), "0.5"_d);
}

TEST(MarkPrices, refuse_non_positive_marks_and_invalid_instruments) {
  MarkPrices marks;
  EXPECT_FALSE(marks.set(kSpotId, "0"_d).ok());
  EXPECT_FALSE(marks.set(InstrumentId{}, "1"_d).ok());
  EXPECT_FALSE(marks.get(kSpotId).has_value());
  ASSERT_TRUE(marks.set(kSpotId, "2"_d).ok());
  EXPECT_EQ(marks.get(kSpotId), "2"_d);
}

}  // namespace
}  // namespace nzeza::domain::test

#include "domain/risk_gate.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "domain/risk_trade_window.hpp"
#include "risk_test_support.hpp"

namespace nzeza::domain {
namespace {

using testing::buy_btc;
using testing::healthy_context;
using testing::kNoon;
using testing::perp_eth;
using testing::spot_btc;
using testing::whitelisted_config;

RiskGate make_gate(RiskConfig config = whitelisted_config()) {
  auto gate = RiskGate::create(std::move(config));
  EXPECT_TRUE(gate.ok());
  return std::move(gate).value();
}

RiskRefusalReason reason_of(const RiskDecision& d) {
  EXPECT_FALSE(d.approved());
  return d.refusal ? d.refusal->reason : RiskRefusalReason::invalid_request;
}

std::string message_of(const RiskDecision& d) {
  return d.refusal ? d.refusal->message : "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class RiskGateTest : public ::testing::Test {
 protected:
  Instrument btc_ = spot_btc();
  Instrument eth_ = perp_eth();
  RiskContext ctx_ = healthy_context();
};

// --- approval and request validation -------------------------------------------------------

TEST_F(RiskGateTest, approves_order_within_every_limit) {
  auto gate = make_gate();
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon);
  EXPECT_TRUE(d.approved()) << message_of(d);
}

TEST_F(RiskGateTest, refuses_request_without_instrument_as_invalid) {
  auto gate = make_gate();
  RiskRequest r = buy_btc(btc_);
  r.instrument = nullptr;
  const auto d = gate.evaluate(r, ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::invalid_request);
  EXPECT_EQ(message_of(d), "request has no instrument");
}

TEST_F(RiskGateTest, refuses_non_positive_quantity_or_price_as_invalid) {
  auto gate = make_gate();
  RiskRequest r = buy_btc(btc_);
  r.quantity = "0"_d;
  EXPECT_EQ(reason_of(gate.evaluate(r, ctx_, kNoon)), RiskRefusalReason::invalid_request);
  r = buy_btc(btc_);
  r.price = "-1"_d;
  const auto d = gate.evaluate(r, ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::invalid_request);
  EXPECT_EQ(message_of(d), "price must be > 0 for BTC-USD, got -1");
}

TEST_F(RiskGateTest, refuses_nan_or_out_of_range_confidence_as_invalid) {
  auto gate = make_gate();
  RiskRequest r = buy_btc(btc_);
  r.confidence = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(reason_of(gate.evaluate(r, ctx_, kNoon)), RiskRefusalReason::invalid_request);
  r.confidence = 1.5;
  const auto d = gate.evaluate(r, ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::invalid_request);
  EXPECT_EQ(message_of(d), "confidence must be in [0, 1] for BTC-USD, got 1.5");
}

TEST_F(RiskGateTest, refuses_notional_that_overflows_instead_of_throwing) {
  auto gate = make_gate();
  RiskRequest r = buy_btc(btc_);
  r.quantity = "200000000000"_d;  // 2e11 * 1e11 = 2e22, past Decimal's 1.7e22
  r.price = "100000000000"_d;
  EXPECT_EQ(reason_of(gate.evaluate(r, ctx_, kNoon)), RiskRefusalReason::invalid_request);
}

// --- each refusal, in order ----------------------------------------------------------------

TEST_F(RiskGateTest, refuses_symbol_outside_whitelist) {
  RiskConfig c = whitelisted_config();
  c.whitelist = {"ETH-USD-PERP"};
  auto gate = make_gate(c);
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::symbol_not_whitelisted);
  EXPECT_EQ(message_of(d), "symbol BTC-USD is not in the trading whitelist (1 symbols)");
}

TEST_F(RiskGateTest, empty_whitelist_refuses_every_opening_order) {
  RiskConfig c = whitelisted_config();
  c.whitelist.clear();
  auto gate = make_gate(c);
  EXPECT_EQ(reason_of(gate.evaluate(buy_btc(btc_), ctx_, kNoon)),
            RiskRefusalReason::symbol_not_whitelisted);
}

TEST_F(RiskGateTest, refuses_when_automated_trading_is_disabled) {
  RiskConfig c = whitelisted_config();
  c.trading_enabled = false;
  auto gate = make_gate(c);
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::trading_disabled);
  EXPECT_EQ(message_of(d), "automated trading is disabled");
}

TEST_F(RiskGateTest, kill_switch_refuses_until_released) {
  auto gate = make_gate();
  gate.engage_kill_switch("operator: exchange incident", kNoon);
  EXPECT_TRUE(gate.kill_switch_engaged());
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon + 1h);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::kill_switch_engaged);
  EXPECT_EQ(message_of(d),
            "kill switch engaged since 2023-11-14T12:00:00Z: operator: exchange incident");
  gate.release_kill_switch();
  EXPECT_TRUE(gate.evaluate(buy_btc(btc_), ctx_, kNoon + 1h).approved());
}

TEST_F(RiskGateTest, refuses_instrument_that_is_halted_or_cancel_only) {
  auto gate = make_gate();
  btc_.status = TradingStatus::halted;
  auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::instrument_not_tradable);
  EXPECT_EQ(message_of(d), "instrument BTC-USD on coinbase is not tradable (status halted)");
  btc_.status = TradingStatus::cancel_only;
  d = gate.evaluate(buy_btc(btc_), ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::instrument_not_tradable);
}

TEST_F(RiskGateTest, refuses_eleventh_trade_within_an_hour) {
  auto gate = make_gate();
  for (int i = 0; i < 10; ++i) gate.record_trade(kNoon + std::chrono::minutes(5 * i));
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon + 50min);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::hourly_trade_limit);
  EXPECT_EQ(message_of(d), "hourly trade limit reached: 10 trades in the last hour, limit 10");
}

TEST_F(RiskGateTest, hourly_window_slides_and_excludes_a_trade_exactly_one_hour_old) {
  auto gate = make_gate();
  for (int i = 0; i < 10; ++i) gate.record_trade(kNoon + std::chrono::seconds(i));
  EXPECT_EQ(gate.trades_in_last_hour(kNoon + 1h), 9u);  // the trade at kNoon is 1 h old
  EXPECT_EQ(gate.trades_in_last_hour(kNoon + 1h - 1ns), 10u);
  EXPECT_EQ(reason_of(gate.evaluate(buy_btc(btc_), ctx_, kNoon + 1h - 1ns)),
            RiskRefusalReason::hourly_trade_limit);
  EXPECT_TRUE(gate.evaluate(buy_btc(btc_), ctx_, kNoon + 1h).approved());
}

TEST_F(RiskGateTest, refuses_when_daily_trade_limit_is_reached_then_slides_after_24h) {
  auto gate = make_gate();
  const Timestamp start = kNoon - 12h;
  // 50 trades spread over 24 h: never more than 3 in any hour.
  for (int i = 0; i < 50; ++i) gate.record_trade(start + std::chrono::minutes(28 * i));
  const Timestamp last = start + std::chrono::minutes(28 * 49);
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, last + 1min);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::daily_trade_limit);
  EXPECT_EQ(message_of(d), "daily trade limit reached: 50 trades in the last 24 h, limit 50");
  // 24 h after the first trade it drops out of the window.
  EXPECT_EQ(gate.trades_in_last_day(start + 24h), 49u);
  EXPECT_TRUE(gate.evaluate(buy_btc(btc_), ctx_, start + 24h).approved());
}

TEST_F(RiskGateTest, refuses_confidence_below_minimum_and_accepts_exactly_minimum) {
  auto gate = make_gate();
  RiskRequest r = buy_btc(btc_);
  r.confidence = 0.65;
  const auto d = gate.evaluate(r, ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::confidence_below_minimum);
  EXPECT_EQ(message_of(d), "signal confidence 0.65 below minimum 0.7");
  r.confidence = 0.7;
  EXPECT_TRUE(gate.evaluate(r, ctx_, kNoon).approved());
}

TEST_F(RiskGateTest, refuses_second_position_on_the_same_symbol) {
  auto gate = make_gate();
  ctx_.open_positions_for_symbol = 1;
  ctx_.open_positions_total = 1;
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::symbol_position_limit);
  EXPECT_EQ(message_of(d), "position limit for BTC-USD reached: 1 open, limit 1");
}

TEST_F(RiskGateTest, refuses_sixth_position_in_total) {
  auto gate = make_gate();
  ctx_.open_positions_total = 5;
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::total_position_limit);
  EXPECT_EQ(message_of(d), "total position limit reached: 5 open, limit 5");
}

TEST_F(RiskGateTest, refuses_exposure_above_limit_and_accepts_exactly_the_limit) {
  auto gate = make_gate();
  ctx_.gross_exposure = "7600"_d;  // + 500 = 8100 > 0.8 × 10000
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::portfolio_exposure_limit);
  EXPECT_EQ(message_of(d),
            "portfolio exposure would be 0.81 of equity (8100 / 10000 USD), limit 0.8");
  ctx_.gross_exposure = "7500"_d;  // exactly 8000
  EXPECT_TRUE(gate.evaluate(buy_btc(btc_), ctx_, kNoon).approved());
}

TEST_F(RiskGateTest, refuses_any_exposure_when_equity_is_not_positive) {
  auto gate = make_gate();
  ctx_.equity = "0"_d;
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::portfolio_exposure_limit);
  EXPECT_TRUE(contains(message_of(d), "equity 0 USD is not positive"));
}

TEST_F(RiskGateTest, refuses_order_notional_above_maximum) {
  RiskConfig c = whitelisted_config();
  c.max_order_notional = "400"_d;
  auto gate = make_gate(c);
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::order_notional_limit);
  EXPECT_EQ(message_of(d), "order notional 500 USD exceeds maximum 400");
}

TEST_F(RiskGateTest, refuses_spot_buy_without_enough_quote_balance) {
  auto gate = make_gate();
  ctx_.available_quote = "499.99"_d;
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::insufficient_balance);
  EXPECT_EQ(message_of(d), "insufficient balance: required 500 USD, available 499.99");
}

TEST_F(RiskGateTest, refuses_spot_sell_without_the_coins_because_spot_cannot_short) {
  auto gate = make_gate();
  RiskRequest r = buy_btc(btc_);
  r.side = Side::sell;
  ctx_.available_base = "0.005"_d;
  const auto d = gate.evaluate(r, ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::insufficient_balance);
  EXPECT_EQ(message_of(d),
            "insufficient balance: spot sell of 0.01 BTC needs the coins, available 0.005 (no "
            "shorting on spot)");
  ctx_.available_base = "0.01"_d;
  ctx_.available_quote = "0"_d;  // a spot sell needs no quote
  EXPECT_TRUE(gate.evaluate(r, ctx_, kNoon).approved());
}

TEST_F(RiskGateTest, perpetual_needs_only_notional_over_leverage_as_free_collateral) {
  auto gate = make_gate();
  RiskRequest r = buy_btc(btc_);
  r.instrument = &eth_;
  r.quantity = "2"_d;
  r.price = "3000"_d;  // notional 6000
  r.leverage = "5"_d;  // margin 1200
  ctx_.available_quote = "1199.99"_d;
  const auto d = gate.evaluate(r, ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::insufficient_balance);
  EXPECT_EQ(message_of(d), "insufficient balance: required 1200 USD, available 1199.99");
  ctx_.available_quote = "1200"_d;
  EXPECT_TRUE(gate.evaluate(r, ctx_, kNoon).approved());
}

TEST_F(RiskGateTest, refuses_leverage_above_instrument_or_config_maximum) {
  RiskConfig c = whitelisted_config();
  c.max_portfolio_exposure = "50"_d;
  auto gate = make_gate(c);
  RiskRequest r = buy_btc(btc_);
  r.instrument = &eth_;
  r.quantity = "1"_d;
  r.price = "3000"_d;
  r.leverage = "15"_d;  // config max 10 < instrument max 20
  auto d = gate.evaluate(r, ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::insufficient_leverage);
  EXPECT_EQ(message_of(d), "requested leverage 15 exceeds maximum 10 for ETH-USD-PERP");
  eth_.max_leverage = 3;  // instrument cap below the config's
  r.leverage = "4"_d;
  d = gate.evaluate(r, ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::insufficient_leverage);
  EXPECT_EQ(message_of(d), "requested leverage 4 exceeds maximum 3 for ETH-USD-PERP");
}

TEST_F(RiskGateTest, refuses_leverage_on_spot) {
  auto gate = make_gate();
  RiskRequest r = buy_btc(btc_);
  r.leverage = "2"_d;
  const auto d = gate.evaluate(r, ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::insufficient_leverage);
  EXPECT_EQ(message_of(d), "spot instrument BTC-USD cannot use leverage 2");
}

TEST_F(RiskGateTest, refuses_order_that_takes_account_leverage_past_maximum) {
  RiskConfig c = whitelisted_config();
  c.max_portfolio_exposure = "50"_d;  // let the exposure rule pass so leverage decides
  c.max_order_notional = "100000"_d;
  auto gate = make_gate(c);
  ctx_.gross_exposure = "95000"_d;  // current leverage 9.5
  RiskRequest r = buy_btc(btc_);
  r.instrument = &eth_;
  r.quantity = "2"_d;
  r.price = "3000"_d;  // notional 6000 → needs 0.6, available 0.5
  r.leverage = "10"_d;
  const auto d = gate.evaluate(r, ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::insufficient_leverage);
  EXPECT_EQ(message_of(d),
            "insufficient leverage: order needs 0.6x of equity 10000 USD, available 0.5x "
            "(current 9.5x, maximum 10x)");
  r.quantity = "1.666"_d;  // 4998: needs 0.4998 <= 0.5
  EXPECT_TRUE(gate.evaluate(r, ctx_, kNoon).approved())
      << message_of(gate.evaluate(r, ctx_, kNoon));
}

// --- the order itself ----------------------------------------------------------------------

TEST_F(RiskGateTest, reports_refusals_in_documented_order_fixing_one_rule_at_a_time) {
  // Start with a request that breaks every rule, then repair them one by one: each repair must
  // reveal exactly the next rule in the documented order.
  RiskConfig c = whitelisted_config();
  c.whitelist = {"ETH-USD"};
  c.trading_enabled = false;
  c.max_order_notional = "400"_d;
  auto gate = make_gate(c);
  gate.engage_kill_switch("test", kNoon);
  btc_.status = TradingStatus::halted;
  // 10 trades 80..71 min before noon (in the hour before 11:30), 40 more 20 h before noon.
  for (int i = 0; i < 10; ++i) gate.record_trade(kNoon - 80min + std::chrono::minutes(i));
  for (int i = 0; i < 40; ++i) gate.record_trade(kNoon - 20h + std::chrono::minutes(i));
  RiskRequest r = buy_btc(btc_);
  r.confidence = 0.1;
  r.leverage = "2"_d;
  RiskContext ctx = healthy_context();
  ctx.open_positions_for_symbol = 1;
  ctx.open_positions_total = 5;
  ctx.gross_exposure = "9000"_d;
  ctx.daily_pnl = "-2000"_d;  // latches the daily-loss halt (and the drawdown from 12000)
  ctx.available_quote = "1"_d;
  gate.restore_equity_peak("12000"_d);
  Timestamp now = kNoon - 30min;  // 10 trades in the last hour

  const auto expect_next = [&](RiskRefusalReason want) {
    const auto d = gate.evaluate(r, ctx, now);
    ASSERT_FALSE(d.approved());
    EXPECT_EQ(d.refusal->reason, want)
        << "expected " << to_string(want) << ", got " << to_string(d.refusal->reason) << ": "
        << d.refusal->message;
  };
  expect_next(RiskRefusalReason::symbol_not_whitelisted);
  c.whitelist = {"BTC-USD"};
  ASSERT_TRUE(gate.reconfigure(c).ok());
  expect_next(RiskRefusalReason::trading_disabled);
  c.trading_enabled = true;
  ASSERT_TRUE(gate.reconfigure(c).ok());
  expect_next(RiskRefusalReason::kill_switch_engaged);
  gate.release_kill_switch();
  expect_next(RiskRefusalReason::instrument_not_tradable);
  btc_.status = TradingStatus::trading;
  expect_next(RiskRefusalReason::hourly_trade_limit);
  now = kNoon;  // the 10 trades are now over an hour old; 50 remain in the last 24 h
  expect_next(RiskRefusalReason::daily_trade_limit);
  c.max_trades_per_day = 100;
  ASSERT_TRUE(gate.reconfigure(c).ok());
  expect_next(RiskRefusalReason::confidence_below_minimum);
  r.confidence = 0.9;
  expect_next(RiskRefusalReason::symbol_position_limit);
  ctx.open_positions_for_symbol = 0;
  expect_next(RiskRefusalReason::total_position_limit);
  ctx.open_positions_total = 0;
  expect_next(RiskRefusalReason::portfolio_exposure_limit);
  ctx.gross_exposure = "0"_d;
  expect_next(RiskRefusalReason::order_notional_limit);
  c.max_order_notional = "10000"_d;
  ASSERT_TRUE(gate.reconfigure(c).ok());
  expect_next(RiskRefusalReason::daily_loss_halt);
  ctx.daily_pnl = "0"_d;
  gate.reset_halt(HaltKind::daily_loss, ctx, now);
  expect_next(RiskRefusalReason::drawdown_halt);
  gate.reset_halt(HaltKind::drawdown, ctx, now);
  expect_next(RiskRefusalReason::insufficient_balance);
  ctx.available_quote = "10000"_d;
  expect_next(RiskRefusalReason::insufficient_leverage);
  r.leverage = "1"_d;
  EXPECT_TRUE(gate.evaluate(r, ctx, now).approved());
}

TEST_F(RiskGateTest, earlier_rule_wins_when_whitelist_and_balance_both_fail) {
  RiskConfig c = whitelisted_config();
  c.whitelist = {"ETH-USD-PERP"};
  auto gate = make_gate(c);
  ctx_.available_quote = "0"_d;
  EXPECT_EQ(reason_of(gate.evaluate(buy_btc(btc_), ctx_, kNoon)),
            RiskRefusalReason::symbol_not_whitelisted);
}

// --- halts ---------------------------------------------------------------------------------

TEST_F(RiskGateTest, daily_loss_at_limit_halts_with_the_numbers) {
  auto gate = make_gate();
  ctx_.equity = "9500"_d;
  ctx_.daily_pnl = "-500"_d;  // 500 of start-of-day 10000 = 5 %
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::daily_loss_halt);
  EXPECT_EQ(message_of(d),
            "trading halted since 2023-11-14T12:00:00Z: daily loss 500 is 0.05 of start-of-day "
            "equity 10000, limit 0.05; an explicit reset is required");
  EXPECT_TRUE(gate.halted());
}

TEST_F(RiskGateTest, daily_loss_just_below_limit_does_not_halt) {
  auto gate = make_gate();
  ctx_.equity = "9500.01"_d;
  ctx_.daily_pnl = "-499.99"_d;
  EXPECT_TRUE(gate.evaluate(buy_btc(btc_), ctx_, kNoon).approved());
  EXPECT_FALSE(gate.halted());
}

TEST_F(RiskGateTest, daily_loss_halt_stays_after_pnl_recovers_until_explicit_reset) {
  auto gate = make_gate();
  RiskContext loss = ctx_;
  loss.equity = "9400"_d;
  loss.daily_pnl = "-600"_d;
  gate.observe(loss, kNoon);
  ASSERT_TRUE(gate.halt(HaltKind::daily_loss).has_value());
  EXPECT_EQ(gate.halt(HaltKind::daily_loss)->since, kNoon);
  // Recovered: still halted.
  EXPECT_EQ(reason_of(gate.evaluate(buy_btc(btc_), ctx_, kNoon + 1h)),
            RiskRefusalReason::daily_loss_halt);
  gate.reset_halt(HaltKind::daily_loss, ctx_, kNoon + 1h);
  EXPECT_FALSE(gate.halted());
  EXPECT_TRUE(gate.evaluate(buy_btc(btc_), ctx_, kNoon + 1h).approved());
}

TEST_F(RiskGateTest, daily_loss_halt_survives_utc_midnight_unless_configured) {
  auto gate = make_gate();
  RiskContext loss = ctx_;
  loss.equity = "9400"_d;
  loss.daily_pnl = "-600"_d;
  gate.observe(loss, kNoon);
  EXPECT_EQ(reason_of(gate.evaluate(buy_btc(btc_), ctx_, kNoon + 13h)),
            RiskRefusalReason::daily_loss_halt);
}

TEST_F(RiskGateTest, daily_loss_halt_lifts_at_next_utc_day_when_configured) {
  RiskConfig c = whitelisted_config();
  c.reset_daily_loss_at_utc_midnight = true;
  auto gate = make_gate(c);
  RiskContext loss = ctx_;
  loss.equity = "9400"_d;
  loss.daily_pnl = "-600"_d;
  gate.observe(loss, kNoon);
  // 23:59:59.999999999 the same day: still halted.
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon + 12h - 1ns);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::daily_loss_halt);
  EXPECT_TRUE(contains(message_of(d), "; lifts at the next UTC day or on an explicit reset"));
  // 00:00 UTC the next day, with the new day's PnL flat: lifted.
  EXPECT_TRUE(gate.evaluate(buy_btc(btc_), ctx_, kNoon + 12h).approved());
  EXPECT_FALSE(gate.halt(HaltKind::daily_loss).has_value());
}

TEST_F(RiskGateTest, daily_loss_absolute_amount_halts_before_the_fraction) {
  RiskConfig c = whitelisted_config();
  c.max_daily_loss_amount = "200"_d;
  auto gate = make_gate(c);
  ctx_.equity = "9800"_d;
  ctx_.daily_pnl = "-200"_d;  // 2 %: under the fraction, at the amount
  const auto d = gate.evaluate(buy_btc(btc_), ctx_, kNoon);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::daily_loss_halt);
  EXPECT_TRUE(contains(message_of(d), "daily loss 200 reached the limit 200"));
}

TEST_F(RiskGateTest, reset_rebases_daily_loss_so_only_further_losses_count) {
  auto gate = make_gate();
  RiskContext loss = ctx_;
  loss.equity = "9400"_d;
  loss.daily_pnl = "-600"_d;
  gate.observe(loss, kNoon);
  gate.reset_halt(HaltKind::daily_loss, loss, kNoon);
  // Same loss after the reset: acknowledged, not latched again.
  EXPECT_TRUE(gate.evaluate(buy_btc(btc_), loss, kNoon + 1min).approved());
  // A further 470 = 5 % of the 9400 at the reset: halts again.
  loss.equity = "8930"_d;
  loss.daily_pnl = "-1070"_d;
  EXPECT_EQ(reason_of(gate.evaluate(buy_btc(btc_), loss, kNoon + 2min)),
            RiskRefusalReason::daily_loss_halt);
}

TEST_F(RiskGateTest, drawdown_from_high_water_mark_halts_until_reset) {
  auto gate = make_gate();
  RiskContext up = ctx_;
  up.equity = "12000"_d;
  gate.observe(up, kNoon);
  EXPECT_EQ(gate.equity_peak(), "12000"_d);
  RiskContext down = ctx_;
  down.equity = "10800"_d;  // 1200 = 10 % of the peak
  auto d = gate.evaluate(buy_btc(btc_), down, kNoon + 1h);
  EXPECT_EQ(reason_of(d), RiskRefusalReason::drawdown_halt);
  EXPECT_EQ(message_of(d),
            "trading halted since 2023-11-14T13:00:00Z: drawdown 1200 from peak 12000 to equity "
            "10800 is 0.1, limit 0.1; an explicit reset is required");
  // Back above: still halted. Reset re-bases the peak at the current equity.
  EXPECT_EQ(reason_of(gate.evaluate(buy_btc(btc_), up, kNoon + 2h)),
            RiskRefusalReason::drawdown_halt);
  gate.reset_halt(HaltKind::drawdown, down, kNoon + 2h);
  EXPECT_EQ(gate.equity_peak(), "10800"_d);
  EXPECT_TRUE(gate.evaluate(buy_btc(btc_), down, kNoon + 2h).approved());
}

TEST_F(RiskGateTest, halt_latches_even_when_an_earlier_rule_refuses_the_order) {
  auto gate = make_gate();
  gate.engage_kill_switch("maintenance", kNoon);
  RiskContext loss = ctx_;
  loss.equity = "9000"_d;
  loss.daily_pnl = "-1000"_d;
  EXPECT_EQ(reason_of(gate.evaluate(buy_btc(btc_), loss, kNoon)),
            RiskRefusalReason::kill_switch_engaged);
  EXPECT_TRUE(gate.halt(HaltKind::daily_loss).has_value());
  gate.release_kill_switch();
  EXPECT_EQ(reason_of(gate.evaluate(buy_btc(btc_), ctx_, kNoon + 1min)),
            RiskRefusalReason::daily_loss_halt);
}

TEST_F(RiskGateTest, restored_peak_is_raised_never_lowered) {
  auto gate = make_gate();
  gate.restore_equity_peak("11000"_d);
  gate.restore_equity_peak("9000"_d);
  EXPECT_EQ(gate.equity_peak(), "11000"_d);
}

// --- reduce-only exits ---------------------------------------------------------------------

TEST_F(RiskGateTest, reduce_only_exit_passes_halts_limits_and_whitelist) {
  RiskConfig c = whitelisted_config();
  c.whitelist = {"ETH-USD-PERP"};
  c.trading_enabled = false;
  auto gate = make_gate(c);
  for (int i = 0; i < 20; ++i) gate.record_trade(kNoon - std::chrono::minutes(i));
  RiskContext loss = ctx_;
  loss.equity = "5000"_d;
  loss.daily_pnl = "-5000"_d;
  loss.open_positions_for_symbol = 3;
  loss.available_quote = "0"_d;
  RiskRequest exit = buy_btc(btc_);
  exit.side = Side::sell;
  exit.reduce_only = true;
  exit.confidence = std::numeric_limits<double>::quiet_NaN();  // ignored for exits
  const auto d = gate.evaluate(exit, loss, kNoon);
  EXPECT_TRUE(d.approved()) << message_of(d);
  EXPECT_TRUE(gate.halted());  // the snapshot still latched the halts
}

TEST_F(RiskGateTest, reduce_only_exit_is_blocked_by_kill_switch_and_instrument_status) {
  auto gate = make_gate();
  RiskRequest exit = buy_btc(btc_);
  exit.reduce_only = true;
  gate.engage_kill_switch("stop everything", kNoon);
  EXPECT_EQ(reason_of(gate.evaluate(exit, ctx_, kNoon)), RiskRefusalReason::kill_switch_engaged);
  gate.release_kill_switch();
  btc_.status = TradingStatus::cancel_only;
  EXPECT_EQ(reason_of(gate.evaluate(exit, ctx_, kNoon)),
            RiskRefusalReason::instrument_not_tradable);
}

// --- config, errors, window ----------------------------------------------------------------

TEST(RiskConfigTest, defaults_are_the_reference_values_and_valid) {
  const RiskConfig c;
  EXPECT_TRUE(c.validate().ok());
  EXPECT_EQ(c.max_trades_per_hour, 10u);
  EXPECT_EQ(c.max_trades_per_day, 50u);
  EXPECT_DOUBLE_EQ(c.min_confidence, 0.7);
  EXPECT_EQ(c.max_positions_per_symbol, 1u);
  EXPECT_EQ(c.max_total_positions, 5u);
  EXPECT_EQ(c.max_portfolio_exposure, "0.8"_d);
  EXPECT_EQ(c.max_drawdown_fraction, "0.1"_d);
  EXPECT_EQ(c.max_leverage, "10"_d);
  EXPECT_TRUE(c.trading_enabled);
  EXPECT_FALSE(c.reset_daily_loss_at_utc_midnight);
}

TEST(RiskConfigTest, validation_names_the_offending_field) {
  RiskConfig c;
  c.min_confidence = std::numeric_limits<double>::quiet_NaN();
  auto st = c.validate();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "risk config: min_confidence must be in [0, 1]");
  c = RiskConfig{};
  c.max_trades_per_day = 5;
  EXPECT_EQ(c.validate().error().message,
            "risk config: max_trades_per_day must be >= max_trades_per_hour (5 < 10)");
  c = RiskConfig{};
  c.max_drawdown_fraction = "1.5"_d;
  EXPECT_EQ(c.validate().error().message,
            "risk config: max_drawdown_fraction must be in (0, 1], got 1.5");
  c = RiskConfig{};
  c.max_leverage = "0.5"_d;
  EXPECT_EQ(c.validate().error().code, ErrorCode::invalid_argument);
  c = RiskConfig{};
  c.whitelist = {"BTC-USD", ""};
  EXPECT_FALSE(RiskGate::create(c).ok());
}

TEST(RiskConfigTest, reconfigure_refuses_invalid_config_and_keeps_trade_history) {
  auto gate = make_gate();
  for (int i = 0; i < 3; ++i) gate.record_trade(kNoon - std::chrono::minutes(i));
  RiskConfig bad = whitelisted_config();
  bad.max_total_positions = 0;
  const auto st = gate.reconfigure(bad);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "risk config: max_total_positions must be >= max_positions_per_symbol");
  EXPECT_EQ(gate.config().max_total_positions, 5u);  // old config still in force
  RiskConfig tighter = whitelisted_config();
  tighter.max_trades_per_hour = 3;
  ASSERT_TRUE(gate.reconfigure(tighter).ok());
  EXPECT_EQ(gate.trades_in_last_hour(kNoon), 3u);
  const Instrument btc = spot_btc();
  EXPECT_EQ(reason_of(gate.evaluate(buy_btc(btc), healthy_context(), kNoon)),
            RiskRefusalReason::hourly_trade_limit);
}

TEST(RiskRefusalTest, maps_reasons_to_core_error_codes) {
  EXPECT_EQ((RiskRefusal{RiskRefusalReason::insufficient_balance, "x"}.to_error().code),
            ErrorCode::insufficient_balance);
  EXPECT_EQ((RiskRefusal{RiskRefusalReason::insufficient_leverage, "x"}.to_error().code),
            ErrorCode::insufficient_balance);
  EXPECT_EQ((RiskRefusal{RiskRefusalReason::invalid_request, "x"}.to_error().code),
            ErrorCode::invalid_argument);
  const Error e = RiskRefusal{RiskRefusalReason::drawdown_halt, "down 12%"}.to_error();
  EXPECT_EQ(e.code, ErrorCode::risk_refused);
  EXPECT_EQ(e.message, "risk gate: drawdown_halt: down 12%");
}

TEST(RiskTradeWindowTest, counts_out_of_order_records_and_prunes_past_horizon) {
  RiskTradeWindow w(24h);
  w.record(kNoon);
  w.record(kNoon - 2h);
  w.record(kNoon - 30min);
  EXPECT_EQ(w.count(kNoon, 1h), 2u);
  EXPECT_EQ(w.count(kNoon, 3h), 3u);
  w.prune(kNoon + 22h);  // horizon 24 h: the trade at kNoon − 2h is exactly 24 h old
  EXPECT_EQ(w.size(), 2u);
}

}  // namespace
}  // namespace nzeza::domain

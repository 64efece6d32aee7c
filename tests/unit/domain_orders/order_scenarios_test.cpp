// Order specs and the venue behaviours the state machine must absorb, told as stories.

#include <gtest/gtest.h>

#include <string>

#include "support.hpp"

namespace nzeza::domain::test {
namespace {

bool mentions(const Error& e, std::string_view text) {
  return e.message.find(text) != std::string::npos;
}

// --- spec validation -------------------------------------------------------------------------

TEST(OrderSpec, rejects_zero_quantity) {
  auto r = Order::create(limit_buy("0"_d), kT);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(mentions(r.error(), "quantity must be > 0"));
}

TEST(OrderSpec, rejects_limit_order_without_price_like_the_reference) {
  OrderSpec s = limit_buy();
  s.price.reset();
  auto r = Order::create(s, kT);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(mentions(r.error(), "limit order needs a price"));
}

TEST(OrderSpec, rejects_market_order_carrying_a_price) {
  OrderSpec s = limit_buy();
  s.type = OrderType::market;
  EXPECT_FALSE(Order::create(s, kT).ok());
  s.price.reset();
  EXPECT_TRUE(Order::create(s, kT).ok());
}

TEST(OrderSpec, requires_stop_price_for_stop_take_profit_and_stop_limit) {
  for (OrderType t : {OrderType::stop, OrderType::take_profit, OrderType::stop_limit}) {
    OrderSpec s = limit_buy();
    s.type = t;
    if (t != OrderType::stop_limit) s.price.reset();
    auto r = Order::create(s, kT);
    ASSERT_FALSE(r.ok()) << to_string(t);
    EXPECT_TRUE(mentions(r.error(), "needs a stop price")) << r.error().message;
    s.stop_price = "95"_d;
    EXPECT_TRUE(Order::create(s, kT).ok()) << to_string(t);
  }
}

TEST(OrderSpec, rejects_post_only_on_non_limit_order) {
  OrderSpec s = limit_buy();
  s.type = OrderType::stop_limit;
  s.stop_price = "99"_d;
  s.time_in_force = TimeInForce::post_only;
  auto r = Order::create(s, kT);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(mentions(r.error(), "post_only needs a limit order"));
}

TEST(OrderSpec, rejects_client_id_encoded_for_another_venue) {
  OrderSpec s = limit_buy();
  s.client_order_id = cid(1, Venue::binance);
  auto r = Order::create(s, kT);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(mentions(r.error(), "binance"));
  EXPECT_TRUE(mentions(r.error(), "coinbase"));
}

// --- what venues really do -------------------------------------------------------------------

TEST(OrderLifecycle, happy_path_new_submitted_acknowledged_partially_filled_filled) {
  Order o = new_order("1"_d);
  EXPECT_EQ(o.state(), OrderState::created);
  EXPECT_EQ(to_string(o.state()), "new");
  ASSERT_TRUE(o.submit(kT).ok());
  ASSERT_TRUE(o.acknowledge("v-9", kT).ok());
  EXPECT_EQ(o.venue_order_id(), "v-9");
  auto t1 = o.apply_fill(fill("t1", "0.25"_d, "100"_d));
  ASSERT_TRUE(t1.ok());
  EXPECT_EQ(t1->to, OrderState::partially_filled);
  auto t2 = o.apply_fill(fill("t2", "0.75"_d, "104"_d));
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ(o.state(), OrderState::filled);
  EXPECT_EQ(o.filled_quantity(), "1"_d);
  EXPECT_EQ(o.remaining_quantity(), "0"_d);
  EXPECT_EQ(o.fills_notional(), "103"_d);  // 25 + 78
  EXPECT_EQ(o.average_fill_price(), "103"_d);
}

TEST(OrderLifecycle, fill_before_ack_then_late_ack_keeps_partial_and_records_venue_id) {
  Order o = submitted_order();
  ASSERT_TRUE(o.apply_fill(fill("t1", "0.5"_d)).ok());
  EXPECT_EQ(o.state(), OrderState::partially_filled);
  auto ack = o.acknowledge("v-7", kT);
  ASSERT_TRUE(ack.ok());
  EXPECT_EQ(ack->to, OrderState::partially_filled);
  EXPECT_TRUE(ack->changed);
  EXPECT_EQ(o.venue_order_id(), "v-7");
}

TEST(OrderLifecycle, whole_fill_before_ack_then_late_ack_keeps_filled) {
  Order o = submitted_order();
  ASSERT_TRUE(o.apply_fill(fill("t1", "1"_d)).ok());
  ASSERT_TRUE(o.acknowledge("v-7", kT).ok());
  EXPECT_EQ(o.state(), OrderState::filled);
  EXPECT_EQ(o.venue_order_id(), "v-7");
}

TEST(OrderLifecycle, filled_straight_from_place_response_reports_unseen_fill_quantity) {
  Order o = submitted_order();
  auto r = report(VenueOrderStatus::filled, "1"_d, "v-1");
  r.average_price = "101.5"_d;
  auto t = o.apply_report(r);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->from, OrderState::submitted);
  EXPECT_EQ(t->to, OrderState::filled);
  EXPECT_EQ(t->unseen_fill_quantity, "1"_d);  // fetch the trades
  EXPECT_EQ(o.average_fill_price(), "101.5"_d);
  // The trades arrive afterwards: counted once, not on top of the report.
  auto f = o.apply_fill(fill("t1", "1"_d, "101.5"_d));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->unseen_fill_quantity, "0"_d);
  EXPECT_EQ(o.filled_quantity(), "1"_d);
  EXPECT_EQ(o.state(), OrderState::filled);
}

TEST(OrderLifecycle, cumulative_report_and_incremental_fills_are_never_added) {
  Order o = acked_order();
  ASSERT_TRUE(o.apply_report(report(VenueOrderStatus::partially_filled, "0.6"_d)).ok());
  ASSERT_TRUE(o.apply_fill(fill("t1", "0.4"_d)).ok());  // part of the 0.6 already reported
  EXPECT_EQ(o.filled_quantity(), "0.6"_d);
  EXPECT_EQ(o.fills_quantity(), "0.4"_d);
  ASSERT_TRUE(o.apply_fill(fill("t2", "0.2"_d)).ok());  // the rest of the 0.6
  EXPECT_EQ(o.filled_quantity(), "0.6"_d);
  ASSERT_TRUE(o.apply_fill(fill("t3", "0.1"_d)).ok());  // new trading
  EXPECT_EQ(o.filled_quantity(), "0.7"_d);
  EXPECT_EQ(o.state(), OrderState::partially_filled);
}

TEST(OrderLifecycle, older_report_with_smaller_cumulative_never_lowers_filled) {
  Order o = acked_order();
  ASSERT_TRUE(o.apply_fill(fill("t1", "0.5"_d)).ok());
  auto t = o.apply_report(report(VenueOrderStatus::partially_filled, "0.2"_d));
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->changed);
  EXPECT_EQ(o.filled_quantity(), "0.5"_d);
}

TEST(OrderLifecycle, fill_after_cancel_request_is_counted_and_cancel_stays_pending) {
  Order o = acked_order();
  ASSERT_TRUE(o.request_cancel(kT).ok());
  ASSERT_TRUE(o.apply_fill(fill("t1", "0.3"_d)).ok());
  EXPECT_EQ(o.state(), OrderState::cancel_requested);
  EXPECT_EQ(o.filled_quantity(), "0.3"_d);
  ASSERT_TRUE(o.mark_cancelled(kT).ok());
  EXPECT_EQ(o.state(), OrderState::cancelled);
  EXPECT_EQ(o.filled_quantity(), "0.3"_d);  // a cancelled order keeps its partial fill
}

TEST(OrderLifecycle, cancel_that_loses_the_race_ends_filled_and_its_rejection_changes_nothing) {
  Order o = acked_order();
  ASSERT_TRUE(o.request_cancel(kT).ok());
  ASSERT_TRUE(o.apply_fill(fill("t1", "1"_d)).ok());
  EXPECT_EQ(o.state(), OrderState::filled);
  auto rej = o.reject_cancel("Unknown order", kT);
  ASSERT_TRUE(rej.ok());
  EXPECT_EQ(rej->to, OrderState::filled);
  EXPECT_FALSE(rej->changed);
}

TEST(OrderLifecycle, rejected_cancel_returns_to_the_live_state_with_its_fills) {
  Order o = acked_order();
  ASSERT_TRUE(o.apply_fill(fill("t1", "0.2"_d)).ok());
  ASSERT_TRUE(o.request_cancel(kT).ok());
  auto t = o.reject_cancel("rate limited", kT);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(o.state(), OrderState::partially_filled);
  EXPECT_EQ(o.reason(), "rate limited");
}

TEST(OrderLifecycle, late_fills_completing_a_cancelled_order_make_it_filled) {
  Order o = acked_order();
  ASSERT_TRUE(o.apply_fill(fill("t1", "0.6"_d)).ok());
  ASSERT_TRUE(o.request_cancel(kT).ok());
  ASSERT_TRUE(o.mark_cancelled(kT).ok());
  ASSERT_TRUE(o.apply_fill(fill("t2", "0.4"_d)).ok());
  EXPECT_EQ(o.state(), OrderState::filled);
  EXPECT_EQ(o.filled_quantity(), "1"_d);
}

TEST(OrderLifecycle, ioc_remainder_expires_from_the_place_response) {
  Order o = submitted_order();
  auto t = o.apply_report(report(VenueOrderStatus::expired, "0.3"_d, "v-3"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(o.state(), OrderState::expired);
  EXPECT_EQ(o.filled_quantity(), "0.3"_d);
  EXPECT_EQ(t->unseen_fill_quantity, "0.3"_d);
}

TEST(OrderLifecycle, timeout_is_unknown_not_failed_and_retry_reuses_the_client_id) {
  Order o = submitted_order();
  auto t = o.time_out(kT);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(o.state(), OrderState::unknown);
  EXPECT_FALSE(is_terminal(o.state()));
  EXPECT_TRUE(may_trade(o.state()));
  ASSERT_TRUE(o.submit(kT).ok());  // the venue said it does not know it: resend
  EXPECT_EQ(o.state(), OrderState::submitted);
  EXPECT_EQ(o.client_order_id(), "nz-t-1");
}

TEST(OrderLifecycle, unknown_after_partial_fill_resolves_with_quantities_kept) {
  Order o = acked_order();
  ASSERT_TRUE(o.apply_fill(fill("t1", "0.4"_d)).ok());
  ASSERT_TRUE(o.request_cancel(kT).ok());
  ASSERT_TRUE(o.time_out(kT).ok());
  EXPECT_EQ(o.state(), OrderState::unknown);
  EXPECT_EQ(o.filled_quantity(), "0.4"_d);
  ASSERT_TRUE(o.apply_report(report(VenueOrderStatus::cancelled, "0.4"_d)).ok());
  EXPECT_EQ(o.state(), OrderState::cancelled);
}

TEST(OrderLifecycle, fees_accumulate_per_currency_and_rebates_reduce_them) {
  Order o = acked_order();
  ASSERT_TRUE(o.apply_fill(fill("t1", "0.2"_d, "100"_d, Side::buy, "0.02"_d, "USD")).ok());
  ASSERT_TRUE(o.apply_fill(fill("t2", "0.2"_d, "100"_d, Side::buy, "0.0001"_d, "BNB")).ok());
  ASSERT_TRUE(o.apply_fill(fill("t3", "0.2"_d, "100"_d, Side::buy, "-0.005"_d, "USD")).ok());
  EXPECT_EQ(o.fee_in("USD"), "0.015"_d);
  EXPECT_EQ(o.fee_in("BNB"), "0.0001"_d);
  EXPECT_EQ(o.fees().size(), 2u);
}

TEST(OrderLifecycle, same_trade_twice_changes_nothing) {
  Order o = acked_order();
  ASSERT_TRUE(o.apply_fill(fill("t1", "0.5"_d)).ok());
  auto again = o.apply_fill(fill("t1", "0.5"_d));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate_fill);
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(o.filled_quantity(), "0.5"_d);
  EXPECT_EQ(o.trade_ids().size(), 1u);
}

// --- the impossible --------------------------------------------------------------------------

TEST(OrderRefusals, overfill_by_fill_names_state_and_quantities_and_changes_nothing) {
  Order o = acked_order();
  ASSERT_TRUE(o.apply_fill(fill("t1", "0.7"_d)).ok());
  auto r = o.apply_fill(fill("t2", "0.4"_d));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_state);
  EXPECT_TRUE(mentions(r.error(), "partially_filled"));
  EXPECT_TRUE(mentions(r.error(), "overfill"));
  EXPECT_TRUE(mentions(r.error(), "1.1"));
  EXPECT_EQ(o.filled_quantity(), "0.7"_d);
  EXPECT_EQ(o.state(), OrderState::partially_filled);
}

TEST(OrderRefusals, overfill_by_cumulative_report_is_refused) {
  Order o = acked_order();
  auto r = o.apply_report(report(VenueOrderStatus::partially_filled, "1.5"_d));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_state);
  EXPECT_TRUE(mentions(r.error(), "acknowledged"));
  EXPECT_EQ(o.filled_quantity(), "0"_d);
}

TEST(OrderRefusals, filled_report_with_short_cumulative_is_malformed) {
  Order o = acked_order();
  auto r = o.apply_report(report(VenueOrderStatus::filled, "0.5"_d));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

TEST(OrderRefusals, cancelled_order_reported_open_does_not_come_back_to_life) {
  Order o = acked_order();
  ASSERT_TRUE(o.mark_cancelled(kT).ok());
  auto r = o.apply_report(report(VenueOrderStatus::open, "0"_d));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "order 'nz-t-1': status report (open) cannot move it from cancelled to acknowledged");
  EXPECT_EQ(o.state(), OrderState::cancelled);
}

TEST(OrderRefusals, rejected_order_cannot_be_filled) {
  Order o = submitted_order();
  ASSERT_TRUE(o.mark_rejected("insufficient balance", kT).ok());
  EXPECT_EQ(o.reason(), "insufficient balance");
  auto r = o.apply_fill(fill("t1", "0.1"_d));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(mentions(r.error(), "from rejected to partially_filled"));
}

TEST(OrderRefusals, venue_order_id_cannot_change) {
  Order o = acked_order();
  auto r = o.acknowledge("v-2", kT);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_state);
  EXPECT_TRUE(mentions(r.error(), "'v-1'"));
  EXPECT_TRUE(mentions(r.error(), "'v-2'"));
  EXPECT_EQ(o.venue_order_id(), "v-1");
}

TEST(OrderRefusals, fill_of_another_order_side_or_venue_is_invalid_argument) {
  Order o = acked_order();
  Fill other = fill("t1", "0.1"_d);
  other.client_order_id = "nz-t-99";
  EXPECT_EQ(o.apply_fill(other).error().code, ErrorCode::invalid_argument);
  Fill sell = fill("t2", "0.1"_d, "100"_d, Side::sell);
  EXPECT_EQ(o.apply_fill(sell).error().code, ErrorCode::invalid_argument);
  Fill elsewhere = fill("t3", "0.1"_d);
  elsewhere.venue = Venue::kraken;
  EXPECT_EQ(o.apply_fill(elsewhere).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(o.filled_quantity(), "0"_d);
}

TEST(OrderRefusals, malformed_fill_is_refused_before_any_state_check) {
  Order o = acked_order();
  Fill f = fill("t1", "0"_d);
  auto r = o.apply_fill(f);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(mentions(r.error(), "quantity must be > 0"));
}

TEST(OrderEvents, event_names_are_stable) {
  EXPECT_EQ(event_name(OrderEvent{order_event::Submit{}}), "submit");
  EXPECT_EQ(event_name(OrderEvent{fill("t", "1"_d)}), "fill");
  EXPECT_EQ(event_name(OrderEvent{VenueOrderReport{}}), "status report");
  EXPECT_EQ(event_name(OrderEvent{order_event::TimedOut{}}), "timeout");
}

TEST(OrderRefusals, report_with_negative_cumulative_or_price_is_malformed) {
  Order o = acked_order();
  EXPECT_EQ(o.apply_report(report(VenueOrderStatus::open, "-0.1"_d)).error().code,
            ErrorCode::invalid_argument);
  VenueOrderReport r = report(VenueOrderStatus::partially_filled, "0.1"_d);
  r.average_price = "0"_d;
  EXPECT_EQ(o.apply_report(r).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(o.filled_quantity(), "0"_d);
}

TEST(OrderLifecycle, report_for_an_unknown_order_records_venue_id_and_quantities) {
  Order o = submitted_order();
  ASSERT_TRUE(o.time_out(kT).ok());
  auto r = report(VenueOrderStatus::partially_filled, "0.25"_d, "v-42");
  r.average_price = "99"_d;
  auto t = o.apply_report(r);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->from, OrderState::unknown);
  EXPECT_EQ(t->to, OrderState::partially_filled);
  EXPECT_EQ(o.venue_order_id(), "v-42");
  EXPECT_EQ(o.average_fill_price(), "99"_d);
  EXPECT_EQ(t->unseen_fill_quantity, "0.25"_d);
  EXPECT_TRUE(o.acknowledged());
}

TEST(OrderLifecycle, updated_at_follows_changes_only) {
  Order o = new_order();
  EXPECT_EQ(o.created_at(), Timestamp::from_seconds(1));
  ASSERT_TRUE(o.submit(Timestamp::from_seconds(7)).ok());
  EXPECT_EQ(o.updated_at(), Timestamp::from_seconds(7));
  ASSERT_TRUE(o.time_out(Timestamp::from_seconds(9)).ok());
  ASSERT_TRUE(o.time_out(Timestamp::from_seconds(12)).ok());  // already unknown: no change
  EXPECT_EQ(o.updated_at(), Timestamp::from_seconds(9));
}

}  // namespace
}  // namespace nzeza::domain::test

#pragma once
// Order: what we asked a venue to do, and the state machine that follows what the venue did.
//
// The machine accepts every sequence venues really produce — a fill before the ack, a fill
// after a cancel request, `filled` straight from the place response, a cancel that loses the
// race against a fill, a late fill after the cancel confirmation, `unknown` after a timeout
// resolved by any later report — and refuses only the impossible:
//   * more filled than ordered (by fills, or by a cumulative report);
//   * a terminal order (filled, cancelled, rejected, expired) becoming live again, or turning
//     into a different terminal state (except cancelled/expired → filled when late fills
//     complete the quantity: the cancel lost the race);
//   * fills or acknowledgements for an order that was never sent or was rejected.
// A refusal is an Error with ErrorCode::invalid_state whose message names the current state
// and the refused one. A refused event changes nothing. docs/domain/orders.md has the table.
//
// Quantities: fills (increments, deduplicated by venue trade id) and venue reports
// (cumulative) are tracked separately; filled_quantity() is the larger of the two, so a
// report that runs ahead of the fill stream never leads to counting a fill twice.
// Not thread-safe: one owner (the order actor) applies events in arrival order.

#include <optional>
#include <string>
#include <vector>

#include "core/client_id.hpp"
#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"
#include "domain/fill.hpp"
#include "domain/order_event.hpp"
#include "domain/order_state.hpp"

namespace nzeza::domain {

struct OrderSpec {
  ClientOrderId client_order_id;  // its venue must be `venue`; text must not be empty
  Venue venue = Venue::paper;
  InstrumentId instrument;
  Side side = Side::buy;
  OrderType type = OrderType::market;
  TimeInForce time_in_force = TimeInForce::gtc;
  bool reduce_only = false;
  Decimal quantity;                   // > 0, base units
  std::optional<Decimal> price;       // limit price: required for limit/stop_limit, > 0
  std::optional<Decimal> stop_price;  // trigger: required for stop/take_profit/stop_limit, > 0
};

// Checks the spec on its own: quantity > 0; price present (and > 0) exactly where the type
// needs one (a market order with a price is refused: the venue would ignore it); stop price
// for stop, take_profit and stop_limit; post_only only on limit orders; FOK/IOC not on
// stop/take_profit; client id present and for the same venue.
[[nodiscard]] Status validate(const OrderSpec& spec);

struct FeeTotal {
  std::string currency;
  Decimal amount;  // negative = net rebate
};

// What one event did.
struct OrderTransition {
  OrderState from = OrderState::created;
  OrderState to = OrderState::created;
  bool changed = false;         // state, quantities or venue id changed
  bool duplicate_fill = false;  // the fill's trade id was already applied: nothing changed
  // Cumulative quantity the venue reports beyond the fills we applied: fetch those fills.
  Decimal unseen_fill_quantity;
};

class Order {
 public:
  static Result<Order> create(OrderSpec spec, Timestamp created_at);

  // The one dispatch table. On error the order is unchanged.
  Result<OrderTransition> apply(const OrderEvent& event);

  // Shorthands for apply().
  Result<OrderTransition> submit(Timestamp at) { return apply(order_event::Submit{at}); }
  Result<OrderTransition> acknowledge(std::string venue_order_id, Timestamp at) {
    return apply(order_event::Acknowledge{std::move(venue_order_id), at});
  }
  Result<OrderTransition> apply_fill(const Fill& fill) { return apply(fill); }
  Result<OrderTransition> request_cancel(Timestamp at) {
    return apply(order_event::RequestCancel{at});
  }
  Result<OrderTransition> reject_cancel(std::string reason, Timestamp at) {
    return apply(order_event::CancelRejected{std::move(reason), at});
  }
  Result<OrderTransition> mark_cancelled(Timestamp at) { return apply(order_event::Cancelled{at}); }
  Result<OrderTransition> mark_rejected(std::string reason, Timestamp at) {
    return apply(order_event::Rejected{std::move(reason), at});
  }
  Result<OrderTransition> mark_expired(Timestamp at) { return apply(order_event::Expired{at}); }
  Result<OrderTransition> time_out(Timestamp at) { return apply(order_event::TimedOut{at}); }
  Result<OrderTransition> apply_report(const VenueOrderReport& report) { return apply(report); }

  [[nodiscard]] const OrderSpec& spec() const noexcept { return spec_; }
  [[nodiscard]] const std::string& client_order_id() const noexcept {
    return spec_.client_order_id.text;
  }
  [[nodiscard]] OrderState state() const noexcept { return state_; }
  [[nodiscard]] const std::string& venue_order_id() const noexcept { return venue_order_id_; }
  [[nodiscard]] bool acknowledged() const noexcept { return acknowledged_; }
  // max(sum of applied fills, venue's cumulative report); never above spec().quantity.
  [[nodiscard]] Decimal filled_quantity() const noexcept;
  [[nodiscard]] Decimal remaining_quantity() const noexcept {
    return spec_.quantity - filled_quantity();
  }
  // Sum of the fills applied (increments only).
  [[nodiscard]] Decimal fills_quantity() const noexcept { return fills_qty_; }
  // Sum of price * quantity of the applied fills.
  [[nodiscard]] Decimal fills_notional() const noexcept { return fills_notional_; }
  // From the fills when they cover filled_quantity(), else the venue's reported average;
  // nullopt before any fill.
  [[nodiscard]] std::optional<Decimal> average_fill_price() const;
  [[nodiscard]] const std::vector<FeeTotal>& fees() const noexcept { return fees_; }
  [[nodiscard]] Decimal fee_in(std::string_view currency) const noexcept;
  [[nodiscard]] const std::vector<std::string>& trade_ids() const noexcept { return trade_ids_; }
  // The venue's reject or cancel-reject reason, verbatim (last one).
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }
  [[nodiscard]] Timestamp created_at() const noexcept { return created_at_; }
  [[nodiscard]] Timestamp updated_at() const noexcept { return updated_at_; }

 private:
  Order(OrderSpec spec, Timestamp created_at)
      : spec_(std::move(spec)), created_at_(created_at), updated_at_(created_at) {}

  Result<OrderTransition> on(const order_event::Submit& e);
  Result<OrderTransition> on(const order_event::Acknowledge& e);
  Result<OrderTransition> on(const Fill& e);
  Result<OrderTransition> on(const order_event::RequestCancel& e);
  Result<OrderTransition> on(const order_event::CancelRejected& e);
  Result<OrderTransition> on(const order_event::Cancelled& e);
  Result<OrderTransition> on(const order_event::Rejected& e);
  Result<OrderTransition> on(const order_event::Expired& e);
  Result<OrderTransition> on(const order_event::TimedOut& e);
  Result<OrderTransition> on(const VenueOrderReport& e);

  Result<OrderTransition> to_terminal(OrderState target, Timestamp at, std::string_view event);
  [[nodiscard]] Error refuse(OrderState to, std::string_view event,
                             std::string_view detail = {}) const;
  [[nodiscard]] Status check_venue_order_id(const std::string& id) const;
  // The state the order would be in with no cancel pending: from quantities and the ack.
  [[nodiscard]] OrderState live_state() const noexcept;
  OrderTransition move_to(OrderState to, Timestamp at, bool changed_quantities = false);

  OrderSpec spec_;
  OrderState state_ = OrderState::created;
  bool acknowledged_ = false;
  std::string venue_order_id_;
  Decimal fills_qty_;
  Decimal fills_notional_;
  Decimal reported_cum_;
  std::optional<Decimal> reported_avg_;
  std::vector<FeeTotal> fees_;
  std::vector<std::string> trade_ids_;
  std::string reason_;
  Timestamp created_at_;
  Timestamp updated_at_;
};

}  // namespace nzeza::domain

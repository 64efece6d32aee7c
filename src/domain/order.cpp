#include "domain/order.hpp"

#include <algorithm>
#include <string>

namespace nzeza::domain {
namespace {

std::string str(std::string_view s) {
  return std::string(s);
}

bool needs_price(OrderType t) {
  return t == OrderType::limit || t == OrderType::stop_limit;
}
bool needs_stop(OrderType t) {
  return t == OrderType::stop || t == OrderType::take_profit || t == OrderType::stop_limit;
}

// A price of an order (`name`: "price", "stop price"): present and > 0 where the order's type
// needs it, absent elsewhere (`carried`: how the stray one is called).
Status check_price_field(const std::string& who, OrderType type,
                         const std::optional<Decimal>& value, bool needed, std::string_view name,
                         std::string_view carried) {
  if (!needed) {
    if (!value) return {};
    return fail(ErrorCode::invalid_argument,
                who + str(to_string(type)) + " order must not carry a " + str(carried));
  }
  if (!value) {
    return fail(ErrorCode::invalid_argument,
                who + str(to_string(type)) + " order needs a " + str(name));
  }
  if (!value->is_positive()) {
    return fail(ErrorCode::invalid_argument,
                who + str(name) + " must be > 0, got " + value->to_string());
  }
  return {};
}

}  // namespace

Status validate(const OrderSpec& spec) {
  const std::string who = "order '" + spec.client_order_id.text + "': ";
  if (spec.client_order_id.text.empty()) {
    return fail(ErrorCode::invalid_argument, "order: empty client order id");
  }
  if (spec.client_order_id.venue != spec.venue) {
    return fail(ErrorCode::invalid_argument, who + "client id encoded for " +
                                                 str(to_string(spec.client_order_id.venue)) +
                                                 " but order is for " + str(to_string(spec.venue)));
  }
  if (!spec.instrument.valid()) return fail(ErrorCode::invalid_argument, who + "no instrument");
  if (!spec.quantity.is_positive()) {
    return fail(ErrorCode::invalid_argument,
                who + "quantity must be > 0, got " + spec.quantity.to_string());
  }
  if (auto st = check_price_field(who, spec.type, spec.price, needs_price(spec.type), "price",
                                  "limit price");
      !st)
    return st;
  if (auto st = check_price_field(who, spec.type, spec.stop_price, needs_stop(spec.type),
                                  "stop price", "stop price");
      !st)
    return st;
  if (spec.time_in_force == TimeInForce::post_only && spec.type != OrderType::limit) {
    return fail(ErrorCode::invalid_argument,
                who + "post_only needs a limit order, not " + str(to_string(spec.type)));
  }
  return {};
}

Result<Order> Order::create(OrderSpec spec, Timestamp created_at) {
  if (auto s = validate(spec); !s) return s.error();
  return Order(std::move(spec), created_at);
}

Decimal Order::filled_quantity() const noexcept {
  return std::max(fills_qty_, reported_cum_);
}

std::optional<Decimal> Order::average_fill_price() const {
  if (fills_qty_.is_positive() && fills_qty_ >= reported_cum_) {
    auto avg = fills_notional_.checked_div(fills_qty_, RoundingMode::nearest_even);
    if (avg) return *avg;
  }
  if (reported_avg_) return reported_avg_;
  if (fills_qty_.is_positive()) {
    auto avg = fills_notional_.checked_div(fills_qty_, RoundingMode::nearest_even);
    if (avg) return *avg;
  }
  return std::nullopt;
}

Decimal Order::fee_in(std::string_view currency) const noexcept {
  for (const auto& f : fees_) {
    if (f.currency == currency) return f.amount;
  }
  return Decimal::zero();
}

Result<OrderTransition> Order::apply(const OrderEvent& event) {
  return std::visit([this](const auto& e) { return on(e); }, event);
}

Error Order::refuse(OrderState to, std::string_view event, std::string_view detail) const {
  std::string msg = "order '" + spec_.client_order_id.text + "': " + str(event) +
                    " cannot move it from " + str(to_string(state_)) + " to " + str(to_string(to));
  if (!detail.empty()) msg += " (" + str(detail) + ")";
  return Error(ErrorCode::invalid_state, std::move(msg));
}

Status Order::check_venue_order_id(const std::string& id) const {
  if (!id.empty() && !venue_order_id_.empty() && id != venue_order_id_) {
    return fail(ErrorCode::invalid_state, "order '" + spec_.client_order_id.text + "' in state " +
                                              str(to_string(state_)) + " has venue order id '" +
                                              venue_order_id_ + "', report names '" + id + "'");
  }
  return {};
}

OrderState Order::live_state() const noexcept {
  const Decimal filled = filled_quantity();
  if (filled == spec_.quantity) return OrderState::filled;
  if (filled.is_positive()) return OrderState::partially_filled;
  return acknowledged_ ? OrderState::acknowledged : OrderState::submitted;
}

OrderTransition Order::move_to(OrderState to, Timestamp at, bool changed_quantities) {
  OrderTransition t;
  t.from = state_;
  t.to = to;
  t.changed = changed_quantities || to != state_;
  if (t.changed) updated_at_ = std::max(updated_at_, at);
  state_ = to;
  return t;
}

Result<OrderTransition> Order::on(const order_event::Submit& e) {
  // unknown → submitted is the retry after the venue said it does not know the client id; the
  // retry reuses the same client order id, so a late original and the retry cannot both live.
  if (state_ != OrderState::created && state_ != OrderState::unknown) {
    return refuse(OrderState::submitted, "submit");
  }
  return move_to(OrderState::submitted, e.at);
}

Result<OrderTransition> Order::on(const order_event::Acknowledge& e) {
  if (state_ == OrderState::created || state_ == OrderState::rejected) {
    return refuse(OrderState::acknowledged, "acknowledge",
                  state_ == OrderState::created ? "it was never submitted" : "");
  }
  if (auto s = check_venue_order_id(e.venue_order_id); !s) return s.error();
  const bool id_changed = !e.venue_order_id.empty() && venue_order_id_.empty();
  const bool ack_changed = !acknowledged_;
  if (id_changed) venue_order_id_ = e.venue_order_id;
  acknowledged_ = true;
  OrderState to = state_;
  if (state_ == OrderState::submitted || state_ == OrderState::unknown) to = live_state();
  // A late ack on partially_filled, cancel_requested or a terminal order only records the id.
  return move_to(to, e.at, id_changed || ack_changed);
}

Result<OrderTransition> Order::on(const Fill& fill) {
  if (auto s = domain::validate(fill); !s) return s.error();
  const std::string who =
      "order '" + spec_.client_order_id.text + "': fill '" + fill.trade_id + "' ";
  if (fill.venue != spec_.venue) {
    return fail(ErrorCode::invalid_argument, who + "is from " + str(to_string(fill.venue)) +
                                                 ", order is on " + str(to_string(spec_.venue)));
  }
  if (fill.instrument != spec_.instrument) {
    return fail(ErrorCode::invalid_argument, who + "is for another instrument");
  }
  if (fill.side != spec_.side) {
    return fail(ErrorCode::invalid_argument, who + "is a " + str(to_string(fill.side)) +
                                                 ", order is a " + str(to_string(spec_.side)));
  }
  if (!fill.client_order_id.empty() && fill.client_order_id != spec_.client_order_id.text) {
    return fail(ErrorCode::invalid_argument,
                who + "belongs to order '" + fill.client_order_id + "'");
  }
  if (std::find(trade_ids_.begin(), trade_ids_.end(), fill.trade_id) != trade_ids_.end()) {
    OrderTransition t{state_, state_, false, true, Decimal::zero()};
    return t;
  }
  const auto new_fills = fills_qty_.checked_add(fill.quantity);
  const auto fill_notional = notional(fill);
  if (!new_fills || !fill_notional)
    return fail(ErrorCode::overflow, who + "overflows the order totals");
  const Decimal new_filled = std::max(*new_fills, reported_cum_);
  const OrderState target =
      new_filled >= spec_.quantity ? OrderState::filled : OrderState::partially_filled;
  if (state_ == OrderState::created) return refuse(target, "fill", "it was never submitted");
  if (state_ == OrderState::rejected)
    return refuse(target, "fill", "a rejected order never trades");
  if (*new_fills > spec_.quantity) {
    return fail(ErrorCode::invalid_state,
                who + "of " + fill.quantity.to_string() + " in state " + str(to_string(state_)) +
                    " would overfill: filled " + new_fills->to_string() + " > quantity " +
                    spec_.quantity.to_string() + " (refused, state stays " +
                    str(to_string(state_)) + ")");
  }
  const auto new_notional = fills_notional_.checked_add(*fill_notional);
  if (!new_notional) return fail(ErrorCode::overflow, who + "overflows the order notional");
  auto fee_slot = std::find_if(fees_.begin(), fees_.end(),
                               [&](const FeeTotal& f) { return f.currency == fill.fee_currency; });
  const auto new_fee =
      fee_slot == fees_.end() ? Result<Decimal>(fill.fee) : fee_slot->amount.checked_add(fill.fee);
  if (!new_fee) return fail(ErrorCode::overflow, who + "overflows the order fees");

  fills_qty_ = *new_fills;
  fills_notional_ = *new_notional;
  trade_ids_.push_back(fill.trade_id);
  if (!fill.fee.is_zero()) {
    if (fee_slot == fees_.end()) {
      fees_.push_back(FeeTotal{fill.fee_currency, *new_fee});
    } else {
      fee_slot->amount = *new_fee;
    }
  }
  acknowledged_ = true;  // a trade proves the venue accepted it

  OrderState to = state_;
  if (target == OrderState::filled) {
    to = OrderState::filled;  // also cancelled/expired completed by late fills: the cancel lost
  } else if (state_ == OrderState::submitted || state_ == OrderState::acknowledged ||
             state_ == OrderState::partially_filled || state_ == OrderState::unknown) {
    to = OrderState::partially_filled;
  }  // cancel_requested, cancelled, expired and a report-filled order keep their state
  OrderTransition t = move_to(to, fill.time, true);
  t.unseen_fill_quantity = std::max(Decimal::zero(), reported_cum_ - fills_qty_);
  return t;
}

Result<OrderTransition> Order::on(const order_event::RequestCancel& e) {
  switch (state_) {
    case OrderState::submitted:  // cancel by client id before the ack arrives
    case OrderState::acknowledged:
    case OrderState::partially_filled:
    case OrderState::unknown:
    case OrderState::cancel_requested:
      return move_to(OrderState::cancel_requested, e.at);
    case OrderState::created:
      return refuse(OrderState::cancel_requested, "cancel request",
                    "nothing was sent; abandon it with cancelled instead");
    default:
      return refuse(OrderState::cancel_requested, "cancel request");
  }
}

Result<OrderTransition> Order::on(const order_event::CancelRejected& e) {
  if (state_ == OrderState::created) {
    return fail(ErrorCode::invalid_state, "order '" + spec_.client_order_id.text +
                                              "': cancel rejection in state new, expected "
                                              "cancel_requested (no cancel was sent)");
  }
  reason_ = e.reason;
  if (state_ == OrderState::cancel_requested) return move_to(live_state(), e.at);
  // Terminal (the cancel lost the race or was a duplicate) or no cancel pending: nothing moves.
  return move_to(state_, e.at);
}

Result<OrderTransition> Order::to_terminal(OrderState target, Timestamp at,
                                           std::string_view event) {
  if (state_ == target) return move_to(state_, at);  // repeated confirmation
  if (state_ == OrderState::created) {
    if (target == OrderState::expired) return refuse(target, event, "it was never submitted");
    return move_to(target, at);  // abandoned or refused before sending
  }
  if (is_terminal(state_)) return refuse(target, event);
  if (target == OrderState::rejected && filled_quantity().is_positive()) {
    return refuse(target, event, "it already filled " + filled_quantity().to_string());
  }
  return move_to(target, at);
}

Result<OrderTransition> Order::on(const order_event::Cancelled& e) {
  return to_terminal(OrderState::cancelled, e.at, "cancelled");
}

Result<OrderTransition> Order::on(const order_event::Rejected& e) {
  auto t = to_terminal(OrderState::rejected, e.at, "rejected");
  if (t) reason_ = e.reason;
  return t;
}

Result<OrderTransition> Order::on(const order_event::Expired& e) {
  return to_terminal(OrderState::expired, e.at, "expired");
}

Result<OrderTransition> Order::on(const order_event::TimedOut& e) {
  if (state_ == OrderState::created) {
    return refuse(OrderState::unknown, "timeout", "nothing was sent");
  }
  // A late timer on an order whose outcome is known changes nothing.
  if (is_terminal(state_) || state_ == OrderState::unknown) return move_to(state_, e.at);
  return move_to(OrderState::unknown, e.at);
}

Result<OrderTransition> Order::on(const VenueOrderReport& r) {
  const std::string event = "status report (" + str(to_string(r.status)) + ")";
  const std::string who = "order '" + spec_.client_order_id.text + "': " + event;
  if (r.cumulative_filled.is_negative()) {
    return fail(ErrorCode::invalid_argument,
                who + " has negative filled quantity " + r.cumulative_filled.to_string());
  }
  if (r.average_price && !r.average_price->is_positive()) {
    return fail(ErrorCode::invalid_argument,
                who + " has average price " + r.average_price->to_string());
  }
  if (r.cumulative_filled > spec_.quantity) {
    return fail(ErrorCode::invalid_state, who + " in state " + str(to_string(state_)) +
                                              " would overfill: cumulative filled " +
                                              r.cumulative_filled.to_string() + " > quantity " +
                                              spec_.quantity.to_string());
  }
  if (r.status == VenueOrderStatus::filled && r.cumulative_filled != spec_.quantity) {
    return fail(ErrorCode::invalid_argument, who + " says filled with cumulative " +
                                                 r.cumulative_filled.to_string() + " of quantity " +
                                                 spec_.quantity.to_string());
  }
  if (auto s = check_venue_order_id(r.venue_order_id); !s) return s.error();

  // Target from the report, using quantities: a cumulative equal to the size means filled
  // whatever the status word says; an older (smaller) cumulative never lowers ours.
  const Decimal new_cum = std::max(reported_cum_, r.cumulative_filled);
  const Decimal new_filled = std::max(fills_qty_, new_cum);
  OrderState target = state_;
  if (new_filled == spec_.quantity) {
    target = OrderState::filled;
  } else {
    switch (r.status) {
      case VenueOrderStatus::open:
      case VenueOrderStatus::partially_filled:
      case VenueOrderStatus::filled:  // unreachable: filled requires cum == quantity
        target = new_filled.is_positive() ? OrderState::partially_filled : OrderState::acknowledged;
        if (state_ == OrderState::cancel_requested) target = OrderState::cancel_requested;
        break;
      case VenueOrderStatus::cancelled:
        target = OrderState::cancelled;
        break;
      case VenueOrderStatus::rejected:
        target = OrderState::rejected;
        break;
      case VenueOrderStatus::expired:
        target = OrderState::expired;
        break;
    }
  }

  if (state_ == OrderState::created) return refuse(target, event, "it was never submitted");
  if (state_ == OrderState::rejected && target != OrderState::rejected)
    return refuse(target, event);
  if (target == OrderState::rejected && new_filled.is_positive()) {
    return refuse(target, event, "it already filled " + new_filled.to_string());
  }
  if (is_terminal(state_) && target != state_) {
    const bool late_fill_completion =
        target == OrderState::filled &&
        (state_ == OrderState::cancelled || state_ == OrderState::expired);
    if (!late_fill_completion) return refuse(target, event);
  }

  // Observable change: the filled quantity moved (a lagging report only updates bookkeeping).
  const bool quantities_changed = new_filled != filled_quantity();
  const bool id_changed = !r.venue_order_id.empty() && venue_order_id_.empty();
  if (new_cum != reported_cum_) {
    reported_cum_ = new_cum;
    if (r.average_price) reported_avg_ = r.average_price;
  }
  if (id_changed) venue_order_id_ = r.venue_order_id;
  // Any report but a rejection proves the venue accepted the order at some point.
  if (r.status != VenueOrderStatus::rejected) acknowledged_ = true;
  if (target == OrderState::rejected) reason_ = r.reason;
  OrderTransition t = move_to(target, r.at, quantities_changed || id_changed);
  t.unseen_fill_quantity = std::max(Decimal::zero(), reported_cum_ - fills_qty_);
  return t;
}

}  // namespace nzeza::domain

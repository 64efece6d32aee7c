#include "domain/position_exit.hpp"

#include <string>

#include "core/enum_names.hpp"

namespace nzeza::domain {

constexpr EnumNames kExitReasonNames{
    ExitReason::trailing_stop, {"stop_loss", "take_profit", "trailing_stop"}, "invalid"};

std::string_view to_string(ExitReason r) noexcept {
  return kExitReasonNames.name(r);
}

Result<OrderSpec> to_order_spec(const ExitIntent& intent, ClientOrderId client_order_id) {
  OrderSpec spec;
  spec.client_order_id = std::move(client_order_id);
  spec.venue = intent.venue;
  spec.instrument = intent.instrument;
  spec.side = intent.side;
  spec.type = intent.type;
  spec.time_in_force = TimeInForce::gtc;
  spec.reduce_only = intent.reduce_only;
  spec.quantity = intent.quantity;
  spec.price = intent.limit_price;
  if (auto s = validate(spec); !s) return s.error();
  return spec;
}

Result<ExitRules> ExitRules::from_fractions(PositionSide side, Decimal entry,
                                            std::optional<Decimal> stop_loss_fraction,
                                            std::optional<Decimal> take_profit_fraction) {
  if (side == PositionSide::flat)
    return fail(ErrorCode::invalid_argument, "exit rules: position is flat");
  if (!entry.is_positive()) {
    return fail(ErrorCode::invalid_argument,
                "exit rules: entry must be > 0, got " + entry.to_string());
  }
  const auto check = [](std::optional<Decimal> f, const char* name) -> Status {
    if (f && (!f->is_positive() || *f >= Decimal::one())) {
      return fail(ErrorCode::invalid_argument, std::string("exit rules: ") + name +
                                                   " fraction must be in (0, 1), got " +
                                                   f->to_string());
    }
    return {};
  };
  if (auto s = check(stop_loss_fraction, "stop-loss"); !s) return s.error();
  if (auto s = check(take_profit_fraction, "take-profit"); !s) return s.error();
  const bool is_long = side == PositionSide::long_side;
  ExitRules rules;
  const auto level = [&](Decimal factor) { return entry.checked_mul(factor); };
  if (stop_loss_fraction) {
    auto sl = level(is_long ? Decimal::one() - *stop_loss_fraction
                            : Decimal::one() + *stop_loss_fraction);
    if (!sl) return sl.error();
    rules.stop_loss = *sl;
  }
  if (take_profit_fraction) {
    auto tp = level(is_long ? Decimal::one() + *take_profit_fraction
                            : Decimal::one() - *take_profit_fraction);
    if (!tp) return tp.error();
    rules.take_profit = *tp;
  }
  return rules;
}

Status ExitRules::validate() const {
  if (stop_loss && !stop_loss->is_positive()) {
    return fail(ErrorCode::invalid_argument,
                "exit rules: stop-loss must be > 0, got " + stop_loss->to_string());
  }
  if (take_profit && !take_profit->is_positive()) {
    return fail(ErrorCode::invalid_argument,
                "exit rules: take-profit must be > 0, got " + take_profit->to_string());
  }
  if (trailing) {
    const bool bad =
        !trailing->amount.is_positive() ||
        (trailing->kind == TrailingStop::Kind::fraction && trailing->amount >= Decimal::one());
    if (bad) {
      return fail(ErrorCode::invalid_argument,
                  "exit rules: trailing amount out of range: " + trailing->amount.to_string());
    }
  }
  return {};
}

Result<ExitMonitor> ExitMonitor::create(ExitRules rules) {
  if (auto s = rules.validate(); !s) return s.error();
  return ExitMonitor(rules);
}

std::optional<Decimal> ExitMonitor::trailing_level() const {
  if (!rules_.trailing || !best_ || tracked_side_ == PositionSide::flat) return std::nullopt;
  const bool is_long = tracked_side_ == PositionSide::long_side;
  const TrailingStop& t = *rules_.trailing;
  if (t.kind == TrailingStop::Kind::distance) {
    auto level = is_long ? best_->checked_sub(t.amount) : best_->checked_add(t.amount);
    if (!level) return std::nullopt;
    return *level;
  }
  auto level = best_->checked_mul(is_long ? Decimal::one() - t.amount : Decimal::one() + t.amount);
  if (!level) return std::nullopt;
  return *level;
}

Result<std::optional<ExitIntent>> ExitMonitor::on_price(const Position& position, Decimal mark,
                                                        Decimal pending_exit_quantity) {
  if (!mark.is_positive()) {
    return fail(ErrorCode::invalid_argument,
                "exit monitor: mark must be > 0, got " + mark.to_string());
  }
  if (pending_exit_quantity.is_negative()) {
    return fail(ErrorCode::invalid_argument, "exit monitor: negative pending exit quantity");
  }
  const PositionSide side = position.side();
  // Opened, flipped, closed or closed-and-reopened: the trailing reference restarts.
  if (side != tracked_side_ || position.opened_at() != tracked_opened_at_) {
    tracked_side_ = side;
    tracked_opened_at_ = position.opened_at();
    best_.reset();
  }
  if (side == PositionSide::flat) return std::optional<ExitIntent>{};
  const bool is_long = side == PositionSide::long_side;
  if (!best_ || (is_long ? mark > *best_ : mark < *best_)) best_ = mark;

  std::optional<ExitReason> reason;
  Decimal trigger;
  if (rules_.stop_loss && (is_long ? mark <= *rules_.stop_loss : mark >= *rules_.stop_loss)) {
    reason = ExitReason::stop_loss;
    trigger = *rules_.stop_loss;
  } else if (auto level = trailing_level(); level && (is_long ? mark <= *level : mark >= *level)) {
    reason = ExitReason::trailing_stop;
    trigger = *level;
  } else if (rules_.take_profit &&
             (is_long ? mark >= *rules_.take_profit : mark <= *rules_.take_profit)) {
    reason = ExitReason::take_profit;
    trigger = *rules_.take_profit;
  }
  if (!reason) return std::optional<ExitIntent>{};

  const Decimal quantity = position.abs_quantity() - pending_exit_quantity;
  if (!quantity.is_positive()) return std::optional<ExitIntent>{};
  ExitIntent intent;
  intent.venue = position.venue();
  intent.instrument = position.instrument();
  intent.side = is_long ? Side::sell : Side::buy;
  intent.quantity = quantity;
  intent.reason = *reason;
  intent.trigger_price = trigger;
  intent.mark_price = mark;
  if (*reason == ExitReason::take_profit) {
    intent.type = OrderType::limit;
    intent.limit_price = trigger;
  }
  return std::optional<ExitIntent>{intent};
}

}  // namespace nzeza::domain

#pragma once
// Protective exits: stop-loss, take-profit and trailing stop on a position.
//
// They never close anything themselves. When a rule triggers, the monitor returns an
// ExitIntent: the reduce-only order to send (side opposite to the position, quantity not
// already covered by pending exit orders). The position changes only when that order's fills
// arrive. (The Rust reference deleted the in-memory position on a trigger and never sent an
// order; see docs/domain/orders.md.)
//
// Triggers, with `mark` the price the caller watches:
//   long : stop-loss mark <= SL, take-profit mark >= TP, trailing mark <= best·(1−f) or best−d
//   short: stop-loss mark >= SL, take-profit mark <= TP, trailing mark >= best·(1+f) or best+d
// When several trigger at once the stop wins: stop_loss, then trailing_stop, then take_profit.
// The trailing stop follows the best price seen since the position opened on its side (highest
// for a long, lowest for a short) and never moves back; a flip, a flat position or a position
// reopened since the last price (a new opened_at) restarts it.

#include <cstdint>
#include <optional>

#include "core/client_id.hpp"
#include "core/decimal.hpp"
#include "core/result.hpp"
#include "domain/order.hpp"
#include "domain/position.hpp"

namespace nzeza::domain {

enum class ExitReason : std::uint8_t { stop_loss, take_profit, trailing_stop };
[[nodiscard]] std::string_view to_string(ExitReason r) noexcept;

struct ExitIntent {
  Venue venue = Venue::paper;
  InstrumentId instrument;
  Side side = Side::sell;  // opposite to the position
  Decimal quantity;        // > 0
  OrderType type = OrderType::market;
  std::optional<Decimal> limit_price;  // take-profit: a limit at the target (never worse)
  bool reduce_only = true;             // spot venues have no flag: the router sends a plain order
                                       // no larger than the holding
  ExitReason reason = ExitReason::stop_loss;
  Decimal trigger_price;  // the level that was crossed
  Decimal mark_price;     // the price that crossed it
};

// The order to send for an intent, with the client id the caller allocated.
[[nodiscard]] Result<OrderSpec> to_order_spec(const ExitIntent& intent,
                                              ClientOrderId client_order_id);

struct TrailingStop {
  enum class Kind : std::uint8_t { fraction, distance };
  Kind kind = Kind::fraction;
  Decimal amount;  // fraction in (0, 1) (0.02 = 2 %), or a price distance > 0
};

struct ExitRules {
  std::optional<Decimal> stop_loss;    // price level
  std::optional<Decimal> take_profit;  // price level
  std::optional<TrailingStop> trailing;

  // The reference's percentage rule: long SL = entry·(1−sl), TP = entry·(1+tp); short
  // SL = entry·(1+sl), TP = entry·(1−tp). Fractions in (0, 1); side must not be flat.
  [[nodiscard]] static Result<ExitRules> from_fractions(
      PositionSide side, Decimal entry, std::optional<Decimal> stop_loss_fraction,
      std::optional<Decimal> take_profit_fraction);
  // Levels > 0, trailing amount in range.
  [[nodiscard]] Status validate() const;
};

class ExitMonitor {
 public:
  static Result<ExitMonitor> create(ExitRules rules);

  // Feeds a price for `position`: moves the trailing reference, then returns the exit to send,
  // if any. `pending_exit_quantity`: quantity of exit orders already working for this
  // position; the intent covers only the rest (nothing when they cover it all), so calling
  // on every tick never doubles an exit. mark must be > 0.
  Result<std::optional<ExitIntent>> on_price(const Position& position, Decimal mark,
                                             Decimal pending_exit_quantity = Decimal::zero());

  [[nodiscard]] const ExitRules& rules() const noexcept { return rules_; }
  // Best price seen for the current side; nullopt before the first price or when flat.
  [[nodiscard]] std::optional<Decimal> best_price() const noexcept { return best_; }
  // Current trailing stop level; nullopt without a trailing rule or a best price.
  [[nodiscard]] std::optional<Decimal> trailing_level() const;

 private:
  explicit ExitMonitor(ExitRules rules) : rules_(rules) {}
  ExitRules rules_;
  PositionSide tracked_side_ = PositionSide::flat;
  Timestamp tracked_opened_at_;
  std::optional<Decimal> best_;
};

}  // namespace nzeza::domain

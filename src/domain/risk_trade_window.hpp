#pragma once
// RiskTradeWindow: the times of recent trades, counted over sliding windows ending at a time
// the caller passes (no clock is read here). A trade at t counts in the window of length w
// ending at `now` when now − w < t, so a trade exactly one hour old no longer counts in the
// hourly window. Trades stamped after `now` (a caller's clock behind the recorder's) count.

#include <cstddef>
#include <deque>

#include "core/time.hpp"

namespace nzeza::domain {

class RiskTradeWindow {
 public:
  // Keeps entries for `horizon` (the longest window asked for); older ones are pruned.
  explicit RiskTradeWindow(Duration horizon) : horizon_(horizon) {}

  // Out-of-order times are inserted in place, so counts never depend on arrival order.
  void record(Timestamp at);
  [[nodiscard]] std::size_t count(Timestamp now, Duration window) const noexcept;
  // Drops trades at or before now − horizon.
  void prune(Timestamp now);
  [[nodiscard]] std::size_t size() const noexcept { return times_.size(); }

 private:
  Duration horizon_;
  std::deque<Timestamp> times_;  // sorted ascending
};

}  // namespace nzeza::domain

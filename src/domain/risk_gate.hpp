#pragma once
// RiskGate: the last word before an order intent is journaled. It answers one question —
// may this order be sent now? — and when it says no, it says which rule and with what numbers.
//
// Checks, in this order (the first failing one is reported; docs/domain/risk.md §1):
//   0 request valid          1 whitelist             2 trading enabled     3 kill switch
//   4 instrument tradable    5 trades in last hour   6 trades in last 24 h 7 min confidence
//   8 positions per symbol   9 positions in total   10 portfolio exposure 11 order notional
//  12 daily-loss halt       13 drawdown halt        14 balance            15 leverage
// A reduce-only order runs only 0, 3 and 4.
//
// Halts latch: every evaluate() (and observe()) first looks at the snapshot and latches the
// daily-loss and drawdown halts when their limits are reached, whatever the order being
// asked about; a latched halt refuses opening orders until reset_halt() (or, for the daily
// loss and only if configured, until the next UTC day). The kill switch is the operator's
// "send nothing" button and also blocks reduce-only orders.
//
// Time is passed in by the caller; no clock is read. Not thread-safe: one owner (the
// execution actor) calls it.

#include <optional>
#include <string>

#include "core/decimal.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/risk_config.hpp"
#include "domain/risk_inputs.hpp"
#include "domain/risk_refusal.hpp"
#include "domain/risk_trade_window.hpp"

namespace nzeza::domain {

enum class HaltKind : std::uint8_t { daily_loss, drawdown };

struct HaltState {
  Timestamp since;     // time of the snapshot that latched it
  std::string detail;  // the numbers that breached the limit
};

class RiskGate {
 public:
  // Validates the config (error names the field).
  [[nodiscard]] static Result<RiskGate> create(RiskConfig config);
  // New limits; trade history, halts, kill switch and high-water mark are kept.
  [[nodiscard]] Status reconfigure(RiskConfig config);
  [[nodiscard]] const RiskConfig& config() const noexcept { return config_; }

  // Checks `request` against the limits, the gate's state and the snapshot `context` at time
  // `now`. Latches halts first (see above). Does not record a trade: call record_trade() when
  // the order is actually sent.
  [[nodiscard]] RiskDecision evaluate(const RiskRequest& request, const RiskContext& context,
                                      Timestamp now);
  // Updates the high-water mark and latches halts from a snapshot, without an order (call it
  // on every portfolio update so a breach halts even when no order is being asked about).
  void observe(const RiskContext& context, Timestamp now);

  // An order was sent at `at`; it counts in the hourly and daily windows.
  void record_trade(Timestamp at);
  [[nodiscard]] std::size_t trades_in_last_hour(Timestamp now) const noexcept;
  [[nodiscard]] std::size_t trades_in_last_day(Timestamp now) const noexcept;

  void engage_kill_switch(std::string reason, Timestamp at);
  void release_kill_switch() noexcept { kill_switch_.reset(); }
  [[nodiscard]] bool kill_switch_engaged() const noexcept { return kill_switch_.has_value(); }

  [[nodiscard]] const std::optional<HaltState>& halt(HaltKind kind) const noexcept;
  [[nodiscard]] bool halted() const noexcept { return daily_halt_ || drawdown_halt_; }
  // Operator's explicit reset. It re-bases the rule on `context` so the same, acknowledged
  // loss does not latch again at once: the daily loss is then measured from the daily PnL at
  // the reset (until the UTC day changes), the drawdown from the equity at the reset.
  void reset_halt(HaltKind kind, const RiskContext& context, Timestamp now);

  // Equity high-water mark since creation or the last drawdown reset.
  [[nodiscard]] Decimal equity_peak() const noexcept { return peak_; }
  // Restores a persisted high-water mark after a restart (raises it, never lowers it).
  void restore_equity_peak(Decimal peak) noexcept;

 private:
  explicit RiskGate(RiskConfig config);

  [[nodiscard]] std::optional<std::string> daily_loss_breach(const RiskContext& c) const;
  [[nodiscard]] std::optional<std::string> drawdown_breach(const RiskContext& c) const;

  RiskConfig config_;
  RiskTradeWindow trades_;
  std::optional<HaltState> kill_switch_;
  std::optional<HaltState> daily_halt_;
  std::optional<HaltState> drawdown_halt_;
  Decimal peak_;
  Decimal daily_pnl_offset_;  // daily PnL acknowledged by a reset, for offset_day_ only
  Timestamp offset_day_;      // UTC day (start) the offset belongs to
};

}  // namespace nzeza::domain

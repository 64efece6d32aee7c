#pragma once
// StrategyPerformance: the reference's StrategyMetrics score (nzeza-reference §2.12), the input
// of SignalCombiner::adjust_weights.
//
// pnl_score = 0.6 + min(pnl, scale)/scale·0.4 when pnl > 0, else 0.4 - min(|pnl|, scale)/scale·0.4;
// score = clamp(pnl_score + execution_rate/100·0.4, 0, 1); execution_rate = executed/signals·100;
// the score starts at 0.5. scale is 1000 (quote currency units) as in the reference.
//
// Deviation (the reference's defect: it recorded a PnL of 0 for every strategy when an order was
// sent, so "learning" only drifted the weights to equal): executions and realised PnL are
// separate calls. The owner calls record_realised_pnl() when a position closes, for the
// strategies that voted for its entry side, with the realised PnL (fees included) in the quote
// currency. The score is recomputed on every record (the reference skipped record_signal).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/decimal.hpp"
#include "core/result.hpp"

namespace nzeza::strategy {

class StrategyPerformance {
 public:
  explicit StrategyPerformance(double pnl_scale = 1000.0) noexcept
      : scale_(pnl_scale > 0.0 ? pnl_scale : 1000.0) {}

  void record_signal() noexcept;
  void record_execution() noexcept;
  void record_realised_pnl(Decimal pnl) noexcept;

  [[nodiscard]] double score() const noexcept { return score_; }
  [[nodiscard]] double execution_rate() const noexcept { return execution_rate_; }
  [[nodiscard]] Decimal realised_pnl() const noexcept { return pnl_; }
  [[nodiscard]] std::uint32_t signals() const noexcept { return signals_; }
  [[nodiscard]] std::uint32_t executions() const noexcept { return executions_; }

 private:
  void update() noexcept;

  double scale_;
  std::uint32_t signals_ = 0;
  std::uint32_t executions_ = 0;
  double execution_rate_ = 0.0;
  Decimal pnl_;
  double score_ = 0.5;
};

// One StrategyPerformance per combiner strategy, in the same order.
class StrategyScoreboard {
 public:
  explicit StrategyScoreboard(std::size_t strategies, double pnl_scale = 1000.0);

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  // Out-of-range index → invalid_argument.
  Status record_signal(std::size_t i);
  Status record_execution(std::size_t i);
  Status record_realised_pnl(std::size_t i, Decimal pnl);
  [[nodiscard]] const StrategyPerformance& at(std::size_t i) const { return entries_.at(i); }
  // Current scores in strategy order (valid until the next record_*).
  [[nodiscard]] std::span<const double> scores() noexcept;

 private:
  Status check(std::size_t i) const;
  std::vector<StrategyPerformance> entries_;
  std::vector<double> scores_;
};

}  // namespace nzeza::strategy

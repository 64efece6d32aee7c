#include "strategy/strategy_performance.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace nzeza::strategy {

void StrategyPerformance::record_signal() noexcept {
  ++signals_;
  update();
}

void StrategyPerformance::record_execution() noexcept {
  ++executions_;
  update();
}

void StrategyPerformance::record_realised_pnl(Decimal pnl) noexcept {
  if (const auto sum = pnl_.checked_add(pnl); sum) pnl_ = *sum;
  update();
}

void StrategyPerformance::update() noexcept {
  if (signals_ > 0) execution_rate_ = static_cast<double>(executions_) / signals_ * 100.0;
  const double pnl = pnl_.to_double();
  const double pnl_score = pnl > 0.0 ? 0.6 + std::min(pnl, scale_) / scale_ * 0.4
                                     : 0.4 - std::min(std::fabs(pnl), scale_) / scale_ * 0.4;
  score_ = std::clamp(pnl_score + execution_rate_ / 100.0 * 0.4, 0.0, 1.0);
}

StrategyScoreboard::StrategyScoreboard(std::size_t strategies, double pnl_scale)
    : entries_(strategies, StrategyPerformance(pnl_scale)), scores_(strategies, 0.5) {}

Status StrategyScoreboard::check(std::size_t i) const {
  if (i >= entries_.size()) {
    return fail(ErrorCode::invalid_argument, "strategy index " + std::to_string(i) +
                                                 " out of range (" +
                                                 std::to_string(entries_.size()) + " strategies)");
  }
  return {};
}

Status StrategyScoreboard::record_signal(std::size_t i) {
  if (auto s = check(i); !s) return s;
  entries_[i].record_signal();
  return {};
}

Status StrategyScoreboard::record_execution(std::size_t i) {
  if (auto s = check(i); !s) return s;
  entries_[i].record_execution();
  return {};
}

Status StrategyScoreboard::record_realised_pnl(std::size_t i, Decimal pnl) {
  if (auto s = check(i); !s) return s;
  entries_[i].record_realised_pnl(pnl);
  return {};
}

std::span<const double> StrategyScoreboard::scores() noexcept {
  for (std::size_t i = 0; i < entries_.size(); ++i) scores_[i] = entries_[i].score();
  return scores_;
}

}  // namespace nzeza::strategy

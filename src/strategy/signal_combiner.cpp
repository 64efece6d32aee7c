#include "strategy/signal_combiner.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "strategy/conservative_scalping.hpp"
#include "strategy/fast_scalping.hpp"
#include "strategy/momentum_scalping.hpp"

namespace nzeza::strategy {
namespace {

// The sum of `values`; invalid_argument naming the first one ("<what> <index>") that is not
// finite or is negative.
Result<double> sum_of_non_negative(std::span<const double> values, std::string_view what) {
  double sum = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i]) || values[i] < 0.0) {
      return fail(ErrorCode::invalid_argument, std::string(what) + " " + std::to_string(i) +
                                                   " must be finite and >= 0, got " +
                                                   std::to_string(values[i]));
    }
    sum += values[i];
  }
  return sum;
}

}  // namespace

Status SignalCombiner::validate_weights(std::span<const double> weights, std::size_t expected) {
  if (weights.size() != expected) {
    return fail(ErrorCode::invalid_argument, "Strategies count (" + std::to_string(expected) +
                                                 ") must match weights count (" +
                                                 std::to_string(weights.size()) + ")");
  }
  const auto sum = sum_of_non_negative(weights, "weight");
  if (!sum) return sum.error();
  if (!(*sum > 0.0)) return fail(ErrorCode::invalid_argument, "weights must not all be 0");
  return {};
}

Result<SignalCombiner> SignalCombiner::create(std::vector<std::unique_ptr<Strategy>> strategies,
                                              std::vector<double> weights) {
  if (strategies.size() != weights.size()) {
    return fail(ErrorCode::invalid_argument,
                "Strategies count (" + std::to_string(strategies.size()) +
                    ") must match weights count (" + std::to_string(weights.size()) + ")");
  }
  if (strategies.empty())
    return fail(ErrorCode::invalid_argument, "At least one strategy is required");
  for (std::size_t i = 0; i < strategies.size(); ++i) {
    if (!strategies[i]) {
      return fail(ErrorCode::invalid_argument, "strategy " + std::to_string(i) + " is null");
    }
  }
  if (auto s = validate_weights(weights, strategies.size()); !s) return s.error();
  return SignalCombiner(std::move(strategies), std::move(weights));
}

SignalCombiner::SignalCombiner(std::vector<std::unique_ptr<Strategy>> strategies,
                               std::vector<double> weights)
    : strategies_(std::move(strategies)), weights_(std::move(weights)), scratch_(weights_.size()) {}

SignalCombiner SignalCombiner::reference_default() {
  std::vector<std::unique_ptr<Strategy>> s;
  s.push_back(std::make_unique<FastScalping>());
  s.push_back(std::make_unique<MomentumScalping>());
  s.push_back(std::make_unique<ConservativeScalping>());
  return SignalCombiner(std::move(s), {0.4, 0.4, 0.2});
}

void SignalCombiner::on_candle(const market::Candle& candle) noexcept {
  for (auto& s : strategies_) s->on_candle(candle);
}

void SignalCombiner::reset() noexcept {
  for (auto& s : strategies_) s->reset();
}

std::optional<CombinedSignal> SignalCombiner::combine() const noexcept {
  CombinedSignal out;
  for (std::size_t i = 0; i < strategies_.size(); ++i) {
    const auto sig = strategies_[i]->signal();
    if (!sig) continue;
    const double w = weights_[i];
    if (sig->kind == SignalKind::buy) out.buy_score += sig->confidence * w;
    if (sig->kind == SignalKind::sell) out.sell_score += sig->confidence * w;
    out.total_weight += w;
    ++out.voters;
  }
  if (out.total_weight == 0.0) return std::nullopt;
  const double buy = out.buy_score / out.total_weight;
  const double sell = out.sell_score / out.total_weight;
  if (buy > sell && buy > 0.5) {
    out.signal = TradingSignal{SignalKind::buy, buy};
  } else if (sell > buy && sell > 0.5) {
    out.signal = TradingSignal{SignalKind::sell, sell};
  } else {
    out.signal = TradingSignal{SignalKind::hold, 0.5};
  }
  return out;
}

Status SignalCombiner::set_weights(std::span<const double> weights) {
  if (auto s = validate_weights(weights, strategies_.size()); !s) return s;
  std::copy(weights.begin(), weights.end(), weights_.begin());
  return {};
}

Status SignalCombiner::adjust_weights(std::span<const double> scores) {
  if (scores.size() != strategies_.size()) {
    return fail(ErrorCode::invalid_argument,
                "Strategy metrics count (" + std::to_string(scores.size()) +
                    ") must match strategies count (" + std::to_string(strategies_.size()) + ")");
  }
  const auto sum = sum_of_non_negative(scores, "score");
  if (!sum) return sum.error();
  const double total = *sum;
  if (total == 0.0) return {};
  double target_sum = 0.0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    scratch_[i] = std::max(scores[i] / total, 0.05);
    target_sum += scratch_[i];
  }
  for (double& w : scratch_) w /= target_sum;
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    const double max_change = weights_[i] * 0.2;
    weights_[i] += std::clamp(scratch_[i] - weights_[i], -max_change, max_change);
  }
  double final_sum = 0.0;
  for (double w : weights_) final_sum += w;
  if (final_sum > 0.0) {
    for (double& w : weights_) w /= final_sum;
  }
  return {};
}

}  // namespace nzeza::strategy

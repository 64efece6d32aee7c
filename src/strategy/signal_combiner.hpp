#pragma once
// SignalCombiner: weighted vote of several strategies (reference §2.2, same arithmetic).
//
// For every strategy with a signal: Buy adds confidence·w to the buy score, Sell to the sell
// score, Hold adds nothing; w is added to the total weight in all three cases. A strategy
// still warming up (no signal) adds nothing, not even weight. buy = buy_score/total,
// sell = sell_score/total. Buy when buy > sell and buy > 0.5, Sell symmetrically, otherwise
// Hold 0.5; no signal at all when the total weight is 0.
//
// Weights: one per strategy, finite and >= 0, not all 0 (validated; the reference accepted
// anything). adjust_weights() follows the reference exactly: target w' = max(score/Σscore, 0.05)
// renormalised; each weight moves toward its target by at most ±20% of itself; renormalised;
// Σscore = 0 leaves the weights alone. (A weight of 0 therefore stays 0: a disabled strategy.)
//
// Owns its strategies. No allocation after construction (adjust_weights uses a buffer sized at
// construction). Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/result.hpp"
#include "market/candle.hpp"
#include "strategy/signal.hpp"
#include "strategy/strategy.hpp"

namespace nzeza::strategy {

struct CombinedSignal {
  TradingSignal signal;
  double buy_score = 0.0;     // Σ confidence·w over Buy votes
  double sell_score = 0.0;    // Σ confidence·w over Sell votes
  double total_weight = 0.0;  // Σ w over strategies that had a signal
  std::uint8_t voters = 0;    // strategies that had a signal
};

class SignalCombiner {
 public:
  // Errors (reference strings): "Strategies count (n) must match weights count (m)",
  // "At least one strategy is required"; plus a null strategy and invalid weights.
  [[nodiscard]] static Result<SignalCombiner> create(
      std::vector<std::unique_ptr<Strategy>> strategies, std::vector<double> weights);
  // The reference's runtime set: fast 0.4, momentum 0.4, conservative 0.2 (default configs).
  [[nodiscard]] static SignalCombiner reference_default();

  // Feeds a closed candle to every strategy.
  void on_candle(const market::Candle& candle) noexcept;
  void reset() noexcept;
  [[nodiscard]] std::optional<CombinedSignal> combine() const noexcept;

  // Scores in strategy order (e.g. StrategyScoreboard::scores()). Errors: count mismatch
  // ("Strategy metrics count (n) must match strategies count (m)"), a score not finite or < 0.
  Status adjust_weights(std::span<const double> scores);
  Status set_weights(std::span<const double> weights);

  [[nodiscard]] std::span<const double> weights() const noexcept { return weights_; }
  [[nodiscard]] std::size_t size() const noexcept { return strategies_.size(); }
  [[nodiscard]] const Strategy& strategy(std::size_t i) const noexcept { return *strategies_[i]; }

 private:
  SignalCombiner(std::vector<std::unique_ptr<Strategy>> strategies, std::vector<double> weights);
  static Status validate_weights(std::span<const double> weights, std::size_t expected);

  std::vector<std::unique_ptr<Strategy>> strategies_;
  std::vector<double> weights_;
  std::vector<double> scratch_;
};

}  // namespace nzeza::strategy

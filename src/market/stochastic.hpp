#pragma once
// Stochastic oscillator: %K = 100·(close - lowest low)/(highest high - lowest low) over the last
// k candles (50 when the range is not above DBL_EPSILON, as the reference), %D = SMA_d of %K.
// O(1) amortised per candle, no allocation after construction.
//
// The reference returned only %D; both lines are exposed here (the conservative strategy still
// reads %D, as the reference did).

#include <cstddef>
#include <optional>

#include "core/result.hpp"
#include "market/rolling_extreme.hpp"
#include "market/rolling_stats.hpp"

namespace nzeza::market {

struct StochasticValue {
  double k = 0.0;
  double d = 0.0;
};

class Stochastic {
 public:
  [[nodiscard]] static Result<Stochastic> create(std::size_t k_period, std::size_t d_period);
  Stochastic(std::size_t k_period, std::size_t d_period);

  // Feeds one candle; returns %K and %D once %D is ready (k + d - 1 candles).
  std::optional<StochasticValue> update(double high, double low, double close) noexcept;
  void reset() noexcept;

  [[nodiscard]] std::optional<double> k() const noexcept {
    return highs_.full() ? std::optional<double>(k_) : std::nullopt;
  }
  [[nodiscard]] bool ready() const noexcept { return d_.full(); }
  [[nodiscard]] std::optional<StochasticValue> value() const noexcept {
    return ready() ? std::optional<StochasticValue>(StochasticValue{k_, d_.mean()}) : std::nullopt;
  }

 private:
  RollingExtreme highs_;
  RollingExtreme lows_;
  RollingStats d_;
  double k_ = 0.0;
};

}  // namespace nzeza::market

#pragma once
// Ema: exponential moving average, updated in O(1), no allocation.
//
// Same arithmetic as the reference (nzeza-reference §2.1): k = 2/(p+1); the first value is the
// simple mean of the first p inputs; each later input x gives ema = (x - ema)*k + ema. The
// value is ready after p inputs, so it equals the last element of the reference's vector EMA
// over the same inputs.

#include <cstddef>
#include <optional>

#include "core/result.hpp"

namespace nzeza::market {

class Ema {
 public:
  // Error when period is 0 or larger than kMaxIndicatorPeriod.
  [[nodiscard]] static Result<Ema> create(std::size_t period);
  // period 0 is treated as 1; prefer create() for configuration input.
  explicit Ema(std::size_t period) noexcept;

  // Feeds one value; returns the EMA once ready.
  std::optional<double> update(double value) noexcept;
  void reset() noexcept;

  [[nodiscard]] bool ready() const noexcept { return count_ >= period_; }
  [[nodiscard]] std::optional<double> value() const noexcept {
    return ready() ? std::optional<double>(ema_) : std::nullopt;
  }
  [[nodiscard]] std::size_t period() const noexcept { return period_; }
  [[nodiscard]] double multiplier() const noexcept { return k_; }
  [[nodiscard]] std::size_t count() const noexcept { return count_; }

 private:
  std::size_t period_;
  double k_;
  double ema_ = 0.0;  // running sum during the seed phase, then the EMA
  std::size_t count_ = 0;
};

}  // namespace nzeza::market

#pragma once
// RollingStats: mean and variance of the last `period` values, updated in O(1) per value.
//
// Sliding Welford update (replace the evicted value by the new one) keeps the variance stable
// for prices far from zero, where sum-of-squares formulas cancel catastrophically. Rounding
// drift is bounded by an exact recomputation from the window every kResyncEvery updates
// (O(period) once per 4096 updates: amortised O(1)). No allocation after construction.

#include <cstddef>
#include <cstdint>

#include "market/ring_buffer.hpp"

namespace nzeza::market {

class RollingStats {
 public:
  static constexpr std::uint32_t kResyncEvery = 4096;

  // period >= 1 (0 is treated as 1; indicators validate periods before constructing).
  explicit RollingStats(std::size_t period);

  void push(double value) noexcept;
  void reset() noexcept;

  [[nodiscard]] std::size_t period() const noexcept { return window_.capacity(); }
  [[nodiscard]] std::size_t count() const noexcept { return window_.size(); }
  [[nodiscard]] bool full() const noexcept { return window_.full(); }
  // Mean of the values in the window (0 when empty).
  [[nodiscard]] double mean() const noexcept { return mean_; }
  // Sum of squared deviations from the mean over the window (>= 0).
  [[nodiscard]] double m2() const noexcept { return m2_ > 0.0 ? m2_ : 0.0; }
  // Population variance (divide by n) and sample variance (divide by n-1; 0 when n < 2).
  [[nodiscard]] double population_variance() const noexcept;
  [[nodiscard]] double sample_variance() const noexcept;
  [[nodiscard]] const RingBuffer<double>& window() const noexcept { return window_; }

 private:
  void resync() noexcept;

  RingBuffer<double> window_;
  double mean_ = 0.0;
  double m2_ = 0.0;
  std::uint32_t since_resync_ = 0;
};

}  // namespace nzeza::market

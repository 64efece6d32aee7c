#include "market/rolling_stats.hpp"

namespace nzeza::market {

RollingStats::RollingStats(std::size_t period) : window_(period) {}

void RollingStats::push(double value) noexcept {
  double evicted = 0.0;
  if (window_.push(value, &evicted)) {
    const double n = static_cast<double>(window_.size());
    const double old_mean = mean_;
    mean_ = old_mean + (value - evicted) / n;
    m2_ += (value - evicted) * (value - mean_ + evicted - old_mean);
  } else {
    const double n = static_cast<double>(window_.size());
    const double delta = value - mean_;
    mean_ += delta / n;
    m2_ += delta * (value - mean_);
  }
  if (++since_resync_ >= kResyncEvery) resync();
}

void RollingStats::resync() noexcept {
  since_resync_ = 0;
  const std::size_t n = window_.size();
  if (n == 0) return;
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += window_[i];
  const double mean = sum / static_cast<double>(n);
  double m2 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = window_[i] - mean;
    m2 += d * d;
  }
  mean_ = mean;
  m2_ = m2;
}

void RollingStats::reset() noexcept {
  window_.clear();
  mean_ = 0.0;
  m2_ = 0.0;
  since_resync_ = 0;
}

double RollingStats::population_variance() const noexcept {
  const std::size_t n = window_.size();
  return n == 0 ? 0.0 : m2() / static_cast<double>(n);
}

double RollingStats::sample_variance() const noexcept {
  const std::size_t n = window_.size();
  return n < 2 ? 0.0 : m2() / static_cast<double>(n - 1);
}

}  // namespace nzeza::market

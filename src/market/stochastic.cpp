#include "market/stochastic.hpp"

#include <limits>

#include "market/indicator_params.hpp"

namespace nzeza::market {

Result<Stochastic> Stochastic::create(std::size_t k_period, std::size_t d_period) {
  if (auto s = validate_period("Stochastic %K period", k_period); !s) return s.error();
  if (auto s = validate_period("Stochastic %D period", d_period); !s) return s.error();
  return Stochastic(k_period, d_period);
}

Stochastic::Stochastic(std::size_t k_period, std::size_t d_period)
    : highs_(k_period, Extreme::max), lows_(k_period, Extreme::min), d_(d_period) {}

std::optional<StochasticValue> Stochastic::update(double high, double low, double close) noexcept {
  highs_.push(high);
  lows_.push(low);
  if (!highs_.full()) return std::nullopt;
  const double hh = highs_.value();
  const double ll = lows_.value();
  const double range = hh - ll;
  k_ = range > std::numeric_limits<double>::epsilon() ? 100.0 * (close - ll) / range : 50.0;
  d_.push(k_);
  return value();
}

void Stochastic::reset() noexcept {
  highs_.reset();
  lows_.reset();
  d_.reset();
  k_ = 0.0;
}

}  // namespace nzeza::market

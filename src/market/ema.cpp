#include "market/ema.hpp"

#include "market/indicator_params.hpp"

namespace nzeza::market {

Result<Ema> Ema::create(std::size_t period) {
  if (auto s = validate_period("EMA period", period); !s) return s.error();
  return Ema(period);
}

Ema::Ema(std::size_t period) noexcept
    : period_(period == 0 ? 1 : period), k_(2.0 / (static_cast<double>(period_) + 1.0)) {}

std::optional<double> Ema::update(double value) noexcept {
  if (count_ < period_) {
    ema_ += value;
    ++count_;
    if (count_ < period_) return std::nullopt;
    ema_ /= static_cast<double>(period_);
    return ema_;
  }
  ++count_;
  ema_ = (value - ema_) * k_ + ema_;
  return ema_;
}

void Ema::reset() noexcept {
  ema_ = 0.0;
  count_ = 0;
}

}  // namespace nzeza::market

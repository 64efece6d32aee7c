#include "strategy/fast_scalping.hpp"

#include <algorithm>

#include "market/indicator_params.hpp"
#include "strategy/config_checks.hpp"

namespace nzeza::strategy {

Status FastScalpingConfig::validate() const {
  if (auto s = market::validate_period("fast_scalping.short_period", short_period); !s) return s;
  if (auto s = market::validate_period("fast_scalping.long_period", long_period); !s) return s;
  if (auto s = check_below("fast_scalping.short_period", short_period, "long_period", long_period);
      !s)
    return s;
  if (auto s = check_range("fast_scalping.signal_confidence", signal_confidence, 0.0, 1.0); !s)
    return s;
  return check_range("fast_scalping.hold_confidence", hold_confidence, 0.0, 1.0);
}

FastScalping::FastScalping(const FastScalpingConfig& config)
    : Base(config), short_(config.short_period), long_(config.long_period) {}

void FastScalping::update(const market::Candle& candle) noexcept {
  const double close = candle.close.to_double();
  short_.update(close);
  long_.update(close);
}

std::optional<TradingSignal> FastScalping::decide() const noexcept {
  const double s = *short_.value();
  const double l = *long_.value();
  if (s > l) return TradingSignal{SignalKind::buy, config_.signal_confidence};
  if (s < l) return TradingSignal{SignalKind::sell, config_.signal_confidence};
  return TradingSignal{SignalKind::hold, config_.hold_confidence};
}

void FastScalping::clear() noexcept {
  short_.reset();
  long_.reset();
}

std::size_t FastScalping::warmup() const noexcept {
  return std::max({config_.min_candles, config_.long_period, config_.short_period});
}

}  // namespace nzeza::strategy

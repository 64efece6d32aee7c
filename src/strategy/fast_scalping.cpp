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
    : Base(config, market::Ema(config.short_period), market::Ema(config.long_period)) {}

std::optional<TradingSignal> FastScalping::decide() const noexcept {
  const double s = *short_ema().value();
  const double l = *long_ema().value();
  if (s > l) return TradingSignal{SignalKind::buy, config_.signal_confidence};
  if (s < l) return TradingSignal{SignalKind::sell, config_.signal_confidence};
  return TradingSignal{SignalKind::hold, config_.hold_confidence};
}

std::size_t FastScalping::warmup() const noexcept {
  return std::max({config_.min_candles, config_.long_period, config_.short_period});
}

}  // namespace nzeza::strategy

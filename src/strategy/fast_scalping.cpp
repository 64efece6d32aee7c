#include "strategy/fast_scalping.hpp"

#include <string>

#include "market/indicator_params.hpp"
#include "strategy/config_checks.hpp"

namespace nzeza::strategy {

Status FastScalpingConfig::validate() const {
  if (auto s = market::validate_period("fast_scalping.short_period", short_period); !s) return s;
  if (auto s = market::validate_period("fast_scalping.long_period", long_period); !s) return s;
  if (short_period >= long_period) {
    return fail(ErrorCode::invalid_argument,
                "fast_scalping.short_period (" + std::to_string(short_period) +
                    ") must be below long_period (" + std::to_string(long_period) + ")");
  }
  if (auto s = check_range("fast_scalping.signal_confidence", signal_confidence, 0.0, 1.0); !s)
    return s;
  return check_range("fast_scalping.hold_confidence", hold_confidence, 0.0, 1.0);
}

Result<FastScalping> FastScalping::create(const FastScalpingConfig& config) {
  if (auto s = config.validate(); !s) return s.error();
  return FastScalping(config);
}

FastScalping::FastScalping(const FastScalpingConfig& config)
    : config_(config), short_(config.short_period), long_(config.long_period) {}

void FastScalping::on_candle(const market::Candle& candle) noexcept {
  const double close = candle.close.to_double();
  short_.update(close);
  long_.update(close);
  ++candles_;
}

std::optional<TradingSignal> FastScalping::signal() const noexcept {
  if (candles_ < warmup()) return std::nullopt;
  const double s = *short_.value();
  const double l = *long_.value();
  if (s > l) return TradingSignal{SignalKind::buy, config_.signal_confidence};
  if (s < l) return TradingSignal{SignalKind::sell, config_.signal_confidence};
  return TradingSignal{SignalKind::hold, config_.hold_confidence};
}

void FastScalping::reset() noexcept {
  short_.reset();
  long_.reset();
  candles_ = 0;
}

std::size_t FastScalping::warmup() const noexcept {
  std::size_t w = config_.min_candles;
  if (w < config_.long_period) w = config_.long_period;
  if (w < config_.short_period) w = config_.short_period;
  return w;
}

}  // namespace nzeza::strategy

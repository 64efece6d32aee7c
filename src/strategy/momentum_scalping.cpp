#include "strategy/momentum_scalping.hpp"

#include <algorithm>

#include "market/indicator_params.hpp"
#include "strategy/config_checks.hpp"

namespace nzeza::strategy {

Status MomentumScalpingConfig::validate() const {
  if (auto s = market::validate_period("momentum_scalping.rsi_period", rsi_period); !s) return s;
  if (auto m = market::Macd::create(macd_fast, macd_slow, macd_signal); !m) {
    return m.error().with_context("momentum_scalping");
  }
  if (auto s = check_range("momentum_scalping.oversold", oversold, 0.0, 100.0); !s) return s;
  if (auto s = check_range("momentum_scalping.overbought", overbought, 0.0, 100.0); !s) return s;
  if (auto s = check_below("momentum_scalping.oversold", oversold, "overbought", overbought); !s)
    return s;
  if (auto s = check_range("momentum_scalping.signal_confidence", signal_confidence, 0.0, 1.0); !s)
    return s;
  return check_range("momentum_scalping.hold_confidence", hold_confidence, 0.0, 1.0);
}

MomentumScalping::MomentumScalping(const MomentumScalpingConfig& config)
    : Base(config, market::Rsi(config.rsi_period, config.rsi_method),
           market::Macd(config.macd_fast, config.macd_slow, config.macd_signal)) {}

std::optional<TradingSignal> MomentumScalping::decide() const noexcept {
  const auto rsi = this->rsi().value();
  const auto macd = this->macd().value();
  if (!rsi || !macd) return std::nullopt;
  const double gate = config_.gate == MacdGate::histogram     ? macd->histogram
                      : config_.gate == MacdGate::signal_line ? macd->signal
                                                              : macd->line;
  if (*rsi < config_.oversold && gate > 0.0)
    return TradingSignal{SignalKind::buy, config_.signal_confidence};
  if (*rsi > config_.overbought && gate < 0.0) {
    return TradingSignal{SignalKind::sell, config_.signal_confidence};
  }
  return TradingSignal{SignalKind::hold, config_.hold_confidence};
}

std::size_t MomentumScalping::warmup() const noexcept {
  return std::max({config_.min_candles, macd().warmup(), config_.rsi_period + 1});
}

}  // namespace nzeza::strategy

#include "strategy/conservative_scalping.hpp"

#include <algorithm>

#include "strategy/config_checks.hpp"

namespace nzeza::strategy {

Status ConservativeScalpingConfig::validate() const {
  if (auto b = market::Bollinger::create(bollinger_period, bollinger_k, sigma); !b) {
    return b.error().with_context("conservative_scalping");
  }
  if (auto st = market::Stochastic::create(stochastic_k, stochastic_d); !st) {
    return st.error().with_context("conservative_scalping");
  }
  if (auto v = market::Vwap::create(vwap_session); !v)
    return v.error().with_context("conservative_scalping");
  if (auto s = check_range("conservative_scalping.stochastic_low", stochastic_low, 0.0, 100.0); !s)
    return s;
  if (auto s = check_range("conservative_scalping.stochastic_high", stochastic_high, 0.0, 100.0);
      !s)
    return s;
  if (auto s = check_below("conservative_scalping.stochastic_low", stochastic_low,
                           "stochastic_high", stochastic_high);
      !s)
    return s;
  if (auto s = check_range("conservative_scalping.signal_confidence", signal_confidence, 0.0, 1.0);
      !s)
    return s;
  return check_range("conservative_scalping.hold_confidence", hold_confidence, 0.0, 1.0);
}

ConservativeScalping::ConservativeScalping(const ConservativeScalpingConfig& config)
    : Base(config, market::Bollinger(config.bollinger_period, config.bollinger_k, config.sigma),
           market::Stochastic(config.stochastic_k, config.stochastic_d),
           market::Vwap(config.vwap_session)) {}

std::optional<TradingSignal> ConservativeScalping::decide() const noexcept {
  const auto bb = bollinger().value();
  const auto st = stochastic().value();
  const auto vwap = this->vwap().value();
  if (!bb || !st || !vwap) return std::nullopt;
  const double c = last_close();
  if (c < bb->lower && st->d < config_.stochastic_low && c < *vwap) {
    return TradingSignal{SignalKind::buy, config_.signal_confidence};
  }
  if (c > bb->upper && st->d > config_.stochastic_high && c > *vwap) {
    return TradingSignal{SignalKind::sell, config_.signal_confidence};
  }
  return TradingSignal{SignalKind::hold, config_.hold_confidence};
}

std::size_t ConservativeScalping::warmup() const noexcept {
  return std::max({config_.min_candles, config_.bollinger_period,
                   config_.stochastic_k + config_.stochastic_d - 1});
}

}  // namespace nzeza::strategy

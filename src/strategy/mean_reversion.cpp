#include "strategy/mean_reversion.hpp"

#include <algorithm>
#include <cmath>

#include "market/indicator_params.hpp"
#include "strategy/config_checks.hpp"

namespace nzeza::strategy {

Status MeanReversionConfig::validate() const {
  if (auto s = market::validate_period("mean_reversion.period", period); !s) return s;
  if (period < 2)
    return fail(ErrorCode::invalid_argument, "mean_reversion.period must be >= 2, got 1");
  if (auto s = market::validate_period("mean_reversion.rsi_period", rsi_period); !s) return s;
  if (auto s = check_range("mean_reversion.entry_z", entry_z, 0.0, 100.0); !s) return s;
  if (auto s = check_range("mean_reversion.rsi_buy_max", rsi_buy_max, 0.0, 100.0); !s) return s;
  if (auto s = check_range("mean_reversion.rsi_sell_min", rsi_sell_min, 0.0, 100.0); !s) return s;
  if (auto s = check_range("mean_reversion.base_confidence", base_confidence, 0.0, 1.0); !s)
    return s;
  if (auto s = check_range("mean_reversion.confidence_slope", confidence_slope, 0.0, 1.0); !s)
    return s;
  if (auto s = check_range("mean_reversion.max_confidence", max_confidence, base_confidence, 1.0);
      !s)
    return s;
  return check_range("mean_reversion.hold_confidence", hold_confidence, 0.0, 1.0);
}

MeanReversion::MeanReversion(const MeanReversionConfig& config)
    : Base(config, market::Bollinger(config.period, config.entry_z),
           market::Rsi(config.rsi_period)) {}

std::optional<double> MeanReversion::z_score() const noexcept {
  return indicator<0>().z_score(last_close());
}

std::optional<TradingSignal> MeanReversion::decide() const noexcept {
  const auto z = z_score();
  const auto rsi = indicator<1>().value();
  if (!z || !rsi) return std::nullopt;
  const double stretch = std::fabs(*z) - config_.entry_z;
  double confidence = config_.base_confidence + config_.confidence_slope * stretch;
  if (confidence > config_.max_confidence) confidence = config_.max_confidence;
  if (stretch >= 0.0 && *z < 0.0 && *rsi <= config_.rsi_buy_max) {
    return TradingSignal{SignalKind::buy, confidence};
  }
  if (stretch >= 0.0 && *z > 0.0 && *rsi >= config_.rsi_sell_min) {
    return TradingSignal{SignalKind::sell, confidence};
  }
  return TradingSignal{SignalKind::hold, config_.hold_confidence};
}

std::size_t MeanReversion::warmup() const noexcept {
  return std::max(config_.period, config_.rsi_period + 1);
}

}  // namespace nzeza::strategy

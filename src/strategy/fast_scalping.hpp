#pragma once
// FastScalping (reference §2.2): EMA(3) vs EMA(5) of closes; needs 10 candles.
// short > long → Buy 0.8; short < long → Sell 0.8; equal → Hold 0.5. Same arithmetic as the
// reference (its EMA's last value equals our incremental EMA after the same closes).

#include <cstddef>

#include "core/result.hpp"
#include "market/ema.hpp"
#include "strategy/indicator_strategy.hpp"

namespace nzeza::strategy {

struct FastScalpingConfig {
  std::size_t short_period = 3;
  std::size_t long_period = 5;
  std::size_t min_candles = 10;
  double signal_confidence = 0.8;
  double hold_confidence = 0.5;
  [[nodiscard]] Status validate() const;
};

class FastScalping final
    : public IndicatorStrategy<FastScalping, FastScalpingConfig, market::Ema, market::Ema> {
 public:
  explicit FastScalping(const FastScalpingConfig& config = {});

  [[nodiscard]] std::string_view name() const noexcept override { return "fast_scalping"; }
  [[nodiscard]] std::size_t warmup() const noexcept override;

  [[nodiscard]] const market::Ema& short_ema() const noexcept { return indicator<0>(); }
  [[nodiscard]] const market::Ema& long_ema() const noexcept { return indicator<1>(); }

 private:
  friend Base;
  [[nodiscard]] std::optional<TradingSignal> decide() const noexcept;
};

}  // namespace nzeza::strategy

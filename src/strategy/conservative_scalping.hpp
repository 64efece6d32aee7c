#pragma once
// ConservativeScalping (reference §2.2): Bollinger(10, 2.0, population σ), Stochastic(7, 3)
// %D and VWAP; needs 10 candles.
// close < lower band and %D < 20 and close < VWAP → Buy 0.7;
// close > upper band and %D > 80 and close > VWAP → Sell 0.7; else Hold 0.6.
// Deviation: VWAP weights by traded size and restarts each UTC day (reference: tick counts,
// never restarted).

#include <cstddef>

#include "core/result.hpp"
#include "market/bollinger.hpp"
#include "market/stochastic.hpp"
#include "market/vwap.hpp"
#include "strategy/indicator_strategy.hpp"

namespace nzeza::strategy {

struct ConservativeScalpingConfig {
  std::size_t bollinger_period = 10;
  double bollinger_k = 2.0;
  market::SigmaKind sigma = market::SigmaKind::population;
  std::size_t stochastic_k = 7;
  std::size_t stochastic_d = 3;
  Duration vwap_session = std::chrono::hours(24);
  std::size_t min_candles = 10;
  double stochastic_low = 20.0;
  double stochastic_high = 80.0;
  double signal_confidence = 0.7;
  double hold_confidence = 0.6;
  [[nodiscard]] Status validate() const;
};

class ConservativeScalping final
    : public IndicatorStrategy<ConservativeScalping, ConservativeScalpingConfig, market::Bollinger,
                               market::Stochastic, market::Vwap> {
 public:
  explicit ConservativeScalping(const ConservativeScalpingConfig& config = {});

  [[nodiscard]] std::string_view name() const noexcept override { return "conservative_scalping"; }
  [[nodiscard]] std::size_t warmup() const noexcept override;

  [[nodiscard]] const market::Bollinger& bollinger() const noexcept { return indicator<0>(); }
  [[nodiscard]] const market::Stochastic& stochastic() const noexcept { return indicator<1>(); }
  [[nodiscard]] const market::Vwap& vwap() const noexcept { return indicator<2>(); }

 private:
  friend Base;
  [[nodiscard]] std::optional<TradingSignal> decide() const noexcept;
};

}  // namespace nzeza::strategy

#pragma once
// MeanReversion (new; the reference had none): fades stretched moves back to the mean.
//
// z = (close - SMA(period)) / σ(period) (population σ, the Bollinger window), RSI Wilder(rsi).
// z <= -entry_z and RSI <= rsi_buy_max  → Buy;
// z >= +entry_z and RSI >= rsi_sell_min → Sell;
// confidence = min(base + slope·(|z| - entry_z), max) — stronger stretch, higher confidence;
// otherwise Hold at hold_confidence. A flat window (σ = 0) is z = 0: Hold.
// Warm-up: max(period, rsi_period + 1) candles.

#include <cstddef>

#include "core/result.hpp"
#include "market/bollinger.hpp"
#include "market/rsi.hpp"
#include "strategy/indicator_strategy.hpp"

namespace nzeza::strategy {

struct MeanReversionConfig {
  std::size_t period = 20;
  double entry_z = 2.0;
  std::size_t rsi_period = 14;
  double rsi_buy_max = 35.0;
  double rsi_sell_min = 65.0;
  double base_confidence = 0.6;
  double confidence_slope = 0.1;
  double max_confidence = 0.9;
  double hold_confidence = 0.5;
  [[nodiscard]] Status validate() const;
};

class MeanReversion final
    : public IndicatorStrategy<MeanReversion, MeanReversionConfig, market::Bollinger, market::Rsi> {
 public:
  explicit MeanReversion(const MeanReversionConfig& config = {});

  [[nodiscard]] std::string_view name() const noexcept override { return "mean_reversion"; }
  [[nodiscard]] std::size_t warmup() const noexcept override;

  // z-score of the latest close (nullopt before the window is full).
  [[nodiscard]] std::optional<double> z_score() const noexcept;

 private:
  friend Base;
  [[nodiscard]] std::optional<TradingSignal> decide() const noexcept;
};

}  // namespace nzeza::strategy

#pragma once
// MomentumScalping (reference §2.2): RSI(7) with MACD(6,13,5); the reference needed 13 candles.
// RSI < 30 and MACD gate > 0 → Buy 0.9; RSI > 70 and gate < 0 → Sell 0.9; else Hold 0.5.
//
// Deviations (docs/domain/market.md):
// - MACD is correctly aligned, so its signal line exists only from slow + signal - 1 = 17
//   candles: the warm-up is 17, not 13.
// - The gate is the MACD histogram (line - signal: momentum turning) by default; the
//   reference's choice, the sign of the signal line, is MacdGate::signal_line.
// - RSI is Wilder's by default; RsiMethod::cutler_reference reproduces the reference.

#include <cstddef>
#include <cstdint>

#include "core/result.hpp"
#include "market/macd.hpp"
#include "market/rsi.hpp"
#include "strategy/indicator_strategy.hpp"

namespace nzeza::strategy {

enum class MacdGate : std::uint8_t { histogram, signal_line, line };

struct MomentumScalpingConfig {
  std::size_t rsi_period = 7;
  market::RsiMethod rsi_method = market::RsiMethod::wilder;
  std::size_t macd_fast = 6;
  std::size_t macd_slow = 13;
  std::size_t macd_signal = 5;
  MacdGate gate = MacdGate::histogram;
  std::size_t min_candles = 13;
  double oversold = 30.0;
  double overbought = 70.0;
  double signal_confidence = 0.9;
  double hold_confidence = 0.5;
  [[nodiscard]] Status validate() const;
};

class MomentumScalping final : public IndicatorStrategy<MomentumScalping, MomentumScalpingConfig,
                                                        market::Rsi, market::Macd> {
 public:
  explicit MomentumScalping(const MomentumScalpingConfig& config = {});

  [[nodiscard]] std::string_view name() const noexcept override { return "momentum_scalping"; }
  [[nodiscard]] std::size_t warmup() const noexcept override;

  [[nodiscard]] const market::Rsi& rsi() const noexcept { return indicator<0>(); }
  [[nodiscard]] const market::Macd& macd() const noexcept { return indicator<1>(); }

 private:
  friend Base;
  [[nodiscard]] std::optional<TradingSignal> decide() const noexcept;
};

}  // namespace nzeza::strategy

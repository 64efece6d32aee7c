#pragma once
// A strategy whose signal the test sets, to pin the combiner's arithmetic.

#include <optional>
#include <string_view>

#include "strategy/strategy.hpp"

namespace nzeza::strategy::test {

class FixedStrategy final : public Strategy {
 public:
  explicit FixedStrategy(std::optional<TradingSignal> s = std::nullopt) : signal_(s) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "fixed"; }
  void on_candle(const market::Candle&) noexcept override { ++candles; }
  [[nodiscard]] std::optional<TradingSignal> signal() const noexcept override { return signal_; }
  void reset() noexcept override { ++resets; }
  [[nodiscard]] std::size_t warmup() const noexcept override { return 0; }
  void set(std::optional<TradingSignal> s) { signal_ = s; }
  int candles = 0;
  int resets = 0;

 private:
  std::optional<TradingSignal> signal_;
};

}  // namespace nzeza::strategy::test

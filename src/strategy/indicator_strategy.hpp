#pragma once
// IndicatorStrategy: the plumbing every indicator strategy shares, written once — creation
// through its config's validate(), feeding each closed candle to its indicators, the count of
// candles seen, the warm-up gate before a signal, and the reset of all of it.
//
// A strategy is its Config, its Indicators (each fed every closed candle by feed() below) and,
// privately with `friend Base;`, `std::optional<TradingSignal> decide() const noexcept`, called
// only once warmed up; publicly, name() and warmup() of the Strategy interface and a constructor
// from Config that hands Base the config and the indicators, built from it. Config provides
// `Status validate() const`. Same contract as Strategy (no allocation after construction, one
// owner).

#include <cstddef>
#include <optional>
#include <tuple>
#include <utility>

#include "core/result.hpp"
#include "market/candle.hpp"
#include "market/stochastic.hpp"
#include "market/vwap.hpp"
#include "strategy/strategy.hpp"

namespace nzeza::strategy {

// One closed candle to an indicator: its close, or every input the indicator takes.
template <typename Indicator>
void feed(Indicator& indicator, const market::Candle& candle) noexcept {
  indicator.update(candle.close.to_double());
}
inline void feed(market::Stochastic& stochastic, const market::Candle& candle) noexcept {
  stochastic.update(candle.high.to_double(), candle.low.to_double(), candle.close.to_double());
}
inline void feed(market::Vwap& vwap, const market::Candle& candle) noexcept {
  vwap.update(candle.start, candle.high.to_double(), candle.low.to_double(),
              candle.close.to_double(), candle.volume.to_double());
}

template <typename Derived, typename Config, typename... Indicators>
class IndicatorStrategy : public Strategy {
 public:
  // The strategy, or the config's first error.
  [[nodiscard]] static Result<Derived> create(const Config& config = {}) {
    if (auto s = config.validate(); !s) return s.error();
    return Derived(config);
  }

  void on_candle(const market::Candle& candle) noexcept final {
    std::apply([&](auto&... indicator) { (feed(indicator, candle), ...); }, indicators_);
    last_close_ = candle.close.to_double();
    ++candles_;
  }

  [[nodiscard]] std::optional<TradingSignal> signal() const noexcept final {
    if (candles_ < this->warmup()) return std::nullopt;
    return static_cast<const Derived&>(*this).decide();
  }

  void reset() noexcept final {
    std::apply([](auto&... indicator) { (indicator.reset(), ...); }, indicators_);
    last_close_ = 0.0;
    candles_ = 0;
  }

 protected:
  using Base = IndicatorStrategy;

  IndicatorStrategy(const Config& config, Indicators... indicators)
      : config_(config), indicators_(std::move(indicators)...) {}

  // The I-th of Indicators.
  template <std::size_t I>
  [[nodiscard]] const auto& indicator() const noexcept {
    return std::get<I>(indicators_);
  }
  // The close of the latest candle (0 before the first).
  [[nodiscard]] double last_close() const noexcept { return last_close_; }

  Config config_;

 private:
  std::tuple<Indicators...> indicators_;
  double last_close_ = 0.0;
  std::size_t candles_ = 0;
};

}  // namespace nzeza::strategy

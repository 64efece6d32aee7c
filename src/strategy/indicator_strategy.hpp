#pragma once
// IndicatorStrategy: the plumbing every indicator strategy shares, written once — creation
// through its config's validate(), the count of candles seen, the warm-up gate before a signal
// and the reset of that count.
//
// Derived (CRTP) provides, privately with `friend Base;`:
//   void update(const market::Candle&) noexcept          — feed its indicators one closed candle;
//   std::optional<TradingSignal> decide() const noexcept — called only once warmed up;
//   void clear() noexcept                                — reset its indicators;
// and, publicly, name() and warmup() of the Strategy interface and a constructor from Config.
// Config provides `Status validate() const`. Same contract as Strategy (no allocation after
// construction, one owner).

#include <cstddef>
#include <optional>

#include "core/result.hpp"
#include "market/candle.hpp"
#include "strategy/strategy.hpp"

namespace nzeza::strategy {

template <typename Derived, typename Config>
class IndicatorStrategy : public Strategy {
 public:
  // The strategy, or the config's first error.
  [[nodiscard]] static Result<Derived> create(const Config& config = {}) {
    if (auto s = config.validate(); !s) return s.error();
    return Derived(config);
  }

  void on_candle(const market::Candle& candle) noexcept final {
    self().update(candle);
    ++candles_;
  }

  [[nodiscard]] std::optional<TradingSignal> signal() const noexcept final {
    if (candles_ < this->warmup()) return std::nullopt;
    return self().decide();
  }

  void reset() noexcept final {
    self().clear();
    candles_ = 0;
  }

 protected:
  using Base = IndicatorStrategy;

  explicit IndicatorStrategy(const Config& config) : config_(config) {}

  Config config_;

 private:
  Derived& self() noexcept { return static_cast<Derived&>(*this); }
  const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }

  std::size_t candles_ = 0;
};

}  // namespace nzeza::strategy

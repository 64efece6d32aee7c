#pragma once
// Strategy: consumes closed candles one at a time (updating its own incremental indicators in
// O(1), no recomputation over vectors) and says what it thinks of the latest one.
//
// Contract: on_candle() is called once per closed candle in time order, gap candles included
// (they keep the indicators' cadence); signal() is nullopt until the strategy has enough
// candles (its warm-up), as the reference's `None`. reset() restarts the warm-up (after a
// series break). No allocation after construction; not thread-safe (one owner).

#include <cstddef>
#include <optional>
#include <string_view>

#include "market/candle.hpp"
#include "strategy/signal.hpp"

namespace nzeza::strategy {

class Strategy {
 public:
  virtual ~Strategy() = default;
  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
  virtual void on_candle(const market::Candle& candle) noexcept = 0;
  [[nodiscard]] virtual std::optional<TradingSignal> signal() const noexcept = 0;
  virtual void reset() noexcept = 0;
  // Candles needed before signal() can be set.
  [[nodiscard]] virtual std::size_t warmup() const noexcept = 0;
};

}  // namespace nzeza::strategy

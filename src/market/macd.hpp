#pragma once
// Macd: MACD line, signal line and histogram, O(1) per close, no allocation.
//
// Correctly aligned (a deliberate fix of the reference, which zipped the fast and slow EMA
// vectors from index 0 and so subtracted EMAs of different candles, and returned only the
// signal line): line = EMA_fast(close_t) - EMA_slow(close_t) for the same close, defined from
// the slow-th close on; signal = EMA_signal of the line, defined signal-1 closes later;
// histogram = line - signal. This is the StockCharts / Appel definition.

#include <cstddef>
#include <optional>

#include "core/result.hpp"
#include "market/ema.hpp"

namespace nzeza::market {

struct MacdValue {
  double line = 0.0;
  double signal = 0.0;
  double histogram = 0.0;
};

class Macd {
 public:
  // Error for a bad period or fast >= slow.
  [[nodiscard]] static Result<Macd> create(std::size_t fast, std::size_t slow, std::size_t signal);
  Macd(std::size_t fast, std::size_t slow, std::size_t signal) noexcept;

  // Returns the full value once the signal line is ready.
  std::optional<MacdValue> update(double close) noexcept;
  // As constructed: every EMA and the line, from the same periods.
  void reset() noexcept { *this = Macd(fast_.period(), slow_.period(), signal_.period()); }

  // The MACD line alone, ready from the slow-th close.
  [[nodiscard]] std::optional<double> line() const noexcept {
    return slow_.ready() ? std::optional<double>(line_) : std::nullopt;
  }
  [[nodiscard]] bool ready() const noexcept { return signal_.ready(); }
  [[nodiscard]] std::optional<MacdValue> value() const noexcept;
  // Closes needed before value() is ready: slow + signal - 1.
  [[nodiscard]] std::size_t warmup() const noexcept {
    return slow_.period() + signal_.period() - 1;
  }

 private:
  Ema fast_;
  Ema slow_;
  Ema signal_;
  double line_ = 0.0;
};

}  // namespace nzeza::market

#pragma once
// Candle: one closed (or in-progress) clock-aligned interval of a symbol's prices.
//
// Prices and volume are exact Decimals; indicators convert to double at their boundary.
// `volume` is the traded size in the interval (sum of trade sizes), `trades` the number of
// trades, `price_updates` the number of prices that formed OHLC (trades or quote mids).
//
// A gap candle (`gap` set) had no price in its interval: O = H = L = C = the previous close and
// it is never a basis for a signal, but it keeps the series' cadence for the indicators.
// `series_break` marks the first candle after more consecutive empty intervals than the
// builder emits gap candles for: consumers restart their indicators' warm-up there.

#include <cstdint>

#include "core/decimal.hpp"
#include "core/time.hpp"

namespace nzeza::market {

struct Candle {
  Timestamp start;  // inclusive, a multiple of interval since the epoch
  Duration interval{};
  Decimal open;
  Decimal high;
  Decimal low;
  Decimal close;
  Decimal volume;
  std::uint32_t trades = 0;
  std::uint32_t price_updates = 0;
  bool gap = false;
  bool series_break = false;

  // Exclusive end of the interval: the candle is closed once now >= end().
  [[nodiscard]] Timestamp end() const noexcept { return start + interval; }
};

}  // namespace nzeza::market

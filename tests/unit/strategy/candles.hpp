#pragma once
// Test helpers: closed 10 s candles from close prices.

#include <vector>

#include "core/decimal.hpp"
#include "market/candle.hpp"

namespace nzeza::strategy::test {

inline const Timestamp kT0 = Timestamp::from_seconds(1'700'000'000);

inline market::Candle candle(int index, double close, double spread = 0.0, double volume = 1.0) {
  market::Candle c;
  c.interval = std::chrono::seconds(10);
  c.start = kT0 + c.interval * index;
  c.close = Decimal::from_double(close).value();
  c.open = c.close;
  c.high = Decimal::from_double(close + spread).value();
  c.low = Decimal::from_double(close - spread).value();
  c.volume = Decimal::from_double(volume).value();
  c.trades = 1;
  c.price_updates = 1;
  return c;
}

}  // namespace nzeza::strategy::test

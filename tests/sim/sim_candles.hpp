#pragma once
// Deterministic candle history for the venue simulators (Binance klines, Coinbase candles, Kraken
// OHLC): the same (symbol, interval, start) always gives the same candle, so a simulator answers
// any history request without storing one, and a test computes what it must receive.
//
// Our own numbers, not a venue's: prices move by whole ticks around `base`; one candle in eleven
// had no trade (trades 0, volume 0, O = H = L = C), which a venue either publishes as such
// (Binance, Kraken) or leaves out (Coinbase).

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "core/decimal.hpp"

namespace nzeza::sim {

struct SimCandle {
  std::int64_t start_ms = 0;
  Decimal open;
  Decimal high;
  Decimal low;
  Decimal close;
  Decimal volume;
  std::uint32_t trades = 0;
};

namespace detail {
inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}
inline std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return h;
}
// The price the candle starting at `start_ms` opens at: base +- 100 ticks.
inline Decimal level(std::uint64_t seed, std::int64_t start_ms, Decimal base, Decimal tick) {
  const auto h = splitmix64(seed ^ static_cast<std::uint64_t>(start_ms));
  const auto steps = static_cast<std::int64_t>(h % 201) - 100;
  return base + tick * Decimal::from_integer(steps);
}
}  // namespace detail

// The candle of `symbol` at `interval_ms` that starts at `start_ms` (a multiple of interval_ms).
// `base` must exceed 130 ticks so that every low stays positive.
inline SimCandle sim_candle(std::string_view symbol, std::int64_t interval_ms,
                            std::int64_t start_ms, Decimal base, Decimal tick) {
  const std::uint64_t seed =
      detail::fnv1a(symbol) ^ detail::splitmix64(static_cast<std::uint64_t>(interval_ms));
  const std::uint64_t h = detail::splitmix64(seed + 3 * static_cast<std::uint64_t>(start_ms));
  SimCandle c;
  c.start_ms = start_ms;
  c.open = detail::level(seed, start_ms, base, tick);
  if (h % 11 == 0) {  // nobody traded
    c.high = c.low = c.close = c.open;
    c.volume = Decimal::zero();
    c.trades = 0;
    return c;
  }
  c.close = detail::level(seed, start_ms + interval_ms, base, tick);
  c.high =
      std::max(c.open, c.close) + tick * Decimal::from_integer(static_cast<int>((h >> 8) % 30));
  c.low =
      std::min(c.open, c.close) - tick * Decimal::from_integer(static_cast<int>((h >> 16) % 30));
  c.volume = Decimal::from_raw8(static_cast<std::int64_t>((h >> 24) % 1'000'000'000) + 1);
  c.trades = static_cast<std::uint32_t>(1 + (h >> 40) % 500);
  return c;
}

}  // namespace nzeza::sim

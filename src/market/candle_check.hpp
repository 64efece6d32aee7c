#pragma once
// check_candle: what a candle read from outside (a venue's REST history, a file) must satisfy
// before anything uses it, so that every reader of history applies one rule:
// - interval > 0 and start a multiple of the interval since the epoch (Candle's alignment);
// - prices positive, low <= open, close <= high;
// - volume not negative.
// The error (invalid_argument) names the field and both values: "high 99 below close 100".
// Readers wrap it with where the candle was (venue, index, start).

#include <string>

#include "core/result.hpp"
#include "core/time.hpp"
#include "market/candle.hpp"

namespace nzeza::market {

[[nodiscard]] Status check_candle(const Candle& candle);

// "1m", "10s", "4h", "1d", "250ms": the largest unit that divides the duration exactly
// (d, h, m, s, ms, us, ns), for messages. Zero and negative durations print in ns ("0ns").
[[nodiscard]] std::string interval_text(Duration interval);

}  // namespace nzeza::market

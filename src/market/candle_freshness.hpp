#pragma once
// Whether a closed candle may be the basis of a signal at time `now` (LESSONS 12: a candle
// older than its interval allows is never used for a signal, and the reason is counted).
//
// A candle is:
// - not_closed while now < end() (a partial candle is never signalled on);
// - gap when it carries no price of its own;
// - stale once now - end() >= max_age (default: one interval, i.e. as soon as the next candle
//   should have closed, this one is no longer the latest);
// - fresh otherwise.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/time.hpp"
#include "market/candle.hpp"

namespace nzeza::market {

enum class CandleFreshness : std::uint8_t { fresh, not_closed, gap, stale };
inline constexpr std::size_t kCandleFreshnessCount = 4;
[[nodiscard]] std::string_view to_string(CandleFreshness f) noexcept;

// max_age <= 0 means "one interval".
[[nodiscard]] CandleFreshness check_freshness(const Candle& candle, Timestamp now,
                                              Duration max_age = Duration::zero()) noexcept;

// Counts each verdict, for metrics ("why was there no signal").
class FreshnessCounters {
 public:
  void count(CandleFreshness f) noexcept { ++counts_[static_cast<std::size_t>(f)]; }
  [[nodiscard]] std::uint64_t get(CandleFreshness f) const noexcept {
    return counts_[static_cast<std::size_t>(f)];
  }

 private:
  std::array<std::uint64_t, kCandleFreshnessCount> counts_{};
};

}  // namespace nzeza::market

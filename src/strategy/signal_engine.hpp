#pragma once
// SignalEngine: closed candles → strategies → combiner, with the freshness rule.
//
// For each candle popped from a CandleBuilder, in order, with the caller's `now`:
// 1. A candle that has not closed yet (now < end) is refused: it never reaches an indicator.
// 2. A series_break candle resets every strategy (warm-up restarts).
// 3. The candle updates every strategy's indicators (gap and stale candles too: they keep the
//    cadence).
// 4. Only a fresh candle may give a signal: gap and stale candles (market::check_freshness,
//    max_age default one interval) give none, with the reason counted; a backlog drained late
//    therefore updates the indicators but signals at most on its latest, still-fresh candle.
// 5. The combiner's verdict (nullopt while every strategy warms up: reason warming_up).
// No allocation; not thread-safe (one owner, the symbol's market actor).

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/time.hpp"
#include "market/candle.hpp"
#include "strategy/signal_combiner.hpp"

namespace nzeza::strategy {

enum class NoSignalReason : std::uint8_t { none, not_closed, gap_candle, stale_candle, warming_up };
inline constexpr std::size_t kNoSignalReasonCount = 5;
[[nodiscard]] std::string_view to_string(NoSignalReason r) noexcept;

struct EngineOutput {
  std::optional<CombinedSignal> signal;
  NoSignalReason reason = NoSignalReason::none;  // none exactly when signal is set
};

struct SignalEngineStats {
  std::uint64_t candles = 0;  // candles that reached the strategies
  std::uint64_t signals = 0;  // combined verdicts produced (hold included)
  std::uint64_t series_breaks = 0;
  std::array<std::uint64_t, kNoSignalReasonCount> no_signal{};  // by NoSignalReason
  [[nodiscard]] std::uint64_t count(NoSignalReason r) const noexcept {
    return no_signal[static_cast<std::size_t>(r)];
  }
};

class SignalEngine {
 public:
  // The combiner must outlive the engine. max_age <= 0 means one candle interval.
  explicit SignalEngine(SignalCombiner& combiner, Duration max_age = Duration::zero()) noexcept
      : combiner_(combiner), max_age_(max_age) {}

  EngineOutput on_candle(const market::Candle& candle, Timestamp now) noexcept;

  [[nodiscard]] const SignalEngineStats& stats() const noexcept { return stats_; }
  [[nodiscard]] SignalCombiner& combiner() noexcept { return combiner_; }

 private:
  EngineOutput refuse(NoSignalReason r) noexcept;

  SignalCombiner& combiner_;
  Duration max_age_;
  SignalEngineStats stats_;
};

}  // namespace nzeza::strategy

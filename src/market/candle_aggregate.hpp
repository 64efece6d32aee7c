#pragma once
// Candles of a coarser interval from candles of a finer one, and the choice of what to ask a
// venue for when it does not publish the interval the strategies run on. Pure functions: no I/O,
// no clock, no state.
//
// aggregate_candles(fine, coarse, window)
// - `coarse` is a whole multiple of the fine interval (1m -> 5m, 1h -> 4h); buckets are aligned to
//   the coarse interval since the epoch ([k·coarse, (k+1)·coarse)), like CandleBuilder's.
// - The window is the time the fine candles cover: by default [first.start, last.end()); a
//   caller that knows what it asked for (the last N closed intervals) passes that window.
//   A bucket not wholly inside the window is PARTIAL and dropped: the first bucket when the
//   window starts inside it, the last when the window ends inside it (its tail is not in the
//   history, often because it is still open).
// - A fine interval inside the window without a candle had no trades: venues omit such intervals
//   (Hyperliquid does). It adds nothing to the bucket; the bucket is built from the candles it
//   has — which is exact for a venue that omits only intervals without trades.
// - Gap candles (`gap`: no trade, flat at the previous close; dYdX sends them with trades = 0)
//   add no price either. A bucket with no traded fine candle — all gaps, or no candle at all —
//   becomes a gap candle flat at the last close before it (so the coarse series keeps its
//   cadence, as CandleBuilder's does); leading buckets before any price are dropped.
// - OHLCV exact: open of the first traded fine candle, close of the last, high/low over the
//   traded ones, volume, trades and price_updates summed (trades and price_updates saturate at
//   UINT32_MAX); series_break is kept when any fine candle of the bucket has it.
// Errors (invalid_argument, naming the index and the value): coarse not a positive multiple of
// the fine interval, mixed fine intervals, candles not strictly ascending, a candle that fails
// check_candle, a window that does not hold every candle; overflow when the volume sum does not
// fit a Decimal.
//
// warm_up_plan(wanted, offered)
// The interval to fetch for candles of `wanted`: `wanted` itself when offered, else the LARGEST
// offered interval that divides it (fewest candles to fetch and aggregate). invalid_argument when
// none does: "venue offers no interval that divides 10s; smallest is 1m".

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"
#include "market/candle.hpp"

namespace nzeza::market {

// [from, to): the time a list of candles covers.
struct CandleWindow {
  Timestamp from;
  Timestamp to;
};

[[nodiscard]] Result<std::vector<Candle>> aggregate_candles(
    std::span<const Candle> fine, Duration coarse,
    std::optional<CandleWindow> window = std::nullopt);

struct WarmUpPlan {
  Duration fetch{};        // the venue's interval to ask for
  std::size_t factor = 1;  // wanted / fetch: fine candles per wanted candle

  [[nodiscard]] bool aggregate() const noexcept { return factor > 1; }
  // Fine candles (the last closed ones) to ask for so that aggregation yields `wanted_count`
  // complete candles: wanted_count x factor, plus factor - 1 for the fine candles of the coarse
  // interval still open (they form the partial last bucket, dropped).
  [[nodiscard]] std::size_t fetch_count(std::size_t wanted_count) const noexcept;
};

[[nodiscard]] Result<WarmUpPlan> warm_up_plan(Duration wanted, std::span<const Duration> offered);

}  // namespace nzeza::market

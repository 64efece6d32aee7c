#pragma once
// CandleBuilder: clock-aligned candles for one symbol and one interval.
//
// Contract
// - Intervals are aligned to the clock: [k·interval, (k+1)·interval) since the Unix epoch
//   (Timestamp::floor_to), so a 1 min candle starts at hh:mm:00 and a 1 d candle at 00:00 UTC,
//   whatever the time of the first tick. The interval is a whole number of seconds from 1 s to
//   1 d that divides a day.
// - OHLC come from trade prices (default) or from quote mids (price_source = quote_mids; the
//   caller may also feed the cross-venue reference price through on_mid()). Volume is the sum of
//   trade sizes (exact Decimal) and `trades` their count, in both modes.
// - Candles close by time: a tick in a later interval closes the open one, and so does
//   on_time(now), which the owner calls from a Clock timer at next_close() — a quiet market
//   still gets its candle on time.
// - Gaps are visible: an interval without a price closes as a gap candle (flat at the previous
//   close, `gap` set). After max_gap_candles consecutive gap candles no more are emitted; the
//   skipped intervals are counted and the next real candle carries `series_break`.
// - A tick older than the open interval is late: dropped and counted, never merged into a
//   closed candle. Invalid ticks (price <= 0, negative size, crossed quote) are dropped and
//   counted.
// - Closed candles wait in a fixed-capacity queue (max_gap_candles + 2) until pop(); if the
//   owner does not drain it the oldest is overwritten and counted.
// No allocation after construction; no clock of its own; not thread-safe (one owner).

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/decimal.hpp"
#include "core/market_event.hpp"
#include "core/result.hpp"
#include "core/symbol.hpp"
#include "core/time.hpp"
#include "market/candle.hpp"
#include "market/ring_buffer.hpp"

namespace nzeza::market {

enum class CandlePriceSource : std::uint8_t { trades, quote_mids };
// Which timestamp of a MarketEvent places it in an interval. venue_time falls back to the
// receive time when the venue sent none.
enum class CandleTimeSource : std::uint8_t { receive_time, venue_time };

struct CandleBuilderConfig {
  Duration interval = std::chrono::seconds(10);
  CandlePriceSource price_source = CandlePriceSource::trades;
  CandleTimeSource time_source = CandleTimeSource::receive_time;
  std::size_t max_gap_candles = 60;
  // When valid, on_event() ignores events of other symbols (counted).
  SymbolId symbol;

  // Error naming the field: interval not whole seconds in [1 s, 1 d] dividing a day,
  // max_gap_candles above 100 000.
  [[nodiscard]] Status validate() const;
};

struct CandleBuilderStats {
  std::uint64_t ticks = 0;           // accepted trades and mids
  std::uint64_t late_ticks = 0;      // older than the open interval: dropped
  std::uint64_t rejected_ticks = 0;  // invalid price/size/quote: dropped
  std::uint64_t ignored_events = 0;  // other symbol, status/book events, quotes in trades mode
  std::uint64_t candles_closed = 0;  // real and gap candles emitted
  std::uint64_t gap_candles = 0;
  std::uint64_t series_breaks = 0;
  std::uint64_t intervals_skipped =
      0;  // empty intervals beyond max_gap_candles (or before any price)
  std::uint64_t output_overflows = 0;  // closed candles overwritten before pop()
};

class CandleBuilder {
 public:
  [[nodiscard]] static Result<CandleBuilder> create(const CandleBuilderConfig& config);
  // Precondition: config.validate() passed (create() checks it).
  explicit CandleBuilder(const CandleBuilderConfig& config);

  // Each returns how many candles this call closed (now waiting for pop()).
  std::size_t on_trade(Timestamp t, Decimal price, Decimal size) noexcept;
  std::size_t on_mid(Timestamp t, Decimal mid) noexcept;
  std::size_t on_quote(Timestamp t, const Quote& quote) noexcept;
  std::size_t on_event(const MarketEvent& event) noexcept;
  // Closes every interval that ended at or before `now`.
  std::size_t on_time(Timestamp now) noexcept;

  // Oldest closed candle not yet taken; false when none.
  bool pop(Candle& out) noexcept { return closed_.pop_front(out); }
  [[nodiscard]] std::size_t closed_count() const noexcept { return closed_.size(); }

  // The open interval so far (nullopt before the first tick or when it has no price yet).
  [[nodiscard]] std::optional<Candle> current() const noexcept;
  [[nodiscard]] std::optional<Candle> last_closed() const noexcept;
  // When the open interval ends (the time for the owner's next on_time); zero before any tick.
  [[nodiscard]] Timestamp next_close() const noexcept;

  [[nodiscard]] const CandleBuilderConfig& config() const noexcept { return config_; }
  [[nodiscard]] const CandleBuilderStats& stats() const noexcept { return stats_; }

 private:
  // Places a tick at t: false when late; otherwise closes finished intervals (counted in
  // `closed`).
  bool accept_time(Timestamp t, std::size_t& closed) noexcept;
  std::size_t advance(Timestamp t) noexcept;
  void add_price(Decimal price) noexcept;
  void emit(const Candle& c) noexcept;
  std::size_t emit_gaps(Timestamp first_start, std::int64_t count) noexcept;
  void open_interval(Timestamp start) noexcept;

  CandleBuilderConfig config_;
  RingBuffer<Candle> closed_;
  CandleBuilderStats stats_;
  bool anchored_ = false;
  Candle cur_;  // the open interval; price_updates == 0 means no price yet
  bool has_last_close_ = false;
  Decimal last_close_;
  std::optional<Candle> last_emitted_;
  std::size_t consecutive_gaps_ = 0;
  bool break_pending_ = false;
};

}  // namespace nzeza::market

#pragma once
// Screening on market history: ranks each instrument of a set of recordings or Tardis CSV files
// by scalping potential (domain::Screener; formulas in domain/screening.hpp).
//
// Per instrument, the events build clock-aligned candles (market::CandleBuilder, OHLC from quote
// mids, volume from trades, placed by receive time; `candle_interval`, 1 min by default, as the
// formulas' windows assume), which feed RSI(14), MACD(12, 26, 9) and EMA(3)/EMA(5); the last
// quote is the book. Only closed candles count: the interval still open at the last event is
// left out. Gap candles keep the indicators' cadence but are no sample of range or volume.
//
// ScreeningCollector takes events one at a time (from files here, from live feeds elsewhere)
// and keeps O(window) memory per instrument, never the events. An instrument with too few candles
// for the volatility score is not ranked: it is listed in `skipped` with the reason.
// Errors: a file that cannot be opened or read, a corrupt or truncated line — the message names
// the file and the line. Threading: one thread.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "domain/screening.hpp"
#include "market/candle_builder.hpp"
#include "market/ema.hpp"
#include "market/macd.hpp"
#include "market/rsi.hpp"

namespace nzeza::app {

struct ScreenSkip {
  std::string symbol;  // canonical
  Venue venue = Venue::paper;
  std::string reason;
};

struct ScreenResult {
  std::vector<domain::ScreeningScore> ranked;  // by overall score, best first, ranks 1..n
  std::vector<ScreenSkip> skipped;             // by symbol, then venue
  std::uint64_t events = 0;
  std::optional<Timestamp> first_event;
  std::optional<Timestamp> last_event;
  Duration candle_interval{};
};

class ScreeningCollector {
 public:
  // interval: whole seconds in [1 s, 1 d] dividing a day (CandleBuilderConfig::validate());
  // `screening` sets how many candles are kept (its longest window).
  [[nodiscard]] static Result<ScreeningCollector> create(const InstrumentRegistry& registry,
                                                         Duration candle_interval,
                                                         const domain::ScreeningConfig& screening);

  void on_event(const MarketEvent& event);
  // Closes the intervals that ended at or before `now` and screens every instrument seen.
  [[nodiscard]] ScreenResult finish(const domain::Screener& screener, Timestamp now);

 private:
  struct PerInstrument {
    explicit PerInstrument(const market::CandleBuilderConfig& config);
    market::CandleBuilder builder;
    std::deque<domain::ScreeningCandle> candles;  // oldest first, at most `keep_`
    market::Rsi rsi{14};
    market::Macd macd{12, 26, 9};
    market::Ema ema_fast{3};
    market::Ema ema_slow{5};
    double histogram = domain::MomentumInputs::kNone;
    double previous_histogram = domain::MomentumInputs::kNone;
    std::optional<domain::ScreeningBook> book;
  };

  ScreeningCollector(const InstrumentRegistry& registry, market::CandleBuilderConfig config,
                     std::size_t keep)
      : registry_(&registry), config_(config), keep_(keep) {}
  void drain(PerInstrument& s) const;

  const InstrumentRegistry* registry_;
  market::CandleBuilderConfig config_;
  std::size_t keep_;
  std::map<std::uint32_t, PerInstrument> instruments_;  // by InstrumentId, in id order
  std::uint64_t events_ = 0;
  std::optional<Timestamp> first_;
  std::optional<Timestamp> last_;
};

struct ScreenOptions {
  std::vector<std::string> files;
  domain::ScreeningConfig screening;
  Duration candle_interval = std::chrono::minutes(1);
};

// Reads every file (merged by receive time), then screens; the ranking as of the last event.
[[nodiscard]] Result<ScreenResult> screen_files(const ScreenOptions& options);

// A table for the terminal: rank, symbol, venue, score, category and the four figures.
[[nodiscard]] std::string screen_table(const ScreenResult& result);
// {"candle_interval_s", "events", "first_event", "last_event", "ranked": [...], "skipped": [...]}
[[nodiscard]] std::string screen_json(const ScreenResult& result);
// One screening's figures as a JSON object (the journal's ScreeningRecord::details_json).
[[nodiscard]] std::string screen_details_json(const domain::ScreeningScore& score);

}  // namespace nzeza::app

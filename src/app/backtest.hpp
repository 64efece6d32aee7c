#pragma once
// BacktestRunner: replays history through the trading server's own pipeline — market shards,
// strategies, risk gate, exits, execution, portfolio — against the paper venue (the one fill
// model paper trading uses), on a ManualClock moved to each event's receive time. Only the clock
// and the venue differ from a live run, so a backtest result means what a live one would.
//
// Input: files, each a recording (RecordingReader: its first line is a JSON header) or a Tardis
// CSV file (TardisCsvReader: a CSV header line), told apart by content, merged by receive time
// (EventMerger). The instruments come from the recordings' headers (and, for Tardis files, from
// their first rows); the server trades each canonical symbol on the paper venue with that
// instrument's rules. Events before `from` are skipped, the run ends at the first event at or
// after `to` ([from, to)).
//
// Driving: for each event, every clock timer due before its receive time fires at its own time
// (candle closes, the paper venue's latencies) and the actors are drained after each; then the
// clock moves to the event's time, the event is injected (inject(): hop → shard, and the paper
// venue), and the actors are drained again. Deterministic: the same files, config and range give
// the same orders, fills and report, byte for byte (no wall-clock time enters the result; the
// journal lives in a fresh temporary directory, written without fsync, removed at the end).
//
// Accounting (independent of the server's internals, from the fills it logs): cash moves by
// each fill's notional and fee; equity = cash + Σ position × mark, the mark being the paper
// venue's mid (its depth book or quote), else the last trade price. Equity is sampled at every
// multiple of the config's candle interval. A trade is a round trip: from flat to flat on one
// symbol (a fill through zero closes one and opens the next). Open positions at the end count in
// the final equity, not in `trades`.
//
// Errors: a file that cannot be opened or read, a corrupt or truncated line — the message names
// the file and the line; the run stops there (nothing crashes) and the error is returned.
// Threading: run() on one thread; it owns its server, clock and readers.

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/config/config.hpp"
#include "core/decimal.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "venues/router.hpp"

namespace nzeza::app {

struct BacktestOptions {
  std::vector<std::string> files;
  Config config;            // paper settings, strategies, risk, sizing, exits, candle_interval
  std::string config_file;  // named in the report ("" = defaults)
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;
  // A progress line on this stream (events, % of range, events/s, ETA), redrawn in place; null:
  // none. The CLI passes stderr when it is a terminal.
  std::ostream* progress = nullptr;
  // Probes (tests, benchmarks): every order handed to the router, every fill the server logged.
  bool keep_orders = false;
};

struct EventCounts {
  std::uint64_t quote = 0;
  std::uint64_t trade = 0;
  std::uint64_t book = 0;
  std::uint64_t status = 0;
  std::uint64_t total = 0;
  friend bool operator==(const EventCounts&, const EventCounts&) = default;
};

struct EquityPoint {
  Timestamp t;
  Decimal equity;
};

struct CandleRow {
  Timestamp t;  // start of the interval
  Decimal o, h, l, c, v;
};

struct BacktestTrade {
  std::string symbol;
  Side side = Side::buy;  // of the entry
  Timestamp entry_time;
  Decimal entry_price;  // volume-weighted average of the entry fills
  Timestamp exit_time;
  Decimal exit_price;  // volume-weighted average of the exit fills
  Decimal quantity;
  Decimal pnl;   // net of fees
  Decimal fees;  // of entry and exit fills
  std::string strategy;
  std::string exit_reason;
};

struct StrategyAttribution {
  std::string strategy;
  std::uint64_t trades = 0;
  std::uint64_t wins = 0;
  Decimal pnl;
};

// A fill as the server logged it (replay-equals-live tests compare these).
struct BacktestFill {
  Timestamp at;
  std::string symbol;
  std::uint64_t sequence = 0;
  std::string side;
  Decimal quantity;
  Decimal price;
  Decimal fee;
  friend bool operator==(const BacktestFill&, const BacktestFill&) = default;
};

// Ratios of an equity series sampled every `interval`.
//   returns      r_i = E_i / E_{i-1} - 1 (points whose previous equity is <= 0 are skipped)
//   sharpe       mean(r) / stdev(r) × sqrt(P), stdev the population one, P = periods per year
//                (365 × 86400 s / interval); undefined (nullopt) with fewer than 2 returns or
//                stdev = 0
//   sortino      mean(r) / downside × sqrt(P), downside = sqrt(mean(min(r, 0)²)) over every
//                return; undefined with fewer than 2 returns or downside = 0
//   drawdown     at each point: peak so far − equity (quote units) and that over the peak
//   max_drawdown the largest of both (each on its own: the deepest fraction may come from a
//                different peak than the deepest amount)
struct EquityStats {
  Decimal max_drawdown;
  double max_drawdown_fraction = 0.0;
  std::optional<double> sharpe;
  std::optional<double> sortino;
  std::vector<double> drawdown;  // fraction at each point
};
[[nodiscard]] EquityStats equity_stats(std::span<const EquityPoint> equity, Duration interval);

struct BacktestSummary {
  Decimal starting_equity;
  Decimal final_equity;
  Decimal pnl;           // final - starting equity (realized and open)
  Decimal realized_pnl;  // of closed trades, net of their fees
  Decimal fees;          // every fill's
  std::uint64_t trades = 0;
  std::uint64_t wins = 0;  // trades with pnl > 0
  double win_rate = 0.0;   // wins / trades, 0 without trades
  Decimal max_drawdown;
  double max_drawdown_fraction = 0.0;
  std::optional<double> sharpe;  // undefined: null in the report
  std::optional<double> sortino;
  double exposure_time_fraction = 0.0;  // of the replayed time with a position open
};

struct BacktestResult {
  std::vector<std::string> symbols;  // traded (canonical), in instrument order
  std::optional<Timestamp> first_event;
  std::optional<Timestamp> last_event;
  EventCounts events;
  BacktestSummary summary;
  std::vector<EquityPoint> equity;
  std::vector<double> drawdown;  // beside equity
  std::map<std::string, std::vector<CandleRow>> candles;
  std::vector<BacktestTrade> trades;
  std::vector<StrategyAttribution> attribution;  // by strategy name
  // keep_orders: every order handed to the router, and every fill logged, in order.
  std::vector<venues::PlaceIntent> orders;
  std::vector<BacktestFill> fills;
  double wall_seconds = 0.0;  // not in the report (it would break byte-identical reports)
  // Messages the server's actors were sent after they stopped (0 in an orderly run).
  std::uint64_t dead_letters = 0;
};

[[nodiscard]] Result<BacktestResult> run_backtest(const BacktestOptions& options);

// report.json (docs/backtest.md): decimals as exact strings, times as unix seconds, no
// wall-clock time, so identical inputs give identical bytes.
[[nodiscard]] std::string backtest_report_json(const BacktestResult& result,
                                               const BacktestOptions& options);
// The summary as text lines, for the terminal.
[[nodiscard]] std::string backtest_summary_text(const BacktestResult& result);

}  // namespace nzeza::app

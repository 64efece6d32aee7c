#pragma once
// StatusView: what the trader sees of a running TradingServer, as text or JSON lines.
//
//   block(status)        the status block: a fixed set of lines (mode and time, feeds, one line
//                        per symbol, open orders, positions, account, activity, refusals,
//                        health) that `nzeza run` redraws in place every second on a terminal
//                        or prints every few seconds elsewhere
//   event_line(event)    one log line per order, fill, exit, refusal...:
//                        "2026-01-01T00:00:10Z order entry #7 buy 0.2 BTC-USD market"
//   summary(final)       the lines printed after an orderly stop
//   *_json(...)          the same as one JSON object per line, for scripts: every object has
//                        "kind" ("status", "summary" or the event's kind) and "at" (ISO 8601);
//                        money and quantities are exact Decimal strings, never JSON numbers.
//
// The promise: every text line renders from the status alone (no state kept between calls), an
// empty status (no symbol, position or order yet) renders as a full block that says so, and a
// JSON line is always a single line that Boost.JSON (or any parser) reads back.
// Plain text in, plain text out: no terminal control here (the CLI decides how to draw).

#include <string>
#include <vector>

#include "app/execution.hpp"
#include "app/trading_server.hpp"
#include "core/decimal.hpp"

namespace nzeza::app {

struct StatusViewOptions {
  std::string quote_currency = "USD";  // the unit of cash, equity and PnL
  Decimal starting_equity;             // for "equity vs start" in the summary
};

class StatusView {
 public:
  explicit StatusView(StatusViewOptions options) : options_(std::move(options)) {}

  // The status block, one string per line (no '\n').
  [[nodiscard]] std::vector<std::string> block(const ServerStatus& status) const;
  // {"kind":"status","at":...,"mode":...,"feeds":[...],"symbols":[...],"execution":{...},
  //  "open_orders":[...],"refusals":{reason: count},"portfolio":{...,"positions":[...]},
  //  "restarts":n,"dead_letters":n}
  [[nodiscard]] std::string status_json(const ServerStatus& status) const;

  // "<at> <kind> <text>", time to the millisecond.
  [[nodiscard]] static std::string event_line(const TradeEvent& event);
  // {"kind":...,"at":...,"text":..., then every field of the event as a string}. A field named
  // like one of those three keys is written with a "field_" prefix, never over them.
  [[nodiscard]] static std::string event_json(const TradeEvent& event);

  // After stop(): orders, fills, realised and unrealised PnL, fees, equity against the start,
  // what is still open. `ran` is how long the session ran (simulated time with --fast).
  [[nodiscard]] std::vector<std::string> summary(const ServerStatus& final_status,
                                                 Duration ran) const;
  // {"kind":"summary","at":...,"ran_ms":...,"orders_sent":...,"fills":...,"realized_pnl":...,
  //  "unrealized_pnl":...,"fees":...,"equity":...,"starting_equity":...,"equity_change":...}
  [[nodiscard]] std::string summary_json(const ServerStatus& final_status, Duration ran) const;

 private:
  StatusViewOptions options_;
};

}  // namespace nzeza::app

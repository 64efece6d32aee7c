#pragma once
// The messages between the trading server's actors (docs/architecture.md has the graph).
//
// Every message is a plain value: no pointer or reference into another actor's state, so a
// later issue can carry them between processes. Market data arrives as QuoteUpdate, TradePrint
// and StatusUpdate (app/market_data_hop.hpp).
//
//   feed ──Quote/Trade/Status──► MarketShard ──ReferenceMark, SignalMsg──► Execution
//                                     │                                        │
//                                     └──────────ReferenceMark────────► Portfolio ◄─ fills
//   venue callbacks / private streams ──PlaceResult, CancelResult, VenueOrderMsg, VenueFillMsg──►
//   Execution ──VenueFillMsg (first seen)──► Portfolio ──AccountUpdate──► Execution

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"
#include "domain/fill.hpp"
#include "domain/risk_refusal.hpp"
#include "market/candle.hpp"
#include "strategy/signal.hpp"
#include "venues/router.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::app {

// ── market shard ─────────────────────────────────────────────────────────────────────────────

// Timer message: close the candles whose interval ended (sent to the shard by its own timer).
struct CandleTick {
  Timestamp due;
};

// History before the first tick: closed candles, oldest first, for one canonical symbol.
struct WarmUpCandles {
  SymbolId symbol;
  std::vector<market::Candle> candles;
  std::string source;  // "simulator", "binance 1m" ...
};

// ── shard → execution / portfolio ───────────────────────────────────────────────────────────

// The cross-venue reference price of a symbol after a quote changed it; `fresh` is false when
// no venue has a fresh price (then `price` is the last one known, never traded on).
struct ReferenceMark {
  SymbolId symbol;
  Decimal price;
  Timestamp at;
  bool fresh = false;
  std::uint8_t venues = 0;  // venues in the price
  Timestamp tick_received;  // receive time of the quote that moved it (latency probes)
};

// A combined signal of a closed candle, with what it was computed from.
struct SignalMsg {
  SymbolId symbol;
  strategy::SignalKind kind = strategy::SignalKind::hold;
  double confidence = 0.0;
  Timestamp candle_end;
  std::optional<Decimal> reference;  // the reference price at the signal, nullopt: none fresh
  Timestamp tick_received;           // the tick that closed the candle (latency probes)
  bool from_operator = false;        // submitted by hand (API, tests): no candle behind it
  // The strategy whose vote weighed most toward `kind` (its name(), a string literal; empty
  // from the operator): backtests attribute the trade a signal opens to it.
  std::string_view strategy;
};

// ── venues → execution ──────────────────────────────────────────────────────────────────────

// The router's answer to an order the execution actor sent (delivered as a message so the
// actor's state is touched on its own turn only).
// Orders are known by their client-id sequence: the router gives every venue it tries the same
// sequence, each encoded in that venue's own form.
struct PlaceResult {
  std::uint64_t sequence = 0;
  SymbolId symbol;
  Result<venues::RoutedAck> result = Error{ErrorCode::internal, "no answer"};
};
struct CancelResult {
  std::uint64_t sequence = 0;
  SymbolId symbol;
  Result<venues::CancelAck> result = Error{ErrorCode::internal, "no answer"};
};
// An order update pushed by a venue's private stream (or found by the resolver).
struct VenueOrderMsg {
  venues::VenueOrder order;
};
struct VenueFillMsg {
  domain::Fill fill;
};

// A failed cancel of a symbol's resting exits is tried again (after a backoff).
struct CancelRetry {
  SymbolId symbol;
};

// The periodic reconciliation's timer, and a venue's answer to its positions query.
struct ReconcileTick {};
struct VenuePositionsMsg {
  Venue venue = Venue::paper;
  Result<std::vector<venues::VenuePosition>> positions = Error{ErrorCode::internal, "no answer"};
};

// ── portfolio → execution ───────────────────────────────────────────────────────────────────

// What the risk gate needs to know about the account, after every fill and mark change.
struct AccountUpdate {
  Decimal equity;
  Decimal day_start_equity;
  Decimal available_quote;
  Decimal gross_exposure;
  Timestamp at;
};

// ── operator → execution ────────────────────────────────────────────────────────────────────

struct KillSwitch {
  bool engage = true;
  std::string reason;
};

// One order as the execution actor knows it (GET /api/v1/orders/{client_id}). Orders are known
// by their client-id sequence; `client_order_id` is the form the venue was sent (empty before).
struct OrderFillView {
  std::string trade_id;
  Decimal price;
  Decimal quantity;
  Decimal fee;
  std::string fee_currency;
  Timestamp time;
};
struct OrderView {
  std::uint64_t sequence = 0;
  std::string client_order_id;
  std::string symbol;
  std::optional<Venue> venue;  // nullopt until a venue answered
  std::string purpose;         // "entry", "manual", "close (signal)", "stop_loss"...
  Side side = Side::buy;
  domain::OrderType type = domain::OrderType::market;
  Decimal quantity;
  std::optional<Decimal> price;
  std::optional<Decimal> stop_price;
  bool reduce_only = false;
  // "sent", "open", "partially_filled", "filled", "cancelled", "rejected", "expired", "unknown"
  // (answer lost: being resolved), "never_executed", "unresolved".
  std::string state = "sent";
  bool final = false;
  bool cancelling = false;
  std::string detail;  // the latest refusal or resolution text
  Decimal filled;      // from the fills applied (each counted once)
  std::vector<OrderFillView> fills;
  Timestamp created;
  Timestamp updated;
};
struct OrderQuery {
  std::uint64_t sequence = 0;
  using Reply = std::optional<OrderView>;
};

// Cancel one order (`sequence`) or every cancellable one (`symbol`: only that symbol's, "" all).
// The exits protecting a held position (and a close under way) are kept unless `force`: a
// position left without its stop is how accounts are lost.
struct CancelOrders {
  std::optional<std::uint64_t> sequence;
  std::string symbol;
  bool force = false;
  std::string who;  // for the audit line
  struct Kept {
    std::uint64_t sequence = 0;
    std::string symbol;
    std::string why;
  };
  struct Answer {
    std::vector<OrderView> cancelling;  // cancels sent (their outcome comes from the venue)
    std::vector<Kept> kept;             // cancel all: what was left and why
    // Cancel one: not_found (unknown sequence), invalid_state (final already, or protecting a
    // position without force), unavailable (stopped, or its venue has no client).
    std::optional<Error> refused;
  };
  using Reply = Answer;
};

// A manual order with an explicit quantity (and optionally a limit price): it skips sizing but
// never the risk gate (kill switch, limits, halts, balance, leverage).
struct ManualOrder {
  SymbolId symbol;
  Side side = Side::buy;
  Decimal quantity;
  std::optional<Decimal> limit_price;
  std::string who;
  struct Answer {
    std::uint64_t sequence = 0;  // the order sent
    // Why not: risk_refused (the gate), invalid_argument (the instrument's rules: lot, tick,
    // size and notional limits), invalid_state (the symbol cannot take an order now).
    std::optional<Error> refused;
  };
  using Reply = Answer;
};
// Stops new entries and, per policy, cancels resting orders; answers when the cancels are done.
struct StopTrading {
  bool cancel_resting = true;
  // The last step of a stop: from here on nothing at all is sent (no order, no cancel).
  bool freeze = false;
  using Reply = std::string;  // one line: what was cancelled or kept
};

// ── status snapshots (asked once a second by the status view) ─────────────────────────────

// One venue's top of book for a symbol, as the shard last saw it.
struct VenueQuoteStatus {
  Venue venue = Venue::paper;
  Decimal bid;
  Decimal ask;
  Duration age{};     // since it was received
  bool used = false;  // went into the reference price (fresh, not an outlier)
};
struct SymbolStatus {
  std::string symbol;
  std::vector<VenueQuoteStatus> quotes;  // venues that quoted it, Venue order
  std::optional<Decimal> reference;
  bool fresh = false;
  std::uint8_t venues = 0;
  std::size_t warm_candles = 0;  // candles the strategies have seen
  std::size_t warm_needed = 0;   // candles before the first signal can come
  std::string last_signal;       // "buy 0.71 at 12:00:10", "" before the first
};
struct ShardStatus {
  std::vector<SymbolStatus> symbols;
  std::uint64_t quotes = 0;
  std::uint64_t trades = 0;
  std::uint64_t candles = 0;
  std::uint64_t signals = 0;
};
struct ShardStatusQuery {
  using Reply = ShardStatus;
};
// The latest closed candles of a symbol (oldest first, at most `limit`) and the open one.
struct RecentCandles {
  std::vector<market::Candle> closed;
  std::optional<market::Candle> current;
};
struct CandlesQuery {
  SymbolId symbol;
  std::size_t limit = 100;
  using Reply = RecentCandles;
};

struct OpenOrderStatus {
  std::string client_order_id;
  Venue venue = Venue::paper;
  std::string symbol;
  std::string description;  // "sell 0.01 stop 44100 (stop-loss, native)"
};
struct ExecutionStatus {
  std::vector<OpenOrderStatus> open_orders;
  std::vector<std::pair<std::string, std::uint64_t>> refusals;  // reason → count
  std::uint64_t signals = 0;
  std::uint64_t orders_sent = 0;
  std::uint64_t orders_refused = 0;
  std::uint64_t exits_sent = 0;
  std::uint64_t unknown_outcomes = 0;
  std::uint64_t reconciliations = 0;  // periodic checks done
  // Orders sent and not answered yet, and cancels under way: an orderly stop waits for them.
  std::size_t in_flight = 0;
  std::vector<std::pair<std::string, std::string>> blocked;  // symbol → why (no new entries)
  bool kill_switch = false;
  bool halted = false;
  bool stopping = false;
};
struct ExecutionStatusQuery {
  using Reply = ExecutionStatus;
};

struct PositionStatus {
  std::string symbol;
  Venue venue = Venue::paper;
  Decimal quantity;  // signed: negative = short
  Decimal average_entry;
  std::optional<Decimal> mark;
  Decimal realized_pnl;
  Decimal unrealized_pnl;
  Decimal fees;
};
struct PortfolioStatus {
  std::vector<PositionStatus> positions;
  Decimal cash;
  Decimal equity;
  Decimal realized_pnl;
  Decimal unrealized_pnl;
  Decimal fees;
  std::uint64_t fills = 0;
  std::uint64_t duplicate_fills = 0;
};
struct PortfolioStatusQuery {
  using Reply = PortfolioStatus;
};

}  // namespace nzeza::app

#pragma once
// TradingServer: one trading process on the actor runtime, built from an app::Config.
//
//   market data ─► MarketDataHop (per shard: quotes conflated, trades drop-oldest) ─► MarketShard
//   MarketShard ─SignalMsg/ReferenceMark─► Execution ─► Router ─► OrderTracker ─► venue client
//   venue private streams, router answers, resolutions ─► Execution ─fills─► PortfolioActor
//   PortfolioActor ─AccountUpdate─► Execution
//
// Modes (Config::mode): paper — orders go to the paper venue (fees and slippage from [paper]);
// live — orders go to the venues of [venues.*] through their real clients (VenueSet). Market
// data: simulated (the built-in generator; with MarketFeed::loopback it is served over a
// loopback WebSocket in Coinbase's protocol and read back by the real feed and codec, as live
// data is) or live venues' public feeds.
//
// Threads: with a ManualClock the caller drives everything (tests: advance the clock, then
// poll()); otherwise one dispatcher thread for the market shards, one for execution and the
// portfolio, the network context's thread for sockets, and the clock's timer thread.
//
// Supervision: a handler that throws restarts its actor (one-for-one, backoff on the clock);
// execution and portfolio state survive the restart (they live here, not in the actor) and the
// restarted actor asks the venues for the fills it may have missed. Every restart is counted
// and reported as an event.

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actor/actor_metrics.hpp"
#include "app/config/config.hpp"
#include "app/execution.hpp"
#include "app/operator_decision.hpp"
#include "app/pipeline_messages.hpp"
#include "app/recovery.hpp"
#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "core/latency_histogram.hpp"
#include "venues/throttled_client.hpp"

namespace nzeza::store {
class Journal;
}
namespace nzeza::venues {
class VenueClient;
}
namespace nzeza::venues::paper {
class PaperVenue;
}

namespace nzeza::app {

// Where simulated market data reaches the shards.
enum class MarketFeed : std::uint8_t {
  in_process,  // the generator's events go straight to the hop (tests on a ManualClock)
  loopback,    // served over a loopback WebSocket and decoded by the real feed (nzeza run)
};

struct ServerOptions {
  MarketFeed feed = MarketFeed::loopback;
  // Threads of the actor system: 0 = manual (poll()), for tests on a ManualClock.
  bool manual_dispatch = false;
  // Live venues (and paper on live prices): a CA bundle to trust instead of the system store
  // (tests: the loopback simulators' PKI), and how long the start may take to open them.
  std::optional<std::string> ca_file;
  Duration open_deadline = std::chrono::seconds(30);
  // false: no built-in market; tests drive prices with inject().
  bool simulate_market = true;
  // Candles of history generated (simulated) or fetched (live) before the first tick.
  std::size_t warm_up_candles = 60;
  // Sinks (may be empty). Events run on the execution thread: keep them short.
  std::function<void(const TradeEvent&)> on_event;
  // Probes for tests and benchmarks.
  std::function<void(const venues::PlaceIntent&, Timestamp tick_received)> on_intent;
  std::function<void(std::string_view actor, std::string_view message)> fault;
  // Tests only: wraps the paper venue's client as the router and the order tracker see it (its
  // private stream stays the venue's own), e.g. to lose an answer.
  std::function<std::unique_ptr<venues::VenueClient>(venues::VenueClient& venue)> wrap_venue;
  // Instruments from outside the config (a backtest: the recordings' headers). Paper mode then
  // trades each one's canonical symbol on the paper venue with that instrument's rules (tick,
  // lot, limits), instead of paper.symbols; instruments of other venues are registered too, so
  // events carrying them are known (map the event's ids with registry()).
  std::vector<Instrument> instruments;
  // false: the journal is written without fsync (store::JournalOptions::durable), for runs whose
  // journal is thrown away (backtests).
  bool durable_journal = true;
  // Probe: every combined buy/sell signal a market shard hands to execution (backtests attribute
  // trades to the strategy that led the vote).
  std::function<void(const SignalMsg&)> on_signal;
  // config.record: where the recordings go (empty: data_dir/recordings).
  std::string record_dir;
  // `nzeza reconcile`: start() stops after the start-up reconciliation (journal opened, venues
  // opened, recovery run and the actors' state seeded from it): no actor, no market data, no
  // order. status() is refused; stop() closes what was opened.
  bool reconcile_only = false;
};

// An observer attached to a running server (the operator API's live stream). Its calls run on
// pipeline threads (market events on the feed's thread; marks, candles and signals on the market
// thread; events on the thread that emits them), so each must return at once: hand the value over
// and leave. Nothing is called while no observer is attached (one atomic load on the tick path).
class ServerObserver {
 public:
  virtual ~ServerObserver() = default;
  virtual void on_market(const MarketEvent& /*event*/) {}
  virtual void on_mark(const ReferenceMark& /*mark*/) {}
  virtual void on_candle(SymbolId /*symbol*/, const market::Candle& /*candle*/) {}
  virtual void on_signal(const SignalMsg& /*signal*/) {}
  virtual void on_event(const TradeEvent& /*event*/) {}
};

struct FeedStatusLine {
  std::string venue;
  // The feed's first connection as net::to_string names it ("CONNECTED", "RECONNECTING",
  // "CIRCUIT_OPEN"...), or "starting", "in-process", "scripted", "stopped" without a session.
  std::string state;
  bool live = false;       // connected (or the in-process market): decided here, not from text
  Duration age{};          // since the last market event
  bool has_event = false;  // false: no market event yet (age means nothing)
  // The feed session's counters since the start (false: no session, e.g. an in-process market).
  bool has_counters = false;
  std::uint64_t frames = 0;         // frames read
  std::uint64_t events = 0;         // market events decoded
  std::uint64_t decode_errors = 0;  // malformed frames
  std::uint64_t connects = 0;       // successful connects, first ones and reconnects
  std::uint64_t connections = 0;    // connections the session holds
  std::uint64_t resyncs = 0;        // books resynchronised after a gap
  std::uint64_t venue_errors = 0;   // error messages sent by the venue
};

// One actor of the runtime (its path name) and its mailbox counters.
struct ActorStatusLine {
  std::string name;
  actor::ActorMetricsSnapshot metrics;
};

// The journal and its writer (the store actor).
struct JournalStatusLine {
  std::uint64_t intents = 0;  // written directly, before their order was sent
  std::uint64_t queued = 0;   // records waiting for the next flush
  std::uint64_t flushes = 0;
  std::uint64_t written = 0;   // records written by flushes
  std::uint64_t failures = 0;  // failed flushes
  std::uint64_t consecutive_failures = 0;
  Duration last_flush_duration{};  // wall time of the latest flush that wrote something
  std::size_t last_flush_records = 0;
  LatencyHistogram::Snapshot intent_write;  // each write_intent(), to durable
  LatencyHistogram::Snapshot flush_time;    // each flush that wrote something
};

// The requests of one venue's client, as its ThrottledClient measured them (live venues, and the
// paper venue, whose calls go through one without limiter or breaker).
struct VenueRequestStatusLine {
  std::string venue;
  venues::ThrottleMetrics metrics;
};

struct ServerStatus {
  Timestamp at;
  std::string mode;  // "paper (simulated market)", "live"...
  std::vector<FeedStatusLine> feeds;
  std::vector<SymbolStatus> symbols;
  ExecutionStatus execution;
  PortfolioStatus portfolio;
  std::uint64_t restarts = 0;
  std::uint64_t dead_letters = 0;
  std::vector<ActorStatusLine> actors;         // every actor of the runtime
  std::optional<JournalStatusLine> journal;    // absent once stopped or when the store is silent
  std::vector<VenueRequestStatusLine> venues;  // in config order, the paper venue last
  // From the receive time of the tick behind a strategy's entry (the one that closed the candle)
  // to its intent journaled and handed to the router; on the Clock. Operator orders and exits
  // carry no tick and are not in it.
  LatencyHistogram::Snapshot tick_to_order;
  // From a quote's receive time to the reference price it moved handed to execution (the market
  // thread's share of every tick; on the Clock). Many samples where tick_to_order has few (the
  // risk gate allows at most 100 entries an hour).
  LatencyHistogram::Snapshot tick_to_reference;
};

// A warning or an error of the server (GET /api/v1/alerts): the events whose kind says something
// went wrong or needs the operator (refusals, halts, restarts, journal failures, reconciliation
// blocks, failed cancels, an exit cancelled by force...).
struct Alert {
  Timestamp at;
  std::string level;   // "warning", "error"
  std::string source;  // the event's kind: "refusal", "halt", "journal"...
  std::string message;
};
// Events kept for alerts(): the newest ones.
inline constexpr std::size_t kAlertRing = 256;
// "warning", "error", or "" for an event that is no alert (from its kind, and for a
// reconciliation whether it blocks a symbol).
[[nodiscard]] std::string_view alert_level(const TradeEvent& event) noexcept;

// A venue's client as readiness sees it now.
struct VenueHealthLine {
  std::string venue;
  bool healthy = true;
  std::string reason;  // "" when healthy: "circuit open", "private stream RECONNECTING"...
};
// Consecutive failed requests (the breaker's count) that make a venue unhealthy before its
// circuit opens.
inline constexpr int kUnhealthyFailures = 3;

class TradingServer {
 public:
  // Builds everything and starts it: venues opened (live: signed read-only check), market data
  // running, warm-up done. Every problem at once in the error.
  static Result<std::unique_ptr<TradingServer>> start(const Config& config, Clock& clock,
                                                      ServerOptions options);
  ~TradingServer();  // stop()
  TradingServer(const TradingServer&) = delete;
  TradingServer& operator=(const TradingServer&) = delete;

  // Manual dispatch: runs queued actor work on this thread until none is left.
  std::size_t poll();
  // A snapshot of every actor's state (asks them; manual dispatch: polls until answered).
  [[nodiscard]] Result<ServerStatus> status();
  // The operator's kill switch: no new entries while engaged.
  void kill_switch(bool engage, std::string reason);
  // Orderly stop: no new entries, resting orders cancelled or kept (Config::shutdown), actors
  // drained, feeds closed. Returns the final status. Idempotent.
  Result<ServerStatus> stop();

  [[nodiscard]] const InstrumentRegistry& registry() const noexcept;
  // The paper venue (paper mode), for tests and the summary; nullptr in live mode.
  [[nodiscard]] venues::paper::PaperVenue* paper_venue() noexcept;
  // Injects a market event as a feed would (tests, replay): through the hop to the shards, and to
  // the paper venue.
  void inject(const MarketEvent& event);
  [[nodiscard]] std::string start_banner() const;
  // ServerStatus::tick_to_order without asking the actors (any thread, lock-free).
  [[nodiscard]] LatencyHistogram::Snapshot tick_to_order() const noexcept;
  [[nodiscard]] LatencyHistogram::Snapshot tick_to_reference() const noexcept;
  // Messages sent to a stopped actor (or discarded by a kill) since the start, counted until the
  // server goes, after stop() too: an orderly run ends with none (any thread).
  [[nodiscard]] std::uint64_t dead_letters() const noexcept;
  // Bumped by every reference price handed to execution (any thread, lock-free): readers that
  // cache what status() showed (the API's prices) know when the prices moved.
  [[nodiscard]] std::uint64_t market_version() const noexcept;
  // What the start-up reconciliation found (journal against every venue) before any order.
  [[nodiscard]] const RecoveryReport& recovery_report() const noexcept;
  // The journal (thread-safe; the operator API reads history from it). Outlives every actor.
  [[nodiscard]] store::Journal& journal() noexcept;
  // The configuration the server runs with.
  [[nodiscard]] const Config& config() const noexcept;
  // The operator's decision for a symbol the reconciliation blocked (reconcile_only servers:
  // invalid_state otherwise): the venues' state is adopted as nzeza's in the journal
  // (app::accept_venue_state), so the next start does not block it.
  Result<Acceptance> accept_venue_state(std::string_view canonical);
  // A signal given by hand (operator API, tests): it goes through everything a strategy's signal
  // does (fresh price, sizing, risk gate, router). invalid_argument for an unknown symbol.
  Status submit_signal(std::string_view symbol, strategy::SignalKind kind, double confidence);
  // Attaches (or, with nullptr, detaches) the one observer. The server keeps every observer it
  // was given alive until it is destroyed, so a call in flight while it is replaced is safe.
  void set_observer(std::shared_ptr<ServerObserver> observer);
  // A manual order with its own quantity (ManualOrder: the instrument's rules, then the risk
  // gate). The sequence of the order sent; not_found for an unknown symbol, invalid_argument for a
  // rule broken, risk_refused for the gate, invalid_state when the symbol cannot take an order now.
  Result<std::uint64_t> place_order(std::string_view symbol, Side side, Decimal quantity,
                                    std::optional<Decimal> limit_price, std::string who);
  // One order by client id (its sequence, or the id a venue was sent); not_found when unknown
  // (or forgotten: the latest kOrderRecords finished orders are kept).
  Result<OrderView> order(std::string_view client_id);
  // Cancels one order (client_id) or all (nullopt; `symbol` "" for every symbol): the cancels
  // sent, and what was kept. Errors as CancelOrders::Answer::refused.
  Result<CancelOrders::Answer> cancel_orders(std::optional<std::string_view> client_id,
                                             std::string symbol, bool force, std::string who);
  // The latest closed candles (oldest first, at most `limit`) and the open one. The server's
  // interval comes from its candle builders, completed by the journal's candles table; another
  // interval from the journal alone. not_found for an unknown symbol.
  Result<RecentCandles> candles(std::string_view symbol, std::optional<Duration> interval,
                                std::size_t limit);
  // The newest `limit` alerts, oldest first. Thread-safe.
  [[nodiscard]] std::vector<Alert> alerts(std::size_t limit) const;
  // Every venue an order may go to, and whether its client is healthy now: circuit open, its
  // last kUnhealthyFailures requests failed, or its private stream not connected. Thread-safe.
  [[nodiscard]] std::vector<VenueHealthLine> venue_health() const;

  struct Impl;

 private:
  explicit TradingServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nzeza::app

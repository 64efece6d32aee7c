#pragma once
// Execution: the actor that turns signals into orders and keeps every position protected.
//
// Per canonical symbol (a Book): the position at the venue that holds it (from fills, each
// counted once: FillLedger), the one entry or close order in flight, the exits resting at the
// venue and the local exit monitor.
//
//   SignalMsg buy, flat           → fresh reference price required (no entry on stale data) →
//                                   sizing (exposure × equity, lot, min notional) → risk gate
//                                   (whitelist, confidence, limits, halts, kill switch,
//                                   balance) → router (venue per symbol, health-aware, fallback
//                                   only before sending) → order tracker → throttled client
//   SignalMsg sell, flat          → the same for a short, on perpetual instruments only
//   opposite signal with a position → close: cancel the resting exits, then a reduce-only
//                                   market order for what is left
//   entry done (terminal, filled) → exits armed at once: a stop-loss rests AT THE VENUE as a
//                                   native trigger order where the venue offers one
//                                   (capabilities().stop_market), so it protects the position
//                                   even if nzeza dies; take-profit too on perpetuals (on spot
//                                   both exits would lock the same coins, so the take-profit is
//                                   watched locally); the trailing stop is always local. A local
//                                   exit that triggers closes like an opposite signal.
//   an exit fills                 → when the position is flat the other exits are cancelled
//   ReferenceMark                 → marks for sizing and the local exit monitor
//   AccountUpdate                 → equity and balances for the risk gate (observe: daily-loss
//                                   and drawdown halts latch even without an order)
//   unknown outcome               → the order tracker resolves it by client id; the symbol takes
//                                   no new order until it is resolved
//   ManualOrder                   → an operator's order with its own quantity (and limit price):
//                                   the instrument's rules (lot, tick, limits), then the SAME risk
//                                   gate as a signal's entry — never a bypass — then the router;
//                                   a market or limit IOC, only on a flat symbol
//   CancelOrders                  → cancels by client id at the venue; the exits protecting a
//                                   held position (and a close under way) only when forced
//   OrderQuery                    → one order's record: state, fills (the latest kOrderRecords
//                                   finished orders are kept, every working one)
//
// Durable state lives in ExecutionState, owned by the server, so a restart of the actor (after
// a handler threw) keeps positions, orders in flight and resting exits; on restart the actor
// also asks every venue for its fills since the session started and re-applies them (each
// counted once), so a fill lost with the crashing message is found again.
// Threading: the actor's turn only; venue callbacks come back as messages.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actor/actor.hpp"
#include "app/pipeline_messages.hpp"
#include "core/client_id.hpp"
#include "domain/fill_ledger.hpp"
#include "domain/position.hpp"
#include "domain/position_exit.hpp"
#include "domain/risk_gate.hpp"
#include "store/journal.hpp"
#include "venues/order_tracker.hpp"
#include "venues/router.hpp"

namespace nzeza::app {

struct ExecutionConfig {
  domain::RiskConfig risk;
  Decimal exposure_per_trade = Decimal::from_raw8(20'000'000);  // notional / equity per entry
  Decimal min_order_notional = Decimal::from_integer(10);
  Decimal leverage = Decimal::one();  // perpetual entries
  // nullopt: market IOC entries; set: limit IOC entries at the mark moved this many basis points
  // against us (the worst price accepted; a partial fill is protected like a whole one).
  std::optional<Decimal> max_entry_slippage_bps;
  std::optional<Decimal> stop_loss;                 // fraction of the entry price
  std::optional<Decimal> take_profit;               // fraction of the entry price
  std::optional<Decimal> trailing_stop;             // fraction below the best price seen
  bool native_exits = true;                         // false: every exit is watched locally
  Duration max_mark_age = std::chrono::seconds(5);  // an entry needs a mark this recent
  // Reconciliation while trading (0: off): every period the venues are asked for their fills
  // since the last check and their open orders (each applied once) and their positions; a
  // position that differs from ours on two checks in a row blocks its symbol.
  Duration reconcile_every{};
};

// An event worth a log line (order, fill, exit, refusal...). `fields` carry the JSON form.
struct TradeEvent {
  Timestamp at;
  std::string kind;  // "order", "fill", "exit", "refusal", "cancel", "resolution", "halt"
  std::string text;  // one human line
  std::vector<std::pair<std::string, std::string>> fields;
};

// A resting or working exit order at the venue.
struct ExitOrder {
  std::uint64_t sequence = 0;
  domain::ExitReason reason = domain::ExitReason::stop_loss;
  domain::OrderType type = domain::OrderType::stop;
  Decimal level;
  Decimal quantity;
  bool cancelling = false;
  bool acknowledged = false;
  int cancel_failures = 0;  // in a row: the next cancel waits until retry_after
  Timestamp retry_after;
  // Its cancel found it gone: the venue was asked what became of it and for its fills (which
  // may have come while no stream listened) before it is let go.
  bool gone_asked = false;
};

struct ExecutionBook {
  SymbolId symbol;
  std::string canonical;
  std::optional<ReferenceMark> mark;
  std::optional<domain::Position> position;  // at `venue`, instrument `instrument`
  Venue venue = Venue::paper;
  InstrumentId instrument;
  std::uint64_t working = 0;  // client-id sequence of the entry or close in flight (0: none)
  bool working_is_close = false;
  bool working_unknown = false;  // its outcome is unknown: the tracker is resolving it
  int close_attempts = 0;
  std::vector<ExitOrder> exits;                // native exits at the venue
  std::optional<domain::ExitMonitor> monitor;  // local exits
  bool exits_armed = false;
  std::string closing_why;  // a close is under way, and why ("signal", "stop_loss"...); "" none
  // Set by the reconciliation (a position at the venue the journal does not explain...): no new
  // entry on this symbol until an operator clears it; exits and closes still run.
  std::string blocked;
  [[nodiscard]] bool closing() const noexcept { return !closing_why.empty(); }
};

// Everything that must survive a restart of the actor.
struct ExecutionState {
  explicit ExecutionState(domain::RiskGate g) : gate(std::move(g)) {}
  domain::RiskGate gate;
  domain::FillLedger ledger;
  std::map<std::uint32_t, ExecutionBook> books;   // by SymbolId
  std::map<std::uint64_t, std::uint32_t> orders;  // client-id sequence → SymbolId
  AccountUpdate account;
  bool have_account = false;
  bool stopping = false;
  bool stop_cancels_resting = true;  // the shutdown policy StopTrading brought
  bool frozen = false;               // stopped: nothing more is sent
  Timestamp session_start;
  std::uint64_t starts = 0;
  ExecutionStatus stats;
  std::map<std::string, std::uint64_t, std::less<>> refusals;
  // Periodic reconciliation: when the last check asked for fills, and the symbols whose position
  // differed from the venue's on the last check (blocked on the second in a row).
  Timestamp last_reconcile;
  std::map<std::string, int, std::less<>> position_mismatches;
  // Every order's record for the operator (OrderQuery); finished ones, oldest first, are
  // forgotten beyond kOrderRecords.
  std::map<std::uint64_t, OrderView> records;
  std::deque<std::uint64_t> finished;
};

inline constexpr std::size_t kOrderRecords = 1000;

class Execution {
 public:
  using Messages =
      actor::Messages<SignalMsg, ReferenceMark, PlaceResult, CancelResult, VenueOrderMsg,
                      VenueFillMsg, AccountUpdate, venues::ResolutionEvent, KillSwitch, StopTrading,
                      ExecutionStatusQuery, ReconcileTick, VenuePositionsMsg, CancelRetry,
                      OrderQuery, CancelOrders, ManualOrder>;
  using Self = actor::ActorRef<SignalMsg, ReferenceMark, PlaceResult, CancelResult, VenueOrderMsg,
                               VenueFillMsg, AccountUpdate, venues::ResolutionEvent, KillSwitch,
                               StopTrading, ExecutionStatusQuery, ReconcileTick, VenuePositionsMsg,
                               CancelRetry, OrderQuery, CancelOrders, ManualOrder>;

  struct Deps {
    const InstrumentRegistry* registry = nullptr;
    venues::Router* router = nullptr;  // its sender is the order tracker
    venues::OrderTracker* tracker = nullptr;
    ClientIdCounter* counter = nullptr;    // survives restarts
    const ClientIdCodec* codec = nullptr;  // decodes the venues' client ids
    ExecutionState* state = nullptr;       // survives restarts
    // The holder of this actor's own ref, filled after spawn. Weak: the actor's cell holds these
    // deps through its factory, so a strong self would be a cycle (cell → factory → holder →
    // cell) that someone must break by emptying the holder while venue completions may still
    // tell through it. The owner keeps the holder alive and never empties it.
    std::weak_ptr<Self> self;
    // The journal (may be null: nothing persisted). Every intent is written to it durably before
    // its order is handed to the router — a failed write refuses the order, nothing is sent —
    // and order events, fills, positions, exit levels and every decision follow in batches.
    store::Journal* journal = nullptr;
    std::function<void(const VenueFillMsg&)> to_portfolio;
    std::function<void(const TradeEvent&)> log;
    // Probe: an order intent is ready and handed to the router (latency benchmarks, tests).
    std::function<void(const venues::PlaceIntent&, Timestamp tick_received)> on_intent;
    // Tests only: called at the start of every handler; throwing crashes the actor there.
    std::function<void(std::string_view message)> fault;
  };

  static Result<std::unique_ptr<Execution>> create(ExecutionConfig config, Deps deps);
  // The state a server keeps for the actor (risk gate from the config).
  static Result<std::unique_ptr<ExecutionState>> make_state(const ExecutionConfig& config,
                                                            Timestamp session_start);

  void on_start(actor::ActorContext& ctx);
  void on(SignalMsg& m, actor::ActorContext& ctx);
  void on(ReferenceMark& m, actor::ActorContext& ctx);
  void on(PlaceResult& m, actor::ActorContext& ctx);
  void on(CancelResult& m, actor::ActorContext& ctx);
  void on(VenueOrderMsg& m, actor::ActorContext& ctx);
  void on(VenueFillMsg& m, actor::ActorContext& ctx);
  void on(AccountUpdate& m, actor::ActorContext& ctx);
  void on(venues::ResolutionEvent& m, actor::ActorContext& ctx);
  void on(KillSwitch& m, actor::ActorContext& ctx);
  std::string on(StopTrading& m, actor::ActorContext& ctx);
  ExecutionStatus on(ExecutionStatusQuery& q, actor::ActorContext& ctx);
  void on(ReconcileTick& m, actor::ActorContext& ctx);
  void on(VenuePositionsMsg& m, actor::ActorContext& ctx);
  void on(CancelRetry& m, actor::ActorContext& ctx);
  std::optional<OrderView> on(OrderQuery& q, actor::ActorContext& ctx);
  CancelOrders::Answer on(CancelOrders& m, actor::ActorContext& ctx);
  ManualOrder::Answer on(ManualOrder& m, actor::ActorContext& ctx);
  void on_stop(actor::ActorContext& ctx);

 private:
  Execution(ExecutionConfig config, Deps deps)
      : config_(std::move(config)), deps_(std::move(deps)) {}
  ExecutionState& st() { return *deps_.state; }
  void fault(std::string_view what);
  ExecutionBook& book(SymbolId symbol);
  ExecutionBook* book_of_order(Venue venue, std::string_view client_order_id,
                               std::uint64_t* sequence);
  domain::RiskContext context(const ExecutionBook& book) const;
  // A position at least one lot (the venue's minimum size) large: less is dust, read as flat.
  [[nodiscard]] bool holds(const ExecutionBook& book) const;
  void refuse(ExecutionBook& b, std::string_view reason, const std::string& text, Timestamp now);
  void emit(Timestamp at, std::string kind, std::string text,
            std::vector<std::pair<std::string, std::string>> fields = {});
  // Journal records (no-ops without a journal).
  void audit(Timestamp at, std::string kind, std::string text,
             std::vector<std::pair<std::string, std::string>> fields);
  void journal_order(std::uint64_t sequence, store::OrderPhase phase,
                     const venues::VenueOrder* order, std::optional<Venue> venue,
                     std::string detail, Timestamp now);
  void journal_position(const ExecutionBook& b, Timestamp now);
  void journal_exit_levels(const ExecutionBook& b, const domain::ExitRules* rules, Timestamp now);

  void open(ExecutionBook& b, Side side, const SignalMsg& m, Timestamp now);
  void close(ExecutionBook& b, std::string why, Timestamp now);
  void progress_close(ExecutionBook& b, Timestamp now);
  void arm_exits(ExecutionBook& b, Timestamp now);
  bool place_native_exit(ExecutionBook& b, domain::ExitReason reason, domain::OrderType type,
                         Decimal level, Timestamp now);
  void cancel_exits(ExecutionBook& b, Timestamp now);
  void ask_gone_exit(const ExecutionBook& b, const ExitOrder& e);
  std::uint64_t route(ExecutionBook& b, venues::PlaceIntent intent, Timestamp tick,
                      const std::string& label, Timestamp now);
  void order_done(ExecutionBook& b, std::uint64_t sequence, domain::VenueOrderStatus status,
                  Timestamp now);
  void apply_fill(const domain::Fill& fill, Timestamp now);
  void resync(Timestamp since);
  // Operator records (OrderQuery): updated at every step of an order.
  OrderView* record(std::uint64_t sequence);
  void settle(std::uint64_t sequence, std::string state, bool final, Timestamp now,
              std::string detail = {});
  // The record, or for a working order without one (recovered from the journal at start) what
  // its book knows; nullopt for an order neither knows.
  [[nodiscard]] std::optional<OrderView> view_of(std::uint64_t sequence);
  // An exit resting for a held position, or a close under way: cancelling it needs force.
  [[nodiscard]] bool protective(const ExecutionBook& b, std::uint64_t sequence) const;
  // Sends the cancel of an exit or of the working order; false when no client can take it.
  bool send_cancel(ExecutionBook& b, std::uint64_t sequence, Timestamp now);

  ExecutionConfig config_;
  Deps deps_;
  std::uint64_t reconcile_timer_ = 0;
};

}  // namespace nzeza::app

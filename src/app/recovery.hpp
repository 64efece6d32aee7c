#pragma once
// Recovery: the fail-closed start-up reconciliation. Before the first order of a process, the
// journal (what nzeza did) is matched against every venue (what the venue holds) by client order
// id; what matches is adopted, what was unknown is resolved, what was missed is applied once, and
// what cannot be explained is reported and blocks its symbol — never guessed.
//
// recover(), in order:
//   1. journal->load(); every venue is asked at once for its open orders, fills since the oldest
//      order that may be live (at most `fills_lookback` back, never before the journal's first
//      intent), balances and, where the venue has positions, positions. A venue that does not
//      answer one of them before `deadline` (real time: the venues' clients answer on their own
//      threads) or answers an error FAILS the recovery, naming the venue and the query: the
//      server must not trade on a venue it could not reconcile. A venue that has no position
//      report (capabilities().positions false while it lists perpetuals) is report_missing, not
//      flat: its perpetual symbols are blocked.
//   2. Every journal order that may be live is looked up by its client id (ClientIdCodec): open at
//      the venue → adopted (working); else order_status: terminal → done; not found → for an
//      intent that never got an answer (pending, unknown) asked again after `not_found_grace`,
//      `not_found_confirmations` times, and only once the venue can no longer accept the request
//      (request_validity) → never_executed, and NEVER resent (its signal is stale). A pending
//      intent without a venue (a crash before any answer) is asked at every venue of its route.
//      A query that fails → unresolved: the symbol is blocked and the finding reported.
//   3. Open orders at a venue that the journal does not hold: carrying our client id → "ours but
//      not journaled" (a lost journal?), the symbol is blocked; someone else's → external, left
//      or cancelled per ExternalOrderPolicy (a failed cancel is reported, not fatal).
//   4. Fills at a venue that the journal lacks (key: venue, venue symbol, trade id) with our
//      client id are journaled (FillRecord, decoded sequence) and applied once; a second
//      recover() finds them in the journal. Fills of orders not ours are reported, never applied.
//   5. Positions: per (venue, instrument) what the fills make against what the venue reports.
//      Perpetual: a difference beyond the tolerance blocks the symbol (domain::reconcile grades
//      it). Spot: the venue's base balance below what the fills bought blocks the symbol; above
//      is info (coins nzeza did not buy: left alone, never sold).
//   6. One ReconciliationRecord per venue and an AuditRecord per finding, then journal->flush().
//      A failed recovery records what it learnt too (trading_allowed false) before returning.
//
// seed_execution / seed_portfolio rebuild the actors' durable state from a Recovered, so the
// server spawns its actors as if they had never stopped.
//
// Threading: recover() blocks the calling thread (never a client's callback thread) until every
// answer arrived or the deadline passed; clients may call back on any thread. A late answer after
// the deadline is dropped safely.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/execution.hpp"
#include "app/portfolio_actor.hpp"
#include "core/client_id.hpp"
#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "domain/fill.hpp"
#include "domain/reconciliation.hpp"
#include "store/journal.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::app {

// What to do with an open order at a venue that is not nzeza's (no client id of ours).
enum class ExternalOrderPolicy : std::uint8_t { leave, cancel };
[[nodiscard]] std::string_view to_string(ExternalOrderPolicy p) noexcept;

struct RecoveryOptions {
  ExternalOrderPolicy external_orders = ExternalOrderPolicy::leave;
  Duration fills_lookback = std::chrono::hours(24);
  Duration deadline = std::chrono::seconds(30);        // real time, for every venue query
  Duration not_found_grace = std::chrono::seconds(2);  // real time between "not found" answers
  int not_found_confirmations = 1;                     // extra "not found" answers required
  domain::ReconciliationConfig tolerances;
};

struct RecoveryInputs {
  store::Journal* journal = nullptr;
  const InstrumentRegistry* registry = nullptr;
  const ClientIdCodec* codec = nullptr;
  std::vector<venues::VenueClient*> clients;  // the venues in use
  // The route of a canonical symbol: its primary venue, then its fallbacks.
  std::function<std::vector<Venue>(std::string_view canonical)> venues_for;
  Clock* clock = nullptr;  // timestamps of what is recorded
  // Runs every millisecond while an answer is awaited (may be empty): a server on a ManualClock
  // passes its clock's run_due, since the paper venue answers on clock timers.
  std::function<void()> pump;
};

// What one finding is about.
enum class FindingKind : std::uint8_t {
  adopted,                 // a journal order found open at the venue: tracked again
  finished,                // a journal order the venue reports terminal: phase done
  never_executed,          // a journal intent the venue never got: never resent
  unresolved,              // a journal order whose state the venue did not give: symbol blocked
  unjournaled_order,       // an open order with our client id the journal lacks: symbol blocked
  external_order,          // an open order not ours, left alone
  external_cancelled,      // an open order not ours, cancelled (policy cancel)
  external_cancel_failed,  // the cancel of an external order failed (reported, not fatal)
  missed_fill,             // a fill of ours the journal lacked: journaled and applied once
  external_fill,           // a fill of an order not ours: reported, not applied
  position_mismatch,       // a position the fills do not explain: symbol blocked
  missing_holdings,        // spot: the venue holds less than the fills bought: symbol blocked
  extra_holdings,          // spot: the venue holds more than the fills bought: info only
  report_missing,          // the venue gave no report of that kind (not "none"): symbols blocked
  no_answer,               // the venue did not answer a query (recovery fails)
  instrument_unknown,      // a fill or order on an instrument not loaded
};
[[nodiscard]] std::string_view to_string(FindingKind k) noexcept;

struct RecoveryFinding {
  FindingKind kind = FindingKind::adopted;
  domain::Severity severity = domain::Severity::info;
  bool blocks = false;    // the symbol takes no new entry until an operator decides
  std::string canonical;  // the symbol it concerns ("" when none is known)
  std::string key;        // client order id, trade id, currency...
  std::string detail;     // one line for humans
};

struct VenueRecovery {
  Venue venue = Venue::paper;
  bool answered = true;  // every query answered in time
  std::size_t open_orders = 0;
  std::size_t fills = 0;
  std::vector<RecoveryFinding> findings;
  [[nodiscard]] domain::Severity worst() const noexcept;
  [[nodiscard]] bool trading_allowed() const noexcept;  // answered, and no finding blocks
};

struct RecoveryReport {
  Timestamp at;
  std::vector<VenueRecovery> venues;
  std::map<std::string, std::string, std::less<>> blocked;  // canonical → why
  bool trading_allowed = false;  // every venue answered (blocked symbols stay blocked)
  [[nodiscard]] std::size_t count(FindingKind kind) const noexcept;
  [[nodiscard]] const RecoveryFinding* find(FindingKind kind) const noexcept;
  [[nodiscard]] std::string to_text() const;
  [[nodiscard]] std::string to_json() const;
};

// A journal order that still lives (or may: phase unresolved) at a venue.
struct RecoveredOrder {
  store::OrderRecord order;  // phase working, or unresolved when the venue could not say
  Venue venue = Venue::paper;
  InstrumentId instrument;      // invalid when not loaded
  venues::VenueOrder at_venue;  // what the venue reported (empty for unresolved)
};

struct Recovered {
  RecoveryReport report;
  std::uint64_t last_sequence = 0;  // the client-id counter resumes above it
  std::vector<domain::Fill> fills;  // every fill (journal and missed), each once, in order
  std::vector<RecoveredOrder> working;
  std::vector<store::ExitLevelsRecord> exit_levels;
  std::map<std::string, std::string, std::less<>> blocked;  // canonical → why (no new entries)
};

[[nodiscard]] Result<Recovered> recover(const RecoveryInputs& in, const RecoveryOptions& options);

// Rebuilds what the execution actor keeps: positions from the fills, the fill ledger, per symbol
// the position's venue and instrument, resting native exits (acknowledged), the entry or close
// still working, the local exit monitor from the journaled levels, and the blocked symbols. A
// position with no journaled levels and no resting exit gets local exits from `config` at its
// average entry (it is never left unprotected).
Status seed_execution(const Recovered& r, ExecutionState& s, const InstrumentRegistry& registry,
                      const ClientIdCodec& codec, const ExecutionConfig& config);

// Rebuilds the portfolio: cash = s.starting_cash (as the caller set it) plus the effects of every
// fill, applied as PortfolioActor applies them.
Status seed_portfolio(const Recovered& r, PortfolioState& s, const InstrumentRegistry& registry,
                      Decimal leverage);

}  // namespace nzeza::app

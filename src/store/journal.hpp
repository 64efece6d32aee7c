#pragma once
// Journal: what nzeza did and what it knows, on disk, so a crash or a restart loses nothing and
// doubles nothing. One SQLite file (WAL) under the config's data_dir.
//
// What is written, and how durably:
//   intents        write_intent(): committed with synchronous=FULL BEFORE the order leaves the
//                  process — the only write the hot path waits for. The commit also carries every
//                  record queued before it (so the file never holds an intent ahead of what was
//                  journaled before it). An intent's sequence is the client-id counter value its
//                  order carries at every venue (ClientIdCodec), so after a crash the counter
//                  resumes above last_sequence() and no client id is ever reused.
//   everything     queued in memory (thread-safe, no disk on the caller's thread) and written in
//   else           one transaction per flush() at synchronous=NORMAL, in the order queued: order
//                  events, fills, positions, balance snapshots, exit levels, the audit log,
//                  reconciliation reports, candles, screening results. The store actor
//                  (store_actor.hpp) calls flush() on a short timer, on FlushNow and on stop;
//                  flush() also folds a large WAL back into the file (never an intent commit).
//                  What a crash loses from the queue the start-up reconciliation asks the venues
//                  for again (fills, order states); the intents are never lost.
// Schema: numbered migrations (PRAGMA user_version). Opening a journal written by a newer nzeza is
// refused (invalid_state, naming both versions); an older one is copied to "<file>.v<old>.bak"
// (a consistent snapshot; ".v<old>.2.bak" and so on when that name is taken, a backup is never
// overwritten) and then migrated in one transaction.
//
// Threading: every method is thread-safe (one connection behind a mutex). write_intent() and
// flush() take the mutex for their transaction; the enqueue methods only for a push.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/latency_histogram.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"
#include "domain/fill.hpp"
#include "domain/order_event.hpp"
#include "domain/order_state.hpp"

namespace nzeza::store {

// The schema this build writes (the number of the last migration).
[[nodiscard]] int schema_version() noexcept;

// One step of the schema: `sql` (one or more statements) takes a journal at version - 1 to
// `version`. Adding a migration is one entry at the end of the list in journal.cpp.
struct Migration {
  int version = 0;
  std::string_view sql;
};
// This build's migrations, versions 1, 2, ... in order.
[[nodiscard]] std::span<const Migration> migrations() noexcept;

// What an order intent asked for, before a venue was chosen (the router may try several; each
// gets the same sequence encoded in its own client-id form).
struct IntentRecord {
  std::uint64_t sequence = 0;  // > 0, strictly increasing across the journal's life
  std::string canonical;       // "BTC-USDT"
  Side side = Side::buy;
  domain::OrderType type = domain::OrderType::market;
  domain::TimeInForce time_in_force = domain::TimeInForce::gtc;
  bool reduce_only = false;
  Decimal quantity;
  std::optional<Decimal> price;
  std::optional<Decimal> stop_price;
  std::string purpose;  // "entry", "close", "stop_loss", "take_profit", "manual"
  Timestamp at;
};

// Where an order stands, as far as this process knows.
enum class OrderPhase : std::uint8_t {
  pending,         // intent written, no answer yet (a crash here: ask the venues)
  refused,         // refused before sending, or by the venue: nothing rests, nothing filled
  working,         // the venue accepted it and it may still trade
  unknown,         // sent, answer lost: being resolved by client id
  done,            // terminal at the venue (filled, cancelled, expired, rejected after accept)
  never_executed,  // resolved: the venue never had it (nothing rests, never resent)
  unresolved,      // the resolver gave up: an operator or the reconciliation decides
};
[[nodiscard]] std::string_view to_string(OrderPhase p) noexcept;
[[nodiscard]] std::optional<OrderPhase> parse_order_phase(std::string_view text) noexcept;
// pending, working, unknown and unresolved: the order may still be live at a venue.
[[nodiscard]] bool may_be_live(OrderPhase p) noexcept;

// One change of an order's state (appended; the latest per sequence is the order's state).
struct OrderEventRecord {
  std::uint64_t sequence = 0;
  OrderPhase phase = OrderPhase::pending;
  std::optional<Venue> venue;   // the venue that got it (once known)
  std::string client_order_id;  // its wire text there
  std::string venue_order_id;
  std::string venue_symbol;
  std::optional<domain::VenueOrderStatus> status;  // the venue's status when it gave one
  Decimal filled;                                  // cumulative, base units
  std::string detail;                              // why (error text, resolution...)
  Timestamp at;
};

// An intent with the latest of its events.
struct OrderRecord {
  IntentRecord intent;
  OrderPhase phase = OrderPhase::pending;
  std::optional<Venue> venue;
  std::string client_order_id;
  std::string venue_order_id;
  std::string venue_symbol;
  std::optional<domain::VenueOrderStatus> status;
  Decimal filled;
  std::string detail;
  Timestamp updated;
};

// A fill with the order sequence it belongs to (0: not one of ours, or not decoded).
struct FillRecord {
  domain::Fill fill;  // fill.instrument is not stored (process-local); venue_symbol is
  std::uint64_t sequence = 0;
  Timestamp recorded;
};

struct PositionRecord {
  Venue venue = Venue::paper;
  std::string venue_symbol;
  std::string canonical;
  Decimal quantity;  // signed
  std::optional<Decimal> average_entry;
  Decimal realized_pnl;
  Timestamp at;
};

struct BalanceRecord {
  Venue venue = Venue::paper;
  std::string currency;
  Decimal total;
  Decimal available;
  Timestamp at;
};

// The exit levels protecting a symbol's position (the latest row per symbol counts). Native exits
// resting at the venue are orders (purpose stop_loss / take_profit); these are the levels the
// local monitor watches.
struct ExitLevelsRecord {
  std::string canonical;
  bool armed = false;  // false: the position is flat or the exits were dropped
  std::optional<Decimal> entry;
  std::optional<Decimal> stop_loss;
  std::optional<Decimal> take_profit;
  std::optional<Decimal> trailing_fraction;
  std::optional<Decimal> trailing_best;  // best price seen so far by the trailing stop
  Timestamp at;
};

// One decision or finding, for the audit log.
struct AuditRecord {
  Timestamp at;
  std::string kind;  // "signal", "refusal", "order", "cancel", "fill", "exit", "reconciliation"...
  std::string text;  // one human line
  std::vector<std::pair<std::string, std::string>> fields;  // stored as one JSON object
};

struct ReconciliationRecord {
  Timestamp at;
  Venue venue = Venue::paper;
  std::string worst;  // domain::Severity name
  bool trading_allowed = true;
  std::string report_json;  // the discrepancies, as the API and `nzeza reconcile` print them
};

struct CandleRecord {
  std::string canonical;
  Duration interval{};
  Timestamp start;
  Decimal open, high, low, close, volume;
};

struct ScreeningRecord {
  Timestamp at;
  std::string canonical;
  double score = 0;          // ranking score (indicator maths: double is fine here)
  std::string details_json;  // the screening figures
};

// A record that Journal::record queues for the next flush: one of the kinds above.
using QueuedRecord =
    std::variant<OrderEventRecord, FillRecord, PositionRecord, BalanceRecord, ExitLevelsRecord,
                 AuditRecord, ReconciliationRecord, CandleRecord, ScreeningRecord>;

// Everything start-up needs, read in one pass.
struct JournalState {
  int schema_version = 0;
  std::uint64_t last_sequence = 0;            // the highest intent sequence ever written
  std::vector<OrderRecord> orders;            // every order whose phase may_be_live(), oldest first
  std::vector<FillRecord> fills;              // every fill, in the order recorded
  std::vector<ExitLevelsRecord> exit_levels;  // the latest per symbol, armed ones only
  std::vector<PositionRecord> positions;      // the latest per (venue, venue_symbol)
  std::optional<Timestamp> first_intent_at;   // nullopt: no intent ever written
};

struct JournalStats {
  std::uint64_t intents = 0;
  std::uint64_t queued = 0;  // records waiting for flush()
  std::uint64_t flushes = 0;
  std::uint64_t written = 0;   // records written by flush()
  std::uint64_t failures = 0;  // failed flushes (their records stay queued)
  // Wall time (steady clock) of each successful write_intent() — from its call, lock wait
  // included, to durable — and of each successful flush that wrote something.
  LatencyHistogram::Snapshot intent_write;
  LatencyHistogram::Snapshot flush_time;
};

// durable = false (backtests, replays): synchronous=OFF for every commit, intents included; a
// crash of the machine may lose what was written. Only for journals that are thrown away.
struct JournalOptions {
  bool durable = true;
};

class Journal {
 public:
  // Opens (creating it and its directory when absent) and migrates the journal at `file`.
  // Errors (each names the file): unavailable (the directory cannot be created, the disk
  // fails), invalid_state (a newer schema, naming both versions; a database nzeza did not
  // write), parse_error (not an SQLite file, or a corrupt one).
  static Result<std::unique_ptr<Journal>> open(const std::filesystem::path& file);
  static Result<std::unique_ptr<Journal>> open(const std::filesystem::path& file,
                                               JournalOptions options);
  // The same with an explicit migration list (tests: this build's plus a synthetic next one).
  static Result<std::unique_ptr<Journal>> open(const std::filesystem::path& file,
                                               std::span<const Migration> migrations,
                                               JournalOptions options = {});
  // Does not flush: what is still queued is lost, as in a crash. Stop the store actor first (its
  // on_stop flushes) or call flush().
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept;

  // Durable on return (synchronous=FULL), with everything queued before it. invalid_argument
  // when the sequence is not above every sequence written before (a reused client id).
  Status write_intent(const IntentRecord& intent);

  // Queued; written by the next flush() or write_intent().
  void record(QueuedRecord r);

  // Called (on the recording thread, outside every lock) when a record lands in an empty queue:
  // the store actor's wake-up, so an idle journal costs no timer. Set before records arrive.
  void on_first_queued(std::function<void()> wake);

  // Writes the queue in one transaction; the number of records written. On failure the records
  // stay queued (the next flush tries again) and the error says what failed.
  Result<std::size_t> flush();

  // Reads (after a flush of the queue, so a reader sees its own writes; a failed flush fails
  // the read). orders_since: intents written at or after `since`, by sequence; fills_since:
  // fills whose venue time is at or after `since`, in the order recorded; audit_since: lines
  // at or after `since`, in the order recorded. Each returns at most `limit` rows.
  Result<JournalState> load();
  Result<std::vector<OrderRecord>> orders_since(Timestamp since, std::size_t limit);
  Result<std::vector<FillRecord>> fills_since(Timestamp since, std::size_t limit);
  Result<std::vector<AuditRecord>> audit_since(Timestamp since, std::size_t limit);
  Result<std::vector<ReconciliationRecord>> reconciliations(std::size_t limit);  // newest first
  Result<std::vector<CandleRecord>> candles(std::string_view canonical, Duration interval,
                                            std::size_t limit);  // newest `limit`, oldest first
  // The latest screening (every row of its time), best score first; empty when none was written.
  Result<std::vector<ScreeningRecord>> latest_screening();
  [[nodiscard]] std::uint64_t last_sequence() const;
  [[nodiscard]] JournalStats stats() const;

  struct Impl;

 private:
  explicit Journal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nzeza::store

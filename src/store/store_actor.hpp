#pragma once
// StoreActor: owns the journal's flush cadence, so no other actor ever waits on the disk for
// anything but an intent (Journal::write_intent, called directly by whoever sends the order).
//
// Everyone else calls Journal::record(...) directly — a push under a mutex, no disk — and this
// actor writes the queue in one transaction:
//   FlushTick         its own timer, `flush_every` after the journal's queue stopped being
//                     empty (FlushSoon, sent by the journal's on_first_queued wake-up that
//                     spawn_store_actor installs), and again while records remain: an idle
//                     journal arms no timer at all;
//   FlushNow          asked: flushes at once, answers the number of records written or the
//                     flush's error (a shutdown path, a test, an operator's "sync now");
//   StoreStatusQuery  the journal's counters, the last flush's error and how long it took;
//   on stop           a last flush, so a graceful shutdown loses nothing queued.
// A failed flush leaves its records queued (the next one retries them in order) and is reported
// through `on_flush_failed` with the number of consecutive failures, so the caller chooses how
// often to log it.
//
// Threading: handlers run on the actor's turn (choose its dispatcher when spawning: the order
// thread is a good home, DESIGN.md §6); the journal must outlive the actor. A restarted
// behaviour starts a fresh timer chain; ticks of a previous one are ignored.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "actor/actor.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "store/journal.hpp"

namespace nzeza::store {

// data_dir / "journal.sqlite".
[[nodiscard]] std::filesystem::path journal_path(const std::string& data_dir);

struct FlushTick {
  std::uint64_t generation = 0;  // of the behaviour that armed it
};

// The journal's queue went from empty to not empty: flush within `flush_every`.
struct FlushSoon {};

struct FlushNow {
  using Reply = std::size_t;  // records written; the flush's error otherwise
};

struct StoreStatus {
  JournalStats journal;
  std::optional<Error> last_error;  // of the latest flush that failed, until one succeeds
  std::uint64_t consecutive_failures = 0;
  Duration last_flush_duration{};  // wall time of the latest flush that wrote something
  Timestamp last_flush_at;         // on the system clock: when that flush ran
  std::size_t last_flush_records = 0;
};

struct StoreStatusQuery {
  using Reply = StoreStatus;
};

struct StoreActorOptions {
  Duration flush_every = std::chrono::milliseconds(50);
  // Called on the store's turn after each failed flush (keep it short: log, count, alert).
  std::function<void(const Error& error, std::uint64_t consecutive)> on_flush_failed;
};

class StoreActor {
 public:
  using Messages = actor::Messages<FlushTick, FlushSoon, FlushNow, StoreStatusQuery>;
  using Ref = actor::ActorRef<FlushTick, FlushSoon, FlushNow, StoreStatusQuery>;

  StoreActor(Journal& journal, StoreActorOptions options)
      : journal_(journal), options_(std::move(options)) {}

  void on_start(actor::ActorContext& ctx);
  void on_stop(actor::ActorContext& ctx);
  void on(FlushTick& m, actor::ActorContext& ctx);
  void on(FlushSoon& m, actor::ActorContext& ctx);
  Result<std::size_t> on(FlushNow& m, actor::ActorContext& ctx);
  StoreStatus on(StoreStatusQuery& q, actor::ActorContext& ctx);

 private:
  Result<std::size_t> flush(actor::ActorContext& ctx);
  void arm(actor::ActorContext& ctx);

  Journal& journal_;
  StoreActorOptions options_;
  std::uint64_t generation_ = 0;
  TimerId timer_ = 0;
  StoreStatus status_;
};

// Spawns the store as a top-level actor named `name` on `dispatcher` (null: the system's
// default). Errors: already_exists (the name is taken), invalid_state (the system is stopping).
Result<StoreActor::Ref> spawn_store_actor(actor::ActorSystem& system, Journal& journal,
                                          StoreActorOptions options = {},
                                          actor::Dispatcher* dispatcher = nullptr,
                                          std::string name = "store");

}  // namespace nzeza::store

#pragma once
// DepthSync: Binance's diff-depth book procedure for one instrument (web-socket-streams.md,
// "How to manage a local order book correctly"):
//   1. buffer the `depthUpdate` events while no snapshot is applied;
//   2. the connection fetches the REST snapshot (GET /api/v3/depth) — wants_snapshot() says so;
//   3. a snapshot older than the buffer (lastUpdateId + 1 < U of the first kept event) is
//      refused (snapshot_too_old): fetch it again;
//   4. buffered events with u <= lastUpdateId are dropped; the first applied one must straddle
//      lastUpdateId + 1 (U <= lastUpdateId + 1 <= u);
//   5. afterwards an event with u <= local id is ignored (stale), U > local id + 1 is a gap:
//      the book is marked needs_resync, a VenueStatus{resyncing} is emitted, buffering starts
//      again and a new snapshot is wanted. The local id becomes u after each applied event.
// Binance's step "if lastUpdateId < U of the first event, refetch" is the same rule except at
// lastUpdateId == U - 1, which is contiguous and accepted here.
//
// Memory: the book and the buffer are reserved at construction; nothing allocates per event.
// A buffer that would overflow (snapshot never arriving) is emptied and counted; the next
// snapshot will then be too old or straddle the new first event, as the rule decides.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"
#include "market/order_book.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::binance {

struct DepthLevel {
  Side side = Side::buy;
  Decimal price;
  Decimal size;  // 0 deletes
};

// One parsed and validated depthUpdate.
struct DepthDiff {
  std::uint64_t first_id = 0;  // U
  std::uint64_t final_id = 0;  // u
  Timestamp event_time;        // E
  std::span<const DepthLevel> levels;
};

struct DepthSyncConfig {
  std::size_t max_depth = market::OrderBook::kDefaultMaxDepth;
  std::size_t max_buffered_levels = 20'000;
  std::size_t max_buffered_events = 2'000;
};

struct DepthSyncStats {
  std::uint64_t applied = 0;    // diffs applied to the book
  std::uint64_t buffered = 0;   // diffs buffered while awaiting a snapshot
  std::uint64_t stale = 0;      // diffs ignored because u <= local id
  std::uint64_t gaps = 0;       // U > local id + 1
  std::uint64_t crossed = 0;    // book crossed after a diff (treated as a gap)
  std::uint64_t snapshots = 0;  // snapshots applied
  std::uint64_t snapshots_too_old = 0;
  std::uint64_t buffer_overflows = 0;
};

enum class SnapshotOutcome : std::uint8_t { applied, too_old };

class DepthSync {
 public:
  DepthSync(const Instrument& instrument, DepthSyncConfig config);

  // Handles one diff. Emits BookChange events (sequence = u) for what is applied. Returns the
  // number of events emitted.
  std::size_t on_diff(const DepthDiff& diff, Timestamp receive_time, MarketEventSink& sink);

  // Applies a REST snapshot: `levels` are its bids then asks (any order within a side), then
  // replays the buffer. too_old leaves the buffer and the book untouched (fetch again).
  SnapshotOutcome on_snapshot(std::uint64_t last_update_id, std::span<const DepthLevel> levels,
                              Timestamp receive_time, MarketEventSink& sink,
                              std::size_t* events_emitted = nullptr);

  // A diff for this book could not be decoded: a change was lost, so resync.
  void on_lost_diff(Timestamp receive_time, MarketEventSink& sink);

  // True while no valid book exists (fresh, or after a gap): the connection should fetch a
  // snapshot once buffering has started.
  [[nodiscard]] bool wants_snapshot() const noexcept { return !book_.synced(); }
  [[nodiscard]] std::uint64_t local_id() const noexcept { return book_.last_sequence(); }
  [[nodiscard]] const market::OrderBook& book() const noexcept { return book_; }
  [[nodiscard]] const DepthSyncStats& stats() const noexcept { return stats_; }
  [[nodiscard]] std::size_t buffered_events() const noexcept { return events_.size(); }

 private:
  struct Buffered {
    std::uint64_t first_id;
    std::uint64_t final_id;
    Timestamp event_time;
    std::size_t begin;  // into levels_
    std::size_t end;
  };

  void buffer(const DepthDiff& diff);
  std::size_t apply_synced(const DepthDiff& diff, Timestamp receive_time, MarketEventSink& sink);
  void start_resync(Timestamp receive_time, MarketEventSink& sink);
  void emit_status(FeedState state, Timestamp receive_time, MarketEventSink& sink);
  void keep_buffered_from(std::size_t first);
  void emit(const BookChange& change, Timestamp venue_time, Timestamp receive_time,
            MarketEventSink& sink);

  DepthSyncConfig config_;
  InstrumentId instrument_;
  SymbolId symbol_;
  market::OrderBook book_;
  std::vector<DepthLevel> levels_;  // buffered levels, reserved
  std::vector<Buffered> events_;    // buffered diffs, reserved
  DepthSyncStats stats_;
};

}  // namespace nzeza::venues::binance

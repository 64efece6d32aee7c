#pragma once
// RecorderActor: records the market events a feed hands it, on its own actor, so a recording
// never slows a feed down.
//
// The feed tells RecordEvent and never waits: spawn the actor with recorder_spawn_options(), a
// bounded drop-oldest mailbox (each loss counted in the actor's metrics as `dropped`). The actor
// owns a RecordingWriter; it ends a frame on every FlushTick (scheduled every `flush_every` on
// the system clock when `self` is given) and closes its files on stop, so what it wrote reads
// back whole. A restart builds a new writer, which starts new files (never appends to old ones).
// RecorderStatsQuery answers the writer's counts.

#include <filesystem>
#include <memory>

#include "actor/actor.hpp"
#include "core/market_event.hpp"
#include "replay/recording_writer.hpp"

namespace nzeza::replay {

struct RecordEvent {
  MarketEvent event;
};
struct FlushTick {};
struct RecorderStatsQuery {
  using Reply = RecordingWriterStats;
};

// Mailbox of `capacity` events, the oldest dropped when full.
[[nodiscard]] actor::SpawnOptions recorder_spawn_options(std::string name, std::size_t capacity,
                                                         actor::Dispatcher* dispatcher = nullptr);

class RecorderActor {
 public:
  using Messages = actor::Messages<RecordEvent, FlushTick, RecorderStatsQuery>;
  using Self = actor::RefTo<Messages>;

  struct Deps {
    const InstrumentRegistry* registry = nullptr;
    RecordingWriterOptions writer;
    // Set: a FlushTick every flush_every. Weak, so the actor's cell (which holds this through
    // its factory) and the holder the owner keeps form no cycle; the owner keeps the holder.
    std::weak_ptr<Self> self;
    Duration flush_every = std::chrono::seconds(1);
  };

  explicit RecorderActor(Deps deps);
  void on_start(actor::ActorContext& ctx);
  void on_stop(actor::ActorContext& ctx);
  void on(RecordEvent& m, actor::ActorContext& ctx);
  void on(FlushTick& m, actor::ActorContext& ctx);
  RecordingWriterStats on(RecorderStatsQuery& q, actor::ActorContext& ctx);

 private:
  Deps deps_;
  RecordingWriter writer_;
  void arm(actor::ActorContext& ctx);

  TimerId timer_ = 0;
};

}  // namespace nzeza::replay

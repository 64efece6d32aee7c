#include "replay/recorder_actor.hpp"

namespace nzeza::replay {

actor::SpawnOptions recorder_spawn_options(std::string name, std::size_t capacity,
                                           actor::Dispatcher* dispatcher) {
  actor::SpawnOptions o = actor::SpawnOptions::named(std::move(name), dispatcher);
  o.mailbox.with_capacity(capacity).with_policy(actor::OverflowPolicy::drop_oldest);
  return o;
}

RecorderActor::RecorderActor(Deps deps)
    : deps_(std::move(deps)), writer_(*deps_.registry, deps_.writer) {}

void RecorderActor::arm(actor::ActorContext& ctx) {
  if (auto self = deps_.self.lock()) timer_ = ctx.tell_after(deps_.flush_every, *self, FlushTick{});
}

void RecorderActor::on_start(actor::ActorContext& ctx) {
  arm(ctx);
}

void RecorderActor::on_stop(actor::ActorContext& ctx) {
  if (timer_ != 0) (void)ctx.cancel_timer(timer_);
  (void)writer_.close();
}

void RecorderActor::on(RecordEvent& m, actor::ActorContext& /*ctx*/) {
  (void)writer_.append(m.event);  // a failure is counted in the writer's `dropped`
}

void RecorderActor::on(FlushTick& /*m*/, actor::ActorContext& ctx) {
  (void)writer_.flush();
  arm(ctx);
}

RecordingWriterStats RecorderActor::on(RecorderStatsQuery& /*q*/, actor::ActorContext& /*ctx*/) {
  return writer_.stats();
}

}  // namespace nzeza::replay

#include "store/store_actor.hpp"

#include <chrono>
#include <memory>
#include <utility>

namespace nzeza::store {

std::filesystem::path journal_path(const std::string& data_dir) {
  return std::filesystem::path(data_dir) / "journal.sqlite";
}

void StoreActor::on_start(actor::ActorContext& ctx) {
  generation_ = ctx.cell().generation();
  if (journal_.stats().queued > 0) arm(ctx);
}

void StoreActor::on_stop(actor::ActorContext& ctx) {
  if (timer_ != 0) ctx.cancel_timer(timer_);
  timer_ = 0;
  (void)flush(ctx);
}

void StoreActor::arm(actor::ActorContext& ctx) {
  // The timer holds the cell weakly: a pending tick never keeps a stopped store alive.
  std::weak_ptr<Ref::Cell> weak =
      std::dynamic_pointer_cast<Ref::Cell>(ctx.cell().shared_from_this());
  const std::uint64_t generation = generation_;
  timer_ = ctx.clock().schedule_after(options_.flush_every, [weak, generation] {
    if (auto cell = weak.lock()) (void)Ref(std::move(cell)).tell(FlushTick{generation});
  });
}

void StoreActor::on(FlushTick& m, actor::ActorContext& ctx) {
  if (m.generation != generation_) return;  // armed by a behaviour that was restarted
  timer_ = 0;
  (void)flush(ctx);
  // Records that came during the flush, or a failed batch given back: another round.
  if (journal_.stats().queued > 0) arm(ctx);
}

void StoreActor::on(FlushSoon& /*m*/, actor::ActorContext& ctx) {
  if (timer_ == 0) arm(ctx);
}

Result<std::size_t> StoreActor::on(FlushNow& /*m*/, actor::ActorContext& ctx) {
  return flush(ctx);
}

StoreStatus StoreActor::on(StoreStatusQuery& /*q*/, actor::ActorContext& /*ctx*/) {
  StoreStatus s = status_;
  s.journal = journal_.stats();
  return s;
}

Result<std::size_t> StoreActor::flush(actor::ActorContext& ctx) {
  // Wall time on the steady clock: a measurement of the disk, not a behaviour driven by time.
  const auto started = std::chrono::steady_clock::now();
  auto written = journal_.flush();
  const auto took = std::chrono::steady_clock::now() - started;
  if (!written) {
    ++status_.consecutive_failures;
    status_.last_error = written.error();
    if (options_.on_flush_failed)
      options_.on_flush_failed(written.error(), status_.consecutive_failures);
    return written;
  }
  status_.consecutive_failures = 0;
  status_.last_error.reset();
  if (*written > 0) {
    status_.last_flush_duration = std::chrono::duration_cast<Duration>(took);
    status_.last_flush_at = ctx.now();
    status_.last_flush_records = *written;
  }
  return written;
}

Result<StoreActor::Ref> spawn_store_actor(actor::ActorSystem& system, Journal& journal,
                                          StoreActorOptions options, actor::Dispatcher* dispatcher,
                                          std::string name) {
  auto opts = actor::SpawnOptions::named(std::move(name), dispatcher);
  // Three message kinds, none of them data: a small mailbox; a full one refuses (an ask says so).
  opts.mailbox.with_capacity(64).with_policy(actor::OverflowPolicy::reject);
  Journal* j = &journal;
  auto ref = system.spawn<StoreActor>(std::move(opts), [j, options = std::move(options)] {
    return std::make_unique<StoreActor>(*j, options);
  });
  if (!ref) return ref;
  // Weakly: a wake-up after the store stopped goes nowhere.
  std::weak_ptr<StoreActor::Ref::Cell> weak = ref->cell();
  journal.on_first_queued([weak] {
    if (auto cell = weak.lock()) (void)StoreActor::Ref(std::move(cell)).tell(FlushSoon{});
  });
  return ref;
}

}  // namespace nzeza::store

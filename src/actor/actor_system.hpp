#pragma once
// ActorSystem: the root of a supervision tree, its default dispatcher and its clock.
//
//   ManualClock clock;
//   actor::ActorSystem system(clock, actor::ActorSystemOptions::with_threads(0));  // tests poll()
//   auto counter = system.spawn<Counter>(actor::SpawnOptions::named("counter"), [] {
//     return std::make_unique<Counter>();
//   });
//   counter->tell(Add{2});
//   system.dispatcher().poll();
//
// Lifecycle contract: shutdown(deadline) stops accepting spawns and stops the top-level actors
// gracefully in reverse start order (each drains its mailbox, then its own children in reverse
// order); whatever has not stopped when the deadline passes on the clock is killed. The
// destructor kills what is still running and joins the default dispatcher; the clock and any
// dispatcher passed in SpawnOptions must outlive the system.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actor/actor_ref.hpp"
#include "actor/behavior_cell.hpp"
#include "actor/dispatcher.hpp"
#include "actor/system_core.hpp"

namespace nzeza::actor {

struct ActorSystemOptions {
  std::string name = "nzeza";
  unsigned threads = 1;            // threads of the default dispatcher; 0: manual (poll())
  SupervisionOptions supervision;  // for the top-level actors (the limit stops their subtree)

  static ActorSystemOptions with_threads(unsigned n, std::string name = "nzeza") {
    ActorSystemOptions o;
    o.threads = n;
    o.name = std::move(name);
    return o;
  }
};

namespace detail {
template <typename B, typename F>
Result<RefOf<B>> spawn_under(CellBase& parent, SpawnOptions options, F factory) {
  static_assert(std::is_convertible_v<std::invoke_result_t<F&>, std::unique_ptr<B>>,
                "the factory must return std::unique_ptr<B>");
  const std::shared_ptr<SystemCore>& core = parent.core_ptr();
  std::string name = options.name.empty() ? core->auto_name() : options.name;
  Dispatcher* d = options.dispatcher != nullptr ? options.dispatcher : &core->default_dispatcher();
  auto cell = std::make_shared<BehaviorCell<B>>(
      CellInit{core, parent.weak_from_this(), std::move(name), d, std::move(options)},
      Factory<B>([f = std::move(factory)]() mutable -> std::unique_ptr<B> { return f(); }));
  if (auto st = CellBase::launch(parent, cell); !st) return std::move(st).error();
  return RefOf<B>(std::move(cell));
}
}  // namespace detail

class ActorSystem {
 public:
  explicit ActorSystem(Clock& clock, ActorSystemOptions options = {});
  ~ActorSystem();
  ActorSystem(const ActorSystem&) = delete;
  ActorSystem& operator=(const ActorSystem&) = delete;

  // A top-level actor. Errors: already_exists (name taken), invalid_state (shutting down).
  template <typename B, typename F>
  Result<RefOf<B>> spawn(SpawnOptions options, F factory) {
    return detail::spawn_under<B>(*root_, std::move(options), std::move(factory));
  }

  // The running actor called `name` with exactly this ref type; otherwise an unbound ref whose
  // sends are dead letters.
  template <typename Ref>
  [[nodiscard]] Ref lookup(std::string_view name) const {
    auto cell = std::dynamic_pointer_cast<typename Ref::Cell>(core_->find(name));
    if (!cell) return Ref::unbound(core_, std::string(name));
    return Ref(std::move(cell));
  }

  // Graceful shutdown; returns at once. Everything left when `deadline` passes is killed.
  void shutdown(Duration deadline);
  [[nodiscard]] bool stopped() const noexcept;
  // Real-time wait for a threaded default dispatcher; a manual one is driven with poll().
  bool await_stopped(std::chrono::milliseconds limit);

  [[nodiscard]] Dispatcher& dispatcher() noexcept { return *dispatcher_; }
  [[nodiscard]] Clock& clock() const noexcept { return core_->clock(); }
  [[nodiscard]] std::uint64_t dead_letters() const noexcept { return core_->dead_letters(); }
  [[nodiscard]] std::vector<std::pair<std::string, ActorMetricsSnapshot>> metrics() const;

 private:
  std::unique_ptr<Dispatcher> dispatcher_;
  std::shared_ptr<SystemCore> core_;
  std::shared_ptr<CellBase> root_;
  TimerId deadline_timer_ = 0;
};

}  // namespace nzeza::actor

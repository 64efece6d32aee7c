#pragma once
// The actor runtime in one include: typed refs, spawning, ask, timers as messages.
// Coroutine senders (block policy) and coroutine asks are in actor/await.hpp (Asio-heavy).

#include "actor/actor_ref.hpp"
#include "actor/actor_system.hpp"
#include "actor/behavior_cell.hpp"
#include "actor/cell.hpp"

namespace nzeza::actor {

template <typename B, typename Factory>
auto ActorContext::spawn(SpawnOptions options, Factory factory) {
  return detail::spawn_under<B>(cell_, std::move(options), std::move(factory));
}

template <typename Ref, typename Req, typename F>
void ActorContext::ask(const Ref& target, Req request, Duration timeout, F on_reply) {
  using R = typename Req::Reply;
  std::weak_ptr<CellBase> self = cell_.weak_from_this();
  const std::uint64_t generation = cell_.generation();
  target.ask(std::move(request), timeout,
             [self, generation, fn = std::move(on_reply)](Result<R> r) mutable {
               if (auto c = self.lock())
                 c->post_closure(generation, [fn = std::move(fn), r = std::move(r)]() mutable {
                   fn(std::move(r));
                 });
             });
}

template <typename Ref, typename M>
TimerId ActorContext::tell_after(Duration delay, Ref target, M m) {
  return clock().schedule_after(
      delay, [target = std::move(target), m = std::move(m)] { (void)target.tell(m); });
}

}  // namespace nzeza::actor

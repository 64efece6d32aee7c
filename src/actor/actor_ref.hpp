#pragma once
// ActorRef<Ms...>: the typed address of an actor that accepts exactly Ms. Telling a type outside
// Ms, telling a request or asking a non-request does not compile. Cheap to copy, thread-safe,
// valid across restarts (a restart replaces the behaviour, not the mailbox). Sending to a
// stopped actor, or through a ref to an unknown name, counts a dead letter and returns an error.

#include <concepts>
#include <memory>
#include <string>
#include <utility>

#include "actor/typed_cell.hpp"

namespace nzeza::actor {

inline constexpr Duration kNoTimeout = Duration::max();

template <typename... Ms>
class ActorRef {
 public:
  using Cell = TypedCell<Ms...>;
  template <typename M>
  static constexpr bool accepts_tell = contains_v<M, Ms...> && !Request<M>;
  template <typename M>
  static constexpr bool accepts_ask = contains_v<M, Ms...>&& Request<M>;

  ActorRef() = default;
  explicit ActorRef(std::shared_ptr<Cell> cell) noexcept : cell_(std::move(cell)) {}
  // A ref to a name that resolved to nothing: every send is a dead letter under that name.
  static ActorRef unbound(std::shared_ptr<SystemCore> core, std::string name) {
    ActorRef r;
    r.unbound_ = std::make_shared<const Unbound>(Unbound{std::move(core), std::move(name)});
    return r;
  }

  // Fire and forget. Errors: rejected (mailbox full under reject, or block without waiting),
  // unavailable (actor stopped or unknown). Drops and conflations are not errors: counted.
  template <typename M>
  requires accepts_tell<std::remove_cvref_t<M>> Status tell(M&& m)
  const {
    using T = std::remove_cvref_t<M>;
    if (!cell_) return dead_unbound(type_name<T>());
    T slot(std::forward<M>(m));
    const Offer o = cell_->template offer<T>(slot);
    if (o == Offer::accepted) return {};
    return cell_->settle(o, type_name<T>());
  }

  // Like tell, but a plain thread waits while a block-policy mailbox is full. Never call it from
  // an actor's turn (use actor::send from a coroutine, or tell).
  template <typename M>
  requires accepts_tell<std::remove_cvref_t<M>> Status tell_blocking(M&& m)
  const {
    using T = std::remove_cvref_t<M>;
    if (!cell_) return dead_unbound(type_name<T>());
    T slot(std::forward<M>(m));
    for (;;) {
      std::uint64_t epoch = 0;
      const Offer o = cell_->template offer<T>(slot, &epoch);
      if (o != Offer::full) return cell_->settle(o, type_name<T>());
      cell_->wait_for_space(epoch);
    }
  }

  // Asks; on_reply(Result<Req::Reply>) runs exactly once: with the reply, with
  // ErrorCode::timeout after `timeout` on the system clock, or with the reason the request could
  // not be delivered or answered. It runs on whichever thread completes the ask (the replier's,
  // the clock's, or this one when refused at once): keep it short. Inside an actor use
  // ActorContext::ask, from a coroutine actor::ask (actor/await.hpp).
  template <typename Req, typename F>
  requires accepts_ask<Req> && std::invocable<F&, Result<typename Req::Reply>>
  void ask(Req request, Duration timeout, F on_reply) const {
    using R = typename Req::Reply;
    auto state = std::make_shared<AskState<R>>(typename AskState<R>::Callback(std::move(on_reply)));
    if (!cell_) {
      state->complete(dead_unbound(type_name<Req>()).error());
      return;
    }
    const bool timed = timeout != kNoTimeout;
    if (timed) {
      SystemCore& core = cell_->core();
      state->prepare_timeout(core.ask_timeouts(), core.clock().now() + timeout, timeout,
                             type_name<Req>(), cell_);
    }
    AskSlot<Req> slot(std::move(request), state);
    const Offer o = cell_->template offer<Req>(slot);
    if (o == Offer::accepted) {
      // Linked after publishing: a refused ask never touches the clock; a reply that already
      // came is seen by add() and nothing is linked.
      if (timed) {
        const std::shared_ptr<AskTimeouts>& timeouts = cell_->core().ask_timeouts();
        timeouts->add(std::move(state));
      }
      return;
    }
    Status st = cell_->settle(o, type_name<Req>());
    auto s = std::move(slot.state);
    s->complete(std::move(st).error());
  }

  void stop() const {  // graceful: drains what was sent before, then stops
    if (cell_) cell_->request_stop();
  }
  void kill() const {  // overtakes everything queued
    if (cell_) cell_->request_kill();
  }

  [[nodiscard]] bool valid() const noexcept { return cell_ != nullptr; }
  explicit operator bool() const noexcept { return valid(); }
  [[nodiscard]] bool stopped() const noexcept { return !cell_ || cell_->stopped(); }
  [[nodiscard]] std::string name() const { return cell_ ? cell_->name() : unbound_name(); }
  [[nodiscard]] ActorMetricsSnapshot metrics() const {
    return cell_ ? cell_->metrics_snapshot() : ActorMetricsSnapshot{};
  }
  [[nodiscard]] const std::shared_ptr<Cell>& cell() const noexcept { return cell_; }
  friend bool operator==(const ActorRef& a, const ActorRef& b) noexcept {
    return a.cell_ == b.cell_;
  }

 private:
  struct Unbound {
    std::shared_ptr<SystemCore> core;
    std::string name;
  };
  [[nodiscard]] std::string unbound_name() const { return unbound_ ? unbound_->name : ""; }
  Status dead_unbound(std::string_view type) const {
    if (unbound_) unbound_->core->dead_letter(unbound_->name, type, "unknown actor");
    return fail(ErrorCode::unavailable, "no actor named '" + unbound_name() +
                                            "': " + std::string(type) + " went to dead letters");
  }

  std::shared_ptr<Cell> cell_;
  std::shared_ptr<const Unbound> unbound_;
};

template <typename List>
struct RefOfList;
template <typename... Ms>
struct RefOfList<Messages<Ms...>> {
  using type = ActorRef<Ms...>;
};
// The ref type of an actor that accepts the message list `List` (actor::Messages<...>).
template <typename List>
using RefTo = typename RefOfList<List>::type;
// The ref type of behaviour B.
template <typename B>
using RefOf = RefTo<typename B::Messages>;

}  // namespace nzeza::actor

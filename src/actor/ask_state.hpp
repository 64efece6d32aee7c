#pragma once
// AskState<R>: the meeting point of one ask's reply and its timeout. Whichever comes first
// completes it (one atomic exchange); the loser is ignored — a reply that loses is a late reply,
// counted by the replying actor. The deadline lives in the system's AskTimeouts (one clock timer
// for all asks); a reply unlinks it in O(1).
//
// Threading: complete() runs on the replier's thread, the timeout on the clock's firing thread;
// the callback runs once, on whichever thread won, and must be short (ActorContext::ask posts it
// into the asking actor's mailbox; the coroutine form posts it to the coroutine's executor).

#include <atomic>
#include <memory>
#include <utility>

#include "actor/actor_metrics.hpp"
#include "actor/ask_timeouts.hpp"
#include "actor/unique_function.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace nzeza::actor {

template <typename R>
class AskState final : public AskTimeoutNode {
 public:
  using Callback = UniqueFunction<void(Result<R>)>;
  explicit AskState(Callback cb) : cb_(std::move(cb)) {}

  // The reply (or a failure to produce one). False when the ask had already completed.
  bool complete(Result<R> r) {
    if (!claim()) return false;
    disarm_timeout();
    fire(std::move(r));
    return true;
  }

 private:
  void expire(Error e) override { fire(Result<R>(std::move(e))); }
  void fire(Result<R> r) {
    Callback cb = std::move(cb_);
    if (cb) cb(std::move(r));
  }
  Callback cb_;
};

// A request in a mailbox: the request and where its reply goes. Destroying a slot whose ask is
// still open fails the ask, so no asker waits forever on a message that was dropped or discarded.
template <typename Req>
struct AskSlot {
  using Reply = typename Req::Reply;
  Req request;
  std::shared_ptr<AskState<Reply>> state;

  AskSlot(Req r, std::shared_ptr<AskState<Reply>> s) : request(std::move(r)), state(std::move(s)) {}
  AskSlot(AskSlot&&) noexcept = default;
  AskSlot& operator=(AskSlot&& o) noexcept {
    if (this != &o) {
      fail_open("request discarded");
      request = std::move(o.request);
      state = std::move(o.state);
    }
    return *this;
  }
  AskSlot(const AskSlot&) = delete;
  AskSlot& operator=(const AskSlot&) = delete;
  ~AskSlot() { fail_open("request discarded before it was handled"); }

  void fail_open(const char* why) noexcept {
    if (!state) return;
    auto s = std::move(state);
    try {
      s->complete(Error(ErrorCode::cancelled, why));
    } catch (...) {  // a callback that throws must not escape a destructor
    }
  }
};

template <typename T>
inline constexpr bool is_ask_slot_v = false;
template <typename Req>
inline constexpr bool is_ask_slot_v<AskSlot<Req>> = true;

// Promise<R>: lets a handler reply later (after asking someone else). Deliver exactly once; a
// promise destroyed without delivering fails the ask.
template <typename R>
class Promise {
 public:
  Promise() = default;
  Promise(std::shared_ptr<AskState<R>> st, std::shared_ptr<ActorMetrics> m)
      : st_(std::move(st)), metrics_(std::move(m)) {}
  Promise(Promise&&) noexcept = default;
  Promise& operator=(Promise&&) noexcept = default;
  ~Promise() {
    if (st_) st_->complete(Error(ErrorCode::internal, "request dropped without a reply"));
  }
  void deliver(Result<R> r) {
    if (!st_) return;
    auto st = std::move(st_);
    if (!st->complete(std::move(r)) && metrics_)
      metrics_->late_replies.fetch_add(1, std::memory_order_relaxed);
  }
  [[nodiscard]] bool pending() const noexcept { return st_ != nullptr; }

 private:
  std::shared_ptr<AskState<R>> st_;
  std::shared_ptr<ActorMetrics> metrics_;
};

}  // namespace nzeza::actor

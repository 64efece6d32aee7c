#pragma once
// WaitTimers: the Clock timers on which a venue client's calls wait while its rate limiter holds
// them back. Each client's shared state (held by shared_ptr, its callbacks holding weak_ptrs)
// keeps one as a member.
//
// A call runs when its timer fires, on the clock's firing thread, unless its owner is gone by
// then: `gone` runs instead (the call was never sent). cancel_all(), on the client's destruction,
// cancels every timer still waiting — a cancelled timer's callback is dropped with the Completion
// inside it, which then answers `cancelled` — and from then on a new wait runs `gone` at once,
// so no call can slip in behind a shutdown.
//
// Threading: thread-safe. Never call run_after or cancel_all from inside a wait's callback while
// holding a lock that callback takes.

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <utility>

#include "core/clock.hpp"
#include "core/time.hpp"

namespace nzeza::venues {

class WaitTimers {
 public:
  explicit WaitTimers(Clock& clock) : clock_(clock) {}
  ~WaitTimers() { cancel_all(); }
  WaitTimers(const WaitTimers&) = delete;
  WaitTimers& operator=(const WaitTimers&) = delete;

  // After `wait`: `go(owner)` if `owner` still lives, else `gone()`. `this` must be a member of
  // the owner (the owner's life keeps it alive when the timer fires).
  template <typename Owner>
  void run_after(Duration wait, std::weak_ptr<Owner> owner, std::function<void(Owner&)> go,
                 std::function<void()> gone) {
    std::unique_lock lock(mu_);
    if (stopped_) {
      lock.unlock();
      gone();
      return;
    }
    auto id = std::make_shared<TimerId>();
    *id = clock_.schedule_after(
        wait, [this, owner = std::move(owner), id, go = std::move(go), gone = std::move(gone)] {
          auto self = owner.lock();
          if (!self) {
            gone();
            return;
          }
          {
            std::lock_guard l(mu_);
            timers_.erase(*id);
          }
          go(*self);
        });
    timers_.insert(*id);
  }

  // Cancels every waiting timer and refuses any later wait (see the header comment).
  void cancel_all() {
    std::set<TimerId> timers;
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
      timers.swap(timers_);
    }
    for (TimerId id : timers) clock_.cancel(id);
  }

 private:
  Clock& clock_;
  std::mutex mu_;
  bool stopped_ = false;
  std::set<TimerId> timers_;
};

}  // namespace nzeza::venues

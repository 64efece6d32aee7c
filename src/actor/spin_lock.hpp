#pragma once
// SpinLock: guards a mailbox's few-instruction critical sections (push, pop a batch, flip the
// scheduled flag). Cheaper than std::mutex uncontended (no RMW on unlock) and it never parks the
// thread for a section this short. A waiter backs off exponentially (the guarded data shares the
// lock's cache line), then yields now and then so a preempted holder on a 2-core machine can
// finish. Never hold it across user code or a call that may block.

#include <atomic>
#include <thread>

namespace nzeza::actor {

class SpinLock {
 public:
  void lock() noexcept {
    if (!locked_.exchange(true, std::memory_order_acquire)) return;
    lock_contended();
  }
  bool try_lock() noexcept { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  // Waiters back off exponentially between looks: the protected data shares the lock's cache
  // line, and every look pulls that line away from the holder in the middle of its section.
  [[gnu::noinline]] void lock_contended() noexcept {
    int pause = 1;
    int yields_in = 64;
    for (;;) {
      for (int i = 0; i < pause; ++i) __builtin_ia32_pause();
      if (!locked_.load(std::memory_order_relaxed) &&
          !locked_.exchange(true, std::memory_order_acquire))
        return;
      if (pause < 64) {
        pause *= 2;
      } else if (--yields_in == 0) {  // the holder may be preempted on a busy 2-core machine
        std::this_thread::yield();
        yields_in = 64;
      }
    }
  }
  std::atomic<bool> locked_{false};
};

}  // namespace nzeza::actor

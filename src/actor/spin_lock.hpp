#pragma once
// SpinLock: guards a mailbox's few-instruction critical sections (push, pop a batch, flip the
// scheduled flag). Cheaper than std::mutex uncontended (no RMW on unlock) and it never parks the
// thread for a section this short; after a few hundred spins it yields so a preempted holder on
// a 2-core machine can finish. Never hold it across user code or a call that may block.

#include <atomic>
#include <thread>

namespace nzeza::actor {

class SpinLock {
 public:
  void lock() noexcept {
    for (int spins = 0;; ++spins) {
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins > 200) {
          std::this_thread::yield();
          spins = 0;
        } else {
          __builtin_ia32_pause();
        }
      }
    }
  }
  bool try_lock() noexcept { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

}  // namespace nzeza::actor

#pragma once
// wait_until: waits for a condition produced by another thread (a socket event, a posted
// handler), bounded by a real-time guard so a broken test fails instead of hanging. It never
// stands in for simulated time: time-based behaviour is driven with ManualClock::advance.

#include <chrono>
#include <thread>

namespace nzeza::testsupport {

inline constexpr std::chrono::milliseconds kWaitGuard{5000};

template <typename Predicate>
[[nodiscard]] bool wait_until(Predicate&& predicate, std::chrono::milliseconds guard = kWaitGuard) {
  const auto give_up = std::chrono::steady_clock::now() + guard;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

}  // namespace nzeza::testsupport

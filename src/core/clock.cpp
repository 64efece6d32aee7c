#include "core/clock.hpp"

namespace nzeza {

// ---------------------------------------------------------------------------------------------
// ManualClock

ManualClock::ManualClock(Timestamp start) : now_(start) {}

Timestamp ManualClock::now() const noexcept {
  std::lock_guard lock(mu_);
  return now_;
}

TimerId ManualClock::schedule_at(Timestamp deadline, TimerCallback callback) {
  std::lock_guard lock(mu_);
  return timers_.add(deadline, std::move(callback)).first;
}

Timestamp ManualClock::next_deadline() const {
  std::lock_guard lock(mu_);
  return timers_.empty() ? Timestamp{} : timers_.next_deadline();
}

bool ManualClock::pop_due(Timestamp limit, TimerCallback& out) {
  std::lock_guard lock(mu_);
  auto due = timers_.pop_due(limit);
  if (!due) return false;
  if (due->first > now_) now_ = due->first;  // during the callback, now() is its deadline
  out = std::move(due->second);
  return true;
}

std::size_t ManualClock::advance_to(Timestamp t) {
  std::lock_guard fire(fire_mu_);
  std::size_t fired = 0;
  TimerCallback cb;
  while (pop_due(t, cb)) {
    cb();
    cb = nullptr;
    ++fired;
  }
  std::lock_guard lock(mu_);
  if (t > now_) now_ = t;
  return fired;
}

std::size_t ManualClock::advance(Duration d) {
  return advance_to(now() + d);
}

std::size_t ManualClock::run_due() {
  return advance_to(now());
}

// ---------------------------------------------------------------------------------------------
// SystemClock

SystemClock::SystemClock() : thread_([this] { run(); }) {}

SystemClock::~SystemClock() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Timestamp SystemClock::now() const noexcept {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp::from_ns(
      std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count());
}

TimerId SystemClock::schedule_at(Timestamp deadline, TimerCallback callback) {
  // Wall-clock deadline → steady deadline, so a wall-clock step does not move the timer.
  const Duration delay = deadline - now();
  const Steady::time_point at = Steady::now() + std::chrono::duration_cast<Steady::duration>(delay);
  std::pair<TimerId, bool> added;
  {
    std::lock_guard lock(mu_);
    added = timers_.add(at, std::move(callback));
  }
  if (added.second) cv_.notify_all();  // the timer thread may be waiting for a later one
  return added.first;
}

void SystemClock::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (timers_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto due = timers_.pop_due(Steady::now());
    if (!due) {
      const auto deadline = timers_.next_deadline();
      cv_.wait_until(lock, deadline);
      continue;
    }
    lock.unlock();
    due->second();
    due.reset();
    lock.lock();
  }
}

}  // namespace nzeza

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
  const TimerId id = next_id_++;
  timers_.emplace(Key{deadline, id}, std::move(callback));
  index_.emplace(id, deadline);
  return id;
}

bool ManualClock::cancel(TimerId id) {
  std::lock_guard lock(mu_);
  auto it = index_.find(id);
  if (it == index_.end()) return false;
  timers_.erase(Key{it->second, id});
  index_.erase(it);
  return true;
}

std::size_t ManualClock::pending_timers() const {
  std::lock_guard lock(mu_);
  return timers_.size();
}

Timestamp ManualClock::next_deadline() const {
  std::lock_guard lock(mu_);
  return timers_.empty() ? Timestamp{} : timers_.begin()->first.deadline;
}

bool ManualClock::pop_due(Timestamp limit, TimerCallback& out) {
  std::lock_guard lock(mu_);
  if (timers_.empty()) return false;
  auto it = timers_.begin();
  if (it->first.deadline > limit) return false;
  if (it->first.deadline > now_) now_ = it->first.deadline;
  out = std::move(it->second);
  index_.erase(it->first.id);
  timers_.erase(it);
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
  TimerId id = 0;
  bool earliest = false;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
    auto [it, inserted] = timers_.emplace(Key{at, id}, std::move(callback));
    (void)inserted;
    index_.emplace(id, at);
    earliest = it == timers_.begin();
  }
  if (earliest) cv_.notify_all();
  return id;
}

bool SystemClock::cancel(TimerId id) {
  std::lock_guard lock(mu_);
  auto it = index_.find(id);
  if (it == index_.end()) return false;
  timers_.erase(Key{it->second, id});
  index_.erase(it);
  return true;
}

std::size_t SystemClock::pending_timers() const {
  std::lock_guard lock(mu_);
  return timers_.size();
}

void SystemClock::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (timers_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto it = timers_.begin();
    if (it->first.deadline > Steady::now()) {
      const auto deadline = it->first.deadline;
      cv_.wait_until(lock, deadline);
      continue;
    }
    TimerCallback cb = std::move(it->second);
    index_.erase(it->first.id);
    timers_.erase(it);
    lock.unlock();
    cb();
    cb = nullptr;
    lock.lock();
  }
}

}  // namespace nzeza

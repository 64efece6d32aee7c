#pragma once
// Clock: the only source of time in nzeza, and the one timer service driven by it.
//
// Every deadline, backoff, heartbeat, interval, candle boundary and staleness check reads a
// Clock and schedules through it, so tests run on a ManualClock (advance 30 s, timers fire in
// order, nothing sleeps) and backtests run on simulated time as fast as the CPU allows.
//
// Threading: all methods are thread-safe. Timer callbacks run on the clock's firing thread
// (SystemClock: its timer thread; ManualClock: the thread that calls advance/set) and must be
// short — Asio code posts to its own executor from the callback. A callback never runs after
// cancel() has returned true for its id.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "core/time.hpp"
#include "core/timer_queue.hpp"

namespace nzeza {

class Clock {
 public:
  virtual ~Clock() = default;

  // Wall-clock time (UTC), the same scale as venue timestamps.
  [[nodiscard]] virtual Timestamp now() const noexcept = 0;

  // Runs `callback` once when now() >= deadline (at once if already due, on the firing thread).
  // Timers with equal deadlines fire in the order they were scheduled.
  virtual TimerId schedule_at(Timestamp deadline, TimerCallback callback) = 0;
  TimerId schedule_after(Duration delay, TimerCallback callback) {
    return schedule_at(now() + delay, std::move(callback));
  }
  // True when the timer was pending and now will never fire; false when it already fired,
  // is firing, or is unknown.
  virtual bool cancel(TimerId id) = 0;
  // Pending timers (for tests and metrics).
  [[nodiscard]] virtual std::size_t pending_timers() const = 0;
};

// A clock's pending timers, due at a `Deadline` of its own scale, and the mutex that guards them
// (and the rest of the clock's state): cancel and pending_timers, alike for every clock.
template <class Deadline>
class TimerClock : public Clock {
 public:
  bool cancel(TimerId id) final {
    std::lock_guard lock(mu_);
    return timers_.cancel(id);
  }
  [[nodiscard]] std::size_t pending_timers() const final {
    std::lock_guard lock(mu_);
    return timers_.size();
  }

 protected:
  mutable std::mutex mu_;
  TimerQueue<Deadline> timers_;
};

// Test and backtest clock: time moves only when told to.
class ManualClock final : public TimerClock<Timestamp> {
 public:
  explicit ManualClock(Timestamp start = Timestamp::from_seconds(1'700'000'000));

  [[nodiscard]] Timestamp now() const noexcept override;
  TimerId schedule_at(Timestamp deadline, TimerCallback callback) override;

  // Moves time forward by `d`, firing every timer due on the way in deadline order; during a
  // callback now() equals that timer's deadline. Timers scheduled by callbacks that fall due
  // within the window fire too. Returns the number of callbacks run.
  std::size_t advance(Duration d);
  // Moves time to `t` (never backward: a t earlier than now() only fires due timers).
  std::size_t advance_to(Timestamp t);
  // Fires every timer already due without moving time.
  std::size_t run_due();
  // Deadline of the next pending timer, or a zero Timestamp when none.
  [[nodiscard]] Timestamp next_deadline() const;

 private:
  bool pop_due(Timestamp limit, TimerCallback& out);

  Timestamp now_;       // guarded by mu_
  std::mutex fire_mu_;  // serialises advance() calls from several threads
};

// Real time: now() from the system clock; deadlines measured on the steady clock (immune to
// wall-clock jumps) and fired by one internal thread.
class SystemClock final : public TimerClock<std::chrono::steady_clock::time_point> {
 public:
  SystemClock();
  ~SystemClock() override;
  SystemClock(const SystemClock&) = delete;
  SystemClock& operator=(const SystemClock&) = delete;

  [[nodiscard]] Timestamp now() const noexcept override;
  TimerId schedule_at(Timestamp deadline, TimerCallback callback) override;

 private:
  using Steady = std::chrono::steady_clock;
  void run();

  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace nzeza

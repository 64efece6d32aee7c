#pragma once
// Private to src/net/*.cpp: ClockAlarm, the bridge from the Clock's timer service to a strand.
//
// Deadlines, backoff waits and idle checks must follow the injected Clock (tests advance a
// ManualClock), so Beast's own timers (real time) are never used for them. The Clock fires its
// callbacks on its own thread; the alarm only posts to the owner's strand, and the posted
// handler runs `fn` there unless the alarm was disarmed or re-armed meanwhile (a generation
// number makes a late firing harmless). `guard` is a weak reference to the owner: a firing after
// the owner died does nothing.
//
// Threading: arm()/disarm() are called on the owner's strand only.

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <functional>
#include <memory>

#include "core/clock.hpp"

namespace nzeza::net::detail {

using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

class ClockAlarm {
 public:
  ClockAlarm(Clock& clock, Strand strand) : clock_(clock), strand_(std::move(strand)) {}
  ~ClockAlarm() { disarm(); }
  ClockAlarm(const ClockAlarm&) = delete;
  ClockAlarm& operator=(const ClockAlarm&) = delete;

  // (Re)arms: `fn` runs on the strand once `delay` of Clock time has passed.
  void arm(Duration delay, std::weak_ptr<void> guard, std::function<void()> fn) {
    arm_at(clock_.now() + delay, std::move(guard), std::move(fn));
  }

  // (Re)arms: `fn` runs on the strand once the Clock reaches `deadline`. A wait planned for a
  // time (a backoff, the circuit's OPEN time) ends then, however late it was armed.
  void arm_at(Timestamp deadline, std::weak_ptr<void> guard, std::function<void()> fn) {
    disarm();
    const std::uint64_t generation = generation_;
    id_ = clock_.schedule_at(deadline, [this, strand = strand_, guard = std::move(guard),
                                        generation, fn = std::move(fn)]() mutable {
      boost::asio::post(strand, [this, guard = std::move(guard), generation, fn = std::move(fn)] {
        const auto alive = guard.lock();
        if (!alive || generation != generation_) return;
        id_ = 0;
        ++generation_;
        fn();
      });
    });
  }

  void disarm() {
    ++generation_;
    if (id_ != 0) clock_.cancel(id_);
    id_ = 0;
  }

  [[nodiscard]] bool armed() const noexcept { return id_ != 0; }

 private:
  Clock& clock_;
  Strand strand_;
  TimerId id_ = 0;
  std::uint64_t generation_ = 1;
};

}  // namespace nzeza::net::detail

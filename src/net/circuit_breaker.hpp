#pragma once
// CircuitBreaker: stops hammering a peer that keeps failing.
//
//   CLOSED    -> OPEN       after failure_threshold consecutive failures
//   OPEN      -> HALF_OPEN  after open_duration (a Clock timer; also noticed lazily in allow())
//   HALF_OPEN -> CLOSED     on record_success()
//   HALF_OPEN -> OPEN       on record_failure(), for another open_duration
//
// allow() asks for permission before an attempt: CLOSED grants; OPEN refuses at once with
// Error(circuit_open, "circuit '<name>' is open until <ISO time>"); HALF_OPEN grants exactly
// `half_open_trials` trials that have not yet reported, then refuses until one reports.
// Every granted attempt must end in record_success(), record_failure() or record_abandoned().
// Results reported while OPEN (attempts granted before it opened) are ignored; a success in
// CLOSED resets the consecutive-failure count.
//
// Transitions are published to on_transition() subscribers as events, also when nobody calls
// allow(): opening schedules a Clock timer at half_open_at().
//
// Threading: all methods thread-safe (one mutex). Callbacks run outside the lock, in transition
// order, one at a time (OrderedNotifier); the OPEN->HALF_OPEN callback runs on the clock's
// firing thread (or the thread whose allow() noticed the deadline first). Destroying the breaker
// cancels its timer; destroy it only when no other thread uses it.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/non_copyable.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "net/ordered_notifier.hpp"

namespace nzeza::net {

// Upper bound of CircuitBreakerConfig::open_duration (keeps `now + open_duration` far from
// overflow; a day-long open circuit is a configuration mistake).
inline constexpr Duration kMaxOpenDuration = std::chrono::hours(24);

struct CircuitBreakerConfig {
  int failure_threshold = 5;     // consecutive failures that open the circuit; >= 1
  Duration open_duration = 30s;  // time OPEN before HALF_OPEN; > 0, <= kMaxOpenDuration
  int half_open_trials = 1;      // concurrent trials allowed in HALF_OPEN; >= 1
};

enum class CircuitState : std::uint8_t { closed, open, half_open };
// "CLOSED", "OPEN", "HALF_OPEN".
[[nodiscard]] std::string_view to_string(CircuitState state) noexcept;

struct CircuitTransition {
  CircuitState from;
  CircuitState to;
  Timestamp at;
};

class CircuitBreaker : NonCopyable {
 public:
  using TransitionCallback = std::function<void(CircuitState from, CircuitState to, Timestamp at)>;

  // ok, or invalid_argument naming the field and its value.
  [[nodiscard]] static Status validate(const CircuitBreakerConfig& config);

  // Precondition: validate(config).ok(); a bad field is replaced by its default (no crash).
  // `clock` must outlive the breaker.
  CircuitBreaker(Clock& clock, CircuitBreakerConfig config, std::string name);
  ~CircuitBreaker();

  // Permission for one attempt (see the header comment).
  Status allow();
  void record_success();
  void record_failure();
  // A granted attempt that ended without a verdict (cancelled by shutdown): frees a HALF_OPEN
  // trial without changing state; no effect in other states.
  void record_abandoned();

  [[nodiscard]] CircuitState state() const;
  // When OPEN: the time it turns HALF_OPEN. Otherwise a zero Timestamp.
  [[nodiscard]] Timestamp half_open_at() const;
  [[nodiscard]] int consecutive_failures() const;
  [[nodiscard]] const std::string& name() const noexcept;
  [[nodiscard]] const CircuitBreakerConfig& config() const noexcept;

  // Subscribes to transitions; returns an id for remove_transition_callback.
  SubscriptionId on_transition(TransitionCallback callback);
  bool remove_transition_callback(SubscriptionId id);

 private:
  // Shared with the half-open timer callback (a weak_ptr), so a timer that fires while the
  // breaker is being destroyed finds the state either alive or gone, never dangling.
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace nzeza::net

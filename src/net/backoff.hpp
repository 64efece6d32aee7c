#pragma once
// Backoff: the delay before the next reconnection attempt.
//
// Exponential with a cap: attempt n (0-based, counted since the last reset) has the ceiling
// min(max, initial * multiplier^n) — with the defaults 1 s, 2 s, 4 s, 8 s, 16 s, 30 s, 30 s ...
// With `jitter` on (default) the delay is "full jitter": uniform in [0, ceiling], drawn from a
// PRNG seeded by `seed`, so a given seed always yields the same sequence (tests, replays) while
// a fleet of clients with different seeds does not reconnect in lockstep. With `jitter` off the
// delay is exactly the ceiling (deterministic mode).
//
// Reset policy (enforced by the caller, e.g. ReconnectPolicy or the WebSocket client): only a
// *useful* connection resets the backoff — subscribed and first data received. A server that
// accepts the connection and then closes it (or never sends data) must NOT reset it, or a
// broken venue gets hammered at 1 s forever. Call on_useful_connection() at that moment.
//
// Threading: not thread-safe; one Backoff belongs to one connection's reconnect loop.

#include <cstdint>

#include "core/result.hpp"
#include "core/time.hpp"

namespace nzeza::net {

// Upper bound of BackoffConfig::max: longer waits make no sense for a reconnect loop, and the
// bound keeps `now + delay` far from overflow.
inline constexpr Duration kMaxBackoff = std::chrono::hours(24);

struct BackoffConfig {
  Duration initial = 1s;    // ceiling of the first delay; > 0
  Duration max = 30s;       // cap of every delay; >= initial, <= kMaxBackoff
  double multiplier = 2.0;  // growth per attempt; >= 1 and finite
  bool jitter = true;       // full jitter on; off = exact ceilings
  std::uint64_t seed = 0;   // PRNG seed for the jitter
};

class Backoff {
 public:
  // ok, or invalid_argument naming the field and its value.
  [[nodiscard]] static Status validate(const BackoffConfig& config);
  // Validates, then constructs: the way to build one from user configuration.
  [[nodiscard]] static Result<Backoff> create(const BackoffConfig& config);

  // Precondition: validate(config).ok(). An invalid config does not crash: each bad field is
  // replaced by its default (initial 1 s, max = max(initial, 30 s), multiplier 2), and initial
  // and max are capped at kMaxBackoff.
  explicit Backoff(BackoffConfig config);

  // Delay before the next attempt, then counts the attempt. Never negative, never above max.
  Duration next_delay();
  // Ceiling the next call to next_delay() will use (the delay itself when jitter is off).
  [[nodiscard]] Duration next_ceiling() const;
  // Back to the first delay. The PRNG is not re-seeded (a reset does not replay the jitter).
  void reset();
  // The reset policy's hook: call once the connection is subscribed and its first data arrived.
  void on_useful_connection() { reset(); }
  // Attempts (next_delay calls) since construction or the last reset.
  [[nodiscard]] int attempts() const noexcept { return attempts_; }
  [[nodiscard]] const BackoffConfig& config() const noexcept { return config_; }

 private:
  std::uint64_t next_random();

  BackoffConfig config_;
  int attempts_ = 0;
  std::uint64_t rng_state_;
};

}  // namespace nzeza::net

#pragma once
// ReconnectPolicy: the decisions of a reconnect loop — Backoff + CircuitBreaker +
// ConnectionStatus — as a pure state machine on the Clock. It performs no I/O and schedules no
// timers: the connection (WebSocket client, venue session) reports events and is told what to do
// next; it arms its own timer (on its own executor) for a `wait_until` answer.
//
// Events and answers:
//   start()              explicit start: ok = open a connection now (status CONNECTING).
//                        invalid_state when already running (no second connection),
//                        circuit_open at once while the circuit is OPEN (no network traffic).
//   connect_now()        explicit "try now" while waiting between attempts (skips the backoff).
//                        Same errors as start(); also allowed from STOPPED (= start()).
//   connect_started()    the loop's timer fired: connect_now, or refused_circuit_open / wait_until
//                        (the time to try again), or stopped / ignored.
//   connected()          transport + handshake up: status CONNECTED (not yet useful).
//   connected_useful()   subscribed and first data received: the backoff resets and the breaker
//                        records a success (HALF_OPEN -> CLOSED). Only this resets the backoff.
//   connect_failed(why)  the attempt failed: breaker failure; wait_until now + backoff delay
//                        (RECONNECTING), or until HALF_OPEN when the circuit opened (CIRCUIT_OPEN).
//   disconnected(why)    the connection ended. Before it was useful (accepted, then closed) it is
//                        a failure exactly like connect_failed; after, the breaker is untouched
//                        and the wait is the reset backoff's first delay.
//   stop(why)            STOPPED; an attempt in flight is abandoned (frees a HALF_OPEN trial).
//                        Every later event answers `stopped` until start() again.
// Events that do not fit the current phase (a late callback of a superseded connection, a
// duplicate) answer `ignored` and change nothing.
//
// Status: STOPPED -> CONNECTING -> CONNECTED -> RECONNECTING -> CONNECTED ...
//         failures -> CIRCUIT_OPEN -> (trial) RECONNECTING -> CONNECTED ... ; any -> STOPPED.
//
// Threading: events and phase queries from one thread or strand at a time (the connection's);
// status() and breaker() queries and subscriptions are thread-safe. ConnectionStatus
// subscribers run synchronously inside the event call.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/non_copyable.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "net/backoff.hpp"
#include "net/circuit_breaker.hpp"
#include "net/connection_status.hpp"

namespace nzeza::net {

struct ReconnectPolicyConfig {
  BackoffConfig backoff{};
  CircuitBreakerConfig breaker{};
};

enum class ReconnectActionKind : std::uint8_t {
  connect_now,           // open a connection now
  wait_until,            // call connect_started() at `at`
  refused_circuit_open,  // the circuit is open: call connect_started() at `at` (HALF_OPEN time)
  stopped,               // the policy is stopped: do nothing
  ignored,               // the event does not apply to the current phase: do nothing
};
// "connect_now", "wait_until", "refused_circuit_open", "stopped", "ignored".
[[nodiscard]] std::string_view to_string(ReconnectActionKind kind) noexcept;

struct ReconnectAction {
  ReconnectActionKind kind = ReconnectActionKind::ignored;
  Timestamp at;        // wait_until / refused_circuit_open: when to call connect_started()
  std::string reason;  // for logs
};

enum class ReconnectPhase : std::uint8_t { stopped, waiting, attempting, connected, useful };
[[nodiscard]] std::string_view to_string(ReconnectPhase phase) noexcept;

class ReconnectPolicy : NonCopyable {
 public:
  // ok, or the first invalid_argument of the backoff or breaker configuration.
  [[nodiscard]] static Status validate(const ReconnectPolicyConfig& config);

  // `clock` must outlive the policy. Invalid numbers fall back to defaults (see validate()).
  ReconnectPolicy(Clock& clock, ReconnectPolicyConfig config, std::string name);

  Status start();
  Status connect_now();
  ReconnectAction connect_started();
  // True when applied; false (nothing changed) when no attempt is in progress.
  bool connected();
  bool connected_useful();
  ReconnectAction connect_failed(std::string reason);
  ReconnectAction disconnected(std::string reason);
  ReconnectAction stop(std::string reason = "stop requested");

  [[nodiscard]] ReconnectPhase phase() const noexcept { return phase_; }
  // While waiting: when the next attempt may start. Zero otherwise.
  [[nodiscard]] Timestamp next_attempt_at() const noexcept { return next_attempt_at_; }
  // Attempts granted since construction (start, connect_now and connect_started that said go).
  [[nodiscard]] std::uint64_t attempts() const noexcept { return attempts_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  ConnectionStatus& status() noexcept { return status_; }
  [[nodiscard]] const ConnectionStatus& status() const noexcept { return status_; }
  CircuitBreaker& breaker() noexcept { return breaker_; }
  [[nodiscard]] const CircuitBreaker& breaker() const noexcept { return breaker_; }
  [[nodiscard]] const Backoff& backoff() const noexcept { return backoff_; }

 private:
  // Shared by start() and connect_now(): take a breaker permit and begin an attempt.
  Status begin_attempt(ConnectionState state, const std::string& reason);
  ReconnectAction after_failure(std::string reason);

  Clock& clock_;
  const std::string name_;
  ConnectionStatus status_;
  CircuitBreaker breaker_;
  Backoff backoff_;
  ReconnectPhase phase_ = ReconnectPhase::stopped;
  Timestamp next_attempt_at_;
  std::uint64_t attempts_ = 0;
};

}  // namespace nzeza::net

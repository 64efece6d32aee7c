#pragma once
// ConnectionStatus: the state of one connection (feed or venue session), for queries (API,
// metrics, health) and as events for subscribers (logs, the dashboard, tests).
//
//   STOPPED -> CONNECTING -> CONNECTED -> RECONNECTING -> CONNECTED ...
//                                 RECONNECTING -> CIRCUIT_OPEN -> RECONNECTING ...
//   any -> STOPPED (stop requested)
// The holder does not police the graph: the connection's reconnect logic (ReconnectPolicy)
// decides; this type records and publishes. Setting the current state again is a no-op (no event).
//
// Threading: all methods thread-safe. Subscribers are called outside the lock, in transition
// order, one at a time (OrderedNotifier).

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/time.hpp"
#include "net/ordered_notifier.hpp"

namespace nzeza::net {

enum class ConnectionState : std::uint8_t {
  connecting,
  connected,
  reconnecting,
  circuit_open,
  stopped
};

// "CONNECTING", "CONNECTED", "RECONNECTING", "CIRCUIT_OPEN", "STOPPED".
[[nodiscard]] std::string_view to_string(ConnectionState state) noexcept;

struct ConnectionTransition {
  ConnectionState from;
  ConnectionState to;
  Timestamp at;
  std::string reason;  // why, for humans: "connect failed: connection refused", "stop requested"
};

struct ConnectionSnapshot {
  ConnectionState state;
  Timestamp since;            // time of the last transition (construction time initially)
  std::string reason;         // reason of the last transition
  std::uint64_t transitions;  // count since construction
};

class ConnectionStatus {
 public:
  using Callback = std::function<void(const ConnectionTransition&)>;

  // `clock` stamps the transitions and must outlive this object.
  explicit ConnectionStatus(Clock& clock, std::string name = {},
                            ConnectionState initial = ConnectionState::stopped);
  ConnectionStatus(const ConnectionStatus&) = delete;
  ConnectionStatus& operator=(const ConnectionStatus&) = delete;

  // Moves to `to`; true when the state changed (an event is published), false when already there.
  bool set(ConnectionState to, std::string reason);

  [[nodiscard]] ConnectionState state() const;
  [[nodiscard]] ConnectionSnapshot snapshot() const;
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  SubscriptionId subscribe(Callback callback);
  bool unsubscribe(SubscriptionId id);

 private:
  Clock& clock_;
  const std::string name_;
  mutable std::mutex mu_;
  ConnectionSnapshot current_;
  OrderedNotifier<ConnectionTransition> notifier_;
};

}  // namespace nzeza::net

#include "net/connection_status.hpp"

namespace nzeza::net {

std::string_view to_string(ConnectionState state) noexcept {
  switch (state) {
    case ConnectionState::connecting:
      return "CONNECTING";
    case ConnectionState::connected:
      return "CONNECTED";
    case ConnectionState::reconnecting:
      return "RECONNECTING";
    case ConnectionState::circuit_open:
      return "CIRCUIT_OPEN";
    case ConnectionState::stopped:
      return "STOPPED";
  }
  return "UNKNOWN";
}

ConnectionStatus::ConnectionStatus(Clock& clock, std::string name, ConnectionState initial)
    : clock_(clock), name_(std::move(name)), current_{initial, clock.now(), "initial state", 0} {}

bool ConnectionStatus::set(ConnectionState to, std::string reason) {
  {
    std::lock_guard lock(mu_);
    if (current_.state == to) return false;
    const Timestamp at = clock_.now();
    notifier_.enqueue(ConnectionTransition{current_.state, to, at, reason});
    current_.state = to;
    current_.since = at;
    current_.reason = std::move(reason);
    ++current_.transitions;
  }
  notifier_.drain();
  return true;
}

ConnectionState ConnectionStatus::state() const {
  std::lock_guard lock(mu_);
  return current_.state;
}

ConnectionSnapshot ConnectionStatus::snapshot() const {
  std::lock_guard lock(mu_);
  return current_;
}

SubscriptionId ConnectionStatus::subscribe(Callback callback) {
  return notifier_.subscribe(std::move(callback));
}

bool ConnectionStatus::unsubscribe(SubscriptionId id) {
  return notifier_.unsubscribe(id);
}

}  // namespace nzeza::net

#include "net/connection_status.hpp"

#include "core/enum_names.hpp"

namespace nzeza::net {

constexpr EnumNames kConnectionStateNames{
    ConnectionState::stopped,
    {"CONNECTING", "CONNECTED", "RECONNECTING", "CIRCUIT_OPEN", "STOPPED"},
    "UNKNOWN"};

std::string_view to_string(ConnectionState state) noexcept {
  return kConnectionStateNames.name(state);
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

#include "venues/venue_health.hpp"

namespace nzeza::venues {

void VenueHealth::watch_circuit(Venue venue, const net::CircuitBreaker& breaker) {
  std::lock_guard lock(mu_);
  entries_[venue].breaker = &breaker;
}

void VenueHealth::watch_session(Venue venue, const net::ConnectionStatus& status) {
  std::lock_guard lock(mu_);
  entries_[venue].session = &status;
}

void VenueHealth::set_feed_state(Venue venue, FeedState state) {
  std::lock_guard lock(mu_);
  entries_[venue].feed = state;
}

void VenueHealth::set_enabled(Venue venue, bool enabled, std::string reason) {
  std::lock_guard lock(mu_);
  Entry& e = entries_[venue];
  e.enabled = enabled;
  e.disabled_reason = std::move(reason);
}

Status VenueHealth::check(Venue venue) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(venue);
  if (it == entries_.end()) return {};
  const Entry& e = it->second;
  const std::string who = "venue " + std::string(to_string(venue)) + ": ";
  if (!e.enabled) {
    return Error{
        ErrorCode::unavailable,
        who + "disabled" + (e.disabled_reason.empty() ? "" : " (" + e.disabled_reason + ")")};
  }
  if (e.breaker != nullptr && e.breaker->state() == net::CircuitState::open) {
    return Error{ErrorCode::circuit_open, who + "circuit '" + e.breaker->name() +
                                              "' is open until " +
                                              e.breaker->half_open_at().to_iso8601()};
  }
  if (e.session != nullptr) {
    const auto snap = e.session->snapshot();
    if (snap.state != net::ConnectionState::connected) {
      return Error{ErrorCode::unavailable,
                   who + "order session is " + std::string(net::to_string(snap.state)) +
                       (snap.reason.empty() ? "" : " (" + snap.reason + ")")};
    }
  }
  if (e.feed && *e.feed != FeedState::connected) {
    return Error{ErrorCode::unavailable, who + "market feed is " + std::string(to_string(*e.feed))};
  }
  return {};
}

}  // namespace nzeza::venues

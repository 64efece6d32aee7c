#pragma once
// VenueHealth: may an order be sent to a venue right now? Gathers what the router needs to
// decide before sending: the order session's circuit breaker, the order session's connection,
// the venue's market feed state, and an operator switch.
//
// check(venue) is ok, or the reason nothing should be sent there:
//   circuit_open  the venue's breaker is OPEN (HALF_OPEN is allowed: the client's own allow()
//                 decides whether this call is the trial)
//   unavailable   disabled by the operator; order session not CONNECTED; market feed not
//                 connected (reconnecting, stale, resyncing, stopped...) — an order priced on a
//                 feed we cannot trust is not sent.
// A venue nothing was registered for is healthy (no information is not bad news).
// Threading: thread-safe. The breaker and status objects must outlive this one.

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/market_event.hpp"
#include "core/result.hpp"
#include "core/venue.hpp"
#include "net/circuit_breaker.hpp"
#include "net/connection_status.hpp"

namespace nzeza::venues {

class VenueHealth {
 public:
  void watch_circuit(Venue venue, const net::CircuitBreaker& breaker);
  void watch_session(Venue venue, const net::ConnectionStatus& status);
  // From the feed's VenueStatus events.
  void set_feed_state(Venue venue, FeedState state);
  void set_enabled(Venue venue, bool enabled, std::string reason = {});

  [[nodiscard]] Status check(Venue venue) const;
  [[nodiscard]] bool healthy(Venue venue) const { return check(venue).ok(); }

 private:
  struct Entry {
    const net::CircuitBreaker* breaker = nullptr;
    const net::ConnectionStatus* session = nullptr;
    std::optional<FeedState> feed;
    bool enabled = true;
    std::string disabled_reason;
  };
  mutable std::mutex mu_;
  std::map<Venue, Entry> entries_;
};

}  // namespace nzeza::venues

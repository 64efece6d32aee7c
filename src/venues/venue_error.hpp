#pragma once
// How a venue call failed, in the one question that matters for money: could the request have
// been executed?
//
// Contract for every VenueClient (and the HTTP/WS layer under it) when it builds an Error:
//   network        the request never left (connect refused, DNS, TLS handshake, local socket
//                  error before the first byte was written). Safe to send elsewhere.
//   circuit_open   our breaker refused the call: nothing left.
//   unavailable    the venue or our session to it is down (maintenance, 503 before processing,
//                  cancel-only): nothing was executed.
//   rate_limited   our limiter refused, or the venue answered 429: nothing was executed.
//   banned         Binance 418 (or our limiter holding a ban): nothing was executed.
//   timeout        the request may have left and got no answer in time: OUTCOME UNKNOWN.
//                  A connection reset after bytes were written is a timeout, not network.
//   protocol       an answer arrived but could not be read (malformed, truncated): the venue
//                  processed something, we do not know what: OUTCOME UNKNOWN.
//   cancelled      shutdown while in flight: OUTCOME UNKNOWN.
//   internal       a bug between send and answer: OUTCOME UNKNOWN.
//   rejected, insufficient_balance, auth_failed, invalid_argument, precision, not_found...
//                  the venue (or our pre-send checks) refused it: nothing was executed.
// Every venue error keeps the venue's own code and text verbatim in Error::venue_code /
// Error::venue_text; venue_error() below builds one.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/venue.hpp"

namespace nzeza::venues {

enum class FailureClass : std::uint8_t {
  refused_before_sending,  // nothing left our process or the venue refused before processing
  refused_by_venue,        // the venue (or our checks) refused it: not executed, do not re-route
  outcome_unknown,         // it may have executed: resolve by client id before anything else
};
// "refused_before_sending", "refused_by_venue", "outcome_unknown".
[[nodiscard]] std::string_view to_string(FailureClass c) noexcept;

[[nodiscard]] FailureClass classify(ErrorCode code) noexcept;
[[nodiscard]] inline FailureClass classify(const Error& e) noexcept {
  return classify(e.code);
}

// The order certainly did not execute and may be sent to another venue (router fallback):
// network, circuit_open, unavailable, rate_limited, banned.
[[nodiscard]] bool may_fall_back(const Error& e) noexcept;
// The request may have executed (timeout, protocol, cancelled, internal).
[[nodiscard]] inline bool outcome_unknown(const Error& e) noexcept {
  return classify(e) == FailureClass::outcome_unknown;
}

// "<venue> <operation>: <message>" with the venue's code and text kept verbatim.
[[nodiscard]] Error venue_error(ErrorCode code, Venue venue, std::string_view operation,
                                std::string_view message, std::string venue_code = {},
                                std::string venue_text = {});

// A capability the venue lacks (amend on Binance spot, a dead-man switch on paper...).
[[nodiscard]] Error unsupported(Venue venue, std::string_view operation);

}  // namespace nzeza::venues

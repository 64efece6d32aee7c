#pragma once
// How a venue call failed, in the one question that matters for money: could the request have
// been executed?
//
// The transport decides first: an Error carries Error::delivery, set by net/ for every failed
// request. not_sent means no byte left (refused before sending, whatever the code); any delivery
// after the first written byte (reset, EOF, deadline, cut or unreadable answer, HTTP 5xx, a
// proxy's 408/502/504) means OUTCOME UNKNOWN, whatever the code. A venue client turns an answer
// into a refusal only on a code the venue documents as "not processed" (docs/errors.md lists
// each), by building a fresh error with Delivery::none. No client decides this by matching
// error text.
//
// With Delivery::none the code decides. Such an error was built by us, not carried by the HTTP
// transport: a venue client's own refusal of an answer (a documented "not processed" code), a
// WebSocket order path, our own checks. Whoever builds one picks the code by what it knows:
//   network        the request never left (connect refused, DNS, TLS handshake, local socket
//                  error before the first byte was written). Safe to send elsewhere. A transport
//                  error after the first written byte keeps its code (often network) but carries
//                  a delivery after not_sent, which wins.
//   circuit_open   our breaker refused the call: nothing left.
//   unavailable    the venue or our session to it is down (maintenance, 503 before processing,
//                  cancel-only): nothing was executed.
//   rate_limited   our limiter refused, or the venue answered 429: nothing was executed.
//   banned         Binance 418 (or our limiter holding a ban): nothing was executed.
//   timeout        the request may have left and got no answer in time: OUTCOME UNKNOWN.
//                  (A timeout carried with Delivery::not_sent — the deadline hit before the
//                  write — is refused_before_sending.)
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

// By code alone (an error that no transport carried).
[[nodiscard]] FailureClass classify(ErrorCode code) noexcept;
// By delivery first (not_sent: refused_before_sending; any byte written: outcome_unknown), then
// by code.
[[nodiscard]] FailureClass classify(const Error& e) noexcept;

// The order certainly did not execute and may be sent to another venue (router fallback):
// delivery not_sent (whatever the code), or, with Delivery::none, network, circuit_open,
// unavailable, rate_limited or banned.
[[nodiscard]] bool may_fall_back(const Error& e) noexcept;
// The request may have executed: a delivery after the first written byte (whatever the code),
// or, with Delivery::none, timeout, protocol, cancelled or internal.
[[nodiscard]] inline bool outcome_unknown(const Error& e) noexcept {
  return classify(e) == FailureClass::outcome_unknown;
}

// "<venue> <operation>: <message>" with the venue's code and text kept verbatim.
[[nodiscard]] Error venue_error(ErrorCode code, Venue venue, std::string_view operation,
                                std::string_view message, std::string venue_code = {},
                                std::string venue_text = {});

// "<venue> <operation>: <cause's message>", keeping the cause's code, delivery, venue code and
// venue text: the way to pass a transport error up without losing what it knows.
[[nodiscard]] Error venue_error(Venue venue, std::string_view operation, const Error& cause);

// A capability the venue lacks (amend on Binance spot, a dead-man switch on paper...).
[[nodiscard]] Error unsupported(Venue venue, std::string_view operation);

}  // namespace nzeza::venues

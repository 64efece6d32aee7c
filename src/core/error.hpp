#pragma once
// Errors are values: a code to branch on, a message with context for humans, and the venue's
// own text (code and message as the venue sent them) where there is one.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace nzeza {

enum class ErrorCode : std::uint8_t {
  invalid_argument,      // caller passed something malformed (text, range, config key)
  parse_error,           // input text is not in the expected format
  overflow,              // a value does not fit the representation
  precision,             // a value cannot be represented exactly (e.g. > 16 decimals)
  not_found,             // unknown instrument, order, venue...
  already_exists,        // duplicate registration
  invalid_state,         // operation impossible in the current state (names both states)
  timeout,               // deadline passed; the outcome may be unknown
  cancelled,             // operation cancelled by shutdown
  rate_limited,          // venue said 429 / too many requests
  banned,                // venue banned us until a time (Binance 418)
  auth_failed,           // bad key, bad signature, expired token
  rejected,              // venue refused the request (its text is kept)
  insufficient_balance,  // not enough funds or margin
  risk_refused,          // our own risk gate said no
  network,               // connect refused, reset, DNS, TLS...
  protocol,              // peer broke the protocol (bad frame, bad status)
  circuit_open,          // circuit breaker refuses calls
  unavailable,           // venue or component down
  stale_data,            // data too old to act on
  internal,              // a bug: an invariant did not hold
};

[[nodiscard]] std::string_view to_string(ErrorCode code) noexcept;

// How far a request got before it failed, as the transport saw it. The network layer (net/) sets
// it on every failure of a request it carried; whoever rewraps such an error keeps it (copy the
// Error, or venues::venue_error(cause, ...)). Only `not_sent` proves the peer saw nothing.
//   none            not a request's transport outcome: the ErrorCode alone classifies it
//   not_sent        no byte of the request was written (DNS, connect, TLS handshake, our breaker,
//                   our limiter, cancelled before the write): certainly not executed
//   sent_no_answer  bytes were written and no byte of an answer arrived (reset, EOF, deadline)
//   answer_cut      bytes were written; an answer began but was cut, oversized or unreadable
//   answer_unknown  a complete answer that does not say what became of the request (HTTP 5xx,
//                   a proxy's 408/502/504)
// Every value after not_sent means the request may have executed.
enum class Delivery : std::uint8_t {
  none,
  not_sent,
  sent_no_answer,
  answer_cut,
  answer_unknown,
};

[[nodiscard]] std::string_view to_string(Delivery delivery) noexcept;
// True for sent_no_answer, answer_cut and answer_unknown.
[[nodiscard]] constexpr bool may_have_executed(Delivery d) noexcept {
  return d == Delivery::sent_no_answer || d == Delivery::answer_cut ||
         d == Delivery::answer_unknown;
}

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;     // what was wrong and where, for a human
  std::string venue_code;  // the venue's own error code, verbatim ("-2010", "EOrder:...")
  std::string venue_text;  // the venue's own message, verbatim
  Delivery delivery = Delivery::none;  // set by the transport for a failed request

  Error() = default;
  Error(ErrorCode c, std::string msg) : code(c), message(std::move(msg)) {}
  Error(ErrorCode c, std::string msg, std::string vcode, std::string vtext)
      : code(c),
        message(std::move(msg)),
        venue_code(std::move(vcode)),
        venue_text(std::move(vtext)) {}

  // The same error, marked with how far its request got.
  [[nodiscard]] Error with_delivery(Delivery d) && {
    delivery = d;
    return std::move(*this);
  }
  // Prefixes the message with where it happened: "config.toml: " + message.
  [[nodiscard]] Error with_context(std::string_view context) const;
  // "<code>: <message> [venue <venue_code>: <venue_text>]"
  [[nodiscard]] std::string to_string() const;
};

}  // namespace nzeza

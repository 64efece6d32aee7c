#include "core/error.hpp"

namespace nzeza {

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_argument:
      return "invalid_argument";
    case ErrorCode::parse_error:
      return "parse_error";
    case ErrorCode::overflow:
      return "overflow";
    case ErrorCode::precision:
      return "precision";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::already_exists:
      return "already_exists";
    case ErrorCode::invalid_state:
      return "invalid_state";
    case ErrorCode::timeout:
      return "timeout";
    case ErrorCode::cancelled:
      return "cancelled";
    case ErrorCode::rate_limited:
      return "rate_limited";
    case ErrorCode::banned:
      return "banned";
    case ErrorCode::auth_failed:
      return "auth_failed";
    case ErrorCode::rejected:
      return "rejected";
    case ErrorCode::insufficient_balance:
      return "insufficient_balance";
    case ErrorCode::risk_refused:
      return "risk_refused";
    case ErrorCode::network:
      return "network";
    case ErrorCode::protocol:
      return "protocol";
    case ErrorCode::circuit_open:
      return "circuit_open";
    case ErrorCode::unavailable:
      return "unavailable";
    case ErrorCode::stale_data:
      return "stale_data";
    case ErrorCode::internal:
      return "internal";
  }
  return "unknown";
}

std::string_view to_string(Delivery delivery) noexcept {
  switch (delivery) {
    case Delivery::none:
      return "none";
    case Delivery::not_sent:
      return "not_sent";
    case Delivery::sent_no_answer:
      return "sent_no_answer";
    case Delivery::answer_cut:
      return "answer_cut";
    case Delivery::answer_unknown:
      return "answer_unknown";
  }
  return "unknown";
}

Error Error::with_context(std::string_view context) const {
  Error e = *this;
  e.message.insert(0, ": ");
  e.message.insert(0, context);
  return e;
}

std::string Error::to_string() const {
  std::string out(nzeza::to_string(code));
  out += ": ";
  out += message;
  if (!venue_code.empty() || !venue_text.empty()) {
    out += " [venue";
    if (!venue_code.empty()) {
      out += ' ';
      out += venue_code;
    }
    if (!venue_text.empty()) {
      out += ": ";
      out += venue_text;
    }
    out += ']';
  }
  return out;
}

}  // namespace nzeza

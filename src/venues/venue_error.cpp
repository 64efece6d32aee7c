#include "venues/venue_error.hpp"

#include "core/enum_names.hpp"

namespace nzeza::venues {

constexpr EnumNames kFailureClassNames{
    FailureClass::outcome_unknown,
    {"refused_before_sending", "refused_by_venue", "outcome_unknown"},
    "outcome_unknown"};

std::string_view to_string(FailureClass c) noexcept {
  return kFailureClassNames.name(c);
}

FailureClass classify(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::network:
    case ErrorCode::circuit_open:
    case ErrorCode::unavailable:
    case ErrorCode::rate_limited:
    case ErrorCode::banned:
      return FailureClass::refused_before_sending;
    case ErrorCode::timeout:
    case ErrorCode::protocol:
    case ErrorCode::cancelled:
    case ErrorCode::internal:
      return FailureClass::outcome_unknown;
    case ErrorCode::invalid_argument:
    case ErrorCode::parse_error:
    case ErrorCode::overflow:
    case ErrorCode::precision:
    case ErrorCode::not_found:
    case ErrorCode::already_exists:
    case ErrorCode::invalid_state:
    case ErrorCode::auth_failed:
    case ErrorCode::rejected:
    case ErrorCode::insufficient_balance:
    case ErrorCode::risk_refused:
    case ErrorCode::stale_data:
      return FailureClass::refused_by_venue;
  }
  // An unlisted code is treated as the dangerous case.
  return FailureClass::outcome_unknown;
}

FailureClass classify(const Error& e) noexcept {
  if (e.delivery == Delivery::not_sent) return FailureClass::refused_before_sending;
  if (may_have_executed(e.delivery)) return FailureClass::outcome_unknown;
  return classify(e.code);
}

bool may_fall_back(const Error& e) noexcept {
  return classify(e) == FailureClass::refused_before_sending;
}

Error venue_error(ErrorCode code, Venue venue, std::string_view operation, std::string_view message,
                  std::string venue_code, std::string venue_text) {
  std::string text;
  text.reserve(operation.size() + message.size() + 16);
  text.append(to_string(venue)).append(" ").append(operation).append(": ").append(message);
  return Error{code, std::move(text), std::move(venue_code), std::move(venue_text)};
}

Error venue_error(Venue venue, std::string_view operation, const Error& cause) {
  Error e =
      venue_error(cause.code, venue, operation, cause.message, cause.venue_code, cause.venue_text);
  e.delivery = cause.delivery;
  return e;
}

Error unsupported(Venue venue, std::string_view operation) {
  return venue_error(ErrorCode::invalid_state, venue, operation,
                     "not supported by this venue (see capabilities())");
}

}  // namespace nzeza::venues

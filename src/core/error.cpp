#include "core/error.hpp"

#include "core/enum_names.hpp"

namespace nzeza {

constexpr EnumNames kErrorCodeNames{
    ErrorCode::internal,
    {"invalid_argument", "parse_error",          "overflow",      "precision",
     "not_found",        "already_exists",       "invalid_state", "timeout",
     "cancelled",        "rate_limited",         "banned",        "auth_failed",
     "rejected",         "insufficient_balance", "risk_refused",  "network",
     "protocol",         "circuit_open",         "unavailable",   "stale_data",
     "internal"}};

std::string_view to_string(ErrorCode code) noexcept {
  return kErrorCodeNames.name(code);
}

constexpr EnumNames kDeliveryNames{
    Delivery::answer_unknown,
    {"none", "not_sent", "sent_no_answer", "answer_cut", "answer_unknown"}};

std::string_view to_string(Delivery delivery) noexcept {
  return kDeliveryNames.name(delivery);
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

#include "domain/order_state.hpp"

#include "domain/order_event.hpp"

namespace nzeza::domain {

std::string_view to_string(OrderState s) noexcept {
  switch (s) {
    case OrderState::created:
      return "new";
    case OrderState::submitted:
      return "submitted";
    case OrderState::acknowledged:
      return "acknowledged";
    case OrderState::partially_filled:
      return "partially_filled";
    case OrderState::filled:
      return "filled";
    case OrderState::cancel_requested:
      return "cancel_requested";
    case OrderState::cancelled:
      return "cancelled";
    case OrderState::rejected:
      return "rejected";
    case OrderState::expired:
      return "expired";
    case OrderState::unknown:
      return "unknown";
  }
  return "invalid";
}

std::string_view to_string(OrderType t) noexcept {
  switch (t) {
    case OrderType::market:
      return "market";
    case OrderType::limit:
      return "limit";
    case OrderType::stop:
      return "stop";
    case OrderType::take_profit:
      return "take_profit";
    case OrderType::stop_limit:
      return "stop_limit";
  }
  return "invalid";
}

std::string_view to_string(TimeInForce t) noexcept {
  switch (t) {
    case TimeInForce::gtc:
      return "gtc";
    case TimeInForce::ioc:
      return "ioc";
    case TimeInForce::fok:
      return "fok";
    case TimeInForce::post_only:
      return "post_only";
  }
  return "invalid";
}

std::string_view to_string(VenueOrderStatus s) noexcept {
  switch (s) {
    case VenueOrderStatus::open:
      return "open";
    case VenueOrderStatus::partially_filled:
      return "partially_filled";
    case VenueOrderStatus::filled:
      return "filled";
    case VenueOrderStatus::cancelled:
      return "cancelled";
    case VenueOrderStatus::rejected:
      return "rejected";
    case VenueOrderStatus::expired:
      return "expired";
  }
  return "invalid";
}

std::string_view event_name(const OrderEvent& e) noexcept {
  static constexpr std::string_view kNames[] = {
      "submit",    "acknowledge", "fill",    "cancel request", "cancel rejection",
      "cancelled", "rejected",    "expired", "timeout",        "status report"};
  static_assert(std::size(kNames) == std::variant_size_v<OrderEvent>);
  return kNames[e.index()];
}

}  // namespace nzeza::domain

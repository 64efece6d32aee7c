#include "domain/order_state.hpp"

#include "core/enum_names.hpp"
#include "domain/order_event.hpp"

namespace nzeza::domain {

constexpr EnumNames kOrderStateNames{
    OrderState::unknown,
    {"new", "submitted", "acknowledged", "partially_filled", "filled", "cancel_requested",
     "cancelled", "rejected", "expired", "unknown"},
    "invalid"};

std::string_view to_string(OrderState s) noexcept {
  return kOrderStateNames.name(s);
}

constexpr EnumNames kOrderTypeNames{
    OrderType::stop_limit, {"market", "limit", "stop", "take_profit", "stop_limit"}, "invalid"};

std::string_view to_string(OrderType t) noexcept {
  return kOrderTypeNames.name(t);
}

constexpr EnumNames kTimeInForceNames{
    TimeInForce::post_only, {"gtc", "ioc", "fok", "post_only"}, "invalid"};

std::string_view to_string(TimeInForce t) noexcept {
  return kTimeInForceNames.name(t);
}

constexpr EnumNames kVenueOrderStatusNames{
    VenueOrderStatus::expired,
    {"open", "partially_filled", "filled", "cancelled", "rejected", "expired"},
    "invalid"};

std::string_view to_string(VenueOrderStatus s) noexcept {
  return kVenueOrderStatusNames.name(s);
}

std::string_view event_name(const OrderEvent& e) noexcept {
  static constexpr std::string_view kNames[] = {
      "submit",    "acknowledge", "fill",    "cancel request", "cancel rejection",
      "cancelled", "rejected",    "expired", "timeout",        "status report"};
  static_assert(std::size(kNames) == std::variant_size_v<OrderEvent>);
  return kNames[e.index()];
}

}  // namespace nzeza::domain

#pragma once
// Everything that can happen to an order, as plain structs. Order::apply (order.hpp) is the
// single dispatch table; these types are what venue clients, timers and the risk path emit.
//
// Quantities: a Fill carries the increment of one trade; a VenueOrderReport carries the
// venue's cumulative filled quantity. The two are kept apart inside Order and never added.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/decimal.hpp"
#include "core/time.hpp"
#include "domain/fill.hpp"

namespace nzeza::domain {

// The venue's view of an order in a status query, a place response or an order-update stream.
enum class VenueOrderStatus : std::uint8_t {
  open,
  partially_filled,
  filled,
  cancelled,
  rejected,
  expired
};
[[nodiscard]] std::string_view to_string(VenueOrderStatus s) noexcept;

struct VenueOrderReport {
  VenueOrderStatus status = VenueOrderStatus::open;
  Decimal cumulative_filled;             // total filled so far at the venue (not an increment)
  std::optional<Decimal> average_price;  // the venue's average fill price, when it sends one
  std::string venue_order_id;            // empty when the report does not carry it
  std::string reason;                    // reject/cancel reason, verbatim
  Timestamp at;
};

namespace order_event {
struct Submit {  // the place request is leaving now
  Timestamp at;
};
struct Acknowledge {  // the venue accepted the order
  std::string venue_order_id;
  Timestamp at;
};
struct RequestCancel {  // a cancel request is leaving now
  Timestamp at;
};
struct CancelRejected {  // the venue refused the cancel ("unknown order", "already filled")
  std::string reason;
  Timestamp at;
};
struct Cancelled {  // the venue confirmed the cancel (or, before submit, we abandoned it)
  Timestamp at;
};
struct Rejected {  // the venue (or our pre-send checks, before submit) refused the order
  std::string reason;
  Timestamp at;
};
struct Expired {  // IOC/FOK remainder, or good-til time passed
  Timestamp at;
};
struct TimedOut {  // a place/cancel/status request got no answer in time
  Timestamp at;
};
}  // namespace order_event

using OrderEvent =
    std::variant<order_event::Submit, order_event::Acknowledge, Fill, order_event::RequestCancel,
                 order_event::CancelRejected, order_event::Cancelled, order_event::Rejected,
                 order_event::Expired, order_event::TimedOut, VenueOrderReport>;

// "submit", "acknowledge", "fill", "cancel request", "cancel rejection", "cancelled",
// "rejected", "expired", "timeout", "status report".
[[nodiscard]] std::string_view event_name(const OrderEvent& e) noexcept;

}  // namespace nzeza::domain

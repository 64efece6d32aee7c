#pragma once
// The life of an order as nzeza sees it, and the vocabulary that describes an order.
//
// States follow what venues actually do (see order.hpp for the transition rules and
// docs/domain/orders.md for the full table). `unknown` means "a request timed out and we do not
// know what the venue did": it is never treated as failed, and it is not terminal.

#include <cstdint>
#include <string_view>

namespace nzeza::domain {

enum class OrderState : std::uint8_t {
  created,           // "new": built and journaled locally, not sent yet
  submitted,         // the place request left; no answer yet
  acknowledged,      // the venue accepted it and it rests (nothing filled)
  partially_filled,  // some quantity filled, the rest may still trade
  filled,            // the whole quantity traded (terminal)
  cancel_requested,  // we asked the venue to cancel; it may still fill
  cancelled,         // the venue confirmed the cancel (terminal; may hold a partial fill)
  rejected,          // refused before trading anything (terminal)
  expired,           // IOC/FOK remainder or good-til time ran out (terminal)
  unknown,           // a request timed out; the venue's view must be fetched
};

// "new", "submitted", "acknowledged", "partially_filled", "filled", "cancel_requested",
// "cancelled", "rejected", "expired", "unknown".
[[nodiscard]] std::string_view to_string(OrderState s) noexcept;

// filled, cancelled, rejected and expired: no later event may make the order live again.
[[nodiscard]] constexpr bool is_terminal(OrderState s) noexcept {
  return s == OrderState::filled || s == OrderState::cancelled || s == OrderState::rejected ||
         s == OrderState::expired;
}

// The order may still trade at the venue (or we cannot exclude it: unknown, submitted).
[[nodiscard]] constexpr bool may_trade(OrderState s) noexcept {
  return s == OrderState::submitted || s == OrderState::acknowledged ||
         s == OrderState::partially_filled || s == OrderState::cancel_requested ||
         s == OrderState::unknown;
}

enum class OrderType : std::uint8_t { market, limit, stop, take_profit, stop_limit };
[[nodiscard]] std::string_view to_string(OrderType t) noexcept;

enum class TimeInForce : std::uint8_t {
  gtc,        // good till cancelled
  ioc,        // immediate or cancel: the remainder expires
  fok,        // fill or kill: all at once or nothing
  post_only,  // maker only: refused (or cancelled) if it would take
};
[[nodiscard]] std::string_view to_string(TimeInForce t) noexcept;

}  // namespace nzeza::domain

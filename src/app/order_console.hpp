#pragma once
// OrderConsole: one order request to a live venue (or a testnet, or a simulator), answered on a
// text or JSON-lines stream with an exit code a script can trust. `nzeza order` parses its
// arguments into an OrderConsoleRequest and calls run_order_console(); everything else (building
// the client, loading the instrument, placing, resolving, printing) is here.
//
// Exit codes (the contract of `nzeza order`):
//   0 done             the venue did what was asked (also after resolving an unknown outcome)
//   1 refused          certainly not executed: refused before sending, or by the venue, or
//                      found not executed when an unknown outcome was resolved
//   2 usage            bad arguments or configuration; nothing was sent
//   3 outcome unknown  the request may have executed and the venue could not tell us (or
//                      resolution was skipped with resolve = false)
// Every failure goes through venues::classify(const Error&): refused_before_sending and
// refused_by_venue → 1, outcome_unknown → 3 (or resolved, for place and cancel).
//
// Every answer names the client order id (JSON: "client_order_id" on every line about an order,
// error lines included). No message carries a signed query, a signature, a key, a token or a JWT:
// every text that reaches the streams passes through redact_secrets().

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "core/venue.hpp"
#include "domain/order.hpp"
#include "venues/client_options.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::app {

enum class OrderAction { place, cancel, status, open, fills, balances };

enum class OrderExit : int { done = 0, refused = 1, usage = 2, unknown = 3 };
[[nodiscard]] constexpr OrderExit exit_of(venues::FailureClass c) noexcept {
  return c == venues::FailureClass::outcome_unknown ? OrderExit::unknown : OrderExit::refused;
}

struct OrderConsoleRequest {
  OrderAction action = OrderAction::balances;
  Venue venue = Venue::binance;
  std::string symbol;  // the venue's symbol; empty: every instrument (open, fills, balances)
  // place: side, type, time in force, quantity, prices, reduce-only (venue, instrument and
  // client id are filled in here).
  domain::OrderSpec order;
  // place: the user's own client order id (checked against the venue's format), else a fresh
  // one; cancel and status: the order to find (with or instead of venue_order_id).
  std::string client_order_id;
  std::string venue_order_id;
  std::optional<Timestamp> fills_since;  // fills: default 24 h ago
  venues::ClientOptions client;
  bool json = false;
  bool resolve = true;  // place, cancel: resolve an unknown outcome by client id
};

// Runs the request and answers the exit code (OrderExit as int). Results go to `out` (one line
// per order, fill or balance; JSON lines with request.json); progress and errors to `err`
// (with json, error answers are also JSON lines on `out`).
[[nodiscard]] int run_order_console(const OrderConsoleRequest& request, std::ostream& out,
                                    std::ostream& err);

// The text with every credential-bearing part replaced: URL query strings, `signature=`,
// `timestamp=...&...` query strings, `Bearer` tokens, JWTs (eyJ...x.y), api keys in
// `apiKey=`/`X-MBX-APIKEY` form. Defence in depth: clients must not put them in errors at all.
[[nodiscard]] std::string redact_secrets(std::string_view text);

}  // namespace nzeza::app

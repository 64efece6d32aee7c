#pragma once
// Which of the fills a venue listed belong to one order of ours. A fill names its order by our
// client id, or — Binance's myTrades, dYdX's indexer — by the venue's order id alone; venues
// number orders per symbol (Binance does), so a venue order id names an order only together with
// its symbol. Every place that fetches fills for an order it knows decides it here: the start-up
// reconciliation (recovery.cpp), the orders it left unresolved (unresolved_orders.cpp) and an
// exit found gone from its venue (execution.cpp).

#include <string>
#include <string_view>

#include "domain/fill.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::app {

// True when `f` is a fill of the order whose client id is `client_id` and which the venue
// reported as `order` (nullptr: known by client id only): `f` names that client id, or names no
// client id and the order's venue order id on the order's venue symbol (a side that does not say
// its symbol does not contradict it). A fill so claimed without a client id is given `client_id`,
// so that everything downstream (ledger, journal, tracker) knows it as that order's.
[[nodiscard]] inline bool claim_fill(domain::Fill& f, std::string_view client_id,
                                     const venues::VenueOrder* order) {
  if (client_id.empty()) return false;
  if (!f.client_order_id.empty()) return f.client_order_id == client_id;
  if (order == nullptr || f.venue_order_id.empty() ||
      f.venue_order_id != order->report.venue_order_id)
    return false;
  if (!f.venue_symbol.empty() && !order->venue_symbol.empty() &&
      f.venue_symbol != order->venue_symbol)
    return false;
  f.client_order_id = std::string(client_id);
  return true;
}

}  // namespace nzeza::app

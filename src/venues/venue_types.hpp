#pragma once
// The values that cross the order port (venue_client.hpp): what a venue answers, typed.
// Orders, fills, balances and the order vocabulary are the domain's own types; this file adds
// only what a venue reply carries beyond them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"
#include "domain/fill.hpp"
#include "domain/order_event.hpp"
#include "domain/order_state.hpp"

namespace nzeza::venues {

// Which optional operations a venue has. A call to an operation it lacks completes with
// ErrorCode::invalid_state ("not supported by this venue").
struct VenueCapabilities {
  bool amend = false;               // modify price/size in place (Coinbase edit, Kraken amend)
  bool dead_man_switch = false;     // cancel everything unless re-armed (Kraken, Hyperliquid)
  bool positions = false;           // perpetual venue: positions()
  bool private_stream = false;      // acks and fills pushed (private_stream() != nullptr)
  bool status_by_client_id = true;  // order_status() accepts a client id alone
  bool cancel_by_client_id = true;  // cancel() accepts a client id alone
  // Native trigger orders that rest at the venue (exits that protect a position even when nzeza
  // is down), by domain::OrderType: stop (stop-market), stop_limit, take_profit (market).
  bool stop_market = false;
  bool stop_limit = false;
  bool take_profit_market = false;
};

// How long after sending a request the venue may still accept (execute) it. After
// `sent_at + window` it never will: a place that timed out and is not found by client id after
// that moment never executed. `query_lag` is how long the venue's order query may lag behind its
// matching engine (a lagging venue answers "not found" for an order that rests).
//   Binance: timestamp + recvWindow (<= 60 s)     Kraken: the `deadline` parameter (<= 60 s)
//   Coinbase: JWT expiry (2 min)                  Hyperliquid: `expiresAfter`
//   dYdX: good-til-block (<= 20 blocks, ~30 s)    paper: its request latency
struct RequestValidity {
  Duration window = 60s;
  Duration query_lag = 1s;
};
// The first moment the venue can no longer accept a request sent at `sent_at`.
[[nodiscard]] constexpr Timestamp request_expiry(const RequestValidity& v,
                                                 Timestamp sent_at) noexcept {
  return sent_at + v.window;
}

// One of the two ids (both when known). Venues that need the symbol to find an order
// (Binance) take it from `instrument`.
struct OrderRef {
  std::string venue_order_id;
  std::string client_order_id;
  InstrumentId instrument;
};

// A venue's view of one of our orders (status query, open orders, private stream).
// Every order the venue reports is listed: one on an instrument the client has not loaded keeps
// an invalid `instrument` and the venue's own symbol, never dropped (reconciliation must see it).
struct VenueOrder {
  std::string client_order_id;  // empty when the order was not placed with one (external)
  InstrumentId instrument;      // invalid when the instrument is not loaded
  std::string venue_symbol;     // the venue's own symbol, verbatim; always set
  Side side = Side::buy;
  domain::OrderType type = domain::OrderType::limit;
  domain::TimeInForce time_in_force = domain::TimeInForce::gtc;
  Decimal quantity;
  std::optional<Decimal> price;
  bool reduce_only = false;
  domain::VenueOrderReport report;  // status, cumulative filled, average price, venue order id
  // Trigger orders (stop, take_profit, stop_limit): the trigger price, and whether the venue
  // reports it triggered (working in the book or executed). Unset/false when the client's venue
  // reply does not carry them.
  std::optional<Decimal> stop_price;
  bool triggered = false;
};

// A fill of `order` at `venue`, carrying the order's identity (instrument, venue symbol, client
// order id, side); the trade's own fields are the caller's to set.
[[nodiscard]] inline domain::Fill fill_of(Venue venue, const VenueOrder& order) {
  domain::Fill f;
  f.venue = venue;
  f.instrument = order.instrument;
  f.venue_symbol = order.venue_symbol;
  f.client_order_id = order.client_order_id;
  f.side = order.side;
  return f;
}

// The answer to place(): accepted (with what already happened to it) — a venue refusal is an
// Error, never a PlaceAck.
struct PlaceAck {
  std::string venue_order_id;
  std::string client_order_id;
  domain::VenueOrderReport report;  // the state right after placing (open, filled, expired...)
  std::vector<domain::Fill> fills;  // immediate fills when the venue returns them (FULL resp.)
  Timestamp at;                     // venue time of the acceptance (our clock when it has none)
};

struct CancelAck {
  std::string venue_order_id;
  std::string client_order_id;
  domain::VenueOrderReport report;  // normally cancelled; filled when the cancel lost the race
};

struct CancelAllAck {
  std::vector<CancelAck> cancelled;  // what the venue reported cancelled (may be empty)
};

struct AmendRequest {
  OrderRef order;
  std::optional<Decimal> price;
  std::optional<Decimal> quantity;  // new total quantity
};

// A perpetual position as the venue reports it. quantity is signed: long > 0, short < 0.
struct VenuePosition {
  InstrumentId instrument;   // invalid when the instrument is not loaded (never dropped)
  std::string venue_symbol;  // the venue's own symbol, verbatim; always set
  Decimal quantity;
  std::optional<Decimal> entry_price;
  Decimal leverage = Decimal::one();
  Decimal margin;     // collateral tied to it, in the settlement (quote) currency
  std::string quote;  // settlement currency
  std::optional<Decimal> unrealized_pnl;
};

}  // namespace nzeza::venues

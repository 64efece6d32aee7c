#pragma once
// VenueClient: the order port. One implementation per venue (paper/, binance/, kraken/ ...);
// everything above it (router, order tracker, reconciliation, `nzeza order`) speaks only this.
//
// Contract for every call:
//   * Asynchronous: the call returns at once; `done` is called exactly once with the typed
//     answer or an Error — also on timeout (ErrorCode::timeout) and on shutdown
//     (ErrorCode::cancelled). Implementations wrap `done` in a Completion (completion.hpp).
//   * `done` runs on the thread the implementation documents (an Asio strand, the clock's
//     firing thread). A refusal decided before anything is sent (unsupported operation,
//     precision guard) may complete inside the call itself: callers must not hold a
//     non-reentrant lock across a call.
//   * Errors are classified as in venue_error.hpp (network = never left; timeout = outcome
//     unknown) and keep the venue's code and text verbatim (Error::venue_code, venue_text).
//   * Prices and sizes are sent as given: callers round them with the precision guard
//     (precision_guard.hpp), or wrap the client in PrecisionGuardedClient.
//   * Every order carries a client order id (OrderSpec::client_order_id) and a venue must
//     accept it, so an order whose place timed out can be found by that id.

#include <optional>
#include <vector>

#include "core/instrument.hpp"
#include "core/non_copyable.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"
#include "domain/balance.hpp"
#include "domain/fill.hpp"
#include "domain/order.hpp"
#include "market/candle.hpp"
#include "venues/completion.hpp"
#include "venues/private_stream.hpp"
#include "venues/venue_types.hpp"

namespace nzeza::venues {

// The calls of the port, each written once as
//   X(name, answer, (parameters), (arguments), op, "label")
// for `void name(parameters..., Callback<answer> done)`; `op` is its RequestOp and "label" the
// words error messages and decorators use for it (forwarding_client.hpp). VenueClient,
// ForwardingClient and every venue client expand these, so adding a call is one line here, one
// in a list below and one RequestOp.
//
// Orders: place, cancel, cancel_all (every open order, or those of one instrument), amend
// (optional: capabilities().amend), set_dead_man_switch (optional:
// capabilities().dead_man_switch; the venue cancels every open order unless called again within
// `timeout`, a zero timeout disarms; answers the trigger time, zero when disarmed).
// Queries: order_status answers ErrorCode::not_found when the venue does not know the order
// (which, before the request's validity window has passed, proves nothing); open_orders;
// fills_since: our fills at or after `since`, oldest first (the venue's window may be shorter);
// balances: one Balance per currency as the venue reports it (total = available + locked);
// positions: perpetual venues (capabilities().positions).
// Metadata: load_instruments answers tick, lot, min size/notional and status of every instrument
// the venue lists that nzeza is configured for (called at start and on refresh; the owner
// updates its registry); server_time. candles, for the warm-up: the last `count` closed candles
// of `instrument` at `interval`, oldest first, from the venue's public REST history; only
// intervals the venue publishes, any other refused (invalid_argument, naming those it offers).
#define NZEZA_VENUE_CALL_place(X) \
  X(place, PlaceAck, (const domain::OrderSpec& order), (order), place, "place")
#define NZEZA_VENUE_CALL_cancel(X) \
  X(cancel, CancelAck, (const OrderRef& order), (order), cancel, "cancel")
#define NZEZA_VENUE_CALL_cancel_all(X)                                                            \
  X(cancel_all, CancelAllAck, (std::optional<InstrumentId> instrument), (instrument), cancel_all, \
    "cancel all")
#define NZEZA_VENUE_CALL_amend(X) \
  X(amend, PlaceAck, (const AmendRequest& request), (request), amend, "amend")
#define NZEZA_VENUE_CALL_set_dead_man_switch(X)                                     \
  X(set_dead_man_switch, Timestamp, (Duration timeout), (timeout), dead_man_switch, \
    "dead-man switch")
#define NZEZA_VENUE_CALL_order_status(X) \
  X(order_status, VenueOrder, (const OrderRef& order), (order), status, "order status")
#define NZEZA_VENUE_CALL_open_orders(X)                                                           \
  X(open_orders, std::vector<VenueOrder>, (std::optional<InstrumentId> instrument), (instrument), \
    open_orders, "open orders")
#define NZEZA_VENUE_CALL_fills_since(X)                                                    \
  X(fills_since, std::vector<domain::Fill>,                                                \
    (Timestamp since, std::optional<InstrumentId> instrument), (since, instrument), fills, \
    "fills")
#define NZEZA_VENUE_CALL_balances(X) \
  X(balances, std::vector<domain::Balance>, (), (), balances, "balances")
#define NZEZA_VENUE_CALL_positions(X) \
  X(positions, std::vector<VenuePosition>, (), (), positions, "positions")
#define NZEZA_VENUE_CALL_load_instruments(X) \
  X(load_instruments, std::vector<Instrument>, (), (), instruments, "instruments")
#define NZEZA_VENUE_CALL_server_time(X) \
  X(server_time, Timestamp, (), (), server_time, "server time")
#define NZEZA_VENUE_CALL_candles(X)                                  \
  X(candles, std::vector<market::Candle>,                            \
    (InstrumentId instrument, Duration interval, std::size_t count), \
    (instrument, interval, count), candles, "candles")

// clang-format off
// Every venue implements these.
#define NZEZA_VENUE_REQUIRED_CALLS(X) \
  NZEZA_VENUE_CALL_place(X)            \
  NZEZA_VENUE_CALL_cancel(X)           \
  NZEZA_VENUE_CALL_cancel_all(X)       \
  NZEZA_VENUE_CALL_order_status(X)     \
  NZEZA_VENUE_CALL_open_orders(X)      \
  NZEZA_VENUE_CALL_fills_since(X)      \
  NZEZA_VENUE_CALL_balances(X)         \
  NZEZA_VENUE_CALL_load_instruments(X) \
  NZEZA_VENUE_CALL_server_time(X)
// VenueClient answers these itself unless a venue overrides them: amend, set_dead_man_switch and
// candles refuse with "not supported"; positions answers an empty list (spot).
#define NZEZA_VENUE_OPTIONAL_CALLS(X)     \
  NZEZA_VENUE_CALL_amend(X)               \
  NZEZA_VENUE_CALL_set_dead_man_switch(X) \
  NZEZA_VENUE_CALL_positions(X)           \
  NZEZA_VENUE_CALL_candles(X)
// clang-format on

// `parameters..., Callback<answer> done` from X's (parameters) and answer.
#define NZEZA_VENUE_CALL_PARAMS_(...) __VA_ARGS__ __VA_OPT__(, )
#define NZEZA_VENUE_CALL_SIGNATURE(name, answer, params) \
  void name(NZEZA_VENUE_CALL_PARAMS_ params Callback<answer> done)

// In a VenueClient subclass: the declaration of one call it overrides ...
#define NZEZA_VENUE_CALL_OVERRIDE_(name, answer, params, args, op, label) \
  NZEZA_VENUE_CALL_SIGNATURE(name, answer, params) override;
#define NZEZA_VENUE_OVERRIDE(name) NZEZA_VENUE_CALL_##name(NZEZA_VENUE_CALL_OVERRIDE_)
// ... and those every venue overrides: capabilities(), request_validity() and the required calls.
#define NZEZA_VENUE_CLIENT_OVERRIDES                                        \
  [[nodiscard]] VenueCapabilities capabilities() const noexcept override;   \
  [[nodiscard]] RequestValidity request_validity() const noexcept override; \
  NZEZA_VENUE_REQUIRED_CALLS(NZEZA_VENUE_CALL_OVERRIDE_)

#define NZEZA_VENUE_CALL_PURE_(name, answer, params, args, op, label) \
  virtual NZEZA_VENUE_CALL_SIGNATURE(name, answer, params) = 0;
#define NZEZA_VENUE_CALL_DEFAULTED_(name, answer, params, args, op, label) \
  virtual NZEZA_VENUE_CALL_SIGNATURE(name, answer, params);

// A client owns connections, limiters and calls in flight: it is never copied, and neither is a
// subclass.
class VenueClient : NonCopyable {
 public:
  virtual ~VenueClient() = default;

  [[nodiscard]] virtual Venue venue() const noexcept = 0;
  [[nodiscard]] virtual VenueCapabilities capabilities() const noexcept = 0;
  // See RequestValidity (venue_types.hpp): used by the order tracker's resolver.
  [[nodiscard]] virtual RequestValidity request_validity() const noexcept = 0;

  // The calls, documented above.
  NZEZA_VENUE_REQUIRED_CALLS(NZEZA_VENUE_CALL_PURE_)
  NZEZA_VENUE_OPTIONAL_CALLS(NZEZA_VENUE_CALL_DEFAULTED_)

  // Acks and fills pushed by the venue, or nullptr when it has no private stream.
  [[nodiscard]] virtual PrivateStream* private_stream() noexcept { return nullptr; }
};

}  // namespace nzeza::venues

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

// A client owns connections, limiters and calls in flight: it is never copied, and neither is a
// subclass.
class VenueClient : NonCopyable {
 public:
  virtual ~VenueClient() = default;

  [[nodiscard]] virtual Venue venue() const noexcept = 0;
  [[nodiscard]] virtual VenueCapabilities capabilities() const noexcept = 0;
  // See RequestValidity (venue_types.hpp): used by the order tracker's resolver.
  [[nodiscard]] virtual RequestValidity request_validity() const noexcept = 0;

  // Orders.
  virtual void place(const domain::OrderSpec& order, Callback<PlaceAck> done) = 0;
  virtual void cancel(const OrderRef& order, Callback<CancelAck> done) = 0;
  // Every open order, or those of one instrument.
  virtual void cancel_all(std::optional<InstrumentId> instrument, Callback<CancelAllAck> done) = 0;
  // Optional (capabilities().amend); the default refuses with "not supported".
  virtual void amend(const AmendRequest& request, Callback<PlaceAck> done);
  // Optional (capabilities().dead_man_switch): the venue cancels every open order unless
  // called again within `timeout`; a zero timeout disarms. Answers the trigger time (zero
  // when disarmed). The default refuses with "not supported".
  virtual void set_dead_man_switch(Duration timeout, Callback<Timestamp> done);

  // Queries. order_status answers ErrorCode::not_found when the venue does not know the order
  // (which, before the request's validity window has passed, proves nothing).
  virtual void order_status(const OrderRef& order, Callback<VenueOrder> done) = 0;
  virtual void open_orders(std::optional<InstrumentId> instrument,
                           Callback<std::vector<VenueOrder>> done) = 0;
  // Our fills at or after `since`, oldest first (the venue's window may be shorter).
  virtual void fills_since(Timestamp since, std::optional<InstrumentId> instrument,
                           Callback<std::vector<domain::Fill>> done) = 0;
  // One Balance per currency, as the venue reports it (total = available + locked).
  virtual void balances(Callback<std::vector<domain::Balance>> done) = 0;
  // Perpetual venues (capabilities().positions); the default answers an empty list for spot.
  virtual void positions(Callback<std::vector<VenuePosition>> done);

  // Metadata: tick, lot, min size/notional, status of every instrument the venue lists that
  // nzeza is configured for. Called at start and on refresh; the owner updates its registry.
  virtual void load_instruments(Callback<std::vector<Instrument>> done) = 0;
  virtual void server_time(Callback<Timestamp> done) = 0;
  // History for the warm-up: the last `count` closed candles of `instrument` at `interval`,
  // oldest first, from the venue's public REST history. Only intervals the venue publishes:
  // any other is refused (invalid_argument, naming the intervals it offers). The default
  // refuses with "not supported".
  virtual void candles(InstrumentId instrument, Duration interval, std::size_t count,
                       Callback<std::vector<market::Candle>> done);

  // Acks and fills pushed by the venue, or nullptr when it has no private stream.
  [[nodiscard]] virtual PrivateStream* private_stream() noexcept { return nullptr; }
};

}  // namespace nzeza::venues

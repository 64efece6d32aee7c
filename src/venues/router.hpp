#pragma once
// Router: which venue gets an order for a canonical symbol.
//
// Each symbol has a primary venue and an optional ordered fallback list (config). An order goes
// to the first candidate that is healthy (VenueHealth), lists the symbol (InstrumentRegistry)
// and accepts the request. It moves to the next candidate ONLY when the previous one refused
// before sending (may_fall_back, venue_error.hpp): Error::delivery is not_sent, or, for an error
// no transport carried (Delivery::none), its code is network, circuit_open, unavailable,
// rate_limited or banned. It never moves after an unknown outcome: once a byte of the request
// may have been written (delivery sent_no_answer, answer_cut or answer_unknown — a reset, a
// deadline, a cut or unreadable answer, an HTTP 5xx), WHATEVER the code says (`network` and
// `unavailable` included), and never after a timeout or unreadable answer. That order may be
// live and is the order tracker's to resolve; sending it elsewhere could fill twice. A venue
// refusal (rejected, insufficient balance...) is final too: it is the market's answer, not an
// outage.
//
// Exits (reduce-only intents) go to the venue that holds the position (PositionLocator), with
// no fallback: a reduce-only order elsewhere would either be refused or open a new position.
//
// Every venue tried gets the same client-id sequence number, encoded in its own form, so a
// fallback never creates a second logical order. Each venue's order is made valid for that
// venue's instrument by the precision guard (prepare_order) before it is handed to the sender,
// so what the order tracker records is exactly what leaves; a local refusal (below min size or
// notional) ends the routing, a halted instrument is skipped like an unavailable venue.
//
// Router errors carry a stable kind at the start of the message (route_error_kind()):
//   "unknown symbol: ..." (not_found)       no route configured for the symbol
//   "unknown venue: ..." (not_found)        the route names a venue with no registered client
//   "unavailable: ..." (unavailable)        the only candidate refused before sending
//   "all unavailable: ..." (unavailable)    every candidate refused before sending (each reason)
// Those two carry Delivery::not_sent: no venue got a byte of the order.
//   "no position: ..." (not_found)          an exit with no venue holding the position
// Any other error is the chosen venue's own answer, unchanged (code, delivery, venue code and text
// kept): an outcome-unknown error reaches the caller still classified outcome_unknown.
//
// Threading: place() may be called from any thread; the sender's callbacks may arrive on any
// thread. Registration (add_client, set_*) happens before use.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/client_id.hpp"
#include "core/instrument.hpp"
#include "domain/order.hpp"
#include "venues/balance_report.hpp"
#include "venues/venue_client.hpp"
#include "venues/venue_health.hpp"

namespace nzeza::venues {

struct SymbolRoute {
  std::string canonical;  // "BTC-USDT"
  Venue primary = Venue::paper;
  std::vector<Venue> fallbacks;  // tried in this order
};

// What to trade, before a venue is chosen.
struct PlaceIntent {
  std::string canonical;
  std::uint64_t sequence = 0;  // from the ClientIdCounter; the same on every venue tried
  Side side = Side::buy;
  domain::OrderType type = domain::OrderType::market;
  domain::TimeInForce time_in_force = domain::TimeInForce::gtc;
  bool reduce_only = false;  // an exit: goes to the venue holding the position
  Decimal quantity;
  std::optional<Decimal> price;
  std::optional<Decimal> stop_price;
};

struct VenueAttempt {
  Venue venue = Venue::paper;
  Error error;  // why it was skipped
};

struct RoutedAck {
  Venue venue = Venue::paper;
  domain::OrderSpec spec;  // what was sent
  PlaceAck ack;
  std::vector<VenueAttempt> skipped;  // candidates passed over before this one
};

enum class RouteErrorKind : std::uint8_t {
  unknown_symbol,
  unknown_venue,
  unavailable,
  all_unavailable,
  no_position
};
[[nodiscard]] std::string_view to_string(RouteErrorKind k) noexcept;
// The router's own kind of an error, or nullopt for a venue's answer passed through.
[[nodiscard]] std::optional<RouteErrorKind> route_error_kind(const Error& e) noexcept;

class Router {
 public:
  // Sends one order to one venue; by default the registered client's place(). Production wires
  // the order tracker here so every routed order is tracked and resolved.
  using Sender = std::function<void(const domain::OrderSpec&, Callback<PlaceAck>)>;
  // The venue holding a position in the canonical symbol, if any.
  using PositionLocator = std::function<std::optional<Venue>(std::string_view canonical)>;

  // All references must outlive the router.
  Router(const InstrumentRegistry& registry, const ClientIdCodec& codec, const VenueHealth& health);

  // invalid_argument for an empty symbol or a venue listed twice; already_exists for a symbol
  // routed twice.
  Status add_route(SymbolRoute route);
  // already_exists when a client for that venue is registered.
  Status add_client(VenueClient& client);
  void set_sender(Sender sender) { sender_ = std::move(sender); }
  void set_position_locator(PositionLocator locator) { locator_ = std::move(locator); }
  // Price a market order is expected to trade at on a venue's instrument (the opposite best),
  // for the min-notional check; without it that check is left to the venue.
  using ReferencePrice = std::function<std::optional<Decimal>(InstrumentId, Side)>;
  void set_reference_price(ReferencePrice reference) { reference_ = std::move(reference); }

  // The venues an intent would be offered to, in order (no health check). Errors: unknown
  // symbol, unknown venue, no position (exits).
  [[nodiscard]] Result<std::vector<Venue>> candidates(const PlaceIntent& intent) const;
  void place(const PlaceIntent& intent, Callback<RoutedAck> done);

  // Balances of every registered venue (in registration order), per venue and per currency.
  // A venue that fails is reported with its error; the callback waits for all of them.
  void balances(Callback<BalanceReport> done);

  [[nodiscard]] VenueClient* client(Venue venue) const noexcept;

 private:
  struct Attempt;
  void try_next(std::shared_ptr<Attempt> attempt);
  [[nodiscard]] Result<domain::OrderSpec> build_spec(const PlaceIntent& intent, Venue venue) const;

  const InstrumentRegistry& registry_;
  const ClientIdCodec& codec_;
  const VenueHealth& health_;
  std::map<std::string, SymbolRoute, std::less<>> routes_;
  std::vector<VenueClient*> clients_;
  Sender sender_;
  PositionLocator locator_;
  ReferencePrice reference_;
};

}  // namespace nzeza::venues

#pragma once
// OrderTracker: no order twice (in process). Every order it sends is a domain::Order keyed by
// its client order id; it follows acks, fills and reports, and resolves orders whose outcome is
// unknown before anything may send them again.
//
// The rules:
//   * place() sends a client id at most once at a time. While a place is in flight, or its
//     outcome is unknown, another place() of that id is refused (invalid_state) — nothing is
//     sent. A live or finished order is refused with already_exists.
//   * A place that fails with an unknown outcome (venues::classify, venue_error.hpp: any
//     Error::delivery after the first written byte — reset, EOF, deadline, cut or unreadable
//     answer, HTTP 5xx — whatever its code, even `network` or `unavailable`; or, with
//     Delivery::none, a timeout, unreadable answer or shutdown) — or that gets no answer within
//     `place_timeout` — makes the order `unknown`. The resolver waits until the venue can no longer
//     accept that request (request_expiry(validity, sent_at) + validity.query_lag), then asks the
//     venue by client id:
//       found        the order follows the venue's report (its fills come from the stream or a
//                    fills query); resolution `found`.
//       not found    asked again after `not_found_grace`, `not_found_confirmations` more times
//                    (an order query can lag the matching engine). Still not found: it never
//                    executed and never will — resolution `never_executed`, and ONE resend with
//                    the SAME client id is allowed (a late original and the resend cannot both
//                    live: the venue refuses a duplicate client id).
//       query failed asked again after `query_retry`, up to `max_queries` queries; then
//                    resolution `unresolved`: the order stays unknown and is never resent
//                    automatically (an operator or the restart reconciliation decides).
//   * A place refused before sending (Delivery::not_sent whatever the code — a connect refused,
//     a deadline before the write, our breaker or limiter; or, with Delivery::none, network,
//     circuit_open...) may be resent with the same id (nothing left); a venue refusal is final
//     for that id.
//   * A private-stream update or fill for an unknown order resolves it at once (`found`).
// The durable journal that survives a crash comes with the store; this is the in-process half.
//
// Threading: thread-safe (one mutex, never held while calling a client or a callback). Clients'
// callbacks and clock timers may arrive on any thread. Destroying the tracker cancels its
// timers; destroy it only after the clients stopped calling back. quiesce() stops its timers
// without destroying it: from then on the tracker calls no client on its own (no status query,
// no place timeout) — it only answers what the clients call back with.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "domain/order.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::venues {

struct ResolverConfig {
  Duration place_timeout = 0s;      // 0: rely on the client's own timeout
  Duration not_found_grace = 2s;    // between "not found" answers
  int not_found_confirmations = 1;  // extra "not found" answers required (>= 0)
  Duration query_retry = 2s;        // after a failed status query
  int max_queries = 20;             // then `unresolved`
};

enum class Resolution : std::uint8_t { found, never_executed, unresolved };
[[nodiscard]] std::string_view to_string(Resolution r) noexcept;

struct ResolutionEvent {
  std::string client_order_id;
  Venue venue = Venue::paper;
  Resolution resolution = Resolution::unresolved;
  std::optional<VenueOrder> venue_order;  // for `found` through a status query or stream update
  int queries = 0;                        // status queries made
  Error last_error;                       // for `unresolved`: the last query's error
  Timestamp at;
};

class OrderTracker {
 public:
  using ResolutionCallback = std::function<void(const ResolutionEvent&)>;

  // `clock` must outlive the tracker.
  explicit OrderTracker(Clock& clock, ResolverConfig config = {});
  ~OrderTracker();
  OrderTracker(const OrderTracker&) = delete;
  OrderTracker& operator=(const OrderTracker&) = delete;

  // Cancels every timer (status queries, place timeouts) and waits for the calls into the tracker
  // running now (a timer on the clock's thread, a client's answer); no timer runs afterwards, and
  // orders being resolved stay unknown. The clients' answers are still heard. For an orderly
  // stop: the owner may then tear down the clients. Idempotent; the destructor does it, and an
  // answer arriving during or after the destruction goes to its caller alone.
  void quiesce();

  // already_exists when a client for that venue is registered. `client` must outlive the tracker.
  Status add_client(VenueClient& client);
  void on_resolution(ResolutionCallback callback);

  // See the header comment. `done` gets the venue's answer to this send (a timeout is reported
  // as the timeout error; its resolution arrives later through on_resolution).
  void place(const domain::OrderSpec& spec, Callback<PlaceAck> done);

  // An order an earlier process sent whose outcome is still unknown (the start-up reconciliation
  // could not settle it): tracked from now on exactly like an order of this run whose answer was
  // lost at `sent_at` — resolved by client id on the tracker's timers (the first query once the
  // venue can no longer accept that request, as above), found at once by a stream update or a
  // fill, reported through on_resolution, and never sent again unless resolved never_executed.
  // Errors: invalid_argument for a spec domain::validate refuses, not_found without a client for
  // its venue, already_exists when the client id is tracked already.
  Status track_unknown(const domain::OrderSpec& spec, Timestamp sent_at);

  // Private-stream events (acks, cancels, fills) for tracked orders. not_found for an id we
  // did not send (external order); the domain's error when the event is impossible.
  Status apply_update(const VenueOrder& update);
  Status apply_fill(const domain::Fill& fill);

  // Snapshot of a tracked order (a copy: the tracker keeps mutating its own).
  [[nodiscard]] std::optional<domain::Order> order(std::string_view client_order_id) const;
  // Place requests sent for that id (0 when unknown).
  [[nodiscard]] std::uint64_t sends(std::string_view client_order_id) const;
  [[nodiscard]] bool resend_allowed(std::string_view client_order_id) const;
  [[nodiscard]] bool resolving(std::string_view client_order_id) const;
  [[nodiscard]] std::size_t size() const;

 private:
  struct Tracked;
  struct Shared;
  void send(const std::string& id, const domain::OrderSpec& spec, std::uint64_t attempt,
            Completion<PlaceAck> done);
  void on_place_answer(const std::string& id, std::uint64_t attempt, Result<PlaceAck> r,
                       const Completion<PlaceAck>& done);
  void start_resolving_locked(Tracked& t, const std::string& id, Timestamp at);
  void schedule_query_locked(Tracked& t, const std::string& id, Timestamp at);
  // A resolving order found outside the query loop (a late ack, a stream update, a fill): stops
  // its resolution and its pending query; the event to publish once the lock is released.
  ResolutionEvent found_locked(Tracked& t, const std::string& id, std::optional<VenueOrder> update,
                               Timestamp at);
  void query(const std::string& id);
  void on_query_answer(const std::string& id, Result<VenueOrder> r);
  void publish(const ResolutionEvent& e);
  VenueClient* client(Venue venue) const;

  Clock& clock_;
  ResolverConfig config_;
  // Timer callbacks hold a weak_ptr to this, so a timer firing during destruction is harmless.
  std::shared_ptr<Shared> shared_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Tracked>, std::less<>> orders_;
  std::vector<VenueClient*> clients_;
  std::vector<ResolutionCallback> listeners_;
};

}  // namespace nzeza::venues

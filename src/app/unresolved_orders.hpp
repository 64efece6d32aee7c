#pragma once
// UnresolvedOrders: the orders the start-up reconciliation (recover(), recovery.hpp) left
// unresolved — an earlier process sent them and the venue could not say what became of them —
// handed to the order tracker so that something keeps resolving them. The tracker asks the venue
// by client id on its timers exactly as for an order of this run whose answer was lost
// (venues::OrderTracker::track_unknown); a stream update or fill resolves one at once; none is
// ever sent again.
//
// A `found` one may have filled before this process listened to the venue's stream, and the
// periodic check looks back to the session start only: its fills since it was sent are asked for
// first and handed over before its resolution, so execution applies each once (its ledger, by
// trade id) and protects the position as it does for an entry of this run. Its symbol stays
// blocked (the start-up finding): an operator still decides.
//
// Threading: hand_over() before the tracker's clients answer anything; on_resolution() from the
// tracker's resolution listener, on any thread.

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "app/recovery.hpp"
#include "venues/order_tracker.hpp"

namespace nzeza::app {

class UnresolvedOrders {
 public:
  // Tracks every unresolved order of `r` whose venue, client id and instrument are known (the
  // others stay as recover() left them: blocked, for the operator). The number handed over, or
  // the first refusal of the tracker.
  Result<std::size_t> hand_over(const Recovered& r, venues::OrderTracker& tracker);
  // False for a resolution of an order not handed over (the caller delivers it as any other).
  // For a handed-over one: `found` → `client` is asked for the fills since it was sent; each of
  // that order (claim_fill, order_fills.hpp: by client id, or by the venue order id of
  // e.venue_order, given the client id) goes to `fill`, then the event to `resolution` (on the
  // thread of the answer; a failed query delivers the event alone: the next start's reconciliation
  // finds those fills). Other resolutions go to `resolution` at once. Each order is handled once.
  bool on_resolution(const venues::ResolutionEvent& e, venues::VenueClient* client,
                     const std::function<void(const domain::Fill&)>& fill,
                     const std::function<void(const venues::ResolutionEvent&)>& resolution);
  [[nodiscard]] std::size_t pending() const;  // handed over, not resolved yet

 private:
  struct Handed {
    InstrumentId instrument;
    Timestamp sent_at;
  };
  mutable std::mutex mu_;
  std::map<std::pair<Venue, std::string>, Handed> orders_;
};

}  // namespace nzeza::app

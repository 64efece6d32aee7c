#include "app/unresolved_orders.hpp"

#include <chrono>
#include <vector>

#include "app/order_fills.hpp"

namespace nzeza::app {

Result<std::size_t> UnresolvedOrders::hand_over(const Recovered& r, venues::OrderTracker& tracker) {
  std::size_t handed = 0;
  for (const auto& w : r.working) {
    const store::OrderRecord& o = w.order;
    if (o.phase != store::OrderPhase::unresolved || !o.venue || o.client_order_id.empty() ||
        !w.instrument.valid())
      continue;
    domain::OrderSpec spec;
    spec.client_order_id = ClientOrderId{*o.venue, o.intent.sequence, o.client_order_id};
    spec.venue = *o.venue;
    spec.instrument = w.instrument;
    spec.side = o.intent.side;
    spec.type = o.intent.type;
    spec.time_in_force = o.intent.time_in_force;
    spec.reduce_only = o.intent.reduce_only;
    spec.quantity = o.intent.quantity;
    spec.price = o.intent.price;
    spec.stop_price = o.intent.stop_price;
    {
      std::lock_guard lock(mu_);
      orders_[{*o.venue, o.client_order_id}] = Handed{w.instrument, o.intent.at};
    }
    if (auto st = tracker.track_unknown(spec, o.intent.at); !st) {
      std::lock_guard lock(mu_);
      orders_.erase({*o.venue, o.client_order_id});
      return st.error().with_context("#" + std::to_string(o.intent.sequence) +
                                     " handed to the order tracker");
    }
    ++handed;
  }
  return handed;
}

bool UnresolvedOrders::on_resolution(
    const venues::ResolutionEvent& e, venues::VenueClient* client,
    const std::function<void(const domain::Fill&)>& fill,
    const std::function<void(const venues::ResolutionEvent&)>& resolution) {
  Handed handed;
  {
    std::lock_guard lock(mu_);
    auto it = orders_.find({e.venue, e.client_order_id});
    if (it == orders_.end()) return false;
    handed = it->second;
    orders_.erase(it);
  }
  if (e.resolution != venues::Resolution::found || client == nullptr) {
    resolution(e);
    return true;
  }
  // A minute before it was sent: the venue's clock may run behind ours (its fills carry its time).
  // Its fills are those of its client id or, where the venue lists fills by its own order id
  // only (Binance), of the venue order id the resolution found.
  const Timestamp since = handed.sent_at - std::chrono::minutes(1);
  client->fills_since(
      since, handed.instrument, [e, fill, resolution](Result<std::vector<domain::Fill>> fills) {
        if (fills)
          for (auto& f : *fills)
            if (claim_fill(f, e.client_order_id, e.venue_order ? &*e.venue_order : nullptr))
              fill(f);
        resolution(e);
      });
  return true;
}

std::size_t UnresolvedOrders::pending() const {
  std::lock_guard lock(mu_);
  return orders_.size();
}

}  // namespace nzeza::app

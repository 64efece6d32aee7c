#include "app/order_resolution.hpp"

#include <future>
#include <memory>

namespace nzeza::app {
namespace {

using domain::VenueOrderStatus;

Result<venues::VenueOrder> query(venues::VenueClient& client, const venues::OrderRef& ref,
                                 Duration guard) {
  return call_and_wait<venues::VenueOrder>([&](auto cb) { client.order_status(ref, cb); }, guard);
}

// "client order id X" (and the venue's id when known): every sentence names the order.
std::string name_of(const venues::OrderRef& ref, const venues::VenueOrder* found) {
  std::string client_id = ref.client_order_id;
  std::string venue_id = ref.venue_order_id;
  if (found != nullptr) {
    if (client_id.empty()) client_id = found->client_order_id;
    if (venue_id.empty()) venue_id = found->report.venue_order_id;
  }
  std::string out = "client order id " + (client_id.empty() ? std::string("(none)") : client_id);
  if (!venue_id.empty()) out += ", venue order id " + venue_id;
  return out;
}

Resolved unknown(const venues::OrderRef& ref, Error e, std::string_view doing) {
  Resolved r;
  r.outcome = Resolution::still_unknown;
  r.summary = "still unknown: asking the venue about " + name_of(ref, nullptr) + " " +
              std::string(doing) + " failed (" + e.message + ")";
  r.query_error = std::move(e);
  return r;
}

Resolved found(Resolution outcome, const venues::OrderRef& ref, venues::VenueOrder order,
               std::string_view what) {
  Resolved r;
  r.outcome = outcome;
  r.summary = std::string(what) + ": the venue has " + name_of(ref, &order) + " " +
              std::string(domain::to_string(order.report.status));
  r.order = std::move(order);
  return r;
}

Timestamp window_end(const venues::VenueClient& client, Timestamp sent_at) {
  const venues::RequestValidity v = client.request_validity();
  return venues::request_expiry(v, sent_at) + v.query_lag;
}

void wait_out_window(const venues::VenueClient& client, Clock& clock, Timestamp sent_at,
                     const ResolveOptions& options) {
  const Timestamp until = window_end(client, sent_at);
  if (clock.now() >= until) return;
  if (options.on_wait) options.on_wait(until);
  wait_until(clock, until);
}

}  // namespace

void wait_until(Clock& clock, Timestamp deadline) {
  auto due = std::make_shared<std::promise<void>>();
  auto future = due->get_future();
  clock.schedule_at(deadline, [due] { due->set_value(); });
  future.wait();
}

Resolved resolve_place(venues::VenueClient& client, Clock& clock, const venues::OrderRef& order,
                       Timestamp sent_at, const ResolveOptions& options) {
  auto classify_found = [&](venues::VenueOrder o) {
    if (o.report.status == VenueOrderStatus::rejected) {
      return found(Resolution::not_done, order, std::move(o), "resolved, not placed");
    }
    return found(Resolution::done, order, std::move(o), "resolved, placed");
  };
  // A found order proves the place executed, whenever we ask.
  auto first = query(client, order, options.call_guard);
  if (first.ok()) return classify_found(std::move(first).value());
  if (first.error().code != ErrorCode::not_found) {
    return unknown(order, std::move(first).error(), "right away");
  }
  // "Not found" proves nothing until the venue can no longer accept the request.
  wait_out_window(client, clock, sent_at, options);
  auto second = query(client, order, options.call_guard);
  if (second.ok()) return classify_found(std::move(second).value());
  if (second.error().code != ErrorCode::not_found) {
    return unknown(order, std::move(second).error(), "after the venue's window");
  }
  Resolved r;
  r.outcome = Resolution::not_done;
  r.summary = "resolved, not placed: the venue does not know " + name_of(order, nullptr) +
              " after its window for the request has passed";
  return r;
}

Resolved resolve_cancel(venues::VenueClient& client, Clock& clock, const venues::OrderRef& order,
                        Timestamp sent_at, const ResolveOptions& options) {
  auto settled = [&](venues::VenueOrder o) -> std::optional<Resolved> {
    switch (o.report.status) {
      case VenueOrderStatus::cancelled:
        return found(Resolution::done, order, std::move(o), "resolved, cancelled");
      case VenueOrderStatus::filled:
      case VenueOrderStatus::expired:
      case VenueOrderStatus::rejected:
        return found(Resolution::not_done, order, std::move(o),
                     "resolved, the cancel did not apply");
      case VenueOrderStatus::open:
      case VenueOrderStatus::partially_filled:
        break;
    }
    return std::nullopt;
  };
  auto first = query(client, order, options.call_guard);
  if (!first.ok()) return unknown(order, std::move(first).error(), "right away");
  if (auto r = settled(*first)) return *std::move(r);
  // Still live: the cancel may yet arrive until the venue's window has passed.
  wait_out_window(client, clock, sent_at, options);
  auto second = query(client, order, options.call_guard);
  if (!second.ok()) return unknown(order, std::move(second).error(), "after the venue's window");
  if (auto r = settled(*second)) return *std::move(r);
  return found(Resolution::not_done, order, std::move(second).value(),
               "resolved, the cancel did not apply after the venue's window");
}

}  // namespace nzeza::app

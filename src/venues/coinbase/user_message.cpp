#include "venues/coinbase/user_message.hpp"

#include <boost/json.hpp>

#include "venues/coinbase/rest_codec.hpp"

namespace nzeza::venues::coinbase {
namespace json = boost::json;
namespace {

Error protocol(std::string what) {
  return Error(ErrorCode::protocol, "coinbase user channel: " + std::move(what));
}

std::string_view str_or(const json::object& o, std::string_view k, std::string_view fallback) {
  const json::value* v = o.if_contains(k);
  return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : fallback;
}

Result<Decimal> dec_or_zero(const json::object& o, std::string_view k) {
  const std::string_view s = str_or(o, k, "");
  if (s.empty()) return Decimal::zero();
  auto d = Decimal::parse(s);
  if (!d) return protocol("'" + std::string(k) + "' is not a decimal: '" + std::string(s) + "'");
  return *d;
}

Result<VenueOrder> order_of(const json::object& o, const InstrumentRegistry& registry) {
  using domain::OrderType;
  using domain::TimeInForce;
  VenueOrder out;
  const std::string_view id = str_or(o, "order_id", "");
  if (id.empty()) return protocol("order without order_id");
  out.report.venue_order_id = std::string(id);
  out.client_order_id = std::string(str_or(o, "client_order_id", ""));
  const std::string_view product = str_or(o, "product_id", "");
  if (product.empty()) return protocol("order " + std::string(id) + " without product_id");
  // A product the registry does not hold keeps an invalid instrument: never dropped.
  out.venue_symbol = std::string(product);
  if (const Instrument* ins = registry.find(Venue::coinbase, product)) out.instrument = ins->id;
  const std::string_view side = str_or(o, "order_side", "");
  if (side != "BUY" && side != "SELL") return protocol("order side '" + std::string(side) + "'");
  out.side = side == "BUY" ? Side::buy : Side::sell;
  const std::string_view type = str_or(o, "order_type", "");
  out.type = (type == "Market" || type == "MARKET")          ? OrderType::market
             : (type == "StopLimit" || type == "STOP_LIMIT") ? OrderType::stop_limit
                                                             : OrderType::limit;
  const std::string_view tif = str_or(o, "time_in_force", "");
  out.time_in_force = tif == "IMMEDIATE_OR_CANCEL" ? TimeInForce::ioc
                      : tif == "FILL_OR_KILL"      ? TimeInForce::fok
                                                   : TimeInForce::gtc;
  auto cum = dec_or_zero(o, "cumulative_quantity");
  if (!cum) return cum.error();
  auto leaves = dec_or_zero(o, "leaves_quantity");
  if (!leaves) return leaves.error();
  auto avg = dec_or_zero(o, "avg_price");
  if (!avg) return avg.error();
  auto total = cum->checked_add(*leaves);
  if (!total) return protocol("cumulative + leaves overflows");
  out.quantity = *total;
  out.report.cumulative_filled = *cum;
  if (cum->is_positive() && avg->is_positive()) out.report.average_price = *avg;
  auto status = order_status_from(str_or(o, "status", ""), *cum);
  if (!status) return status.error();
  out.report.status = *status;
  std::string_view reason = str_or(o, "reject_reason", "");
  if (reason.empty()) reason = str_or(o, "cancel_reason", "");
  out.report.reason = std::string(reason);
  if (auto t = Timestamp::parse_iso8601(str_or(o, "creation_time", ""))) out.report.at = *t;
  return out;
}

}  // namespace

Result<std::vector<VenueOrder>> parse_user_message(std::string_view text,
                                                   const InstrumentRegistry& registry) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return protocol("malformed JSON");
  const auto& msg = v.as_object();
  std::vector<VenueOrder> out;
  if (str_or(msg, "channel", "") != "user") return out;
  const json::value* events = msg.if_contains("events");
  if (events == nullptr || !events->is_array()) return protocol("user message without events");
  for (const auto& e : events->as_array()) {
    if (!e.is_object()) return protocol("an event is not an object");
    const json::value* orders = e.as_object().if_contains("orders");
    if (orders == nullptr) continue;
    if (!orders->is_array()) return protocol("'orders' is not an array");
    for (const auto& o : orders->as_array()) {
      if (!o.is_object()) return protocol("an order is not an object");
      auto order = order_of(o.as_object(), registry);
      if (!order) return order.error();
      out.push_back(std::move(order).value());
    }
  }
  return out;
}

}  // namespace nzeza::venues::coinbase

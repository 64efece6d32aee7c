#include "venues/binance/user_stream_codec.hpp"

#include <boost/json.hpp>
#include <cstdint>

#include "venues/binance/rest_codec.hpp"

namespace nzeza::venues::binance {

namespace json = boost::json;

namespace {

struct Bad {
  std::string what;
};

std::string_view sv(const json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (v == nullptr || !v->is_string())
    throw Bad{"field '" + std::string(k) + "' missing or not a string"};
  return v->get_string();
}
std::int64_t iv(const json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (v != nullptr && v->is_int64()) return v->get_int64();
  if (v != nullptr && v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  throw Bad{"field '" + std::string(k) + "' missing or not an integer"};
}
// Every decimal of the stream is a size, a price or a fee: never negative on Binance.
Decimal dv(const json::object& o, std::string_view k) {
  auto d = Decimal::parse(sv(o, k));
  if (!d) throw Bad{"field '" + std::string(k) + "': " + d.error().message};
  if (d->is_negative()) throw Bad{"field '" + std::string(k) + "' is negative"};
  return *d;
}

void parse_execution(const json::object& e, const SymbolLookup& lookup, UserStreamEvent& out) {
  VenueOrder v;
  v.venue_symbol = std::string(sv(e, "s"));
  // A symbol nzeza has not loaded keeps an invalid instrument: reported, never dropped.
  if (auto id = lookup ? lookup(v.venue_symbol) : std::nullopt) v.instrument = *id;
  const std::string_view exec = sv(e, "x");
  // On a cancel, "c" is the cancel request's id and "C" the order's own.
  const std::string_view orig =
      e.contains("C") && e.at("C").is_string() ? e.at("C").get_string() : std::string_view{};
  v.client_order_id = std::string(exec == "CANCELED" && !orig.empty() ? orig : sv(e, "c"));
  const std::string_view side = sv(e, "S");
  if (side != "BUY" && side != "SELL") throw Bad{"unknown side"};
  v.side = side == "BUY" ? Side::buy : Side::sell;
  const std::string_view type = sv(e, "o");
  const std::string_view tif = sv(e, "f");
  if (type == "MARKET") {
    v.type = domain::OrderType::market;
  } else if (type == "LIMIT" || type == "LIMIT_MAKER") {
    v.type = domain::OrderType::limit;
  } else if (type == "STOP_LOSS") {
    v.type = domain::OrderType::stop;
  } else if (type == "TAKE_PROFIT") {
    v.type = domain::OrderType::take_profit;
  } else if (type == "STOP_LOSS_LIMIT") {
    v.type = domain::OrderType::stop_limit;
  } else {
    // TAKE_PROFIT_LIMIT (never placed by nzeza) or a type Binance adds: never listed as another.
    throw Bad{"order type '" + std::string(type.substr(0, 24)) + "' is not one nzeza maps"};
  }
  v.time_in_force = type == "LIMIT_MAKER" ? domain::TimeInForce::post_only
                    : tif == "IOC"        ? domain::TimeInForce::ioc
                    : tif == "FOK"        ? domain::TimeInForce::fok
                                          : domain::TimeInForce::gtc;
  v.quantity = dv(e, "q");
  if (Decimal p = dv(e, "p"); !p.is_zero()) v.price = p;
  auto status = parse_order_status(sv(e, "X"));
  if (!status) throw Bad{"unknown order status '" + std::string(sv(e, "X")) + "'"};
  v.report.status = *status;
  v.report.cumulative_filled = dv(e, "z");
  if (v.type != domain::OrderType::market && v.type != domain::OrderType::limit) {
    // A trigger order: "P" its stop price; "w" (in the book) is false until the price fires it.
    if (e.contains("P")) {
      if (Decimal stop = dv(e, "P"); !stop.is_zero()) v.stop_price = stop;
    }
    if (const auto* w = e.if_contains("w"); w && w->is_bool()) v.triggered = w->get_bool();
    if (v.report.cumulative_filled.is_positive()) v.triggered = true;
  }
  if (v.report.cumulative_filled.is_positive()) {
    auto avg = dv(e, "Z").checked_div(v.report.cumulative_filled);
    if (avg) v.report.average_price = *avg;
  }
  v.report.venue_order_id = std::to_string(iv(e, "i"));
  if (const auto* r = e.if_contains("r"); r && r->is_string() && r->get_string() != "NONE")
    v.report.reason = std::string(r->get_string());
  const std::int64_t t = iv(e, "T");
  if (t < 0 || t > 9'000'000'000'000) throw Bad{"field 'T' is not a time in ms"};
  v.report.at = Timestamp::from_ms(t);
  if (exec == "TRADE") {
    domain::Fill f = fill_of(Venue::binance, v);
    f.trade_id = std::to_string(iv(e, "t"));
    f.venue_order_id = v.report.venue_order_id;
    f.price = dv(e, "L");
    f.quantity = dv(e, "l");
    f.fee = dv(e, "n");
    if (const auto* n = e.if_contains("N"); n && n->is_string())
      f.fee_currency = std::string(n->get_string());
    const auto* m = e.if_contains("m");
    f.liquidity =
        m && m->is_bool() && m->get_bool() ? domain::Liquidity::maker : domain::Liquidity::taker;
    f.time = v.report.at;
    out.fill = std::move(f);
  }
  out.order = std::move(v);
}

}  // namespace

UserStreamEvent parse_user_stream_frame(std::string_view frame, const SymbolLookup& lookup) {
  UserStreamEvent out;
  boost::system::error_code ec;
  auto v = json::parse(frame, ec);
  if (ec || !v.is_object()) {
    out.error = "binance user stream: malformed frame";
    return out;
  }
  const auto& o = v.get_object();
  try {
    if (const auto* ev = o.if_contains("event")) {
      if (!ev->is_object()) throw Bad{"'event' is not an object"};
      const auto& e = ev->get_object();
      const std::string_view type = sv(e, "e");
      if (type == "executionReport") {
        parse_execution(e, lookup, out);
      } else if (type == "outboundAccountPosition") {
        const auto* b = e.if_contains("B");
        if (b == nullptr || !b->is_array()) throw Bad{"'B' missing"};
        for (const auto& x : b->get_array()) {
          if (!x.is_object()) throw Bad{"balance entry is not an object"};
          const auto& bo = x.get_object();
          auto bal = domain::Balance::create(std::string(sv(bo, "a")), dv(bo, "f"), dv(bo, "l"));
          if (!bal) throw Bad{bal.error().message};
          out.balances.push_back(std::move(*bal));
        }
      } else if (type == "eventStreamTerminated") {
        out.terminated = true;
      } else {
        out.ignored = true;
      }
      return out;
    }
    if (const auto* status = o.if_contains("status")) {
      if (status->is_int64() && status->get_int64() == 200) {
        out.subscribed = true;
      } else {
        out.subscribe_refused = true;
        out.error = "binance user stream: subscribe refused: " +
                    json::serialize(o.contains("error") ? o.at("error") : *status);
      }
    } else {
      out.ignored = true;
    }
  } catch (const Bad& b) {
    out.order.reset();
    out.fill.reset();
    out.balances.clear();
    out.error = "binance user stream: unreadable event: " + b.what;
  }
  return out;
}

}  // namespace nzeza::venues::binance

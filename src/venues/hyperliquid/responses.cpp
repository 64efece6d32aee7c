#include "venues/hyperliquid/responses.hpp"

#include <boost/json.hpp>

namespace nzeza::venues::hyperliquid {

namespace json = boost::json;

Error hl_error(ErrorCode code, std::string_view op, std::string_view message,
               std::string venue_code, std::string venue_text) {
  std::string text;
  text.reserve(op.size() + message.size() + 16);
  text.append(to_string(Venue::hyperliquid)).append(" ").append(op).append(": ").append(message);
  return Error{code, std::move(text), std::move(venue_code), std::move(venue_text)};
}

Error protocol(std::string_view op, std::string_view what) {
  return hl_error(ErrorCode::protocol, op, what);
}

const json::value* field(const json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  if (o == nullptr) return nullptr;
  return o->if_contains(key);
}

std::optional<std::string_view> str_field(const json::value& v, std::string_view key) {
  const auto* f = field(v, key);
  if (f == nullptr || !f->is_string()) return std::nullopt;
  return std::string_view(f->get_string());
}

Result<Decimal> decimal_field(const json::value& v, std::string_view key, std::string_view op) {
  const auto s = str_field(v, key);
  if (!s) return protocol(op, "missing decimal string field \"" + std::string(key) + "\"");
  auto d = Decimal::parse(*s);
  if (!d) {
    return protocol(op, "field \"" + std::string(key) + "\": " + d.error().message);
  }
  return *d;
}

// Decimal digits only; nullopt on anything else or overflow.
std::optional<std::uint64_t> parse_u64(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

// Integers the venue sends as numbers or as strings (the filled oid is a string).
std::optional<std::uint64_t> uint_of(const json::value* f) {
  if (f == nullptr) return std::nullopt;
  if (f->is_uint64()) return f->get_uint64();
  if (f->is_int64() && f->get_int64() >= 0) return static_cast<std::uint64_t>(f->get_int64());
  if (f->is_string()) return parse_u64(std::string_view(f->get_string()));
  return std::nullopt;
}

std::optional<bool> bool_field(const json::value& v, std::string_view key) {
  const auto* f = field(v, key);
  if (f == nullptr || !f->is_bool()) return std::nullopt;
  return f->get_bool();
}

std::optional<Timestamp> ms_time(std::uint64_t ms) {
  constexpr std::uint64_t kMaxMs = static_cast<std::uint64_t>(INT64_MAX / 1'000'000);
  if (ms > kMaxMs) return std::nullopt;
  return Timestamp::from_ms(static_cast<std::int64_t>(ms));
}

std::optional<Timestamp> ms_time_field(const json::value& v, std::string_view key) {
  const auto ms = uint_of(field(v, key));
  return ms ? ms_time(*ms) : std::nullopt;
}

// openOrders / frontendOpenOrders item.
std::optional<VenueOrder> parse_order(const json::value& v, const InstrumentRegistry& registry,
                                      std::string_view op, Error& error) {
  const auto coin = str_field(v, "coin");
  const auto side = str_field(v, "side");
  const auto oid = uint_of(field(v, "oid"));
  auto sz = decimal_field(v, "sz", op);
  auto px = decimal_field(v, "limitPx", op);
  if (!coin || coin->empty() || (side != "B" && side != "A") || !oid || !sz || !px) {
    error = !sz ? sz.error() : !px ? px.error() : protocol(op, "open order without coin/side/oid");
    return std::nullopt;
  }
  if (sz->is_negative() || px->is_negative()) {
    error = protocol(op, "open order with a negative size or price");
    return std::nullopt;
  }
  VenueOrder o;
  // A coin the registry does not hold (a spot "@N" pair, a perp not loaded) keeps an invalid
  // instrument: the order is listed all the same, under the venue's own name.
  if (const auto* inst = registry.find(Venue::hyperliquid, *coin)) o.instrument = inst->id;
  o.venue_symbol = std::string(*coin);
  o.side = *side == "B" ? Side::buy : Side::sell;
  o.type = domain::OrderType::limit;
  o.price = *px;
  o.quantity = *sz;
  Decimal filled;
  if (str_field(v, "origSz")) {
    auto orig = decimal_field(v, "origSz", op);
    if (orig && *orig >= *sz) {
      o.quantity = *orig;
      filled = *orig - *sz;
    }
  }
  if (auto c = str_field(v, "cloid")) o.client_order_id = std::string(*c);
  o.reduce_only = bool_field(v, "reduceOnly").value_or(false);
  if (auto tif = str_field(v, "tif")) {
    if (*tif == "Ioc") o.time_in_force = domain::TimeInForce::ioc;
    if (*tif == "Alo") o.time_in_force = domain::TimeInForce::post_only;
  }
  o.report.status = filled.is_positive() ? domain::VenueOrderStatus::partially_filled
                                         : domain::VenueOrderStatus::open;
  o.report.cumulative_filled = filled;
  o.report.venue_order_id = std::to_string(*oid);
  if (auto ts = ms_time_field(v, "timestamp")) o.report.at = *ts;
  return o;
}

std::optional<domain::Fill> parse_fill(const json::value& v, const InstrumentRegistry& registry,
                                       std::string_view op, Error& error) {
  const auto coin = str_field(v, "coin");
  const auto side = str_field(v, "side");
  const auto tid = uint_of(field(v, "tid"));
  const auto time = ms_time_field(v, "time");
  auto px = decimal_field(v, "px", op);
  auto sz = decimal_field(v, "sz", op);
  if (!coin || coin->empty() || (side != "B" && side != "A") || !tid || !time || !px || !sz) {
    error = !px ? px.error() : !sz ? sz.error() : protocol(op, "fill without coin/side/tid/time");
    return std::nullopt;
  }
  if (!px->is_positive() || !sz->is_positive()) {
    error = protocol(op, "fill with a price or size not above zero");
    return std::nullopt;
  }
  domain::Fill f;
  f.venue = Venue::hyperliquid;
  if (const auto* inst = registry.find(Venue::hyperliquid, *coin)) f.instrument = inst->id;
  f.venue_symbol = std::string(*coin);
  f.trade_id = std::to_string(*tid);
  if (auto c = str_field(v, "cloid")) f.client_order_id = std::string(*c);
  if (const auto oid = uint_of(field(v, "oid"))) f.venue_order_id = std::to_string(*oid);
  f.side = *side == "B" ? Side::buy : Side::sell;
  f.price = *px;
  f.quantity = *sz;
  if (str_field(v, "fee")) {
    auto fee = decimal_field(v, "fee", op);
    if (!fee) {
      error = fee.error();
      return std::nullopt;
    }
    f.fee = *fee;
  }
  f.fee_currency = std::string(str_field(v, "feeToken").value_or(std::string_view("USDC")));
  f.liquidity =
      bool_field(v, "crossed").value_or(true) ? domain::Liquidity::taker : domain::Liquidity::maker;
  f.time = *time;
  return f;
}

bool apply_order_status(VenueOrder& order, std::string_view s) {
  using domain::VenueOrderStatus;
  if (s == "filled") {
    order.report.status = VenueOrderStatus::filled;
    order.report.cumulative_filled = order.quantity;
  } else if (s == "open" || s == "triggered") {
    // as read from sz/origSz
  } else if (s == "rejected" || s.ends_with("Rejected")) {
    order.report.status = VenueOrderStatus::rejected;
    order.report.reason = std::string(s);
  } else if (s == "canceled" || s.ends_with("Canceled") || s == "scheduledCancel") {
    order.report.status = VenueOrderStatus::cancelled;
    order.report.reason = std::string(s);
  } else {
    return false;
  }
  return true;
}

UserMessage read_user_message(std::string_view text, const InstrumentRegistry& registry) {
  UserMessage out;
  std::error_code ec;
  const auto msg = json::parse(text, ec);
  if (ec) {
    out.ok = text.starts_with("Websocket connection established");
    return out;
  }
  const auto channel = str_field(msg, "channel");
  const auto* data = field(msg, "data");
  if (!channel) {
    out.ok = false;
    return out;
  }
  if (*channel == "orderUpdates") {
    if (data == nullptr || !data->is_array()) {
      out.ok = false;
      return out;
    }
    for (const auto& u : data->get_array()) {
      const auto* order = field(u, "order");
      const auto status = str_field(u, "status");
      if (order == nullptr || !status) {
        ++out.malformed;
        continue;
      }
      Error e;
      auto vo = parse_order(*order, registry, "orderUpdates", e);
      // Malformed: counted; a coin not loaded is delivered (invalid instrument, venue_symbol).
      if (!vo || !apply_order_status(*vo, *status)) {
        ++out.malformed;
        continue;
      }
      if (auto ts = ms_time_field(u, "statusTimestamp")) vo->report.at = *ts;
      out.orders.push_back(std::move(*vo));
    }
    return out;
  }
  if (*channel == "userFills") {
    const auto* fills = data != nullptr ? field(*data, "fills") : nullptr;
    if (fills == nullptr || !fills->is_array()) {
      out.ok = false;
      return out;
    }
    for (const auto& f : fills->get_array()) {
      Error e;
      auto fill = parse_fill(f, registry, "userFills", e);
      if (!fill) {
        ++out.malformed;
        continue;
      }
      out.fills.push_back(std::move(*fill));
    }
    return out;
  }
  // pong, subscriptionResponse, anything else: nothing to deliver.
  return out;
}

}  // namespace nzeza::venues::hyperliquid

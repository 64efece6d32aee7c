#include "venues/dydx/indexer_json.hpp"

#include <boost/json.hpp>

namespace nzeza::venues::dydx {
namespace json = boost::json;
namespace {

std::string text_of(const json::value& o, std::string_view key) {
  if (!o.is_object()) return {};
  const auto* v = o.as_object().if_contains(key);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

bool bool_of(const json::value& o, std::string_view key) {
  const auto* v = o.is_object() ? o.as_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_bool() && v->get_bool();
}

Result<Decimal> decimal(const json::value& o, std::string_view key) {
  const std::string t = text_of(o, key);
  if (t.empty()) return fail(ErrorCode::parse_error, "missing " + std::string(key));
  auto d = Decimal::parse(t);
  if (!d) return d.error().with_context(key);
  return d;
}

}  // namespace

std::string venue_symbol_of(std::string_view ticker, std::string_view clob_pair_id) {
  if (!ticker.empty()) return std::string(ticker);
  if (!clob_pair_id.empty()) return "clobPairId:" + std::string(clob_pair_id);
  return {};
}

const Instrument* find_market(const InstrumentRegistry& registry, std::string_view ticker,
                              std::string_view clob_pair_id) {
  if (!ticker.empty())
    if (const Instrument* i = registry.find(Venue::dydx, ticker)) return i;
  if (clob_pair_id.empty()) return nullptr;
  for (const Instrument* i : registry.by_venue(Venue::dydx))
    if (i->dydx_clob_pair_id && std::to_string(*i->dydx_clob_pair_id) == clob_pair_id) return i;
  return nullptr;
}

Result<VenueOrder> parse_indexer_order(const json::value& o, const InstrumentRegistry& registry,
                                       Timestamp fallback_time) {
  const std::string ticker = text_of(o, "ticker");
  const std::string pair = text_of(o, "clobPairId");
  const Instrument* ins = find_market(registry, ticker, pair);
  VenueOrder v;
  v.client_order_id = text_of(o, "clientId");
  if (ins != nullptr) {
    v.instrument = ins->id;
    v.venue_symbol = ins->venue_symbol;
  } else {
    v.venue_symbol = venue_symbol_of(ticker, pair);
  }
  if (v.venue_symbol.empty())
    return fail(ErrorCode::parse_error, "dydx order " + text_of(o, "id") + ": no market");
  v.side = text_of(o, "side") == "SELL" ? Side::sell : Side::buy;
  v.type = text_of(o, "type") == "MARKET" ? domain::OrderType::market : domain::OrderType::limit;
  const std::string tif = text_of(o, "timeInForce");
  if (bool_of(o, "postOnly")) {
    v.time_in_force = domain::TimeInForce::post_only;
  } else if (tif == "IOC") {
    v.time_in_force = domain::TimeInForce::ioc;
  } else if (tif == "FOK") {
    v.time_in_force = domain::TimeInForce::fok;
  }
  auto size = decimal(o, "size");
  if (!size) return size.error().with_context("dydx order");
  v.quantity = *size;
  if (auto px = decimal(o, "price")) v.price = *px;
  v.reduce_only = bool_of(o, "reduceOnly");
  auto filled = decimal(o, "totalFilled");
  v.report.cumulative_filled = filled ? *filled : Decimal::zero();
  const std::string status = text_of(o, "status");
  if (status == "FILLED") {
    v.report.status = domain::VenueOrderStatus::filled;
  } else if (status == "CANCELED" || status == "BEST_EFFORT_CANCELED") {
    v.report.status = domain::VenueOrderStatus::cancelled;
  } else if (v.report.cumulative_filled.signum() > 0) {
    v.report.status = domain::VenueOrderStatus::partially_filled;
  } else {
    v.report.status = domain::VenueOrderStatus::open;  // OPEN, UNTRIGGERED, BEST_EFFORT_OPENED
  }
  v.report.venue_order_id = text_of(o, "id");
  v.report.reason = status;
  v.report.at = fallback_time;
  if (auto t = Timestamp::parse_iso8601(text_of(o, "updatedAt"))) v.report.at = *t;
  return v;
}

Result<domain::Fill> parse_indexer_fill(const json::value& f, const InstrumentRegistry& registry) {
  const std::string market = text_of(f, "market");
  const Instrument* ins = find_market(registry, market, {});
  domain::Fill fill;
  fill.venue = Venue::dydx;
  if (ins != nullptr) {
    fill.instrument = ins->id;
    fill.venue_symbol = ins->venue_symbol;
  } else {
    fill.venue_symbol = market;
  }
  fill.trade_id = text_of(f, "id");
  fill.venue_order_id = text_of(f, "orderId");
  fill.side = text_of(f, "side") == "SELL" ? Side::sell : Side::buy;
  auto px = decimal(f, "price");
  auto sz = decimal(f, "size");
  auto t = Timestamp::parse_iso8601(text_of(f, "createdAt"));
  if (!px || !sz || !t || fill.trade_id.empty() || fill.venue_symbol.empty())
    return fail(ErrorCode::parse_error, "dydx fill " + fill.trade_id + ": malformed");
  fill.price = *px;
  fill.quantity = *sz;
  auto fee = decimal(f, "fee");
  fill.fee = fee ? *fee : Decimal::zero();
  fill.fee_currency = "USDC";
  fill.liquidity =
      text_of(f, "liquidity") == "MAKER" ? domain::Liquidity::maker : domain::Liquidity::taker;
  fill.time = *t;
  return fill;
}

SubaccountsMessage parse_subaccounts_message(std::string_view text,
                                             const InstrumentRegistry& registry, Timestamp now) {
  SubaccountsMessage out;
  std::error_code ec;
  auto msg = json::parse(text, ec);
  if (ec || !msg.is_object()) {
    ++out.dropped;
    return out;
  }
  const auto& o = msg.as_object();
  const auto* type = o.if_contains("type");
  const auto* channel = o.if_contains("channel");
  if (type == nullptr || !type->is_string() || channel == nullptr || !channel->is_string() ||
      channel->get_string() != "v4_subaccounts")
    return out;  // connected, errors of other channels...
  const std::string_view t = type->get_string();
  const auto* contents = o.if_contains("contents");
  if (contents == nullptr) return out;
  std::vector<const json::value*> parts;
  if (t == "channel_batch_data" && contents->is_array()) {
    for (const auto& c : contents->as_array()) parts.push_back(&c);
  } else if (t == "channel_data" || t == "subscribed") {
    parts.push_back(contents);
  } else {
    return out;
  }
  for (const json::value* part : parts) {
    if (!part->is_object()) {
      ++out.dropped;
      continue;
    }
    // The snapshot nests the orders under "subaccount" in some Indexer versions.
    const json::value* holder = part;
    if (const auto* sub = part->as_object().if_contains("subaccount"); sub && sub->is_object())
      holder = sub;
    const auto* orders = holder->as_object().if_contains("orders");
    if (orders != nullptr && orders->is_array()) {
      for (const auto& ord : orders->as_array()) {
        auto v = parse_indexer_order(ord, registry, now);
        if (!v) {
          ++out.dropped;
          continue;
        }
        out.events.emplace_back(std::move(*v));
      }
    }
    if (t == "subscribed") continue;
    const auto* fills = part->as_object().if_contains("fills");
    if (fills == nullptr || !fills->is_array()) continue;
    for (const auto& f : fills->as_array()) {
      auto fill = parse_indexer_fill(f, registry);
      if (!fill) {
        ++out.dropped;
        continue;
      }
      // The fill names the Indexer's order id; the order object in the same message (when
      // present) gives our client id.
      if (orders != nullptr && orders->is_array()) {
        const auto* oid = f.as_object().if_contains("orderId");
        for (const auto& ord : orders->as_array()) {
          const auto* id = ord.is_object() ? ord.as_object().if_contains("id") : nullptr;
          const auto* cid = ord.is_object() ? ord.as_object().if_contains("clientId") : nullptr;
          if (oid && id && cid && cid->is_string() && *id == *oid)
            fill->client_order_id = std::string(cid->get_string());
        }
      }
      out.events.emplace_back(std::move(*fill));
    }
  }
  return out;
}

}  // namespace nzeza::venues::dydx

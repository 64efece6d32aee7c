#include "venues/coinbase/rest_codec.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "venues/candle_history.hpp"

namespace nzeza::venues::coinbase {
namespace json = boost::json;
namespace {

Error protocol(std::string what) {
  return Error(ErrorCode::protocol, "coinbase: " + std::move(what));
}

Result<json::value> parse_json(std::string_view body, std::string_view what) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return protocol(std::string(what) + ": malformed JSON (" + ec.message() + ")");
  return v;
}

// The answer's top-level object; protocol naming `what` when it is not JSON or not an object.
Result<json::object> parse_object(std::string_view body, std::string_view what) {
  auto v = parse_json(body, what);
  if (!v) return v.error();
  if (!v->is_object()) return protocol(std::string(what) + ": not a JSON object");
  return std::move(v->as_object());
}

// A string field; nullopt when absent or null, error when of another type.
Result<std::optional<std::string_view>> opt_str(const json::object& o, std::string_view key,
                                                std::string_view what) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string_view>{};
  if (!v->is_string())
    return protocol(std::string(what) + ": '" + std::string(key) + "' is not a string");
  return std::optional<std::string_view>(v->as_string());
}

Result<std::string_view> req_str(const json::object& o, std::string_view key,
                                 std::string_view what) {
  auto s = opt_str(o, key, what);
  if (!s) return s.error();
  if (!*s) return protocol(std::string(what) + ": missing '" + std::string(key) + "'");
  return **s;
}

std::string_view str_or(const json::object& o, std::string_view key, std::string_view fallback) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : fallback;
}

bool bool_or(const json::object& o, std::string_view key, bool fallback) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_bool() ? v->as_bool() : fallback;
}

// An exact decimal from a string field; an empty string counts as absent.
Result<std::optional<Decimal>> opt_dec(const json::object& o, std::string_view key,
                                       std::string_view what) {
  auto s = opt_str(o, key, what);
  if (!s) return s.error();
  if (!*s || (*s)->empty()) return std::optional<Decimal>{};
  auto d = Decimal::parse(**s);
  if (!d)
    return protocol(std::string(what) + ": '" + std::string(key) + "' is not a decimal: '" +
                    std::string(**s) + "'");
  return std::optional<Decimal>(*d);
}

Result<Decimal> req_dec(const json::object& o, std::string_view key, std::string_view what) {
  auto d = opt_dec(o, key, what);
  if (!d) return d.error();
  if (!*d) return protocol(std::string(what) + ": missing '" + std::string(key) + "'");
  return **d;
}

Result<Timestamp> opt_time(const json::object& o, std::string_view key, std::string_view what) {
  auto s = opt_str(o, key, what);
  if (!s) return s.error();
  if (!*s || (*s)->empty()) return Timestamp{};
  auto t = Timestamp::parse_iso8601(**s);
  if (!t) return protocol(std::string(what) + ": '" + std::string(key) + "' is not a time");
  return *t;
}

Result<const json::array*> req_array(const json::object& o, std::string_view key,
                                     std::string_view what) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_array())
    return protocol(std::string(what) + ": '" + std::string(key) + "' is not an array");
  return &v->as_array();
}

Result<Side> side_of(std::string_view s, std::string_view what) {
  if (s == "BUY") return Side::buy;
  if (s == "SELL") return Side::sell;
  return protocol(std::string(what) + ": unknown side '" + std::string(s) + "'");
}

ErrorCode code_for_failure(std::string_view error, std::string_view preview) {
  if (error == "INSUFFICIENT_FUND" || preview == "PREVIEW_INSUFFICIENT_FUND")
    return ErrorCode::insufficient_balance;
  if (preview == "PREVIEW_INVALID_SIZE_PRECISION" || preview == "PREVIEW_INVALID_PRICE_PRECISION" ||
      error == "INVALID_SIZE_PRECISION" || error == "INVALID_PRICE_PRECISION")
    return ErrorCode::precision;
  if (error == "INVALID_PRODUCT_ID" || preview == "PREVIEW_INVALID_PRODUCT_ID" ||
      error == "UNKNOWN_CANCEL_ORDER" || error == "NOT_FOUND")
    return ErrorCode::not_found;
  return ErrorCode::rejected;
}

// One page of a list answer {"<key>": [{...}, ...], "cursor", "has_next"}, each object read by
// `read` (a Result<T>); `item` names one object in a message ("an order").
template <typename T, typename Read>
Result<Page<T>> read_page(std::string_view body, std::string_view what, std::string_view key,
                          std::string_view item, Read read) {
  auto o = parse_object(body, what);
  if (!o) return o.error();
  auto items = req_array(*o, key, what);
  if (!items) return items.error();
  Page<T> page;
  for (const auto& v : **items) {
    if (!v.is_object())
      return protocol(std::string(what) + ": " + std::string(item) + " is not an object");
    auto row = read(v.as_object());
    if (!row) return row.error();
    page.items.push_back(std::move(row).value());
  }
  page.cursor = std::string(str_or(*o, "cursor", ""));
  page.has_next = bool_or(*o, "has_next", !page.cursor.empty());
  return page;
}

std::string fixed(Decimal d) {
  return d.to_string();
}

}  // namespace

// ---- requests --------------------------------------------------------------------------------

Result<std::string> order_request_body(const domain::OrderSpec& spec, std::string_view product_id) {
  using domain::OrderType;
  using domain::TimeInForce;
  auto refuse = [&](std::string why) {
    return Error(ErrorCode::invalid_argument,
                 "coinbase place " + spec.client_order_id.text + ": " + std::move(why));
  };
  if (spec.reduce_only) return refuse("reduce-only is not available on Coinbase spot");
  if (!spec.quantity.is_positive()) return refuse("quantity must be positive");
  json::object cfg;
  std::string key;
  const std::string size = fixed(spec.quantity);
  switch (spec.type) {
    case OrderType::market:
      if (spec.time_in_force == TimeInForce::post_only)
        return refuse("a market order cannot be post-only");
      key = "market_market_ioc";
      cfg["base_size"] = size;
      break;
    case OrderType::limit:
      if (!spec.price || !spec.price->is_positive()) return refuse("a limit order needs a price");
      cfg["base_size"] = size;
      cfg["limit_price"] = fixed(*spec.price);
      switch (spec.time_in_force) {
        case TimeInForce::gtc:
        case TimeInForce::post_only:
          key = "limit_limit_gtc";
          cfg["post_only"] = spec.time_in_force == TimeInForce::post_only;
          break;
        case TimeInForce::ioc:
          key = "sor_limit_ioc";
          break;
        case TimeInForce::fok:
          key = "limit_limit_fok";
          break;
      }
      break;
    case OrderType::stop_limit:
      if (!spec.price || !spec.stop_price) return refuse("a stop-limit order needs both prices");
      if (spec.time_in_force != TimeInForce::gtc)
        return refuse("a stop-limit order is GTC on Coinbase (no IOC/FOK/post-only)");
      key = "stop_limit_stop_limit_gtc";
      cfg["base_size"] = size;
      cfg["limit_price"] = fixed(*spec.price);
      cfg["stop_price"] = fixed(*spec.stop_price);
      cfg["stop_direction"] =
          spec.side == Side::buy ? "STOP_DIRECTION_STOP_UP" : "STOP_DIRECTION_STOP_DOWN";
      break;
    case OrderType::stop:
    case OrderType::take_profit:
      return refuse("stop and take-profit orders need a limit price on Coinbase (use stop_limit)");
  }
  json::object body;
  body["client_order_id"] = spec.client_order_id.text;
  body["product_id"] = product_id;
  body["side"] = spec.side == Side::buy ? "BUY" : "SELL";
  json::object conf;
  conf[key] = std::move(cfg);
  body["order_configuration"] = std::move(conf);
  return json::serialize(body);
}

std::string cancel_request_body(const std::vector<std::string>& order_ids) {
  json::array ids;
  for (const auto& id : order_ids) ids.emplace_back(id);
  json::object body;
  body["order_ids"] = std::move(ids);
  return json::serialize(body);
}

std::string edit_request_body(std::string_view order_id, std::optional<Decimal> price,
                              std::optional<Decimal> size) {
  json::object body;
  body["order_id"] = order_id;
  if (price) body["price"] = fixed(*price);
  if (size) body["size"] = fixed(*size);
  return json::serialize(body);
}

// ---- responses -------------------------------------------------------------------------------

Result<CreateOrderAnswer> parse_create_order(std::string_view body) {
  constexpr std::string_view what = "create order answer";
  auto o = parse_object(body, what);
  if (!o) return o.error();
  const json::value* success = o->if_contains("success");
  if (success == nullptr || !success->is_bool())
    return protocol("create order answer: no 'success'");
  CreateOrderAnswer out;
  out.success = success->as_bool();
  if (out.success) {
    const json::value* sr = o->if_contains("success_response");
    if (sr == nullptr || !sr->is_object())
      return protocol("create order answer: success without 'success_response'");
    auto id = req_str(sr->as_object(), "order_id", what);
    if (!id) return id.error();
    if (id->empty()) return protocol("create order answer: empty order_id");
    out.order_id = std::string(*id);
    out.client_order_id = std::string(str_or(sr->as_object(), "client_order_id", ""));
    return out;
  }
  // The reason may sit at the top (failure_reason) or in error_response (error,
  // new_order_failure_reason, preview_failure_reason); the first specific one names it.
  std::string_view error = str_or(*o, "failure_reason", "");
  std::string_view message;
  std::string_view preview;
  std::string_view new_order;
  if (const json::value* er = o->if_contains("error_response"); er && er->is_object()) {
    const auto& e = er->as_object();
    if (auto s = str_or(e, "error", ""); !s.empty()) error = s;
    message = str_or(e, "message", "");
    if (message.empty()) message = str_or(e, "error_details", "");
    preview = str_or(e, "preview_failure_reason", "");
    new_order = str_or(e, "new_order_failure_reason", "");
  }
  auto specific = [](std::string_view r) { return !r.empty() && !r.starts_with("UNKNOWN_"); };
  if (!specific(error) && specific(new_order)) error = new_order;
  out.refusal.code = code_for_failure(error, preview);
  out.refusal.venue_code = std::string(specific(error)     ? error
                                       : specific(preview) ? preview
                                       : !error.empty()    ? error
                                                           : "UNKNOWN_FAILURE_REASON");
  out.refusal.venue_text = std::string(message);
  return out;
}

std::optional<VenueRefusal> parse_error_body(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  std::string_view error = str_or(o, "error", "");
  std::string_view message = str_or(o, "message", "");
  if (message.empty()) message = str_or(o, "error_details", "");
  if (error.empty() && message.empty()) return std::nullopt;
  VenueRefusal r;
  r.code = code_for_failure(error, "");
  r.venue_code = std::string(error);
  r.venue_text = std::string(message);
  return r;
}

Result<std::vector<CancelResult>> parse_cancel_results(std::string_view body) {
  constexpr std::string_view what = "batch cancel answer";
  auto o = parse_object(body, what);
  if (!o) return o.error();
  auto results = req_array(*o, "results", what);
  if (!results) return results.error();
  std::vector<CancelResult> out;
  for (const auto& item : **results) {
    if (!item.is_object()) return protocol("batch cancel answer: a result is not an object");
    const auto& r = item.as_object();
    const json::value* ok = r.if_contains("success");
    if (ok == nullptr || !ok->is_bool()) return protocol("batch cancel answer: no 'success'");
    auto id = req_str(r, "order_id", what);
    if (!id) return id.error();
    out.push_back({std::string(*id), ok->as_bool(), std::string(str_or(r, "failure_reason", ""))});
  }
  return out;
}

Result<std::optional<VenueRefusal>> parse_edit(std::string_view body) {
  constexpr std::string_view what = "edit order answer";
  auto o = parse_object(body, what);
  if (!o) return o.error();
  const json::value* success = o->if_contains("success");
  if (success == nullptr || !success->is_bool()) return protocol("edit order answer: no 'success'");
  if (success->as_bool()) return std::optional<VenueRefusal>{};
  VenueRefusal r;
  r.venue_code = "UNKNOWN_EDIT_ORDER_FAILURE_REASON";
  if (const json::value* errs = o->if_contains("errors");
      errs && errs->is_array() && !errs->as_array().empty() && errs->as_array()[0].is_object()) {
    const auto& e = errs->as_array()[0].as_object();
    std::string_view reason = str_or(e, "edit_failure_reason", "");
    if (reason.empty() || reason == "UNKNOWN_EDIT_ORDER_FAILURE_REASON")
      reason = str_or(e, "preview_failure_reason", reason);
    if (!reason.empty()) r.venue_code = std::string(reason);
  }
  r.code = r.venue_code == "ORDER_NOT_FOUND" ? ErrorCode::not_found : ErrorCode::rejected;
  return std::optional<VenueRefusal>(std::move(r));
}

Result<domain::VenueOrderStatus> order_status_from(std::string_view status, Decimal filled) {
  using domain::VenueOrderStatus;
  if (status == "OPEN" || status == "PENDING" || status == "QUEUED" || status == "CANCEL_QUEUED" ||
      status == "EDIT_QUEUED")
    return filled.is_positive() ? VenueOrderStatus::partially_filled : VenueOrderStatus::open;
  if (status == "FILLED") return VenueOrderStatus::filled;
  if (status == "CANCELLED") return VenueOrderStatus::cancelled;
  if (status == "EXPIRED") return VenueOrderStatus::expired;
  if (status == "FAILED") return VenueOrderStatus::rejected;
  return protocol("unknown order status '" + std::string(status) + "'");
}

namespace {

Result<VenueOrder> order_from(const json::object& o, const InstrumentRegistry& registry) {
  constexpr std::string_view what = "order";
  using domain::OrderType;
  using domain::TimeInForce;
  VenueOrder out;
  auto id = req_str(o, "order_id", what);
  if (!id) return id.error();
  out.report.venue_order_id = std::string(*id);
  out.client_order_id = std::string(str_or(o, "client_order_id", ""));
  auto product = req_str(o, "product_id", what);
  if (!product) return product.error();
  // A product the registry does not hold keeps an invalid instrument: never dropped.
  out.venue_symbol = std::string(*product);
  if (const Instrument* ins = registry.find(Venue::coinbase, *product)) out.instrument = ins->id;
  auto side = side_of(str_or(o, "side", ""), what);
  if (!side) return side.error();
  out.side = *side;

  const std::string_view type = str_or(o, "order_type", "");
  out.type = type == "MARKET"       ? OrderType::market
             : type == "STOP_LIMIT" ? OrderType::stop_limit
                                    : OrderType::limit;
  const std::string_view tif = str_or(o, "time_in_force", "");
  out.time_in_force = tif == "IMMEDIATE_OR_CANCEL" ? TimeInForce::ioc
                      : tif == "FILL_OR_KILL"      ? TimeInForce::fok
                                                   : TimeInForce::gtc;
  // Size and limit price live in the order_configuration variant.
  if (const json::value* conf = o.if_contains("order_configuration"); conf && conf->is_object()) {
    for (const auto& kv : conf->as_object()) {
      if (!kv.value().is_object()) continue;
      const auto& c = kv.value().as_object();
      auto base = opt_dec(c, "base_size", what);
      if (!base) return base.error();
      if (*base) out.quantity = **base;
      auto limit = opt_dec(c, "limit_price", what);
      if (!limit) return limit.error();
      out.price = *limit;
      if (bool_or(c, "post_only", false)) out.time_in_force = TimeInForce::post_only;
      const std::string_view k = kv.key();
      if (k.starts_with("market_"))
        out.type = OrderType::market;
      else if (k.starts_with("stop_limit_"))
        out.type = OrderType::stop_limit;
      if (k == "limit_limit_fok") out.time_in_force = TimeInForce::fok;
      if (k == "sor_limit_ioc") out.time_in_force = TimeInForce::ioc;
    }
  }
  auto filled = opt_dec(o, "filled_size", what);
  if (!filled) return filled.error();
  out.report.cumulative_filled = filled->value_or(Decimal::zero());
  auto avg = opt_dec(o, "average_filled_price", what);
  if (!avg) return avg.error();
  if (out.report.cumulative_filled.is_positive() && *avg && (*avg)->is_positive())
    out.report.average_price = *avg;
  auto status = order_status_from(str_or(o, "status", ""), out.report.cumulative_filled);
  if (!status) return status.error();
  out.report.status = *status;
  std::string_view reject = str_or(o, "reject_message", "");
  if (reject.empty()) {
    const std::string_view rr = str_or(o, "reject_reason", "");
    if (rr != "REJECT_REASON_UNSPECIFIED") reject = rr;
  }
  if (reject.empty()) reject = str_or(o, "cancel_message", "");
  out.report.reason = std::string(reject);
  auto last_fill = opt_time(o, "last_fill_time", what);
  if (!last_fill) return last_fill.error();
  auto created = opt_time(o, "created_time", what);
  if (!created) return created.error();
  out.report.at = last_fill->is_zero() ? *created : *last_fill;
  return out;
}

}  // namespace

Result<VenueOrder> parse_order_object(std::string_view text, const InstrumentRegistry& registry) {
  auto o = parse_object(text, "order");
  if (!o) return o.error();
  return order_from(*o, registry);
}

Result<VenueOrder> parse_order(std::string_view body, const InstrumentRegistry& registry) {
  auto o = parse_object(body, "order answer");
  if (!o) return o.error();
  const json::value* order = o->if_contains("order");
  if (order == nullptr || !order->is_object()) return protocol("order answer: no 'order' object");
  return order_from(order->as_object(), registry);
}

Result<Page<VenueOrder>> parse_orders_page(std::string_view body,
                                           const InstrumentRegistry& registry) {
  return read_page<VenueOrder>(
      body, "list orders answer", "orders", "an order",
      [&](const json::object& order) { return order_from(order, registry); });
}

Result<Page<FillRow>> parse_fills_page(std::string_view body, const InstrumentRegistry& registry) {
  constexpr std::string_view what = "fills answer";
  return read_page<FillRow>(
      body, what, "fills", "a fill", [&](const json::object& f) -> Result<FillRow> {
        FillRow row;
        row.fill.venue = Venue::coinbase;
        auto trade = req_str(f, "trade_id", what);
        if (!trade) return trade.error();
        row.fill.trade_id = std::string(*trade);
        row.order_id = std::string(str_or(f, "order_id", ""));
        auto product = req_str(f, "product_id", what);
        if (!product) return product.error();
        row.fill.venue_symbol = std::string(*product);
        const Instrument* ins = registry.find(Venue::coinbase, *product);
        if (ins != nullptr) {
          row.fill.instrument = ins->id;
          row.fill.fee_currency = ins->quote;
        } else {
          const auto dash = product->rfind('-');
          row.fill.fee_currency = std::string(
              dash == std::string_view::npos ? std::string_view() : product->substr(dash + 1));
        }
        auto side = side_of(str_or(f, "side", ""), what);
        if (!side) return side.error();
        row.fill.side = *side;
        auto price = req_dec(f, "price", what);
        if (!price) return price.error();
        auto size = req_dec(f, "size", what);
        if (!size) return size.error();
        row.fill.price = *price;
        row.fill.quantity = *size;
        if (bool_or(f, "size_in_quote", false)) {
          if (!price->is_positive())
            return protocol("fills answer: quote-sized fill without a price");
          auto base = size->checked_div(*price);
          if (!base) return protocol("fills answer: quote size / price not representable");
          row.fill.quantity = *base;
        }
        auto fee = opt_dec(f, "commission", what);
        if (!fee) return fee.error();
        row.fill.fee = fee->value_or(Decimal::zero());
        row.fill.liquidity = str_or(f, "liquidity_indicator", "") == "MAKER"
                                 ? domain::Liquidity::maker
                                 : domain::Liquidity::taker;
        auto at = opt_time(f, "trade_time", what);
        if (!at) return at.error();
        row.fill.time = *at;
        return row;
      });
}

Result<Page<AccountRow>> parse_accounts_page(std::string_view body) {
  constexpr std::string_view what = "accounts answer";
  return read_page<AccountRow>(
      body, what, "accounts", "an account", [&](const json::object& a) -> Result<AccountRow> {
        AccountRow row;
        auto currency = req_str(a, "currency", what);
        if (!currency) return currency.error();
        row.currency = std::string(*currency);
        for (auto [key, target] :
             {std::pair{"available_balance", &row.available}, std::pair{"hold", &row.hold}}) {
          const json::value* amount = a.if_contains(key);
          if (amount == nullptr || amount->is_null()) {
            *target = Decimal::zero();
            continue;
          }
          if (!amount->is_object())
            return protocol("accounts answer: '" + std::string(key) + "' is not an object");
          auto value = req_dec(amount->as_object(), "value", what);
          if (!value) return value.error();
          *target = *value;
        }
        return row;
      });
}

Result<std::vector<Instrument>> parse_products(std::string_view body,
                                               const InstrumentRegistry& registry) {
  constexpr std::string_view what = "products answer";
  auto o = parse_object(body, what);
  if (!o) return o.error();
  std::vector<const json::object*> products;
  if (o->contains("products")) {
    auto arr = req_array(*o, "products", what);
    if (!arr) return arr.error();
    for (const auto& p : **arr) {
      if (!p.is_object()) return protocol("products answer: a product is not an object");
      products.push_back(&p.as_object());
    }
  } else {
    products.push_back(&*o);  // GET /products/{id}
  }
  std::vector<Instrument> out;
  for (const json::object* p : products) {
    const std::string_view type = str_or(*p, "product_type", "SPOT");
    if (type != "SPOT") continue;
    Instrument ins;
    ins.venue = Venue::coinbase;
    ins.kind = InstrumentKind::spot;
    auto id = req_str(*p, "product_id", what);
    if (!id) return id.error();
    ins.venue_symbol = std::string(*id);
    ins.canonical = ins.venue_symbol;
    ins.base = std::string(str_or(*p, "base_currency_id", ""));
    ins.quote = std::string(str_or(*p, "quote_currency_id", ""));
    if (ins.base.empty() || ins.quote.empty()) {
      const auto dash = id->find('-');
      if (dash == std::string_view::npos)
        return protocol("products answer: no currencies for '" + ins.venue_symbol + "'");
      ins.base = std::string(id->substr(0, dash));
      ins.quote = std::string(id->substr(dash + 1));
    }
    auto price_inc = opt_dec(*p, "price_increment", what);
    if (!price_inc) return price_inc.error();
    auto quote_inc = opt_dec(*p, "quote_increment", what);
    if (!quote_inc) return quote_inc.error();
    if (!*price_inc && !*quote_inc)
      return protocol("products answer: '" + ins.venue_symbol + "' has no price increment");
    ins.tick_size = price_inc->value_or(quote_inc->value_or(Decimal::zero()));
    auto lot = req_dec(*p, "base_increment", what);
    if (!lot) return lot.error();
    ins.lot_size = *lot;
    auto min_size = opt_dec(*p, "base_min_size", what);
    if (!min_size) return min_size.error();
    ins.min_size = min_size->value_or(Decimal::zero());
    auto max_size = opt_dec(*p, "base_max_size", what);
    if (!max_size) return max_size.error();
    ins.max_size = max_size->value_or(Decimal::zero());
    auto min_notional = opt_dec(*p, "quote_min_size", what);
    if (!min_notional) return min_notional.error();
    ins.min_notional = min_notional->value_or(Decimal::zero());
    const std::string_view status = str_or(*p, "status", "online");
    if (bool_or(*p, "trading_disabled", false) || bool_or(*p, "is_disabled", false) ||
        status != "online")
      ins.status = TradingStatus::halted;
    else if (bool_or(*p, "cancel_only", false))
      ins.status = TradingStatus::cancel_only;
    else
      ins.status = TradingStatus::trading;
    if (const Instrument* known = registry.find(Venue::coinbase, ins.venue_symbol)) {
      ins.id = known->id;
      ins.symbol = known->symbol;
      ins.ws_symbol = known->ws_symbol;
    }
    out.push_back(std::move(ins));
  }
  return out;
}

Result<Timestamp> parse_server_time(std::string_view body) {
  constexpr std::string_view what = "time answer";
  auto o = parse_object(body, what);
  if (!o) return o.error();
  const std::string_view ms = str_or(*o, "epochMillis", "");
  if (!ms.empty()) {
    std::int64_t value = 0;
    for (const char c : ms) {
      if (c < '0' || c > '9' || value > (INT64_MAX / 1'000'000 - 9) / 10)
        return protocol("time answer: bad epochMillis '" + std::string(ms) + "'");
      value = value * 10 + (c - '0');
    }
    return Timestamp::from_ms(value);
  }
  auto iso = req_str(*o, "iso", what);
  if (!iso) return iso.error();
  auto t = Timestamp::parse_iso8601(*iso);
  if (!t) return protocol("time answer: bad iso '" + std::string(*iso) + "'");
  return *t;
}

Result<std::vector<market::Candle>> parse_candles(std::string_view body, Duration interval,
                                                  Timestamp now) {
  constexpr std::string_view what = "candles answer";
  if (interval < std::chrono::seconds(1) || interval.count() % 1'000'000'000 != 0)
    return Error(
        ErrorCode::invalid_argument,
        "coinbase candles: interval " + history::interval_text(interval) + " is not whole seconds");
  auto o = parse_object(body, what);
  if (!o) return o.error();
  auto rows = req_array(*o, "candles", what);
  if (!rows) return rows.error();
  std::vector<market::Candle> out;
  out.reserve((*rows)->size());
  for (std::size_t i = 0; i < (*rows)->size(); ++i) {
    const std::string where = "candle " + std::to_string(i);
    const json::value& item = (**rows)[i];
    if (!item.is_object()) return protocol(where + ": not a JSON object");
    const auto& c = item.as_object();
    auto start = req_str(c, "start", where);
    if (!start) return start.error();
    // At most 10 digits: unix seconds up to 4e9 (year 2096), and no overflow on the way.
    std::int64_t seconds = start->empty() || start->size() > 10 ? -1 : 0;
    for (std::size_t k = 0; seconds >= 0 && k < start->size(); ++k) {
      const char ch = (*start)[k];
      seconds = ch < '0' || ch > '9' ? -1 : seconds * 10 + (ch - '0');
    }
    if (seconds < 0 || seconds > 4'000'000'000)
      return protocol(where + ": 'start' is not unix seconds: '" +
                      std::string(start->substr(0, 24)) + "'");
    market::Candle candle;
    candle.start = Timestamp::from_seconds(seconds);
    candle.interval = interval;
    for (auto [key, field] : {std::pair{"open", &candle.open}, std::pair{"high", &candle.high},
                              std::pair{"low", &candle.low}, std::pair{"close", &candle.close},
                              std::pair{"volume", &candle.volume}}) {
      auto d = req_dec(c, key, where);
      if (!d) return d.error();
      *field = *d;
    }
    candle.trades = 0;
    candle.price_updates = 1;
    if (Status s = history::check_candle(candle); !s.ok())
      return protocol(where + ": " + s.error().message);
    out.push_back(candle);
  }
  std::stable_sort(out.begin(), out.end(), [](const market::Candle& a, const market::Candle& b) {
    return a.start < b.start;
  });
  if (Status s = history::check_increasing(out); !s.ok())
    return protocol("candles answer: two candles start at the same time: " + s.error().message);
  history::drop_open(out, now);
  return out;
}

}  // namespace nzeza::venues::coinbase

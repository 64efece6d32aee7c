#include "venues/kraken/rest_codec.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <set>

#include "venues/candle_history.hpp"
#include "venues/candle_row.hpp"

namespace nzeza::venues::kraken {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------------
// Error and asset vocabulary

ErrorCode kraken_error_code(std::string_view e) noexcept {
  auto starts = [e](std::string_view p) { return e.substr(0, p.size()) == p; };
  if (starts("EAPI:Invalid key") || starts("EAPI:Invalid signature") ||
      starts("EAPI:Invalid nonce") || starts("EGeneral:Permission denied") ||
      starts("EAPI:Feature disabled") || starts("EAPI:Bad request"))
    return ErrorCode::auth_failed;
  if (starts("EAPI:Rate limit exceeded") || starts("EOrder:Rate limit exceeded") ||
      starts("EOrder:Domain rate limit exceeded") || starts("EService:Throttled") ||
      starts("EGeneral:Too many requests") || starts("EGeneral:Temporary lockout"))
    return ErrorCode::rate_limited;
  if (starts("EOrder:Insufficient funds") || starts("EOrder:Insufficient margin") ||
      starts("EFunding:Insufficient funds"))
    return ErrorCode::insufficient_balance;
  if (starts("EOrder:Unknown order") || starts("EOrder:Invalid order") ||
      starts("EQuery:Unknown asset pair") || starts("EQuery:Unknown asset"))
    return ErrorCode::not_found;
  if (starts("EService:Unavailable") || starts("EService:Busy") ||
      starts("EService:Market in cancel_only mode") ||
      starts("EService:Market in post_only mode") || starts("EService:Deadline elapsed") ||
      starts("EService:Market in limit_only mode"))
    return ErrorCode::unavailable;
  if (starts("EGeneral:Invalid arguments") || starts("EOrder:Order minimum not met") ||
      starts("EOrder:Cost minimum not met") || starts("EOrder:Tick size check failed") ||
      starts("EQuery:Invalid asset pair"))
    return ErrorCode::invalid_argument;
  // Kraken's own failure after receiving the request: it may have acted on it.
  if (starts("EGeneral:Internal error") || starts("EService:Internal error"))
    return ErrorCode::internal;
  return ErrorCode::rejected;
}

bool kraken_error_proves_not_processed(std::string_view e) noexcept {
  // Kraken: "Every response includes an error array — if non-empty, the request failed."
  // (docs/errors/kraken.md). Not for the service's own trouble: EService:* (unavailable, busy,
  // throttled, deadline, market mode) and any "Internal error" say nothing of what the engine did
  // with the request, and no Kraken page says they were not processed.
  if (e.substr(0, 9) == "EService:") return false;
  const auto colon = e.find(':');
  if (colon == std::string_view::npos || e.empty() || e.front() != 'E') return false;
  const std::string_view rest = e.substr(colon + 1);
  return rest.substr(0, 14) != "Internal error";
}

std::string normalize_asset(std::string_view a) {
  static const std::map<std::string_view, std::string_view> kMap = {
      {"XXBT", "BTC"}, {"XBT", "BTC"},   {"XETH", "ETH"}, {"XXRP", "XRP"}, {"XLTC", "LTC"},
      {"XXLM", "XLM"}, {"XXMR", "XMR"},  {"XZEC", "ZEC"}, {"XETC", "ETC"}, {"XMLN", "MLN"},
      {"XREP", "REP"}, {"XXDG", "DOGE"}, {"XDG", "DOGE"}, {"ZUSD", "USD"}, {"ZEUR", "EUR"},
      {"ZGBP", "GBP"}, {"ZCAD", "CAD"},  {"ZJPY", "JPY"}, {"ZAUD", "AUD"}, {"ZCHF", "CHF"}};
  // Earn/futures variants keep their suffix: "XBT.F" -> "BTC.F".
  const auto dot = a.find('.');
  const std::string_view head = a.substr(0, dot);
  std::string out;
  if (auto it = kMap.find(head); it != kMap.end())
    out = std::string(it->second);
  else
    out = std::string(head);
  if (dot != std::string_view::npos) out += a.substr(dot);
  return out;
}

std::string kraken_error_prefix(std::string_view e) {
  const auto first = e.find(':');
  if (first == std::string_view::npos) return std::string(e);
  const auto second = e.find(':', first + 1);
  return std::string(e.substr(0, second));
}

namespace rest {
namespace {

// "<op>: <what>"; the client prefixes the venue and the call ("kraken AddOrder cl_ord_id ...").
Error protocol(std::string_view op, std::string_view what) {
  std::string m(op);
  m.append(": ").append(what);
  return Error(ErrorCode::protocol, std::move(m));
}

// Exact decimal from a Kraken field: a JSON string (REST) or an integer. A JSON float is
// refused: money never goes through double.
Result<Decimal> decimal_of(const json::value* v, std::string_view field) {
  if (v == nullptr) return fail(ErrorCode::parse_error, "missing field " + std::string(field));
  if (v->is_string()) {
    auto d = Decimal::parse(std::string_view(v->get_string()));
    if (!d)
      return fail(ErrorCode::parse_error, "field " + std::string(field) + ": " + d.error().message);
    return d;
  }
  if (v->is_int64()) return Decimal::from_int(v->get_int64());
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return Decimal::from_int(static_cast<std::int64_t>(v->get_uint64()));
  return fail(ErrorCode::parse_error, "field " + std::string(field) + " is not a decimal string");
}

Result<Decimal> decimal_field(const json::object& o, std::string_view field) {
  return decimal_of(o.if_contains(field), field);
}

std::string string_field(const json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  if (v != nullptr && v->is_string()) return std::string(v->get_string());
  return {};
}

// Unix seconds with a fraction ("1688667796.8802" or 1688667796.8802) -> Timestamp. Time is
// not money: a JSON number is read as double and rounded to the microsecond.
std::optional<Timestamp> time_field(const json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) {
    auto d = Decimal::parse(std::string_view(v->get_string()));
    // Up to year 2096: 4e9 s is 4e18 ns, inside int64; raw16 is 1e-16 s, 10^7 of them a ns.
    if (!d || d->is_negative() || *d > Decimal::from_integer(4'000'000'000)) return std::nullopt;
    return Timestamp::from_ns(static_cast<std::int64_t>(d->raw16() / 10'000'000));
  }
  if (v->is_int64()) {
    if (v->get_int64() < 0 || v->get_int64() > 4'000'000'000) return std::nullopt;
    return Timestamp::from_seconds(v->get_int64());
  }
  if (v->is_uint64()) {
    if (v->get_uint64() > 4'000'000'000) return std::nullopt;
    return Timestamp::from_seconds(static_cast<std::int64_t>(v->get_uint64()));
  }
  if (v->is_double()) {
    const double s = v->get_double();
    if (!std::isfinite(s) || s < 0 || s > 4e9) return std::nullopt;
    return Timestamp::from_us(std::llround(s * 1e6));
  }
  return std::nullopt;
}

}  // namespace

// ---- envelope ---------------------------------------------------------------------------------

Result<Answer> parse_answer(std::string_view body) {
  json::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object())
    return protocol("answer", "malformed JSON answer (" +
                                  std::string(ec ? ec.message() : "not an object") + ")");
  auto& obj = doc.get_object();
  const auto* errors = obj.if_contains("error");
  if (errors == nullptr || !errors->is_array())
    return protocol("answer", "answer without an \"error\" array");
  Answer out;
  if (!errors->get_array().empty()) {
    const auto& first = errors->get_array().front();
    out.error = first.is_string() ? std::string(first.get_string()) : json::serialize(first);
    return out;
  }
  auto* result = obj.if_contains("result");
  if (result == nullptr) return protocol("answer", "answer without \"result\"");
  out.result = std::move(*result);
  return out;
}

std::optional<std::string> envelope_error(std::string_view body) {
  json::error_code ec;
  const json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const auto* errors = doc.get_object().if_contains("error");
  if (errors == nullptr || !errors->is_array() || errors->get_array().empty() ||
      !errors->get_array().front().is_string())
    return std::nullopt;
  return std::string(errors->get_array().front().get_string());
}

// ---- orders -----------------------------------------------------------------------------------

Result<std::string> parse_add_order(const json::value& r) {
  const auto* obj = r.if_object();
  const json::value* txids = obj ? obj->if_contains("txid") : nullptr;
  if (txids == nullptr || !txids->is_array() || txids->get_array().empty() ||
      !txids->get_array().front().is_string() || txids->get_array().front().get_string().empty())
    return protocol("AddOrder", "answer without txid: " + json::serialize(r).substr(0, 200));
  return std::string(txids->get_array().front().get_string());
}

Result<std::int64_t> parse_cancel_count(const json::value& r) {
  const auto* obj = r.if_object();
  const auto* count = obj ? obj->if_contains("count") : nullptr;
  if (count == nullptr) return protocol("CancelOrder", "answer without count");
  if (count->is_int64() && count->get_int64() >= 0) return count->get_int64();
  if (count->is_uint64() && count->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(count->get_uint64());
  return protocol("CancelOrder", "count is not a non-negative integer");
}

Result<VenueOrder> parse_order(std::string_view op, const std::string& txid, const json::value& v,
                               const OrderContext& ctx) {
  if (!v.is_object()) return protocol(op, "order " + txid + " is not an object");
  const auto& o = v.get_object();
  VenueOrder out;
  out.report.venue_order_id = txid;
  out.client_order_id = string_field(o, "cl_ord_id");
  if (out.client_order_id.empty() && ctx.client_id_of) out.client_order_id = ctx.client_id_of(txid);
  const auto* descr_v = o.if_contains("descr");
  if (descr_v == nullptr || !descr_v->is_object())
    return protocol(op, "order " + txid + " without descr");
  const auto& descr = descr_v->get_object();
  out.venue_symbol = string_field(descr, "pair");
  std::optional<InstrumentId> id;
  if (ctx.resolve && !out.venue_symbol.empty()) id = ctx.resolve(out.venue_symbol);
  out.instrument = id ? *id : ctx.fallback;
  const std::string side = string_field(descr, "type");
  if (side == "buy")
    out.side = Side::buy;
  else if (side == "sell")
    out.side = Side::sell;
  else
    return protocol(op, "order " + txid + " has side \"" + side + "\"");
  const std::string ordertype = string_field(descr, "ordertype");
  auto dprice = decimal_field(descr, "price");
  auto dprice2 = decimal_field(descr, "price2");
  if (ordertype == "market") {
    out.type = domain::OrderType::market;
  } else if (ordertype == "limit") {
    out.type = domain::OrderType::limit;
    if (dprice) out.price = *dprice;
  } else if (ordertype == "stop-loss") {
    out.type = domain::OrderType::stop;
    if (dprice && dprice->is_positive()) out.stop_price = *dprice;  // price = trigger
  } else if (ordertype == "take-profit") {
    out.type = domain::OrderType::take_profit;
    if (dprice && dprice->is_positive()) out.stop_price = *dprice;
  } else if (ordertype == "stop-loss-limit") {
    out.type = domain::OrderType::stop_limit;
    if (dprice && dprice->is_positive()) out.stop_price = *dprice;  // price2 = the limit
    if (dprice2) out.price = *dprice2;
  } else {
    // take-profit-limit, trailing-stop(-limit), settle-position, iceberg...: no OrderType says
    // what they do, and listing one as another type would be a silent lie.
    return protocol(op, "order " + txid + " has ordertype \"" + ordertype +
                            "\", which nzeza does not map (market, limit, stop-loss, "
                            "take-profit, stop-loss-limit)");
  }
  const std::string oflags = string_field(o, "oflags");
  const std::string tif = string_field(o, "timeinforce");
  if (oflags.find("post") != std::string::npos)
    out.time_in_force = domain::TimeInForce::post_only;
  else if (tif == "IOC")
    out.time_in_force = domain::TimeInForce::ioc;
  auto vol = decimal_field(o, "vol");
  auto vol_exec = decimal_field(o, "vol_exec");
  if (!vol || !vol_exec)
    return protocol(
        op, "order " + txid + ": " + (!vol ? vol.error().message : vol_exec.error().message));
  if (vol->is_negative() || vol_exec->is_negative())
    return protocol(op, "order " + txid + ": negative vol or vol_exec");
  out.quantity = *vol;
  out.report.cumulative_filled = *vol_exec;
  if (vol_exec->is_positive()) {
    if (auto avg = decimal_field(o, "price"); avg && avg->is_positive())
      out.report.average_price = *avg;
  }
  const std::string status = string_field(o, "status");
  using S = domain::VenueOrderStatus;
  if (status == "pending" || status == "open") {
    out.report.status = vol_exec->is_positive() ? S::partially_filled : S::open;
  } else if (status == "closed") {
    out.report.status = *vol_exec >= *vol ? S::filled : S::expired;
  } else if (status == "canceled") {
    out.report.status = S::cancelled;
  } else if (status == "expired") {
    out.report.status = S::expired;
  } else {
    return protocol(op, "order " + txid + " has status \"" + status + "\"");
  }
  out.report.reason = string_field(o, "reason");
  const auto closetm = time_field(o, "closetm");
  const auto opentm = time_field(o, "opentm");
  out.report.at = closetm && !closetm->is_zero() ? *closetm : opentm.value_or(ctx.now);
  return out;
}

Result<std::vector<VenueOrder>> parse_orders(std::string_view op, const json::value* m,
                                             const OrderContext& ctx) {
  std::vector<VenueOrder> out;
  if (m == nullptr) return out;
  if (!m->is_object()) return protocol(op, "orders are not an object");
  for (const auto& [k, v] : m->get_object()) {
    auto order = parse_order(op, std::string(k), v, ctx);
    if (!order) return order.error();
    if (ctx.only && order->instrument != *ctx.only) continue;
    out.push_back(std::move(order).value());
  }
  return out;
}

// ---- fills ------------------------------------------------------------------------------------

Status check_fill(const domain::Fill& f) {
  const auto where = [&] { return "trade " + f.trade_id + ": "; };
  if (f.trade_id.empty()) return fail(ErrorCode::invalid_argument, "trade without id");
  if (!f.price.is_positive()) return fail(ErrorCode::invalid_argument, where() + "price <= 0");
  if (!f.quantity.is_positive())
    return fail(ErrorCode::invalid_argument, where() + "quantity <= 0");
  if (f.fee.is_negative()) return fail(ErrorCode::invalid_argument, where() + "negative fee");
  if (!f.price.checked_mul(f.quantity, RoundingMode::nearest_even).ok())
    return fail(ErrorCode::overflow, where() + "price * quantity does not fit a Decimal");
  return {};
}

Result<TradesPage> parse_trades(const json::value& r, const TradesContext& ctx) {
  const auto* obj = r.if_object();
  const auto* trades = obj ? obj->if_contains("trades") : nullptr;
  if (trades == nullptr || !trades->is_object())
    return protocol("TradesHistory", "no \"trades\" object");
  TradesPage out;
  const auto* count = obj->if_contains("count");
  if (count != nullptr && count->is_int64() && count->get_int64() > 0)
    out.total = static_cast<std::size_t>(count->get_int64());
  else if (count != nullptr && count->is_uint64())
    out.total = static_cast<std::size_t>(count->get_uint64());
  out.page_size = trades->get_object().size();
  for (const auto& [k, v] : trades->get_object()) {
    if (!v.is_object()) return protocol("TradesHistory", "trade is not an object");
    const auto& t = v.get_object();
    domain::Fill f;
    f.venue = Venue::kraken;
    f.trade_id = std::string(k);
    f.venue_symbol = string_field(t, "pair");
    std::optional<InstrumentId> id;
    if (ctx.resolve && !f.venue_symbol.empty()) id = ctx.resolve(f.venue_symbol);
    if (id) f.instrument = *id;  // else: a pair not loaded, kept with its venue symbol
    if (ctx.only && f.instrument != *ctx.only) continue;
    const std::string ordertxid = string_field(t, "ordertxid");
    f.venue_order_id = ordertxid;
    if (ctx.client_id_of && !ordertxid.empty()) f.client_order_id = ctx.client_id_of(ordertxid);
    const std::string side = string_field(t, "type");
    if (side != "buy" && side != "sell")
      return protocol("TradesHistory", "trade " + f.trade_id + " side \"" + side + "\"");
    f.side = side == "buy" ? Side::buy : Side::sell;
    auto price = decimal_field(t, "price");
    auto vol = decimal_field(t, "vol");
    auto fee = decimal_field(t, "fee");
    if (!price || !vol || !fee)
      return protocol("TradesHistory", "trade " + f.trade_id + ": " +
                                           (!price ? price.error().message
                                            : !vol ? vol.error().message
                                                   : fee.error().message));
    f.price = *price;
    f.quantity = *vol;
    f.fee = *fee;
    // Kraken charges spot fees in the quote currency unless the order said fcib.
    if (f.instrument.valid() && ctx.quote_of) f.fee_currency = ctx.quote_of(f.instrument);
    const auto* maker = t.if_contains("maker");
    f.liquidity = maker != nullptr && maker->is_bool() && maker->get_bool()
                      ? domain::Liquidity::maker
                      : domain::Liquidity::taker;
    auto time = time_field(t, "time");
    if (!time) return protocol("TradesHistory", "trade " + f.trade_id + " without time");
    f.time = *time;
    if (f.time < ctx.since) continue;
    if (auto st = check_fill(f); !st) return protocol("TradesHistory", st.error().message);
    out.fills.push_back(std::move(f));
  }
  return out;
}

// ---- account, metadata, time ------------------------------------------------------------------

Result<std::vector<BalanceRow>> parse_balance_ex(const json::value& r) {
  const auto* obj = r.if_object();
  if (obj == nullptr) return protocol("BalanceEx", "not an object");
  std::map<std::string, BalanceRow> sums;
  for (const auto& [asset, v] : *obj) {
    if (!v.is_object()) return protocol("BalanceEx", "asset entry not an object");
    auto total = decimal_field(v.get_object(), "balance");
    auto hold = v.get_object().contains("hold_trade") ? decimal_field(v.get_object(), "hold_trade")
                                                      : Result<Decimal>(Decimal::zero());
    if (!total || !hold)
      return protocol("BalanceEx", std::string(asset) + ": " +
                                       (!total ? total.error().message : hold.error().message));
    const std::string currency = normalize_asset(asset);
    auto& s = sums[currency];
    s.currency = currency;
    auto sum_total = s.total.checked_add(*total);
    auto sum_hold = s.hold.checked_add(*hold);
    if (!sum_total || !sum_hold) return protocol("BalanceEx", currency + ": sum overflows");
    s.total = *sum_total;
    s.hold = *sum_hold;
  }
  std::vector<BalanceRow> out;
  for (auto& [currency, s] : sums) {
    if (s.hold > s.total || s.hold.is_negative())
      return protocol("BalanceEx", currency + ": hold_trade " + s.hold.to_string() +
                                       " exceeds balance " + s.total.to_string());
    out.push_back(std::move(s));
  }
  return out;
}

Result<AssetPairs> parse_asset_pairs(const json::value& r, const InstrumentRegistry& registry,
                                     const std::vector<std::string>& wanted) {
  const auto* obj = r.if_object();
  if (obj == nullptr) return protocol("AssetPairs", "not an object");
  AssetPairs out;
  for (const auto& [key, v] : *obj) {
    if (!v.is_object()) return protocol("AssetPairs", "pair not an object");
    const auto& p = v.get_object();
    Instrument inst;
    inst.venue = Venue::kraken;
    inst.kind = InstrumentKind::spot;
    inst.venue_symbol = std::string(key);
    inst.base = normalize_asset(string_field(p, "base"));
    inst.quote = normalize_asset(string_field(p, "quote"));
    inst.canonical = inst.base + "-" + inst.quote;
    inst.ws_symbol = inst.base + "/" + inst.quote;  // WS v2 naming ("BTC/USD")
    const std::string altname = string_field(p, "altname");
    const std::string wsname = string_field(p, "wsname");
    if (!wanted.empty() && std::none_of(wanted.begin(), wanted.end(), [&](const std::string& s) {
          return s == inst.venue_symbol || s == altname || s == wsname || s == inst.ws_symbol;
        }))
      continue;
    auto tick = decimal_field(p, "tick_size");
    if (!tick) {
      const auto* pd = p.if_contains("pair_decimals");
      if (pd == nullptr || !pd->is_int64() || pd->get_int64() < 0 ||
          pd->get_int64() > Decimal::kScale)
        return protocol("AssetPairs", inst.venue_symbol + ": no tick_size");
      tick = Decimal::from_scaled(1, static_cast<int>(pd->get_int64()));
    }
    const auto* ld = p.if_contains("lot_decimals");
    if (ld == nullptr || !ld->is_int64() || ld->get_int64() < 0 ||
        ld->get_int64() > Decimal::kScale)
      return protocol("AssetPairs", inst.venue_symbol + ": lot_decimals missing or above 16");
    auto lot = Decimal::from_scaled(1, static_cast<int>(ld->get_int64()));
    auto ordermin = decimal_field(p, "ordermin");
    auto costmin =
        p.contains("costmin") ? decimal_field(p, "costmin") : Result<Decimal>(Decimal::zero());
    if (!tick || !lot || !ordermin || !costmin || !tick->is_positive() || ordermin->is_negative() ||
        costmin->is_negative())
      return protocol("AssetPairs", inst.venue_symbol + ": bad tick/lot/min");
    inst.tick_size = *tick;
    inst.lot_size = *lot;
    inst.min_size = *ordermin;
    inst.min_notional = *costmin;
    const std::string status = string_field(p, "status");
    if (status == "online" || status.empty())
      inst.status = TradingStatus::trading;
    else if (status == "cancel_only" || status == "post_only" || status == "limit_only" ||
             status == "reduce_only")
      inst.status = TradingStatus::cancel_only;  // restricted: not open for normal orders
    else
      inst.status = TradingStatus::halted;  // maintenance, delisted, work_in_progress
    if (const auto* known = registry.find(Venue::kraken, inst.venue_symbol)) {
      inst.id = known->id;
      inst.symbol = known->symbol;
      for (const auto& a : {altname, wsname, inst.ws_symbol, inst.venue_symbol})
        if (!a.empty()) out.aliases[a] = known->id;
    }
    out.instruments.push_back(std::move(inst));
  }
  return out;
}

Result<Timestamp> parse_server_time(const json::value& r) {
  const auto* obj = r.if_object();
  const auto* t = obj ? obj->if_contains("unixtime") : nullptr;
  if (t != nullptr && t->is_int64() && t->get_int64() >= 0 && t->get_int64() <= 4'000'000'000)
    return Timestamp::from_seconds(t->get_int64());
  if (t != nullptr && t->is_uint64() && t->get_uint64() <= 4'000'000'000)
    return Timestamp::from_seconds(static_cast<std::int64_t>(t->get_uint64()));
  return protocol("Time", "no integer unixtime within range");
}

Result<Timestamp> parse_dead_man(const json::value& r, bool disarming) {
  const auto* obj = r.if_object();
  if (obj == nullptr) return protocol("CancelAllOrdersAfter", "result not an object");
  const std::string trigger = string_field(*obj, "triggerTime");
  if (trigger == "0" || disarming) return Timestamp{};
  auto t = Timestamp::parse_iso8601(trigger);
  if (!t) return protocol("CancelAllOrdersAfter", "bad triggerTime \"" + trigger + "\"");
  return *t;
}

Result<std::string> parse_ws_token(const json::value& r) {
  const auto* obj = r.if_object();
  const std::string token = obj ? string_field(*obj, "token") : "";
  if (token.empty()) return protocol("GetWebSocketsToken", "no token");
  return token;
}

namespace {

using history::RowField;
constexpr RowField kTime{0, "time"};
constexpr std::array<RowField, 5> kPrices{
    {{1, "open"}, {2, "high"}, {3, "low"}, {4, "close"}, {6, "volume"}}};
constexpr RowField kCount{7, "count"};

// A field's error, named after its entry: "OHLC: entry 3: field 'open' (index 1) ...".
Error entry_error(std::size_t entry, const Error& e) {
  return protocol("OHLC", "entry " + std::to_string(entry) + ": " + e.message);
}

Result<std::int64_t> ohlc_int(const json::array& row, std::size_t entry, RowField f,
                              std::int64_t max) {
  auto n = history::row_int(row, f, 0, max);
  if (!n) return entry_error(entry, n.error());
  return n;
}

Result<Decimal> ohlc_dec(const json::array& row, std::size_t entry, RowField f) {
  auto d = history::row_decimal(row, f);
  if (!d) return entry_error(entry, d.error());
  return d;
}

Result<market::Candle> ohlc_entry(const json::value& v, std::size_t entry, Duration interval) {
  const auto* row = v.if_array();
  if (row == nullptr)
    return protocol("OHLC", "entry " + std::to_string(entry) + " is not a JSON array");
  if (row->size() < 8)
    return protocol("OHLC", "entry " + std::to_string(entry) + " has " +
                                std::to_string(row->size()) + " fields, 8 expected");
  market::Candle c;
  auto time = ohlc_int(*row, entry, kTime, 4'000'000'000);
  if (!time) return time.error();
  c.start = Timestamp::from_seconds(*time);
  c.interval = interval;
  for (auto [field, to] : history::candle_decimals(c, kPrices)) {
    auto d = ohlc_dec(*row, entry, field);
    if (!d) return d.error();
    *to = *d;
  }
  auto count = ohlc_int(*row, entry, kCount, UINT32_MAX);
  if (!count) return count.error();
  history::set_trade_count(c, static_cast<std::uint32_t>(*count));
  if (Status s = history::check_candle(c); !s.ok())
    return protocol("OHLC", "entry " + std::to_string(entry) + ": " + s.error().message);
  return c;
}

}  // namespace

Result<std::vector<market::Candle>> parse_ohlc(const json::value& result, Duration interval) {
  if (interval < std::chrono::minutes(1) || interval.count() % 60'000'000'000 != 0)
    return Error(ErrorCode::invalid_argument,
                 "OHLC: interval " + history::interval_text(interval) + " is not whole minutes");
  const auto* obj = result.if_object();
  if (obj == nullptr) return protocol("OHLC", "result is not an object");
  const json::array* rows = nullptr;
  for (const auto& [key, value] : *obj) {
    if (key == "last") continue;
    if (!value.is_array())
      return protocol("OHLC", "pair '" + std::string(key.substr(0, 32)) + "' is not an array");
    if (rows != nullptr) return protocol("OHLC", "more than one pair in the answer");
    rows = &value.get_array();
  }
  if (rows == nullptr) return protocol("OHLC", "no pair in the answer");
  std::vector<market::Candle> out;
  out.reserve(rows->size());
  for (std::size_t i = 0; i < rows->size(); ++i) {
    auto c = ohlc_entry((*rows)[i], i, interval);
    if (!c) return c.error();
    out.push_back(*c);
  }
  if (Status s = history::check_increasing(out); !s.ok())
    return protocol("OHLC", s.error().message);
  if (!out.empty()) out.pop_back();  // the current, not-yet-committed interval
  return out;
}

}  // namespace rest
}  // namespace nzeza::venues::kraken

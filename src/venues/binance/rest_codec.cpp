#include "venues/binance/rest_codec.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <climits>
#include <exception>

#include "venues/candle_history.hpp"
#include "venues/candle_row.hpp"

namespace nzeza::venues::binance {

namespace json = boost::json;

std::optional<domain::VenueOrderStatus> parse_order_status(std::string_view s) noexcept {
  using domain::VenueOrderStatus;
  if (s == "NEW" || s == "PENDING_NEW") return VenueOrderStatus::open;
  if (s == "PARTIALLY_FILLED") return VenueOrderStatus::partially_filled;
  if (s == "FILLED") return VenueOrderStatus::filled;
  if (s == "CANCELED") return VenueOrderStatus::cancelled;
  if (s == "PENDING_CANCEL") return VenueOrderStatus::open;  // may still trade
  if (s == "REJECTED") return VenueOrderStatus::rejected;
  if (s == "EXPIRED" || s == "EXPIRED_IN_MATCH") return VenueOrderStatus::expired;
  return std::nullopt;
}

namespace {
bool icontains(std::string_view text, std::string_view part) {
  auto it = std::search(text.begin(), text.end(), part.begin(), part.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  return it != text.end();
}
}  // namespace

bool execution_unknown_code(long long code) noexcept {
  return code == -1000 || code == -1006 || code == -1007;
}

ErrorCode classify_binance_error(int http_status, long long code, std::string_view msg) noexcept {
  switch (code) {
    case -1003:  // TOO_MANY_REQUESTS
    case -1015:  // TOO_MANY_ORDERS
      return ErrorCode::rate_limited;
    case -1006:  // UNEXPECTED_RESP: execution status unknown
    case -1007:  // TIMEOUT: execution status unknown
      return ErrorCode::timeout;
    case -1000:  // UNKNOWN: "while processing the request" — nothing says it did not execute
    case -1001:  // DISCONNECTED: "Internal error; unable to process your request."
    case -1008:  // SERVER_BUSY
      return ErrorCode::unavailable;
    case -1021:  // timestamp outside recvWindow
      return ErrorCode::rejected;
    case -1022:  // INVALID_SIGNATURE
    case -2014:  // BAD_API_KEY_FMT
    case -2015:  // REJECTED_MBX_KEY
    case -1002:  // UNAUTHORIZED
      return ErrorCode::auth_failed;
    case -1111:  // BAD_PRECISION
      return ErrorCode::precision;
    case -1013:  // INVALID_MESSAGE: filter failures ("didn't reach the Matching Engine")
    case -1100:
    case -1101:
    case -1102:
    case -1103:
    case -1104:
    case -1105:
    case -1106:
    case -1114:
    case -1115:
    case -1116:
    case -1117:
    case -1121:  // invalid symbol
      return ErrorCode::invalid_argument;
    case -2013:  // NO_SUCH_ORDER
    case -2026:  // ORDER_ARCHIVED
      return ErrorCode::not_found;
    case -2011:  // CANCEL_REJECTED: "Unknown order sent." means not found
      return icontains(msg, "unknown order") ? ErrorCode::not_found : ErrorCode::rejected;
    case -2010:  // NEW_ORDER_REJECTED
      if (icontains(msg, "insufficient balance")) return ErrorCode::insufficient_balance;
      if (icontains(msg, "duplicate order")) return ErrorCode::already_exists;
      return ErrorCode::rejected;
    default:
      break;
  }
  if (http_status == 429) return ErrorCode::rate_limited;
  if (http_status == 418) return ErrorCode::banned;
  if (http_status == 401 || http_status == 403) return ErrorCode::auth_failed;
  if (http_status >= 500) return ErrorCode::unavailable;
  return ErrorCode::rejected;
}

// ---------------------------------------------------------------------------------------------
// Field readers: each throws ParseError naming the field (never the body).

namespace {

struct ParseError {
  std::string what;
};

const json::value& field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) throw ParseError{"missing field '" + std::string(key) + "'"};
  return *v;
}

std::string str_field(const json::object& o, std::string_view key) {
  const auto& v = field(o, key);
  if (!v.is_string()) throw ParseError{"field '" + std::string(key) + "' is not a string"};
  return std::string(v.get_string());
}

std::optional<std::string> opt_str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::int64_t int_field(const json::object& o, std::string_view key) {
  const auto& v = field(o, key);
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v.get_uint64());
  throw ParseError{"field '" + std::string(key) + "' is not an integer"};
}

// A time in ms since the epoch; refused beyond what Timestamp holds (ns in an int64).
constexpr std::int64_t kMaxMs = 9'000'000'000'000;  // year 2255
Timestamp ms_field(const json::object& o, std::string_view key) {
  const std::int64_t ms = int_field(o, key);
  if (ms < 0 || ms > kMaxMs)
    throw ParseError{"field '" + std::string(key) + "' is not a time in ms"};
  return Timestamp::from_ms(ms);
}

Decimal dec_field(const json::object& o, std::string_view key) {
  const auto& v = field(o, key);
  if (!v.is_string()) throw ParseError{"field '" + std::string(key) + "' is not a decimal string"};
  auto d = Decimal::parse(v.get_string());
  if (!d) throw ParseError{"field '" + std::string(key) + "': " + d.error().message};
  return *d;
}

// A size or price: never negative on Binance.
Decimal amount_field(const json::object& o, std::string_view key) {
  Decimal d = dec_field(o, key);
  if (d.is_negative()) throw ParseError{"field '" + std::string(key) + "' is negative"};
  return d;
}

bool bool_field(const json::object& o, std::string_view key) {
  const auto& v = field(o, key);
  if (!v.is_bool()) throw ParseError{"field '" + std::string(key) + "' is not a boolean"};
  return v.get_bool();
}

const json::object& as_object(const json::value& v, std::string_view what) {
  if (!v.is_object()) throw ParseError{std::string(what) + " is not a JSON object"};
  return v.get_object();
}
const json::array& as_array(const json::value& v, std::string_view what) {
  if (!v.is_array()) throw ParseError{std::string(what) + " is not a JSON array"};
  return v.get_array();
}

Side parse_side(std::string_view s) {
  if (s == "BUY") return Side::buy;
  if (s == "SELL") return Side::sell;
  throw ParseError{"unknown side '" + std::string(s.substr(0, 16)) + "'"};
}

struct TypeMapping {
  domain::OrderType type;
  std::optional<domain::TimeInForce> tif;  // LIMIT_MAKER → post_only
};

TypeMapping parse_type(std::string_view s) {
  using domain::OrderType;
  if (s == "LIMIT") return {OrderType::limit, std::nullopt};
  if (s == "LIMIT_MAKER") return {OrderType::limit, domain::TimeInForce::post_only};
  if (s == "MARKET") return {OrderType::market, std::nullopt};
  if (s == "STOP_LOSS") return {OrderType::stop, std::nullopt};
  if (s == "TAKE_PROFIT") return {OrderType::take_profit, std::nullopt};
  if (s == "STOP_LOSS_LIMIT") return {OrderType::stop_limit, std::nullopt};
  // TAKE_PROFIT_LIMIT (nzeza never places one) fires on the other side of the market than a
  // stop-limit: no OrderType says what it does, and listing it as a stop-limit would be a lie.
  throw ParseError{"order type '" + std::string(s.substr(0, 24)) +
                   "' is not one nzeza maps (LIMIT, LIMIT_MAKER, MARKET, STOP_LOSS, TAKE_PROFIT, "
                   "STOP_LOSS_LIMIT)"};
}

domain::TimeInForce parse_tif(std::string_view s) {
  if (s == "IOC") return domain::TimeInForce::ioc;
  if (s == "FOK") return domain::TimeInForce::fok;
  return domain::TimeInForce::gtc;
}

InstrumentId instrument_of(const InstrumentRegistry& registry, std::string_view symbol) {
  const Instrument* i = registry.find(Venue::binance, symbol);
  return i == nullptr ? InstrumentId{} : i->id;
}

// An order object (query, open orders, place, cancel). `client_key`: "clientOrderId", or
// "origClientOrderId" in a cancel answer (where clientOrderId is the cancel's own id).
VenueOrder order_of(const json::object& o, const InstrumentRegistry& registry, Timestamp now,
                    std::string_view client_key = "clientOrderId") {
  VenueOrder v;
  v.venue_symbol = str_field(o, "symbol");
  v.instrument = instrument_of(registry, v.venue_symbol);
  v.client_order_id = opt_str(o, client_key).value_or("");
  v.side = parse_side(str_field(o, "side"));
  const auto tm = parse_type(str_field(o, "type"));
  v.type = tm.type;
  if (tm.tif) {
    v.time_in_force = *tm.tif;
  } else if (auto tif = opt_str(o, "timeInForce")) {
    v.time_in_force = parse_tif(*tif);
  }
  v.quantity = amount_field(o, "origQty");
  if (o.contains("price")) {
    Decimal p = amount_field(o, "price");
    if (!p.is_zero()) v.price = p;
  }
  const std::string st = str_field(o, "status");
  auto status = parse_order_status(st);
  if (!status) throw ParseError{"unknown order status '" + st.substr(0, 24) + "'"};
  v.report.status = *status;
  v.report.cumulative_filled = amount_field(o, "executedQty");
  if (v.type != domain::OrderType::market && v.type != domain::OrderType::limit) {
    // A trigger order: its stop price, and whether it fired. "isWorking" is false and
    // "workingTime" -1 until the stop price is reached; an order with a fill has fired.
    if (o.contains("stopPrice")) {
      const Decimal stop = amount_field(o, "stopPrice");
      if (!stop.is_zero()) v.stop_price = stop;
    }
    if (o.contains("isWorking")) v.triggered = bool_field(o, "isWorking");
    if (o.contains("workingTime") && int_field(o, "workingTime") > 0) v.triggered = true;
    if (v.report.cumulative_filled.is_positive()) v.triggered = true;
  }
  if (o.contains("cummulativeQuoteQty") && v.report.cumulative_filled.is_positive()) {
    const Decimal quote = amount_field(o, "cummulativeQuoteQty");
    auto avg = quote.checked_div(v.report.cumulative_filled);
    if (avg) v.report.average_price = *avg;
  }
  v.report.venue_order_id = std::to_string(int_field(o, "orderId"));
  if (*status == domain::VenueOrderStatus::rejected || *status == domain::VenueOrderStatus::expired)
    v.report.reason = st;
  std::optional<Timestamp> t;
  if (o.contains("updateTime")) {
    t = ms_field(o, "updateTime");
  } else if (o.contains("transactTime")) {
    t = ms_field(o, "transactTime");
  } else if (o.contains("time")) {
    t = ms_field(o, "time");
  }
  v.report.at = t && t->ms() > 0 ? *t : now;
  return v;
}

// One entry of a FULL place answer's fills[]: the order gives symbol, side and client id.
domain::Fill full_fill_of(const json::object& f, const VenueOrder& order, Timestamp at) {
  domain::Fill fill = fill_of(Venue::binance, order);
  fill.trade_id = std::to_string(int_field(f, "tradeId"));
  fill.price = amount_field(f, "price");
  fill.quantity = amount_field(f, "qty");
  fill.fee = dec_field(f, "commission");
  fill.fee_currency = str_field(f, "commissionAsset");
  fill.liquidity = domain::Liquidity::taker;  // immediate fills of a new order take
  fill.time = at;
  return fill;
}

domain::Fill trade_of(const json::object& t, const InstrumentRegistry& registry) {
  domain::Fill fill;
  fill.venue = Venue::binance;
  fill.venue_symbol = str_field(t, "symbol");
  fill.instrument = instrument_of(registry, fill.venue_symbol);
  fill.trade_id = std::to_string(int_field(t, "id"));
  // myTrades carries the order's id, not its client id: recovery matches our orders by it.
  if (t.contains("orderId")) fill.venue_order_id = std::to_string(int_field(t, "orderId"));
  fill.side = bool_field(t, "isBuyer") ? Side::buy : Side::sell;
  fill.price = amount_field(t, "price");
  fill.quantity = amount_field(t, "qty");
  fill.fee = dec_field(t, "commission");
  fill.fee_currency = str_field(t, "commissionAsset");
  fill.liquidity = bool_field(t, "isMaker") ? domain::Liquidity::maker : domain::Liquidity::taker;
  fill.time = ms_field(t, "time");
  return fill;
}

Instrument symbol_of(const json::object& s, const InstrumentRegistry& registry) {
  Instrument in;
  in.venue = Venue::binance;
  in.kind = InstrumentKind::spot;
  in.venue_symbol = str_field(s, "symbol");
  in.ws_symbol = in.venue_symbol;
  std::transform(in.ws_symbol.begin(), in.ws_symbol.end(), in.ws_symbol.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  in.base = str_field(s, "baseAsset");
  in.quote = str_field(s, "quoteAsset");
  in.canonical = in.base + "-" + in.quote;
  const std::string status = str_field(s, "status");
  in.status = status == "TRADING" ? TradingStatus::trading : TradingStatus::halted;
  for (const auto& fv : as_array(field(s, "filters"), "filters")) {
    const auto& f = as_object(fv, "filter");
    const std::string type = str_field(f, "filterType");
    if (type == "PRICE_FILTER") {
      in.tick_size = dec_field(f, "tickSize");
    } else if (type == "LOT_SIZE") {
      in.lot_size = dec_field(f, "stepSize");
      in.min_size = dec_field(f, "minQty");
      in.max_size = dec_field(f, "maxQty");
    } else if (type == "NOTIONAL" || type == "MIN_NOTIONAL") {
      const Decimal mn = dec_field(f, "minNotional");
      if (mn > in.min_notional) in.min_notional = mn;
    }
  }
  if (const Instrument* known = registry.find(Venue::binance, in.venue_symbol)) {
    in.id = known->id;
    in.symbol = known->symbol;
  }
  if (Status st = in.validate(); !st.ok())
    throw ParseError{"symbol '" + in.venue_symbol.substr(0, 32) + "': " + st.error().message};
  return in;
}

// Parses `body` and runs `read` on it; every failure becomes one protocol error.
template <typename T, typename Read>
Result<T> read_answer(std::string_view body, std::string_view what, Read read) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    return fail(ErrorCode::protocol,
                "unreadable " + std::string(what) + ": malformed JSON (" + ec.message() + ")");
  }
  try {
    return read(v);
  } catch (const ParseError& e) {
    return fail(ErrorCode::protocol, "unreadable " + std::string(what) + ": " + e.what);
  } catch (const std::exception& e) {
    return fail(ErrorCode::protocol, "unreadable " + std::string(what) + ": " + e.what());
  }
}

using history::RowField;
constexpr RowField kOpenTime{0, "openTime"};
constexpr std::array<RowField, 5> kPrices{
    {{1, "open"}, {2, "high"}, {3, "low"}, {4, "close"}, {5, "volume"}}};
constexpr RowField kCloseTime{6, "closeTime"};
constexpr RowField kTrades{8, "trades"};

std::int64_t kline_int(const json::array& row, RowField f, std::int64_t min = INT64_MIN,
                       std::int64_t max = INT64_MAX) {
  auto n = history::row_int(row, f, min, max);
  if (!n) throw ParseError{n.error().message};
  return *n;
}
Decimal kline_dec(const json::array& row, RowField f) {
  auto d = history::row_decimal(row, f);
  if (!d) throw ParseError{d.error().message};
  return *d;
}

market::Candle kline_of(const json::array& row, Duration interval) {
  if (row.size() < 9)
    throw ParseError{"has " + std::to_string(row.size()) + " fields, at least 9 expected"};
  const std::int64_t open_ms = kline_int(row, kOpenTime);
  if (open_ms < 0 || open_ms > kMaxMs)
    throw ParseError{history::field_text(kOpenTime) + " is not a time"};
  const std::int64_t interval_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(interval).count();
  if (kline_int(row, kCloseTime) != open_ms + interval_ms - 1)
    throw ParseError{history::field_text(kCloseTime) + " is not openTime + " +
                     history::interval_text(interval) + " - 1 ms"};
  market::Candle c;
  c.start = Timestamp::from_ms(open_ms);
  c.interval = interval;
  for (auto [field, to] : history::candle_decimals(c, kPrices)) *to = kline_dec(row, field);
  history::set_trade_count(c, static_cast<std::uint32_t>(kline_int(row, kTrades, 0, UINT32_MAX)));
  if (Status s = history::check_candle(c); !s.ok()) throw ParseError{s.error().message};
  return c;
}

}  // namespace

std::optional<ApiError> parse_api_error(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  const auto* c = o.if_contains("code");
  const auto* m = o.if_contains("msg");
  if (c == nullptr || !c->is_int64() || m == nullptr || !m->is_string()) return std::nullopt;
  return ApiError{c->get_int64(), std::string(m->get_string())};
}

Result<VenueOrder> parse_order_answer(std::string_view body, const InstrumentRegistry& registry,
                                      Timestamp now) {
  return read_answer<VenueOrder>(body, "order", [&](const json::value& v) {
    return order_of(as_object(v, "order"), registry, now);
  });
}

Result<PlaceAck> parse_place_answer(std::string_view body, const InstrumentRegistry& registry,
                                    Timestamp now) {
  return read_answer<PlaceAck>(body, "order answer", [&](const json::value& v) {
    const auto& o = as_object(v, "order answer");
    const VenueOrder order = order_of(o, registry, now);
    PlaceAck ack;
    ack.venue_order_id = order.report.venue_order_id;
    ack.client_order_id = order.client_order_id;
    ack.report = order.report;
    ack.at = o.contains("transactTime") ? ms_field(o, "transactTime") : now;
    if (const auto* fills = o.if_contains("fills")) {
      for (const auto& f : as_array(*fills, "fills"))
        ack.fills.push_back(full_fill_of(as_object(f, "fill"), order, ack.at));
    }
    return ack;
  });
}

Result<CancelAck> parse_cancel_answer(std::string_view body, const InstrumentRegistry& registry,
                                      Timestamp now) {
  return read_answer<CancelAck>(body, "cancel answer", [&](const json::value& v) {
    auto order = order_of(as_object(v, "cancel answer"), registry, now, "origClientOrderId");
    return CancelAck{order.report.venue_order_id, order.client_order_id, order.report};
  });
}

Result<std::vector<CancelAck>> parse_cancel_all_answer(std::string_view body,
                                                       const InstrumentRegistry& registry,
                                                       Timestamp now) {
  return read_answer<std::vector<CancelAck>>(body, "cancel-all answer", [&](const json::value& v) {
    std::vector<CancelAck> out;
    for (const auto& e : as_array(v, "cancel-all answer")) {
      const auto& o = as_object(e, "cancelled order");
      if (!o.contains("orderId")) continue;  // an order list entry
      auto ord = order_of(o, registry, now, "origClientOrderId");
      out.push_back(CancelAck{ord.report.venue_order_id, ord.client_order_id, ord.report});
    }
    return out;
  });
}

Result<std::vector<VenueOrder>> parse_open_orders(std::string_view body,
                                                  const InstrumentRegistry& registry,
                                                  Timestamp now) {
  return read_answer<std::vector<VenueOrder>>(body, "open orders", [&](const json::value& v) {
    std::vector<VenueOrder> out;
    for (const auto& e : as_array(v, "open orders"))
      out.push_back(order_of(as_object(e, "order"), registry, now));
    return out;
  });
}

Result<std::vector<domain::Fill>> parse_my_trades(std::string_view body,
                                                  const InstrumentRegistry& registry) {
  return read_answer<std::vector<domain::Fill>>(body, "trades", [&](const json::value& v) {
    std::vector<domain::Fill> out;
    for (const auto& e : as_array(v, "trades"))
      out.push_back(trade_of(as_object(e, "trade"), registry));
    return out;
  });
}

Result<std::vector<domain::Balance>> parse_account(std::string_view body) {
  return read_answer<std::vector<domain::Balance>>(body, "account", [](const json::value& v) {
    std::vector<domain::Balance> out;
    const auto& o = as_object(v, "account");
    for (const auto& e : as_array(field(o, "balances"), "balances")) {
      const auto& b = as_object(e, "balance");
      auto bal = domain::Balance::create(str_field(b, "asset"), dec_field(b, "free"),
                                         dec_field(b, "locked"));
      if (!bal) throw ParseError{bal.error().message};
      out.push_back(std::move(*bal));
    }
    return out;
  });
}

Result<std::vector<Instrument>> parse_exchange_info(std::string_view body,
                                                    const InstrumentRegistry& registry) {
  return read_answer<std::vector<Instrument>>(body, "exchangeInfo", [&](const json::value& v) {
    std::vector<Instrument> out;
    const auto& o = as_object(v, "exchangeInfo");
    for (const auto& e : as_array(field(o, "symbols"), "symbols"))
      out.push_back(symbol_of(as_object(e, "symbol"), registry));
    return out;
  });
}

Result<Timestamp> parse_server_time(std::string_view body) {
  return read_answer<Timestamp>(body, "time answer", [](const json::value& v) {
    return ms_field(as_object(v, "time answer"), "serverTime");
  });
}

Result<std::vector<market::Candle>> parse_klines(std::string_view body, Duration interval,
                                                 Timestamp now) {
  if (interval < std::chrono::seconds(1) || interval.count() % 1'000'000 != 0)
    return fail(ErrorCode::invalid_argument,
                "klines: interval " + history::interval_text(interval) + " is not whole ms");
  return read_answer<std::vector<market::Candle>>(body, "klines", [&](const json::value& v) {
    std::vector<market::Candle> out;
    const auto& rows = as_array(v, "klines answer");
    out.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      try {
        out.push_back(kline_of(as_array(rows[i], "row"), interval));
      } catch (const ParseError& e) {
        throw ParseError{"kline " + std::to_string(i) + ": " + e.what};
      }
    }
    if (Status s = history::check_increasing(out); !s.ok()) throw ParseError{s.error().message};
    history::drop_open(out, now);
    return out;
  });
}

}  // namespace nzeza::venues::binance

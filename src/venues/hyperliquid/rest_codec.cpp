#include "venues/hyperliquid/rest_codec.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <ctime>

#include "market/candle_check.hpp"
#include "venues/hyperliquid/responses.hpp"

namespace nzeza::venues::hyperliquid {

namespace json = boost::json;

namespace {

constexpr std::string_view kQuote = "USDC";

// The docs' error types (Error responses page; docs/errors/hyperliquid.md), matched on the start
// of the venue's text. Each is a refusal of that order or cancel: nothing was executed.
struct KnownError {
  std::string_view prefix;
  std::string_view type;
  ErrorCode code;
};
constexpr KnownError kKnownErrors[] = {
    {"Price must be divisible by tick size", "Tick", ErrorCode::rejected},
    {"Order must have minimum value of $10", "MinTradeNtl", ErrorCode::rejected},
    {"Order must have minimum value of", "MinTradeSpotNtl", ErrorCode::rejected},
    {"Insufficient margin to place order", "PerpMargin", ErrorCode::insufficient_balance},
    {"Reduce only order would increase position", "ReduceOnly", ErrorCode::rejected},
    {"Post only order would have immediately matched", "BadAloPx", ErrorCode::rejected},
    {"Order could not immediately match against any resting orders", "IocCancel",
     ErrorCode::rejected},
    {"Invalid TP/SL price", "BadTriggerPx", ErrorCode::rejected},
    {"No liquidity available for market order", "MarketOrderNoLiquidity", ErrorCode::rejected},
    {"Order would increase open interest", "OpenInterestIncrease", ErrorCode::rejected},
    {"Order rejected due to price more aggressive than oracle", "TooAggressiveAtOpenInterestCap",
     ErrorCode::rejected},
    {"(Spot-only) Order has insufficient spot balance", "InsufficientSpotBalance",
     ErrorCode::insufficient_balance},
    {"Order price too far from oracle", "Oracle", ErrorCode::rejected},
    {"Order would cause position to exceed margin tier limit", "PerpMaxPosition",
     ErrorCode::rejected},
    {"Order was never placed, already canceled, or filled", "MissingOrder", ErrorCode::not_found},
};

// Top-level "err" texts that say the whole action was refused before it ran: a nonce outside
// the venue's rules ("Every new transaction must have nonce larger than the smallest nonce in
// this set and also never have been used before", nonces page), an action past its expiresAfter,
// a request the venue could not read, a vault it does not know, a scheduleCancel time refused.
constexpr std::string_view kNotTakenPrefixes[] = {
    "Invalid nonce",        "Action expired",
    "Invalid expiresAfter", "Invalid request",
    "Invalid order action", "Invalid cancel action",
    "Unknown action type",  "Failed to deserialize",
    "Vault not registered", "Scheduled cancel time too early",
};

constexpr CandleInterval kCandleIntervals[] = {
    {std::chrono::minutes(1), "1m"},   {std::chrono::minutes(3), "3m"},
    {std::chrono::minutes(5), "5m"},   {std::chrono::minutes(15), "15m"},
    {std::chrono::minutes(30), "30m"}, {std::chrono::hours(1), "1h"},
    {std::chrono::hours(2), "2h"},     {std::chrono::hours(4), "4h"},
    {std::chrono::hours(8), "8h"},     {std::chrono::hours(12), "12h"},
    {std::chrono::hours(24), "1d"},
};

Decimal pow10_neg(int decimals) {
  return Decimal::from_scaled(1, decimals).value_or(Decimal::from_raw8(1));
}

}  // namespace

Result<json::value> parse_answer(std::string_view body, std::string_view op) {
  std::error_code ec;
  auto parsed = json::parse(body, ec);
  if (ec) {
    return protocol(op, "malformed JSON answer (" + ec.message() + ")")
        .with_delivery(Delivery::answer_cut);
  }
  return parsed;
}

Error item_error(std::string_view op, std::string_view text) {
  for (const auto& k : kKnownErrors) {
    if (text.starts_with(k.prefix)) {
      return hl_error(k.code, op, text, std::string(k.type), std::string(text));
    }
  }
  return hl_error(ErrorCode::rejected, op, text, {}, std::string(text));
}

Error top_level_error(std::string_view op, std::string_view text) {
  // Only a text that says the action was not taken is a refusal: the signer is unknown or the
  // signature wrong, the nonce or expiresAfter is outside the venue's rules, the action could not
  // be read, the address is rate limited, or one of the docs' order errors. Any other top-level
  // "err" is kept verbatim but reported as OUTCOME UNKNOWN: nothing says the action did not run,
  // so the order is resolved by its cloid before anything is sent again.
  const auto has = [&](std::string_view s) { return text.find(s) != std::string_view::npos; };
  if (has("does not exist") || has("signature") || has("Signature")) {
    return hl_error(ErrorCode::auth_failed, op, text, "err", std::string(text));
  }
  if (text.starts_with("Too many") || has("rate limit") || has("Rate limit")) {
    return hl_error(ErrorCode::rate_limited, op, text, "err", std::string(text));
  }
  for (const auto& k : kKnownErrors) {
    if (text.starts_with(k.prefix)) {
      return hl_error(k.code, op, text, std::string(k.type), std::string(text));
    }
  }
  for (const std::string_view refused : kNotTakenPrefixes) {
    if (text.starts_with(refused)) {
      return hl_error(ErrorCode::rejected, op, text, "err", std::string(text));
    }
  }
  return hl_error(ErrorCode::protocol, op,
                  "top-level \"err\" not known to mean the action was not taken, outcome "
                  "unknown: " +
                      std::string(text),
                  "err", std::string(text))
      .with_delivery(Delivery::answer_unknown);
}

Result<json::value> read_exchange_answer(const json::value& body, std::string_view op) {
  const auto status = str_field(body, "status");
  const auto* response = field(body, "response");
  if (status == "err") {
    const auto text = response != nullptr && response->is_string()
                          ? std::string(response->get_string())
                          : (response != nullptr ? json::serialize(*response) : "");
    return top_level_error(op, text);
  }
  if (status != "ok" || response == nullptr) {
    return protocol(op, "answer without \"status\":\"ok\"|\"err\" and \"response\"");
  }
  return *response;
}

Result<const json::array*> read_statuses(const json::value& response, std::string_view op) {
  const auto* data = field(response, "data");
  const auto* st = data != nullptr ? field(*data, "statuses") : nullptr;
  if (st == nullptr || !st->is_array()) {
    return protocol(op, "answer without response.data.statuses");
  }
  return &st->get_array();
}

Result<PlaceStatus> read_place_status(const json::value& item, std::string_view op) {
  PlaceStatus out;
  if (item.is_string()) {
    // "waitingForTrigger" / "waitingForFill": accepted, not yet live in the book.
    const std::string_view s = item.get_string();
    if (s != "waitingForTrigger" && s != "waitingForFill") {
      return protocol(op, "unknown order status \"" + std::string(s) + "\"");
    }
    out.kind = PlaceStatus::Kind::waiting;
    return out;
  }
  if (auto e = str_field(item, "error")) return item_error(op, *e);
  if (const auto* resting = field(item, "resting")) {
    const auto oid = uint_of(field(*resting, "oid"));
    if (!oid) return protocol(op, "resting status without oid");
    out.kind = PlaceStatus::Kind::resting;
    out.venue_order_id = std::to_string(*oid);
    return out;
  }
  if (const auto* filled = field(item, "filled")) {
    const auto oid = uint_of(field(*filled, "oid"));
    auto total = decimal_field(*filled, "totalSz", op);
    auto avg = decimal_field(*filled, "avgPx", op);
    if (!oid || !total || !avg) return protocol(op, "filled status without oid/totalSz/avgPx");
    out.kind = PlaceStatus::Kind::filled;
    out.venue_order_id = std::to_string(*oid);
    out.total_size = *total;
    out.average_price = *avg;
    return out;
  }
  return protocol(op, "unknown order status item " + json::serialize(item));
}

Status read_cancel_status(const json::value& item, std::string_view op) {
  if (auto e = str_field(item, "error")) return item_error(op, *e);
  if (!item.is_string() || item.get_string() != "success") {
    return protocol(op, "unknown cancel status " + json::serialize(item));
  }
  return {};
}

Result<VenueOrder> read_order_status(const json::value& body, const InstrumentRegistry& registry,
                                     std::string_view op) {
  const auto status = str_field(body, "status");
  if (status == "unknownOid") {
    return hl_error(ErrorCode::not_found, op, "venue does not know this order", "unknownOid",
                    "unknownOid");
  }
  const auto* wrapper = field(body, "order");
  const auto* inner = wrapper != nullptr ? field(*wrapper, "order") : nullptr;
  const auto ostatus = wrapper != nullptr ? str_field(*wrapper, "status") : std::nullopt;
  if (status != "order" || inner == nullptr || !ostatus) {
    return protocol(op, "orderStatus answer without status/order");
  }
  Error e;
  auto vo = parse_order(*inner, registry, op, e);
  if (!vo) return e;
  if (!apply_order_status(*vo, *ostatus)) {
    return protocol(op, "unknown order status \"" + std::string(*ostatus) + "\"");
  }
  if (auto ts = ms_time_field(*wrapper, "statusTimestamp")) vo->report.at = *ts;
  return std::move(*vo);
}

Result<std::vector<VenueOrder>> read_open_orders(const json::value& body,
                                                 const InstrumentRegistry& registry,
                                                 std::string_view op) {
  if (!body.is_array()) return protocol(op, "openOrders answer is not an array");
  std::vector<VenueOrder> out;
  out.reserve(body.get_array().size());
  for (const auto& item : body.get_array()) {
    Error e;
    auto o = parse_order(item, registry, op, e);
    if (!o) return e;  // malformed (a coin not loaded is listed, never skipped)
    out.push_back(std::move(*o));
  }
  return out;
}

Result<std::vector<domain::Fill>> read_fills(const json::value& body,
                                             const InstrumentRegistry& registry,
                                             std::string_view op,
                                             std::optional<std::uint64_t> oid) {
  if (!body.is_array()) return protocol(op, "userFills answer is not an array");
  std::vector<domain::Fill> out;
  for (const auto& item : body.get_array()) {
    if (oid && uint_of(field(item, "oid")) != oid) continue;
    Error e;
    auto f = parse_fill(item, registry, op, e);
    if (!f) return e;  // malformed (a coin not loaded is listed, never skipped)
    out.push_back(std::move(*f));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });
  return out;
}

Result<MarginSummary> read_margin_summary(const json::value& body, std::string_view op) {
  const auto* summary = field(body, "marginSummary");
  if (summary == nullptr) return protocol(op, "clearinghouseState without marginSummary");
  auto total = decimal_field(*summary, "accountValue", op);
  if (!total) return total.error();
  auto available = decimal_field(body, "withdrawable", op);
  if (!available) return available.error();
  // withdrawable can exceed accountValue by rounding at the venue: never a negative lock.
  return MarginSummary{*total, std::min(*available, *total)};
}

Result<std::vector<VenuePosition>> read_positions(const json::value& body,
                                                  const InstrumentRegistry& registry,
                                                  std::string_view op) {
  const auto* aps = field(body, "assetPositions");
  if (aps == nullptr || !aps->is_array()) {
    return protocol(op, "clearinghouseState without assetPositions");
  }
  std::vector<VenuePosition> out;
  for (const auto& ap : aps->get_array()) {
    const auto* p = field(ap, "position");
    if (p == nullptr) return protocol(op, "assetPositions item without position");
    const auto coin = str_field(*p, "coin");
    if (!coin || coin->empty()) return protocol(op, "position without coin");
    auto szi = decimal_field(*p, "szi", op);
    if (!szi) return szi.error();
    VenuePosition vp;
    // A coin not loaded keeps an invalid instrument: never dropped (a missing position is not a
    // flat one).
    if (const auto* inst = registry.find(Venue::hyperliquid, *coin)) vp.instrument = inst->id;
    vp.venue_symbol = std::string(*coin);
    vp.quantity = *szi;
    vp.quote = std::string(kQuote);
    if (str_field(*p, "entryPx")) {
      if (auto e = decimal_field(*p, "entryPx", op)) vp.entry_price = *e;
    }
    if (auto m = decimal_field(*p, "marginUsed", op)) vp.margin = *m;
    if (auto u = decimal_field(*p, "unrealizedPnl", op)) vp.unrealized_pnl = *u;
    if (const auto* lev = field(*p, "leverage")) {
      if (auto lv = uint_of(field(*lev, "value"))) {
        if (*lv <= 1000) {
          vp.leverage = Decimal::from_int(static_cast<std::int64_t>(*lv)).value_or(Decimal::one());
        }
      }
    }
    out.push_back(std::move(vp));
  }
  return out;
}

Result<std::vector<Instrument>> read_meta(const json::value& body,
                                          const std::vector<std::string>& wanted,
                                          std::string_view op) {
  const auto* universe = field(body, "universe");
  if (universe == nullptr || !universe->is_array()) return protocol(op, "meta without universe");
  std::vector<Instrument> out;
  std::uint32_t index = 0;
  for (const auto& u : universe->get_array()) {
    const std::uint32_t asset = index++;
    const auto name = str_field(u, "name");
    const auto szd = uint_of(field(u, "szDecimals"));
    if (!name || name->empty() || !szd || *szd > 6) {
      return protocol(op, "universe item without name or with bad szDecimals");
    }
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), *name) == wanted.end()) {
      continue;
    }
    Instrument in;
    in.venue = Venue::hyperliquid;
    in.kind = InstrumentKind::perpetual;
    in.canonical = std::string(*name) + "-" + std::string(kQuote);
    in.venue_symbol = std::string(*name);
    in.ws_symbol = std::string(*name);
    in.base = std::string(*name);
    in.quote = std::string(kQuote);
    const int sz_decimals = static_cast<int>(*szd);
    in.price_rule = PriceRule::hyperliquid_sigfig;
    in.hyperliquid_sz_decimals = sz_decimals;
    in.hyperliquid_asset = asset;
    // The finest price step the rule allows (informative; the rule itself also caps figures).
    in.tick_size = pow10_neg(6 - sz_decimals);
    in.lot_size = pow10_neg(sz_decimals);
    in.min_size = in.lot_size;
    in.min_notional = Decimal::from_int(10).value();
    if (auto lev = uint_of(field(u, "maxLeverage")); lev && *lev <= UINT32_MAX) {
      in.max_leverage = static_cast<std::uint32_t>(*lev);
    }
    in.status = bool_field(u, "isDelisted").value_or(false) ? TradingStatus::halted
                                                            : TradingStatus::trading;
    out.push_back(std::move(in));
  }
  return out;
}

std::span<const CandleInterval> candle_intervals() noexcept {
  return kCandleIntervals;
}

Result<std::vector<market::Candle>> read_candles(const json::value& body, std::string_view coin,
                                                 Duration interval, Timestamp now,
                                                 std::string_view op) {
  std::vector<market::Candle> out;
  if (body.is_null()) return out;  // the venue's "no candle"
  if (!body.is_array()) return protocol(op, "candleSnapshot answer is not an array");
  const auto wire = history::find_wire(kCandleIntervals, interval);
  out.reserve(body.get_array().size());
  std::size_t index = 0;
  for (const auto& item : body.get_array()) {
    const std::string where = "candle " + std::to_string(index++);
    if (!item.is_object()) return protocol(op, where + " is not an object");
    const auto s = str_field(item, "s");
    if (!s) return protocol(op, where + ": missing string field \"s\" (coin)");
    if (*s != coin) {
      return protocol(
          op, where + ": field \"s\" is " + std::string(*s) + ", asked for " + std::string(coin));
    }
    const auto i = str_field(item, "i");
    if (!i) return protocol(op, where + ": missing string field \"i\" (interval)");
    if (!wire || *i != *wire) {
      return protocol(op, where + ": field \"i\" is " + std::string(*i) + ", asked for " +
                              (wire ? std::string(*wire) : market::interval_text(interval)));
    }
    const auto t = ms_time_field(item, "t");
    if (!t) return protocol(op, where + ": missing or malformed integer field \"t\" (start, ms)");
    const auto n = uint_of(field(item, "n"));
    if (!n || *n > UINT32_MAX) {
      return protocol(op, where + ": missing or malformed integer field \"n\" (trades)");
    }
    market::Candle c;
    c.start = *t;
    c.interval = interval;
    static constexpr std::array<const char*, 5> kPriceKeys{"o", "h", "l", "c", "v"};
    for (auto [key, to] : history::candle_decimals(c, kPriceKeys)) {
      const auto text = str_field(item, key);
      if (!text) {
        return protocol(op, where + ": missing decimal string field \"" + std::string(key) + "\"");
      }
      auto d = Decimal::parse(*text);
      if (!d) {
        return protocol(op, where + ": field \"" + std::string(key) + "\": " + d.error().message);
      }
      *to = *d;
    }
    history::set_trade_count(c, static_cast<std::uint32_t>(*n));
    if (auto ok = market::check_candle(c); !ok) {
      return protocol(op, where + " (t " + std::to_string(t->ms()) + "): " + ok.error().message);
    }
    if (c.end() > now) continue;  // still open
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  for (std::size_t k = 1; k < out.size(); ++k) {
    if (out[k].start == out[k - 1].start) {
      return protocol(op, "two candles start at t " + std::to_string(out[k].start.ms()));
    }
  }
  return out;
}

std::optional<Timestamp> parse_http_date(std::string_view text) {
  std::tm tm{};
  const std::string s(text);
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const std::time_t t = timegm(&tm);
  if (t < 0 || t > INT64_MAX / 1'000'000'000) return std::nullopt;  // Timestamp's range
  return Timestamp::from_seconds(static_cast<std::int64_t>(t));
}

}  // namespace nzeza::venues::hyperliquid

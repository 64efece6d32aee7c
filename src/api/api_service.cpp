#include "api/api_service.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "api/api_server.hpp"
#include "api/dashboard_assets.hpp"
#include "api/metrics.hpp"
#include "api/response_cache.hpp"
#include "app/market_shard.hpp"
#include "app/trading_server.hpp"
#include "core/enum_names.hpp"
#include "store/journal.hpp"

namespace nzeza::api {

namespace json = boost::json;

namespace {

enum class Need : std::uint8_t { none, read, trade, admin };

constexpr EnumNames kNeedNames{Need::admin, {"none", "read", "trade", "admin"}, "none"};

std::string_view to_string(Need n) noexcept {
  return kNeedNames.name(n);
}

ApiResponse json_response(unsigned status, const json::value& v) {
  ApiResponse r;
  r.status = status;
  r.body = json::serialize(v);
  return r;
}

unsigned status_of(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_argument:
    case ErrorCode::parse_error:
    case ErrorCode::overflow:
    case ErrorCode::precision:
      return 400;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::invalid_state:
      return 409;
    case ErrorCode::risk_refused:
      return 422;
    case ErrorCode::unavailable:
    case ErrorCode::timeout:
    case ErrorCode::cancelled:
    case ErrorCode::stale_data:
      return 503;
    default:
      return 500;
  }
}

ApiResponse from_error(const Error& e) {
  return error_response(status_of(e.code), to_string(e.code), e.message);
}

std::string dec(const Decimal& d) {
  return d.to_string();
}

json::value opt_dec(const std::optional<Decimal>& d) {
  return d ? json::value(d->to_string()) : json::value(nullptr);
}

double seconds_of(Duration d) {
  return std::chrono::duration<double>(d).count();
}

// "since" (unix seconds, default 0) and "limit" (default and cap: max rows) of a query string.
struct HistoryQuery {
  Timestamp since = Timestamp::from_seconds(0);
  std::size_t limit = 0;
};

std::optional<std::string_view> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

Result<std::int64_t> integer_param(std::string_view query, std::string_view name,
                                   std::int64_t fallback, std::int64_t min, std::int64_t max) {
  const auto text = query_param(query, name);
  if (!text) return fallback;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || end != text->data() + text->size() || v < min || v > max)
    return Error{ErrorCode::invalid_argument,
                 "query parameter '" + std::string(name) + "' must be an integer in [" +
                     std::to_string(min) + ", " + std::to_string(max) + "]"};
  return v;
}

// How stale a cached /prices answer may be when no price moved (ages, freshness, feed states).
constexpr Duration kPricesMaxAge = std::chrono::milliseconds(50);
std::string interval_text(Duration d) {
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (secs % 86'400 == 0) return std::to_string(secs / 86'400) + "d";
  if (secs % 3'600 == 0) return std::to_string(secs / 3'600) + "h";
  if (secs % 60 == 0) return std::to_string(secs / 60) + "m";
  return std::to_string(secs) + "s";
}

// "10s", "1m", "5m", "1h", "1d" or whole seconds ("60"); within a day.
std::optional<Duration> parse_interval(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t unit = 1;
  switch (text.back()) {
    case 's':
      text.remove_suffix(1);
      break;
    case 'm':
      unit = 60;
      text.remove_suffix(1);
      break;
    case 'h':
      unit = 3'600;
      text.remove_suffix(1);
      break;
    case 'd':
      unit = 86'400;
      text.remove_suffix(1);
      break;
    default:
      break;
  }
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n <= 0 || n * unit > 86'400)
    return std::nullopt;
  return std::chrono::seconds(n * unit);
}

json::object price_object(const app::SymbolStatus& s) {
  json::array venues;
  for (const auto& q : s.quotes) {
    venues.push_back(json::object{
        {"venue", to_string(q.venue)},
        {"bid", dec(q.bid)},
        {"ask", dec(q.ask)},
        {"age_ms", std::chrono::duration_cast<std::chrono::milliseconds>(q.age).count()},
        {"used", q.used}});
  }
  return json::object{{"symbol", s.symbol},
                      {"reference", opt_dec(s.reference)},
                      {"fresh", s.fresh},
                      {"venues", std::move(venues)}};
}

json::object alert_object(const app::Alert& a) {
  return json::object{{"time", a.at.to_iso8601()},
                      {"level", a.level},
                      {"source", a.source},
                      {"message", a.message}};
}

json::object order_object(const app::OrderView& o) {
  json::array fills;
  for (const auto& f : o.fills)
    fills.push_back(json::object{{"trade_id", f.trade_id},
                                 {"price", dec(f.price)},
                                 {"quantity", dec(f.quantity)},
                                 {"fee", dec(f.fee)},
                                 {"fee_currency", f.fee_currency},
                                 {"time", f.time.to_iso8601()}});
  return json::object{{"client_id", std::to_string(o.sequence)},
                      {"venue_client_order_id", o.client_order_id},
                      {"symbol", o.symbol},
                      {"venue", o.venue ? json::value(to_string(*o.venue)) : json::value(nullptr)},
                      {"purpose", o.purpose},
                      {"side", to_string(o.side)},
                      {"type", domain::to_string(o.type)},
                      {"quantity", dec(o.quantity)},
                      {"price", opt_dec(o.price)},
                      {"stop_price", opt_dec(o.stop_price)},
                      {"reduce_only", o.reduce_only},
                      {"state", o.state},
                      {"final", o.final},
                      {"cancelling", o.cancelling},
                      {"detail", o.detail},
                      {"filled", dec(o.filled)},
                      {"fills", std::move(fills)},
                      {"created", o.created.to_iso8601()},
                      {"updated", o.updated.to_iso8601()}};
}

// The last path segment: the {client_id} of "/api/v1/orders/{client_id}".
std::string_view path_param(const ApiRequest& r) {
  std::string_view path = r.target;
  path = path.substr(0, path.find('?'));
  return path.substr(path.rfind('/') + 1);
}

// A route's path matches: equal, or a "{param}" at its end standing for one non-empty segment.
bool path_matches(std::string_view pattern, std::string_view path) {
  const auto brace = pattern.find('{');
  if (brace == std::string_view::npos) return pattern == path;
  if (path.size() <= brace || path.substr(0, brace) != pattern.substr(0, brace)) return false;
  return path.substr(brace).find('/') == std::string_view::npos;
}

bool flag_param(std::string_view query, std::string_view name) {
  const auto v = query_param(query, name);
  return v && (*v == "true" || *v == "1" || v->empty());
}

}  // namespace

std::string price_json(const app::SymbolStatus& symbol) {
  return json::serialize(price_object(symbol));
}

std::string alert_json(const app::Alert& alert) {
  return json::serialize(alert_object(alert));
}

struct ApiService::Impl {
  using Handler = ApiResponse (Impl::*)(const ApiRequest&, std::string_view query,
                                        const std::optional<KeyInfo>& key);
  struct Route {
    std::string method;
    std::string path;
    Need need = Need::read;
    Handler handler = nullptr;
  };

  app::TradingServer& server;
  KeyStore& keys;
  Clock& clock;
  ApiServiceOptions options;
  RequestLimiter per_key;
  RequestLimiter per_address;
  std::vector<Route> table;

  Impl(app::TradingServer& s, KeyStore& k, Clock& c, ApiServiceOptions o)
      : server(s),
        keys(k),
        clock(c),
        options(std::move(o)),
        per_key(c, options.per_key),
        per_address(c, options.per_address) {
    const std::string p(kApiPrefix);
    table = {
        {"GET", p + "/health", Need::none, &Impl::health},
        {"GET", p + "/ready", Need::none, &Impl::ready},
        {"GET", p + "/openapi.json", Need::none, &Impl::openapi},
        {"GET", p + "/status", Need::read, &Impl::status},
        {"GET", p + "/prices", Need::read, &Impl::prices},
        {"GET", p + "/signals", Need::read, &Impl::signals},
        {"GET", p + "/orders", Need::read, &Impl::orders},
        {"POST", p + "/orders", Need::trade, &Impl::place},
        {"DELETE", p + "/orders", Need::trade, &Impl::cancel_all},
        {"GET", p + "/orders/{client_id}", Need::read, &Impl::order},
        {"DELETE", p + "/orders/{client_id}", Need::trade, &Impl::cancel_one},
        {"GET", p + "/candles", Need::read, &Impl::candles},
        {"GET", p + "/alerts", Need::read, &Impl::alerts},
        {"GET", p + "/screening", Need::read, &Impl::screening},
        {"GET", p + "/positions", Need::read, &Impl::positions},
        {"GET", p + "/portfolio", Need::read, &Impl::portfolio},
        {"GET", p + "/trades", Need::read, &Impl::trades},
        {"GET", p + "/audit", Need::read, &Impl::audit},
        {"GET", p + "/reconciliations", Need::read, &Impl::reconciliations},
        {"GET", p + "/config", Need::read, &Impl::config},
        {"GET", p + "/kill-switch", Need::read, &Impl::kill_state},
        {"POST", p + "/kill-switch", Need::admin, &Impl::kill_set},
        // Prometheus' conventional path, outside the API's prefix. Read scope: it shows
        // positions and PnL; a scraper sends its key as `authorization: {credentials: ...}`.
        {"GET", std::string(kMetricsPath), Need::read, &Impl::metrics},
    };
  }

  void log(std::string_view line) const {
    if (options.log) options.log(line);
  }

  static std::string who(const std::optional<KeyInfo>& key, const ApiRequest& r) {
    if (!key) return "address " + r.remote_address;
    return "key " + key->id + (key->name.empty() ? "" : " (" + key->name + ")");
  }

  static std::optional<ApiResponse> throttled(std::optional<Duration> wait) {
    if (!wait) return std::nullopt;
    const auto secs =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(seconds_of(*wait))));
    ApiResponse r = error_response(429, "rate_limited",
                                   "too many requests: retry after " + std::to_string(secs) + " s");
    r.headers.emplace_back("Retry-After", std::to_string(secs));
    return r;
  }

  ApiResponse handle(const ApiRequest& request) {
    // 0. The dashboard's static files: no data in them, so no key and no bucket.
    if (auto asset = dashboard_response(request)) return *asset;
    // 1. Who is asking.
    std::optional<KeyInfo> key;
    if (!request.authorization.empty()) {
      constexpr std::string_view kBearer = "Bearer ";
      std::string_view auth = request.authorization;
      const bool bearer =
          auth.size() > kBearer.size() &&
          std::equal(kBearer.begin(), kBearer.end(), auth.begin(),
                     [](char a, char b) { return std::tolower(a) == std::tolower(b); });
      if (bearer) {
        auto check = keys.authenticate_current(auth.substr(kBearer.size()), clock.now());
        if (!check.reload) log("api: keys not reloaded: " + check.reload.error().message);
        key = std::move(check.key);
      }
      if (!key) {
        if (auto r = throttled(per_address.take(request.remote_address))) return *r;
        log("api: 401 invalid key from " + request.remote_address);
        ApiResponse r = error_response(401, "unauthorized",
                                       "the Authorization header holds no valid API key (expected "
                                       "\"Bearer <key>\"; the key may have been revoked)");
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return r;
      }
    }
    // 2. Its bucket.
    // (Not logged: a flood of 429s would flood the operator's console.)
    if (auto r = throttled(key ? per_key.take("key:" + key->id)
                               : per_address.take(request.remote_address)))
      return *r;
    // 3. The route.
    std::string_view target = request.target;
    const auto qmark = target.find('?');
    const std::string_view path = target.substr(0, qmark);
    const std::string_view query =
        qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1);
    const Route* found = nullptr;
    std::string allow;
    for (const auto& route : table) {
      if (!path_matches(route.path, path)) continue;
      allow += (allow.empty() ? "" : ", ") + route.method;
      if (route.method == request.method) found = &route;
    }
    if (!found) {
      if (allow.empty()) return error_response(404, "not_found", "no route " + std::string(path));
      ApiResponse r = error_response(
          405, "method_not_allowed",
          request.method + " is not served on " + std::string(path) + " (allowed: " + allow + ")");
      r.headers.emplace_back("Allow", allow);
      return r;
    }
    // 4. The scope.
    if (found->need != Need::none) {
      if (!key) {
        ApiResponse r =
            error_response(401, "unauthorized",
                           std::string(path) + " needs an API key: Authorization: Bearer <key>");
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return r;
      }
      const Scope needed = found->need == Need::read    ? Scope::read
                           : found->need == Need::trade ? Scope::trade
                                                        : Scope::admin;
      if (!allows(key->scope, needed)) {
        log("api: 403 " + request.method + " " + std::string(path) + " for " + who(key, request));
        return error_response(403, "forbidden",
                              request.method + " " + std::string(path) + " needs scope " +
                                  std::string(api::to_string(needed)) + "; this key has " +
                                  std::string(api::to_string(key->scope)));
      }
    }
    // 5. The answer.
    return (this->*(found->handler))(request, query, key);
  }

  // ── routes ──────────────────────────────────────────────────────────────────────────────────

  ApiResponse health(const ApiRequest&, std::string_view, const std::optional<KeyInfo>&) {
    return json_response(200,
                         json::object{{"status", "alive"}, {"time", clock.now().to_iso8601()}});
  }

  ApiResponse ready(const ApiRequest&, std::string_view, const std::optional<KeyInfo>&) {
    auto s = server.status();
    if (!s) return from_error(s.error());
    json::array feeds;
    bool all_live = true;
    for (const auto& f : s->feeds) {
      const bool live = f.live;
      all_live = all_live && live;
      feeds.push_back(json::object{
          {"venue", f.venue},
          {"state", f.state},
          {"age_s", f.has_event ? json::value(seconds_of(f.age)) : json::value(nullptr)},
          {"live", live}});
    }
    const auto& rec = server.recovery_report();
    json::array venues;
    for (const auto& v : rec.venues) {
      venues.push_back(json::object{{"venue", to_string(v.venue)},
                                    {"answered", v.answered},
                                    {"trading_allowed", v.trading_allowed()}});
    }
    json::object blocked;
    for (const auto& [symbol, why] : s->execution.blocked) blocked[symbol] = why;
    // Each venue's client now (circuit, failed requests, private stream), not only at the start.
    json::array clients;
    json::array not_ready;
    for (const auto& v : server.venue_health()) {
      clients.push_back(
          json::object{{"venue", v.venue},
                       {"healthy", v.healthy},
                       {"reason", v.healthy ? json::value(nullptr) : json::value(v.reason)}});
      if (!v.healthy) not_ready.emplace_back("venue " + v.venue + ": " + v.reason);
    }
    for (const auto& f : s->feeds)
      if (!f.live) not_ready.emplace_back("feed " + f.venue + ": " + f.state);
    if (!rec.trading_allowed)
      not_ready.emplace_back("the start-up reconciliation does not allow trading");
    if (s->execution.halted) not_ready.emplace_back("a risk halt is latched");
    if (s->execution.stopping) not_ready.emplace_back("the server is stopping");
    const bool trading = !s->execution.halted && !s->execution.stopping;
    const bool is_ready = not_ready.empty() && all_live && trading && rec.trading_allowed;
    return json_response(is_ready ? 200 : 503,
                         json::object{{"ready", is_ready},
                                      {"not_ready", std::move(not_ready)},
                                      {"mode", s->mode},
                                      {"feeds", std::move(feeds)},
                                      {"venues", std::move(venues)},
                                      {"venue_clients", std::move(clients)},
                                      {"recovery_trading_allowed", rec.trading_allowed},
                                      {"kill_switch", s->execution.kill_switch},
                                      {"halted", s->execution.halted},
                                      {"stopping", s->execution.stopping},
                                      {"blocked", std::move(blocked)}});
  }

  ApiResponse openapi(const ApiRequest&, std::string_view, const std::optional<KeyInfo>&) {
    ApiResponse r;
    r.body = std::string(openapi_document());
    return r;
  }

  ApiResponse status(const ApiRequest&, std::string_view, const std::optional<KeyInfo>&) {
    auto s = server.status();
    if (!s) return from_error(s.error());
    json::object refusals;
    for (const auto& [reason, n] : s->execution.refusals) refusals[reason] = n;
    return json_response(200, json::object{{"time", s->at.to_iso8601()},
                                           {"mode", s->mode},
                                           {"signals", s->execution.signals},
                                           {"orders_sent", s->execution.orders_sent},
                                           {"orders_refused", s->execution.orders_refused},
                                           {"exits_sent", s->execution.exits_sent},
                                           {"unknown_outcomes", s->execution.unknown_outcomes},
                                           {"refusals", std::move(refusals)},
                                           {"kill_switch", s->execution.kill_switch},
                                           {"halted", s->execution.halted},
                                           {"restarts", s->restarts},
                                           {"dead_letters", s->dead_letters}});
  }

  // Rendered once per market change (at most kPricesMaxAge old), not once per request: a burst
  // of reads costs the actors one status round trip (response_cache.hpp).
  ResponseCache prices_cache{kPricesMaxAge};
  ApiResponse prices(const ApiRequest&, std::string_view, const std::optional<KeyInfo>&) {
    return prices_cache.get(server.market_version(), clock.now(),
                            [this] { return render_prices(); });
  }
  ApiResponse render_prices() {
    auto s = server.status();
    if (!s) return from_error(s.error());
    json::array symbols;
    for (const auto& sym : s->symbols) symbols.push_back(price_object(sym));
    json::array feeds;
    for (const auto& f : s->feeds) {
      feeds.push_back(json::object{
          {"venue", f.venue},
          {"state", f.state},
          {"age_s", f.has_event ? json::value(seconds_of(f.age)) : json::value(nullptr)}});
    }
    return json_response(200, json::object{{"time", s->at.to_iso8601()},
                                           {"prices", std::move(symbols)},
                                           {"feeds", std::move(feeds)}});
  }

  ApiResponse signals(const ApiRequest&, std::string_view, const std::optional<KeyInfo>&) {
    auto s = server.status();
    if (!s) return from_error(s.error());
    json::array out;
    for (const auto& sym : s->symbols) {
      out.push_back(
          json::object{{"symbol", sym.symbol},
                       {"last_signal", sym.last_signal.empty() ? json::value(nullptr)
                                                               : json::value(sym.last_signal)},
                       {"warm_candles", sym.warm_candles},
                       {"warm_needed", sym.warm_needed}});
    }
    return json_response(200, json::object{{"signals", std::move(out)}});
  }

  ApiResponse orders(const ApiRequest&, std::string_view, const std::optional<KeyInfo>&) {
    auto s = server.status();
    if (!s) return from_error(s.error());
    json::array out;
    for (const auto& o : s->execution.open_orders) {
      out.push_back(json::object{{"client_order_id", o.client_order_id},
                                 {"venue", to_string(o.venue)},
                                 {"symbol", o.symbol},
                                 {"description", o.description}});
    }
    return json_response(200, json::object{{"open_orders", std::move(out)}});
  }

  ApiResponse place(const ApiRequest& request, std::string_view,
                    const std::optional<KeyInfo>& key) {
    boost::system::error_code ec;
    const json::value body = json::parse(request.body, ec);
    if (ec || !body.is_object())
      return error_response(400, "bad_request", "the body must be a JSON object");
    const auto& o = body.as_object();
    const auto* symbol = o.if_contains("symbol");
    const auto* side = o.if_contains("side");
    if (!symbol || !symbol->is_string())
      return error_response(400, "bad_request",
                            "'symbol' (a string, e.g. \"BTC-USD\") is required");
    if (!side || !side->is_string() || (side->as_string() != "buy" && side->as_string() != "sell"))
      return error_response(400, "bad_request", "'side' must be \"buy\" or \"sell\"");
    double confidence = 1.0;
    if (const auto* c = o.if_contains("confidence")) {
      if (!c->is_number() || c->to_number<double>() < 0 || c->to_number<double>() > 1)
        return error_response(400, "bad_request", "'confidence' must be a number in [0, 1]");
      confidence = c->to_number<double>();
    }
    const std::string sym(symbol->as_string());
    if (o.contains("quantity") || o.contains("limit_price")) return place_quantity(request, o, key);
    const auto kind =
        side->as_string() == "buy" ? strategy::SignalKind::buy : strategy::SignalKind::sell;
    if (auto st = server.submit_signal(sym, kind, confidence); !st) {
      if (st.error().code == ErrorCode::invalid_argument)
        return error_response(404, "not_found", "unknown symbol '" + sym + "'");
      return from_error(st.error());
    }
    log("api: manual " + std::string(side->as_string()) + " " + sym + " submitted by " +
        who(key, request));
    return json_response(202,
                         json::object{{"submitted", true},
                                      {"symbol", sym},
                                      {"side", side->as_string()},
                                      {"confidence", confidence},
                                      {"note",
                                       "handed to execution: sizing and the risk gate decide; see "
                                       "/api/v1/orders, /api/v1/status and /api/v1/audit"}});
  }

  // POST /orders with "quantity": the execution actor checks the rules and the risk gate now.
  ApiResponse place_quantity(const ApiRequest& request, const json::object& o,
                             const std::optional<KeyInfo>& key) {
    const std::string sym(o.at("symbol").as_string());
    const bool buy = o.at("side").as_string() == "buy";
    auto decimal = [&](std::string_view name) -> Result<std::optional<Decimal>> {
      const json::value* v = o.if_contains(name);
      if (v == nullptr) return std::optional<Decimal>{};
      if (!v->is_string())
        return Error{ErrorCode::invalid_argument,
                     "'" + std::string(name) +
                         "' must be an exact decimal STRING (e.g. \"0.001\"): a JSON number "
                         "may not survive a double"};
      auto d = Decimal::parse(v->as_string());
      if (!d)
        return Error{ErrorCode::invalid_argument,
                     "'" + std::string(name) + "': " + d.error().message};
      return std::optional<Decimal>(*d);
    };
    auto quantity = decimal("quantity");
    if (!quantity) return error_response(400, "bad_request", quantity.error().message);
    if (!*quantity)
      return error_response(400, "bad_request",
                            "'limit_price' needs 'quantity' (a signal is sized by the server)");
    auto limit = decimal("limit_price");
    if (!limit) return error_response(400, "bad_request", limit.error().message);
    auto placed = server.place_order(sym, buy ? Side::buy : Side::sell, **quantity, *limit,
                                     who(key, request));
    if (!placed) {
      const Error& e = placed.error();
      switch (e.code) {
        case ErrorCode::not_found:
          return error_response(404, "not_found", "unknown symbol '" + sym + "'");
        case ErrorCode::invalid_argument:
          return error_response(422, "invalid_order", e.message);
        case ErrorCode::risk_refused:
          return error_response(422, "risk_refused", e.message);
        default:
          return from_error(e);
      }
    }
    log("api: manual order #" + std::to_string(*placed) + " " + (buy ? "buy " : "sell ") +
        (*quantity)->to_string() + " " + sym + " sent by " + who(key, request));
    return json_response(
        202, json::object{{"submitted", true},
                          {"client_id", std::to_string(*placed)},
                          {"symbol", sym},
                          {"side", buy ? "buy" : "sell"},
                          {"quantity", (*quantity)->to_string()},
                          {"limit_price", opt_dec(*limit)},
                          {"note", "passed the risk gate and sent; its state: GET /api/v1/orders/" +
                                       std::to_string(*placed)}});
  }

  ApiResponse order(const ApiRequest& request, std::string_view, const std::optional<KeyInfo>&) {
    auto o = server.order(path_param(request));
    if (!o) return from_error(o.error());
    return json_response(200, order_object(*o));
  }

  ApiResponse cancel_answer(const Result<app::CancelOrders::Answer>& a) {
    if (!a) return from_error(a.error());
    json::array cancelling;
    for (const auto& o : a->cancelling) cancelling.push_back(order_object(o));
    json::array kept;
    for (const auto& k : a->kept)
      kept.push_back(json::object{
          {"client_id", std::to_string(k.sequence)}, {"symbol", k.symbol}, {"why", k.why}});
    return json_response(202, json::object{{"cancelling", std::move(cancelling)},
                                           {"kept", std::move(kept)},
                                           {"note",
                                            "cancels sent: their outcome comes from the venue "
                                            "(GET /api/v1/orders/{client_id})"}});
  }

  ApiResponse cancel_one(const ApiRequest& request, std::string_view query,
                         const std::optional<KeyInfo>& key) {
    const std::string id(path_param(request));
    const bool force = flag_param(query, "force");
    log("api: cancel " + id + (force ? " (forced)" : "") + " asked by " + who(key, request));
    return cancel_answer(server.cancel_orders(id, {}, force, who(key, request)));
  }

  ApiResponse cancel_all(const ApiRequest& request, std::string_view query,
                         const std::optional<KeyInfo>& key) {
    const std::string symbol(query_param(query, "symbol").value_or(""));
    const bool force = flag_param(query, "force");
    log("api: cancel all" + (symbol.empty() ? std::string() : " " + symbol) +
        (force ? " (forced)" : "") + " asked by " + who(key, request));
    return cancel_answer(server.cancel_orders(std::nullopt, symbol, force, who(key, request)));
  }

  ApiResponse candles(const ApiRequest&, std::string_view query, const std::optional<KeyInfo>&) {
    const auto symbol = query_param(query, "symbol");
    if (!symbol || symbol->empty())
      return error_response(400, "bad_request", "query parameter 'symbol' is required");
    std::optional<Duration> interval;
    if (const auto text = query_param(query, "interval")) {
      interval = parse_interval(*text);
      if (!interval)
        return error_response(400, "invalid_argument",
                              "query parameter 'interval' must be like 10s, 1m, 5m, 1h, 1d or "
                              "whole seconds, at most a day");
    }
    auto limit =
        integer_param(query, "limit", 100, 1, static_cast<std::int64_t>(app::kCandleHistory));
    if (!limit) return from_error(limit.error());
    const std::string sym(*symbol);
    auto series = server.candles(sym, interval, static_cast<std::size_t>(*limit));
    if (!series) return from_error(series.error());
    const Duration step = interval.value_or(server.config().candle_interval);
    json::array out;
    auto add = [&](const market::Candle& c, bool closed) {
      out.push_back(json::object{{"symbol", sym},
                                 {"interval", interval_text(step)},
                                 {"open_time", c.start.to_iso8601()},
                                 {"open", dec(c.open)},
                                 {"high", dec(c.high)},
                                 {"low", dec(c.low)},
                                 {"close", dec(c.close)},
                                 {"volume", dec(c.volume)},
                                 {"gap", c.gap},
                                 {"closed", closed}});
    };
    for (const auto& c : series->closed) add(c, true);
    if (series->current) add(*series->current, false);
    return json_response(
        200, json::object{
                 {"symbol", sym}, {"interval", interval_text(step)}, {"candles", std::move(out)}});
  }

  ApiResponse alerts(const ApiRequest&, std::string_view query, const std::optional<KeyInfo>&) {
    auto limit = integer_param(query, "limit", 100, 1, static_cast<std::int64_t>(app::kAlertRing));
    if (!limit) return from_error(limit.error());
    json::array out;
    for (const auto& a : server.alerts(static_cast<std::size_t>(*limit)))
      out.push_back(alert_object(a));
    return json_response(200, json::object{{"alerts", std::move(out)}});
  }

  ApiResponse screening(const ApiRequest&, std::string_view, const std::optional<KeyInfo>&) {
    auto rows = server.journal().latest_screening();
    if (!rows) return from_error(rows.error());
    json::array out;
    std::optional<Timestamp> at;
    for (const auto& r : *rows) {
      at = r.at;
      boost::system::error_code ec;
      json::value details = json::parse(r.details_json, ec);
      out.push_back(json::object{{"symbol", r.canonical},
                                 {"score", r.score},
                                 {"details", ec ? json::value(nullptr) : std::move(details)}});
    }
    return json_response(
        200, json::object{{"at", at ? json::value(at->to_iso8601()) : json::value(nullptr)},
                          {"screening", std::move(out)}});
  }

  ApiResponse positions(const ApiRequest&, std::string_view, const std::optional<KeyInfo>&) {
    auto s = server.status();
    if (!s) return from_error(s.error());
    json::array out;
    for (const auto& p : s->portfolio.positions) {
      out.push_back(json::object{{"symbol", p.symbol},
                                 {"venue", to_string(p.venue)},
                                 {"quantity", dec(p.quantity)},
                                 {"average_entry", dec(p.average_entry)},
                                 {"mark", opt_dec(p.mark)},
                                 {"realized_pnl", dec(p.realized_pnl)},
                                 {"unrealized_pnl", dec(p.unrealized_pnl)},
                                 {"fees", dec(p.fees)}});
    }
    return json_response(200, json::object{{"positions", std::move(out)}});
  }

  ApiResponse portfolio(const ApiRequest&, std::string_view, const std::optional<KeyInfo>&) {
    auto s = server.status();
    if (!s) return from_error(s.error());
    const auto& p = s->portfolio;
    return json_response(200, json::object{{"cash", dec(p.cash)},
                                           {"equity", dec(p.equity)},
                                           {"realized_pnl", dec(p.realized_pnl)},
                                           {"unrealized_pnl", dec(p.unrealized_pnl)},
                                           {"fees", dec(p.fees)},
                                           {"fills", p.fills},
                                           {"positions", p.positions.size()}});
  }

  Result<HistoryQuery> history(std::string_view query) const {
    auto since = integer_param(query, "since", 0, 0, 32'503'680'000);
    if (!since) return since.error();
    const auto max = static_cast<std::int64_t>(options.max_history_rows);
    auto limit = integer_param(query, "limit", max, 1, max);
    if (!limit) return limit.error();
    return HistoryQuery{Timestamp::from_seconds(*since), static_cast<std::size_t>(*limit)};
  }

  ApiResponse trades(const ApiRequest&, std::string_view query, const std::optional<KeyInfo>&) {
    auto q = history(query);
    if (!q) return from_error(q.error());
    auto fills = server.journal().fills_since(q->since, q->limit);
    if (!fills) return from_error(fills.error());
    json::array out;
    for (const auto& f : *fills) {
      out.push_back(json::object{{"venue", to_string(f.fill.venue)},
                                 {"symbol", f.fill.venue_symbol},
                                 {"trade_id", f.fill.trade_id},
                                 {"client_order_id", f.fill.client_order_id},
                                 {"side", to_string(f.fill.side)},
                                 {"price", dec(f.fill.price)},
                                 {"quantity", dec(f.fill.quantity)},
                                 {"fee", dec(f.fill.fee)},
                                 {"fee_currency", f.fill.fee_currency},
                                 {"time", f.fill.time.to_iso8601()},
                                 {"sequence", f.sequence}});
    }
    return json_response(200, json::object{{"trades", std::move(out)}});
  }

  ApiResponse audit(const ApiRequest&, std::string_view query, const std::optional<KeyInfo>&) {
    auto q = history(query);
    if (!q) return from_error(q.error());
    auto lines = server.journal().audit_since(q->since, q->limit);
    if (!lines) return from_error(lines.error());
    json::array out;
    for (const auto& a : *lines) {
      json::object fields;
      for (const auto& [k, v] : a.fields) fields[k] = v;
      out.push_back(json::object{{"time", a.at.to_iso8601()},
                                 {"kind", a.kind},
                                 {"text", a.text},
                                 {"fields", std::move(fields)}});
    }
    return json_response(200, json::object{{"audit", std::move(out)}});
  }

  ApiResponse reconciliations(const ApiRequest&, std::string_view query,
                              const std::optional<KeyInfo>&) {
    const auto max = static_cast<std::int64_t>(options.max_history_rows);
    auto limit = integer_param(query, "limit", max, 1, max);
    if (!limit) return from_error(limit.error());
    auto rows = server.journal().reconciliations(static_cast<std::size_t>(*limit));
    if (!rows) return from_error(rows.error());
    json::array out;
    for (const auto& r : *rows) {
      boost::system::error_code ec;
      json::value report = json::parse(r.report_json, ec);
      out.push_back(json::object{{"time", r.at.to_iso8601()},
                                 {"venue", to_string(r.venue)},
                                 {"worst", r.worst},
                                 {"trading_allowed", r.trading_allowed},
                                 {"report", ec ? json::value(r.report_json) : std::move(report)}});
    }
    boost::system::error_code ec;
    json::value start_up = json::parse(server.recovery_report().to_json(), ec);
    if (ec) start_up = nullptr;
    return json_response(
        200, json::object{{"start_up", std::move(start_up)}, {"reconciliations", std::move(out)}});
  }

  ApiResponse config(const ApiRequest&, std::string_view, const std::optional<KeyInfo>&) {
    const app::Config& c = server.config();
    json::array venues;
    for (const auto& v : c.venues) {
      json::array symbols;
      for (const auto& s : v.symbols) symbols.emplace_back(s);
      venues.push_back(json::object{
          {"venue", to_string(v.venue)},
          {"symbols", std::move(symbols)},
          {"rest_url", v.rest_url},
          {"ws_url", v.ws_url},
          {"private_ws_url", v.private_ws_url},
          // Where the credentials come from is configuration; what they are never leaves.
          {"credentials",
           v.credentials.kind == app::CredentialsSource::Kind::none ? "none" : "<redacted>"}});
    }
    json::array paper_symbols;
    for (const auto& s : c.paper.symbols) paper_symbols.emplace_back(s);
    const auto& r = c.risk;
    return json_response(
        200, json::object{
                 {"mode", app::to_string(c.mode)},
                 {"market_data", json::object{{"source", app::to_string(c.market_data.source)}}},
                 {"venues", std::move(venues)},
                 {"paper", json::object{{"symbols", std::move(paper_symbols)},
                                        {"quote_currency", c.paper.quote_currency},
                                        {"starting_cash", dec(c.paper.starting_cash)},
                                        {"taker_fee_bps", dec(c.paper.taker_fee_bps)},
                                        {"maker_fee_bps", dec(c.paper.maker_fee_bps)},
                                        {"slippage_bps", dec(c.paper.slippage_bps)}}},
                 {"strategies",
                  json::object{{"fast_scalping", c.strategies.fast_scalping},
                               {"momentum_scalping", c.strategies.momentum_scalping},
                               {"conservative_scalping", c.strategies.conservative_scalping},
                               {"mean_reversion", c.strategies.mean_reversion}}},
                 {"risk", json::object{{"trading_enabled", r.trading_enabled},
                                       {"min_confidence", r.min_confidence},
                                       {"max_portfolio_exposure", dec(r.max_portfolio_exposure)},
                                       {"max_order_notional", dec(r.max_order_notional)},
                                       {"max_daily_loss_fraction", dec(r.max_daily_loss_fraction)},
                                       {"max_drawdown_fraction", dec(r.max_drawdown_fraction)},
                                       {"max_leverage", dec(r.max_leverage)},
                                       {"max_trades_per_hour", r.max_trades_per_hour},
                                       {"max_trades_per_day", r.max_trades_per_day}}},
                 {"sizing", json::object{{"exposure_per_trade", dec(c.sizing.exposure_per_trade)},
                                         {"min_order_notional", dec(c.sizing.min_order_notional)},
                                         {"leverage", dec(c.sizing.leverage)}}},
                 {"exits", json::object{{"stop_loss", opt_dec(c.exits.stop_loss)},
                                        {"take_profit", opt_dec(c.exits.take_profit)},
                                        {"trailing_stop", opt_dec(c.exits.trailing_stop)}}},
                 {"candle_interval_s", seconds_of(c.candle_interval)},
                 {"data_dir", c.data_dir},
                 {"shutdown", app::to_string(c.shutdown)},
                 {"api", json::object{{"enabled", c.api.enabled},
                                      {"bind_address", c.api.bind_address},
                                      {"port", c.api.port},
                                      {"tls", !c.api.cert_file.empty()},
                                      {"cert_file", c.api.cert_file},
                                      {"key_file", c.api.key_file.empty() ? "" : "<redacted>"}}}});
  }

  ApiResponse metrics(const ApiRequest&, std::string_view, const std::optional<KeyInfo>&) {
    auto s = server.status();
    if (!s) return from_error(s.error());
    ApiResponse r;
    r.content_type = std::string(kPrometheusContentType);
    r.body = prometheus_text(*s);
    if (options.extra_metrics) r.body += options.extra_metrics();
    return r;
  }

  ApiResponse kill_state(const ApiRequest&, std::string_view, const std::optional<KeyInfo>&) {
    auto s = server.status();
    if (!s) return from_error(s.error());
    return json_response(200, json::object{{"engaged", s->execution.kill_switch}});
  }

  ApiResponse kill_set(const ApiRequest& request, std::string_view,
                       const std::optional<KeyInfo>& key) {
    boost::system::error_code ec;
    const json::value body = json::parse(request.body, ec);
    const json::value* engage =
        (!ec && body.is_object()) ? body.as_object().if_contains("engage") : nullptr;
    if (!engage || !engage->is_bool())
      return error_response(400, "bad_request",
                            "the body must be {\"engage\": true|false, \"reason\": \"...\"}");
    std::string reason = "operator API, " + who(key, request);
    if (const auto* r = body.as_object().if_contains("reason"); r && r->is_string())
      reason = std::string(r->as_string()) + " (" + reason + ")";
    server.kill_switch(engage->as_bool(), reason);
    log(std::string("api: kill switch ") + (engage->as_bool() ? "engaged" : "released") + " by " +
        who(key, request));
    return json_response(200, json::object{{"engaged", engage->as_bool()}, {"reason", reason}});
  }
};

ApiService::ApiService(app::TradingServer& server, KeyStore& keys, Clock& clock,
                       ApiServiceOptions options)
    : impl_(std::make_unique<Impl>(server, keys, clock, std::move(options))) {}

ApiService::~ApiService() = default;

ApiResponse ApiService::handle(const ApiRequest& request) {
  return impl_->handle(request);
}

std::optional<ApiResponse> ApiService::admit_stream(const ApiRequest& upgrade) {
  return Impl::throttled(impl_->per_address.take(upgrade.remote_address));
}

Result<Scope> ApiService::authenticate_stream(std::string_view token, const std::string& remote) {
  Impl& m = *impl_;
  if (auto st = m.keys.reload_if_changed(); !st)
    m.log("api: keys not reloaded: " + st.error().message);
  const auto key = m.keys.authenticate(token);
  if (!key) {
    m.log("api: stream: invalid key from " + remote);
    return Error{ErrorCode::auth_failed,
                 "the token is not a valid API key (it may have been revoked)"};
  }
  if (auto wait = m.per_key.take("key:" + key->id))
    return Error{ErrorCode::rate_limited, "too many requests for this key: retry later"};
  return key->scope;
}

std::vector<RouteInfo> ApiService::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& r : impl_->table)
    out.push_back({r.method, r.path, std::string(to_string(r.need))});
  return out;
}

}  // namespace nzeza::api

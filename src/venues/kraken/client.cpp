#include "venues/kraken/client.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <deque>
#include <set>

#include "venues/kraken/private_stream.hpp"
#include "venues/venue_error.hpp"

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

namespace {

constexpr std::string_view kVenue = "kraken";

// "EOrder:Insufficient funds" -> venue_code "EOrder:Insufficient funds";
// "EService:Throttled: 1700000000" -> venue_code "EService:Throttled".
std::string error_prefix(std::string_view e) {
  const auto first = e.find(':');
  if (first == std::string_view::npos) return std::string(e);
  const auto second = e.find(':', first + 1);
  return std::string(e.substr(0, second));
}

Error kraken_error(std::string_view op, std::string_view text) {
  return venue_error(kraken_error_code(text), Venue::kraken, op, std::string(text),
                     error_prefix(text), std::string(text));
}

Error protocol_error(std::string_view op, std::string_view what) {
  return venue_error(ErrorCode::protocol, Venue::kraken, op, what);
}

// An answer to a sent request arrived and could not be read: the venue may have acted on it.
Error unreadable(std::string_view op, std::string_view what) {
  return protocol_error(op, what).with_delivery(Delivery::answer_cut);
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
    if (!d) return std::nullopt;
    return Timestamp::from_ns(d->raw() * 10);  // raw is 1e-8 s
  }
  if (v->is_int64()) return Timestamp::from_seconds(v->get_int64());
  if (v->is_uint64()) return Timestamp::from_seconds(static_cast<std::int64_t>(v->get_uint64()));
  if (v->is_double()) {
    const double s = v->get_double();
    if (!std::isfinite(s) || s < 0 || s > 4e9) return std::nullopt;
    return Timestamp::from_us(std::llround(s * 1e6));
  }
  return std::nullopt;
}

std::string rfc3339_seconds(Timestamp t) {
  return t.floor_to(1s).to_iso8601();
}

// Cancel cost on the trading counter by order age (exchanges.md §2.4).
double cancel_cost(std::optional<Duration> age) {
  if (!age) return 8;
  if (*age < 5s) return 8;
  if (*age < 10s) return 6;
  if (*age < 15s) return 5;
  if (*age < 45s) return 4;
  if (*age < 90s) return 2;
  if (*age < 300s) return 1;
  return 0;
}

struct PrivateCall {
  std::string method;
  kraken::FormParams params;
  bool mutating = false;  // may change state at the venue (orders)
  int nonce_retries = 1;
  std::function<void(Result<json::value>)> done;
  std::string what;  // names the call in error messages: "AddOrder cl_ord_id nz-t1-7"
};

struct Reservation {
  net::RateLimiter* limiter = nullptr;
  std::string endpoint;
  double weight = 1;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Core: the shared state behind the client (timers and HTTP callbacks hold weak_ptrs to it).

struct KrakenClient::Core : std::enable_shared_from_this<KrakenClient::Core> {
  Core(net::NetContext& n, Clock& c, const InstrumentRegistry& r,
       std::shared_ptr<KrakenKeySigner> s, KrakenClientConfig cfg)
      : net(n),
        clock(c),
        registry(r),
        signer(std::move(s)),
        config(std::move(cfg)),
        rest_limiter(c, {{"REST_PRIVATE", config.rest_counter_max, config.rest_counter_decay}},
                     {"kraken rest", config.max_rate_wait}),
        public_limiter(c, {{"PUBLIC", config.public_burst, config.public_rate}},
                       {"kraken public", config.max_rate_wait}) {
    (void)rest_limiter.add_endpoint("query", {{"REST_PRIVATE", 1}});
    (void)rest_limiter.add_endpoint("history", {{"REST_PRIVATE", 2}});
    (void)public_limiter.add_endpoint("public", {{"PUBLIC", 1}});
    net::HttpClientConfig hc;
    hc.tls = config.tls;
    hc.request_timeout = config.request_timeout;
    http = std::make_unique<net::HttpClient>(net, clock, hc);
    while (!config.base_url.empty() && config.base_url.back() == '/') config.base_url.pop_back();
    // Kraken accepts a deadline 500 ms .. 60 s ahead; whole seconds are sent (rounded down).
    config.deadline_window =
        std::clamp<Duration>(config.deadline_window, Duration{1s}, Duration{60s});
  }

  net::NetContext& net;
  Clock& clock;
  const InstrumentRegistry& registry;
  std::shared_ptr<KrakenKeySigner> signer;
  KrakenClientConfig config;
  net::RateLimiter rest_limiter;
  net::RateLimiter public_limiter;

  std::recursive_mutex http_mu;  // guards `http` against shutdown (see send())
  std::unique_ptr<net::HttpClient> http;

  std::mutex mu;
  bool stopping = false;
  std::deque<PrivateCall> lane;
  bool lane_busy = false;
  std::set<TimerId> timers;
  std::map<std::string, std::unique_ptr<net::RateLimiter>, std::less<>> trading;  // per pair
  std::map<std::string, Timestamp, std::less<>> placed_at;        // txid / cl_ord_id -> time
  std::map<std::string, std::string, std::less<>> cl_by_txid;     // our orders' client ids
  std::map<std::string, InstrumentId, std::less<>> pair_aliases;  // altname, wsname...

  // ---- plumbing --------------------------------------------------------------------------

  void shutdown() {
    std::deque<PrivateCall> dropped;
    std::set<TimerId> timer_ids;
    {
      std::lock_guard lock(mu);
      stopping = true;
      dropped.swap(lane);
      timer_ids.swap(timers);
    }
    for (const auto id : timer_ids) clock.cancel(id);
    for (auto& call : dropped)
      call.done(venue_error(ErrorCode::cancelled, Venue::kraken, call.what,
                            "client shut down before sending"));
    std::lock_guard http_lock(http_mu);
    http.reset();  // pending requests complete with `cancelled`
  }

  bool is_stopping() {
    std::lock_guard lock(mu);
    return stopping;
  }

  net::RateLimiter* trading_limiter(const std::string& pair) {
    std::lock_guard lock(mu);
    auto& slot = trading[pair];
    if (!slot) {
      slot = std::make_unique<net::RateLimiter>(
          clock,
          std::vector<net::BucketConfig>{
              {"TRADING", config.trading_counter_max, config.trading_counter_decay}},
          net::RateLimiterOptions{"kraken trading " + pair, config.max_rate_wait});
      (void)slot->add_endpoint("place", {{"TRADING", 1}});
      (void)slot->add_endpoint("cancel", {{"TRADING", 1}});
    }
    return slot.get();
  }

  // Runs `then` after every reservation allows it (or fails `fail_with`).
  void gate(std::vector<Reservation> reservations, std::string op, std::function<void()> then,
            std::function<void(Error)> fail_with) {
    Duration wait{0};
    for (const auto& r : reservations) {
      if (r.weight <= 0) continue;
      auto w = r.limiter->reserve(r.endpoint, r.weight);
      if (!w) {
        // Our own limiter refused: nothing was written.
        fail_with(w.error().with_context("kraken " + op).with_delivery(Delivery::not_sent));
        return;
      }
      wait = std::max(wait, *w);
    }
    if (wait <= Duration{0}) {
      then();
      return;
    }
    std::lock_guard lock(mu);
    if (stopping) {
      fail_with(venue_error(ErrorCode::cancelled, Venue::kraken, op, "client shut down"));
      return;
    }
    auto weak = weak_from_this();
    auto holder = std::make_shared<TimerId>(0);
    const TimerId id = clock.schedule_after(wait, [weak, holder, then, fail_with, op] {
      auto self = weak.lock();
      if (!self) {
        fail_with(venue_error(ErrorCode::cancelled, Venue::kraken, op, "client shut down"));
        return;
      }
      {
        std::lock_guard lock(self->mu);
        self->timers.erase(*holder);
      }
      then();
    });
    *holder = id;
    timers.insert(id);
  }

  // `what` names the call in error messages (the method when empty).
  void private_call(std::string method, FormParams params, bool mutating,
                    std::vector<Reservation> reservations,
                    std::function<void(Result<json::value>)> done, std::string what = {}) {
    if (what.empty()) what = method;
    PrivateCall call{std::move(method), std::move(params), mutating, 1,
                     std::move(done),   std::move(what)};
    auto shared_call = std::make_shared<PrivateCall>(std::move(call));
    auto weak = weak_from_this();
    gate(
        std::move(reservations), shared_call->what,
        [weak, shared_call] {
          if (auto self = weak.lock())
            self->enqueue(std::move(*shared_call));
          else
            shared_call->done(venue_error(ErrorCode::cancelled, Venue::kraken, shared_call->what,
                                          "client shut down"));
        },
        [shared_call](Error e) { shared_call->done(std::move(e)); });
  }

  void enqueue(PrivateCall call) {
    bool cancelled = false;
    {
      std::lock_guard lock(mu);
      if (stopping) {
        cancelled = true;
      } else if (lane_busy) {
        lane.push_back(std::move(call));
        return;
      } else {
        lane_busy = true;
      }
    }
    if (cancelled) {
      call.done(venue_error(ErrorCode::cancelled, Venue::kraken, call.what, "client shut down"));
      return;
    }
    send(std::move(call));
  }

  void lane_next() {
    PrivateCall next;
    {
      std::lock_guard lock(mu);
      if (lane.empty() || stopping) {
        lane_busy = false;
        return;
      }
      next = std::move(lane.front());
      lane.pop_front();
    }
    send(std::move(next));
  }

  void send(PrivateCall call) {
    std::unique_lock http_lock(http_mu);
    if (!http || is_stopping()) {
      http_lock.unlock();
      call.done(venue_error(ErrorCode::cancelled, Venue::kraken, call.what,
                            "client shut down before sending"));
      lane_next();
      return;
    }
    const std::string path = "/0/private/" + call.method;
    SignedRequest signed_req = signer->sign(path, call.params, clock.now());
    net::HttpRequest req;
    req.method = "POST";
    req.url = config.base_url + path;
    req.headers = {{"API-Key", signer->api_key()},
                   {"API-Sign", std::move(signed_req.api_sign)},
                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    req.body = std::move(signed_req.body);
    auto weak = weak_from_this();
    auto holder = std::make_shared<PrivateCall>(std::move(call));
    http->async_request(std::move(req), [weak, holder](Result<net::HttpResponse> r) {
      auto self = weak.lock();
      if (!self) {
        holder->done(
            venue_error(ErrorCode::cancelled, Venue::kraken, holder->what, "client shut down"));
        return;
      }
      self->on_private_answer(std::move(*holder), std::move(r));
    });
  }

  void on_private_answer(PrivateCall call, Result<net::HttpResponse> r) {
    auto result = interpret(call.what, r, call.mutating);
    if (!result.ok() && result.error().venue_code == "EAPI:Invalid nonce" &&
        call.nonce_retries > 0 && !is_stopping()) {
      // Refused before the engine saw it: resync the nonce floor and resend once.
      const auto now_ms = static_cast<std::uint64_t>(std::max<std::int64_t>(0, clock.now().ms()));
      signer->advance_nonce_to(std::max(signer->last_nonce(), now_ms) +
                               config.nonce_resync_step_ms);
      --call.nonce_retries;
      send(std::move(call));
      return;
    }
    call.done(std::move(result));
    lane_next();
  }

  // HTTP answer -> the `result` member of Kraken's envelope, or the typed error. `mutating`:
  // the request may change state at the venue (an order), so an answer that does not prove it
  // was refused is outcome unknown (see the header).
  Result<json::value> interpret(std::string_view op, const Result<net::HttpResponse>& r,
                                bool mutating) {
    // The transport knows how far the request got (Error::delivery): keep it.
    if (!r) return venue_error(Venue::kraken, op, r.error());
    const net::HttpResponse& resp = *r;
    if (resp.status == 429) {
      rest_limiter.on_retry_after(resp.retry_after(clock.now()).value_or(Duration{1s}));
      public_limiter.on_retry_after(resp.retry_after(clock.now()).value_or(Duration{1s}));
    }
    if (!resp.success()) {
      // A 5xx is outcome unknown (the transport marked it) unless Kraken's own envelope in the
      // body carries an error Kraken documents as a refusal.
      if (auto text = envelope_error(resp.body); text && kraken_error_proves_not_processed(*text)) {
        on_error_text(*text);
        return kraken_error(op, *text);
      }
      return venue_error(Venue::kraken, op, resp.check().error());
    }
    json::error_code ec;
    json::value doc = json::parse(resp.body, ec);
    if (ec || !doc.is_object())
      return unreadable(
          op, "malformed JSON answer (" + std::string(ec ? ec.message() : "not an object") + ")");
    const auto& obj = doc.get_object();
    const auto* errors = obj.if_contains("error");
    if (errors == nullptr || !errors->is_array())
      return unreadable(op, "answer without an \"error\" array");
    if (!errors->get_array().empty()) {
      const auto& first = errors->get_array().front();
      const std::string text =
          first.is_string() ? std::string(first.get_string()) : json::serialize(first);
      on_error_text(text);
      Error e = kraken_error(op, text);
      if (mutating && !kraken_error_proves_not_processed(text))
        e.delivery = Delivery::answer_unknown;
      return e;
    }
    const auto* result = obj.if_contains("result");
    if (result == nullptr) return unreadable(op, "answer without \"result\"");
    return *result;
  }

  // The first error string of a Kraken envelope in `body` ({"error":["E..."],...}), if any.
  static std::optional<std::string> envelope_error(const std::string& body) {
    json::error_code ec;
    const json::value doc = json::parse(body, ec);
    if (ec || !doc.is_object()) return std::nullopt;
    const auto* errors = doc.get_object().if_contains("error");
    if (errors == nullptr || !errors->is_array() || errors->get_array().empty() ||
        !errors->get_array().front().is_string())
      return std::nullopt;
    return std::string(errors->get_array().front().get_string());
  }

  void on_error_text(std::string_view text) {
    if (text.substr(0, 24) == "EAPI:Rate limit exceeded") {
      (void)rest_limiter.on_server_usage("REST_PRIVATE", config.rest_counter_max);
    } else if (text.substr(0, 18) == "EService:Throttled") {
      // "EService:Throttled: <unix seconds>": nothing before that time.
      const auto colon = text.find(':', 9);
      if (colon != std::string_view::npos) {
        auto d = Decimal::parse(text.substr(colon + 1).substr(
            text.substr(colon + 1).find_first_not_of(' ') == std::string_view::npos
                ? 0
                : text.substr(colon + 1).find_first_not_of(' ')));
        if (d && d->is_positive()) {
          const auto until = Timestamp::from_ns(d->raw() * 10);
          const auto wait = until - clock.now();
          if (wait > Duration{0}) {
            rest_limiter.on_retry_after(wait);
            public_limiter.on_retry_after(wait);
          }
        }
      }
    }
  }

  void public_get(std::string target, std::string op,
                  std::function<void(Result<json::value>)> done) {
    auto weak = weak_from_this();
    auto shared_done = std::make_shared<std::function<void(Result<json::value>)>>(std::move(done));
    gate(
        {{&public_limiter, "public", 1}}, op,
        [weak, target, op, shared_done] {
          auto self = weak.lock();
          if (!self) {
            (*shared_done)(venue_error(ErrorCode::cancelled, Venue::kraken, op, "shut down"));
            return;
          }
          std::unique_lock http_lock(self->http_mu);
          if (!self->http || self->is_stopping()) {
            http_lock.unlock();
            (*shared_done)(venue_error(ErrorCode::cancelled, Venue::kraken, op, "shut down"));
            return;
          }
          net::HttpRequest req;
          req.method = "GET";
          req.url = self->config.base_url + target;
          self->http->async_request(
              std::move(req), [weak, op, shared_done](Result<net::HttpResponse> r) {
                auto s = weak.lock();
                if (!s) {
                  (*shared_done)(venue_error(ErrorCode::cancelled, Venue::kraken, op, "shut down"));
                  return;
                }
                (*shared_done)(s->interpret(op, r, false));
              });
        },
        [shared_done](Error e) { (*shared_done)(std::move(e)); });
  }

  // ---- symbols ---------------------------------------------------------------------------

  std::optional<InstrumentId> resolve_pair(std::string_view pair) {
    {
      std::lock_guard lock(mu);
      if (auto it = pair_aliases.find(pair); it != pair_aliases.end()) return it->second;
    }
    if (const auto* inst = registry.find(Venue::kraken, pair)) return inst->id;
    // Before AssetPairs taught us the altnames: Kraken's altname is the v2 base+quote with BTC
    // spelt XBT and DOGE spelt XDG ("XBTUSD", "ETHUSD"); derive it from the registry.
    for (const Instrument* inst : registry.by_venue(Venue::kraken)) {
      auto legacy = [](const std::string& a) -> std::string {
        if (a == "BTC") return "XBT";
        if (a == "DOGE") return "XDG";
        return a;
      };
      if (pair == inst->base + inst->quote || pair == legacy(inst->base) + legacy(inst->quote) ||
          pair == legacy(inst->base) + "/" + legacy(inst->quote)) {
        std::lock_guard lock(mu);
        pair_aliases[std::string(pair)] = inst->id;
        return inst->id;
      }
    }
    return std::nullopt;
  }

  void remember_order(const std::string& txid, const std::string& cl_ord_id, Timestamp at) {
    std::lock_guard lock(mu);
    if (placed_at.size() > 100'000) placed_at.clear();  // bounded: old orders cost 0-1 anyway
    if (cl_by_txid.size() > 100'000) cl_by_txid.clear();
    if (!txid.empty()) placed_at[txid] = at;
    if (!cl_ord_id.empty()) placed_at[cl_ord_id] = at;
    if (!txid.empty() && !cl_ord_id.empty()) cl_by_txid[txid] = cl_ord_id;
  }

  std::optional<Duration> order_age(const OrderRef& ref) {
    std::lock_guard lock(mu);
    for (const auto* key : {&ref.venue_order_id, &ref.client_order_id}) {
      if (key->empty()) continue;
      if (auto it = placed_at.find(*key); it != placed_at.end()) return clock.now() - it->second;
    }
    return std::nullopt;
  }

  std::string client_id_of(const std::string& txid) {
    std::lock_guard lock(mu);
    auto it = cl_by_txid.find(txid);
    return it == cl_by_txid.end() ? std::string{} : it->second;
  }

  // ---- parsing ---------------------------------------------------------------------------

  // One order object of QueryOrders / OpenOrders / ClosedOrders.
  Result<VenueOrder> parse_order(std::string_view op, const std::string& txid, const json::value& v,
                                 InstrumentId fallback) {
    if (!v.is_object()) return protocol_error(op, "order " + txid + " is not an object");
    const auto& o = v.get_object();
    VenueOrder out;
    out.report.venue_order_id = txid;
    out.client_order_id = string_field(o, "cl_ord_id");
    if (out.client_order_id.empty()) out.client_order_id = client_id_of(txid);
    const auto* descr_v = o.if_contains("descr");
    if (descr_v == nullptr || !descr_v->is_object())
      return protocol_error(op, "order " + txid + " without descr");
    const auto& descr = descr_v->get_object();
    const std::string pair = string_field(descr, "pair");
    out.venue_symbol = pair;
    if (auto id = resolve_pair(pair))
      out.instrument = *id;
    else
      out.instrument = fallback;
    const std::string side = string_field(descr, "type");
    if (side == "buy")
      out.side = Side::buy;
    else if (side == "sell")
      out.side = Side::sell;
    else
      return protocol_error(op, "order " + txid + " has side \"" + side + "\"");
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
    } else if (ordertype == "take-profit") {
      out.type = domain::OrderType::take_profit;
    } else if (ordertype == "stop-loss-limit") {
      out.type = domain::OrderType::stop_limit;
      if (dprice2) out.price = *dprice2;
    } else {
      return protocol_error(op, "order " + txid + " has ordertype \"" + ordertype + "\"");
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
      return protocol_error(
          op, "order " + txid + ": " + (!vol ? vol.error().message : vol_exec.error().message));
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
      return protocol_error(op, "order " + txid + " has status \"" + status + "\"");
    }
    out.report.reason = string_field(o, "reason");
    const auto closetm = time_field(o, "closetm");
    const auto opentm = time_field(o, "opentm");
    out.report.at = closetm && !closetm->is_zero() ? *closetm : opentm.value_or(clock.now());
    return out;
  }

  // {txid: order, ...} -> orders (in the venue's order), optionally one instrument only.
  Result<std::vector<VenueOrder>> parse_order_map(std::string_view op, const json::value* m,
                                                  std::optional<InstrumentId> only,
                                                  InstrumentId fallback = {}) {
    std::vector<VenueOrder> out;
    if (m == nullptr) return out;
    if (!m->is_object()) return protocol_error(op, "orders are not an object");
    for (const auto& [k, v] : m->get_object()) {
      auto order = parse_order(op, std::string(k), v, fallback);
      if (!order) return order.error();
      if (only && order->instrument != *only) continue;
      out.push_back(std::move(order).value());
    }
    return out;
  }
};

namespace {

// The Completion's answer with the op's context on errors.
template <typename T>
void deliver(const Completion<T>& done, Result<T> r) {
  done.complete(std::move(r));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// KrakenClient

void cancel_with(const std::shared_ptr<KrakenClient::Core>& core_, const OrderRef& order,
                 Callback<CancelAck> done);

KrakenClient::KrakenClient(net::NetContext& net, Clock& clock, const InstrumentRegistry& registry,
                           std::shared_ptr<KrakenKeySigner> signer, KrakenClientConfig config)
    : core_(std::make_shared<Core>(net, clock, registry, std::move(signer), std::move(config))) {
  stream_ = std::make_unique<KrakenPrivateStream>(*this, net, clock, registry, core_->config);
}

KrakenClient::~KrakenClient() {
  if (stream_) stream_->stop();
  stream_.reset();
  core_->shutdown();
}

VenueCapabilities KrakenClient::capabilities() const noexcept {
  VenueCapabilities c;
  c.amend = false;  // REST AmendOrder is not in exchanges.md (only WS amend_order): not offered
  c.dead_man_switch = true;
  c.positions = false;
  c.private_stream = true;
  c.status_by_client_id = true;  // OpenOrders / ClosedOrders filtered by cl_ord_id
  c.cancel_by_client_id = true;  // CancelOrder cl_ord_id
  return c;
}

RequestValidity KrakenClient::request_validity() const noexcept {
  return RequestValidity{core_->config.deadline_window, core_->config.query_lag};
}

net::RateLimiter& KrakenClient::rest_limiter() noexcept {
  return core_->rest_limiter;
}

PrivateStream* KrakenClient::private_stream() noexcept {
  return stream_.get();
}

void KrakenClient::place(const domain::OrderSpec& order, Callback<PlaceAck> done) {
  Completion<PlaceAck> c(std::move(done), "kraken place " + order.client_order_id.text);
  auto refuse = [&](std::string why) {
    c.complete(venue_error(ErrorCode::invalid_argument, Venue::kraken,
                           "place cl_ord_id " + order.client_order_id.text, why));
  };
  if (auto st = domain::validate(order); !st) {
    c.complete(st.error().with_context("kraken place"));
    return;
  }
  if (order.venue != Venue::kraken) return refuse("order is for another venue");
  if (!is_valid_kraken_client_id(order.client_order_id.text))
    return refuse("client order id \"" + order.client_order_id.text +
                  "\" is not a valid Kraken cl_ord_id");
  const Instrument* inst = core_->registry.get(order.instrument);
  if (inst == nullptr || inst->venue != Venue::kraken)
    return refuse("instrument is not a Kraken instrument");
  if (order.reduce_only) return refuse("reduce_only is not available on Kraken spot");

  FormParams p;
  using OT = domain::OrderType;
  switch (order.type) {
    case OT::market:
      p.emplace_back("ordertype", "market");
      break;
    case OT::limit:
      p.emplace_back("ordertype", "limit");
      break;
    case OT::stop:
      p.emplace_back("ordertype", "stop-loss");
      break;
    case OT::take_profit:
      p.emplace_back("ordertype", "take-profit");
      break;
    case OT::stop_limit:
      p.emplace_back("ordertype", "stop-loss-limit");
      break;
  }
  p.emplace_back("type", order.side == Side::buy ? "buy" : "sell");
  p.emplace_back("volume", order.quantity.to_string());
  p.emplace_back("pair", inst->venue_symbol);
  if (order.type == OT::limit) p.emplace_back("price", order.price->to_string());
  if (order.type == OT::stop || order.type == OT::take_profit || order.type == OT::stop_limit)
    p.emplace_back("price", order.stop_price->to_string());
  if (order.type == OT::stop_limit) p.emplace_back("price2", order.price->to_string());
  switch (order.time_in_force) {
    case domain::TimeInForce::gtc:
      p.emplace_back("timeinforce", "GTC");
      break;
    case domain::TimeInForce::ioc:
      p.emplace_back("timeinforce", "IOC");
      break;
    case domain::TimeInForce::post_only:
      p.emplace_back("oflags", "post");
      p.emplace_back("timeinforce", "GTC");
      break;
    case domain::TimeInForce::fok:
      return refuse("fill-or-kill is not a Kraken spot time in force (GTC, IOC, GTD)");
  }
  p.emplace_back("cl_ord_id", order.client_order_id.text);
  p.emplace_back("deadline", rfc3339_seconds(core_->clock.now() + core_->config.deadline_window));

  auto core = core_;
  const std::string cl = order.client_order_id.text;
  std::string what = "AddOrder cl_ord_id " + cl;
  core_->private_call(
      "AddOrder", std::move(p), true, {{core_->trading_limiter(inst->venue_symbol), "place", 1}},
      [c, core, cl, what](Result<json::value> r) {
        if (!r) return deliver(c, Result<PlaceAck>(std::move(r).error()));
        const auto* obj = r->if_object();
        const json::value* txids = obj ? obj->if_contains("txid") : nullptr;
        if (txids == nullptr || !txids->is_array() || txids->get_array().empty() ||
            !txids->get_array().front().is_string())
          return deliver(
              c, Result<PlaceAck>(unreadable(what, "answer without txid: " + json::serialize(*r))));
        PlaceAck ack;
        ack.venue_order_id = std::string(txids->get_array().front().get_string());
        ack.client_order_id = cl;
        ack.at = core->clock.now();
        ack.report.status = domain::VenueOrderStatus::open;
        ack.report.venue_order_id = ack.venue_order_id;
        ack.report.at = ack.at;
        core->remember_order(ack.venue_order_id, cl, ack.at);
        deliver(c, Result<PlaceAck>(std::move(ack)));
      },
      what);
}

void KrakenClient::cancel(const OrderRef& order, Callback<CancelAck> done) {
  cancel_with(core_, order, std::move(done));
}

// Out of the class so cancel_all's continuation can hold the Core, not the client object.
void cancel_with(const std::shared_ptr<KrakenClient::Core>& core_, const OrderRef& order,
                 Callback<CancelAck> done) {
  // Names the order by every id we know, so an unknown outcome can be asked about.
  std::string what = "CancelOrder";
  if (!order.client_order_id.empty()) what += " cl_ord_id " + order.client_order_id;
  if (!order.venue_order_id.empty()) what += " txid " + order.venue_order_id;
  Completion<CancelAck> c(std::move(done), "kraken " + what);
  FormParams p;
  if (!order.venue_order_id.empty())
    p.emplace_back("txid", order.venue_order_id);
  else if (!order.client_order_id.empty())
    p.emplace_back("cl_ord_id", order.client_order_id);
  else {
    c.complete(venue_error(ErrorCode::invalid_argument, Venue::kraken, "cancel",
                           "neither a venue order id nor a client order id"));
    return;
  }
  std::vector<Reservation> res;
  if (const Instrument* inst = core_->registry.get(order.instrument))
    res.push_back({core_->trading_limiter(inst->venue_symbol), "cancel",
                   cancel_cost(core_->order_age(order))});
  core_->private_call(
      "CancelOrder", std::move(p), true, std::move(res),
      [c, order, what](Result<json::value> r) {
        if (!r) return deliver(c, Result<CancelAck>(std::move(r).error()));
        const auto* obj = r->if_object();
        const auto* count = obj ? obj->if_contains("count") : nullptr;
        if (count == nullptr || !count->is_number())
          return deliver(c, Result<CancelAck>(unreadable(what, "answer without count")));
        if (count->to_number<double>() < 1)
          return deliver(c, Result<CancelAck>(venue_error(ErrorCode::not_found, Venue::kraken, what,
                                                          "nothing cancelled (count 0)")));
        CancelAck ack;
        ack.venue_order_id = order.venue_order_id;
        ack.client_order_id = order.client_order_id;
        ack.report.status = domain::VenueOrderStatus::cancelled;
        ack.report.venue_order_id = order.venue_order_id;
        deliver(c, Result<CancelAck>(std::move(ack)));
      },
      what);
}

void KrakenClient::cancel_all(std::optional<InstrumentId> instrument, Callback<CancelAllAck> done) {
  Completion<CancelAllAck> c(std::move(done), "kraken cancel_all");
  if (!instrument) {
    core_->private_call(
        "CancelAll", {}, true, {{&core_->rest_limiter, "query", 1}}, [c](Result<json::value> r) {
          if (!r) return deliver(c, Result<CancelAllAck>(std::move(r).error()));
          const auto* obj = r->if_object();
          const auto* count = obj ? obj->if_contains("count") : nullptr;
          if (count == nullptr || !count->is_number())
            return deliver(c,
                           Result<CancelAllAck>(unreadable("CancelAll", "answer without count")));
          // Kraken reports only how many: no ids to list.
          deliver(c, Result<CancelAllAck>(CancelAllAck{}));
        });
    return;
  }
  // Kraken's CancelAll has no pair filter: list that pair's open orders, cancel each by txid.
  auto core = core_;
  open_orders(instrument, [core, c](Result<std::vector<VenueOrder>> r) {
    if (!r) return deliver(c, Result<CancelAllAck>(std::move(r).error()));
    if (r->empty()) return deliver(c, Result<CancelAllAck>(CancelAllAck{}));
    struct Gather {
      std::mutex mu;
      std::size_t left = 0;
      CancelAllAck ack;
      std::optional<Error> error;
    };
    auto g = std::make_shared<Gather>();
    g->left = r->size();
    for (const auto& o : *r) {
      cancel_with(core, OrderRef{o.report.venue_order_id, o.client_order_id, o.instrument},
                  [g, c](Result<CancelAck> one) {
                    bool last = false;
                    {
                      std::lock_guard lock(g->mu);
                      if (one)
                        g->ack.cancelled.push_back(std::move(one).value());
                      else if (one.error().code != ErrorCode::not_found && !g->error)
                        g->error = one.error();  // not_found: it finished meanwhile
                      last = --g->left == 0;
                    }
                    if (!last) return;
                    if (g->error)
                      deliver(c, Result<CancelAllAck>(*g->error));
                    else
                      deliver(c, Result<CancelAllAck>(std::move(g->ack)));
                  });
    }
  });
}

void KrakenClient::set_dead_man_switch(Duration timeout, Callback<Timestamp> done) {
  Completion<Timestamp> c(std::move(done), "kraken dead man switch");
  if (timeout < Duration{0} || timeout > std::chrono::hours(24)) {
    c.complete(venue_error(ErrorCode::invalid_argument, Venue::kraken, "CancelAllOrdersAfter",
                           "timeout must be within 0 .. 86400 s"));
    return;
  }
  // Whole seconds, rounded up (a shorter switch than asked would cancel early).
  const auto secs = std::chrono::ceil<std::chrono::seconds>(timeout).count();
  core_->private_call(
      "CancelAllOrdersAfter", {{"timeout", std::to_string(secs)}}, true,
      {{&core_->rest_limiter, "query", 1}}, [c, secs](Result<json::value> r) {
        if (!r) return deliver(c, Result<Timestamp>(std::move(r).error()));
        const auto* obj = r->if_object();
        if (obj == nullptr)
          return deliver(
              c, Result<Timestamp>(unreadable("CancelAllOrdersAfter", "result not an object")));
        const std::string trigger = string_field(*obj, "triggerTime");
        if (trigger == "0" || secs == 0) return deliver(c, Result<Timestamp>(Timestamp{}));
        auto t = Timestamp::parse_iso8601(trigger);
        if (!t)
          return deliver(c, Result<Timestamp>(protocol_error(
                                "CancelAllOrdersAfter", "bad triggerTime \"" + trigger + "\"")));
        deliver(c, Result<Timestamp>(*t));
      });
}

void KrakenClient::order_status(const OrderRef& order, Callback<VenueOrder> done) {
  Completion<VenueOrder> c(std::move(done), "kraken order_status");
  auto core = core_;
  if (!order.venue_order_id.empty()) {
    core_->private_call(
        "QueryOrders", {{"txid", order.venue_order_id}}, false,
        {{&core_->rest_limiter, "query", 1}}, [c, core, order](Result<json::value> r) {
          if (!r) return deliver(c, Result<VenueOrder>(std::move(r).error()));
          auto orders = core->parse_order_map("QueryOrders", &*r, std::nullopt, order.instrument);
          if (!orders) return deliver(c, Result<VenueOrder>(std::move(orders).error()));
          for (auto& o : *orders)
            if (o.report.venue_order_id == order.venue_order_id)
              return deliver(c, Result<VenueOrder>(std::move(o)));
          deliver(c,
                  Result<VenueOrder>(venue_error(ErrorCode::not_found, Venue::kraken, "QueryOrders",
                                                 "no order " + order.venue_order_id)));
        });
    return;
  }
  if (order.client_order_id.empty()) {
    c.complete(venue_error(ErrorCode::invalid_argument, Venue::kraken, "order_status",
                           "neither a venue order id nor a client order id"));
    return;
  }
  // By client id: QueryOrders takes txids only; OpenOrders then ClosedOrders filter by
  // cl_ord_id (we also check the id ourselves).
  const std::string cl = order.client_order_id;
  auto pick = [cl](std::vector<VenueOrder>& v) -> std::optional<VenueOrder> {
    for (auto& o : v)
      if (o.client_order_id == cl) return std::move(o);
    return std::nullopt;
  };
  core_->private_call(
      "OpenOrders", {{"cl_ord_id", cl}}, false, {{&core_->rest_limiter, "query", 1}},
      [c, core, order, cl, pick](Result<json::value> r) {
        if (!r) return deliver(c, Result<VenueOrder>(std::move(r).error()));
        const auto* obj = r->if_object();
        auto open = core->parse_order_map("OpenOrders", obj ? obj->if_contains("open") : nullptr,
                                          std::nullopt, order.instrument);
        if (!open) return deliver(c, Result<VenueOrder>(std::move(open).error()));
        if (auto found = pick(*open)) return deliver(c, Result<VenueOrder>(std::move(*found)));
        core->private_call(
            "ClosedOrders", {{"cl_ord_id", cl}}, false, {{&core->rest_limiter, "query", 1}},
            [c, core, order, cl, pick](Result<json::value> r2) {
              if (!r2) return deliver(c, Result<VenueOrder>(std::move(r2).error()));
              const auto* obj2 = r2->if_object();
              auto closed = core->parse_order_map("ClosedOrders",
                                                  obj2 ? obj2->if_contains("closed") : nullptr,
                                                  std::nullopt, order.instrument);
              if (!closed) return deliver(c, Result<VenueOrder>(std::move(closed).error()));
              if (auto found = pick(*closed))
                return deliver(c, Result<VenueOrder>(std::move(*found)));
              deliver(c, Result<VenueOrder>(venue_error(ErrorCode::not_found, Venue::kraken,
                                                        "order_status",
                                                        "no order with cl_ord_id " + cl)));
            });
      });
}

void KrakenClient::open_orders(std::optional<InstrumentId> instrument,
                               Callback<std::vector<VenueOrder>> done) {
  Completion<std::vector<VenueOrder>> c(std::move(done), "kraken open_orders");
  auto core = core_;
  core_->private_call(
      "OpenOrders", {}, false, {{&core_->rest_limiter, "query", 1}},
      [c, core, instrument](Result<json::value> r) {
        using R = Result<std::vector<VenueOrder>>;
        if (!r) return deliver(c, R(std::move(r).error()));
        const auto* obj = r->if_object();
        if (obj == nullptr || obj->if_contains("open") == nullptr)
          return deliver(c, R(protocol_error("OpenOrders", "no \"open\" member")));
        deliver(c, core->parse_order_map("OpenOrders", obj->if_contains("open"), instrument));
      });
}

namespace {

struct FillsQuery {
  std::shared_ptr<KrakenClient::Core> core;
  Completion<std::vector<domain::Fill>> done;
  Timestamp since;
  std::optional<InstrumentId> instrument;
  std::vector<domain::Fill> fills;
  std::set<std::string> seen;
  std::size_t offset = 0;
  std::size_t pages = 0;
};

void fetch_fills_page(const std::shared_ptr<FillsQuery>& q);

Status parse_trades_page(FillsQuery& q, const json::value& r, std::size_t& page_size,
                         std::size_t& total) {
  const auto* obj = r.if_object();
  const auto* trades = obj ? obj->if_contains("trades") : nullptr;
  if (trades == nullptr || !trades->is_object())
    return protocol_error("TradesHistory", "no \"trades\" object");
  const auto* count = obj->if_contains("count");
  total = count != nullptr && count->is_number()
              ? static_cast<std::size_t>(std::max(0.0, count->to_number<double>()))
              : 0;
  page_size = trades->get_object().size();
  for (const auto& [k, v] : trades->get_object()) {
    if (!v.is_object()) return protocol_error("TradesHistory", "trade is not an object");
    const auto& t = v.get_object();
    domain::Fill f;
    f.venue = Venue::kraken;
    f.trade_id = std::string(k);
    const std::string pair = string_field(t, "pair");
    auto id = q.core->resolve_pair(pair);
    if (!id) continue;  // a pair nzeza does not trade
    if (q.instrument && *id != *q.instrument) continue;
    f.instrument = *id;
    const std::string ordertxid = string_field(t, "ordertxid");
    f.client_order_id = q.core->client_id_of(ordertxid);
    const std::string side = string_field(t, "type");
    if (side != "buy" && side != "sell")
      return protocol_error("TradesHistory", "trade " + f.trade_id + " side \"" + side + "\"");
    f.side = side == "buy" ? Side::buy : Side::sell;
    auto price = decimal_field(t, "price");
    auto vol = decimal_field(t, "vol");
    auto fee = decimal_field(t, "fee");
    if (!price || !vol || !fee)
      return protocol_error("TradesHistory", "trade " + f.trade_id + ": " +
                                                 (!price ? price.error().message
                                                  : !vol ? vol.error().message
                                                         : fee.error().message));
    f.price = *price;
    f.quantity = *vol;
    f.fee = *fee;
    // Kraken charges spot fees in the quote currency unless the order said fcib.
    if (const Instrument* inst = q.core->registry.get(f.instrument)) f.fee_currency = inst->quote;
    const auto* maker = t.if_contains("maker");
    f.liquidity = maker != nullptr && maker->is_bool() && maker->get_bool()
                      ? domain::Liquidity::maker
                      : domain::Liquidity::taker;
    auto time = time_field(t, "time");
    if (!time) return protocol_error("TradesHistory", "trade " + f.trade_id + " without time");
    f.time = *time;
    if (f.time < q.since) continue;
    if (!q.seen.insert(f.trade_id).second) continue;
    if (auto st = domain::validate(f); !st)
      return protocol_error("TradesHistory", st.error().message);
    q.fills.push_back(std::move(f));
  }
  return {};
}

void fetch_fills_page(const std::shared_ptr<FillsQuery>& q) {
  FormParams p;
  // `start` is exclusive and in seconds: one second earlier, then filtered exactly.
  p.emplace_back("start", std::to_string(std::max<std::int64_t>(0, q->since.seconds() - 1)));
  if (q->offset > 0) p.emplace_back("ofs", std::to_string(q->offset));
  q->core->private_call(
      "TradesHistory", std::move(p), false, {{&q->core->rest_limiter, "history", 1}},
      [q](Result<json::value> r) {
        using R = Result<std::vector<domain::Fill>>;
        if (!r) return deliver(q->done, R(std::move(r).error()));
        std::size_t page = 0;
        std::size_t total = 0;
        if (auto st = parse_trades_page(*q, *r, page, total); !st)
          return deliver(q->done, R(st.error()));
        q->offset += page;
        ++q->pages;
        if (page > 0 && q->offset < total && q->pages < q->core->config.fills_max_pages)
          return fetch_fills_page(q);
        std::sort(q->fills.begin(), q->fills.end(),
                  [](const domain::Fill& a, const domain::Fill& b) {
                    return a.time != b.time ? a.time < b.time : a.trade_id < b.trade_id;
                  });
        deliver(q->done, R(std::move(q->fills)));
      });
}

}  // namespace

void KrakenClient::fills_since(Timestamp since, std::optional<InstrumentId> instrument,
                               Callback<std::vector<domain::Fill>> done) {
  auto q = std::make_shared<FillsQuery>();
  q->core = core_;
  q->done = Completion<std::vector<domain::Fill>>(std::move(done), "kraken fills_since");
  q->since = since;
  q->instrument = instrument;
  fetch_fills_page(q);
}

void KrakenClient::balances(Callback<std::vector<domain::Balance>> done) {
  Completion<std::vector<domain::Balance>> c(std::move(done), "kraken balances");
  core_->private_call(
      "BalanceEx", {}, false, {{&core_->rest_limiter, "query", 1}}, [c](Result<json::value> r) {
        using R = Result<std::vector<domain::Balance>>;
        if (!r) return deliver(c, R(std::move(r).error()));
        const auto* obj = r->if_object();
        if (obj == nullptr) return deliver(c, R(protocol_error("BalanceEx", "not an object")));
        std::map<std::string, std::pair<Decimal, Decimal>> sums;  // currency -> total, hold
        for (const auto& [asset, v] : *obj) {
          if (!v.is_object())
            return deliver(c, R(protocol_error("BalanceEx", "asset entry not an object")));
          auto total = decimal_field(v.get_object(), "balance");
          auto hold = v.get_object().contains("hold_trade")
                          ? decimal_field(v.get_object(), "hold_trade")
                          : Result<Decimal>(Decimal::zero());
          if (!total || !hold)
            return deliver(c, R(protocol_error("BalanceEx", std::string(asset) + ": " +
                                                                (!total ? total.error().message
                                                                        : hold.error().message))));
          auto& s = sums[normalize_asset(asset)];
          s.first += *total;
          s.second += *hold;
        }
        std::vector<domain::Balance> out;
        for (const auto& [currency, s] : sums) {
          if (s.second > s.first || s.second.is_negative())
            return deliver(
                c, R(protocol_error("BalanceEx", currency + ": hold_trade " + s.second.to_string() +
                                                     " exceeds balance " + s.first.to_string())));
          auto b = domain::Balance::from_snapshot(currency, s.first, s.first - s.second, s.second);
          if (!b) return deliver(c, R(protocol_error("BalanceEx", b.error().message)));
          out.push_back(std::move(b).value());
        }
        deliver(c, R(std::move(out)));
      });
}

void KrakenClient::load_instruments(Callback<std::vector<Instrument>> done) {
  Completion<std::vector<Instrument>> c(std::move(done), "kraken load_instruments");
  auto core = core_;
  core_->public_get("/0/public/AssetPairs", "AssetPairs", [c, core](Result<json::value> r) {
    using R = Result<std::vector<Instrument>>;
    if (!r) return deliver(c, R(std::move(r).error()));
    const auto* obj = r->if_object();
    if (obj == nullptr) return deliver(c, R(protocol_error("AssetPairs", "not an object")));
    const auto& wanted = core->config.symbols;
    std::vector<Instrument> out;
    std::map<std::string, InstrumentId, std::less<>> aliases;
    for (const auto& [key, v] : *obj) {
      if (!v.is_object()) return deliver(c, R(protocol_error("AssetPairs", "pair not an object")));
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
        if (pd == nullptr || !pd->is_int64())
          return deliver(c, R(protocol_error("AssetPairs", inst.venue_symbol + ": no tick_size")));
        tick = Decimal::from_scaled(1, static_cast<int>(pd->get_int64()));
      }
      const auto* ld = p.if_contains("lot_decimals");
      if (ld == nullptr || !ld->is_int64() || ld->get_int64() < 0 || ld->get_int64() > 8)
        return deliver(c, R(protocol_error("AssetPairs", inst.venue_symbol +
                                                             ": lot_decimals missing or above 8")));
      auto lot = Decimal::from_scaled(1, static_cast<int>(ld->get_int64()));
      auto ordermin = decimal_field(p, "ordermin");
      auto costmin =
          p.contains("costmin") ? decimal_field(p, "costmin") : Result<Decimal>(Decimal::zero());
      if (!tick || !lot || !ordermin || !costmin)
        return deliver(c,
                       R(protocol_error("AssetPairs", inst.venue_symbol + ": bad tick/lot/min")));
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
      if (const auto* known = core->registry.find(Venue::kraken, inst.venue_symbol)) {
        inst.id = known->id;
        inst.symbol = known->symbol;
        for (const auto& a : {altname, wsname, inst.ws_symbol, inst.venue_symbol})
          if (!a.empty()) aliases[a] = known->id;
      }
      out.push_back(std::move(inst));
    }
    {
      std::lock_guard lock(core->mu);
      for (auto& [k, id] : aliases) core->pair_aliases[k] = id;
    }
    deliver(c, R(std::move(out)));
  });
}

void KrakenClient::server_time(Callback<Timestamp> done) {
  Completion<Timestamp> c(std::move(done), "kraken server_time");
  core_->public_get("/0/public/Time", "Time", [c](Result<json::value> r) {
    if (!r) return deliver(c, Result<Timestamp>(std::move(r).error()));
    const auto* obj = r->if_object();
    const auto* t = obj ? obj->if_contains("unixtime") : nullptr;
    if (t == nullptr || !(t->is_int64() || t->is_uint64()))
      return deliver(c, Result<Timestamp>(protocol_error("Time", "no integer unixtime")));
    deliver(c, Result<Timestamp>(Timestamp::from_seconds(t->to_number<std::int64_t>())));
  });
}

void KrakenClient::websockets_token(Callback<std::string> done) {
  Completion<std::string> c(std::move(done), "kraken GetWebSocketsToken");
  core_->private_call(
      "GetWebSocketsToken", {}, false, {{&core_->rest_limiter, "query", 1}},
      [c](Result<json::value> r) {
        if (!r) return deliver(c, Result<std::string>(std::move(r).error()));
        const auto* obj = r->if_object();
        const std::string token = obj ? string_field(*obj, "token") : "";
        if (token.empty())
          return deliver(c, Result<std::string>(protocol_error("GetWebSocketsToken", "no token")));
        deliver(c, Result<std::string>(token));
      });
}

}  // namespace nzeza::venues::kraken

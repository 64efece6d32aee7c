#include "venues/binance/client.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "net/http_client.hpp"
#include "net/url.hpp"
#include "venues/binance/signer.hpp"
#include "venues/binance/user_stream.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::binance {

namespace json = boost::json;

// ---------------------------------------------------------------------------------------------
// Free functions.

RateLimitSpec binance_rate_limits() {
  RateLimitSpec s;
  // Fixed windows of L per W, configured as the limiter documents (capacity L, refill L/W);
  // the server's own count (X-MBX-USED-WEIGHT-1M, X-MBX-ORDER-COUNT-*) tightens ours.
  s.buckets = {{"REQUEST_WEIGHT_1M", 6000, 6000.0 / 60.0},
               {"ORDERS_10S", 50, 50.0 / 10.0},
               {"ORDERS_1D", 160000, 160000.0 / 86400.0},
               {"RAW_REQUESTS_5M", 61000, 61000.0 / 300.0}};
  auto weight = [](double w) {
    return std::vector<std::pair<std::string, double>>{{"REQUEST_WEIGHT_1M", w},
                                                       {"RAW_REQUESTS_5M", 1}};
  };
  auto order = weight(1);
  order.emplace_back("ORDERS_10S", 1);
  order.emplace_back("ORDERS_1D", 1);
  s.endpoints = {{"order", order},
                 {"cancel", weight(1)},
                 {"cancel_all", weight(1)},
                 {"order_status", weight(4)},
                 {"open_orders_symbol", weight(6)},
                 {"open_orders_all", weight(80)},
                 {"my_trades", weight(20)},
                 {"account", weight(20)},
                 {"exchange_info", weight(20)},
                 {"time", weight(1)},
                 {"user_stream", weight(2)}};
  return s;
}

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

ErrorCode classify_binance_error(int http_status, long long code, std::string_view msg) noexcept {
  switch (code) {
    case -1003:  // TOO_MANY_REQUESTS
    case -1015:  // TOO_MANY_ORDERS
      return ErrorCode::rate_limited;
    case -1006:  // UNEXPECTED_RESP: execution status unknown
    case -1007:  // TIMEOUT: execution status unknown
      return ErrorCode::timeout;
    case -1001:  // DISCONNECTED (internal error, unable to process)
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
    case -1013:  // filter failure
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
// Parsing helpers (boost::json; prices and sizes are strings, parsed exactly).

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

Decimal dec_field(const json::object& o, std::string_view key) {
  const auto& v = field(o, key);
  if (!v.is_string()) throw ParseError{"field '" + std::string(key) + "' is not a decimal string"};
  auto d = Decimal::parse(v.get_string());
  if (!d) throw ParseError{"field '" + std::string(key) + "': " + d.error().message};
  return *d;
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

std::string_view side_text(Side s) {
  return s == Side::buy ? "BUY" : "SELL";
}

Side parse_side(std::string_view s) {
  if (s == "BUY") return Side::buy;
  if (s == "SELL") return Side::sell;
  throw ParseError{"unknown side '" + std::string(s) + "'"};
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
  if (s == "STOP_LOSS_LIMIT" || s == "TAKE_PROFIT_LIMIT")
    return {OrderType::stop_limit, std::nullopt};
  throw ParseError{"unknown order type '" + std::string(s) + "'"};
}

domain::TimeInForce parse_tif(std::string_view s) {
  if (s == "IOC") return domain::TimeInForce::ioc;
  if (s == "FOK") return domain::TimeInForce::fok;
  return domain::TimeInForce::gtc;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Impl.

struct BinanceClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(net::NetContext& n, Clock& c, const InstrumentRegistry& r, BinanceConfig cfg,
       HmacSha256Signer s)
      : clock(c),
        registry(r),
        config(std::move(cfg)),
        signer(std::move(s)),
        http(n, c, http_config(config)) {
    if (config.rate_limit) {
      auto spec = binance_rate_limits();
      net::RateLimiterOptions opts;
      opts.name = "binance";
      opts.max_wait = config.max_limiter_wait;
      limiter = std::make_unique<net::RateLimiter>(clock, spec.buckets, opts);
      for (auto& [cls, weights] : spec.endpoints) (void)limiter->add_endpoint(cls, weights);
    }
  }

  ~Impl() {
    std::set<TimerId> timers;
    {
      std::lock_guard lock(mu);
      timers.swap(pending_timers);
    }
    for (TimerId id : timers) clock.cancel(id);
  }

  static net::HttpClientConfig http_config(const BinanceConfig& c) {
    net::HttpClientConfig h;
    h.tls = c.tls;
    h.request_timeout = c.request_timeout;
    h.user_agent = "nzeza-binance";
    return h;
  }

  // One REST call.
  struct Call {
    std::string method = "GET";
    std::string path;
    std::string query;  // unsigned parameters, already encoded
    bool is_signed = true;
    bool api_key = true;  // X-MBX-APIKEY header
    std::string limiter_class;
    std::string op;         // "place", "cancel"... for messages
    bool mutating = false;  // place/cancel: transport failures after sending are unknown
  };
  using RawDone = std::function<void(Result<json::value>)>;

  Clock& clock;
  const InstrumentRegistry& registry;
  BinanceConfig config;
  HmacSha256Signer signer;
  std::unique_ptr<net::RateLimiter> limiter;
  std::atomic<std::int64_t> offset_ms{0};
  std::atomic<std::uint64_t> resync_count{0};
  std::atomic<std::uint64_t> stream_requests{0};
  std::mutex mu;
  std::set<TimerId> pending_timers;
  net::HttpClient http;  // last: destroyed first, its cancelled callbacks see the rest alive

  Error err(ErrorCode code, std::string_view op, std::string_view message, std::string vcode = {},
            std::string vtext = {}) const {
    return venue_error(code, Venue::binance, op, message, std::move(vcode), std::move(vtext));
  }

  std::int64_t timestamp_ms() const { return clock.now().ms() + offset_ms.load(); }

  const Instrument* instrument(InstrumentId id) const {
    const Instrument* i = registry.get(id);
    if (i == nullptr || i->venue != Venue::binance) return nullptr;
    return i;
  }
  std::optional<InstrumentId> instrument_of(std::string_view symbol) const {
    const Instrument* i = registry.find(Venue::binance, symbol);
    if (i == nullptr) return std::nullopt;
    return i->id;
  }

  // Rate limiter gate, then send.
  void start(Call call, RawDone done, int attempt = 0) {
    if (limiter && !call.limiter_class.empty()) {
      auto wait = limiter->reserve(call.limiter_class);
      if (!wait) {
        Error e = wait.error();
        done(err(e.code, call.op, e.message, e.venue_code, e.venue_text));
        return;
      }
      if (wait->count() > 0) {
        std::weak_ptr<Impl> weak = weak_from_this();
        auto shared_done = std::make_shared<RawDone>(std::move(done));
        auto shared_call = std::make_shared<Call>(std::move(call));
        std::lock_guard lock(mu);
        auto id = std::make_shared<TimerId>();
        *id = clock.schedule_after(*wait, [weak, shared_done, shared_call, attempt, id] {
          auto self = weak.lock();
          if (!self) {
            (*shared_done)(Error(ErrorCode::cancelled, "binance: client destroyed"));
            return;
          }
          {
            std::lock_guard l(self->mu);
            self->pending_timers.erase(*id);
          }
          self->send(std::move(*shared_call), std::move(*shared_done), attempt);
        });
        pending_timers.insert(*id);
        return;
      }
    }
    send(std::move(call), std::move(done), attempt);
  }

  void send(Call call, RawDone done, int attempt) {
    std::string query = call.query;
    if (call.is_signed) {
      auto q = signed_query(
          signer, std::move(query), "", timestamp_ms(),
          std::chrono::duration_cast<std::chrono::milliseconds>(config.recv_window).count());
      if (!q) {
        done(err(q.error().code, call.op, q.error().message));
        return;
      }
      query = std::move(q).value();
    }
    net::HttpRequest req;
    req.method = call.method;
    req.url = config.base_url + call.path;
    if (!query.empty()) req.url += "?" + query;
    if (call.api_key) req.headers.push_back({"X-MBX-APIKEY", config.api_key});
    const Timestamp sent_at = clock.now();
    std::weak_ptr<Impl> weak = weak_from_this();
    http.async_request(std::move(req), [weak, call = std::move(call), done = std::move(done),
                                        attempt, sent_at](Result<net::HttpResponse> r) mutable {
      auto self = weak.lock();
      if (!self) {
        done(Error(ErrorCode::cancelled, "binance " + call.op + ": client destroyed"));
        return;
      }
      self->on_response(std::move(call), std::move(done), attempt, sent_at, std::move(r));
    });
  }

  void read_usage_headers(const net::HttpResponse& resp) {
    if (!limiter) return;
    auto feed = [&](std::string_view header, std::string_view bucket) {
      auto v = resp.header(header);
      if (v.empty()) return;
      double used = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), used);
      if (ec == std::errc{} && p == v.data() + v.size()) limiter->on_server_usage(bucket, used);
    };
    feed("X-MBX-USED-WEIGHT-1M", "REQUEST_WEIGHT_1M");
    feed("X-MBX-ORDER-COUNT-10S", "ORDERS_10S");
    feed("X-MBX-ORDER-COUNT-1D", "ORDERS_1D");
  }

  void on_response(Call call, RawDone done, int attempt, Timestamp sent_at,
                   Result<net::HttpResponse> r) {
    if (!r) {
      Error e = r.error();
      if (e.code == ErrorCode::network && call.mutating) {
        // HttpClient names the step that failed before anything was written ("resolve to",
        // "TCP connect to", "TLS handshake to", "TLS to"); anything else (reset, closed, write
        // error) may have happened after the venue received the request.
        const std::string& m = e.message;
        const bool before_sending = m.find("TCP connect to ") != std::string::npos ||
                                    m.find("resolve to ") != std::string::npos ||
                                    m.find("TLS handshake to ") != std::string::npos ||
                                    m.find("TLS to ") != std::string::npos;
        if (!before_sending) {
          done(err(ErrorCode::timeout, call.op,
                   "outcome unknown: the connection failed after the request may have been "
                   "sent (" +
                       e.message + ")"));
          return;
        }
      }
      done(err(e.code, call.op, e.message));
      return;
    }
    net::HttpResponse& resp = *r;
    read_usage_headers(resp);
    const unsigned status = resp.status;

    // The venue's {"code","msg"} when the body has one.
    std::optional<long long> vcode;
    std::string vmsg;
    json::value body;
    boost::system::error_code ec;
    body = json::parse(resp.body, ec);
    const bool parsed = !ec;
    if (parsed && body.is_object()) {
      const auto& o = body.get_object();
      const auto* c = o.if_contains("code");
      const auto* m = o.if_contains("msg");
      if (c != nullptr && c->is_int64() && m != nullptr && m->is_string() && status >= 400) {
        vcode = c->get_int64();
        vmsg = std::string(m->get_string());
      }
    }
    const std::string vcode_text = vcode ? std::to_string(*vcode) : std::to_string(status);
    const std::string vtext = vcode ? vmsg : resp.body.substr(0, 512);

    if (status == 429) {
      const Duration wait = resp.retry_after(clock.now()).value_or(Duration(1s));
      if (limiter) limiter->on_retry_after(wait);
      done(err(ErrorCode::rate_limited, call.op,
               "HTTP 429: rate limited, retry after " +
                   std::to_string(std::chrono::duration_cast<std::chrono::seconds>(wait).count()) +
                   " s",
               vcode_text, vtext));
      return;
    }
    if (status == 418) {
      const Duration ban =
          resp.retry_after(clock.now()).value_or(Duration(std::chrono::minutes(2)));
      const Timestamp until = clock.now() + ban;
      if (limiter) limiter->on_banned_until(until);
      done(err(ErrorCode::banned, call.op, "HTTP 418: IP banned until " + until.to_iso8601(),
               vcode_text, vtext));
      return;
    }
    if (status >= 500) {
      const ErrorCode code =
          call.mutating ? ErrorCode::timeout
                        : (vcode ? classify_binance_error(static_cast<int>(status), *vcode, vmsg)
                                 : ErrorCode::unavailable);
      done(err(code, call.op,
               "HTTP " + std::to_string(status) +
                   (call.mutating ? ": execution status unknown" : ": venue unavailable"),
               vcode_text, vtext));
      return;
    }
    if (status >= 400 || status < 200 || status >= 300) {
      if (!vcode) {
        Status s = resp.check();
        Error e = s.ok() ? Error(ErrorCode::protocol, "unexpected HTTP status") : s.error();
        done(err(e.code, call.op, e.message, std::to_string(status), resp.body.substr(0, 512)));
        return;
      }
      if (*vcode == -1021 && attempt == 0) {
        // Not executed: re-measure the offset, then send once more with a fresh timestamp.
        resync_then_retry(std::move(call), std::move(done),
                          Error(ErrorCode::rejected, "", vcode_text, vtext));
        return;
      }
      done(err(classify_binance_error(static_cast<int>(status), *vcode, vmsg), call.op,
               "HTTP " + std::to_string(status) + ": " + vmsg, vcode_text, vtext));
      return;
    }
    if (!parsed) {
      done(err(ErrorCode::protocol, call.op, "malformed JSON in the answer (" + ec.message() + ")",
               {}, resp.body.substr(0, 512)));
      return;
    }
    (void)sent_at;
    done(std::move(body));
  }

  // GET /api/v3/time; updates the offset. `done` gets the server time.
  void measure_time(std::function<void(Result<Timestamp>)> done, std::string op = "server time") {
    Call c;
    c.method = "GET";
    c.path = "/api/v3/time";
    c.is_signed = false;
    c.api_key = false;
    c.limiter_class = "time";
    c.op = std::move(op);
    const Timestamp sent = clock.now();
    std::weak_ptr<Impl> weak = weak_from_this();
    start(std::move(c), [weak, sent, done = std::move(done)](Result<json::value> r) {
      auto self = weak.lock();
      if (!self) return done(Error(ErrorCode::cancelled, "binance server time: client destroyed"));
      if (!r) return done(r.error());
      try {
        const auto& o = as_object(*r, "time answer");
        const std::int64_t server_ms = int_field(o, "serverTime");
        const Timestamp received = self->clock.now();
        const std::int64_t mid_ms = (sent.ms() + received.ms()) / 2;
        self->offset_ms.store(server_ms - mid_ms);
        done(Timestamp::from_ms(server_ms));
      } catch (const ParseError& e) {
        done(self->err(ErrorCode::protocol, "server time", e.what));
      }
    });
  }

  void resync_then_retry(Call call, RawDone done, Error original) {
    resync_count.fetch_add(1);
    std::weak_ptr<Impl> weak = weak_from_this();
    auto shared_call = std::make_shared<Call>(std::move(call));
    auto shared_done = std::make_shared<RawDone>(std::move(done));
    measure_time(
        [weak, shared_call, shared_done, original](Result<Timestamp> t) {
          auto self = weak.lock();
          if (!self)
            return (*shared_done)(Error(ErrorCode::cancelled, "binance: client destroyed"));
          if (!t) {
            return (*shared_done)(self->err(
                ErrorCode::rejected, shared_call->op,
                "timestamp outside recvWindow (-1021) and the server-time resync failed: " +
                    t.error().message,
                original.venue_code, original.venue_text));
          }
          self->start(std::move(*shared_call), std::move(*shared_done), 1);
        },
        "server time resync");
  }

  // Typed call: parse the JSON with `parse` (which may throw ParseError).
  template <typename T, typename Parse>
  void call(Call c, Completion<T> done, Parse parse) {
    std::weak_ptr<Impl> weak = weak_from_this();
    std::string op = c.op;
    start(std::move(c), [weak, done, parse, op](Result<json::value> r) {
      if (!r) {
        done.complete(r.error());
        return;
      }
      auto self = weak.lock();
      if (!self) {
        done.complete(Error(ErrorCode::cancelled, "binance " + op + ": client destroyed"));
        return;
      }
      try {
        done.complete(parse(*self, *r));
      } catch (const ParseError& e) {
        done.complete(self->err(ErrorCode::protocol, op, "unreadable answer: " + e.what));
      } catch (const std::exception& e) {
        done.complete(
            self->err(ErrorCode::protocol, op, std::string("unreadable answer: ") + e.what()));
      }
    });
  }

  // The signed WS-API request that opens the user data stream (user_stream.hpp).
  std::string subscribe_frame() {
    const std::int64_t ts = timestamp_ms();
    const std::int64_t rw =
        std::chrono::duration_cast<std::chrono::milliseconds>(config.recv_window).count();
    const std::string payload = wsapi_payload({{"apiKey", config.api_key},
                                               {"recvWindow", std::to_string(rw)},
                                               {"timestamp", std::to_string(ts)}});
    auto sig = signer.sign(payload);
    const std::uint64_t n = stream_requests.fetch_add(1) + 1;
    json::object params{{"apiKey", config.api_key},
                        {"recvWindow", rw},
                        {"timestamp", ts},
                        {"signature", sig ? *sig : std::string{}}};
    return json::serialize(json::object{{"id", "nz-uds-" + std::to_string(n)},
                                        {"method", "userDataStream.subscribe.signature"},
                                        {"params", std::move(params)}});
  }

  // -------- parsing of orders and trades.

  // An order object (query, open orders, place, cancel). `client_key`: "clientOrderId", or
  // "origClientOrderId" in a cancel answer (where clientOrderId is the cancel's own id).
  std::optional<VenueOrder> parse_order(const json::object& o,
                                        std::string_view client_key = "clientOrderId") const {
    const std::string symbol = str_field(o, "symbol");
    auto id = instrument_of(symbol);
    if (!id) return std::nullopt;
    VenueOrder v;
    v.instrument = *id;
    v.client_order_id = opt_str(o, client_key).value_or("");
    v.side = parse_side(str_field(o, "side"));
    const auto tm = parse_type(str_field(o, "type"));
    v.type = tm.type;
    if (tm.tif) {
      v.time_in_force = *tm.tif;
    } else if (auto tif = opt_str(o, "timeInForce")) {
      v.time_in_force = parse_tif(*tif);
    }
    v.quantity = dec_field(o, "origQty");
    if (o.contains("price")) {
      Decimal p = dec_field(o, "price");
      if (!p.is_zero()) v.price = p;
    }
    const std::string st = str_field(o, "status");
    auto status = parse_order_status(st);
    if (!status) throw ParseError{"unknown order status '" + st + "'"};
    v.report.status = *status;
    v.report.cumulative_filled = dec_field(o, "executedQty");
    if (o.contains("cummulativeQuoteQty") && v.report.cumulative_filled.is_positive()) {
      const Decimal quote = dec_field(o, "cummulativeQuoteQty");
      auto avg = quote.checked_div(v.report.cumulative_filled);
      if (avg) v.report.average_price = *avg;
    }
    v.report.venue_order_id = std::to_string(int_field(o, "orderId"));
    if (*status == domain::VenueOrderStatus::rejected ||
        *status == domain::VenueOrderStatus::expired)
      v.report.reason = st;
    std::int64_t t = 0;
    if (o.contains("updateTime")) {
      t = int_field(o, "updateTime");
    } else if (o.contains("transactTime")) {
      t = int_field(o, "transactTime");
    } else if (o.contains("time")) {
      t = int_field(o, "time");
    }
    v.report.at = t > 0 ? Timestamp::from_ms(t) : clock.now();
    return v;
  }

  domain::Fill parse_full_fill(const json::object& f, const VenueOrder& order, Timestamp at) const {
    domain::Fill fill;
    fill.venue = Venue::binance;
    fill.instrument = order.instrument;
    fill.trade_id = std::to_string(int_field(f, "tradeId"));
    fill.client_order_id = order.client_order_id;
    fill.side = order.side;
    fill.price = dec_field(f, "price");
    fill.quantity = dec_field(f, "qty");
    fill.fee = dec_field(f, "commission");
    fill.fee_currency = str_field(f, "commissionAsset");
    fill.liquidity = domain::Liquidity::taker;  // immediate fills of a new order take
    fill.time = at;
    return fill;
  }

  std::optional<domain::Fill> parse_trade(const json::object& t) const {
    auto id = instrument_of(str_field(t, "symbol"));
    if (!id) return std::nullopt;
    domain::Fill fill;
    fill.venue = Venue::binance;
    fill.instrument = *id;
    fill.trade_id = std::to_string(int_field(t, "id"));
    fill.side = bool_field(t, "isBuyer") ? Side::buy : Side::sell;
    fill.price = dec_field(t, "price");
    fill.quantity = dec_field(t, "qty");
    fill.fee = dec_field(t, "commission");
    fill.fee_currency = str_field(t, "commissionAsset");
    fill.liquidity = bool_field(t, "isMaker") ? domain::Liquidity::maker : domain::Liquidity::taker;
    fill.time = Timestamp::from_ms(int_field(t, "time"));
    return fill;
  }

  Result<Instrument> parse_symbol(const json::object& s) const {
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
    if (Status st = in.validate(); !st.ok()) return st.error();
    return in;
  }
};

// ---------------------------------------------------------------------------------------------
// BinanceClient.

Result<std::unique_ptr<BinanceClient>> BinanceClient::create(net::NetContext& net, Clock& clock,
                                                             const InstrumentRegistry& registry,
                                                             BinanceConfig config,
                                                             std::string_view api_secret) {
  auto bad = [](std::string m) {
    return fail(ErrorCode::invalid_argument, "binance client: " + std::move(m));
  };
  if (config.base_url.empty()) config.base_url = std::string(kProductionBaseUrl);
  while (!config.base_url.empty() && config.base_url.back() == '/') config.base_url.pop_back();
  auto url = net::parse_url(config.base_url);
  if (!url || (url->scheme != "http" && url->scheme != "https"))
    return bad("base URL '" + config.base_url + "' is not an http(s) URL");
  if (url->target != "/" && !url->target.empty())
    return bad("base URL '" + config.base_url + "' must not have a path");
  if (config.api_key.empty()) return bad("the API key is empty");
  const auto rw = std::chrono::duration_cast<std::chrono::milliseconds>(config.recv_window).count();
  if (rw < 1 || rw > 60000) return bad("recvWindow must be 1..60000 ms, got " + std::to_string(rw));
  if (config.request_timeout.count() <= 0) config.request_timeout = 10s;
  auto signer = HmacSha256Signer::create(api_secret);
  if (!signer) return bad(signer.error().message);
  if (config.ws_api_url.empty()) {
    if (url->host == "127.0.0.1" || url->host == "localhost" || url->host == "::1") {
      config.ws_api_url = (url->tls() ? "wss://" : "ws://") + url->authority() + "/ws-api/v3";
    } else {
      config.ws_api_url = std::string(kProductionWsApiUrl);
    }
  }
  auto impl = std::make_shared<Impl>(net, clock, registry, std::move(config), std::move(*signer));
  std::unique_ptr<BinanceClient> client(new BinanceClient(net, std::move(impl)));
  return client;
}

BinanceClient::BinanceClient(net::NetContext& net, std::shared_ptr<Impl> impl)
    : impl_(std::move(impl)) {
  UserStreamConfig uc;
  uc.url = impl_->config.ws_api_url;
  uc.tls = impl_->config.tls;
  std::weak_ptr<Impl> weak = impl_;
  stream_ = std::make_unique<BinanceUserStream>(
      net, impl_->clock, std::move(uc),
      [weak] {
        auto self = weak.lock();
        return self ? self->subscribe_frame() : std::string{};
      },
      [weak](std::string_view symbol) -> std::optional<InstrumentId> {
        auto self = weak.lock();
        if (!self) return std::nullopt;
        return self->instrument_of(symbol);
      });
}

BinanceClient::~BinanceClient() {
  stream_.reset();
  // Completes in-flight requests with `cancelled` before the rest goes.
  impl_.reset();
}

VenueCapabilities BinanceClient::capabilities() const noexcept {
  VenueCapabilities c;
  c.private_stream = true;
  return c;
}

RequestValidity BinanceClient::request_validity() const noexcept {
  return RequestValidity{impl_->config.recv_window, impl_->config.query_lag};
}

Duration BinanceClient::time_offset() const noexcept {
  return std::chrono::milliseconds(impl_->offset_ms.load());
}
std::uint64_t BinanceClient::resyncs() const noexcept {
  return impl_->resync_count.load();
}
net::RateLimiter* BinanceClient::limiter() noexcept {
  return impl_->limiter.get();
}

void BinanceClient::place(const domain::OrderSpec& spec, Callback<PlaceAck> cb) {
  Completion<PlaceAck> done(std::move(cb), "binance place " + spec.client_order_id.text);
  auto refuse = [&](ErrorCode code, std::string m) {
    done.complete(impl_->err(code, "place", "order '" + spec.client_order_id.text + "': " + m));
  };
  if (Status s = domain::validate(spec); !s.ok()) return refuse(s.error().code, s.error().message);
  if (spec.venue != Venue::binance)
    return refuse(ErrorCode::invalid_argument, "not a Binance order");
  if (!is_valid_binance_client_id(spec.client_order_id.text))
    return refuse(ErrorCode::invalid_argument, "client order id is not valid for Binance");
  const Instrument* inst = impl_->instrument(spec.instrument);
  if (inst == nullptr)
    return refuse(ErrorCode::not_found, "instrument is not a Binance instrument");
  if (spec.reduce_only)
    return refuse(ErrorCode::invalid_argument, "reduce-only does not exist on spot");

  using domain::OrderType;
  using domain::TimeInForce;
  std::string type;
  bool needs_tif = false;
  switch (spec.type) {
    case OrderType::market:
      type = "MARKET";
      break;
    case OrderType::limit:
      if (spec.time_in_force == TimeInForce::post_only) {
        type = "LIMIT_MAKER";
      } else {
        type = "LIMIT";
        needs_tif = true;
      }
      break;
    case OrderType::stop:
      type = "STOP_LOSS";
      break;
    case OrderType::take_profit:
      type = "TAKE_PROFIT";
      break;
    case OrderType::stop_limit:
      type = "STOP_LOSS_LIMIT";
      needs_tif = true;
      break;
  }
  if (spec.type == OrderType::stop_limit && spec.time_in_force == TimeInForce::post_only)
    return refuse(ErrorCode::invalid_argument,
                  "post-only stop-limit orders do not exist on Binance");
  QueryBuilder q;
  q.add("symbol", inst->venue_symbol).add("side", side_text(spec.side)).add("type", type);
  if (needs_tif) {
    const char* tif = spec.time_in_force == TimeInForce::ioc   ? "IOC"
                      : spec.time_in_force == TimeInForce::fok ? "FOK"
                                                               : "GTC";
    q.add("timeInForce", tif);
  }
  q.add("quantity", spec.quantity.to_string());
  if (spec.price) q.add("price", spec.price->to_string());
  if (spec.stop_price) q.add("stopPrice", spec.stop_price->to_string());
  q.add("newClientOrderId", spec.client_order_id.text).add("newOrderRespType", "FULL");

  Impl::Call c;
  c.method = "POST";
  c.path = "/api/v3/order";
  c.query = q.release();
  c.limiter_class = "order";
  c.op = "place";
  c.mutating = true;
  impl_->call(std::move(c), done, [](Impl& self, const json::value& v) -> Result<PlaceAck> {
    const auto& o = as_object(v, "order answer");
    auto order = self.parse_order(o);
    if (!order) throw ParseError{"answer for a symbol not in the registry"};
    PlaceAck ack;
    ack.venue_order_id = order->report.venue_order_id;
    ack.client_order_id = order->client_order_id;
    ack.report = order->report;
    ack.at = o.contains("transactTime") ? Timestamp::from_ms(int_field(o, "transactTime"))
                                        : self.clock.now();
    if (const auto* fills = o.if_contains("fills")) {
      for (const auto& f : as_array(*fills, "fills"))
        ack.fills.push_back(self.parse_full_fill(as_object(f, "fill"), *order, ack.at));
    }
    return ack;
  });
}

namespace {
Status add_order_ref(QueryBuilder& q, const OrderRef& ref) {
  if (!ref.venue_order_id.empty()) {
    q.add("orderId", ref.venue_order_id);
  } else if (!ref.client_order_id.empty()) {
    q.add("origClientOrderId", ref.client_order_id);
  } else {
    return fail(ErrorCode::invalid_argument, "neither a venue order id nor a client order id");
  }
  return {};
}
}  // namespace

void BinanceClient::cancel(const OrderRef& ref, Callback<CancelAck> cb) {
  Completion<CancelAck> done(std::move(cb), "binance cancel " + ref.client_order_id);
  const Instrument* inst = impl_->instrument(ref.instrument);
  if (inst == nullptr)
    return (void)done.complete(impl_->err(ErrorCode::invalid_argument, "cancel",
                                          "Binance needs the order's instrument to cancel it"));
  QueryBuilder q;
  q.add("symbol", inst->venue_symbol);
  if (Status s = add_order_ref(q, ref); !s.ok())
    return (void)done.complete(
        impl_->err(ErrorCode::invalid_argument, "cancel", s.error().message));
  Impl::Call c;
  c.method = "DELETE";
  c.path = "/api/v3/order";
  c.query = q.release();
  c.limiter_class = "cancel";
  c.op = "cancel";
  c.mutating = true;
  impl_->call(std::move(c), done, [](Impl& self, const json::value& v) -> Result<CancelAck> {
    auto order = self.parse_order(as_object(v, "cancel answer"), "origClientOrderId");
    if (!order) throw ParseError{"answer for a symbol not in the registry"};
    return CancelAck{order->report.venue_order_id, order->client_order_id, order->report};
  });
}

void BinanceClient::order_status(const OrderRef& ref, Callback<VenueOrder> cb) {
  Completion<VenueOrder> done(std::move(cb), "binance order status " + ref.client_order_id);
  const Instrument* inst = impl_->instrument(ref.instrument);
  if (inst == nullptr)
    return (void)done.complete(impl_->err(ErrorCode::invalid_argument, "order status",
                                          "Binance needs the order's instrument to find it"));
  QueryBuilder q;
  q.add("symbol", inst->venue_symbol);
  if (Status s = add_order_ref(q, ref); !s.ok())
    return (void)done.complete(
        impl_->err(ErrorCode::invalid_argument, "order status", s.error().message));
  Impl::Call c;
  c.path = "/api/v3/order";
  c.query = q.release();
  c.limiter_class = "order_status";
  c.op = "order status";
  impl_->call(std::move(c), done, [](Impl& self, const json::value& v) -> Result<VenueOrder> {
    auto order = self.parse_order(as_object(v, "order"));
    if (!order) throw ParseError{"answer for a symbol not in the registry"};
    return *order;
  });
}

void BinanceClient::open_orders(std::optional<InstrumentId> instrument,
                                Callback<std::vector<VenueOrder>> cb) {
  Completion<std::vector<VenueOrder>> done(std::move(cb), "binance open orders");
  Impl::Call c;
  c.path = "/api/v3/openOrders";
  c.op = "open orders";
  c.limiter_class = "open_orders_all";
  if (instrument) {
    const Instrument* inst = impl_->instrument(*instrument);
    if (inst == nullptr)
      return (void)done.complete(
          impl_->err(ErrorCode::invalid_argument, "open orders", "not a Binance instrument"));
    QueryBuilder q;
    q.add("symbol", inst->venue_symbol);
    c.query = q.release();
    c.limiter_class = "open_orders_symbol";
  }
  impl_->call(std::move(c), done,
              [](Impl& self, const json::value& v) -> Result<std::vector<VenueOrder>> {
                std::vector<VenueOrder> out;
                for (const auto& e : as_array(v, "open orders"))
                  if (auto o = self.parse_order(as_object(e, "order")))
                    out.push_back(std::move(*o));
                return out;
              });
}

namespace {
// Joins N parallel sub-calls into one answer: the first error wins, else all values merged.
template <typename T>
struct Join {
  std::mutex mu;
  std::size_t remaining = 0;
  std::vector<T> items;
  std::optional<Error> error;
};
}  // namespace

void BinanceClient::cancel_all(std::optional<InstrumentId> instrument, Callback<CancelAllAck> cb) {
  Completion<CancelAllAck> done(std::move(cb), "binance cancel all");
  std::weak_ptr<Impl> weak = impl_;
  // DELETE /api/v3/openOrders for each symbol, merged.
  auto cancel_symbols = [weak, done](std::vector<std::string> symbols) {
    auto self = weak.lock();
    if (!self) return (void)done.complete(Error(ErrorCode::cancelled, "binance: client destroyed"));
    if (symbols.empty()) return (void)done.complete(CancelAllAck{});
    auto join = std::make_shared<Join<CancelAck>>();
    join->remaining = symbols.size();
    for (const auto& sym : symbols) {
      QueryBuilder q;
      q.add("symbol", sym);
      Impl::Call c;
      c.method = "DELETE";
      c.path = "/api/v3/openOrders";
      c.query = q.release();
      c.limiter_class = "cancel_all";
      c.op = "cancel all";
      c.mutating = true;
      Completion<std::vector<CancelAck>> part(
          [join, done](Result<std::vector<CancelAck>> r) {
            std::lock_guard lock(join->mu);
            if (!r) {
              // Nothing open on that symbol: Binance answers -2011 "Unknown order sent.".
              if (r.error().venue_code != "-2011" && !join->error) join->error = r.error();
            } else {
              for (auto& a : *r) join->items.push_back(std::move(a));
            }
            if (--join->remaining == 0) {
              if (join->error) {
                done.complete(*join->error);
              } else {
                done.complete(CancelAllAck{std::move(join->items)});
              }
            }
          },
          "binance cancel all " + sym);
      self->call(
          std::move(c), part, [](Impl& s, const json::value& v) -> Result<std::vector<CancelAck>> {
            std::vector<CancelAck> out;
            for (const auto& e : as_array(v, "cancel-all answer")) {
              const auto& o = as_object(e, "cancelled order");
              if (!o.contains("orderId")) continue;  // an order list entry
              if (auto ord = s.parse_order(o, "origClientOrderId"))
                out.push_back(
                    CancelAck{ord->report.venue_order_id, ord->client_order_id, ord->report});
            }
            return out;
          });
    }
  };
  if (instrument) {
    const Instrument* inst = impl_->instrument(*instrument);
    if (inst == nullptr)
      return (void)done.complete(
          impl_->err(ErrorCode::invalid_argument, "cancel all", "not a Binance instrument"));
    cancel_symbols({inst->venue_symbol});
    return;
  }
  // Every symbol with an open order.
  open_orders(std::nullopt, [weak, done, cancel_symbols](Result<std::vector<VenueOrder>> r) {
    auto self = weak.lock();
    if (!self) return (void)done.complete(Error(ErrorCode::cancelled, "binance: client destroyed"));
    if (!r) return (void)done.complete(r.error());
    std::set<std::string> symbols;
    for (const auto& o : *r)
      if (const Instrument* i = self->registry.get(o.instrument)) symbols.insert(i->venue_symbol);
    cancel_symbols(std::vector<std::string>(symbols.begin(), symbols.end()));
  });
}

void BinanceClient::fills_since(Timestamp since, std::optional<InstrumentId> instrument,
                                Callback<std::vector<domain::Fill>> cb) {
  Completion<std::vector<domain::Fill>> done(std::move(cb), "binance fills");
  std::vector<std::string> symbols;
  if (instrument) {
    const Instrument* inst = impl_->instrument(*instrument);
    if (inst == nullptr)
      return (void)done.complete(
          impl_->err(ErrorCode::invalid_argument, "fills", "not a Binance instrument"));
    symbols.push_back(inst->venue_symbol);
  } else {
    for (const Instrument* i : impl_->registry.by_venue(Venue::binance))
      symbols.push_back(i->venue_symbol);
  }
  if (symbols.empty()) return (void)done.complete(std::vector<domain::Fill>{});
  auto join = std::make_shared<Join<domain::Fill>>();
  join->remaining = symbols.size();
  for (const auto& sym : symbols) {
    QueryBuilder q;
    q.add("symbol", sym).add("startTime", since.ms()).add("limit", std::int64_t{1000});
    Impl::Call c;
    c.path = "/api/v3/myTrades";
    c.query = q.release();
    c.limiter_class = "my_trades";
    c.op = "fills";
    Completion<std::vector<domain::Fill>> part(
        [join, done](Result<std::vector<domain::Fill>> r) {
          std::lock_guard lock(join->mu);
          if (!r) {
            if (!join->error) join->error = r.error();
          } else {
            for (auto& f : *r) join->items.push_back(std::move(f));
          }
          if (--join->remaining == 0) {
            if (join->error) return (void)done.complete(*join->error);
            std::stable_sort(
                join->items.begin(), join->items.end(),
                [](const domain::Fill& a, const domain::Fill& b) { return a.time < b.time; });
            done.complete(std::move(join->items));
          }
        },
        "binance fills " + sym);
    impl_->call(std::move(c), part,
                [since](Impl& self, const json::value& v) -> Result<std::vector<domain::Fill>> {
                  std::vector<domain::Fill> out;
                  for (const auto& e : as_array(v, "trades"))
                    if (auto f = self.parse_trade(as_object(e, "trade")); f && f->time >= since)
                      out.push_back(std::move(*f));
                  return out;
                });
  }
}

void BinanceClient::balances(Callback<std::vector<domain::Balance>> cb) {
  Completion<std::vector<domain::Balance>> done(std::move(cb), "binance balances");
  Impl::Call c;
  c.path = "/api/v3/account";
  c.query = "omitZeroBalances=true";
  c.limiter_class = "account";
  c.op = "balances";
  impl_->call(std::move(c), done,
              [](Impl&, const json::value& v) -> Result<std::vector<domain::Balance>> {
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

void BinanceClient::load_instruments(Callback<std::vector<Instrument>> cb) {
  Completion<std::vector<Instrument>> done(std::move(cb), "binance instruments");
  Impl::Call c;
  c.path = "/api/v3/exchangeInfo";
  c.is_signed = false;
  c.api_key = false;
  c.limiter_class = "exchange_info";
  c.op = "instruments";
  if (!impl_->config.symbols.empty()) {
    std::string arr = "[";
    for (std::size_t i = 0; i < impl_->config.symbols.size(); ++i) {
      if (i > 0) arr += ",";
      arr += "\"" + impl_->config.symbols[i] + "\"";
    }
    arr += "]";
    QueryBuilder q;
    q.add("symbols", arr);
    c.query = q.release();
  }
  impl_->call(std::move(c), done,
              [](Impl& self, const json::value& v) -> Result<std::vector<Instrument>> {
                std::vector<Instrument> out;
                const auto& o = as_object(v, "exchangeInfo");
                for (const auto& e : as_array(field(o, "symbols"), "symbols")) {
                  auto in = self.parse_symbol(as_object(e, "symbol"));
                  if (!in) throw ParseError{in.error().message};
                  out.push_back(std::move(*in));
                }
                return out;
              });
}

void BinanceClient::server_time(Callback<Timestamp> cb) {
  Completion<Timestamp> done(std::move(cb), "binance server time");
  impl_->measure_time([done](Result<Timestamp> r) { done.complete(std::move(r)); });
}

PrivateStream* BinanceClient::private_stream() noexcept {
  return stream_.get();
}
BinanceUserStream& BinanceClient::user_stream() noexcept {
  return *stream_;
}
std::string BinanceClient::user_stream_subscribe_frame() const {
  return impl_->subscribe_frame();
}

}  // namespace nzeza::venues::binance

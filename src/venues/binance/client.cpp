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
#include "venues/binance/rest_codec.hpp"
#include "venues/binance/signer.hpp"
#include "venues/binance/user_stream.hpp"
#include "venues/candle_history.hpp"
#include "venues/venue_error.hpp"
#include "venues/wait_timers.hpp"

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
                 {"user_stream", weight(2)},
                 {"klines", weight(2)}};
  return s;
}

namespace {
std::string_view side_text(Side s) {
  return s == Side::buy ? "BUY" : "SELL";
}

// Removes the query string (signature, timestamp, API parameters) from a transport message:
// whatever the transport put in its text, no signed query leaves the client.
std::string without_query(std::string text, const std::string& query) {
  if (query.empty()) return text;
  const std::string with_mark = "?" + query;
  for (auto pos = text.find(with_mark); pos != std::string::npos; pos = text.find(with_mark, pos))
    text.erase(pos, with_mark.size());
  constexpr std::string_view kShown = "[query]";
  for (auto pos = text.find(query); pos != std::string::npos;
       pos = text.find(query, pos + kShown.size()))
    text.replace(pos, query.size(), kShown);
  return text;
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
        waits(c),
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

  ~Impl() { waits.cancel_all(); }

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
    std::string op;       // "place", "cancel"... for messages
    std::string subject;  // "order 'nz-1'": what a place or cancel acted on, in every error
    // "place order 'nz-1'": the operation as every message of this call names it.
    [[nodiscard]] std::string label() const { return subject.empty() ? op : op + " " + subject; }
  };
  // The body of a 2xx answer, or the error that ended the call.
  using RawDone = std::function<void(Result<std::string>)>;

  Clock& clock;
  const InstrumentRegistry& registry;
  BinanceConfig config;
  HmacSha256Signer signer;
  std::unique_ptr<net::RateLimiter> limiter;
  std::atomic<std::int64_t> offset_ms{0};
  std::atomic<std::uint64_t> resync_count{0};
  std::atomic<std::uint64_t> stream_requests{0};
  WaitTimers waits;      // calls held back by the limiter
  net::HttpClient http;  // last: destroyed first, its cancelled callbacks see the rest alive

  Error err(ErrorCode code, std::string_view op, std::string_view message, std::string vcode = {},
            std::string vtext = {}) const {
    return venue_error(code, Venue::binance, op, message, std::move(vcode), std::move(vtext));
  }

  std::int64_t timestamp_ms() const { return clock.now().ms() + offset_ms.load(); }

  // An order's instrument this client has not loaded: its symbol and filters are unknown here,
  // so nothing is sent (an order listed on such a symbol keeps an invalid instrument).
  Error not_loaded(std::string_view op, std::string_view to) const {
    return err(ErrorCode::invalid_argument, op,
               "instrument not loaded by this client (no symbol, no exchange info): cannot " +
                   std::string(to) + "; nothing was sent")
        .with_delivery(Delivery::not_sent);
  }

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

  // Rate limiter gate, then send. A refusal here left nothing: Delivery::not_sent.
  void start(Call call, RawDone done, int attempt = 0) {
    if (limiter && !call.limiter_class.empty()) {
      auto wait = limiter->reserve(call.limiter_class);
      if (!wait) {
        done(venue_error(Venue::binance, call.label(), wait.error())
                 .with_delivery(Delivery::not_sent));
        return;
      }
      if (wait->count() > 0) {
        auto shared_done = std::make_shared<RawDone>(std::move(done));
        auto shared_call = std::make_shared<Call>(std::move(call));
        waits.run_after<Impl>(
            *wait, weak_from_this(),
            [shared_done, shared_call, attempt](Impl& self) {
              self.send(std::move(*shared_call), std::move(*shared_done), attempt);
            },
            [shared_done, shared_call] {
              (*shared_done)(Error(ErrorCode::cancelled, "binance " + shared_call->label() +
                                                             ": client destroyed before sending")
                                 .with_delivery(Delivery::not_sent));
            });
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
        done(
            err(q.error().code, call.label(), q.error().message).with_delivery(Delivery::not_sent));
        return;
      }
      query = std::move(q).value();
    }
    net::HttpRequest req;
    req.method = call.method;
    req.url = config.base_url + call.path;
    if (!query.empty()) req.url += "?" + query;
    if (call.api_key) req.headers.push_back({"X-MBX-APIKEY", config.api_key});
    std::weak_ptr<Impl> weak = weak_from_this();
    http.async_request(
        std::move(req), [weak, call = std::move(call), done = std::move(done), attempt,
                         query = std::move(query)](Result<net::HttpResponse> r) mutable {
          auto self = weak.lock();
          if (!self) {
            // Destroyed while in flight: how far the request got is all we still know.
            Error e(ErrorCode::cancelled, "binance " + call.label() + ": client destroyed");
            e.delivery = r ? Delivery::answer_unknown : r.error().delivery;
            done(std::move(e));
            return;
          }
          self->on_response(std::move(call), std::move(done), attempt, query, std::move(r));
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

  // The answer (or the transport's failure) → the 2xx body or a classified Error. The rules
  // (docs/errors/binance.md): the transport's Error::delivery is kept as it is; a 5xx is
  // outcome unknown whatever its body (Binance: "the execution status is UNKNOWN"); -1000,
  // -1006, -1007 are outcome unknown on any status; any other 4xx with a Binance code is the
  // venue's refusal, classified by that code.
  void on_response(Call call, RawDone done, int attempt, const std::string& query,
                   Result<net::HttpResponse> r) {
    if (!r) {
      Error e = venue_error(Venue::binance, call.label(), r.error());
      e.message = without_query(std::move(e.message), query);
      e.venue_text = without_query(std::move(e.venue_text), query);
      done(std::move(e));
      return;
    }
    net::HttpResponse& resp = *r;
    read_usage_headers(resp);
    const unsigned status = resp.status;
    if (resp.success()) {
      done(std::move(resp.body));
      return;
    }

    const std::optional<ApiError> api = parse_api_error(resp.body);
    const std::string vcode = api ? std::to_string(api->code) : std::to_string(status);
    const std::string vtext = api ? api->msg : resp.body.substr(0, 512);
    const std::string http_status = "HTTP " + std::to_string(status);

    if (status == 429) {
      const Duration wait = resp.retry_after(clock.now()).value_or(Duration(1s));
      if (limiter) limiter->on_retry_after(wait);
      done(err(ErrorCode::rate_limited, call.label(),
               http_status + ": rate limited, retry after " +
                   std::to_string(std::chrono::duration_cast<std::chrono::seconds>(wait).count()) +
                   " s",
               vcode, vtext));
      return;
    }
    if (status == 418) {
      const Duration ban =
          resp.retry_after(clock.now()).value_or(Duration(std::chrono::minutes(2)));
      const Timestamp until = clock.now() + ban;
      if (limiter) limiter->on_banned_until(until);
      done(err(ErrorCode::banned, call.label(),
               http_status + ": IP banned until " + until.to_iso8601(), vcode, vtext));
      return;
    }
    if (status >= 500) {
      // No code in a 5xx body is documented as "not processed" for spot: always unknown.
      const ErrorCode code = api && execution_unknown_code(api->code) && api->code != -1000
                                 ? ErrorCode::timeout
                                 : ErrorCode::unavailable;
      done(err(code, call.label(), http_status + ": execution status unknown", vcode, vtext)
               .with_delivery(Delivery::answer_unknown));
      return;
    }
    if (!api) {
      // A 4xx (or 1xx/3xx) without Binance's error body: the transport's reading of the
      // status, its delivery kept (a proxy's 408 is answer_unknown).
      Status s = resp.check();
      Error e = s.ok() ? Error(ErrorCode::protocol, http_status + ": unexpected HTTP status",
                               std::to_string(status), resp.body.substr(0, 512))
                       : s.error();
      done(venue_error(Venue::binance, call.label(), e));
      return;
    }
    if (api->code == -1021 && attempt == 0) {
      // Not executed: re-measure the offset, then send once more with a fresh timestamp.
      resync_then_retry(std::move(call), std::move(done),
                        Error(ErrorCode::rejected, "", vcode, vtext));
      return;
    }
    Error e = err(classify_binance_error(static_cast<int>(status), api->code, api->msg),
                  call.label(), http_status + ": " + api->msg, vcode, vtext);
    if (execution_unknown_code(api->code)) e.delivery = Delivery::answer_unknown;
    done(std::move(e));
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
    start(std::move(c), [weak, sent, done = std::move(done)](Result<std::string> r) {
      auto self = weak.lock();
      if (!self) return done(Error(ErrorCode::cancelled, "binance server time: client destroyed"));
      if (!r) return done(r.error());
      auto server = parse_server_time(*r);
      if (!server) {
        return done(self->err(ErrorCode::protocol, "server time", server.error().message)
                        .with_delivery(Delivery::answer_cut));
      }
      const Timestamp received = self->clock.now();
      const std::int64_t mid_ms = (sent.ms() + received.ms()) / 2;
      self->offset_ms.store(server->ms() - mid_ms);
      done(*server);
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
                ErrorCode::rejected, shared_call->label(),
                "timestamp outside recvWindow (-1021) and the server-time resync failed: " +
                    t.error().message,
                original.venue_code, original.venue_text));
          }
          self->start(std::move(*shared_call), std::move(*shared_done), 1);
        },
        "server time resync");
  }

  // Typed call: `parse(self, body)` reads a 2xx body into a Result<T> (rest_codec.hpp). An
  // answer that cannot be read came back from a request the venue processed: answer_cut.
  template <typename T, typename Parse>
  void call(Call c, Completion<T> done, Parse parse) {
    std::weak_ptr<Impl> weak = weak_from_this();
    std::string label = c.label();
    start(std::move(c), [weak, done, parse, label](Result<std::string> r) {
      if (!r) {
        done.complete(r.error());
        return;
      }
      auto self = weak.lock();
      if (!self) {
        done.complete(Error(ErrorCode::cancelled, "binance " + label + ": client destroyed")
                          .with_delivery(Delivery::answer_unknown));
        return;
      }
      Result<T> value = parse(*self, *r);
      if (!value) {
        done.complete(self->err(value.error().code, label, value.error().message)
                          .with_delivery(Delivery::answer_cut));
        return;
      }
      done.complete(std::move(value));
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
  c.stop_market = true;         // STOP_LOSS: a MARKET order once stopPrice is reached
  c.stop_limit = true;          // STOP_LOSS_LIMIT: a LIMIT at price once stopPrice is reached
  c.take_profit_market = true;  // TAKE_PROFIT: a MARKET order once stopPrice is reached
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

  Impl::Call c{.method = "POST",
               .path = "/api/v3/order",
               .query = q.release(),
               .limiter_class = "order",
               .op = "place",
               .subject = "order '" + spec.client_order_id.text + "'"};
  impl_->call(std::move(c), done, [](Impl& self, const std::string& body) {
    return parse_place_answer(body, self.registry, self.clock.now());
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

// A call on one order (DELETE or GET /api/v3/order): its method, limiter class and op, and what
// a loaded instrument is needed for ("cancel it").
struct OrderCall {
  const char* method;
  const char* limiter_class;
  const char* op;
  const char* to;
};
constexpr OrderCall kCancelOrder{"DELETE", "cancel", "cancel", "cancel it"};
constexpr OrderCall kOrderStatus{"GET", "order_status", "order status", "find it"};

// Sends `what` on `ref` (its symbol and order id), its errors naming the order: "order 'nz-1'",
// the client order id, else the venue's.
template <typename T, typename Parse>
void call_on_order(BinanceClient::Impl& impl, const OrderRef& ref, const OrderCall& what,
                   Completion<T> done, Parse parse) {
  const std::string subject =
      "order '" + (ref.client_order_id.empty() ? ref.venue_order_id : ref.client_order_id) + "'";
  const std::string label = std::string(what.op) + " " + subject;
  const Instrument* inst = impl.instrument(ref.instrument);
  if (inst == nullptr) return (void)done.complete(impl.not_loaded(label, what.to));
  QueryBuilder q;
  q.add("symbol", inst->venue_symbol);
  if (Status s = add_order_ref(q, ref); !s.ok())
    return (void)done.complete(impl.err(ErrorCode::invalid_argument, label, s.error().message));
  BinanceClient::Impl::Call c;
  c.method = what.method;
  c.path = "/api/v3/order";
  c.query = q.release();
  c.limiter_class = what.limiter_class;
  c.op = what.op;
  c.subject = subject;
  impl.call(std::move(c), std::move(done), std::move(parse));
}
}  // namespace

void BinanceClient::cancel(const OrderRef& ref, Callback<CancelAck> cb) {
  call_on_order(*impl_, ref, kCancelOrder,
                Completion<CancelAck>(std::move(cb), "binance cancel " + ref.client_order_id),
                [](Impl& self, const std::string& body) {
                  return parse_cancel_answer(body, self.registry, self.clock.now());
                });
}

void BinanceClient::order_status(const OrderRef& ref, Callback<VenueOrder> cb) {
  call_on_order(
      *impl_, ref, kOrderStatus,
      Completion<VenueOrder>(std::move(cb), "binance order status " + ref.client_order_id),
      [](Impl& self, const std::string& body) {
        return parse_order_answer(body, self.registry, self.clock.now());
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
  impl_->call(std::move(c), done, [](Impl& self, const std::string& body) {
    return parse_open_orders(body, self.registry, self.clock.now());
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

  // One sub-call's answer. True for the last: then `error`, else `items`, is the answer, and no
  // other sub-call touches the join any more.
  bool add(Result<std::vector<T>> r) {
    std::lock_guard lock(mu);
    if (!r) {
      if (!error) error = std::move(r).error();
    } else {
      for (auto& item : *r) items.push_back(std::move(item));
    }
    return --remaining == 0;
  }
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
      c.subject = "on " + sym;
      Completion<std::vector<CancelAck>> part(
          [join, done](Result<std::vector<CancelAck>> r) {
            // Nothing open on that symbol: Binance answers -2011 "Unknown order sent.".
            if (!r && r.error().venue_code == "-2011") r = std::vector<CancelAck>{};
            if (!join->add(std::move(r))) return;
            if (join->error) return (void)done.complete(*join->error);
            done.complete(CancelAllAck{std::move(join->items)});
          },
          "binance cancel all " + sym);
      self->call(std::move(c), part, [](Impl& s, const std::string& body) {
        return parse_cancel_all_answer(body, s.registry, s.clock.now());
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
    // Every symbol with an open order, loaded or not: "cancel all" leaves nothing open.
    std::set<std::string> symbols;
    for (const auto& o : *r) symbols.insert(o.venue_symbol);
    cancel_symbols(std::vector<std::string>(symbols.begin(), symbols.end()));
  });
}

namespace {
// GET /api/v3/myTrades for each symbol (Binance has no account-wide trade list), merged in time
// order; the first error wins.
void fills_of_symbols(const std::shared_ptr<BinanceClient::Impl>& impl, Timestamp since,
                      std::set<std::string> symbols,
                      const Completion<std::vector<domain::Fill>>& done) {
  if (symbols.empty()) return (void)done.complete(std::vector<domain::Fill>{});
  auto join = std::make_shared<Join<domain::Fill>>();
  join->remaining = symbols.size();
  for (const auto& sym : symbols) {
    QueryBuilder q;
    q.add("symbol", sym).add("startTime", since.ms()).add("limit", std::int64_t{1000});
    BinanceClient::Impl::Call c;
    c.path = "/api/v3/myTrades";
    c.query = q.release();
    c.limiter_class = "my_trades";
    c.op = "fills";
    c.subject = "on " + sym;
    Completion<std::vector<domain::Fill>> part(
        [join, done](Result<std::vector<domain::Fill>> r) {
          if (!join->add(std::move(r))) return;
          if (join->error) return (void)done.complete(*join->error);
          std::stable_sort(
              join->items.begin(), join->items.end(),
              [](const domain::Fill& a, const domain::Fill& b) { return a.time < b.time; });
          done.complete(std::move(join->items));
        },
        "binance fills " + sym);
    impl->call(std::move(c), part,
               [since](BinanceClient::Impl& self,
                       const std::string& body) -> Result<std::vector<domain::Fill>> {
                 auto trades = parse_my_trades(body, self.registry);
                 if (!trades) return trades;
                 std::erase_if(*trades, [since](const domain::Fill& f) { return f.time < since; });
                 return trades;
               });
  }
}
}  // namespace

void BinanceClient::fills_since(Timestamp since, std::optional<InstrumentId> instrument,
                                Callback<std::vector<domain::Fill>> cb) {
  Completion<std::vector<domain::Fill>> done(std::move(cb), "binance fills");
  if (instrument) {
    const Instrument* inst = impl_->instrument(*instrument);
    if (inst == nullptr)
      return (void)done.complete(
          impl_->err(ErrorCode::invalid_argument, "fills", "not a Binance instrument"));
    return fills_of_symbols(impl_, since, {inst->venue_symbol}, done);
  }
  // Every loaded symbol, and every symbol with an open order (loaded or not): a trade on a
  // symbol that is neither reaches us through the user data stream only.
  std::weak_ptr<Impl> weak = impl_;
  open_orders(std::nullopt, [weak, since, done](Result<std::vector<VenueOrder>> r) {
    auto self = weak.lock();
    if (!self) return (void)done.complete(Error(ErrorCode::cancelled, "binance: client destroyed"));
    if (!r) return (void)done.complete(r.error());
    std::set<std::string> symbols;
    for (const Instrument* i : self->registry.by_venue(Venue::binance))
      symbols.insert(i->venue_symbol);
    for (const auto& o : *r) symbols.insert(o.venue_symbol);
    fills_of_symbols(self, since, std::move(symbols), done);
  });
}

void BinanceClient::balances(Callback<std::vector<domain::Balance>> cb) {
  Completion<std::vector<domain::Balance>> done(std::move(cb), "binance balances");
  Impl::Call c;
  c.path = "/api/v3/account";
  c.query = "omitZeroBalances=true";
  c.limiter_class = "account";
  c.op = "balances";
  impl_->call(std::move(c), done,
              [](Impl&, const std::string& body) { return parse_account(body); });
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
  impl_->call(std::move(c), done, [](Impl& self, const std::string& body) {
    return parse_exchange_info(body, self.registry);
  });
}

void BinanceClient::server_time(Callback<Timestamp> cb) {
  Completion<Timestamp> done(std::move(cb), "binance server time");
  impl_->measure_time([done](Result<Timestamp> r) { done.complete(std::move(r)); });
}

namespace {
// The kline intervals whose candles start at multiples of their length since the epoch.
constexpr history::CandleInterval kKlineIntervals[] = {
    {std::chrono::seconds(1), "1s"},   {std::chrono::minutes(1), "1m"},
    {std::chrono::minutes(3), "3m"},   {std::chrono::minutes(5), "5m"},
    {std::chrono::minutes(15), "15m"}, {std::chrono::minutes(30), "30m"},
    {std::chrono::hours(1), "1h"},     {std::chrono::hours(2), "2h"},
    {std::chrono::hours(4), "4h"},     {std::chrono::hours(6), "6h"},
    {std::chrono::hours(8), "8h"},     {std::chrono::hours(12), "12h"},
    {std::chrono::hours(24), "1d"}};
constexpr std::size_t kKlinesPerRequest = 1000;  // GET /api/v3/klines: limit <= 1000
}  // namespace

void BinanceClient::candles(InstrumentId instrument, Duration interval, std::size_t count,
                            Callback<std::vector<market::Candle>> cb) {
  Completion<std::vector<market::Candle>> done(std::move(cb), "binance candles");
  const Instrument* inst = impl_->instrument(instrument);
  if (inst == nullptr)
    return (void)done.complete(impl_->err(ErrorCode::not_found, "candles",
                                          "instrument is not a loaded Binance instrument"));
  const std::string symbol = inst->venue_symbol;
  const std::string op = "candles " + symbol;
  auto wire = history::wire_interval("Binance", kKlineIntervals, interval);
  if (!wire) return (void)done.complete(venue_error(Venue::binance, op, wire.error()));
  if (count > history::kMaxPagedCandles)
    return (void)done.complete(impl_->err(ErrorCode::invalid_argument, op,
                                          std::to_string(count) + " candles asked; at most " +
                                              std::to_string(history::kMaxPagedCandles) +
                                              " per call (pages of 1000)"));
  // Binance's clock decides which kline is still open: ours plus the measured offset.
  const Timestamp cutoff = Timestamp::from_ms(impl_->timestamp_ms()).floor_to(interval);
  std::weak_ptr<Impl> weak = impl_;
  history::fetch_last(
      cutoff, interval, count, kKlinesPerRequest,
      [weak, symbol, wire = std::string(*wire), interval](const history::Window& w,
                                                          history::CandlesDone page) {
        auto self = weak.lock();
        if (!self)
          return page(Error(ErrorCode::cancelled, "binance candles: client destroyed")
                          .with_delivery(Delivery::not_sent));
        QueryBuilder q;
        q.add("symbol", symbol)
            .add("interval", wire)
            .add("startTime", w.from.ms())
            .add("endTime", w.to.ms() - 1)
            .add("limit", static_cast<std::int64_t>(w.limit));
        Impl::Call c;
        c.path = "/api/v3/klines";
        c.query = q.release();
        c.is_signed = false;
        c.api_key = false;
        c.limiter_class = "klines";
        c.op = "candles";
        c.subject = symbol + " " + wire;
        self->call(std::move(c),
                   Completion<std::vector<market::Candle>>(std::move(page), "binance candles"),
                   [interval](Impl& s, const std::string& body) {
                     return parse_klines(body, interval, Timestamp::from_ms(s.timestamp_ms()));
                   });
      },
      [done](Result<std::vector<market::Candle>> r) { done.complete(std::move(r)); });
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

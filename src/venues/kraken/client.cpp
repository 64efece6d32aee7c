#include "venues/kraken/client.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <deque>
#include <set>
#include <utility>

#include "core/enum_names.hpp"
#include "venues/candle_history.hpp"
#include "venues/kraken/private_stream.hpp"
#include "venues/kraken/rest_codec.hpp"
#include "venues/percent_encoding.hpp"
#include "venues/venue_error.hpp"
#include "venues/wait_timers.hpp"

namespace nzeza::venues::kraken {

namespace json = boost::json;

namespace {

// The venue's code is the "Category:Message" prefix ("EService:Throttled"), its text verbatim.
Error kraken_error(std::string_view op, std::string_view text) {
  return venue_error(kraken_error_code(text), Venue::kraken, op, std::string(text),
                     kraken_error_prefix(text), std::string(text));
}

Error protocol_error(std::string_view op, std::string_view what) {
  return venue_error(ErrorCode::protocol, Venue::kraken, op, what);
}

// An answer to a sent request arrived and could not be read: the venue may have acted on it.
Error unreadable(std::string_view op, std::string_view what) {
  return protocol_error(op, what).with_delivery(Delivery::answer_cut);
}

// A rest_codec refusal of an answer ("TradesHistory: trade T1 without time"), as ours.
Error unreadable(const Error& codec_error) {
  return Error(codec_error.code, "kraken " + codec_error.message)
      .with_delivery(Delivery::answer_cut);
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
                       {"kraken public", config.max_rate_wait}),
        waits(c) {
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
  WaitTimers waits;  // calls held back by the limiters (its own lock)
  std::map<std::string, std::unique_ptr<net::RateLimiter>, std::less<>> trading;  // per pair
  std::map<std::string, Timestamp, std::less<>> placed_at;        // txid / cl_ord_id -> time
  std::map<std::string, std::string, std::less<>> cl_by_txid;     // our orders' client ids
  std::map<std::string, InstrumentId, std::less<>> pair_aliases;  // altname, wsname...

  // ---- plumbing --------------------------------------------------------------------------

  void shutdown() {
    std::deque<PrivateCall> dropped;
    {
      std::lock_guard lock(mu);
      stopping = true;
      dropped.swap(lane);
    }
    waits.cancel_all();
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
    // After a shutdown (or when the client is gone by the end of the wait) nothing is sent.
    waits.run_after<Core>(
        wait, weak_from_this(), [then](Core&) { then(); },
        [fail_with, op] {
          fail_with(venue_error(ErrorCode::cancelled, Venue::kraken, op, "client shut down"));
        });
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
      if (auto text = rest::envelope_error(resp.body);
          text && kraken_error_proves_not_processed(*text)) {
        on_error_text(*text);
        return kraken_error(op, *text);
      }
      return venue_error(Venue::kraken, op, resp.check().error());
    }
    auto answer = rest::parse_answer(resp.body);
    if (!answer) return unreadable(op, answer.error().message);
    if (answer->error) {
      const std::string& text = *answer->error;
      on_error_text(text);
      Error e = kraken_error(op, text);
      if (mutating && !kraken_error_proves_not_processed(text))
        e.delivery = Delivery::answer_unknown;
      return e;
    }
    return std::move(answer->result);
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
        if (d && d->is_positive() && *d <= Decimal::from_integer(4'000'000'000)) {
          // raw16 is 1e-16 s, 10^7 of them a ns; 4e9 s (year 2096) keeps ns inside int64.
          const auto until = Timestamp::from_ns(static_cast<std::int64_t>(d->raw16() / 10'000'000));
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

  // ---- parsing (rest_codec.hpp) ------------------------------------------------------------

  rest::OrderContext order_context(InstrumentId fallback = {},
                                   std::optional<InstrumentId> only = std::nullopt) {
    rest::OrderContext ctx;
    auto self = shared_from_this();
    ctx.resolve = [self](std::string_view pair) { return self->resolve_pair(pair); };
    ctx.client_id_of = [self](std::string_view txid) {
      return self->client_id_of(std::string(txid));
    };
    ctx.fallback = fallback;
    ctx.only = only;
    ctx.now = clock.now();
    return ctx;
  }

  Result<std::vector<VenueOrder>> parse_order_map(std::string_view op, const json::value* m,
                                                  std::optional<InstrumentId> only,
                                                  InstrumentId fallback = {}) {
    auto orders = rest::parse_orders(op, m, order_context(fallback, only));
    if (!orders) return unreadable(orders.error());
    return orders;
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
  c.stop_market = true;          // AddOrder ordertype=stop-loss (price = trigger)
  c.stop_limit = true;           // AddOrder ordertype=stop-loss-limit (price trigger, price2 limit)
  c.take_profit_market = true;   // AddOrder ordertype=take-profit (price = trigger)
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
  static constexpr EnumNames kOrderTypes{
      OT::stop_limit, {"market", "limit", "stop-loss", "take-profit", "stop-loss-limit"}};
  p.emplace_back("ordertype", kOrderTypes.name(order.type));
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
        auto txid = rest::parse_add_order(*r);
        if (!txid) return deliver(c, Result<PlaceAck>(unreadable(what, txid.error().message)));
        PlaceAck ack;
        ack.venue_order_id = std::move(txid).value();
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
        auto count = rest::parse_cancel_count(*r);
        if (!count) return deliver(c, Result<CancelAck>(unreadable(what, count.error().message)));
        if (*count < 1)
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
          if (auto count = rest::parse_cancel_count(*r); !count)
            return deliver(c, Result<CancelAllAck>(unreadable("CancelAll", count.error().message)));
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
  core_->private_call("CancelAllOrdersAfter", {{"timeout", std::to_string(secs)}}, true,
                      {{&core_->rest_limiter, "query", 1}}, [c, secs](Result<json::value> r) {
                        if (!r) return deliver(c, Result<Timestamp>(std::move(r).error()));
                        auto t = rest::parse_dead_man(*r, secs == 0);
                        if (!t)
                          return deliver(c, Result<Timestamp>(unreadable("CancelAllOrdersAfter",
                                                                         t.error().message)));
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
  std::set<std::pair<std::string, std::string>> seen;  // (pair, trade id) kept
  std::size_t offset = 0;
  std::size_t pages = 0;
};

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
        rest::TradesContext ctx;
        auto core = q->core;
        ctx.resolve = [core](std::string_view pair) { return core->resolve_pair(pair); };
        ctx.client_id_of = [core](std::string_view txid) {
          return core->client_id_of(std::string(txid));
        };
        ctx.quote_of = [core](InstrumentId id) {
          const Instrument* inst = core->registry.get(id);
          return inst != nullptr ? inst->quote : std::string{};
        };
        ctx.only = q->instrument;
        ctx.since = q->since;
        auto page = rest::parse_trades(*r, ctx);
        if (!page) return deliver(q->done, R(unreadable(page.error())));
        for (auto& f : page->fills)
          if (q->seen.emplace(f.venue_symbol, f.trade_id).second) q->fills.push_back(std::move(f));
        q->offset += page->page_size;
        ++q->pages;
        if (page->page_size > 0 && q->offset < page->total &&
            q->pages < q->core->config.fills_max_pages)
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
  core_->private_call("BalanceEx", {}, false, {{&core_->rest_limiter, "query", 1}},
                      [c](Result<json::value> r) {
                        using R = Result<std::vector<domain::Balance>>;
                        if (!r) return deliver(c, R(std::move(r).error()));
                        auto rows = rest::parse_balance_ex(*r);
                        if (!rows) return deliver(c, R(unreadable(rows.error())));
                        std::vector<domain::Balance> out;
                        for (const auto& row : *rows) {
                          auto b = domain::Balance::from_snapshot(row.currency, row.total,
                                                                  row.total - row.hold, row.hold);
                          if (!b)
                            return deliver(c, R(protocol_error("BalanceEx", b.error().message)));
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
    auto pairs = rest::parse_asset_pairs(*r, core->registry, core->config.symbols);
    if (!pairs) return deliver(c, R(unreadable(pairs.error())));
    {
      std::lock_guard lock(core->mu);
      for (auto& [k, id] : pairs->aliases) core->pair_aliases[k] = id;
    }
    deliver(c, R(std::move(pairs->instruments)));
  });
}

void KrakenClient::server_time(Callback<Timestamp> done) {
  Completion<Timestamp> c(std::move(done), "kraken server_time");
  core_->public_get("/0/public/Time", "Time", [c](Result<json::value> r) {
    if (!r) return deliver(c, Result<Timestamp>(std::move(r).error()));
    auto t = rest::parse_server_time(*r);
    if (!t) return deliver(c, Result<Timestamp>(unreadable(t.error())));
    deliver(c, Result<Timestamp>(*t));
  });
}

namespace {
constexpr history::CandleInterval kOhlcIntervals[] = {
    {std::chrono::minutes(1), "1"},   {std::chrono::minutes(5), "5"},
    {std::chrono::minutes(15), "15"}, {std::chrono::minutes(30), "30"},
    {std::chrono::hours(1), "60"},    {std::chrono::hours(4), "240"},
    {std::chrono::hours(24), "1440"}};
// "Returns up to 720 of the most recent entries", the newest not yet committed.
constexpr std::size_t kMaxOhlcCandles = 719;

}  // namespace

void KrakenClient::candles(InstrumentId instrument, Duration interval, std::size_t count,
                           Callback<std::vector<market::Candle>> done) {
  Completion<std::vector<market::Candle>> c(std::move(done), "kraken candles");
  using R = Result<std::vector<market::Candle>>;
  const Instrument* inst = core_->registry.get(instrument);
  if (inst == nullptr || inst->venue != Venue::kraken)
    return deliver(c, R(venue_error(ErrorCode::not_found, Venue::kraken, "candles",
                                    "instrument is not a loaded Kraken instrument")));
  const std::string op = "OHLC " + inst->venue_symbol;
  auto wire = history::wire_interval("Kraken", kOhlcIntervals, interval);
  if (!wire) return deliver(c, R(venue_error(Venue::kraken, op, wire.error())));
  if (count > kMaxOhlcCandles)
    return deliver(c,
                   R(venue_error(ErrorCode::invalid_argument, Venue::kraken, op,
                                 std::to_string(count) + " candles asked; Kraken keeps at most " +
                                     std::to_string(kMaxOhlcCandles) + " closed ones")));
  if (count == 0) return deliver(c, R(std::vector<market::Candle>{}));
  core_->public_get("/0/public/OHLC?pair=" + percent_encode(inst->venue_symbol) +
                        "&interval=" + std::string(*wire),
                    op, [c, interval, count](Result<json::value> r) {
                      if (!r) return deliver(c, R(std::move(r).error()));
                      auto candles = rest::parse_ohlc(*r, interval);
                      if (!candles) return deliver(c, R(unreadable(candles.error())));
                      if (candles->size() > count)
                        candles->erase(candles->begin(),
                                       candles->end() - static_cast<std::ptrdiff_t>(count));
                      deliver(c, std::move(candles));
                    });
}

void KrakenClient::websockets_token(Callback<std::string> done) {
  Completion<std::string> c(std::move(done), "kraken GetWebSocketsToken");
  core_->private_call("GetWebSocketsToken", {}, false, {{&core_->rest_limiter, "query", 1}},
                      [c](Result<json::value> r) {
                        if (!r) return deliver(c, Result<std::string>(std::move(r).error()));
                        auto token = rest::parse_ws_token(*r);
                        if (!token)
                          return deliver(c, Result<std::string>(unreadable(token.error())));
                        deliver(c, Result<std::string>(std::move(token).value()));
                      });
}

}  // namespace nzeza::venues::kraken

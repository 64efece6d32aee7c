#include "venues/hyperliquid/client.hpp"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <ctime>
#include <mutex>
#include <set>

#include "core/client_id.hpp"
#include "venues/hyperliquid/responses.hpp"
#include "venues/hyperliquid/user_stream.hpp"
#include "venues/hyperliquid/wire.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::hyperliquid {

namespace json = boost::json;

namespace {

constexpr Venue kVenue = Venue::hyperliquid;
constexpr std::string_view kQuote = "USDC";
// Hyperliquid's nonce window (T - 2 days, T + 1 day): without expiresAfter, the only bound.
constexpr Duration kNonceWindow = std::chrono::hours(48);
constexpr Duration kDefaultRetryAfter = 10s;
// The SDK's slippage for market orders, used for market-on-trigger limit prices.
const Decimal kTriggerSlippage = Decimal::from_raw(5'000'000);  // 0.05

Error err(ErrorCode code, std::string_view op, std::string_view message, std::string vcode = {},
          std::string vtext = {}) {
  return venue_error(code, kVenue, op, message, std::move(vcode), std::move(vtext));
}

// The docs' error types (error_messages_from_docs), matched on the start of the venue's text.
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

Error item_error(std::string_view op, std::string_view text) {
  for (const auto& k : kKnownErrors) {
    if (text.starts_with(k.prefix)) {
      return err(k.code, op, text, std::string(k.type), std::string(text));
    }
  }
  return err(ErrorCode::rejected, op, text, {}, std::string(text));
}

// A top-level {"status":"err","response":"..."}.
Error top_level_error(std::string_view op, std::string_view text) {
  // Signature or key problems: the recovered signer is not a known user or agent.
  if (text.find("does not exist") != std::string_view::npos ||
      text.find("signature") != std::string_view::npos ||
      text.find("Signature") != std::string_view::npos) {
    return err(ErrorCode::auth_failed, op, text, "err", std::string(text));
  }
  for (const auto& k : kKnownErrors) {
    if (text.starts_with(k.prefix)) {
      return err(k.code, op, text, std::string(k.type), std::string(text));
    }
  }
  return err(ErrorCode::rejected, op, text, "err", std::string(text));
}

Decimal pow10_neg(int decimals) {
  return Decimal::from_scaled(1, decimals).value_or(Decimal::from_raw(1));
}

// RFC 7231 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::optional<Timestamp> parse_http_date(std::string_view text) {
  std::tm tm{};
  const std::string s(text);
  const char* end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const std::time_t t = timegm(&tm);
  if (t < 0) return std::nullopt;
  return Timestamp::from_seconds(static_cast<std::int64_t>(t));
}

}  // namespace

std::vector<net::BucketConfig> default_rate_buckets() {
  return {{"ip_weight", 1200, 20}, {"address", 10000, 0.1}};
}

// Shared with timer callbacks (weak) so a rate-limit wait firing after destruction is harmless.
struct HyperliquidClient::State : std::enable_shared_from_this<HyperliquidClient::State> {
  State(net::NetContext& n, Clock& c, const InstrumentRegistry& r, HyperliquidClientConfig cfg)
      : clock(c), registry(r), config(std::move(cfg)) {
    net::HttpClientConfig hc;
    hc.tls = config.tls;
    hc.request_timeout = config.request_timeout;
    http = std::make_unique<net::HttpClient>(n, c, hc);
  }

  struct Reply {
    json::value body;
    net::HttpResponse http;
  };
  using ReplyCallback = std::function<void(Result<Reply>)>;
  using BodyMaker = std::function<Result<std::string>()>;

  Clock& clock;
  const InstrumentRegistry& registry;
  HyperliquidClientConfig config;
  std::unique_ptr<net::HttpClient> http;
  Signer* signer = nullptr;
  net::RateLimiter* limiter = nullptr;
  std::string user;
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::set<TimerId> timers;

  // Reserves `endpoint_class` (x multiplier), then builds the body (signing happens here, after
  // any wait, so expiresAfter counts from the real send) and POSTs it.
  void post(std::string path, std::string endpoint_class, double multiplier, std::string op,
            BodyMaker make_body, ReplyCallback cb) {
    if (stopping.load()) {
      cb(err(ErrorCode::cancelled, op, "client shutting down"));
      return;
    }
    auto wait = limiter->reserve(endpoint_class, multiplier);
    if (!wait) {
      cb(err(wait.error().code, op, wait.error().message));
      return;
    }
    if (wait->count() <= 0) {
      send(std::move(path), std::move(op), std::move(make_body), std::move(cb));
      return;
    }
    std::weak_ptr<State> weak = weak_from_this();
    auto id = std::make_shared<TimerId>();
    std::lock_guard lock(mu);
    *id = clock.schedule_after(
        *wait, [weak, id, path = std::move(path), op, make_body, cb]() mutable {
          auto self = weak.lock();
          if (!self) {
            cb(err(ErrorCode::cancelled, op, "client destroyed during a rate-limit wait"));
            return;
          }
          {
            std::lock_guard l(self->mu);
            self->timers.erase(*id);
          }
          self->send(std::move(path), std::move(op), std::move(make_body), std::move(cb));
        });
    timers.insert(*id);
  }

  void send(std::string path, std::string op, const BodyMaker& make_body, ReplyCallback cb) {
    if (stopping.load()) {
      cb(err(ErrorCode::cancelled, op, "client shutting down"));
      return;
    }
    auto body = make_body();
    if (!body) {
      cb(body.error());
      return;
    }
    net::HttpRequest req;
    req.method = "POST";
    req.url = config.base_url + path;
    req.headers.push_back({"Content-Type", "application/json"});
    req.body = std::move(*body);
    req.timeout = config.request_timeout;
    http->async_request(std::move(req),
                        [this, op = std::move(op), cb = std::move(cb)](
                            Result<net::HttpResponse> r) { on_http(op, std::move(r), cb); });
  }

  void on_http(const std::string& op, Result<net::HttpResponse> r, const ReplyCallback& cb) {
    if (!r) {
      const auto& e = r.error();
      cb(err(e.code, op, e.message, e.venue_code, e.venue_text));
      return;
    }
    auto& resp = *r;
    if (resp.status == 429) {
      const auto d = resp.retry_after(clock.now()).value_or(kDefaultRetryAfter);
      limiter->on_retry_after(d);
    }
    if (!resp.success()) {
      auto e = resp.check().error();
      // 4xx bodies are JSON {code,msg,data} (SDK api.py) or plain text: keep the venue's words.
      std::error_code ec;
      auto parsed = json::parse(resp.body, ec);
      std::string vcode = e.venue_code;
      std::string vtext = e.venue_text;
      if (!ec && parsed.is_object()) {
        if (const auto* m = field(parsed, "msg"); m != nullptr && m->is_string()) {
          vtext = std::string(m->get_string());
        }
        if (const auto* c = field(parsed, "code"); c != nullptr) {
          vcode = c->is_string() ? std::string(c->get_string()) : json::serialize(*c);
        }
      }
      cb(err(e.code, op, e.message + (vtext.empty() ? "" : ": " + vtext), vcode, vtext));
      return;
    }
    std::error_code ec;
    auto parsed = json::parse(resp.body, ec);
    if (ec) {
      cb(protocol(op, "malformed JSON answer (" + ec.message() + ")"));
      return;
    }
    cb(Reply{std::move(parsed), std::move(resp)});
  }

  void info(std::string endpoint_class, std::string op, json::object request,
            std::function<void(Result<Reply>)> cb) {
    std::string body = json::serialize(request);
    post(
        "/info", std::move(endpoint_class), 1.0, std::move(op),
        [body = std::move(body)]() -> Result<std::string> { return body; }, std::move(cb));
  }

  // Signs `action` at send time and POSTs it; answers the `response` member of a top-level
  // "status":"ok" (a top-level "err" is a typed rejection).
  void exchange(std::string op, json::value action, std::size_t batch,
                std::function<void(Result<json::value>)> cb) {
    const double weight = 1.0 + static_cast<double>(batch / 40);
    auto make = [this, action = std::move(action), op]() -> Result<std::string> {
      const auto now_ms = static_cast<std::uint64_t>(clock.now().ms());
      ActionEnvelope env;
      env.nonce = signer->next_nonce(now_ms);
      env.vault = config.vault_address;
      if (config.expires_after.count() > 0) {
        env.expires_after =
            now_ms + static_cast<std::uint64_t>(
                         std::chrono::duration_cast<std::chrono::milliseconds>(config.expires_after)
                             .count());
      }
      auto sig = signer->sign_l1_action(action, env, config.mainnet);
      if (!sig) return err(sig.error().code, op, sig.error().message);
      std::optional<std::string> vault;
      if (env.vault) vault = to_0x(*env.vault);
      return exchange_body(action, env.nonce, *sig, vault, env.expires_after);
    };
    post("/exchange", "exchange", weight, op, std::move(make),
         [op, cb = std::move(cb)](Result<Reply> r) {
           if (!r) {
             cb(r.error());
             return;
           }
           const auto& body = r->body;
           const auto status = str_field(body, "status");
           const auto* response = field(body, "response");
           if (status == "err") {
             const auto text = response != nullptr && response->is_string()
                                   ? std::string(response->get_string())
                                   : (response != nullptr ? json::serialize(*response) : "");
             cb(top_level_error(op, text));
             return;
           }
           if (status != "ok" || response == nullptr) {
             cb(protocol(op, "answer without \"status\":\"ok\"|\"err\" and \"response\""));
             return;
           }
           cb(*response);
         });
  }

  // statuses of an order/cancel response: response.data.statuses.
  static Result<const json::array*> statuses(const json::value& response, std::string_view op) {
    const auto* data = field(response, "data");
    const auto* st = data != nullptr ? field(*data, "statuses") : nullptr;
    if (st == nullptr || !st->is_array()) {
      return protocol(op, "answer without response.data.statuses");
    }
    return &st->get_array();
  }

  const Instrument* instrument_of(std::string_view coin) const {
    return registry.find(kVenue, coin);
  }

  std::optional<VenueOrder> open_order(const json::value& v, std::string_view op,
                                       Error& error) const {
    return parse_order(v, registry, op, error);
  }
  std::optional<domain::Fill> fill_of(const json::value& v, std::string_view op,
                                      Error& error) const {
    return parse_fill(v, registry, op, error);
  }

  // userFillsByTime from `since`, optionally only one order's (oid) fills; oldest first.
  void fills(Timestamp since, std::optional<InstrumentId> instrument,
             std::optional<std::uint64_t> oid, std::string op,
             std::function<void(Result<std::vector<domain::Fill>>)> cb) {
    json::object req;
    req["type"] = "userFillsByTime";
    req["user"] = user;
    req["startTime"] = std::max<std::int64_t>(0, since.ms());
    info("info", op, std::move(req), [this, instrument, oid, op, cb](Result<Reply> r) {
      if (!r) {
        cb(r.error());
        return;
      }
      if (!r->body.is_array()) {
        cb(protocol(op, "userFillsByTime answer is not an array"));
        return;
      }
      std::vector<domain::Fill> out;
      for (const auto& item : r->body.get_array()) {
        if (oid && uint_of(field(item, "oid")) != oid) continue;
        Error e;
        auto f = fill_of(item, op, e);
        if (!f) {
          if (!e.message.empty()) {
            cb(std::move(e));
            return;
          }
          continue;
        }
        if (instrument && f->instrument != *instrument) continue;
        out.push_back(std::move(*f));
      }
      std::stable_sort(out.begin(), out.end(),
                       [](const auto& a, const auto& b) { return a.time < b.time; });
      cb(std::move(out));
    });
  }
};

HyperliquidClient::HyperliquidClient(net::NetContext& net, Clock& clock,
                                     const InstrumentRegistry& registry, Signer signer,
                                     HyperliquidClientConfig config)
    : state_(std::make_shared<State>(net, clock, registry, std::move(config))),
      signer_(std::make_unique<Signer>(std::move(signer))),
      limiter_(std::make_unique<net::RateLimiter>(clock, default_rate_buckets(),
                                                  net::RateLimiterOptions{"hyperliquid", 10s})) {
  (void)limiter_->add_endpoint("exchange", {{"ip_weight", 1}, {"address", 1}});
  (void)limiter_->add_endpoint("info_light", {{"ip_weight", 2}});
  (void)limiter_->add_endpoint("info", {{"ip_weight", 20}});
  user_ = state_->config.account_address.empty() ? signer_->address_hex()
                                                 : state_->config.account_address;
  std::transform(user_.begin(), user_.end(), user_.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!state_->config.ws_url.empty()) {
    UserStreamConfig uc;
    uc.url = state_->config.ws_url;
    uc.user = user_;
    uc.tls = state_->config.tls;
    stream_ = std::make_unique<HyperliquidUserStream>(net, clock, registry, std::move(uc));
  }
  state_->signer = signer_.get();
  state_->limiter = limiter_.get();
  state_->user = user_;
}

HyperliquidClient::~HyperliquidClient() {
  if (stream_) stream_->stop();
  state_->stopping = true;
  std::set<TimerId> timers;
  {
    std::lock_guard lock(state_->mu);
    timers.swap(state_->timers);
  }
  // A cancelled timer drops its callback: the Completion inside delivers `cancelled`.
  for (auto id : timers) state_->clock.cancel(id);
  // Pending HTTP requests complete with `cancelled` before this returns.
  state_->http.reset();
}

VenueCapabilities HyperliquidClient::capabilities() const noexcept {
  VenueCapabilities c;
  c.amend = false;
  c.dead_man_switch = true;
  c.positions = true;
  c.private_stream = stream_ != nullptr;
  c.status_by_client_id = true;
  c.cancel_by_client_id = true;
  return c;
}

PrivateStream* HyperliquidClient::private_stream() noexcept {
  return stream_.get();
}

RequestValidity HyperliquidClient::request_validity() const noexcept {
  RequestValidity v;
  // Signing happens after any rate-limit wait (at most the limiter's max_wait).
  v.window = state_->config.expires_after.count() > 0
                 ? state_->config.expires_after + limiter_->max_wait()
                 : kNonceWindow;
  v.query_lag = state_->config.query_lag;
  return v;
}

void HyperliquidClient::place(const domain::OrderSpec& spec, Callback<PlaceAck> done) {
  const std::string op = "place " + spec.client_order_id.text;
  Completion<PlaceAck> c(std::move(done), "hyperliquid " + op);
  if (auto s = domain::validate(spec); !s) {
    c.complete(err(s.error().code, op, s.error().message));
    return;
  }
  const auto* inst = state_->registry.get(spec.instrument);
  if (inst == nullptr || inst->venue != kVenue || !inst->hyperliquid_asset) {
    c.complete(err(ErrorCode::not_found, op, "instrument is not a Hyperliquid asset"));
    return;
  }
  if (!is_valid_hyperliquid_cloid(spec.client_order_id.text)) {
    c.complete(err(ErrorCode::invalid_argument, op,
                   "client order id is not a Hyperliquid cloid (0x + 32 hex digits)"));
    return;
  }
  OrderWire w;
  w.asset = *inst->hyperliquid_asset;
  w.is_buy = spec.side == Side::buy;
  w.size = spec.quantity;
  w.reduce_only = spec.reduce_only;
  w.cloid = spec.client_order_id.text;
  using domain::OrderType;
  using domain::TimeInForce;
  switch (spec.type) {
    case OrderType::market:
      c.complete(err(ErrorCode::invalid_argument, op,
                     "Hyperliquid has no market orders: send an IOC limit at a protective price"));
      return;
    case OrderType::limit:
      w.limit_px = *spec.price;
      switch (spec.time_in_force) {
        case TimeInForce::gtc:
          w.tif = Tif::gtc;
          break;
        case TimeInForce::ioc:
          w.tif = Tif::ioc;
          break;
        case TimeInForce::post_only:
          w.tif = Tif::alo;
          break;
        case TimeInForce::fok:
          c.complete(err(ErrorCode::invalid_argument, op,
                         "Hyperliquid has no fill-or-kill orders (Gtc, Ioc, Alo only)"));
          return;
      }
      break;
    case OrderType::stop:
    case OrderType::take_profit: {
      // Market on trigger: the limit is the worst price accepted, 5% beyond the trigger.
      const Decimal trig = *spec.stop_price;
      const Decimal bound =
          spec.side == Side::buy ? trig + trig * kTriggerSlippage : trig - trig * kTriggerSlippage;
      auto px =
          inst->round_price(bound, spec.side == Side::buy ? RoundingMode::up : RoundingMode::down);
      if (!px) {
        c.complete(err(px.error().code, op, px.error().message));
        return;
      }
      w.limit_px = *px;
      w.trigger =
          OrderWire::Trigger{true, trig, spec.type == OrderType::take_profit ? TpSl::tp : TpSl::sl};
      break;
    }
    case OrderType::stop_limit:
      w.limit_px = *spec.price;
      w.trigger = OrderWire::Trigger{false, *spec.stop_price, TpSl::sl};
      break;
  }
  const std::vector<OrderWire> orders{w};
  auto state = state_;
  const auto quantity = spec.quantity;
  const bool ioc = w.tif == Tif::ioc && !w.trigger;
  const auto cloid = spec.client_order_id.text;
  const auto sent_at = state->clock.now();
  state->exchange(op, order_action(orders), 1,
                  [state, c, op, quantity, ioc, cloid, sent_at](Result<json::value> r) {
                    if (!r) {
                      c.complete(r.error());
                      return;
                    }
                    auto st = State::statuses(*r, op);
                    if (!st) {
                      c.complete(st.error());
                      return;
                    }
                    if ((*st)->size() != 1) {
                      c.complete(protocol(op, "expected one status for one order"));
                      return;
                    }
                    const auto& item = (**st)[0];
                    PlaceAck ack;
                    ack.client_order_id = cloid;
                    ack.at = state->clock.now();
                    ack.report.at = ack.at;
                    if (item.is_string()) {
                      // "waitingForTrigger" / "waitingForFill": accepted, not yet live in the book.
                      ack.report.status = domain::VenueOrderStatus::open;
                      c.complete(std::move(ack));
                      return;
                    }
                    if (auto e = str_field(item, "error")) {
                      c.complete(item_error(op, *e));
                      return;
                    }
                    if (const auto* resting = field(item, "resting")) {
                      const auto oid = uint_of(field(*resting, "oid"));
                      if (!oid) {
                        c.complete(protocol(op, "resting status without oid"));
                        return;
                      }
                      ack.venue_order_id = std::to_string(*oid);
                      ack.report.venue_order_id = ack.venue_order_id;
                      ack.report.status = domain::VenueOrderStatus::open;
                      c.complete(std::move(ack));
                      return;
                    }
                    if (const auto* filled = field(item, "filled")) {
                      const auto oid = uint_of(field(*filled, "oid"));
                      auto total = decimal_field(*filled, "totalSz", op);
                      auto avg = decimal_field(*filled, "avgPx", op);
                      if (!oid || !total || !avg) {
                        c.complete(protocol(op, "filled status without oid/totalSz/avgPx"));
                        return;
                      }
                      ack.venue_order_id = std::to_string(*oid);
                      ack.report.venue_order_id = ack.venue_order_id;
                      ack.report.cumulative_filled = *total;
                      ack.report.average_price = *avg;
                      ack.report.status = *total >= quantity ? domain::VenueOrderStatus::filled
                                          : ioc              ? domain::VenueOrderStatus::expired
                                                : domain::VenueOrderStatus::partially_filled;
                      // The trades themselves (real trade ids) come from userFillsByTime; without
                      // them the ack still carries the cumulative fill (the tracker then fetches
                      // what it has not seen).
                      state->fills(sent_at - 60s, std::nullopt, *oid, op + " fills",
                                   [c, ack](Result<std::vector<domain::Fill>> fr) mutable {
                                     if (fr) ack.fills = std::move(*fr);
                                     c.complete(std::move(ack));
                                   });
                      return;
                    }
                    c.complete(protocol(op, "unknown order status item " + json::serialize(item)));
                  });
}

void HyperliquidClient::cancel(const OrderRef& order, Callback<CancelAck> done) {
  const std::string op =
      "cancel " + (order.venue_order_id.empty() ? order.client_order_id : order.venue_order_id);
  Completion<CancelAck> c(std::move(done), "hyperliquid " + op);
  const auto* inst = state_->registry.get(order.instrument);
  if (inst == nullptr || inst->venue != kVenue || !inst->hyperliquid_asset) {
    c.complete(err(ErrorCode::invalid_argument, op,
                   "cancel needs the order's Hyperliquid instrument (asset index)"));
    return;
  }
  json::value action;
  if (!order.venue_order_id.empty()) {
    const auto oid = parse_u64(order.venue_order_id);
    if (!oid) {
      c.complete(err(ErrorCode::invalid_argument, op, "venue order id is not a number"));
      return;
    }
    const std::vector<CancelWire> cw{{*inst->hyperliquid_asset, *oid}};
    action = cancel_action(cw);
  } else if (is_valid_hyperliquid_cloid(order.client_order_id)) {
    const std::vector<CancelByCloidWire> cw{{*inst->hyperliquid_asset, order.client_order_id}};
    action = cancel_by_cloid_action(cw);
  } else {
    c.complete(err(ErrorCode::invalid_argument, op, "no venue order id and no valid cloid"));
    return;
  }
  state_->exchange(op, std::move(action), 1, [c, op, order](Result<json::value> r) {
    if (!r) {
      c.complete(r.error());
      return;
    }
    auto st = State::statuses(*r, op);
    if (!st) {
      c.complete(st.error());
      return;
    }
    if ((*st)->size() != 1) {
      c.complete(protocol(op, "expected one status for one cancel"));
      return;
    }
    const auto& item = (**st)[0];
    if (auto e = str_field(item, "error")) {
      c.complete(item_error(op, *e));
      return;
    }
    if (!item.is_string() || item.get_string() != "success") {
      c.complete(protocol(op, "unknown cancel status " + json::serialize(item)));
      return;
    }
    CancelAck ack;
    ack.venue_order_id = order.venue_order_id;
    ack.client_order_id = order.client_order_id;
    ack.report.status = domain::VenueOrderStatus::cancelled;
    ack.report.venue_order_id = order.venue_order_id;
    c.complete(std::move(ack));
  });
}

void HyperliquidClient::cancel_all(std::optional<InstrumentId> instrument,
                                   Callback<CancelAllAck> done) {
  const std::string op = "cancel_all";
  Completion<CancelAllAck> c(std::move(done), "hyperliquid cancel_all");
  auto state = state_;
  open_orders(instrument, [state, c, op](Result<std::vector<VenueOrder>> r) {
    if (!r) {
      c.complete(r.error());
      return;
    }
    if (r->empty()) {
      c.complete(CancelAllAck{});
      return;
    }
    std::vector<CancelWire> cw;
    std::vector<VenueOrder> orders = std::move(*r);
    for (const auto& o : orders) {
      const auto* inst = state->registry.get(o.instrument);
      cw.push_back(
          {inst->hyperliquid_asset.value_or(0), parse_u64(o.report.venue_order_id).value_or(0)});
    }
    state->exchange(op, cancel_action(cw), cw.size(),
                    [c, op, orders = std::move(orders)](Result<json::value> er) {
                      if (!er) {
                        c.complete(er.error());
                        return;
                      }
                      auto st = State::statuses(*er, op);
                      if (!st) {
                        c.complete(st.error());
                        return;
                      }
                      CancelAllAck ack;
                      for (std::size_t i = 0; i < (*st)->size() && i < orders.size(); ++i) {
                        const auto& item = (**st)[i];
                        if (!item.is_string() || item.get_string() != "success") continue;
                        CancelAck a;
                        a.venue_order_id = orders[i].report.venue_order_id;
                        a.client_order_id = orders[i].client_order_id;
                        a.report.status = domain::VenueOrderStatus::cancelled;
                        a.report.venue_order_id = a.venue_order_id;
                        ack.cancelled.push_back(std::move(a));
                      }
                      c.complete(std::move(ack));
                    });
  });
}

void HyperliquidClient::set_dead_man_switch(Duration timeout, Callback<Timestamp> done) {
  const std::string op = "scheduleCancel";
  Completion<Timestamp> c(std::move(done), "hyperliquid scheduleCancel");
  if (timeout.count() < 0) {
    c.complete(err(ErrorCode::invalid_argument, op, "negative timeout"));
    return;
  }
  std::optional<std::uint64_t> at_ms;
  Timestamp at;
  if (timeout.count() > 0) {
    at = state_->clock.now() + timeout;
    at_ms = static_cast<std::uint64_t>(at.ms());
    at = Timestamp::from_ms(at.ms());
  }
  state_->exchange(op, schedule_cancel_action(at_ms), 1, [c, at](Result<json::value> r) {
    if (!r) {
      c.complete(r.error());
      return;
    }
    c.complete(at);
  });
}

void HyperliquidClient::order_status(const OrderRef& order, Callback<VenueOrder> done) {
  const std::string op = "orderStatus " + (order.client_order_id.empty() ? order.venue_order_id
                                                                         : order.client_order_id);
  Completion<VenueOrder> c(std::move(done), "hyperliquid " + op);
  json::object req;
  req["type"] = "orderStatus";
  req["user"] = state_->user;
  if (!order.venue_order_id.empty()) {
    const auto oid = parse_u64(order.venue_order_id);
    if (!oid) {
      c.complete(err(ErrorCode::invalid_argument, op, "venue order id is not a number"));
      return;
    }
    req["oid"] = *oid;
  } else if (is_valid_hyperliquid_cloid(order.client_order_id)) {
    req["oid"] = order.client_order_id;
  } else {
    c.complete(err(ErrorCode::invalid_argument, op, "no venue order id and no valid cloid"));
    return;
  }
  auto state = state_;
  state_->info("info_light", op, std::move(req), [state, c, op, order](Result<State::Reply> r) {
    if (!r) {
      c.complete(r.error());
      return;
    }
    const auto status = str_field(r->body, "status");
    if (status == "unknownOid") {
      c.complete(err(ErrorCode::not_found, op, "venue does not know this order", "unknownOid",
                     "unknownOid"));
      return;
    }
    const auto* wrapper = field(r->body, "order");
    const auto* inner = wrapper != nullptr ? field(*wrapper, "order") : nullptr;
    const auto ostatus = wrapper != nullptr ? str_field(*wrapper, "status") : std::nullopt;
    if (status != "order" || inner == nullptr || !ostatus) {
      c.complete(protocol(op, "orderStatus answer without status/order"));
      return;
    }
    Error e;
    auto vo = state->open_order(*inner, op, e);
    if (!vo) {
      c.complete(e.message.empty() ? err(ErrorCode::not_found, op, "order of an unknown coin") : e);
      return;
    }
    if (!apply_order_status(*vo, *ostatus)) {
      c.complete(protocol(op, "unknown order status \"" + std::string(*ostatus) + "\""));
      return;
    }
    if (vo->client_order_id.empty()) vo->client_order_id = order.client_order_id;
    if (auto ts = uint_of(field(*wrapper, "statusTimestamp"))) vo->report.at = ms_time(*ts);
    c.complete(std::move(*vo));
  });
}

void HyperliquidClient::open_orders(std::optional<InstrumentId> instrument,
                                    Callback<std::vector<VenueOrder>> done) {
  const std::string op = "openOrders";
  Completion<std::vector<VenueOrder>> c(std::move(done), "hyperliquid openOrders");
  json::object req;
  req["type"] = "openOrders";
  req["user"] = state_->user;
  auto state = state_;
  state_->info("info", op, std::move(req), [state, c, op, instrument](Result<State::Reply> r) {
    if (!r) {
      c.complete(r.error());
      return;
    }
    if (!r->body.is_array()) {
      c.complete(protocol(op, "openOrders answer is not an array"));
      return;
    }
    std::vector<VenueOrder> out;
    for (const auto& item : r->body.get_array()) {
      Error e;
      auto o = state->open_order(item, op, e);
      if (!o) {
        if (!e.message.empty()) {
          c.complete(std::move(e));
          return;
        }
        continue;
      }
      if (instrument && o->instrument != *instrument) continue;
      out.push_back(std::move(*o));
    }
    c.complete(std::move(out));
  });
}

void HyperliquidClient::fills_since(Timestamp since, std::optional<InstrumentId> instrument,
                                    Callback<std::vector<domain::Fill>> done) {
  Completion<std::vector<domain::Fill>> c(std::move(done), "hyperliquid userFillsByTime");
  state_->fills(since, instrument, std::nullopt, "userFillsByTime",
                [c](Result<std::vector<domain::Fill>> r) { c.complete(std::move(r)); });
}

void HyperliquidClient::balances(Callback<std::vector<domain::Balance>> done) {
  const std::string op = "clearinghouseState";
  Completion<std::vector<domain::Balance>> c(std::move(done), "hyperliquid balances");
  json::object req;
  req["type"] = "clearinghouseState";
  req["user"] = state_->user;
  state_->info("info_light", op, std::move(req), [c, op](Result<State::Reply> r) {
    if (!r) {
      c.complete(r.error());
      return;
    }
    const auto* summary = field(r->body, "marginSummary");
    if (summary == nullptr) {
      c.complete(protocol(op, "clearinghouseState without marginSummary"));
      return;
    }
    auto total = decimal_field(*summary, "accountValue", op);
    auto available = decimal_field(r->body, "withdrawable", op);
    if (!total || !available) {
      c.complete(!total ? total.error() : available.error());
      return;
    }
    // withdrawable can exceed accountValue by rounding at the venue: never a negative lock.
    const Decimal avail = std::min(*available, *total);
    auto b = domain::Balance::from_snapshot(std::string(kQuote), *total, avail, *total - avail);
    if (!b) {
      c.complete(protocol(op, b.error().message));
      return;
    }
    c.complete(std::vector<domain::Balance>{std::move(*b)});
  });
}

void HyperliquidClient::positions(Callback<std::vector<VenuePosition>> done) {
  const std::string op = "clearinghouseState";
  Completion<std::vector<VenuePosition>> c(std::move(done), "hyperliquid positions");
  json::object req;
  req["type"] = "clearinghouseState";
  req["user"] = state_->user;
  auto state = state_;
  state_->info("info_light", op, std::move(req), [state, c, op](Result<State::Reply> r) {
    if (!r) {
      c.complete(r.error());
      return;
    }
    const auto* aps = field(r->body, "assetPositions");
    if (aps == nullptr || !aps->is_array()) {
      c.complete(protocol(op, "clearinghouseState without assetPositions"));
      return;
    }
    std::vector<VenuePosition> out;
    for (const auto& ap : aps->get_array()) {
      const auto* p = field(ap, "position");
      if (p == nullptr) {
        c.complete(protocol(op, "assetPositions item without position"));
        return;
      }
      const auto coin = str_field(*p, "coin");
      auto szi = decimal_field(*p, "szi", op);
      if (!coin || !szi) {
        c.complete(!szi ? szi.error() : protocol(op, "position without coin"));
        return;
      }
      const auto* inst = state->instrument_of(*coin);
      if (inst == nullptr) continue;
      VenuePosition vp;
      vp.instrument = inst->id;
      vp.quantity = *szi;
      vp.quote = std::string(kQuote);
      if (str_field(*p, "entryPx")) {
        if (auto e = decimal_field(*p, "entryPx", op)) vp.entry_price = *e;
      }
      if (auto m = decimal_field(*p, "marginUsed", op)) vp.margin = *m;
      if (auto u = decimal_field(*p, "unrealizedPnl", op)) vp.unrealized_pnl = *u;
      if (const auto* lev = field(*p, "leverage")) {
        if (auto lv = uint_of(field(*lev, "value"))) {
          vp.leverage = Decimal::from_int(static_cast<std::int64_t>(*lv)).value_or(Decimal::one());
        }
      }
      out.push_back(std::move(vp));
    }
    c.complete(std::move(out));
  });
}

void HyperliquidClient::load_instruments(Callback<std::vector<Instrument>> done) {
  const std::string op = "meta";
  Completion<std::vector<Instrument>> c(std::move(done), "hyperliquid meta");
  json::object req;
  req["type"] = "meta";
  auto state = state_;
  state_->info("info", op, std::move(req), [state, c, op](Result<State::Reply> r) {
    if (!r) {
      c.complete(r.error());
      return;
    }
    const auto* universe = field(r->body, "universe");
    if (universe == nullptr || !universe->is_array()) {
      c.complete(protocol(op, "meta without universe"));
      return;
    }
    const auto& wanted = state->config.symbols;
    std::vector<Instrument> out;
    std::uint32_t index = 0;
    for (const auto& u : universe->get_array()) {
      const std::uint32_t asset = index++;
      const auto name = str_field(u, "name");
      const auto szd = uint_of(field(u, "szDecimals"));
      if (!name || !szd || *szd > 6) {
        c.complete(protocol(op, "universe item without name or with bad szDecimals"));
        return;
      }
      if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), *name) == wanted.end()) {
        continue;
      }
      Instrument in;
      in.venue = kVenue;
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
      if (auto lev = uint_of(field(u, "maxLeverage"))) {
        in.max_leverage = static_cast<std::uint32_t>(*lev);
      }
      in.status = bool_field(u, "isDelisted").value_or(false) ? TradingStatus::halted
                                                              : TradingStatus::trading;
      out.push_back(std::move(in));
    }
    c.complete(std::move(out));
  });
}

void HyperliquidClient::server_time(Callback<Timestamp> done) {
  const std::string op = "server_time";
  Completion<Timestamp> c(std::move(done), "hyperliquid server_time");
  json::object req;
  req["type"] = "allMids";
  state_->info("info_light", op, std::move(req), [c, op](Result<State::Reply> r) {
    if (!r) {
      c.complete(r.error());
      return;
    }
    const auto date = r->http.header("Date");
    auto t = parse_http_date(date);
    if (!t) {
      c.complete(protocol(op, "no readable Date header (Hyperliquid has no time endpoint)"));
      return;
    }
    c.complete(*t);
  });
}

}  // namespace nzeza::venues::hyperliquid

#include "venues/hyperliquid/client.hpp"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <mutex>
#include <set>
#include <utility>

#include "core/client_id.hpp"
#include "market/candle_check.hpp"
#include "venues/hyperliquid/responses.hpp"
#include "venues/hyperliquid/rest_codec.hpp"
#include "venues/hyperliquid/user_stream.hpp"
#include "venues/hyperliquid/wire.hpp"
#include "venues/venue_error.hpp"
#include "venues/wait_timers.hpp"

namespace nzeza::venues::hyperliquid {

namespace json = boost::json;

namespace {

constexpr Venue kVenue = Venue::hyperliquid;
constexpr std::string_view kQuote = "USDC";
// Hyperliquid's nonce window (T - 2 days, T + 1 day): without expiresAfter, the only bound.
constexpr Duration kNonceWindow = std::chrono::hours(48);
constexpr Duration kDefaultRetryAfter = 10s;
// userFillsByTime paging: the smallest documented answer cap, and a bound (the venue keeps the
// 10000 most recent fills: 20 pages of 500).
constexpr std::size_t kFillsPageFloor = 500;
constexpr int kMaxFillPages = 20;
// candleSnapshot: the venue keeps (and answers) at most the 5000 most recent candles.
constexpr std::size_t kMaxCandles = 5000;
// The SDK's slippage for market orders, used for market-on-trigger limit prices.
constexpr int kMaxWireDecimals = 8;
const Decimal kTriggerSlippage = Decimal::from_raw8(5'000'000);  // 0.05

Error err(ErrorCode code, std::string_view op, std::string_view message, std::string vcode = {},
          std::string vtext = {}) {
  return venue_error(code, kVenue, op, message, std::move(vcode), std::move(vtext));
}

// An error decided before any byte of the request was written.
Error not_sent(Error e) {
  return std::move(e).with_delivery(Delivery::not_sent);
}

// "<cloid> (oid N)", "<cloid>" or "oid N": how an operation on one order names it.
std::string order_label(const OrderRef& order) {
  if (order.client_order_id.empty()) return "oid " + order.venue_order_id;
  if (order.venue_order_id.empty()) return order.client_order_id;
  return order.client_order_id + " (oid " + order.venue_order_id + ")";
}

// The statuses of an /exchange answer (one per order or cancel, in the request's order), or the
// error that completes the call: the transport's (its delivery kept) or the answer's.
Result<const json::array*> statuses_of(const Result<json::value>& answer, std::string_view op) {
  if (!answer) return answer.error();
  return read_statuses(*answer, op);
}

// The one status of an action on one order (`what`: "order", "cancel").
Result<const json::value*> single_status(const Result<json::value>& answer, std::string_view op,
                                         std::string_view what) {
  auto st = statuses_of(answer, op);
  if (!st) return st.error();
  if ((*st)->size() != 1) return protocol(op, "expected one status for one " + std::string(what));
  return &(**st)[0];
}

}  // namespace

std::vector<net::BucketConfig> default_rate_buckets() {
  return {{"ip_weight", 1200, 20}, {"address", 10000, 0.1}};
}

// Shared with timer callbacks (weak) so a rate-limit wait firing after destruction is harmless.
struct HyperliquidClient::State : std::enable_shared_from_this<HyperliquidClient::State> {
  State(net::NetContext& n, Clock& c, const InstrumentRegistry& r, HyperliquidClientConfig cfg)
      : clock(c), registry(r), config(std::move(cfg)), waits(c) {
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
  WaitTimers waits;  // calls held back by the limiter

  // Reserves `endpoint_class` (x multiplier), then builds the body (signing happens here, after
  // any wait, so expiresAfter counts from the real send) and POSTs it.
  void post(std::string path, std::string endpoint_class, double multiplier, std::string op,
            BodyMaker make_body, ReplyCallback cb) {
    if (stopping.load()) {
      cb(not_sent(err(ErrorCode::cancelled, op, "client shutting down")));
      return;
    }
    auto wait = limiter->reserve(endpoint_class, multiplier);
    if (!wait) {
      cb(not_sent(venue_error(kVenue, op, wait.error())));
      return;
    }
    if (wait->count() <= 0) {
      send(std::move(path), std::move(op), std::move(make_body), std::move(cb));
      return;
    }
    waits.run_after<State>(
        *wait, weak_from_this(),
        [path = std::move(path), op, make_body, cb](State& self) mutable {
          self.send(std::move(path), std::move(op), std::move(make_body), std::move(cb));
        },
        [op, cb] {
          cb(not_sent(err(ErrorCode::cancelled, op, "client destroyed during a rate-limit wait")));
        });
  }

  void send(std::string path, std::string op, const BodyMaker& make_body, ReplyCallback cb) {
    if (stopping.load()) {
      cb(not_sent(err(ErrorCode::cancelled, op, "client shutting down")));
      return;
    }
    auto body = make_body();
    if (!body) {
      cb(not_sent(body.error()));  // signing failed: nothing was written
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
      // The transport says how far the request got (Error::delivery): keep it.
      cb(venue_error(kVenue, op, r.error()));
      return;
    }
    auto& resp = *r;
    if (resp.status == 429) {
      const auto d = resp.retry_after(clock.now()).value_or(kDefaultRetryAfter);
      limiter->on_retry_after(d);
    }
    if (!resp.success()) {
      // check() decides the code and the delivery: a 5xx or 408 is answer_unknown (outcome
      // unknown). Hyperliquid documents no 5xx body that means "not processed"
      // (docs/errors/hyperliquid.md), so none is turned into a refusal here.
      Error e = venue_error(kVenue, op, resp.check().error());
      // 4xx bodies are JSON {code,msg,data} (SDK api.py) or plain text: keep the venue's words.
      std::error_code ec;
      auto parsed = json::parse(resp.body, ec);
      if (!ec && parsed.is_object()) {
        if (const auto* m = field(parsed, "msg"); m != nullptr && m->is_string()) {
          e.venue_text = std::string(m->get_string());
        }
        if (const auto* c = field(parsed, "code"); c != nullptr) {
          e.venue_code = c->is_string() ? std::string(c->get_string()) : json::serialize(*c);
        }
      }
      if (!e.venue_text.empty()) e.message += ": " + e.venue_text;
      cb(std::move(e));
      return;
    }
    // A complete answer that cannot be read: whatever the venue did, we cannot tell
    // (parse_answer marks it answer_cut).
    auto parsed = parse_answer(resp.body, op);
    if (!parsed) {
      cb(parsed.error());
      return;
    }
    cb(Reply{std::move(*parsed), std::move(resp)});
  }

  void info(std::string endpoint_class, std::string op, json::object request,
            std::function<void(Result<Reply>)> cb) {
    std::string body = json::serialize(request);
    post(
        "/info", std::move(endpoint_class), 1.0, std::move(op),
        [body = std::move(body)]() -> Result<std::string> { return body; }, std::move(cb));
  }

  // The body of an /info request about this account: {"type": type, "user": ...}.
  [[nodiscard]] json::object user_request(std::string_view type) const {
    return json::object{{"type", type}, {"user", user}};
  }

  // `info` for a call that completes `c` with `read(reply)`, or with the request's error.
  template <typename T, typename Read>
  void info(std::string endpoint_class, std::string op, json::object request, Completion<T> c,
            Read read) {
    info(std::move(endpoint_class), std::move(op), std::move(request),
         [c, read = std::move(read)](Result<Reply> r) {
           if (!r) return (void)c.complete(r.error());
           c.complete(read(*r));
         });
  }

  // Signs `action` at send time and POSTs it; answers the `response` member of a top-level
  // "status":"ok" (a top-level "err" is a refusal when it says the action was not taken,
  // otherwise outcome unknown: top_level_error).
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
           cb(read_exchange_answer(r->body, op));
         });
  }

  // userFillsByTime from `since`, optionally only one order's (oid) fills; oldest first.
  // The venue caps an answer (the info page: "Responses that take a time range will only return
  // 500 elements"; userFillsByTime: "at most 2000 fills per response") and says to page with the
  // last returned time as the next startTime: an answer of kFillsPageFloor fills or more is
  // followed by another from its latest time, fills already seen (same coin and trade id)
  // skipped, until an answer brings nothing new — nothing beyond the first page is dropped.
  // A fill is known by (coin, tid): the venue does not promise a tid unique across coins.
  using TradeKey = std::pair<std::string, std::uint64_t>;
  struct FillPages {
    std::vector<domain::Fill> fills;
    std::set<TradeKey> trade_ids;                  // every (coin, tid) seen in an answer
    std::set<std::pair<std::string, std::string>>  // (coin, trade id) of `fills`
        kept;
    int pages = 0;
  };
  void fills(Timestamp since, std::optional<InstrumentId> instrument,
             std::optional<std::uint64_t> oid, std::string op,
             std::function<void(Result<std::vector<domain::Fill>>)> cb) {
    fill_page(std::max<std::int64_t>(0, since.ms()), instrument, oid, std::move(op),
              std::make_shared<FillPages>(), std::move(cb));
  }
  void fill_page(std::int64_t start_ms, std::optional<InstrumentId> instrument,
                 std::optional<std::uint64_t> oid, std::string op, std::shared_ptr<FillPages> acc,
                 std::function<void(Result<std::vector<domain::Fill>>)> cb) {
    json::object req = user_request("userFillsByTime");
    req["startTime"] = start_ms;
    auto self = shared_from_this();
    info("info", op, std::move(req),
         [self, start_ms, instrument, oid, op, acc, cb](Result<Reply> r) {
           if (!r) {
             cb(r.error());
             return;
           }
           auto page = read_fills(r->body, self->registry, op, oid);
           if (!page) {
             cb(page.error());
             return;
           }
           // Paging looks at every fill of the answer, whatever the oid filter keeps.
           const auto& raw = r->body.get_array();
           bool added = false;
           std::int64_t latest = start_ms;
           for (const auto& item : raw) {
             if (auto t = ms_time_field(item, "time")) latest = std::max(latest, t->ms());
             if (auto tid = uint_of(field(item, "tid"))) {
               const auto coin = str_field(item, "coin").value_or(std::string_view{});
               added = acc->trade_ids.emplace(std::string(coin), *tid).second || added;
             }
           }
           for (auto& f : *page) {
             if (acc->kept.emplace(f.venue_symbol, f.trade_id).second)
               acc->fills.push_back(std::move(f));
           }
           ++acc->pages;
           if (added && raw.size() >= kFillsPageFloor && acc->pages < kMaxFillPages) {
             self->fill_page(latest, instrument, oid, op, acc, cb);
             return;
           }
           auto out = std::move(acc->fills);
           if (instrument) {
             std::erase_if(out, [&](const domain::Fill& f) { return f.instrument != *instrument; });
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
  state_->waits.cancel_all();
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
  c.stop_market = true;         // trigger order {isMarket: true, tpsl: "sl"}
  c.stop_limit = true;          // trigger order {isMarket: false, tpsl: "sl"}
  c.take_profit_market = true;  // trigger order {isMarket: true, tpsl: "tp"}
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
  // Hyperliquid's own SDK writes numbers with at most 8 decimals (float_to_wire refuses what
  // that would round), so a finer Decimal never reaches a signed payload.
  for (const Decimal v :
       {w.size, w.limit_px, w.trigger ? w.trigger->trigger_px : Decimal::zero()}) {
    if (v.decimal_places() > kMaxWireDecimals) {
      c.complete(err(ErrorCode::precision, op,
                     v.to_string() + " has more than 8 decimals, Hyperliquid's wire limit"));
      return;
    }
  }
  const std::vector<OrderWire> orders{w};
  auto state = state_;
  const auto quantity = spec.quantity;
  const bool ioc = w.tif == Tif::ioc && !w.trigger;
  const auto cloid = spec.client_order_id.text;
  const auto sent_at = state->clock.now();
  state->exchange(op, order_action(orders), 1,
                  [state, c, op, quantity, ioc, cloid, sent_at](Result<json::value> r) {
                    auto one = single_status(r, op, "order");
                    if (!one) {
                      c.complete(one.error());
                      return;
                    }
                    auto item = read_place_status(**one, op);
                    if (!item) {
                      c.complete(item.error());
                      return;
                    }
                    PlaceAck ack;
                    ack.client_order_id = cloid;
                    ack.at = state->clock.now();
                    ack.report.at = ack.at;
                    ack.venue_order_id = item->venue_order_id;
                    ack.report.venue_order_id = ack.venue_order_id;
                    ack.report.status = domain::VenueOrderStatus::open;
                    if (item->kind != PlaceStatus::Kind::filled) {
                      // resting, or a trigger accepted and waiting (not yet in the book)
                      c.complete(std::move(ack));
                      return;
                    }
                    ack.report.cumulative_filled = item->total_size;
                    ack.report.average_price = item->average_price;
                    ack.report.status = item->total_size >= quantity
                                            ? domain::VenueOrderStatus::filled
                                        : ioc ? domain::VenueOrderStatus::expired
                                              : domain::VenueOrderStatus::partially_filled;
                    // The trades themselves (real trade ids) come from userFillsByTime; without
                    // them the ack still carries the cumulative fill (the tracker then fetches
                    // what it has not seen).
                    const auto oid = parse_u64(item->venue_order_id);
                    state->fills(sent_at - 60s, std::nullopt, oid, op + " fills",
                                 [c, ack](Result<std::vector<domain::Fill>> fr) mutable {
                                   if (fr) ack.fills = std::move(*fr);
                                   c.complete(std::move(ack));
                                 });
                  });
}

void HyperliquidClient::cancel(const OrderRef& order, Callback<CancelAck> done) {
  // Names the client order id whenever it is known, so an unknown outcome can be asked about.
  const std::string op = "cancel " + order_label(order);
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
    auto one = single_status(r, op, "cancel");
    if (!one) {
      c.complete(one.error());
      return;
    }
    if (auto s = read_cancel_status(**one, op); !s) {
      c.complete(s.error());
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
    std::vector<VenueOrder> orders;
    for (auto& o : *r) {
      // A cancel needs the asset index: only loaded perpetuals have one here. Orders on other
      // coins (spot "@N", perps not loaded) are left alone — they are not ours to cancel.
      const auto* inst = state->registry.get(o.instrument);
      const auto oid = parse_u64(o.report.venue_order_id);
      if (inst == nullptr || !inst->hyperliquid_asset || !oid) continue;
      cw.push_back({*inst->hyperliquid_asset, *oid});
      orders.push_back(std::move(o));
    }
    if (orders.empty()) {
      c.complete(CancelAllAck{});
      return;
    }
    state->exchange(op, cancel_action(cw), cw.size(),
                    [c, op, orders = std::move(orders)](Result<json::value> er) {
                      auto st = statuses_of(er, op);
                      if (!st) {
                        c.complete(st.error());
                        return;
                      }
                      CancelAllAck ack;
                      for (std::size_t i = 0; i < (*st)->size() && i < orders.size(); ++i) {
                        if (!read_cancel_status((**st)[i], op)) continue;
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
  const std::string op = "orderStatus " + order_label(order);
  Completion<VenueOrder> c(std::move(done), "hyperliquid " + op);
  json::object req = state_->user_request("orderStatus");
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
  state_->info("info_light", op, std::move(req), c, [state, op, order](const State::Reply& r) {
    auto vo = read_order_status(r.body, state->registry, op);
    if (vo && vo->client_order_id.empty()) vo->client_order_id = order.client_order_id;
    return vo;
  });
}

void HyperliquidClient::open_orders(std::optional<InstrumentId> instrument,
                                    Callback<std::vector<VenueOrder>> done) {
  const std::string op = "openOrders";
  Completion<std::vector<VenueOrder>> c(std::move(done), "hyperliquid openOrders");
  json::object req = state_->user_request("openOrders");
  auto state = state_;
  state_->info("info", op, std::move(req), c, [state, op, instrument](const State::Reply& r) {
    // Every order of the account, coins not loaded included (invalid instrument, venue_symbol);
    // with an instrument, only that instrument's.
    auto orders = read_open_orders(r.body, state->registry, op);
    if (orders && instrument) {
      std::erase_if(*orders, [&](const VenueOrder& o) { return o.instrument != *instrument; });
    }
    return orders;
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
  json::object req = state_->user_request("clearinghouseState");
  state_->info("info_light", op, std::move(req), c,
               [op](const State::Reply& r) -> Result<std::vector<domain::Balance>> {
                 auto m = read_margin_summary(r.body, op);
                 if (!m) return m.error();
                 auto b = domain::Balance::from_snapshot(std::string(kQuote), m->account_value,
                                                         m->withdrawable,
                                                         m->account_value - m->withdrawable);
                 if (!b) return protocol(op, b.error().message);
                 return std::vector<domain::Balance>{std::move(*b)};
               });
}

void HyperliquidClient::positions(Callback<std::vector<VenuePosition>> done) {
  const std::string op = "clearinghouseState";
  Completion<std::vector<VenuePosition>> c(std::move(done), "hyperliquid positions");
  json::object req = state_->user_request("clearinghouseState");
  auto state = state_;
  state_->info("info_light", op, std::move(req), c, [state, op](const State::Reply& r) {
    return read_positions(r.body, state->registry, op);
  });
}

void HyperliquidClient::load_instruments(Callback<std::vector<Instrument>> done) {
  const std::string op = "meta";
  Completion<std::vector<Instrument>> c(std::move(done), "hyperliquid meta");
  json::object req;
  req["type"] = "meta";
  auto state = state_;
  state_->info("info", op, std::move(req), c, [state, op](const State::Reply& r) {
    return read_meta(r.body, state->config.symbols, op);
  });
}

void HyperliquidClient::server_time(Callback<Timestamp> done) {
  const std::string op = "server_time";
  Completion<Timestamp> c(std::move(done), "hyperliquid server_time");
  json::object req;
  req["type"] = "allMids";
  state_->info(
      "info_light", op, std::move(req), c, [op](const State::Reply& r) -> Result<Timestamp> {
        auto t = parse_http_date(r.http.header("Date"));
        if (!t) return protocol(op, "no readable Date header (Hyperliquid has no time endpoint)");
        return *t;
      });
}

void HyperliquidClient::candles(InstrumentId instrument, Duration interval, std::size_t count,
                                Callback<std::vector<market::Candle>> done) {
  const std::string op = "candles";
  Completion<std::vector<market::Candle>> c(std::move(done), "hyperliquid candles");
  const auto wire = history::wire_interval("Hyperliquid", candle_intervals(), interval);
  if (!wire) {
    c.complete(venue_error(kVenue, op, wire.error()));
    return;
  }
  if (count > kMaxCandles) {
    c.complete(err(ErrorCode::invalid_argument, op,
                   std::to_string(count) + " candles asked; Hyperliquid keeps the " +
                       std::to_string(kMaxCandles) + " most recent"));
    return;
  }
  const auto* inst = state_->registry.get(instrument);
  if (inst == nullptr || inst->venue != kVenue) {
    c.complete(err(ErrorCode::not_found, op, "instrument is not a loaded Hyperliquid asset"));
    return;
  }
  if (count == 0) {
    c.complete(std::vector<market::Candle>{});
    return;
  }
  // The last `count` closed intervals: [end - count x interval, end). endTime is now, so the
  // answer may hold the open candle; read_candles drops it.
  const Timestamp now = state_->clock.now();
  const Timestamp end = now.floor_to(interval);
  // startTime is unsigned at the venue: a window reaching before 1970 starts there.
  const Timestamp from = std::max(end - interval * static_cast<std::int64_t>(count), Timestamp{});
  json::object req;
  req["type"] = "candleSnapshot";
  req["req"] = json::object{{"coin", inst->venue_symbol},
                            {"interval", *wire},
                            {"startTime", from.ms()},
                            {"endTime", now.ms()}};
  // Weight 20, plus 1 per 60 candles returned (rate-limits page): count + 1 with the open one.
  const double weight = 20.0 + static_cast<double>((count + 1 + 59) / 60);
  std::string body = json::serialize(req);
  auto state = state_;
  state_->post(
      "/info", "info", weight / 20.0, op,
      [body = std::move(body)]() -> Result<std::string> { return body; },
      [state, c, op, coin = inst->venue_symbol, interval, from, end,
       count](Result<State::Reply> r) {
        if (!r) {
          c.complete(r.error());
          return;
        }
        auto list = read_candles(r->body, coin, interval, state->clock.now(), op);
        if (!list) {
          c.complete(list.error());
          return;
        }
        // Only the asked window (the venue may answer wider), and at most the last `count`.
        std::erase_if(*list,
                      [&](const market::Candle& k) { return k.start < from || k.end() > end; });
        if (list->size() > count) {
          list->erase(list->begin(), list->end() - static_cast<std::ptrdiff_t>(count));
        }
        c.complete(std::move(*list));
      });
}

}  // namespace nzeza::venues::hyperliquid

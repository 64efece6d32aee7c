#include "venues/dydx/client.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <charconv>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "market/candle_check.hpp"
#include "venues/dydx/indexer_json.hpp"
#include "venues/dydx/quantums.hpp"
#include "venues/dydx/rest_codec.hpp"
#include "venues/dydx/subaccount_stream.hpp"
#include "venues/venue_error.hpp"
#include "venues/wait_timers.hpp"

namespace nzeza::venues::dydx {
namespace json = boost::json;
namespace {

using Json = json::value;
using JsonCallback = std::function<void(Result<Json>)>;

Error err(ErrorCode code, std::string_view op, std::string_view msg, std::string vcode = {},
          std::string vtext = {}) {
  return Error(code, "dydx " + std::string(op) + ": " + std::string(msg), std::move(vcode),
               std::move(vtext));
}

// A reader's refusal (rest_codec.hpp), named after the call it answered.
Error codec_error(std::string_view op, const Error& e) {
  return err(e.code, op, e.message);
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// A failure of a step before the order's (or cancel's) tx was written: reading the height, the
// account or the chain id, looking the order up, our limiter, a shutdown. Whatever that step's
// own request did, the tx never left: the operation is refused before sending.
Error not_sent(Error e) {
  e.delivery = Delivery::not_sent;
  return e;
}

// Stateful order or cancel: checked by sequence.
bool is_stateful(std::uint32_t flags) {
  return flags != kOrderFlagsShortTerm;
}

struct LiveOrder {
  std::uint32_t flags = 0;
  std::uint32_t clob_pair_id = 0;
  InstrumentId instrument;
  std::uint32_t good_til_block = 0;
};

constexpr Duration kDefaultRetryAfter = std::chrono::seconds(10);
// A 418 without Retry-After (dYdX documents none; a proxy in front of the node may send one).
constexpr Duration kDefaultBanDuration = std::chrono::minutes(2);
// Candle history: pages of at most 100 (the API limit of older Indexer deployments; newer ones
// allow 1000), at most 10 pages per call.
constexpr std::size_t kCandlePage = 100;
constexpr std::size_t kMaxCandles = 1000;

}  // namespace

std::vector<net::BucketConfig> default_rate_buckets() {
  return {
      {"indexer_ip", 100, 10},           // 100 requests / 10 s per IP
      {"stateful_block", 2, 2},          // 2 stateful orders per block (~1 s)
      {"stateful_100_blocks", 20, 0.2},  // 20 per 100 blocks
      {"short_term", 4000, 800},         // 4000 short-term places + cancels per 5 blocks
  };
}

struct DydxClient::State : std::enable_shared_from_this<DydxClient::State> {
  State(net::NetContext& n, Clock& c, const InstrumentRegistry& r, Wallet w, DydxClientConfig cfg)
      : clock(c), registry(r), wallet(std::move(w)), config(std::move(cfg)), waits(c) {
    net::HttpClientConfig hc;
    hc.tls = config.tls;
    hc.request_timeout = config.request_timeout;
    http = std::make_unique<net::HttpClient>(n, c, hc);
    chain_id = config.chain_id;
  }

  Clock& clock;
  const InstrumentRegistry& registry;
  Wallet wallet;
  DydxClientConfig config;
  std::unique_ptr<net::HttpClient> http;
  net::RateLimiter* limiter = nullptr;
  std::atomic<bool> stopping{false};

  mutable std::mutex mu;  // guards everything below
  std::string chain_id;
  std::optional<std::uint64_t> account_number;
  std::optional<std::uint64_t> sequence;
  std::map<std::uint32_t, LiveOrder> live;
  WaitTimers waits;  // calls held back by the limiter (its own lock)

  // ---- transport ----------------------------------------------------------------------------

  // Reserves `bucket_class`, then sends. Runs `cb` exactly once.
  void request(std::string method, std::string url, std::string body, std::string endpoint_class,
               std::string op, JsonCallback cb) {
    if (stopping.load()) {
      cb(not_sent(err(ErrorCode::cancelled, op, "client shutting down")));
      return;
    }
    auto wait = limiter->reserve(endpoint_class);
    if (!wait) {
      cb(not_sent(venue_error(Venue::dydx, op, wait.error())));
      return;
    }
    auto go = [method = std::move(method), url = std::move(url), body = std::move(body), op,
               cb](State& self) mutable {
      self.send(std::move(method), std::move(url), std::move(body), std::move(op), std::move(cb));
    };
    if (wait->count() <= 0) {
      go(*this);
      return;
    }
    waits.run_after<State>(*wait, weak_from_this(), std::move(go), [op, cb] {
      cb(not_sent(err(ErrorCode::cancelled, op, "client destroyed during a rate-limit wait")));
    });
  }

  void send(std::string method, std::string url, std::string body, std::string op,
            JsonCallback cb) {
    if (stopping.load()) {
      cb(not_sent(err(ErrorCode::cancelled, op, "client shutting down")));
      return;
    }
    net::HttpRequest req;
    req.method = std::move(method);
    req.url = std::move(url);
    if (!body.empty()) req.headers.push_back({"Content-Type", "application/json"});
    req.headers.push_back({"Accept", "application/json"});
    req.body = std::move(body);
    req.timeout = config.request_timeout;
    std::weak_ptr<State> weak = weak_from_this();
    http->async_request(std::move(req), [weak, op = std::move(op),
                                         cb = std::move(cb)](Result<net::HttpResponse> r) {
      auto self = weak.lock();
      if (!self) {
        // The request went out; its answer (if any) is no longer read.
        Error e = err(ErrorCode::cancelled, op, "client destroyed before the answer was read");
        e.delivery = r ? Delivery::answer_unknown : r.error().delivery;
        cb(std::move(e));
        return;
      }
      self->on_http(op, std::move(r), cb);
    });
  }

  // Every transport failure keeps the delivery net::HttpClient gave it (how far the request
  // got); a 5xx keeps answer_unknown: no body of the node's gateway or the Indexer is documented
  // as "not processed" (docs/errors/dydx.md).
  void on_http(const std::string& op, Result<net::HttpResponse> r, const JsonCallback& cb) {
    if (!r) {
      cb(venue_error(Venue::dydx, op, r.error()));
      return;
    }
    auto& resp = *r;
    // 429 and 418 are complete answers that the request was not taken (no tx reached CheckTx):
    // refusals, and the limiter holds every request of this client for the time asked.
    std::string held;
    if (resp.status == 429) {
      const Duration wait = resp.retry_after(clock.now()).value_or(kDefaultRetryAfter);
      limiter->on_retry_after(wait);
      held = "rate limited, not accepted; retry after " +
             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(wait).count()) + " s";
    } else if (resp.status == 418) {
      const Timestamp until =
          clock.now() + resp.retry_after(clock.now()).value_or(kDefaultBanDuration);
      limiter->on_banned_until(until);
      held = "banned, not accepted; no request until " + until.to_iso8601();
    }
    std::error_code ec;
    auto parsed = json::parse(resp.body, ec);
    if (!resp.success()) {
      Error e = resp.check().error();
      if (!held.empty()) e.message += ": " + held;
      // Cosmos gateway errors: {"code": 3, "message": "...", "details": []}; Indexer errors:
      // {"errors": [{"msg": "..."}]}. Keep the venue's words verbatim.
      if (!ec) {
        const ErrorBody body = error_body_of(parsed);
        if (!body.text.empty()) e.venue_text = body.text;
        if (!body.code.empty()) e.venue_code = body.code;
      }
      if (resp.status == 404) e.code = ErrorCode::not_found;
      if (!ec && !e.venue_text.empty()) e.message += ": " + e.venue_text;
      cb(venue_error(Venue::dydx, op, e));
      return;
    }
    if (ec) {
      // A complete answer we cannot read: for a broadcast, what became of the tx is unknown.
      Error e = err(ErrorCode::protocol, op, "malformed JSON answer (" + ec.message() + ")");
      e.delivery = Delivery::answer_cut;
      cb(std::move(e));
      return;
    }
    cb(std::move(parsed));
  }

  void indexer_get(std::string path, std::string op, JsonCallback cb) {
    request("GET", config.indexer_url + path, {}, "indexer", std::move(op), std::move(cb));
  }
  void node_get(std::string path, std::string op, JsonCallback cb) {
    request("GET", config.node_url + path, {}, "node_read", std::move(op), std::move(cb));
  }

  std::string orders_query(std::string_view extra) const {
    return "/v4/orders?address=" + wallet.address() +
           "&subaccountNumber=" + std::to_string(config.subaccount_number) + std::string(extra);
  }

  // ---- chain state ------------------------------------------------------------------------

  void height(std::string op, std::function<void(Result<std::uint32_t>)> cb) {
    indexer_get("/v4/height", op, [op, cb](Result<Json> r) {
      if (!r) return cb(r.error());
      auto h = parse_height(*r);
      if (!h) return cb(codec_error(op, h.error()));
      cb(*h);
    });
  }

  struct Account {
    std::string chain_id;
    std::uint64_t number = 0;
    std::uint64_t sequence = 0;
  };

  // Chain id and account number/sequence; re-read from the node when `refresh` or unknown.
  void account(bool refresh, std::string op, std::function<void(Result<Account>)> cb) {
    std::optional<Account> cached;
    {
      std::lock_guard lock(mu);
      if (!refresh && account_number && sequence && !chain_id.empty())
        cached = Account{chain_id, *account_number, *sequence};
    }
    if (cached) return cb(*cached);  // outside the lock: cb may send (and lock) again
    auto with_chain = [self = shared_from_this(), op, cb](Result<std::string> chain) {
      if (!chain) return cb(chain.error());
      self->node_get("/cosmos/auth/v1beta1/accounts/" + self->wallet.address(), op,
                     [self, op, cb, chain = *chain](Result<Json> r) {
                       if (!r) return cb(r.error());
                       auto a = parse_account(*r);
                       if (!a) return cb(codec_error(op, a.error()));
                       {
                         std::lock_guard lock(self->mu);
                         self->account_number = a->number;
                         self->sequence = a->sequence;
                       }
                       cb(Account{chain, a->number, a->sequence});
                     });
    };
    std::string known;
    {
      std::lock_guard lock(mu);
      known = chain_id;
    }
    if (!known.empty()) return with_chain(known);
    node_get("/cosmos/base/tendermint/v1beta1/node_info", op,
             [self = shared_from_this(), op, with_chain](Result<Json> r) {
               if (!r) return with_chain(r.error());
               auto net = parse_node_network(*r);
               if (!net) return with_chain(codec_error(op, net.error()));
               {
                 std::lock_guard lock(self->mu);
                 self->chain_id = *net;
               }
               with_chain(*net);
             });
  }

  // ---- broadcast ----------------------------------------------------------------------------

  using Signer = std::function<Result<SignedTx>(const Account&)>;

  // Signs with the account state, broadcasts, checks the tx result; one re-read + retry on a
  // sequence mismatch. Answers the tx hash.
  void sign_and_broadcast(std::string op, bool stateful, Signer sign, bool retried,
                          std::function<void(Result<std::string>)> cb) {
    if (!stateful || retried) return sign_and_broadcast_now(op, stateful, sign, retried, cb);
    // Stateful txs of one key go out one at a time, in order (the chain checks them by
    // sequence): the next is signed only once the previous one's answer is in.
    run_stateful([self = shared_from_this(), op, sign, cb](std::function<void()> done) {
      self->sign_and_broadcast_now(op, true, sign, false, [cb, done](Result<std::string> r) {
        done();
        cb(std::move(r));
      });
    });
  }

  using StatefulJob = std::function<void(std::function<void()> done)>;
  std::deque<StatefulJob> stateful_queue;  // guarded by mu
  bool stateful_busy = false;              // guarded by mu

  void run_stateful(StatefulJob job) {
    {
      std::lock_guard lock(mu);
      if (stateful_busy) {
        stateful_queue.push_back(std::move(job));
        return;
      }
      stateful_busy = true;
    }
    job([weak = weak_from_this()] {
      if (auto self = weak.lock()) self->next_stateful();
    });
  }

  void next_stateful() {
    StatefulJob job;
    {
      std::lock_guard lock(mu);
      if (stateful_queue.empty()) {
        stateful_busy = false;
        return;
      }
      job = std::move(stateful_queue.front());
      stateful_queue.pop_front();
    }
    job([weak = weak_from_this()] {
      if (auto self = weak.lock()) self->next_stateful();
    });
  }

  // One broadcast. The only resend is the sequence-mismatch retry, and only after a complete
  // answer whose tx_response says "sdk" 32: CheckTx refused the tx, it is not in the mempool.
  // Every other outcome — a transport failure after the first byte, a 5xx, an answer we cannot
  // read, an undocumented code — is reported as it is and never re-signed or sent again.
  void sign_and_broadcast_now(std::string op, bool stateful, Signer sign, bool retried,
                              std::function<void(Result<std::string>)> cb) {
    account(
        retried, op,
        [self = shared_from_this(), op, stateful, sign, retried, cb](Result<Account> acc) {
          if (!acc) return cb(not_sent(acc.error()));
          // A stateful tx reserves its sequence at signing time, so concurrent stateful
          // orders get consecutive sequences instead of colliding (one key, one order).
          Account use = *acc;
          if (stateful) {
            std::lock_guard lock(self->mu);
            if (self->sequence) {
              use.sequence = *self->sequence;
              self->sequence = use.sequence + 1;
            }
          }
          const std::uint64_t used_sequence = use.sequence;
          auto tx = sign(use);
          if (!tx) {
            self->release_sequence(stateful, used_sequence);
            return cb(not_sent(venue_error(Venue::dydx, op, tx.error())));
          }
          json::object body;
          body["tx_bytes"] = base64(tx->tx_raw);
          body["mode"] = "BROADCAST_MODE_SYNC";
          self->request(
              "POST", self->config.node_url + "/cosmos/tx/v1beta1/txs", json::serialize(body),
              stateful ? "stateful" : "short_term", op,
              [self, op, stateful, sign, retried, cb, used_sequence,
               hash = tx->tx_hash()](Result<Json> r) {
                // Unknown outcome: the sequence stays reserved (a later mismatch re-reads it)
                // and nothing is sent again. A refusal (not sent, 429, 418, 4xx): no tx reached
                // the chain, its sequence is given back.
                if (!r) {
                  if (!outcome_unknown(r.error())) self->release_sequence(stateful, used_sequence);
                  return cb(r.error());
                }
                auto a = parse_broadcast_answer(*r);
                if (!a) {
                  Error e = codec_error(op, a.error());
                  e.delivery = Delivery::answer_unknown;
                  return cb(std::move(e));
                }
                std::string txhash = a->txhash.empty() ? hash : a->txhash;
                const TxClass verdict = classify_tx(*a);
                // "sdk" 19: the identical tx (same bytes, same hash) is already in the
                // mempool: it is this order, in flight. A stateful tx's sequence was
                // reserved at signing.
                if (verdict.verdict == TxVerdict::accepted) return cb(txhash);
                if (verdict.verdict == TxVerdict::unknown) {
                  Error e = err(ErrorCode::rejected, op,
                                "tx answered " + a->venue_code +
                                    ", a code not documented as refused before execution: "
                                    "outcome unknown: " +
                                    a->raw_log,
                                a->venue_code, a->raw_log);
                  e.delivery = Delivery::answer_unknown;
                  return cb(std::move(e));
                }
                // Refused in CheckTx: the sequence was not consumed.
                self->release_sequence(stateful, used_sequence);
                if (a->codespace == "sdk" && a->code == 32U && !retried) {
                  // Another sender moved the sequence: re-read, re-sign once. The first tx
                  // is certainly not in the mempool, so this is not a second copy of it.
                  return self->sign_and_broadcast_now(op, stateful, sign, true, cb);
                }
                cb(err(verdict.code, op, "tx refused: " + a->raw_log, a->venue_code, a->raw_log));
              });
        });
  }

  // Gives back a reserved sequence that was not consumed, unless a later tx reserved the next
  // one already (then a sequence mismatch will re-read the account).
  void release_sequence(bool stateful, std::uint64_t used) {
    if (!stateful) return;
    std::lock_guard lock(mu);
    if (sequence && *sequence == used + 1) sequence = used;
  }

  // ---- instruments --------------------------------------------------------------------------

  Result<std::pair<const Instrument*, PerpetualMarket>> market_of(InstrumentId id,
                                                                  std::string_view op) const {
    const Instrument* ins = registry.get(id);
    if (ins == nullptr || ins->venue != Venue::dydx)
      return err(ErrorCode::not_found, op, "instrument is not a dYdX instrument");
    if (!ins->dydx_clob_pair_id || !ins->dydx_atomic_resolution ||
        !ins->dydx_quantum_conversion_exponent || !ins->dydx_step_base_quantums ||
        !ins->dydx_subticks_per_tick)
      return err(ErrorCode::invalid_state, op,
                 ins->venue_symbol + " lacks dYdX market metadata (load_instruments first)");
    PerpetualMarket m;
    m.ticker = ins->venue_symbol;
    m.clob_pair_id = *ins->dydx_clob_pair_id;
    m.atomic_resolution = *ins->dydx_atomic_resolution;
    m.quantum_conversion_exponent = *ins->dydx_quantum_conversion_exponent;
    m.step_base_quantums = *ins->dydx_step_base_quantums;
    m.subticks_per_tick = *ins->dydx_subticks_per_tick;
    return std::make_pair(ins, m);
  }

  // All orders the Indexer lists for the subaccount (optionally filtered by status). An order of
  // a market the client has not loaded comes with an invalid instrument and its ticker; one the
  // reader cannot read fails the call rather than vanish from it.
  void list_orders(std::string extra, std::string op,
                   std::function<void(Result<std::vector<IndexerOrder>>)> cb) {
    indexer_get(orders_query(extra), op, [self = shared_from_this(), op, cb](Result<Json> r) {
      if (!r) return cb(r.error());
      auto orders = parse_orders(*r, self->registry, self->clock.now());
      if (!orders) return cb(codec_error(op, orders.error()));
      cb(std::move(*orders));
    });
  }
};

DydxClient::DydxClient(net::NetContext& net, Clock& clock, const InstrumentRegistry& registry,
                       Wallet wallet, DydxClientConfig config)
    : state_(std::make_shared<State>(net, clock, registry, std::move(wallet), std::move(config))),
      limiter_(std::make_unique<net::RateLimiter>(clock,
                                                  state_->config.rate_buckets.empty()
                                                      ? default_rate_buckets()
                                                      : state_->config.rate_buckets,
                                                  net::RateLimiterOptions{"dydx", 10s})) {
  (void)limiter_->add_endpoint("indexer", {{"indexer_ip", 1}});
  (void)limiter_->add_endpoint("node_read", {{"indexer_ip", 0}});
  (void)limiter_->add_endpoint("stateful", {{"stateful_block", 1}, {"stateful_100_blocks", 1}});
  (void)limiter_->add_endpoint("short_term", {{"short_term", 1}});
  state_->limiter = limiter_.get();
  if (!state_->config.ws_url.empty())
    stream_ = std::make_unique<SubaccountStream>(net, clock, registry, state_->wallet.address(),
                                                 state_->config.subaccount_number,
                                                 state_->config.ws_url, state_->config.tls);
}

PrivateStream* DydxClient::private_stream() noexcept {
  return stream_.get();
}

DydxClient::~DydxClient() {
  if (stream_) stream_->stop();
  state_->stopping = true;
  std::deque<State::StatefulJob> queued;  // dropped here: their Completions answer `cancelled`
  {
    std::lock_guard lock(state_->mu);
    queued.swap(state_->stateful_queue);
  }
  queued.clear();
  state_->waits.cancel_all();
}

const std::string& DydxClient::address() const noexcept {
  return state_->wallet.address();
}

std::optional<std::uint64_t> DydxClient::sequence() const {
  std::lock_guard lock(state_->mu);
  return state_->sequence;
}

VenueCapabilities DydxClient::capabilities() const noexcept {
  VenueCapabilities c;
  c.positions = true;
  c.private_stream = !state_->config.ws_url.empty();
  c.status_by_client_id = true;
  c.cancel_by_client_id = true;
  // Conditional orders (order_flags CONDITIONAL, condition_type STOP_LOSS / TAKE_PROFIT) exist
  // on dYdX, but place() sends limit orders only.
  c.stop_market = false;         // conditional STOP_LOSS: not sent
  c.stop_limit = false;          // conditional STOP_LOSS with a limit: not sent
  c.take_profit_market = false;  // conditional TAKE_PROFIT: not sent
  return c;
}

RequestValidity DydxClient::request_validity() const noexcept {
  RequestValidity v;
  v.window = state_->config.block_time * state_->config.short_term_blocks;
  v.query_lag = 2s;
  return v;
}

void DydxClient::place(const domain::OrderSpec& order, Callback<PlaceAck> done) {
  Completion<PlaceAck> c(std::move(done), "dydx place " + order.client_order_id.text);
  const std::string op = "place " + order.client_order_id.text;
  auto& s = *state_;
  if (auto st = domain::validate(order); !st.ok())
    return (void)c.complete(err(st.error().code, op, st.error().message));
  if (order.type != domain::OrderType::limit || !order.price)
    return (void)c.complete(err(ErrorCode::invalid_argument, op,
                                "only limit orders (dYdX has no true market order: send an IOC "
                                "limit at a protective price)"));
  std::uint32_t client_id = 0;
  {
    const auto& t = order.client_order_id.text;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), client_id);
    if (t.empty() || ec != std::errc{} || p != t.data() + t.size())
      return (void)c.complete(err(ErrorCode::invalid_argument, op,
                                  "client order id must be a decimal uint32, got '" + t + "'"));
  }
  auto mk = s.market_of(order.instrument, op);
  if (!mk) return (void)c.complete(mk.error());
  const PerpetualMarket market = mk->second;
  auto quantums = size_to_quantums(market, order.quantity);
  if (!quantums) return (void)c.complete(venue_error(Venue::dydx, op, quantums.error()));
  auto subticks = price_to_subticks(market, *order.price);
  if (!subticks) return (void)c.complete(venue_error(Venue::dydx, op, subticks.error()));

  PlaceOrderSpec spec;
  spec.id = {s.wallet.address(), s.config.subaccount_number, client_id, kOrderFlagsShortTerm,
             market.clob_pair_id};
  spec.side = order.side == Side::buy ? OrderSide::buy : OrderSide::sell;
  spec.quantums = *quantums;
  spec.subticks = *subticks;
  spec.reduce_only = order.reduce_only;
  const auto tif = order.time_in_force;
  spec.time_in_force = tif == domain::TimeInForce::ioc         ? TimeInForce::ioc
                       : tif == domain::TimeInForce::fok       ? TimeInForce::fill_or_kill
                       : tif == domain::TimeInForce::post_only ? TimeInForce::post_only
                                                               : TimeInForce::unspecified;
  const bool short_term = tif == domain::TimeInForce::ioc || tif == domain::TimeInForce::fok ||
                          s.config.short_term_limits;
  auto finish = [self = state_, c, client_id, instrument = order.instrument,
                 cid = order.client_order_id.text](Result<std::string> r, LiveOrder live) {
    if (!r) return (void)c.complete(r.error());
    live.instrument = instrument;
    {
      std::lock_guard lock(self->mu);
      self->live[client_id] = live;
    }
    PlaceAck ack;
    ack.client_order_id = cid;
    ack.venue_order_id = cid;  // the on-chain OrderId is (subaccount, client id, flags, pair)
    ack.report.status = domain::VenueOrderStatus::open;
    ack.report.reason = "accepted by CheckTx, tx " + *r;
    ack.at = self->clock.now();
    ack.report.at = ack.at;
    c.complete(std::move(ack));
  };
  if (short_term) {
    s.height(op, [self = state_, spec, op, finish](Result<std::uint32_t> h) mutable {
      if (!h) return finish(not_sent(h.error()), {});
      spec.good_til.block = *h + self->config.short_term_blocks;
      if (auto st = check_good_til_block(spec.good_til.block, *h); !st.ok())
        return finish(venue_error(Venue::dydx, op, st.error()), {});
      LiveOrder live{kOrderFlagsShortTerm, spec.id.clob_pair_id, {}, spec.good_til.block};
      self->sign_and_broadcast(
          op, false,
          [self, spec](const State::Account& a) {
            TxParams p{a.chain_id, a.number, a.sequence, self->config.fee, self->config.gas_limit,
                       {}};
            return sign_place_order(self->wallet, spec, p);
          },
          false, [finish, live](Result<std::string> r) { finish(std::move(r), live); });
    });
    return;
  }
  spec.id.order_flags = kOrderFlagsLongTerm;
  const std::int64_t now_s = s.clock.now().ms() / 1000;
  const auto lifetime_s =
      std::chrono::duration_cast<std::chrono::seconds>(s.config.long_term_lifetime).count();
  spec.good_til.block_time = static_cast<std::uint32_t>(now_s + lifetime_s);
  if (auto st = check_good_til_block_time(spec.good_til.block_time, now_s); !st.ok())
    return (void)c.complete(venue_error(Venue::dydx, op, st.error()));
  if (auto st = validate_place_order(spec); !st.ok())
    return (void)c.complete(venue_error(Venue::dydx, op, st.error()));
  LiveOrder live{kOrderFlagsLongTerm, spec.id.clob_pair_id, {}, 0};
  s.sign_and_broadcast(
      op, true,
      [self = state_, spec](const State::Account& a) {
        TxParams p{a.chain_id, a.number, a.sequence, self->config.fee, self->config.gas_limit, {}};
        return sign_place_order(self->wallet, spec, p);
      },
      false, [finish, live](Result<std::string> r) { finish(std::move(r), live); });
}

void DydxClient::cancel(const OrderRef& order, Callback<CancelAck> done) {
  Completion<CancelAck> c(std::move(done), "dydx cancel " + order.client_order_id);
  const std::string op = "cancel " + order.client_order_id;
  std::uint32_t client_id = 0;
  {
    const auto& t = order.client_order_id;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), client_id);
    if (t.empty() || ec != std::errc{} || p != t.data() + t.size())
      return (void)c.complete(err(ErrorCode::invalid_argument, op,
                                  "dYdX cancels by client id (decimal uint32), got '" + t + "'"));
  }
  auto with_live = [self = state_, c, op, client_id, cid = order.client_order_id](LiveOrder live) {
    auto send = [self, c, op, client_id, cid, live](CancelOrderSpec spec) {
      self->sign_and_broadcast(
          op, is_stateful(live.flags),
          [self, spec](const State::Account& a) {
            TxParams p{a.chain_id, a.number, a.sequence, self->config.fee, self->config.gas_limit,
                       {}};
            return sign_cancel_order(self->wallet, spec, p);
          },
          false,
          [self, c, cid, client_id](Result<std::string> r) {
            if (!r) return (void)c.complete(r.error());
            {
              std::lock_guard lock(self->mu);
              self->live.erase(client_id);
            }
            CancelAck ack;
            ack.client_order_id = cid;
            ack.venue_order_id = cid;
            ack.report.status = domain::VenueOrderStatus::cancelled;
            ack.report.reason = "cancel accepted by CheckTx, tx " + *r;
            ack.report.at = self->clock.now();
            c.complete(std::move(ack));
          });
    };
    CancelOrderSpec spec;
    spec.id = {self->wallet.address(), self->config.subaccount_number, client_id, live.flags,
               live.clob_pair_id};
    if (is_stateful(live.flags)) {
      const std::int64_t now_s = self->clock.now().ms() / 1000;
      spec.good_til.block_time =
          static_cast<std::uint32_t>(now_s + std::chrono::duration_cast<std::chrono::seconds>(
                                                 self->config.stateful_cancel_lifetime)
                                                 .count());
      return send(spec);
    }
    self->height(op, [self, spec, send, c](Result<std::uint32_t> h) mutable {
      if (!h) return (void)c.complete(not_sent(h.error()));
      spec.good_til.block = *h + self->config.short_term_blocks;
      send(spec);
    });
  };
  std::optional<LiveOrder> known;
  {
    std::lock_guard lock(state_->mu);
    if (auto it = state_->live.find(client_id); it != state_->live.end()) known = it->second;
  }
  if (known) return with_live(*known);
  // Not placed by this process: the Indexer knows its flags and pair.
  state_->list_orders(
      "&limit=100", op, [c, op, client_id, with_live](Result<std::vector<IndexerOrder>> r) {
        if (!r) return (void)c.complete(not_sent(r.error()));
        for (const auto& o : *r) {
          const VenueOrder& v = o.order;
          if (v.client_order_id != std::to_string(client_id)) continue;
          if (v.report.status == domain::VenueOrderStatus::filled ||
              v.report.status == domain::VenueOrderStatus::cancelled)
            continue;
          LiveOrder live;
          live.flags = o.order_flags;
          live.clob_pair_id = o.clob_pair_id;
          live.instrument = v.instrument;
          return with_live(live);
        }
        c.complete(err(ErrorCode::not_found, op, "no open order with this client id"));
      });
}

void DydxClient::cancel_all(std::optional<InstrumentId> instrument, Callback<CancelAllAck> done) {
  Completion<CancelAllAck> c(std::move(done), "dydx cancel_all");
  open_orders(instrument, [self = state_, this_ = this, c](Result<std::vector<VenueOrder>> r) {
    if (!r) return (void)c.complete(r.error());
    // One at a time: stateful cancels are ordered by sequence.
    auto acks = std::make_shared<CancelAllAck>();
    auto orders = std::make_shared<std::vector<VenueOrder>>(std::move(*r));
    auto next = std::make_shared<std::function<void(std::size_t)>>();
    *next = [this_, c, acks, orders, next](std::size_t i) {
      if (i >= orders->size()) {
        c.complete(std::move(*acks));
        *next = nullptr;  // break the self-reference
        return;
      }
      OrderRef ref{(*orders)[i].report.venue_order_id, (*orders)[i].client_order_id,
                   (*orders)[i].instrument};
      this_->cancel(ref, [c, acks, next, i](Result<CancelAck> a) {
        if (!a) {
          c.complete(a.error());
          *next = nullptr;
          return;
        }
        acks->cancelled.push_back(std::move(*a));
        (*next)(i + 1);
      });
    };
    (*next)(0);
  });
}

void DydxClient::order_status(const OrderRef& order, Callback<VenueOrder> done) {
  Completion<VenueOrder> c(std::move(done), "dydx order_status " + order.client_order_id);
  const std::string op = "order_status " + order.client_order_id;
  state_->list_orders(
      "&limit=100", op, [self = state_, c, op, order](Result<std::vector<IndexerOrder>> r) {
        if (!r) return (void)c.complete(r.error());
        for (auto& o : *r) {
          VenueOrder& v = o.order;
          if (v.client_order_id == order.client_order_id &&
              (!order.instrument.valid() || v.instrument == order.instrument))
            return (void)c.complete(std::move(v));
        }
        // Unknown to the Indexer. A short-term order we placed is dead for good once the chain
        // is past its good_til_block.
        std::optional<LiveOrder> live;
        std::uint32_t cid = 0;
        std::from_chars(order.client_order_id.data(),
                        order.client_order_id.data() + order.client_order_id.size(), cid);
        {
          std::lock_guard lock(self->mu);
          if (auto it = self->live.find(cid); it != self->live.end()) live = it->second;
        }
        if (!live || is_stateful(live->flags))
          return (void)c.complete(err(ErrorCode::not_found, op, "the Indexer has no such order"));
        self->height(op, [self, c, op, order, live](Result<std::uint32_t> h) {
          if (!h) return (void)c.complete(h.error());
          if (*h <= live->good_til_block)
            return (void)c.complete(err(ErrorCode::not_found, op,
                                        "the Indexer has no such order yet (good_til_block " +
                                            std::to_string(live->good_til_block) + " not passed)"));
          VenueOrder v;
          v.client_order_id = order.client_order_id;
          v.instrument = live->instrument;
          if (const Instrument* ins = self->registry.get(live->instrument))
            v.venue_symbol = ins->venue_symbol;
          v.report.status = domain::VenueOrderStatus::expired;
          v.report.reason = "not found and height " + std::to_string(*h) +
                            " is past good_til_block " + std::to_string(live->good_til_block);
          v.report.at = self->clock.now();
          c.complete(std::move(v));
        });
      });
}

void DydxClient::open_orders(std::optional<InstrumentId> instrument,
                             Callback<std::vector<VenueOrder>> done) {
  Completion<std::vector<VenueOrder>> c(std::move(done), "dydx open_orders");
  state_->list_orders("&status=OPEN", "open_orders",
                      [c, instrument](Result<std::vector<IndexerOrder>> r) {
                        if (!r) return (void)c.complete(r.error());
                        std::vector<VenueOrder> out;
                        for (auto& o : *r)
                          if (!instrument || o.order.instrument == *instrument)
                            out.push_back(std::move(o.order));
                        c.complete(std::move(out));
                      });
}

void DydxClient::fills_since(Timestamp since, std::optional<InstrumentId> instrument,
                             Callback<std::vector<domain::Fill>> done) {
  Completion<std::vector<domain::Fill>> c(std::move(done), "dydx fills_since");
  const std::string op = "fills_since";
  auto& s = *state_;
  // Fills carry the Indexer's order id; the orders list maps it to our client id.
  s.list_orders("&limit=100", op, [self = state_, c, op, since, instrument](auto orders) {
    if (!orders) return (void)c.complete(orders.error());
    std::map<std::string, std::string> client_of;
    for (const auto& o : *orders)
      client_of[o.order.report.venue_order_id] = o.order.client_order_id;
    self->indexer_get(
        "/v4/fills?address=" + self->wallet.address() +
            "&subaccountNumber=" + std::to_string(self->config.subaccount_number) + "&limit=100",
        op, [self, c, op, since, instrument, client_of](Result<Json> r) {
          if (!r) return (void)c.complete(r.error());
          auto fills = parse_fills(*r, self->registry);
          if (!fills) return (void)c.complete(codec_error(op, fills.error()));
          std::vector<domain::Fill> out;
          for (auto& f : *fills) {
            if (instrument && *instrument != f.fill.instrument) continue;
            if (auto it = client_of.find(f.order_id); it != client_of.end())
              f.fill.client_order_id = it->second;
            if (f.fill.time < since) continue;
            out.push_back(std::move(f.fill));
          }
          std::stable_sort(out.begin(), out.end(),
                           [](const auto& a, const auto& b) { return a.time < b.time; });
          c.complete(std::move(out));
        });
  });
}

namespace {

// GET the subaccount (balances and positions are read from the same answer) and complete `c`
// with `read(answer)`, or with the transport's or the answer's error.
template <typename T, typename Read>
void read_subaccount(const std::shared_ptr<DydxClient::State>& state, Completion<T> c,
                     const std::string& op, Read read) {
  state->indexer_get("/v4/addresses/" + state->wallet.address() + "/subaccountNumber/" +
                         std::to_string(state->config.subaccount_number),
                     op, [self = state, c, op, read](Result<Json> r) {
                       if (!r) return (void)c.complete(r.error());
                       auto sub = parse_subaccount(*r, self->registry);
                       if (!sub) return (void)c.complete(codec_error(op, sub.error()));
                       c.complete(read(std::move(sub).value()));
                     });
}

}  // namespace

void DydxClient::balances(Callback<std::vector<domain::Balance>> done) {
  using R = Result<std::vector<domain::Balance>>;
  read_subaccount(state_,
                  Completion<std::vector<domain::Balance>>(std::move(done), "dydx balances"),
                  "balances", [](SubaccountAnswer sub) -> R {
                    Decimal locked = sub.equity - sub.free_collateral;
                    if (locked.is_negative()) locked = Decimal::zero();
                    auto b = domain::Balance::create("USDC", sub.free_collateral, locked);
                    if (!b) return b.error();
                    return std::vector<domain::Balance>{std::move(*b)};
                  });
}

void DydxClient::positions(Callback<std::vector<VenuePosition>> done) {
  read_subaccount(state_, Completion<std::vector<VenuePosition>>(std::move(done), "dydx positions"),
                  "positions", [](SubaccountAnswer sub) {
                    return Result<std::vector<VenuePosition>>(std::move(sub.positions));
                  });
}

void DydxClient::load_instruments(Callback<std::vector<Instrument>> done) {
  Completion<std::vector<Instrument>> c(std::move(done), "dydx load_instruments");
  const std::string op = "load_instruments";
  state_->indexer_get("/v4/perpetualMarkets", op, [self = state_, c, op](Result<Json> r) {
    if (!r) return (void)c.complete(r.error());
    auto markets = parse_markets(*r, self->config.symbols);
    if (!markets) return (void)c.complete(codec_error(op, markets.error()));
    c.complete(std::move(*markets));
  });
}

namespace {

// One candles() call: pages backwards from the end of the window ([from, end), newest first at
// the Indexer) until `count` candles are in or a page comes back short (no older history).
struct CandlePager : std::enable_shared_from_this<CandlePager> {
  std::shared_ptr<DydxClient::State> state;
  Completion<std::vector<market::Candle>> done;
  std::string path;  // /v4/candles/perpetualMarkets/<ticker>?resolution=<R>
  std::string ticker;
  Duration resolution{};
  std::size_t count = 0;
  Timestamp from;
  Timestamp end;
  Timestamp to;                     // exclusive end of the next page: the oldest start read so far
  std::vector<market::Candle> got;  // oldest first

  void next();
};

}  // namespace

void DydxClient::candles(InstrumentId instrument, Duration interval, std::size_t count,
                         Callback<std::vector<market::Candle>> done) {
  const std::string op = "candles";
  Completion<std::vector<market::Candle>> c(std::move(done), "dydx candles");
  const auto wire = history::wire_interval("dYdX", candle_resolutions(), interval);
  if (!wire) {
    c.complete(venue_error(Venue::dydx, op, wire.error()));
    return;
  }
  if (count > kMaxCandles) {
    c.complete(err(ErrorCode::invalid_argument, op,
                   std::to_string(count) + " candles asked; at most " +
                       std::to_string(kMaxCandles) + " per call (" +
                       std::to_string(kMaxCandles / kCandlePage) + " Indexer pages)"));
    return;
  }
  const Instrument* ins = state_->registry.get(instrument);
  if (ins == nullptr || ins->venue != Venue::dydx) {
    c.complete(err(ErrorCode::not_found, op, "instrument is not a loaded dYdX market"));
    return;
  }
  if (count == 0) {
    c.complete(std::vector<market::Candle>{});
    return;
  }
  auto pager = std::make_shared<CandlePager>();
  pager->state = state_;
  pager->done = c;
  pager->ticker = ins->venue_symbol;
  pager->path =
      "/v4/candles/perpetualMarkets/" + ins->venue_symbol + "?resolution=" + std::string(*wire);
  pager->resolution = interval;
  pager->count = count;
  // The last `count` closed intervals; toISO (exclusive) at the open one keeps it out.
  pager->end = state_->clock.now().floor_to(interval);
  pager->from = std::max(pager->end - interval * static_cast<std::int64_t>(count), Timestamp{});
  pager->to = pager->end;
  pager->next();
}

namespace {

void CandlePager::next() {
  const std::size_t limit = std::min(kCandlePage, count - got.size());
  const std::string url = path + "&limit=" + std::to_string(limit) +
                          "&fromISO=" + from.to_iso8601() + "&toISO=" + to.to_iso8601();
  auto self = shared_from_this();
  state->indexer_get(url, "candles", [self, limit](Result<Json> r) {
    if (!r) return (void)self->done.complete(r.error());
    auto page = parse_candles(*r, self->ticker, self->resolution, self->state->clock.now());
    if (!page) return (void)self->done.complete(codec_error("candles", page.error()));
    // Only this page's part of the window (an Indexer that ignored fromISO/toISO cannot make
    // the loop repeat itself or return older candles).
    std::erase_if(*page, [&](const market::Candle& k) {
      return k.start < self->from || k.start >= self->to || k.end() > self->end;
    });
    const bool short_page = page->size() < limit;
    if (!page->empty()) self->to = page->front().start;
    self->got.insert(self->got.begin(), page->begin(), page->end());
    if (short_page || self->got.size() >= self->count) {
      if (self->got.size() > self->count) {
        self->got.erase(self->got.begin(),
                        self->got.end() - static_cast<std::ptrdiff_t>(self->count));
      }
      self->done.complete(std::move(self->got));
      return;
    }
    self->next();
  });
}

}  // namespace

void DydxClient::server_time(Callback<Timestamp> done) {
  Completion<Timestamp> c(std::move(done), "dydx server_time");
  state_->indexer_get("/v4/time", "server_time", [c](Result<Json> r) {
    if (!r) return (void)c.complete(r.error());
    auto t = parse_server_time(*r);
    if (!t) return (void)c.complete(codec_error("server_time", t.error()));
    c.complete(*t);
  });
}

}  // namespace nzeza::venues::dydx

#include "venues/dydx/client.hpp"

#include <openssl/evp.h>

#include <atomic>
#include <boost/json.hpp>
#include <charconv>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "venues/dydx/indexer_json.hpp"
#include "venues/dydx/quantums.hpp"
#include "venues/dydx/subaccount_stream.hpp"
#include "venues/venue_error.hpp"

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

const Json* field(const Json& v, std::string_view key) {
  if (!v.is_object()) return nullptr;
  return v.as_object().if_contains(key);
}

std::string text_of(const Json* v) {
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

Result<Decimal> decimal_of(const Json* v, std::string_view what) {
  const std::string t = text_of(v);
  if (t.empty()) return fail(ErrorCode::parse_error, "missing decimal field " + std::string(what));
  auto d = Decimal::parse(t);
  if (!d) return d.error().with_context(what);
  return d;
}

template <typename T>
std::optional<T> int_of(const Json* v) {
  const std::string t = text_of(v);
  T out{};
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  if (t.empty() || ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
  return out;
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

// tx_response codes of a BROADCAST_MODE_SYNC answer that mean "refused in CheckTx: nothing was
// placed, matched or cancelled". Each is listed, with the line that documents it, in
// docs/errors/dydx.md. CheckTx on dYdX is not free of effects (a short-term order can match in
// the node's in-memory book before a later check fails), so an unlisted non-zero code is an
// answer that does not say what became of the tx: outcome unknown.
struct RefusedCode {
  std::string_view codespace;
  std::uint32_t code;
  ErrorCode as;
};
constexpr RefusedCode kRefusedInCheckTx[] = {
    {"sdk", 2, ErrorCode::rejected},                  // tx parse error
    {"sdk", 4, ErrorCode::auth_failed},               // unauthorized (signature verification)
    {"sdk", 5, ErrorCode::insufficient_balance},      // insufficient funds
    {"sdk", 6, ErrorCode::rejected},                  // unknown request
    {"sdk", 8, ErrorCode::auth_failed},               // invalid pubkey
    {"sdk", 9, ErrorCode::rejected},                  // unknown address
    {"sdk", 11, ErrorCode::rejected},                 // out of gas
    {"sdk", 13, ErrorCode::rejected},                 // insufficient fee
    {"sdk", 20, ErrorCode::unavailable},              // mempool is full
    {"sdk", 32, ErrorCode::invalid_state},            // incorrect account sequence
    {"clob", 4, ErrorCode::rejected},                 // invalid order quantums
    {"clob", 5, ErrorCode::rejected},                 // invalid order goodTilBlock
    {"clob", 6, ErrorCode::rejected},                 // invalid order subticks
    {"clob", 8, ErrorCode::rejected},                 // ClobPair ID does not reference a valid CLOB
    {"clob", 10, ErrorCode::rejected},                // next height > GoodTilBlock
    {"clob", 11, ErrorCode::rejected},                // GoodTilBlock beyond ShortBlockWindow
    {"clob", 17, ErrorCode::rejected},                // more than 20 open orders on a CLOB and side
    {"clob", 2003, ErrorCode::rejected},              // post-only would cross
    {"clob", 3003, ErrorCode::rejected},              // block time > GoodTilBlockTime
    {"clob", 3004, ErrorCode::rejected},              // GoodTilBlockTime beyond the stateful window
    {"clob", 3005, ErrorCode::rejected},              // stateful order already exists
    {"clob", 3006, ErrorCode::not_found},             // stateful order does not exist
    {"clob", 3007, ErrorCode::insufficient_balance},  // collateralization check failed
    {"clob", 5001, ErrorCode::rate_limited},          // block rate limit exceeded
    {"clob", 10001, ErrorCode::rejected},             // equity tier open-order limit
};

const RefusedCode* refused_in_check_tx(std::string_view codespace, std::uint32_t code) {
  for (const auto& r : kRefusedInCheckTx)
    if (r.codespace == codespace && r.code == code) return &r;
  return nullptr;
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
      : clock(c), registry(r), wallet(std::move(w)), config(std::move(cfg)) {
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
  std::set<TimerId> timers;

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
    auto go = [self = shared_from_this(), method = std::move(method), url = std::move(url),
               body = std::move(body), op, cb]() mutable {
      self->send(std::move(method), std::move(url), std::move(body), std::move(op), std::move(cb));
    };
    if (wait->count() <= 0) {
      go();
      return;
    }
    std::weak_ptr<State> weak = weak_from_this();
    auto id = std::make_shared<TimerId>();
    std::lock_guard lock(mu);
    *id = clock.schedule_after(*wait, [weak, id, go = std::move(go), op, cb]() mutable {
      auto self = weak.lock();
      if (!self) {
        cb(not_sent(err(ErrorCode::cancelled, op, "client destroyed during a rate-limit wait")));
        return;
      }
      {
        std::lock_guard l(self->mu);
        self->timers.erase(*id);
      }
      go();
    });
    timers.insert(*id);
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
    if (resp.status == 429)
      limiter->on_retry_after(resp.retry_after(clock.now()).value_or(kDefaultRetryAfter));
    std::error_code ec;
    auto parsed = json::parse(resp.body, ec);
    if (!resp.success()) {
      Error e = resp.check().error();
      // Cosmos gateway errors: {"code": 3, "message": "...", "details": []}; Indexer errors:
      // {"errors": [{"msg": "..."}]}. Keep the venue's words verbatim.
      if (!ec) {
        if (auto* m = field(parsed, "message"); m != nullptr && m->is_string()) {
          e.venue_text = std::string(m->get_string());
          if (auto c = text_of(field(parsed, "code")); !c.empty()) e.venue_code = c;
        } else if (auto* es = field(parsed, "errors");
                   es != nullptr && es->is_array() && !es->as_array().empty()) {
          e.venue_text = text_of(field(es->as_array()[0], "msg"));
        }
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
      auto h = int_of<std::uint32_t>(field(*r, "height"));
      if (!h) return cb(err(ErrorCode::protocol, op, "no height in /v4/height answer"));
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
                       const Json* acc = field(*r, "account");
                       // A vesting or module account nests the base account; dYdX users have
                       // BaseAccount.
                       if (const Json* base = field(acc ? *acc : Json{}, "base_account"))
                         acc = base;
                       auto num =
                           int_of<std::uint64_t>(acc ? field(*acc, "account_number") : nullptr);
                       auto seq = int_of<std::uint64_t>(acc ? field(*acc, "sequence") : nullptr);
                       if (!num || !seq)
                         return cb(err(ErrorCode::protocol, op,
                                       "account answer lacks account_number/sequence"));
                       {
                         std::lock_guard lock(self->mu);
                         self->account_number = *num;
                         self->sequence = *seq;
                       }
                       cb(Account{chain, *num, *seq});
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
               std::string net = text_of(
                   field(field(*r, "default_node_info") ? *field(*r, "default_node_info") : Json{},
                         "network"));
               if (net.empty())
                 return with_chain(err(ErrorCode::protocol, op, "node_info lacks the network"));
               {
                 std::lock_guard lock(self->mu);
                 self->chain_id = net;
               }
               with_chain(net);
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
    account(retried, op,
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
                    // Unknown outcome (or refused before sending): the sequence stays reserved
                    // (a later mismatch re-reads it) and nothing is sent again.
                    if (!r) return cb(r.error());
                    const Json* txr = field(*r, "tx_response");
                    if (txr == nullptr) {
                      Error e = err(ErrorCode::protocol, op, "broadcast answer lacks tx_response");
                      e.delivery = Delivery::answer_unknown;
                      return cb(std::move(e));
                    }
                    auto code = int_of<std::uint32_t>(field(*txr, "code"));
                    if (!code && field(*txr, "code") == nullptr) code = 0;  // omitted: zero
                    const std::string space = text_of(field(*txr, "codespace"));
                    const std::string log = text_of(field(*txr, "raw_log"));
                    const std::string vcode =
                        space + ":" + (code ? std::to_string(*code) : text_of(field(*txr, "code")));
                    std::string txhash = text_of(field(*txr, "txhash"));
                    if (txhash.empty()) txhash = hash;
                    // "sdk" 19: the identical tx (same bytes, same hash) is already in the
                    // mempool: it is this order, in flight.
                    if (code && (*code == 0 || (space == "sdk" && *code == 19)))
                      return cb(txhash);  // a stateful tx's sequence was reserved at signing
                    const RefusedCode* refused = code ? refused_in_check_tx(space, *code) : nullptr;
                    if (refused == nullptr) {
                      Error e = err(ErrorCode::rejected, op,
                                    "tx answered " + vcode +
                                        ", a code not documented as refused before execution: "
                                        "outcome unknown: " +
                                        log,
                                    vcode, log);
                      e.delivery = Delivery::answer_unknown;
                      return cb(std::move(e));
                    }
                    // Refused in CheckTx: the sequence was not consumed.
                    self->release_sequence(stateful, used_sequence);
                    if (space == "sdk" && *code == 32 && !retried) {
                      // Another sender moved the sequence: re-read, re-sign once. The first tx
                      // is certainly not in the mempool, so this is not a second copy of it.
                      return self->sign_and_broadcast_now(op, stateful, sign, true, cb);
                    }
                    cb(err(refused->as, op, "tx refused: " + log, vcode, log));
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

  Result<VenueOrder> venue_order_of(const Json& o) const {
    return parse_indexer_order(o, registry, clock.now());
  }

  // All orders the Indexer lists for the subaccount (optionally filtered by status).
  void list_orders(std::string extra, std::string op,
                   std::function<void(Result<std::vector<std::pair<VenueOrder, Json>>>)> cb) {
    indexer_get(orders_query(extra), op, [self = shared_from_this(), op, cb](Result<Json> r) {
      if (!r) return cb(r.error());
      if (!r->is_array()) return cb(err(ErrorCode::protocol, op, "orders answer is not a list"));
      std::vector<std::pair<VenueOrder, Json>> out;
      for (const auto& o : r->as_array()) {
        // An order of a market the client has not loaded comes back with an invalid instrument
        // and its ticker; one we cannot read fails the call rather than vanish from it.
        auto v = self->venue_order_of(o);
        if (!v) return cb(err(ErrorCode::protocol, op, v.error().message));
        out.emplace_back(std::move(*v), o);
      }
      cb(std::move(out));
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
  std::set<TimerId> timers;
  std::deque<State::StatefulJob> queued;  // dropped here: their Completions answer `cancelled`
  {
    std::lock_guard lock(state_->mu);
    timers.swap(state_->timers);
    queued.swap(state_->stateful_queue);
  }
  queued.clear();
  for (auto id : timers) state_->clock.cancel(id);
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
      "&limit=100", op,
      [c, op, client_id, with_live](Result<std::vector<std::pair<VenueOrder, Json>>> r) {
        if (!r) return (void)c.complete(not_sent(r.error()));
        for (const auto& [v, o] : *r) {
          if (v.client_order_id != std::to_string(client_id)) continue;
          if (v.report.status == domain::VenueOrderStatus::filled ||
              v.report.status == domain::VenueOrderStatus::cancelled)
            continue;
          LiveOrder live;
          live.flags = int_of<std::uint32_t>(field(o, "orderFlags")).value_or(0);
          live.clob_pair_id = int_of<std::uint32_t>(field(o, "clobPairId")).value_or(0);
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
      "&limit=100", op,
      [self = state_, c, op, order](Result<std::vector<std::pair<VenueOrder, Json>>> r) {
        if (!r) return (void)c.complete(r.error());
        for (auto& [v, o] : *r) {
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
                      [c, instrument](Result<std::vector<std::pair<VenueOrder, Json>>> r) {
                        if (!r) return (void)c.complete(r.error());
                        std::vector<VenueOrder> out;
                        for (auto& [v, o] : *r)
                          if (!instrument || v.instrument == *instrument)
                            out.push_back(std::move(v));
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
    for (const auto& [v, o] : *orders) client_of[v.report.venue_order_id] = v.client_order_id;
    self->indexer_get(
        "/v4/fills?address=" + self->wallet.address() +
            "&subaccountNumber=" + std::to_string(self->config.subaccount_number) + "&limit=100",
        op, [self, c, op, since, instrument, client_of](Result<Json> r) {
          if (!r) return (void)c.complete(r.error());
          const Json* fills = field(*r, "fills");
          if (fills == nullptr || !fills->is_array())
            return (void)c.complete(err(ErrorCode::protocol, op, "fills answer lacks fills[]"));
          std::vector<domain::Fill> out;
          for (const auto& f : fills->as_array()) {
            auto fill = parse_indexer_fill(f, self->registry);
            if (!fill) return (void)c.complete(err(ErrorCode::protocol, op, fill.error().message));
            if (instrument && *instrument != fill->instrument) continue;
            if (auto it = client_of.find(text_of(field(f, "orderId"))); it != client_of.end())
              fill->client_order_id = it->second;
            if (fill->time < since) continue;
            out.push_back(std::move(*fill));
          }
          std::stable_sort(out.begin(), out.end(),
                           [](const auto& a, const auto& b) { return a.time < b.time; });
          c.complete(std::move(out));
        });
  });
}

void DydxClient::balances(Callback<std::vector<domain::Balance>> done) {
  Completion<std::vector<domain::Balance>> c(std::move(done), "dydx balances");
  const std::string op = "balances";
  state_->indexer_get(
      "/v4/addresses/" + state_->wallet.address() + "/subaccountNumber/" +
          std::to_string(state_->config.subaccount_number),
      op, [c, op](Result<Json> r) {
        if (!r) return (void)c.complete(r.error());
        const Json* sub = field(*r, "subaccount");
        if (sub == nullptr) return (void)c.complete(err(ErrorCode::protocol, op, "no subaccount"));
        auto equity = decimal_of(field(*sub, "equity"), "equity");
        auto free = decimal_of(field(*sub, "freeCollateral"), "freeCollateral");
        if (!equity || !free)
          return (void)c.complete(err(ErrorCode::protocol, op, "malformed equity/freeCollateral"));
        Decimal locked = *equity - *free;
        if (locked.is_negative()) locked = Decimal::zero();
        auto b = domain::Balance::create("USDC", *free, locked);
        if (!b) return (void)c.complete(b.error());
        c.complete(std::vector<domain::Balance>{std::move(*b)});
      });
}

void DydxClient::positions(Callback<std::vector<VenuePosition>> done) {
  Completion<std::vector<VenuePosition>> c(std::move(done), "dydx positions");
  const std::string op = "positions";
  state_->indexer_get(
      "/v4/addresses/" + state_->wallet.address() + "/subaccountNumber/" +
          std::to_string(state_->config.subaccount_number),
      op, [self = state_, c, op](Result<Json> r) {
        if (!r) return (void)c.complete(r.error());
        const Json* sub = field(*r, "subaccount");
        const Json* open = sub ? field(*sub, "openPerpetualPositions") : nullptr;
        std::vector<VenuePosition> out;
        if (open != nullptr && open->is_object()) {
          for (const auto& [ticker, p] : open->as_object()) {
            // A market the client has not loaded: invalid instrument, the ticker kept.
            const Instrument* ins = self->registry.find(Venue::dydx, ticker);
            auto size = decimal_of(field(p, "size"), "size");
            if (!size) return (void)c.complete(err(ErrorCode::protocol, op, "bad position size"));
            VenuePosition v;
            if (ins != nullptr) v.instrument = ins->id;
            v.venue_symbol = ticker;
            v.quantity = *size;
            if (text_of(field(p, "side")) == "SHORT" && v.quantity.signum() > 0)
              v.quantity = -v.quantity;
            if (auto e = decimal_of(field(p, "entryPrice"), "entryPrice")) v.entry_price = *e;
            if (auto u = decimal_of(field(p, "unrealizedPnl"), "unrealizedPnl"))
              v.unrealized_pnl = *u;
            v.quote = "USDC";
            out.push_back(std::move(v));
          }
        }
        c.complete(std::move(out));
      });
}

void DydxClient::load_instruments(Callback<std::vector<Instrument>> done) {
  Completion<std::vector<Instrument>> c(std::move(done), "dydx load_instruments");
  const std::string op = "load_instruments";
  state_->indexer_get("/v4/perpetualMarkets", op, [self = state_, c, op](Result<Json> r) {
    if (!r) return (void)c.complete(r.error());
    const Json* markets = field(*r, "markets");
    if (markets == nullptr || !markets->is_object())
      return (void)c.complete(err(ErrorCode::protocol, op, "no markets object"));
    std::vector<Instrument> out;
    const auto& wanted = self->config.symbols;
    for (const auto& [key, m] : markets->as_object()) {
      const std::string ticker = text_of(field(m, "ticker"));
      if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), ticker) == wanted.end())
        continue;
      Instrument ins;
      ins.venue = Venue::dydx;
      ins.kind = InstrumentKind::perpetual;
      ins.canonical = ticker;
      ins.venue_symbol = ticker;
      const auto dash = ticker.find('-');
      ins.base = ticker.substr(0, dash);
      ins.quote = dash == std::string::npos ? "USD" : ticker.substr(dash + 1);
      auto tick = decimal_of(field(m, "tickSize"), "tickSize");
      auto step = decimal_of(field(m, "stepSize"), "stepSize");
      auto pair = int_of<std::uint32_t>(field(m, "clobPairId"));
      auto ar = int_of<int>(field(m, "atomicResolution"));
      auto qce = int_of<int>(field(m, "quantumConversionExponent"));
      auto sbq = int_of<std::uint64_t>(field(m, "stepBaseQuantums"));
      auto spt = int_of<std::uint64_t>(field(m, "subticksPerTick"));
      if (!tick || !step || !pair || !ar || !qce || !sbq || !spt)
        return (void)c.complete(
            err(ErrorCode::protocol, op, "market " + ticker + " is incomplete"));
      ins.tick_size = *tick;
      ins.lot_size = *step;
      ins.min_size = *step;
      ins.status =
          text_of(field(m, "status")) == "ACTIVE" ? TradingStatus::trading : TradingStatus::halted;
      ins.dydx_clob_pair_id = *pair;
      ins.dydx_atomic_resolution = *ar;
      ins.dydx_quantum_conversion_exponent = *qce;
      ins.dydx_step_base_quantums = *sbq;
      ins.dydx_subticks_per_tick = *spt;
      out.push_back(std::move(ins));
    }
    c.complete(std::move(out));
  });
}

void DydxClient::server_time(Callback<Timestamp> done) {
  Completion<Timestamp> c(std::move(done), "dydx server_time");
  state_->indexer_get("/v4/time", "server_time", [c](Result<Json> r) {
    if (!r) return (void)c.complete(r.error());
    auto t = Timestamp::parse_iso8601(text_of(field(*r, "iso")));
    if (!t) return (void)c.complete(err(ErrorCode::protocol, "server_time", "no iso time"));
    c.complete(*t);
  });
}

}  // namespace nzeza::venues::dydx

#pragma once
// CoinbaseSim: a loopback Coinbase Advanced Trade venue (REST api/v3/brokerage + the private
// `user` WebSocket channel) for the client's integration tests and the `nzeza order` CLI tests.
//
// It keeps products, accounts (available + hold per currency), orders and fills, and checks
// every private request's JWT with its own verifier (jwt_verifier.hpp: OpenSSL EVP verify, not
// nzeza's signer): signature, kid = sub = the key name, iss, typ, nonce, exp = nbf + 120, now
// within [nbf, exp) on the simulator's clock, and uri = "<METHOD> <Host header><path>". A token
// that fails is answered 401 {"error":"UNAUTHENTICATED","message":<which rule>}.
//
// Matching (no book): a market order fills at once at the product's price; a limit IOC/FOK fills
// at once at the product's price when marketable (buy limit >= price, sell limit <= price), else
// it expires (IOC) or is cancelled (FOK); GTC limit and stop-limit orders rest (OPEN) until
// fill() or a cancel. Funds: a buy holds price x size of the quote, a sell the base size;
// refusals are `success:false` answers with Coinbase's error_response (INSUFFICIENT_FUND,
// INVALID_LIMIT_PRICE_POST_ONLY is not modelled: there is no book). A reused client_order_id
// returns the existing order, as Coinbase does, and creates nothing.
//
// Faults are scripted per method and path prefix, first match wins, each for `count` requests:
// any status/body/headers (400 with a venue code, 429 + Retry-After, 5xx), a transport fault
// (reset, truncated body, garbage, hold = no answer until release_held()). With `process` the
// request is executed first and then answered with the fault (a place that rests although the
// client saw a timeout). lag_status_queries(n) answers the next n order queries as if the venue
// did not know any order yet (404 by id, empty lists).
//
// Candles (GET /market/products/{id}/candles, public): our own deterministic candles
// (sim/sim_candles.hpp, around the product's price and on its price increment) in Coinbase's
// shape, newest first, for start..end (unix seconds, bucket starts inclusive) at granularity
// ONE_MINUTE .. ONE_DAY; limit at most 350 (default 350), a range of more than 350 buckets is
// refused (400 INVALID_ARGUMENT), the current bucket is included. Like Coinbase, an interval
// without trades is left out. Nothing before set_history_start() exists.
//
// Threading: the HTTP handler and WebSocket handler run on the servers' threads; every public
// method is thread-safe.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "support/http_server.hpp"

namespace nzeza::sim::coinbase {

struct SimProduct {
  std::string product_id;  // "BTC-USD"
  std::string base;
  std::string quote;
  Decimal price_increment;
  Decimal base_increment;
  Decimal base_min_size;
  Decimal base_max_size;
  Decimal quote_min_size;
  Decimal price;  // where market and marketable orders fill
  std::string status = "online";
  bool trading_disabled = false;
  bool cancel_only = false;
  std::string alias;  // "BTC-USD" for BTC-USDC (a mirrored book, still its own product)
};

struct SimOrder {
  std::string order_id;
  std::string client_order_id;
  std::string product_id;
  std::string side;           // BUY / SELL
  std::string configuration;  // order_configuration key
  std::string order_type;     // MARKET / LIMIT / STOP_LIMIT
  std::string time_in_force;  // GOOD_UNTIL_CANCELLED ...
  Decimal base_size;
  std::optional<Decimal> limit_price;
  std::optional<Decimal> stop_price;
  bool post_only = false;
  std::string status;  // OPEN, FILLED, CANCELLED, EXPIRED
  Decimal filled;
  Decimal filled_value;
  Decimal fees;
  std::int64_t created_s = 0;
  std::int64_t last_fill_s = 0;
};

struct SimFault {
  std::string method;       // "GET", "POST"; empty: any
  std::string path_prefix;  // after the host, e.g. "/api/v3/brokerage/orders"
  testsupport::HttpReply reply;
  int count = 1;
  bool process = false;  // execute the request, then answer with `reply`'s fault
};

struct SimOptions {
  std::string key_name = "organizations/sim-org/apiKeys/sim-key";
  std::string public_key_pem;  // SubjectPublicKeyInfo (P-256 or Ed25519)
  bool tls = false;
  bool websocket = true;  // serve the user channel
  // The simulator's time in Unix seconds (JWT windows, order times); default: system time.
  std::function<std::int64_t()> now_seconds;
  Decimal maker_fee_rate = Decimal::from_raw8(400'000);  // 0.004
  Decimal taker_fee_rate = Decimal::from_raw8(600'000);  // 0.006
};

class CoinbaseSim {
 public:
  explicit CoinbaseSim(SimOptions options);
  ~CoinbaseSim();
  CoinbaseSim(const CoinbaseSim&) = delete;
  CoinbaseSim& operator=(const CoinbaseSim&) = delete;

  [[nodiscard]] std::string base_url() const;  // "http://127.0.0.1:<port>"
  [[nodiscard]] std::string ws_url() const;    // "ws://127.0.0.1:<port>/" ("" without websocket)

  void add_product(SimProduct product);
  void set_price(const std::string& product_id, Decimal price);
  void set_balance(const std::string& currency, Decimal available, Decimal hold = Decimal::zero());
  // Fills made from now on get trade ids numbered per product ("1", "2"...), so two products
  // can share one: nothing in Coinbase's docs promises a trade id unique across products.
  void set_trade_ids_per_product(bool on);
  // Replaces the key the JWTs are checked against.
  void set_public_key(std::string key_name, std::string public_key_pem);

  // The first candle of every product starts at or after this time (unix seconds; default 0).
  void set_history_start(std::int64_t seconds);
  void script(SimFault fault);
  void lag_status_queries(int n);
  void release_held();
  [[nodiscard]] std::size_t held() const;

  // Closes every user-channel connection (the client must reconnect and subscribe again).
  void drop_user_sessions();

  // Trades `size` of a resting order at its limit price (maker): fills, balances, user channel.
  bool fill(const std::string& order_id, Decimal size);

  [[nodiscard]] std::vector<SimOrder> orders() const;
  [[nodiscard]] std::optional<SimOrder> order_by_client_id(
      const std::string& client_order_id) const;
  [[nodiscard]] std::size_t place_requests() const;  // POST /orders reaching the handler
  // Well-formed POST /orders for that client order id that reached the handler (executed, or
  // executed and then answered with a scripted `process` fault).
  [[nodiscard]] std::size_t place_requests(const std::string& client_order_id) const;
  // batch_cancel requests that named that venue order id and reached the handler.
  [[nodiscard]] std::size_t cancel_requests(const std::string& order_id) const;
  [[nodiscard]] std::size_t status_queries() const;              // order queries (by id or list)
  [[nodiscard]] std::vector<std::string> auth_failures() const;  // reasons, in order
  [[nodiscard]] std::vector<testsupport::HttpSeen> requests() const;
  [[nodiscard]] std::size_t ws_subscriptions() const;  // accepted user-channel subscribes
  [[nodiscard]] std::int64_t now_seconds() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nzeza::sim::coinbase

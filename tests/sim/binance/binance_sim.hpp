#pragma once
// BinanceSim: a loopback Binance spot venue for tests (REST on HttpServer, the WS-API user data
// stream on WsServer), with the project's own symbols, prices and balances.
//
// It checks every SIGNED request the way Binance does, with its own code (OpenSSL one-shot
// HMAC(), not nzeza's signer): X-MBX-APIKEY must be the configured key (else 401 -2015), the
// signature must be hex(HMAC-SHA256(secret, query-without-signature + body)) (else 400 -1022),
// recvWindow <= 60000 (else -1131), and the timestamp must be within the window of the sim's
// clock: timestamp < now + 1 s and now - timestamp <= recvWindow (else 400 -1021).
//
// State: orders (LIMIT, LIMIT_MAKER, MARKET, GTC/IOC/FOK) matched against one scripted price per
// symbol: a MARKET or crossing LIMIT fills at once at that price (taker, FULL answer with
// fills); the rest rests. fill() makes a resting order trade (maker). Balances lock and move
// like Binance's (commission 0.1% of what is received). Filters PRICE_FILTER, LOT_SIZE,
// NOTIONAL refuse with -1013 "Filter failure: ..." (PRICE_FILTER also applies to stopPrice).
//
// Trigger orders (STOP_LOSS, TAKE_PROFIT, STOP_LOSS_LIMIT, TAKE_PROFIT_LIMIT, with stopPrice; no
// trailingDelta) follow Binance spot's rules (rest-api.md "Trigger order price rules against
// market price"): STOP_LOSS BUY and TAKE_PROFIT SELL trigger when the last price rises to
// stopPrice, STOP_LOSS SELL and TAKE_PROFIT BUY when it falls to it; the scripted price
// (set_price) is the last price. One whose stopPrice the last price has already reached is
// refused with -2010 "Stop price would trigger immediately.". Until triggered the order is NEW,
// isWorking false, workingTime -1, in open orders and order status with its type and stopPrice,
// holding its funds (a SELL its base, a BUY quantity x price, stopPrice for the market kinds).
// When set_price() reaches the stop (placement order among several), STOP_LOSS / TAKE_PROFIT
// execute as a MARKET at that price (a BUY's reserve is re-taken at that price; short of funds
// it EXPIRES) and the *_LIMIT kinds as a LIMIT at price: crossing, a taker fill at the last
// price; otherwise they rest (executionReport x=NEW, X=NEW, w=true — the sim's rendering of the
// activation [assumed, not in the docs read]) until fill(). executionReports keep the order's
// own type ("o") and stopPrice ("P"); "w" is whether the order is working in the book.
//
// Faults, scripted per endpoint ("POST /api/v3/order", "GET /api/v3/account" ...), used in
// order, each for `times` requests: a 4xx with a Binance code and text, 429 + Retry-After,
// 418 + Retry-After, 5xx, hold (no answer until release_held()), malformed JSON in a 200, a
// truncated body, a TCP reset, bytes that are not HTTP. With `execute` the request is processed
// first and its answer then lost or spoiled (a place that rests, a cancel that cancelled, while
// the client sees a reset, a 5xx, a cut or unreadable answer). not_found_first(n): the first n
// order queries answer -2013 even when the order exists (a lagging venue).
//
// Klines (GET /api/v3/klines, public): our own deterministic candles (sim/sim_candles.hpp, around
// the symbol's price, or 100 when none is set) for the intervals Binance lists, in Binance's row
// format and rules: startTime/endTime (ms, inclusive openTime bounds) and limit (default 500,
// at most 1000, else -1130); without startTime, the `limit` klines up to endTime or now, the
// current still-open one included. Nothing before set_history_start_ms() exists.
//
// Threading: handlers run on the servers' threads; every public method is thread-safe.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "support/http_server.hpp"
#include "support/ws_server.hpp"

namespace nzeza::sim::binance {

struct SimSymbol {
  std::string symbol;  // "BTCUSDT"
  std::string base;    // "BTC"
  std::string quote;   // "USDT"
  Decimal tick = Decimal::parse("0.01").value();
  Decimal step = Decimal::parse("0.00001").value();
  Decimal min_qty = Decimal::parse("0.00001").value();
  Decimal max_qty = Decimal::parse("9000").value();
  Decimal min_notional = Decimal::parse("5").value();
  std::string status = "TRADING";
};

struct SimOptions {
  std::string api_key = "sim-key-0001";
  std::string api_secret = "sim-secret-0001";
  // Binance numbers orders per symbol (BTCUSDT and ETHUSDT may both have an order 1000): true
  // numbers each symbol's orders from 1000, as Binance does; false (the default) numbers all
  // orders in one sequence.
  bool order_ids_per_symbol = false;
  bool tls = false;
  // The venue's clock in ms since the epoch; default: the system clock.
  std::function<std::int64_t()> now_ms;
  // Latency probe (benchmarks): each REST request as the sim starts handling it (read and
  // parsed by the HTTP server), with steady_clock::now(), on the HTTP server's thread. Must be
  // short and must not block.
  std::function<void(const testsupport::HttpSeen& request,
                     std::chrono::steady_clock::time_point at)>
      on_request{};
};

enum class FaultKind {
  venue_error,   // `status` with {"code":code,"msg":msg}
  rate_limited,  // 429 + Retry-After: retry_after_s, {"code":-1003,...}
  banned,        // 418 + Retry-After: retry_after_s, {"code":-1003,...}
  server_error,  // `status` (5xx) with a body
  hold,          // no answer until release_held()
  malformed,     // 200 with invalid JSON
  truncated,     // 200, body cut in the middle
  reset,         // TCP reset
  garbage,       // bytes that are not HTTP, then FIN
};

struct Fault {
  FaultKind kind = FaultKind::venue_error;
  unsigned status = 400;
  long long code = 0;
  std::string msg;
  int retry_after_s = 1;
  bool execute = false;  // process the request before applying the fault (any kind)
};

struct SimOrder {
  std::int64_t order_id = 0;
  std::string client_order_id;
  std::string symbol;
  std::string side;     // BUY / SELL
  std::string type;     // LIMIT / LIMIT_MAKER / MARKET / STOP_LOSS[_LIMIT] / TAKE_PROFIT[_LIMIT]
  std::string tif;      // GTC / IOC / FOK ("" for MARKET / LIMIT_MAKER / STOP_LOSS / TAKE_PROFIT)
  Decimal price;        // 0 for MARKET, STOP_LOSS, TAKE_PROFIT
  Decimal stop_price;   // trigger orders; 0 otherwise
  bool working = true;  // false while a trigger order waits for its stop price
  std::int64_t working_time = 0;  // when it started working
  Decimal quantity;
  Decimal executed;
  Decimal cum_quote;
  Decimal locked;  // funds still reserved
  std::string status;
  std::int64_t time = 0;
  std::int64_t update_time = 0;
};

struct SimTrade {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::string symbol;
  Decimal price;
  Decimal qty;
  Decimal commission;
  std::string commission_asset;
  std::int64_t time = 0;
  bool is_buyer = false;
  bool is_maker = false;
};

class BinanceSim {
 public:
  explicit BinanceSim(SimOptions options = {});
  ~BinanceSim();
  BinanceSim(const BinanceSim&) = delete;
  BinanceSim& operator=(const BinanceSim&) = delete;

  // "http://127.0.0.1:<port>" (https with tls); the WS-API URL for the user data stream.
  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] std::string ws_api_url() const;
  [[nodiscard]] const SimOptions& options() const noexcept { return options_; }

  void add_symbol(SimSymbol symbol);
  // The symbol's last price; trigger orders it reaches fire now (see the header).
  void set_price(const std::string& symbol, Decimal price);
  void set_balance(const std::string& asset, Decimal free, Decimal locked = Decimal::zero());
  // The sim's clock = now_ms() + skew (a venue clock ahead of/behind ours).
  void set_clock_skew_ms(std::int64_t skew);
  // The first kline of every symbol starts at or after this time (default 0: any time).
  void set_history_start_ms(std::int64_t start_ms);
  // Value sent in X-MBX-USED-WEIGHT-1M (default: the weight counted this minute).
  void set_used_weight_header(std::optional<int> used);

  void script(const std::string& endpoint, Fault fault, int times = 1);
  void not_found_first(int n);
  void release_held();

  // A maker trade on a resting order (by client id): qty at its own price. False if unknown,
  // not open, or a trigger order not triggered yet.
  bool fill(const std::string& client_order_id, Decimal qty);

  [[nodiscard]] std::optional<SimOrder> order(const std::string& client_order_id) const;
  [[nodiscard]] std::optional<std::pair<Decimal, Decimal>> balance(const std::string& asset) const;
  // Every trade the venue made, in order (what myTrades would list across symbols).
  [[nodiscard]] std::vector<SimTrade> trades() const;
  // POST /api/v3/order requests received for that client id (valid signature or not).
  [[nodiscard]] int place_requests(const std::string& client_order_id) const;
  // DELETE /api/v3/order requests received for that origClientOrderId.
  [[nodiscard]] int cancel_requests(const std::string& client_order_id) const;
  [[nodiscard]] int order_queries() const;
  [[nodiscard]] int bad_signatures() const;
  [[nodiscard]] int time_rejections() const;
  [[nodiscard]] std::size_t request_count() const;
  [[nodiscard]] std::vector<testsupport::HttpSeen> requests() const;
  // User-data-stream sessions subscribed.
  [[nodiscard]] int stream_subscriptions() const;
  [[nodiscard]] testsupport::WsServer& ws() noexcept { return *ws_; }

  void stop();

 private:
  struct Request;
  testsupport::HttpReply handle(const testsupport::HttpSeen& seen);
  testsupport::HttpReply route(const Request& r);
  std::optional<testsupport::HttpReply> check_auth(const Request& r);
  testsupport::HttpReply place(const Request& r);
  testsupport::HttpReply cancel(const Request& r);
  testsupport::HttpReply cancel_all(const Request& r);
  testsupport::HttpReply query_order(const Request& r);
  testsupport::HttpReply open_orders(const Request& r);
  testsupport::HttpReply my_trades(const Request& r);
  testsupport::HttpReply account(const Request& r);
  testsupport::HttpReply exchange_info(const Request& r);
  testsupport::HttpReply klines(const Request& r);
  void on_ws_message(testsupport::WsSession& s, const std::string& text);
  void trade_locked(SimOrder& o, Decimal qty, Decimal price, bool maker, std::int64_t now,
                    std::vector<SimTrade>* out);
  void release_locked(SimOrder& o);
  void fire_triggers_locked(const std::string& symbol, Decimal price, std::int64_t now);
  void push_execution_locked(const SimOrder& o, const SimTrade* trade, const std::string& exec);
  void push_account_locked(const std::vector<std::string>& assets, std::int64_t now);
  std::int64_t now_locked() const;
  SimOrder* find_order_locked(const std::string& symbol, const std::string& order_id);

  SimOptions options_;
  std::unique_ptr<testsupport::HttpServer> http_;
  std::unique_ptr<testsupport::WsServer> ws_;
  mutable std::mutex mu_;
  std::map<std::string, SimSymbol> symbols_;
  std::map<std::string, Decimal> prices_;
  std::map<std::string, std::pair<Decimal, Decimal>> balances_;  // free, locked
  std::map<std::int64_t, SimOrder> orders_;           // by placement (not orderId: per symbol)
  std::map<std::string, std::int64_t> by_client_id_;  // → the key of orders_
  std::vector<SimTrade> trades_;
  std::map<std::string, std::vector<std::pair<Fault, int>>> faults_;
  std::map<std::string, int> place_requests_;
  std::map<std::string, int> cancel_requests_;
  std::int64_t skew_ms_ = 0;
  std::int64_t history_start_ms_ = 0;
  std::optional<int> used_weight_header_;
  int weight_this_minute_ = 0;
  int not_found_first_ = 0;
  int order_queries_ = 0;
  int bad_signatures_ = 0;
  int time_rejections_ = 0;
  std::int64_t next_order_id_ = 1000;
  std::map<std::string, std::int64_t> next_order_id_of_;  // order_ids_per_symbol
  std::int64_t next_order_key_ = 0;
  // Binance numbers trades per symbol: BTCUSDT and ETHUSDT both have a trade 500.
  std::map<std::string, std::int64_t> next_trade_id_;
  std::vector<std::shared_ptr<testsupport::WsSession>> subscribers_;
};

// OpenSSL one-shot HMAC-SHA256 as lower-case hex (the simulator's own implementation).
[[nodiscard]] std::string hmac_sha256_hex(const std::string& key, const std::string& message);

}  // namespace nzeza::sim::binance

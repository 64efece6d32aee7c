#pragma once
// KrakenSim: a loopback Kraken spot venue for tests (REST /0/public + /0/private, and the v2
// private WebSocket `executions` channel), with the project's own data.
//
// It VERIFIES every private request independently of nzeza's signer: API-Key must be the
// configured key, API-Sign is recomputed here with OpenSSL's one-shot SHA256() and HMAC()
// (EVP_sha512) over path || SHA256(nonce || body), and the nonce in the body must be strictly
// above the last one seen for that key (else "EAPI:Invalid nonce", as Kraken answers).
//
// State: asset pairs, balances (balance + hold_trade), orders (open/closed/canceled/expired),
// trades; AddOrder honours cl_ord_id, deadline ("EService:Deadline elapsed" after it), ordermin,
// funds ("EOrder:Insufficient funds"); market orders fill at the pair's market price; limit
// orders rest until fill() is called. The dead-man switch (CancelAllOrdersAfter) cancels every
// open order when tick() runs at or after its trigger time.
//
// Faults, scripted per method name ("AddOrder", "Balance" is BalanceEx...): a Kraken error array,
// any HTTP status with headers/body, hold (no answer until release_held()), malformed JSON,
// truncated body, TCP reset — each optionally AFTER executing the request (a place that rested
// but whose answer never arrived). Requests are counted per order id as they arrive
// (add_order_requests, cancel_requests), so a test can prove a request was never sent twice.
// not_found_first(n): the next n status queries (QueryOrders, OpenOrders/ClosedOrders filtered by
// cl_ord_id) answer "not found", as a lagging venue does.
//
// OHLC (GET /0/public/OHLC?pair=..&interval=<minutes>[&since=..]): our own deterministic candles
// (sim/sim_candles.hpp, around the pair's market price, on its tick) in Kraken's shape: under the
// pair's REST key, [time, open, high, low, close, vwap, volume, count] oldest first, the last 720
// entries of which the LAST is the current, not yet committed interval (always present, as Kraken
// documents), and "last" the newest committed time. Nothing before set_history_start() exists.
//
// Threading: thread-safe (one mutex); the HTTP and WS servers run their own threads.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "core/time.hpp"
#include "support/http_server.hpp"
#include "support/ws_server.hpp"

namespace nzeza::testsupport::kraken {

struct KrakenSimOptions {
  std::string api_key = "sim-key";
  std::string api_secret_b64;  // base64 secret; required
  bool tls = false;
  // The venue's clock (deadline checks, opentm, Time): system time when empty.
  std::function<Timestamp()> now;
};

struct SimPair {
  std::string key = "XXBTZUSD";
  std::string altname = "XBTUSD";
  std::string wsname = "XBT/USD";
  std::string base = "XXBT";
  std::string quote = "ZUSD";
  std::string tick_size = "0.1";
  int pair_decimals = 1;
  int lot_decimals = 8;
  std::string ordermin = "0.0001";
  std::string costmin = "0.5";
  std::string status = "online";
  std::string v2_symbol = "BTC/USD";  // what the WS v2 executions channel calls it
  Decimal market_price = Decimal::from_integer(50'000);
};

enum class SimFaultKind : std::uint8_t {
  venue_error,  // HTTP 200 {"error":[text],"result":{}}
  http_status,  // status + headers + body
  hold,         // no answer until release_held()
  malformed,    // HTTP 200, body that is not JSON
  truncated,    // HTTP 200, Content-Length announced, body cut
  reset         // TCP reset instead of an answer
};

struct SimFault {
  SimFaultKind kind = SimFaultKind::venue_error;
  std::string text;  // venue_error: the error string; http_status: the body
  unsigned status = 500;
  std::vector<std::pair<std::string, std::string>> headers;
  bool execute_first = false;  // apply the request's effect, then fail the answer
};

struct SimOrder {
  std::string txid;
  std::string cl_ord_id;
  std::string pair;  // key
  std::string side;  // buy / sell
  std::string ordertype;
  Decimal price;
  Decimal vol;
  Decimal vol_exec;
  Decimal cost;
  Decimal fee;
  std::string status = "open";  // open, closed, canceled, expired
  std::string oflags;
  std::string timeinforce = "GTC";
  Timestamp opentm;
  Timestamp closetm;
};

struct SimTrade {
  std::string id;
  std::string ordertxid;
  std::string pair;
  std::string side;
  Decimal price;
  Decimal vol;
  Decimal cost;
  Decimal fee;
  bool maker = false;
  Timestamp time;
};

struct SimStats {
  std::uint64_t private_requests = 0;
  std::uint64_t bad_signatures = 0;
  std::uint64_t bad_keys = 0;
  std::uint64_t bad_nonces = 0;
  std::uint64_t add_orders = 0;  // AddOrder requests that passed authentication
  std::uint64_t status_queries = 0;
};

class KrakenSim {
 public:
  explicit KrakenSim(KrakenSimOptions options);
  ~KrakenSim();
  KrakenSim(const KrakenSim&) = delete;
  KrakenSim& operator=(const KrakenSim&) = delete;

  [[nodiscard]] std::string base_url() const;  // http(s)://127.0.0.1:<port>
  [[nodiscard]] std::string ws_url() const;    // ws(s)://127.0.0.1:<port>/v2

  void add_pair(SimPair pair);
  void set_balance(const std::string& asset, Decimal balance, Decimal hold = Decimal::zero());
  void set_server_time(std::int64_t unixtime);  // Time answers this instead of now()
  // The first OHLC entry of every pair starts at or after this time (unix seconds; default 0).
  void set_history_start(std::int64_t unixtime);

  void fail_next(const std::string& method, SimFault fault, int times = 1);
  void not_found_first(int n);
  void release_held();
  [[nodiscard]] std::size_t held() const;

  // Fills `qty` of an open order at `price`; pushes the WS execution. false when not open.
  bool fill(const std::string& txid, Decimal qty, Decimal price, bool maker = true);
  // Runs the dead-man switch check at now().
  void tick();

  [[nodiscard]] std::optional<SimOrder> order(const std::string& txid) const;
  [[nodiscard]] std::optional<SimOrder> order_by_client_id(const std::string& cl_ord_id) const;
  [[nodiscard]] std::vector<SimOrder> orders() const;
  [[nodiscard]] SimStats stats() const;
  [[nodiscard]] std::uint64_t last_nonce() const;
  [[nodiscard]] std::optional<Timestamp> dead_man_trigger() const;
  [[nodiscard]] std::vector<HttpSeen> requests() const;
  // Successful executions subscriptions so far (all connections).
  [[nodiscard]] std::size_t ws_subscriptions() const;
  // Closes every private WebSocket connection (close frame 1001, as a venue restart does).
  void drop_private_connections();
  // Authenticated AddOrder requests that carried this cl_ord_id, whatever answered them.
  [[nodiscard]] std::uint64_t add_order_requests(const std::string& cl_ord_id) const;
  // Authenticated CancelOrder requests naming this id (txid, or cl_ord_id when no txid).
  [[nodiscard]] std::uint64_t cancel_requests(const std::string& id) const;
  // Books a resting limit order directly (placed elsewhere: another program, the web UI), on
  // any pair, also one the client under test has not loaded. Pushes its execution. Its txid.
  std::string book_order(const std::string& pair_key, const std::string& side, Decimal vol,
                         Decimal price, const std::string& cl_ord_id = {});
  // Issued WS tokens (GetWebSocketsToken).
  [[nodiscard]] std::size_t tokens_issued() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// Independent verification helper (also used by the standalone server): base64 of
// HMAC-SHA512(secret, path || SHA256(nonce || body)) with OpenSSL one-shot calls.
[[nodiscard]] std::string sim_api_sign(const std::string& secret_b64, const std::string& path,
                                       const std::string& nonce, const std::string& body);

}  // namespace nzeza::testsupport::kraken

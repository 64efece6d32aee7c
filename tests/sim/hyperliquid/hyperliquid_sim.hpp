#pragma once
// HyperliquidSim: a loopback Hyperliquid perpetuals venue (POST /exchange, POST /info) for the
// client's integration tests and the `nzeza order` CLI tests, with the project's own data.
//
// Every /exchange request is checked as the venue does, with the simulator's own code
// (verifier.hpp: its own keccak, msgpack and EIP-712, secp256k1_ecdsa_recover): the recovered
// signer must be a registered account or an agent of one (else the venue's "User or API Wallet
// 0x... does not exist."), its nonce must not have been used before by that signer and must lie
// in (now - 2 days, now + 1 day), and an action past its expiresAfter is refused.
// Matching: each asset has a mark price; a limit that crosses it fills at once at the mark
// (taker), otherwise rests (Gtc), is refused (Ioc: "Order could not immediately match...") or
// refused as post-only (Alo: "Post only order would have immediately matched..."); moving the
// mark through a resting order fills it at its limit (maker). Per-item checks use the docs'
// texts: tick ("Price must be divisible by tick size. asset=N"), $10 minimum, insufficient margin
// (price x size / leverage above withdrawable), reduce-only.
// Scriptable: faults on the next matching request (any HTTP status and body, reset, close,
// truncate, garbage, hold — optionally AFTER processing it, so a timed-out order really rests,
// a cancel whose answer is lost really cancelled), per-cloid counts of place and cancel requests,
// per-item errors for the next orders, "unknownOid" for the next N orderStatus queries.
//
// Private WebSocket: orderUpdates and userFills per user (ws_url()).
// Threading: the handler runs on the server thread under one mutex; the setters are thread-safe.

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

namespace nzeza::sim::hyperliquid {

struct SimAsset {
  std::string name;  // coin, e.g. "BTC"
  int sz_decimals = 5;
  Decimal mark;
  std::uint32_t max_leverage = 50;
};

struct SimOptions {
  bool tls = false;
  bool mainnet = true;         // expected phantom-agent source: "a" (else "b")
  bool auto_register = false;  // any valid signer gets an account with initial_usdc
  Decimal initial_usdc = Decimal::from_integer(100000);
  Decimal leverage = Decimal::from_integer(10);
  // The venue's clock in ms (nonce window, expiresAfter, timestamps, Date header); default:
  // the system clock.
  std::function<std::int64_t()> now_ms;
};

struct SimFault {
  // Which request: "" any, "exchange", "info", "info:<type>" (e.g. "info:orderStatus"),
  // "exchange:<action type>" (e.g. "exchange:order").
  std::string match;
  // false: answer `reply` without processing; true: process normally, then answer with `reply`'s
  // fault (hold, reset, truncate...) — and its status/body when reply.body is not empty.
  bool process = false;
  testsupport::HttpReply reply;
};

struct SimOrder {
  std::uint64_t oid = 0;
  std::string coin;
  std::uint32_t asset = 0;
  bool is_buy = true;
  Decimal limit_px;
  Decimal orig_sz;
  Decimal sz;  // remaining
  std::string cloid;
  std::string tif;  // "Gtc", "Ioc", "Alo", or "" for a trigger order
  bool reduce_only = false;
  bool trigger = false;
  Decimal trigger_px;     // trigger orders: the mark that fires them
  std::string tpsl;       // trigger orders: "sl" or "tp"
  bool is_market = true;  // trigger orders: filled at the mark when fired (else at limit_px)
  std::string status;     // open, filled, canceled, scheduledCancel, ...
  std::int64_t timestamp = 0;
  std::int64_t status_timestamp = 0;
};

struct SimFill {
  std::string coin;
  Decimal px;
  Decimal sz;
  bool is_buy = true;
  std::int64_t time = 0;
  std::uint64_t oid = 0;
  std::uint64_t tid = 0;
  bool crossed = true;
  Decimal fee;
  std::string cloid;
};

// One candle of candleSnapshot, its prices and volume as the wire text the sim sends.
struct SimCandle {
  std::int64_t t = 0;  // start, ms
  std::string open;
  std::string high;
  std::string low;
  std::string close;
  std::string volume;
  std::uint64_t trades = 0;
};

class HyperliquidSim {
 public:
  explicit HyperliquidSim(SimOptions options = {});
  ~HyperliquidSim();
  HyperliquidSim(const HyperliquidSim&) = delete;
  HyperliquidSim& operator=(const HyperliquidSim&) = delete;

  [[nodiscard]] std::string base_url() const;
  // The user WebSocket ("ws://127.0.0.1:<port>/ws"): subscribe orderUpdates / userFills with
  // {"method":"subscribe","subscription":{"type":..,"user":..}}; {"method":"ping"} → pong. Every
  // order state change and fill of that user is pushed; userFills starts with an isSnapshot
  // message of the user's fills.
  [[nodiscard]] std::string ws_url() const;
  [[nodiscard]] testsupport::WsServer& ws_server() noexcept { return *ws_; }
  // Subscriptions currently registered (all sessions).
  [[nodiscard]] std::size_t ws_subscriptions() const;
  [[nodiscard]] testsupport::HttpServer& server() noexcept { return *server_; }

  // Asset index = order of addition (as in meta.universe).
  void add_asset(SimAsset asset);
  // Moves the mark; resting orders it crosses fill at their limit (maker). Trigger orders it
  // reaches fire as the venue's do: a stop-loss when the mark falls to (sell) or rises to (buy)
  // its triggerPx, a take-profit the other way; a market trigger fills at the mark (taker), a
  // reduce-only one that would no longer reduce the position is cancelled instead.
  void set_mark(const std::string& coin, Decimal mark);
  // The account's position on `coin` (signed size, entry price); nullopt when flat.
  [[nodiscard]] std::optional<std::pair<Decimal, Decimal>> position(const std::string& account,
                                                                    const std::string& coin) const;
  void add_account(const std::string& address, Decimal usdc);
  void add_agent(const std::string& agent, const std::string& account);

  // Account state the client did not create (an order, a fill, a position on any coin — one
  // the meta does not list, such as a spot "@107" pair, included), pushed on the user stream like
  // the venue's own. inject_order gives the order an oid when it has none and returns it.
  std::uint64_t inject_order(const std::string& account, SimOrder order);
  void inject_fill(const std::string& account, SimFill fill);
  void inject_position(const std::string& account, const std::string& coin, Decimal szi,
                       Decimal entry);

  // candleSnapshot {"req":{coin, interval, startTime, endTime}} answers the candles of the coin
  // at that interval whose t lies in [startTime, endTime], oldest first, at most the 5000 most
  // recent, as {t, T, s, i, o, c, h, l, v, n} (T = t + interval - 1 ms). Unless set_candles gave
  // a series, every interval up to the sim's now has one (the last still open), made from the
  // coin's mark and t alone: generated_candle(). An interval the venue does not publish is a
  // 422; a coin it does not list answers [].
  void set_candles(const std::string& coin, const std::string& interval,
                   std::vector<SimCandle> candles);
  [[nodiscard]] static SimCandle generated_candle(Decimal mark, std::int64_t t,
                                                  std::int64_t interval_ms);

  // userFillsByTime answers at most `n` fills, the oldest from startTime first (the venue caps
  // an answer; 0: no cap, the default).
  void set_fills_page(std::size_t n);

  void push_fault(SimFault fault);
  // The next orders get {"error": text} as their status item (one text per order).
  void reject_next_orders(std::vector<std::string> texts);
  // The next n orderStatus queries answer {"status":"unknownOid"} (a lagging venue).
  void unknown_oid_for_next(int n);
  void release_held();
  void stop();

  // Inspection.
  [[nodiscard]] std::size_t exchange_requests() const;
  // /exchange order requests that carried this cloid (counted on arrival, faults included).
  [[nodiscard]] std::size_t place_requests(const std::string& cloid) const;
  // /exchange cancel requests for this oid (decimal text) or cloid (cancelByCloid).
  [[nodiscard]] std::size_t cancel_requests(const std::string& oid_or_cloid) const;
  [[nodiscard]] std::size_t accepted_actions() const;
  [[nodiscard]] std::vector<std::string> refusals() const;  // top-level "err" texts sent
  [[nodiscard]] std::vector<SimOrder> orders(const std::string& account) const;
  [[nodiscard]] std::vector<SimFill> fills(const std::string& account) const;
  [[nodiscard]] std::string last_signer() const;
  [[nodiscard]] std::optional<std::int64_t> dead_man_time(const std::string& account) const;
  [[nodiscard]] std::vector<std::uint64_t> nonces(const std::string& signer) const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  std::unique_ptr<testsupport::HttpServer> server_;
  std::unique_ptr<testsupport::WsServer> ws_;
};

}  // namespace nzeza::sim::hyperliquid

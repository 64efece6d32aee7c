#pragma once
// DydxSim: a loopback dYdX v4 node REST gateway + Indexer REST API, with the project's own data,
// for the client's integration tests and the `nzeza order` CLI tests.
//
// Node:    GET  /cosmos/base/tendermint/v1beta1/node_info      {"default_node_info":{"network"}}
//          GET  /cosmos/auth/v1beta1/accounts/{address}        account_number, sequence
//          POST /cosmos/tx/v1beta1/txs  {"tx_bytes","mode"}    -> {"tx_response":{code,...}}
// Indexer: GET /v4/height, /v4/time, /v4/perpetualMarkets, /v4/orders?address&subaccountNumber
//          [&status], /v4/fills?address&subaccountNumber, /v4/addresses/{a}/subaccountNumber/{n},
//          /v4/candles/perpetualMarkets/{ticker} (set_candles)
//
// Every broadcast is checked as the chain's ante handler and CheckTx would (verifier.hpp, its own
// code): one message, SIGN_MODE_DIRECT, a low-S signature that recovers to the declared key over
// the SignDoc with the sim's chain id and the account's number, the owner's address equal to
// RIPEMD160(SHA256(key)); stateful orders and cancels must carry the account's sequence
// ("sdk" 32 "account sequence mismatch, expected N, got M: incorrect account sequence") and bump
// it; short-term orders need height < good_til_block <= height + 20 ("clob" 10 / 11); quantums
// and subticks must be multiples of the market's step / tick ("clob" 4 / 6); a stateful cancel of
// an unknown order is "clob" 3006, an unknown clob pair "clob" 8. The signature failure is "sdk" 4.
// The subaccount's openPerpetualPositions are the net of the sim's fills per market.
// Matching: each market has an oracle price; a buy at or above it (a sell at or below) fills in
// full at the oracle price (taker); IOC/FOK that do not fill are CANCELED; the rest is OPEN.
// advance_blocks() moves the height; short-term orders whose good_til_block has passed leave the
// book as CANCELED (unfilled expiry).
// WebSocket: the Indexer's v4_subaccounts channel (see ws_url()).
// Scriptable: HTTP faults on the next matching request (optionally after processing, so a
// timed-out order really rests), a tx code for the next broadcasts, an empty /v4/orders answer
// for the next N queries (a lagging Indexer), an external sequence bump.
// Threading: the handler runs on the server thread under one mutex; the setters are thread-safe.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/decimal.hpp"
#include "support/http_server.hpp"
#include "support/ws_server.hpp"

namespace nzeza::sim::dydx {

struct SimMarket {
  std::string ticker;  // "BTC-USD"
  std::uint32_t clob_pair_id = 0;
  int atomic_resolution = -10;
  int quantum_conversion_exponent = -9;
  std::uint64_t step_base_quantums = 1'000'000;
  std::uint64_t subticks_per_tick = 100'000;
  std::string tick_size = "1";
  std::string step_size = "0.0001";
  Decimal oracle_price;
};

struct SimOptions {
  bool tls = false;
  std::string chain_id = "dydx-testnet-4";
  std::uint32_t start_height = 1'000'000;
  // Venue clock in ms (good_til_block_time checks, timestamps); default: the system clock.
  std::function<std::int64_t()> now_ms;
};

struct SimFault {
  // "" any, "broadcast", "account", "node_info", or an Indexer path prefix ("/v4/orders").
  std::string match;
  bool process = false;  // process the request, then answer with `reply` (fault and/or body)
  testsupport::HttpReply reply;
};

struct SimTxError {
  std::string codespace;  // "sdk", "clob"
  std::uint32_t code = 0;
  std::string raw_log;
};

struct SimOrder {
  std::string id;  // indexer order id
  std::string owner;
  std::uint32_t subaccount_number = 0;
  std::uint32_t client_id = 0;
  std::uint32_t order_flags = 0;
  std::uint32_t clob_pair_id = 0;
  std::string ticker;
  bool buy = true;
  std::uint64_t quantums = 0;
  std::uint64_t subticks = 0;
  std::uint32_t good_til_block = 0;
  std::uint32_t good_til_block_time = 0;
  int time_in_force = 0;
  bool reduce_only = false;
  std::uint64_t filled_quantums = 0;
  std::string status;  // OPEN, FILLED, CANCELED
  std::uint32_t created_height = 0;
};

// One Indexer candle, its prices and volumes as the wire text the sim sends.
struct SimCandle {
  std::int64_t started_at_ms = 0;
  std::string open;
  std::string high;
  std::string low;
  std::string close;
  std::string base_volume;  // baseTokenVolume
  std::string usd_volume;   // usdVolume
  int trades = 0;
};

class DydxSim {
 public:
  explicit DydxSim(SimOptions options = {});
  ~DydxSim();
  DydxSim(const DydxSim&) = delete;
  DydxSim& operator=(const DydxSim&) = delete;

  [[nodiscard]] std::string base_url() const;
  [[nodiscard]] testsupport::HttpServer& server() noexcept { return *server_; }
  // The Indexer WebSocket ("ws://127.0.0.1:<port>/v4/ws"): `connected` on connect; a
  // v4_subaccounts subscribe gets `subscribed` with the subaccount's open orders, then a
  // `channel_data` {orders, fills} after every change of one of its orders.
  [[nodiscard]] std::string ws_url() const;
  [[nodiscard]] testsupport::WsServer& ws_server() noexcept { return *ws_; }
  [[nodiscard]] std::size_t ws_subscriptions() const;

  void add_market(SimMarket market);
  void set_oracle_price(const std::string& ticker, Decimal price);
  // An account with that address, number and USDC collateral (sequence 0). Unknown owners are
  // refused like the chain refuses an account that does not exist.
  void add_account(const std::string& address, std::uint64_t account_number, Decimal usdc);
  // Another sender used the account: its sequence moves on by `n`.
  void bump_sequence(const std::string& address, std::uint64_t n = 1);
  void advance_blocks(std::uint32_t n);
  void push_fault(SimFault fault);
  void fail_next_broadcasts(std::vector<SimTxError> errors);
  void empty_orders_for_next(int n);
  // GET /v4/candles/perpetualMarkets/{ticker}?resolution&limit[&fromISO][&toISO], as the Indexer:
  // the candles with fromISO <= startedAt < toISO, NEWEST first, at most `limit` (1..max_limit,
  // default max_limit; beyond it a 400 "limit must be a positive integer that is not greater
  // than max: N"), {"candles":[{startedAt, ticker, resolution, low, high, open, close,
  // baseTokenVolume, usdVolume, trades, startingOpenInterest, orderbookMidPriceOpen,
  // orderbookMidPriceClose}]}. An unknown resolution or ticker is a 400 {"errors":[{msg}]}.
  // Unless set_candles gave a series, every interval up to the sim's now has a candle (the last
  // still open), made from the market's oracle price and startedAt alone (generated_candle():
  // one interval in 11 has no trade and is flat at the previous close, as the Indexer's).
  void set_candles(const std::string& ticker, const std::string& resolution,
                   std::vector<SimCandle> candles);
  void set_candles_max_limit(std::size_t n);
  [[nodiscard]] static SimCandle generated_candle(Decimal oracle, std::int64_t started_at_ms,
                                                  std::int64_t resolution_ms);
  [[nodiscard]] std::size_t candle_requests() const;
  void release_held();
  void stop();

  [[nodiscard]] std::uint32_t height() const;
  [[nodiscard]] std::uint64_t sequence(const std::string& address) const;
  [[nodiscard]] std::vector<SimOrder> orders() const;
  [[nodiscard]] std::size_t broadcasts() const;  // tx POSTs received, scripted faults included
  // Broadcasts carrying a MsgPlaceOrder / MsgCancelOrder for that client id (every POST whose tx
  // decodes, scripted faults included, whatever the checks then answer).
  [[nodiscard]] std::size_t place_broadcasts(std::uint32_t client_id) const;
  [[nodiscard]] std::size_t cancel_broadcasts(std::uint32_t client_id) const;
  [[nodiscard]] std::size_t accepted_txs() const;  // code 0 answers
  [[nodiscard]] std::size_t verified_signatures() const;
  [[nodiscard]] std::vector<std::string> tx_errors() const;  // "<codespace>:<code> <log>"

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  std::unique_ptr<testsupport::HttpServer> server_;
  std::unique_ptr<testsupport::WsServer> ws_;
};

}  // namespace nzeza::sim::dydx

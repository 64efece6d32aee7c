#pragma once
// DydxClient: the VenueClient for dYdX v4 perpetuals. Orders are Cosmos transactions signed here
// (transaction.hpp) and broadcast to a full node's REST gateway; reads go to the Indexer REST API.
//
// Orders
//   limit IOC / FOK            -> short-term order (flags 0), good_til_block = height + 20, the
//                                 height read from the Indexer (/v4/height) just before signing;
//   limit GTC / post-only      -> long-term order (flags 64), good_til_block_time = now +
//                                 long_term_lifetime (<= 95 days), checked by account sequence;
//                                 with config.short_term_limits, GTC/post-only go short-term too.
//   market / stop / take-profit are refused before sending (invalid_argument): dYdX has no true
//   market order (the official client sends an IOC limit at a protective price — do that).
//   Size and price become quantums/subticks EXACTLY (quantums.hpp) from the instrument's dYdX
//   metadata (load_instruments fills it); a value off the step/tick is refused (precision).
//   client_order_id.text is the decimal uint32 client id (ClientIdCodec's dYdX form).
// Broadcast
//   POST <node>/cosmos/tx/v1beta1/txs {"tx_bytes": base64(TxRaw), "mode": "BROADCAST_MODE_SYNC"}
//   and tx_response.code checked: 0 accepted; "sdk" 19 (the identical tx is already in the
//   mempool) accepted; a code listed in docs/errors/dydx.md (CheckTx refused it, nothing placed
//   or cancelled) is a refusal with venue_code "<codespace>:<code>" and venue_text the raw_log
//   verbatim — "sdk" 32 (account sequence mismatch) first re-reads the account from
//   /cosmos/auth/v1beta1/accounts/{address}, re-signs with the node's sequence and sends ONCE
//   more; any other code is an OUTCOME UNKNOWN (dYdX's CheckTx can match a short-term order in
//   the node's book before a later check fails).
//   Stateful txs are sent one at a time per client (the next is signed once the previous one is
//   answered), as the chain's sequence check requires.
//   The sequence is tracked locally: a stateful tx reserves the next one when it is signed (so
//   concurrent stateful orders do not collide) and gives it back when CheckTx refuses the tx
//   (unless a later tx already took the next one: the mismatch path heals it). The chain id is read
//   from /cosmos/base/tendermint/v1beta1/node_info when the config leaves it empty.
// Unknown outcomes: every transport failure after the first byte of the broadcast (reset, EOF,
//   deadline, cut or unreadable answer, 5xx) keeps net::HttpClient's Error::delivery and
//   classifies outcome_unknown; such a tx is never re-signed or re-sent (the sequence-mismatch
//   retry follows only a complete answer with "sdk" 32). A failure before the tx was written
//   (height, account or chain id read, the cancel's order lookup, our limiter) is
//   Delivery::not_sent. Messages of place/cancel failures name the client order id.
// Nothing dropped: orders, fills and positions of a market the client has not loaded are listed
//   with an invalid instrument and the venue's ticker in venue_symbol (set on every item).
// Reads (Indexer): /v4/perpetualMarkets, /v4/height, /v4/time, /v4/orders (by address and
//   subaccount; an order is found by its client id), /v4/fills, /v4/addresses/{a}/
//   subaccountNumber/{n} (USDC equity/free collateral, open perpetual positions),
//   /v4/candles/perpetualMarkets/{ticker} (closed candles only, oldest first).
// Resolution: a place whose outcome is unknown is found by client id in /v4/orders; a
//   short-term order the Indexer does not know once the height has passed its good_til_block
//   can never execute: order_status answers it as expired.
// Rate limits: Indexer 100 requests / 10 s per IP; stateful orders 2 per block and 20 per 100
//   blocks per account; short-term orders and cancels 4000 per 5 blocks (node block_rate config).
// Threading: calls are thread-safe; callbacks run on the NetContext thread, the clock's firing
// thread (rate-limit waits), or inside the call for refusals decided before sending.
// Destroying the client completes queued calls (rate-limit waits, stateful txs waiting their
// turn) with ErrorCode::cancelled at once (rate-limit waits as Delivery::not_sent); a request
// already on the wire completes with its HTTP outcome, at the latest when its deadline passes (then
// ErrorCode::timeout). Private stream: with config.ws_url, the Indexer's v4_subaccounts channel for
// our subaccount (subaccount_stream.hpp); started by the caller through private_stream()->start().

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/http_client.hpp"
#include "net/net_context.hpp"
#include "net/rate_limiter.hpp"
#include "venues/dydx/transaction.hpp"
#include "venues/dydx/wallet.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::venues::dydx {

inline constexpr std::string_view kMainnetIndexerUrl = "https://indexer.dydx.trade";

struct DydxClientConfig {
  std::string node_url;     // full node REST gateway (Cosmos LCD), no trailing slash
  std::string indexer_url;  // Indexer REST, e.g. https://indexer.dydx.trade
  std::string chain_id;     // empty: read from the node (node_info.network)
  std::string ws_url;       // Indexer WebSocket (v4_subaccounts); empty: no private stream
  std::uint32_t subaccount_number = 0;
  std::uint32_t short_term_blocks = kShortBlockWindow;  // good_til_block = height + this (<= 20)
  Duration long_term_lifetime = std::chrono::hours(24 * 28);
  Duration stateful_cancel_lifetime = std::chrono::seconds(120);
  bool short_term_limits = false;  // GTC/post-only limits as short-term orders
  std::vector<FeeCoin> fee;        // empty: fee-free (what short-term orders pay)
  std::uint64_t gas_limit = kDefaultGasLimit;
  Duration block_time = std::chrono::milliseconds(1500);  // conservative; ~1.1 s on mainnet
  Duration request_timeout = std::chrono::seconds(10);
  net::TlsConfig tls;
  std::vector<std::string> symbols;  // tickers load_instruments answers; empty: all
  // Rate-limit buckets; empty: default_rate_buckets() (the venue's documented limits).
  std::vector<net::BucketConfig> rate_buckets;
};

[[nodiscard]] std::vector<net::BucketConfig> default_rate_buckets();

class DydxClient final : public VenueClient {
 public:
  // `net`, `clock`, `registry` must outlive the client.
  DydxClient(net::NetContext& net, Clock& clock, const InstrumentRegistry& registry, Wallet wallet,
             DydxClientConfig config);
  ~DydxClient() override;

  [[nodiscard]] Venue venue() const noexcept override { return Venue::dydx; }
  // request_validity(): window = short_term_blocks x block_time (a short-term order dies with
  // its good_til_block). A stateful order is bounded by its sequence instead: once a
  // later-sequence tx of ours is accepted, an earlier one can never execute.
  NZEZA_VENUE_CLIENT_OVERRIDES
  NZEZA_VENUE_OVERRIDE(positions)
  // Indexer candles of the last `count` closed intervals [floor(now) - count x interval,
  // floor(now)) of the market: 1m 5m 15m 30m 1h 4h 1d (1MIN ... 1DAY); count <= 1000, read in
  // pages of 100 newest first (fromISO/toISO/limit). Fewer when the Indexer has no candle for
  // some intervals (a young market).
  NZEZA_VENUE_OVERRIDE(candles)

  [[nodiscard]] const std::string& address() const noexcept;
  // The locally tracked account sequence (nullopt before the first account read).
  [[nodiscard]] std::optional<std::uint64_t> sequence() const;
  [[nodiscard]] net::RateLimiter& rate_limiter() noexcept { return *limiter_; }
  [[nodiscard]] PrivateStream* private_stream() noexcept override;

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::unique_ptr<net::RateLimiter> limiter_;
  std::unique_ptr<PrivateStream> stream_;
};

}  // namespace nzeza::venues::dydx

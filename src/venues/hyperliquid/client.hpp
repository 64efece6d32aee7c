#pragma once
// HyperliquidClient: the VenueClient for Hyperliquid perpetuals over its REST API
// (POST /exchange for signed actions, POST /info for reads), on net::HttpClient.
//
// Orders
//   limit GTC / IOC / post-only (Alo); stop, take_profit (trigger, market on trigger: the limit
//   price is the trigger price moved 5% against us, the SDK's slippage, rounded adversely to the
//   price rule) and stop_limit (trigger, limit at the given price); reduce-only; every order
//   carries its client id as `cloid` ("0x" + 32 hex, ClientIdCodec's Hyperliquid form).
//   Market orders and FOK do not exist at Hyperliquid: refused before sending (invalid_argument)
//   — send an IOC limit at a protective price instead. Prices and sizes are sent as given
//   (round them with the precision guard first): an invalid price gets the venue's per-item
//   "Price must be divisible by tick size." rejection.
// Answers
//   The top-level "status":"err" is a rejection with the venue's text. Under "status":"ok",
//   each item of response.data.statuses is read on its own: {"error":"..."} is a rejection
//   (venue_text verbatim, venue_code the docs' error type: "Tick", "PerpMargin"...;
//   insufficient margin/balance → insufficient_balance), {"resting":{oid}} an open order,
//   {"filled":{totalSz,avgPx,oid}} a filled order — its fills are then read from
//   userFillsByTime (real trade ids) and attached to the PlaceAck; if that read fails the ack
//   still reports the cumulative fill, "waitingForTrigger" an open trigger order.
// Failures keep how far the request got (Error::delivery, set by net::HttpClient): a reset, a
//   deadline, a cut or unreadable answer and any HTTP 5xx after the request was written are
//   outcome unknown — Hyperliquid documents no 5xx meaning "not processed" (docs/errors/
//   hyperliquid.md). Only the answers above (top-level "err", a per-item "error") are refusals.
//   place/cancel errors name the client order id. Answers are read by rest_codec.hpp (no I/O).
// Unknown outcomes and validity
//   Every action is signed with a strictly increasing ms nonce (Signer::next_nonce) and, unless
//   disabled, `expiresAfter` = now + expires_after: the venue refuses it after that, so
//   request_validity().window = expires_after. Without expiresAfter the only bound is the
//   venue's nonce window (T - 2 days): the window is then 2 days, documented and conservative.
// Reads
//   meta → Instruments (perpetuals, canonical "<COIN>-USDC", asset index, szDecimals, price rule
//   hyperliquid_sigfig, lot 10^-szDecimals, min notional $10); openOrders; orderStatus by oid or
//   cloid (unknownOid → not_found); userFillsByTime; clearinghouseState → USDC balance (total =
//   accountValue, available = withdrawable) and positions. Orders, fills and positions on coins
//   not loaded (spot "@N", perps outside `symbols`) are listed with an invalid instrument and the
//   coin in venue_symbol, never dropped; cancel_all leaves them (no asset index to cancel with).
//   Queries use account_address (the master or sub-account) when set, else the signer's address.
//   candles: candleSnapshot (weight 20 + 1 per 60 candles), closed candles only, oldest first.
//   server_time: Hyperliquid has no time endpoint; the HTTP Date header of a cheap info request
//   (allMids, weight 2) is used — 1 s resolution.
// Rate limits (docs, rate-limits page): 1200 weight/min per IP (capacity 1200, refill 20/s):
//   an action weighs 1 (+ floor(n/40) for a batch of n); l2Book/allMids/clearinghouseState/
//   orderStatus weigh 2; other info requests 20. Per address: an initial buffer of 10000
//   requests, then 1 per 10 s when no volume is traded (refill 0.1/s: the floor). A 429 holds
//   every request for Retry-After (10 s when absent). No 418 exists at Hyperliquid.
// Private stream: with ws_url set, private_stream() is a HyperliquidUserStream (orderUpdates and
// userFills for the queried account, user_stream.hpp).
// Threading: all calls thread-safe; callbacks run on the NetContext thread or the clock's
// firing thread (a rate-limit wait), or inside the call for refusals decided before sending.
// Destroying the client cancels pending calls (they complete with ErrorCode::cancelled).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/http_client.hpp"
#include "net/net_context.hpp"
#include "net/rate_limiter.hpp"
#include "venues/hyperliquid/signer.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::venues::hyperliquid {

inline constexpr std::string_view kMainnetUrl = "https://api.hyperliquid.xyz";
inline constexpr std::string_view kTestnetUrl = "https://api.hyperliquid-testnet.xyz";

struct HyperliquidClientConfig {
  std::string base_url = std::string(kMainnetUrl);
  bool mainnet = true;  // phantom agent source "a"; false: "b" (testnet)
  // The account queried by /info (master or sub-account); empty: the signer's address.
  std::string account_address;
  // Trading on behalf of a vault or sub-account: sent as vaultAddress and hashed.
  std::optional<Address> vault_address;
  // expiresAfter = now + this on every action; zero disables it (see the header comment).
  Duration expires_after = 30s;
  Duration request_timeout = 10s;
  net::TlsConfig tls;
  // Coins to answer from load_instruments ("BTC", "ETH"); empty: all.
  std::vector<std::string> symbols;
  // Private stream (orderUpdates + userFills) URL; empty: no private stream.
  std::string ws_url;
  // How long the order query may lag the matching engine.
  Duration query_lag = 2s;
};

// The venue's documented IP and address limits (see the header comment).
[[nodiscard]] std::vector<net::BucketConfig> default_rate_buckets();

class HyperliquidClient final : public VenueClient {
 public:
  // `net`, `clock`, `registry` must outlive the client. The client owns its HTTP client and
  // rate limiter.
  HyperliquidClient(net::NetContext& net, Clock& clock, const InstrumentRegistry& registry,
                    Signer signer, HyperliquidClientConfig config);
  ~HyperliquidClient() override;

  [[nodiscard]] Venue venue() const noexcept override { return Venue::hyperliquid; }
  NZEZA_VENUE_CLIENT_OVERRIDES

  NZEZA_VENUE_OVERRIDE(set_dead_man_switch)
  NZEZA_VENUE_OVERRIDE(positions)
  // candleSnapshot for the last `count` closed intervals [floor(now) - count x interval,
  // floor(now)) of the asset: 1m 3m 5m 15m 30m 1h 2h 4h 8h 12h 1d (rest_codec.hpp says why not
  // 3d, 1w, 1M); count <= 5000 (what the venue keeps). Fewer candles than `count` when the venue
  // has none for some intervals (a young market; intervals without trades may be absent; at the
  // limit, the oldest when the venue's 5000 include the open one).
  NZEZA_VENUE_OVERRIDE(candles)

  // The orderUpdates/userFills stream when ws_url is set, else nullptr.
  [[nodiscard]] PrivateStream* private_stream() noexcept override;

  [[nodiscard]] const std::string& user_address() const noexcept { return user_; }
  [[nodiscard]] std::string signer_address() const { return signer_->address_hex(); }
  [[nodiscard]] net::RateLimiter& rate_limiter() noexcept { return *limiter_; }
  [[nodiscard]] std::uint64_t last_nonce() const noexcept { return signer_->last_nonce(); }

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::string user_;
  std::unique_ptr<Signer> signer_;
  std::unique_ptr<net::RateLimiter> limiter_;
  std::unique_ptr<PrivateStream> stream_;
};

}  // namespace nzeza::venues::hyperliquid

#pragma once
// KrakenClient: the order port (venue_client.hpp) for Kraken spot over its REST API
// (exchanges.md §2.2-2.4), plus the v2 `executions` private stream (private_stream.hpp).
//
// Requests:
//   private  POST /0/private/<Method>, form body "nonce=<n>&...", headers API-Key, API-Sign
//            (sign.hpp). Kraken refuses a nonce not above the last one it saw for the key, so this
//            client sends ONE private request at a time (a FIFO lane): the nonce order is the
//            arrival order even when keep-alive connections race. The lane advances when the
//            answer (or the timeout) arrives.
//   public   GET /0/public/AssetPairs, /0/public/Time, /0/public/OHLC.
// Kraken answers HTTP 200 with {"error":["EOrder:Insufficient funds"],"result":{}}: every
// error string is mapped by its prefix (kraken_error_code) and kept verbatim in
// Error::venue_code (the "Category:Message" prefix before any further ':' detail) and
// Error::venue_text (the whole string).
//
// No order twice: AddOrder carries cl_ord_id (the OrderSpec's client id) and `deadline` =
// now + deadline_window (RFC 3339): the engine refuses the request after that moment, so
// request_validity().window == deadline_window.
//
// Outcome unknown (see venue_error.hpp): every transport error keeps the Error::delivery the
// transport set (a reset or timeout after the write, a cut answer, an HTTP 5xx are unknown). An
// order request (AddOrder, CancelOrder, CancelAll...) answered with a Kraken error that Kraken
// does not document as "not processed" (kraken_error_proves_not_processed: EService:*, internal
// errors) is unknown too (Delivery::answer_unknown); an answer at HTTP 200 that cannot be read
// is Delivery::answer_cut. A 5xx whose body carries a documented refusal is that refusal.
// Errors of place and cancel name the client order id (cl_ord_id) so it can be asked about.
//
// Invalid nonce (EAPI:Invalid nonce: the key was used with a larger nonce elsewhere, or the
// clock stepped): Kraken checks the nonce before anything reaches the engine, so nothing was
// executed. The client raises its nonce floor to max(last, now_ms) + nonce_resync_step_ms and
// re-signs and resends the same request once (same cl_ord_id); a second refusal is
// auth_failed with the venue's text.
//
// Rate limits (RateLimiter, exchanges.md §2.4): the REST private counter (bucket REST_PRIVATE,
// capacity rest_counter_max, decay rest_counter_decay/s; most calls cost 1, TradesHistory 2;
// AddOrder/CancelOrder do not count there); the trading counter per pair (bucket TRADING,
// capacity trading_counter_max, decay 1/s; place 1, cancel 8/6/5/4/2/1/0 by the order's age,
// unknown age = 8); public calls (bucket PUBLIC, 1/s, burst public_burst). "EAPI:Rate limit
// exceeded" fills the REST counter (on_server_usage), "EService:Throttled: <unix time>" holds
// every request until then (on_retry_after), HTTP 429 with Retry-After likewise.
//
// Candle history (candles(), for the warm-up): GET /0/public/OHLC?pair=<REST key>&interval=
// <minutes>, intervals 1m 5m 15m 30m 1h 4h 1d (a week's and 15 days' candles do not start at
// multiples of their length since the epoch: not offered). Kraken keeps the last 720 entries and
// the newest is the current, not yet committed interval: at most 719 closed candles, more is
// refused with invalid_argument; no paging exists ("older data cannot be retrieved"). Parsing and
// the gap rule: rest::parse_ohlc.
//
// Threading: all methods thread-safe; callbacks run on the NetContext's thread (or the clock's
// timer thread after a rate-limit wait, or inside the call for refusals decided before
// sending). Destroying the client completes pending calls with ErrorCode::cancelled.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/http_client.hpp"
#include "net/net_context.hpp"
#include "net/rate_limiter.hpp"
#include "venues/kraken/rest_codec.hpp"
#include "venues/kraken/sign.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::venues::kraken {

inline constexpr std::string_view kDefaultRestUrl = "https://api.kraken.com";
inline constexpr std::string_view kDefaultPrivateWsUrl = "wss://ws-auth.kraken.com/v2";

struct KrakenClientConfig {
  std::string base_url = std::string(kDefaultRestUrl);
  // Private v2 WebSocket (executions); empty: ws[s]:// on base_url's host with path /v2 when
  // base_url is a local simulator, else kDefaultPrivateWsUrl.
  std::string ws_url;
  net::TlsConfig tls;
  Duration request_timeout = 10s;
  Duration deadline_window = 10s;    // AddOrder deadline = now + this, clamped to 1 .. 60 s
  Duration query_lag = 1s;           // how long QueryOrders may lag the engine
  std::vector<std::string> symbols;  // load_instruments answers these only (all when empty)
  // Rate limits (Starter tier figures).
  double rest_counter_max = 15;
  double rest_counter_decay = 0.33;
  double trading_counter_max = 60;
  double trading_counter_decay = 1.0;
  double public_burst = 10;
  double public_rate = 1.0;
  Duration max_rate_wait = 10s;
  std::uint64_t nonce_resync_step_ms = 1000;
  std::size_t fills_max_pages = 20;  // TradesHistory pages of 50 per fills_since call
};

// kraken_error_code, kraken_error_proves_not_processed, normalize_asset: rest_codec.hpp.

class KrakenPrivateStream;

class KrakenClient final : public VenueClient {
 public:
  // `net`, `clock` and `registry` must outlive the client; `signer` is shared per API key.
  KrakenClient(net::NetContext& net, Clock& clock, const InstrumentRegistry& registry,
               std::shared_ptr<KrakenKeySigner> signer, KrakenClientConfig config = {});
  ~KrakenClient() override;

  [[nodiscard]] Venue venue() const noexcept override { return Venue::kraken; }
  NZEZA_VENUE_CLIENT_OVERRIDES

  NZEZA_VENUE_OVERRIDE(set_dead_man_switch)
  NZEZA_VENUE_OVERRIDE(candles)
  [[nodiscard]] PrivateStream* private_stream() noexcept override;

  // GetWebSocketsToken: a short-lived token for the private WebSocket.
  void websockets_token(Callback<std::string> done);
  // The limiter (tests and the operator's status page read it).
  [[nodiscard]] net::RateLimiter& rest_limiter() noexcept;

  struct Core;

 private:
  std::shared_ptr<Core> core_;
  std::unique_ptr<KrakenPrivateStream> stream_;
};

}  // namespace nzeza::venues::kraken

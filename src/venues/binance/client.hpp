#pragma once
// BinanceClient: the VenueClient for Binance spot over REST (exchanges.md §1.2-1.4).
//
// Requests: every call is one (or a few) HTTP requests to base_url with the parameters in the
// query string. SIGNED endpoints carry X-MBX-APIKEY, recvWindow, timestamp (our clock plus the
// server-time offset) and the HMAC-SHA256 signature (signer.hpp).
//
// Time: the offset to Binance's clock is measured by server_time() (GET /api/v3/time: serverTime
// minus the midpoint of our send and receive times) and re-measured, then the request re-sent
// ONCE with a fresh timestamp, when the venue answers -1021 (timestamp outside recvWindow — the
// request was not executed, so re-sending with the same client order id is safe).
//
// Rate limits: a RateLimiter with Binance's documented buckets (REQUEST_WEIGHT 6000/min,
// ORDERS 50/10 s and 160000/day, RAW_REQUESTS 61000/5 min) and per-endpoint weights
// (binance_rate_limits() below). X-MBX-USED-WEIGHT-1M / X-MBX-ORDER-COUNT-10S/-1D tighten our
// buckets; 429 + Retry-After holds every request (on_retry_after); 418 stops every call until
// the ban ends (on_banned_until; Retry-After, else 2 minutes) — refused locally with `banned`.
//
// Errors keep Binance's code and text verbatim ({"code":-2010,"msg":"..."} → venue_code "-2010",
// venue_text the msg) and are classified (classify_binance_error, rest_codec.hpp). A transport
// failure keeps the transport's Error::delivery as it is (not_sent: nothing left; any later
// failure: outcome unknown). A 5xx is outcome unknown (Delivery::answer_unknown) whatever its
// body — Binance: "the execution status is UNKNOWN and could have been a success" — and so are
// -1000, -1006 and -1007 on any status; any other 4xx with a Binance code is the venue's
// refusal. docs/errors/binance.md lists each code with the doc line behind it. Every message
// of a place, cancel or status call names the order ("binance place order 'nz-1': ..."); no
// message carries the query string, the signature or the API key.
//
// Orders: LIMIT (GTC/IOC/FOK), LIMIT_MAKER (post-only), MARKET, STOP_LOSS, TAKE_PROFIT,
// STOP_LOSS_LIMIT; newClientOrderId = the spec's client id; newOrderRespType=FULL, so immediate
// fills come back in the place answer. Statuses: NEW/PENDING_NEW → open, PARTIALLY_FILLED,
// FILLED, CANCELED → cancelled, REJECTED, EXPIRED/EXPIRED_IN_MATCH → expired, PENDING_CANCEL →
// open (it may still trade). Orders and trades on symbols absent from the registry are listed
// with an invalid instrument and their venue_symbol (never dropped); open_orders(nullopt) and
// cancel_all(nullopt) cover every symbol; fills_since(nullopt) covers every loaded symbol and
// every symbol with an open order (Binance lists trades per symbol only; other trades arrive
// through the user data stream).
//
// Candle history (candles(), for the warm-up): GET /api/v3/klines, public and unsigned (weight 2),
// intervals 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d (3d, 1w and 1M do not start at multiples
// of their length since the epoch: not offered). The last `count` closed klines before the start
// of the current one by Binance's clock (ours plus the measured offset), asked by windows of at
// most 1000 (startTime .. endTime, limit) newest first, up to history::kMaxPagedCandles (5000);
// more is refused with invalid_argument. Parsing and the gap rule: parse_klines (rest_codec.hpp).
//
// Threading: all calls thread-safe; callbacks run on the NetContext's thread (or the Clock's
// firing thread for a call delayed by the limiter, or inside the call for a local refusal).
// The NetContext, Clock and registry must outlive the client; destroying the client completes
// pending calls with ErrorCode::cancelled.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "domain/order_event.hpp"
#include "net/net_context.hpp"
#include "net/rate_limiter.hpp"
#include "net/tls_config.hpp"
#include "venues/binance/rest_codec.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::venues::binance {

inline constexpr std::string_view kProductionBaseUrl = "https://api.binance.com";
inline constexpr std::string_view kProductionWsApiUrl = "wss://ws-api.binance.com:443/ws-api/v3";

struct BinanceConfig {
  std::string base_url = std::string(kProductionBaseUrl);  // no trailing slash needed
  std::string api_key;                                     // X-MBX-APIKEY (not secret)
  Duration recv_window = 5s;                               // 1 ms .. 60 s, whole ms
  Duration request_timeout = 10s;
  Duration query_lag = 1s;  // RequestValidity::query_lag: query lag + clock-offset error
  net::TlsConfig tls;
  // Venue symbols load_instruments() asks for; empty: every symbol listed.
  std::vector<std::string> symbols;
  // Local limiter with binance_rate_limits(); off only in tests that hammer the venue.
  bool rate_limit = true;
  Duration max_limiter_wait = 10s;
  // Private stream (user data stream over the WS API); empty: derived from base_url for a
  // local http(s) simulator, else kProductionWsApiUrl.
  std::string ws_api_url;
};

// Binance's documented buckets and endpoint weights, for `RateLimiter`:
// classes "order" (POST/DELETE order: weight 1 + ORDERS), "cancel" (1), "cancel_all" (1),
// "order_status" (4), "open_orders_symbol" (6), "open_orders_all" (80), "my_trades" (20),
// "account" (20), "exchange_info" (20), "time" (1), "user_stream" (2), "klines" (2).
struct RateLimitSpec {
  std::vector<net::BucketConfig> buckets;
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> endpoints;
};
[[nodiscard]] RateLimitSpec binance_rate_limits();

class BinanceUserStream;

class BinanceClient final : public VenueClient {
 public:
  // `api_secret` is copied into the signer's OpenSSL context only; the caller wipes its copy.
  // invalid_argument for a bad base_url, an empty key/secret or a recv_window out of range.
  static Result<std::unique_ptr<BinanceClient>> create(net::NetContext& net, Clock& clock,
                                                       const InstrumentRegistry& registry,
                                                       BinanceConfig config,
                                                       std::string_view api_secret);
  ~BinanceClient() override;

  [[nodiscard]] Venue venue() const noexcept override { return Venue::binance; }
  NZEZA_VENUE_CLIENT_OVERRIDES
  NZEZA_VENUE_OVERRIDE(candles)
  [[nodiscard]] PrivateStream* private_stream() noexcept override;

  // Server time minus our clock, as last measured (0 before the first measurement).
  [[nodiscard]] Duration time_offset() const noexcept;
  // The user data stream (also private_stream()).
  [[nodiscard]] BinanceUserStream& user_stream() noexcept;
  // The signed WS-API subscribe request the stream sends on each connect.
  [[nodiscard]] std::string user_stream_subscribe_frame() const;
  // Times the offset was re-measured after a -1021.
  [[nodiscard]] std::uint64_t resyncs() const noexcept;
  // The limiter (nullptr when config.rate_limit is false).
  [[nodiscard]] net::RateLimiter* limiter() noexcept;

  struct Impl;

 private:
  BinanceClient(net::NetContext& net, std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
  std::unique_ptr<BinanceUserStream> stream_;
};

}  // namespace nzeza::venues::binance

#pragma once
// CoinbaseClient: the VenueClient for Coinbase Advanced Trade (REST api/v3/brokerage), over
// net::HttpClient, every request authenticated by a fresh CDP JWT (jwt_signer.hpp).
//
// Operations → endpoints:
//   place         POST /orders (order_configuration per rest_codec.hpp); `success:false` is an
//                 Error keeping error_response.error / message verbatim
//   cancel        POST /orders/batch_cancel {order_ids:[id]} (a client id alone is first
//                 resolved to the venue id by order_status)
//   cancel_all    the open orders (of one product) listed, then batch_cancel in chunks of 100
//   amend         POST /orders/edit {order_id, price, size} (GTC limit orders only, at the venue)
//   order_status  GET /orders/historical/{order_id}; by client id alone: the order list
//                 (/orders/historical/batch, of the instrument's product when given) scanned
//                 page by page for that client_order_id
//   open_orders   GET /orders/historical/batch?order_status=OPEN, every page
//   fills_since   GET /orders/historical/fills?start_sequence_timestamp=..., every page, oldest
//                 first; a fill's client order id comes from the orders this client placed
//   balances      GET /accounts, every page; available_balance and hold summed per currency
//                 (USD and USDC are distinct currencies)
//   instruments   GET /products?product_type=SPOT (product_ids=... when symbols are configured)
//   server_time   GET /time (public, unsigned)
//   candles       GET /market/products/{id}/candles (public, unsigned): granularity ONE_MINUTE,
//                 FIVE_MINUTE, FIFTEEN_MINUTE, THIRTY_MINUTE, ONE_HOUR, TWO_HOUR, FOUR_HOUR,
//                 SIX_HOUR, ONE_DAY; the last `count` closed candles before the current bucket
//                 (our clock), asked by windows of at most 350 buckets (start, end in unix
//                 seconds, limit), newest first, up to history::kMaxPagedCandles (5000); more is
//                 refused with invalid_argument. Coinbase publishes nothing for an interval
//                 without trades, so the windows may hold fewer candles than buckets; paging
//                 stops at an empty window. Parsing: parse_candles (rest_codec.hpp).
// HTTP answers: 2xx is read by rest_codec (unreadable → protocol with Delivery::answer_cut:
// outcome unknown); 429 tells the rate limiter Retry-After (1 s when absent) and is rate_limited;
// 401/403 auth_failed; 404 not_found; other 4xx rejected; 5xx (and 408) keep the transport's
// Delivery::answer_unknown: OUTCOME UNKNOWN, whatever the body says — Coinbase documents no body
// code that means "not processed" on a 5xx. Each keeps the body's `error` and `message` (or the
// status and body) as venue_code / venue_text. Transport errors are passed up with their code
// and Delivery (venues::venue_error(Venue, op, cause)); nothing here decides "sent or not".
// Refusals (fresh errors, Delivery::none) come only from what the venue documents as "not
// done": place `success:false` (error_response), batch_cancel `results[].success:false`, edit
// `success:false`, and 4xx statuses. docs/errors/coinbase.md names each with its doc line.
// Every place/cancel/amend failure names the client order id when it is known.
//
// Rate limits (exchanges.md §3.4, [U]): private endpoints 30 requests/s per key, public 10/s per
// IP; Coinbase counts per second, so the buckets hold half a second's worth and refill at the
// full rate — never more than the limit in any one-second window. A request the limiter holds
// waits on the Clock; one that would wait longer than 10 s is refused (rate_limited).
//
// Request validity: a JWT is valid for 120 s from its nbf, so a request is never executed later
// than that: request_validity() = {120 s, 2 s query lag}.
//
// Threading: thread-safe; callbacks run on the NetContext's thread (or the Clock's when a
// limiter wait or a local refusal completes them). Destroying the client completes every
// pending call with ErrorCode::cancelled before the destructor returns.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/clock.hpp"
#include "net/http_client.hpp"
#include "net/rate_limiter.hpp"
#include "venues/coinbase/jwt_signer.hpp"
#include "venues/private_stream.hpp"
#include "venues/venue_client.hpp"

namespace nzeza::venues::coinbase {

inline constexpr std::string_view kProductionRestUrl = "https://api.coinbase.com";
inline constexpr std::string_view kProductionUserWsUrl =
    "wss://advanced-trade-ws-user.coinbase.com";

struct CoinbaseConfig {
  std::string base_url = std::string(kProductionRestUrl);  // scheme://host[:port], no path
  std::string api_prefix = "/api/v3/brokerage";
  net::TlsConfig tls;
  Duration request_timeout = 10s;
  std::vector<std::string> symbols;  // product ids for load_instruments (empty: every SPOT)
  int max_pages = 50;                // paging bound for list calls (open orders, fills...)
  int page_limit = 250;              // `limit` of each list request
  Duration max_rate_wait = 10s;      // longer limiter waits are refused
};

// The rate-limit buckets and endpoint classes ("private", "public") of exchanges.md §3.4.
[[nodiscard]] std::vector<net::BucketConfig> rate_limit_buckets();
Status configure_rate_limits(net::RateLimiter& limiter);

class CoinbaseClient final : public VenueClient {
 public:
  // `net`, `clock` and `registry` must outlive the client.
  CoinbaseClient(net::NetContext& net, Clock& clock, const InstrumentRegistry& registry,
                 JwtSigner signer, CoinbaseConfig config = {});
  ~CoinbaseClient() override;

  [[nodiscard]] Venue venue() const noexcept override { return Venue::coinbase; }
  NZEZA_VENUE_CLIENT_OVERRIDES
  NZEZA_VENUE_OVERRIDE(amend)
  NZEZA_VENUE_OVERRIDE(candles)
  [[nodiscard]] PrivateStream* private_stream() noexcept override { return stream_.get(); }

  // The private stream (user channel) this client reports, owned from now on (the factory sets
  // it when a WebSocket URL is known). Destroyed before the HTTP client.
  void attach_private_stream(std::unique_ptr<PrivateStream> stream) noexcept {
    stream_ = std::move(stream);
  }
  [[nodiscard]] net::RateLimiter& rate_limiter() noexcept { return limiter_; }
  [[nodiscard]] const JwtSigner& signer() const noexcept { return signer_; }
  [[nodiscard]] net::HttpClientStats http_stats() const { return http_->stats(); }
  // The trades of one order (GET /orders/historical/fills?order_ids=...), oldest first, with
  // the client order id when known: the private stream's source of fills.
  void fills_of_order(const std::string& venue_order_id, Callback<std::vector<domain::Fill>> done);
  // Remembers venue order id → client order id (fills carry only the former). Also fed by
  // place() answers and status queries.
  void remember(const std::string& venue_order_id, const std::string& client_order_id);

  struct Request;

 private:
  using RawCallback = std::function<void(Result<net::HttpResponse>)>;
  // Rate-limits, signs and sends; `done` gets the 2xx response or the classified Error.
  void send(std::string operation, std::string method, std::string path_and_query, std::string body,
            bool is_public, RawCallback done);
  void dispatch(const std::shared_ptr<Request>& request);
  [[nodiscard]] Error classify_http(const std::string& operation,
                                    const net::HttpResponse& response);
  // The instrument's Coinbase product; not_found naming `operation` when the registry holds none.
  [[nodiscard]] Result<std::string> product_of(InstrumentId id, std::string_view operation) const;
  void list_orders_paged(std::string operation, std::string query, std::string cursor, int page,
                         std::shared_ptr<std::vector<VenueOrder>> acc,
                         std::function<bool(const VenueOrder&)> stop_when,
                         Completion<std::vector<VenueOrder>> done);
  void cancel_ids(std::vector<std::string> ids, std::shared_ptr<CancelAllAck> acc,
                  Completion<CancelAllAck> done);
  [[nodiscard]] std::string client_id_of(const std::string& venue_order_id) const;

  Clock& clock_;
  const InstrumentRegistry& registry_;
  JwtSigner signer_;
  CoinbaseConfig config_;
  std::string host_;  // Host as signed in the uri claim ("api.coinbase.com", "127.0.0.1:port")
  std::string origin_;
  net::RateLimiter limiter_;
  Status init_status_;  // a bad base URL: every call fails with it

  struct Shared;
  std::shared_ptr<Shared> shared_;  // pending limiter timers, alive flag
  mutable std::mutex ids_mu_;
  std::map<std::string, std::string> client_ids_;  // venue order id → client order id
  // Last: destroyed first, so its cancelled callbacks run while the rest is alive.
  std::unique_ptr<net::HttpClient> http_;
  std::unique_ptr<PrivateStream> stream_;
};

}  // namespace nzeza::venues::coinbase

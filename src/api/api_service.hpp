#pragma once
// ApiService: the operator API's routes (`/api/v1/...`), their access rules and their answers.
// Beast-free: the HTTP server (api_server.hpp) hands it plain requests.
//
// Every request, in this order:
//   0. the dashboard's static files (`/`, `/assets/...`, dashboard_assets.hpp): no key, no bucket;
//   1. the caller: a valid `Authorization: Bearer <key>` (KeyStore, constant-time) is that key;
//      anything else is its source address. A presented key that is wrong or revoked is 401 —
//      and costs the address a token, so guessing is rate limited too;
//   2. the caller's token bucket (RequestLimiter: one per key, one per address): 429 with
//      Retry-After (whole seconds, rounded up) when empty;
//   3. the route: 404 for an unknown path, 405 (with Allow) for a known path and another method;
//   4. the route's scope: none (health, readiness, the OpenAPI document), read, trade or admin;
//      401 (WWW-Authenticate: Bearer) without a key, 403 with a key of a lower scope;
//   5. the handler. Bad input is 400, an unknown symbol or order 404, a conflict with the state
//      (an order final already, an exit protecting a position) 409, an order the instrument's
//      rules or the risk gate refuse 422, a server that cannot answer 503.
// Every error is {"error":{"code","message"}}; a message never holds a key, a hash or a secret.
// Money is a decimal string, exactly; times are ISO 8601 UTC.
//
// Orders: POST /orders without `quantity` submits an operator signal (symbol, side buy|sell,
// confidence) to the trading server — the same path as a strategy's signal: fresh price, sizing,
// the risk gate, the router. 202 means "handed to execution"; the gate's verdict shows in
// /orders (open orders), /status refusals and /audit. With `quantity` (an exact decimal string,
// a multiple of the lot within the instrument's limits) and optionally `limit_price` (on the
// tick), the execution actor checks the rules (422 naming the rule) and THE SAME risk gate (422
// naming the refusal) and answers with the order's client id (202). Never a bypass.
// DELETE /orders/{client_id} and DELETE /orders (?symbol=) cancel through the execution actor;
// the exits protecting a held position are refused (409) unless ?force=true.
//
// Threading: handle() is called on the API server's thread; it reads the trading server through
// its thread-safe calls (status() asks the actors; the journal has its own lock).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_types.hpp"
#include "api/key_store.hpp"
#include "api/request_limiter.hpp"
#include "core/clock.hpp"

namespace nzeza::app {
class TradingServer;
struct SymbolStatus;
struct Alert;
}  // namespace nzeza::app

namespace nzeza::api {

inline constexpr std::string_view kApiPrefix = "/api/v1";
// The Prometheus exposition (metrics.hpp), at the path scrapers expect; scope read.
inline constexpr std::string_view kMetricsPath = "/metrics";

struct ApiServiceOptions {
  BucketLimits per_key{50, 25};         // requests per key: burst, per second
  BucketLimits per_address{20, 5};      // requests without a valid key, per source address
  std::size_t max_history_rows = 1000;  // trades / audit / reconciliations per answer
  // One line per refused or operator action (kill switch, order); never a key or a secret.
  std::function<void(std::string_view line)> log;
  // Appended to /metrics (the live stream's families, stream_prometheus_text); may be empty.
  std::function<std::string()> extra_metrics;
};

struct RouteInfo {
  std::string method;
  std::string path;   // full: "/api/v1/prices"
  std::string scope;  // "none", "read", "trade", "admin"
};

class ApiService {
 public:
  ApiService(app::TradingServer& server, KeyStore& keys, Clock& clock,
             ApiServiceOptions options = {});
  ~ApiService();
  ApiService(const ApiService&) = delete;
  ApiService& operator=(const ApiService&) = delete;

  [[nodiscard]] ApiResponse handle(const ApiRequest& request);
  // The live stream's access (/api/v1/stream, stream_hub.hpp). The upgrade request costs its
  // source address a token (the 429 answer when its bucket is empty, else nullopt); the auth
  // message's token is checked as a Bearer key is and costs the key a token: its scope, or
  // unauthorized / rate_limited.
  [[nodiscard]] std::optional<ApiResponse> admit_stream(const ApiRequest& upgrade);
  [[nodiscard]] Result<Scope> authenticate_stream(std::string_view token,
                                                  const std::string& remote);
  // Every route served (method, path, scope), for the OpenAPI check.
  [[nodiscard]] std::vector<RouteInfo> routes() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// One symbol's prices as GET /api/v1/prices lists them and the stream's "prices" topic sends them
// (the same writer): {"symbol","reference" (decimal string or null),"fresh","venues":[{"venue",
// "bid","ask","age_ms","used"}]}, serialized.
[[nodiscard]] std::string price_json(const app::SymbolStatus& symbol);
// One alert: {"time","level","source","message"}, serialized (the stream's "alerts" topic).
[[nodiscard]] std::string alert_json(const app::Alert& alert);

// The OpenAPI 3 document served at /api/v1/openapi.json (written by hand, checked by a test
// against routes()).
[[nodiscard]] std::string_view openapi_document() noexcept;

}  // namespace nzeza::api

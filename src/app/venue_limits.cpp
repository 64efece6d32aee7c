#include "app/venue_limits.hpp"

#include <string>
#include <utility>

#ifdef NZEZA_HAVE_BINANCE_CLIENT
#include "venues/binance/client.hpp"
#endif
#ifdef NZEZA_HAVE_COINBASE_CLIENT
#include "venues/coinbase/client.hpp"
#endif

namespace nzeza::app {
namespace {

using Weights = std::vector<std::pair<std::string, double>>;

venues::EndpointClasses all_in(const std::string& cls) {
  venues::EndpointClasses c;
  c.place = c.cancel = c.cancel_all = c.amend = c.dead_man_switch = cls;
  c.order_status = c.open_orders = c.fills = c.balances = c.positions = cls;
  c.instruments = c.server_time = c.candles = cls;
  return c;
}

}  // namespace

VenueRateLimits binance_limits() {
  VenueRateLimits l;
#ifdef NZEZA_HAVE_BINANCE_CLIENT
  // exchanges.md §1.4 "REQUEST_WEIGHT 6000 per minute, RAW_REQUESTS 61000 per 5 min ... ORDERS
  // 50 per 10 s and 160000 per day", with §1.2's weights: the client's own spec.
  auto spec = venues::binance::binance_rate_limits();
  l.buckets = std::move(spec.buckets);
  l.endpoints = std::move(spec.endpoints);
#else
  l.buckets = {{"REQUEST_WEIGHT_1M", 6000, 100}, {"ORDERS_10S", 50, 5}};
  l.endpoints = {{"order", {{"REQUEST_WEIGHT_1M", 1}, {"ORDERS_10S", 1}}},
                 {"cancel", {{"REQUEST_WEIGHT_1M", 1}}},
                 {"cancel_all", {{"REQUEST_WEIGHT_1M", 1}}},
                 {"order_status", {{"REQUEST_WEIGHT_1M", 4}}},
                 {"open_orders_all", {{"REQUEST_WEIGHT_1M", 80}}},
                 {"my_trades", {{"REQUEST_WEIGHT_1M", 20}}},
                 {"account", {{"REQUEST_WEIGHT_1M", 20}}},
                 {"exchange_info", {{"REQUEST_WEIGHT_1M", 20}}},
                 {"time", {{"REQUEST_WEIGHT_1M", 1}}}};
#endif
  // GET /api/v3/klines weighs 2 (Binance rest-api.md; not listed in exchanges.md).
  l.endpoints.push_back({"klines", {{"REQUEST_WEIGHT_1M", 2}}});
  l.classes.place = "order";
  l.classes.amend = "order";
  l.classes.dead_man_switch = "order";
  l.classes.cancel = "cancel";
  l.classes.cancel_all = "cancel_all";
  l.classes.order_status = "order_status";
  // "Open orders: 6 with symbol, 80 without" (§1.2): one class per call here, so the dearer.
  l.classes.open_orders = "open_orders_all";
  l.classes.fills = "my_trades";
  l.classes.balances = "account";           // "GET /api/v3/account | 20"
  l.classes.positions = "account";          // spot: answered without a request
  l.classes.instruments = "exchange_info";  // "GET /api/v3/exchangeInfo (weight 20)"
  l.classes.server_time = "time";
  l.classes.candles = "klines";
  return l;
}

VenueRateLimits coinbase_limits() {
  VenueRateLimits l;
  // exchanges.md §3.4 "private endpoints 30 req/s per user; public endpoints 10 req/s per IP".
#ifdef NZEZA_HAVE_COINBASE_CLIENT
  l.buckets = venues::coinbase::rate_limit_buckets();
#else
  l.buckets = {{"private", 15, 15}, {"public", 5, 5}};
#endif
  l.endpoints = {{"private", {{"private", 1}}}, {"public", {{"public", 1}}}};
  // The client signs every call (its product list too) except GET /time.
  l.classes = all_in("private");
  l.classes.server_time = "public";
  return l;
}

VenueRateLimits kraken_limits() {
  VenueRateLimits l;
  l.buckets = {
      // §2.4 "REST private counter [U]: Starter cap about 15 with decay about 0.33/s".
      {"REST_PRIVATE", 15, 0.33},
      // §2.4 "Trading counter: per pair ... Starter tier: cap 60, decaying by 1.0 per second";
      // one bucket for every pair here (stricter than per pair); the client keeps the per-pair
      // counter with the cancel cost by order age.
      {"TRADING", 60, 1.0},
      // Public endpoints: about 1 per second (the client's default public_rate).
      {"PUBLIC", 10, 1.0},
  };
  l.endpoints = {{"order", {{"TRADING", 1}}},         // "Placing costs 1"
                 {"query", {{"REST_PRIVATE", 1}}},    // most private calls cost 1
                 {"history", {{"REST_PRIVATE", 2}}},  // TradesHistory costs 2
                 {"public", {{"PUBLIC", 1}}}};
  l.classes.place = l.classes.cancel = l.classes.cancel_all = l.classes.amend = "order";
  l.classes.dead_man_switch = "query";
  l.classes.order_status = l.classes.open_orders = "query";
  l.classes.balances = l.classes.positions = "query";
  l.classes.fills = "history";
  l.classes.instruments = l.classes.server_time = l.classes.candles = "public";
  return l;
}

VenueRateLimits hyperliquid_limits() {
  VenueRateLimits l;
  // §4.4 "REST shares 1200 weight per minute per IP"; "Address limit: ... an initial buffer of
  // 10000" (then 1 request per 1 USDC traded: the client's slow refill).
  l.buckets = {{"ip_weight", 1200, 20}, {"address", 10000, 0.1}};
  l.endpoints = {// "An exchange action weighs 1 + floor(batch_len/40)"; one address request.
                 {"exchange", {{"ip_weight", 1}, {"address", 1}}},
                 // "l2Book, allMids, clearinghouseState, orderStatus, ... weigh 2".
                 {"info_light", {{"ip_weight", 2}}},
                 // "Other info requests weigh 20".
                 {"info", {{"ip_weight", 20}}}};
  l.classes.place = l.classes.cancel = l.classes.cancel_all = l.classes.amend = "exchange";
  l.classes.dead_man_switch = "exchange";
  l.classes.order_status = "info_light";
  l.classes.balances = l.classes.positions = "info_light";  // clearinghouseState
  l.classes.server_time = "info_light";
  l.classes.open_orders = l.classes.fills = "info";
  l.classes.instruments = l.classes.candles = "info";  // meta, candleSnapshot
  return l;
}

VenueRateLimits dydx_limits() {
  VenueRateLimits l;
  l.buckets = {
      // §5.1 "Indexer REST: 100 requests per 10 s per IP".
      {"indexer_ip", 100, 10},
      // §5.4 "short-term places plus cancels 4000 per 5 blocks" (a block is about 1 s).
      {"short_term", 4000, 800},
  };
  // Stateful orders (§5.4 "2 per block and 20 per 100 blocks") are the client's own limiter's
  // job: whether a place is stateful depends on its time in force, which this gate does not
  // see.
  l.endpoints = {{"order", {{"short_term", 1}}},
                 {"indexer", {{"indexer_ip", 1}}},
                 {"node", {{"indexer_ip", 0}}}};
  l.classes.place = l.classes.cancel = l.classes.cancel_all = l.classes.amend = "order";
  l.classes.dead_man_switch = "order";
  l.classes.order_status = l.classes.open_orders = l.classes.fills = "indexer";
  l.classes.balances = l.classes.positions = "indexer";
  l.classes.instruments = l.classes.server_time = l.classes.candles = "indexer";
  return l;
}

Result<VenueRateLimits> venue_limits(Venue venue) {
  static constexpr std::pair<Venue, VenueRateLimits (*)()> kLimits[] = {
      {Venue::binance, binance_limits},
      {Venue::coinbase, coinbase_limits},
      {Venue::kraken, kraken_limits},
      {Venue::hyperliquid, hyperliquid_limits},
      {Venue::dydx, dydx_limits}};
  for (const auto& [v, limits] : kLimits) {
    if (v == venue) return limits();
  }
  return Error{ErrorCode::invalid_argument,
               "venue " + std::string(to_string(venue)) + " has no live rate limits"};
}

Result<std::unique_ptr<net::RateLimiter>> make_venue_limiter(Venue venue, Clock& clock,
                                                             Duration max_wait) {
  auto limits = venue_limits(venue);
  if (!limits) return limits.error();
  net::RateLimiterOptions options;
  options.name = std::string(to_string(venue));
  options.max_wait = max_wait;
  auto limiter = std::make_unique<net::RateLimiter>(clock, limits->buckets, options);
  const std::string where = std::string(to_string(venue)) + " rate limits: ";
  if (Status s = limiter->status(); !s) {
    return Error{ErrorCode::internal, where + s.error().message};
  }
  for (auto& [cls, weights] : limits->endpoints) {
    if (Status s = limiter->add_endpoint(cls, weights); !s) {
      return Error{ErrorCode::internal, where + s.error().message};
    }
  }
  return limiter;
}

}  // namespace nzeza::app

#pragma once
// The outer rate limits of each venue: the buckets and endpoint classes of the RateLimiter that
// the server's ThrottledClient (venues/throttled_client.hpp) reserves from before a call reaches
// the venue client, and which class each VenueClient call takes.
//
// Every venue client also limits itself inside (with the venue's feedback: Binance's
// X-MBX-USED-WEIGHT, 429 Retry-After, 418 bans, Kraken's per-pair trading counter by order
// age). This outer gate counts the same documented limits per call, coarser where a call's cost
// depends on what the client sends (Kraken's cancel cost by order age, dYdX short-term versus
// stateful orders): it never lets more through than the venue allows, so the inner limiter
// rarely waits, and the router sees a refusal (rate_limited, nothing sent) before a call leaves.
//
// Sources: the venue client's own published spec where it exports one (Binance
// binance_rate_limits(), Coinbase rate_limit_buckets()), else ../shared/exchanges.md, each
// bucket with the line it comes from.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/venue.hpp"
#include "net/rate_limiter.hpp"
#include "venues/throttled_client.hpp"

namespace nzeza::app {

struct VenueRateLimits {
  std::vector<net::BucketConfig> buckets;
  // Endpoint class → weights taken from buckets (RateLimiter::add_endpoint).
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> endpoints;
  // The class of each VenueClient call; every name is one of `endpoints`.
  venues::EndpointClasses classes;
};

[[nodiscard]] VenueRateLimits binance_limits();
[[nodiscard]] VenueRateLimits coinbase_limits();
[[nodiscard]] VenueRateLimits kraken_limits();
[[nodiscard]] VenueRateLimits hyperliquid_limits();
[[nodiscard]] VenueRateLimits dydx_limits();

// The limits of `venue`; invalid_argument for paper and generic (no live venue).
[[nodiscard]] Result<VenueRateLimits> venue_limits(Venue venue);

// A RateLimiter named after the venue with venue_limits(venue) (every class added); refusals
// above `max_wait`. The error names the venue and what was wrong with its limits.
[[nodiscard]] Result<std::unique_ptr<net::RateLimiter>> make_venue_limiter(Venue venue,
                                                                           Clock& clock,
                                                                           Duration max_wait);

}  // namespace nzeza::app

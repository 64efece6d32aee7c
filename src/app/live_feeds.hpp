#pragma once
// The market-data feeds of the venues: what each FeedSession (venues/feed/feed_session.hpp) is
// built from — its options and its protocol factory — for `nzeza feed` (one venue from the
// command line) and for the server (every configured venue, live or paper-on-live).
//
// One rule for both: a feed connects to the URL it is given, else the venue's production feed;
// a venue without one (generic) needs a URL. Binance books start from a REST depth snapshot:
// from the given REST base, else https://api.binance.com. The server's URLs are the config's:
// VenueConfig::ws_url (the market-data WebSocket) and VenueConfig::rest_url.

#include <optional>
#include <string>
#include <vector>

#include "app/venue_set.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "venues/feed/feed_session.hpp"

namespace nzeza::app {

// What one venue's feed is asked for.
struct FeedRequest {
  Venue venue = Venue::generic;
  std::vector<InstrumentId> instruments;
  std::string ws_url;    // empty: the venue's production feed
  std::string rest_url;  // REST base for book snapshots (Binance); empty: production
  std::optional<std::string> ca_file;
  Duration stale_after{0};  // zero: the venue's default
};

struct VenueFeed {
  venues::feed::FeedOptions options;
  venues::feed::ProtocolFactory factory;
};

// invalid_argument for a venue without a feed (paper), no instrument, or no URL where the venue
// has no production feed (the message names the venue).
[[nodiscard]] Result<VenueFeed> venue_feed(const FeedRequest& request,
                                           const InstrumentRegistry& registry);

// One feed per venue of `venues` (its instruments; its VenueConfig's URLs), in config order. Every
// venue's error at once, one line each.
[[nodiscard]] Result<std::vector<VenueFeed>> live_feeds(
    const VenueSet& venues, const InstrumentRegistry& registry,
    std::optional<std::string> ca_file = std::nullopt);

}  // namespace nzeza::app

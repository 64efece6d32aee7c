#include "app/live_feeds.hpp"

#include <string>
#include <utility>

#include "venues/feed/protocols.hpp"

namespace nzeza::app {
namespace {

constexpr std::string_view kBinanceRestUrl = "https://api.binance.com";

}  // namespace

Result<VenueFeed> venue_feed(const FeedRequest& request, const InstrumentRegistry& registry) {
  const std::string venue(to_string(request.venue));
  if (request.instruments.empty()) {
    return Error{ErrorCode::invalid_argument, venue + " feed: no instrument to subscribe"};
  }
  auto factory = venues::feed::protocol_factory(request.venue, registry);
  if (!factory) return factory.error();

  VenueFeed feed;
  feed.factory = std::move(factory).value();
  auto& o = feed.options;
  o.venue = request.venue;
  o.instruments = request.instruments;
  o.url = request.ws_url;
  o.rules = venues::feed::default_rules(request.venue);
  if (request.stale_after.count() > 0) o.rules.stale_after = request.stale_after;
  if (o.url.empty() && o.rules.default_url.empty()) {
    return Error{ErrorCode::invalid_argument,
                 venue + " feed: a WebSocket URL is required (the venue has no production feed)"};
  }
  o.rest_url = request.rest_url;
  if (request.venue == Venue::binance && o.rest_url.empty()) o.rest_url = kBinanceRestUrl;
  if (request.ca_file) o.tls.extra_ca_file = *request.ca_file;
  return feed;
}

Result<std::vector<VenueFeed>> live_feeds(const VenueSet& venues,
                                          const InstrumentRegistry& registry,
                                          std::optional<std::string> ca_file) {
  std::vector<VenueFeed> feeds;
  std::string errors;
  for (const auto& v : venues.venues()) {
    FeedRequest request;
    request.venue = v->config.venue;
    request.instruments = v->instruments;
    request.ws_url = v->config.ws_url;
    request.rest_url = v->config.rest_url;
    request.ca_file = ca_file;
    auto feed = venue_feed(request, registry);
    if (!feed) {
      errors += "\n  " + feed.error().message;
      continue;
    }
    feeds.push_back(std::move(feed).value());
  }
  if (!errors.empty()) {
    return Error{ErrorCode::invalid_argument, "cannot build the market-data feeds:" + errors};
  }
  return feeds;
}

}  // namespace nzeza::app

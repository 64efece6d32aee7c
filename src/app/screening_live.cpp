#include "app/screening_live.hpp"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "app/live_feeds.hpp"
#include "app/market_data_instruments.hpp"
#include "core/clock.hpp"
#include "net/http_client.hpp"
#include "net/net_context.hpp"
#include "venues/feed/feed_session.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::app {
namespace {

// Feeds run on the network thread; the collector is read once they stopped.
class CollectingSink final : public MarketEventSink {
 public:
  explicit CollectingSink(ScreeningCollector& collector) : collector_(collector) {}
  void on_event(const MarketEvent& e) override {
    std::lock_guard lock(mu_);
    collector_.on_event(e);
  }

 private:
  ScreeningCollector& collector_;
  std::mutex mu_;
};

}  // namespace

Result<ScreenResult> screen_live(const LiveScreenOptions& options) {
  auto screener = domain::Screener::create(options.screening);
  if (!screener) return screener.error();
  if (options.config.venues.empty())
    return Error{ErrorCode::invalid_argument,
                 "screen: the configuration names no venue ([venues.<name>] with symbols); give "
                 "recordings instead, or a configuration with venues"};
  InstrumentRegistry registry;
  std::vector<FeedRequest> requests;
  for (const auto& v : options.config.venues) {
    FeedRequest request;
    request.venue = v.venue;
    request.ws_url = v.ws_url;
    request.rest_url = v.rest_url;
    request.ca_file = options.ca_file;
    for (const auto& s : v.symbols) {
      auto inst = market_data_instrument(v.venue, s);
      if (!inst) return inst.error();
      auto id = registry.add(std::move(*inst));
      if (!id)
        return Error{ErrorCode::invalid_argument, std::string(to_string(v.venue)) + " symbol '" +
                                                      s + "': " + id.error().message};
      request.instruments.push_back(*id);
    }
    requests.push_back(std::move(request));
  }
  auto collector = ScreeningCollector::create(registry, options.candle_interval, options.screening);
  if (!collector) return collector.error();

  SystemClock clock;
  net::NetContext net;
  net.start();
  CollectingSink sink(*collector);
  std::vector<std::unique_ptr<net::HttpClient>> http;
  std::vector<std::unique_ptr<venues::feed::FeedSession>> sessions;
  Status started;
  for (const auto& request : requests) {
    auto feed = venue_feed(request, registry);
    if (!feed) {
      started = feed.error();
      break;
    }
    net::HttpClientConfig http_cfg;
    http_cfg.tls = feed->options.tls;
    http.push_back(std::make_unique<net::HttpClient>(net, clock, http_cfg));
    sessions.push_back(std::make_unique<venues::feed::FeedSession>(
        net, clock, registry, feed->options, std::move(feed->factory), sink, http.back().get()));
    if (options.on_error) sessions.back()->on_error(options.on_error);
    if (Status st = sessions.back()->start(); !st) {
      started = Error{st.error().code,
                      std::string(to_string(request.venue)) + " feed: " + st.error().message};
      break;
    }
  }
  if (started) {
    // Wall-clock wait for the duration, or until the caller's stop flag (Ctrl-C), whichever first.
    const auto deadline = std::chrono::steady_clock::now() + options.duration;
    while (std::chrono::steady_clock::now() < deadline &&
           (options.stop == nullptr || !options.stop->load()))
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (auto& s : sessions) s->stop();
  sessions.clear();
  http.clear();
  net.stop();
  if (!started) return started.error();
  return collector->finish(*screener, clock.now());
}

}  // namespace nzeza::app

#include "cli/feed_command.hpp"

#include <atomic>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "app/live_feeds.hpp"
#include "app/market_data_instruments.hpp"
#include "cli/stop_signals.hpp"
#include "cli/time_arg.hpp"
#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "core/json_text.hpp"
#include "net/http_client.hpp"
#include "net/net_context.hpp"
#include "venues/feed/feed_session.hpp"
#include "venues/feed/protocols.hpp"

namespace nzeza::cli {
namespace {

// Prints each event as one line; counts market-data events; wakes main at --count.
class PrintingSink final : public MarketEventSink {
 public:
  PrintingSink(const InstrumentRegistry& registry, bool json, std::uint64_t count)
      : registry_(registry), json_(json), count_(count) {}

  void on_event(const MarketEvent& e) override {
    const Instrument* inst = registry_.get(e.instrument);
    const std::string symbol = inst != nullptr ? inst->canonical : "?";
    const std::string venue_symbol = inst != nullptr ? inst->venue_symbol : "?";
    std::ostringstream line;
    if (json_) {
      line << "{\"time\":" << json_quoted(e.receive_time.to_iso8601())
           << ",\"venue\":" << json_quoted(to_string(e.venue))
           << ",\"symbol\":" << json_quoted(symbol)
           << ",\"venue_symbol\":" << json_quoted(venue_symbol);
      if (e.has_venue_time()) line << ",\"venue_time\":" << json_quoted(e.venue_time.to_iso8601());
    } else {
      line << e.receive_time.to_iso8601() << ' ' << to_string(e.venue) << ' ' << symbol << ' ';
    }
    bool market_data = true;
    std::visit(
        [&](const auto& body) {
          using T = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<T, Quote>) {
            if (json_) {
              line << ",\"type\":\"quote\",\"bid\":" << json_quoted(body.bid.to_string())
                   << ",\"bid_size\":" << json_quoted(body.bid_size.to_string())
                   << ",\"ask\":" << json_quoted(body.ask.to_string())
                   << ",\"ask_size\":" << json_quoted(body.ask_size.to_string());
            } else {
              line << "quote bid " << body.bid.to_string() << " x " << body.bid_size.to_string()
                   << " ask " << body.ask.to_string() << " x " << body.ask_size.to_string();
            }
          } else if constexpr (std::is_same_v<T, Trade>) {
            if (json_) {
              line << ",\"type\":\"trade\",\"price\":" << json_quoted(body.price.to_string())
                   << ",\"size\":" << json_quoted(body.size.to_string())
                   << ",\"aggressor\":" << json_quoted(to_string(body.aggressor))
                   << ",\"trade_id\":" << json_quoted(body.trade_id.view());
            } else {
              line << "trade " << to_string(body.aggressor) << ' ' << body.size.to_string() << " @ "
                   << body.price.to_string() << " id " << body.trade_id.view();
            }
          } else if constexpr (std::is_same_v<T, BookChange>) {
            if (json_) {
              line << ",\"type\":\"book\",\"side\":"
                   << json_quoted(body.side == Side::buy ? "bid" : "ask")
                   << ",\"price\":" << json_quoted(body.price.to_string())
                   << ",\"size\":" << json_quoted(body.size.to_string())
                   << ",\"sequence\":" << body.sequence
                   << ",\"snapshot\":" << (body.snapshot ? "true" : "false")
                   << ",\"reset\":" << (body.reset ? "true" : "false")
                   << ",\"last\":" << (body.last ? "true" : "false");
            } else {
              line << "book " << (body.side == Side::buy ? "bid " : "ask ")
                   << body.price.to_string() << ' ' << body.size.to_string();
              if (body.snapshot) line << " snapshot";
              if (body.reset) line << " reset";
              if (body.sequence != 0) line << " seq " << body.sequence;
            }
          } else {
            market_data = false;
            if (json_) {
              line << ",\"type\":\"status\",\"state\":" << json_quoted(to_string(body.state));
            } else {
              line << "status " << to_string(body.state);
            }
          }
        },
        e.body);
    if (json_) line << '}';
    line << '\n';
    std::cout << line.str() << std::flush;
    if (market_data && count_ > 0) {
      std::lock_guard lock(mu_);
      if (++seen_ >= count_) {
        done_ = true;
        cv_.notify_all();
      }
    }
  }

  // Waits until --count events were printed or `stop` is set (Ctrl-C); polls the flag.
  void wait(const std::atomic<bool>& stop) {
    std::unique_lock lock(mu_);
    while (!done_ && !stop.load()) {
      cv_.wait_for(lock, std::chrono::milliseconds(50));
    }
  }
  [[nodiscard]] std::uint64_t seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  const InstrumentRegistry& registry_;
  bool json_;
  std::uint64_t count_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t seen_ = 0;
  bool done_ = false;
};

int fail(const std::string& message) {
  std::cerr << "nzeza feed: " << message << std::endl;
  return 2;
}

}  // namespace

int run(const FeedOptions& opt) {
  const auto venue = parse_venue(opt.venue);
  if (!venue || *venue == Venue::paper) {
    return fail("unknown venue '" + opt.venue +
                "' (binance, coinbase, kraken, hyperliquid, dydx or generic)");
  }
  if (opt.symbols.empty()) return fail("--symbols needs at least one symbol");
  InstrumentRegistry registry;
  std::vector<InstrumentId> ids;
  for (const auto& s : opt.symbols) {
    auto inst = app::market_data_instrument(*venue, s);
    if (!inst.ok()) return fail(inst.error().message);
    auto id = registry.add(std::move(inst).value());
    if (!id.ok()) return fail("symbol '" + s + "': " + id.error().message);
    ids.push_back(*id);
  }
  app::FeedRequest request;
  request.venue = *venue;
  request.instruments = ids;
  request.ws_url = opt.url;
  request.rest_url = opt.rest_url;
  if (!opt.ca_file.empty()) request.ca_file = opt.ca_file;
  if (opt.stale_s > 0) {
    request.stale_after = seconds_arg(opt.stale_s);
  }
  if (opt.url.empty() && venues::feed::default_rules(*venue).default_url.empty()) {
    return fail("--url is required for venue " + opt.venue);
  }
  auto feed = app::venue_feed(request, registry);
  if (!feed.ok()) return fail(feed.error().message);
  venues::feed::FeedOptions options = feed->options;

  SystemClock clock;
  net::NetContext net;
  net.start();
  net::HttpClientConfig http_cfg;
  http_cfg.tls = options.tls;
  net::HttpClient http(net, clock, http_cfg);
  PrintingSink sink(registry, opt.json, opt.count);
  venues::feed::FeedSession session(net, clock, registry, options, std::move(feed->factory), sink,
                                    &http);
  session.on_error([](const Error& e) { std::cerr << "error: " << e.message << std::endl; });
  const std::atomic<bool>& stop = stop_flag_on_signal();
  if (Status st = session.start(); !st.ok()) return fail(st.error().message);
  sink.wait(stop);
  session.stop();
  const auto stats = session.stats();
  std::cerr << "nzeza feed: " << sink.seen() << " events, " << stats.frames << " frames, "
            << stats.rejected << " rejected, " << stats.ignored << " ignored, " << stats.resyncs
            << " resyncs, " << stats.connects << " connects, max skew " << stats.max_skew_ms
            << " ms" << std::endl;
  net.stop();
  return 0;
}

}  // namespace nzeza::cli

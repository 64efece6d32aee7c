#pragma once
// Live screening: subscribes the market-data feeds of the configured venues ([venues.<name>]
// symbols, ws_url, rest_url — the feeds `nzeza feed` and the server use, live_feeds.hpp) for
// `duration` of wall-clock time, feeds every event to a ScreeningCollector
// (screening_run.hpp), then ranks. The candles close by the system clock at the end, so only
// intervals that ended count: at 1-minute candles, 10 minutes are needed before a symbol scores.
//
// Errors: no venue configured (market data for screening is venues' data, not the simulated
// market), a symbol a venue cannot subscribe, a feed that does not start — each names the venue.
// A feed error during the run is reported through `on_error` and does not stop the others.
// Threading: blocks the caller until the duration passed or `*stop` became true.

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "app/config/config.hpp"
#include "app/screening_run.hpp"

namespace nzeza::app {

struct LiveScreenOptions {
  Config config;  // its venues
  Duration duration = std::chrono::minutes(15);
  domain::ScreeningConfig screening;
  Duration candle_interval = std::chrono::minutes(1);
  std::optional<std::string> ca_file;
  const std::atomic<bool>* stop = nullptr;     // set (Ctrl-C): rank what was seen so far
  std::function<void(const Error&)> on_error;  // feed errors during the run; may be empty
};

[[nodiscard]] Result<ScreenResult> screen_live(const LiveScreenOptions& options);

}  // namespace nzeza::app

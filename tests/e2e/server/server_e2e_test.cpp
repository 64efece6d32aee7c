// The trading server end to end on a ManualClock: simulated market → shards → execution →
// paper venue → fills → portfolio, every actor polled on the test thread.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "core/clock.hpp"
#include "venues/paper/paper_venue.hpp"

namespace nzeza::app {
namespace {

struct Harness {
  ManualClock clock{Timestamp::from_seconds(1'767'225'600)};  // 2026-01-01T00:00:00Z
  std::vector<TradeEvent> events;
  std::unique_ptr<TradingServer> server;

  explicit Harness(Config config, ServerOptions options = {}) {
    options.manual_dispatch = true;
    options.feed = MarketFeed::in_process;
    options.on_event = [this](const TradeEvent& e) { events.push_back(e); };
    auto made = TradingServer::start(config, clock, std::move(options));
    EXPECT_TRUE(made.ok()) << (made ? "" : made.error().message);
    if (made) server = std::move(*made);
  }
  // Simulated time in small steps, every actor drained after each.
  void run_for(Duration d, Duration step = std::chrono::milliseconds(250)) {
    const Timestamp end = clock.now() + d;
    while (clock.now() < end) {
      clock.advance(step);
      server->poll();
    }
  }
  std::size_t count(std::string_view kind) const {
    std::size_t n = 0;
    for (const auto& e : events) n += e.kind == kind ? 1 : 0;
    return n;
  }
};

Config paper_config() {
  Config c;
  c.risk.min_confidence = 0.5;
  return c;
}

TEST(ServerPaper, simulated_market_turns_signals_into_orders_fills_and_positions) {
  Harness h(paper_config());
  ASSERT_NE(h.server, nullptr);
  h.run_for(std::chrono::minutes(30));
  auto status = h.server->status();
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_GT(status->execution.signals, 0u);
  EXPECT_GT(status->execution.orders_sent, 0u);
  EXPECT_GT(status->portfolio.fills, 0u);
  EXPECT_GT(h.count("fill"), 0u);
  for (const auto& e : h.events) std::printf("%s %s\n", e.kind.c_str(), e.text.c_str());
}

}  // namespace
}  // namespace nzeza::app

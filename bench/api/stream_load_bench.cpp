// The live stream under load: an in-process paper server (simulated market served over the
// loopback feed, real clock, threaded actors) trading with its operator API, measured twice in
// the same run — first with no stream client, then with N WebSocket clients subscribed to prices
// (one thread of clients, reading as fast as they can).
//
// Reports per phase: the pipeline's tick → reference mark latency (every tick that moved a price:
// the feed's receive time to the mark handed to execution, on the market thread) and tick →
// order intent (ServerOptions::on_intent: the close a tick's trailing stop triggers; an operator
// entry every 50 ms reopens the position), p50/p99/max; and with clients: events/s received,
// clients dropped, prices conflated.
//
//   bench_api_stream [clients=500] [seconds per phase=20] [step_ms=5] [candle_ms=1000]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/operator_api.hpp"
#include "api/stream_hub.hpp"
#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "core/clock.hpp"
#include "integration/api/stream_client.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace nzeza;
using namespace std::chrono_literals;

struct Samples {
  std::mutex mu;
  std::vector<std::int64_t> mark_ns;
  std::vector<std::int64_t> intent_ns;
  void add(std::vector<std::int64_t>& v, std::int64_t ns) {
    std::lock_guard lock(mu);
    v.push_back(ns);
  }
  std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>> take() {
    std::lock_guard lock(mu);
    return {std::exchange(mark_ns, {}), std::exchange(intent_ns, {})};
  }
};

// Forwards to the API's stream and measures tick → mark on the way (on the market thread).
class Probe final : public app::ServerObserver {
 public:
  Probe(std::shared_ptr<app::ServerObserver> next, Clock& clock, Samples& samples)
      : next_(std::move(next)), clock_(clock), samples_(samples) {}
  void on_market(const MarketEvent& e) override { next_->on_market(e); }
  void on_mark(const app::ReferenceMark& m) override {
    if (m.tick_received.ns() > 0 && m.fresh)
      samples_.add(samples_.mark_ns, (clock_.now() - m.tick_received).count());
    next_->on_mark(m);
  }
  void on_candle(SymbolId s, const market::Candle& c) override { next_->on_candle(s, c); }
  void on_signal(const app::SignalMsg& s) override { next_->on_signal(s); }
  void on_event(const app::TradeEvent& e) override { next_->on_event(e); }

 private:
  std::shared_ptr<app::ServerObserver> next_;
  Clock& clock_;
  Samples& samples_;
};

std::string percentiles(std::vector<std::int64_t> v) {
  if (v.empty()) return "n=0";
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
  };
  char buf[160];
  std::snprintf(buf, sizeof buf, "n=%zu p50=%.1f us p99=%.1f us max=%.1f us", v.size(),
                static_cast<double>(at(0.50)) / 1e3, static_cast<double>(at(0.99)) / 1e3,
                static_cast<double>(v.back()) / 1e3);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t clients = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 500;
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 20;
  const int step_ms = argc > 3 ? std::atoi(argv[3]) : 5;
  const int candle_ms = argc > 4 ? std::atoi(argv[4]) : 1000;

  testsupport::TempDir dir("nzeza-bench-stream");
  app::Config c;
  c.data_dir = dir.str();
  c.candle_interval = std::chrono::milliseconds(candle_ms);
  c.market_data.step_interval = std::chrono::milliseconds(step_ms);
  c.risk.min_confidence = 0.0;
  c.risk.max_trades_per_hour = 1'000'000;
  c.risk.max_trades_per_day = 1'000'000;
  c.risk.max_daily_loss_fraction = Decimal::from_raw8(99'000'000);
  c.risk.max_drawdown_fraction = Decimal::from_raw8(99'000'000);
  c.api.port = 0;

  Samples samples;
  SystemClock clock;
  app::ServerOptions so;
  so.feed = app::MarketFeed::loopback;
  so.on_intent = [&](const venues::PlaceIntent&, Timestamp tick) {
    if (tick.ns() > 0) samples.add(samples.intent_ns, (clock.now() - tick).count());
  };
  auto server = app::TradingServer::start(c, clock, std::move(so));
  if (!server) {
    std::fprintf(stderr, "server: %s\n", server.error().message.c_str());
    return 1;
  }
  api::OperatorApiOptions ao;
  ao.server.max_connections = clients + 64;
  ao.service.per_address = api::BucketLimits{static_cast<double>(clients) + 64, 1000};
  ao.service.per_key = api::BucketLimits{static_cast<double>(clients) + 64, 1000};
  auto api = api::OperatorApi::start(**server, clock, c, std::move(ao));
  if (!api) {
    std::fprintf(stderr, "api: %s\n", api.error().message.c_str());
    return 1;
  }
  (*server)->set_observer(std::make_shared<Probe>((*api)->stream().observer(), clock, samples));
  auto key = (*api)->keys().add(api::Scope::read, "bench", clock.now());
  if (!key) return 1;

  std::printf("bench_api_stream: clients=%zu phase=%d s step=%d ms symbols=%zu candle=%d ms\n",
              clients, seconds, step_ms, c.paper.symbols.size(), candle_ms);
  std::atomic<bool> trading{true};
  std::thread entries([&] {
    while (trading.load()) {
      for (const auto& sym : c.paper.symbols)
        (void)(*server)->submit_signal(sym, strategy::SignalKind::buy, 1.0);
      std::this_thread::sleep_for(50ms);
    }
  });
  std::this_thread::sleep_for(2s);  // warm-up: feeds connected, first candles
  (void)samples.take();

  // Phase 1: no stream client.
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  auto [mark0, intent0] = samples.take();
  std::printf("without clients: tick->mark %s\n", percentiles(mark0).c_str());
  std::printf("without clients: tick->intent %s\n", percentiles(intent0).c_str());

  // Phase 2: N clients on prices.
  api::test::StreamFleet fleet((*api)->port(), key->key, {"prices"}, clients);
  const auto ready_by = std::chrono::steady_clock::now() + 60s;
  while (fleet.subscribed() + fleet.closed() < clients &&
         std::chrono::steady_clock::now() < ready_by)
    std::this_thread::sleep_for(10ms);
  std::printf("clients subscribed: %zu (failed: %zu)\n", fleet.subscribed(), fleet.closed());
  (void)samples.take();
  const auto before = (*api)->stream().stats();
  const auto events0 = fleet.events();
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto events1 = fleet.events();
  const auto after = (*api)->stream().stats();
  auto [mark1, intent1] = samples.take();
  std::printf("with clients: tick->mark %s\n", percentiles(mark1).c_str());
  std::printf("with clients: tick->intent %s\n", percentiles(intent1).c_str());
  const auto queued = after.messages[0] - before.messages[0];
  std::printf(
      "with clients: received %.0f events/s (%.0f per client/s); queued %.0f/s; conflated "
      "%.0f/s; dropped clients %llu; sockets closed %zu; inbox dropped %llu\n",
      static_cast<double>(events1 - events0) / elapsed,
      static_cast<double>(events1 - events0) / elapsed / static_cast<double>(clients),
      static_cast<double>(queued) / elapsed,
      static_cast<double>(after.conflated - before.conflated) / elapsed,
      static_cast<unsigned long long>(after.dropped_clients), fleet.closed(),
      static_cast<unsigned long long>(after.inbox_dropped));
  trading.store(false);
  entries.join();
  if (auto st = (*server)->status()) {
    std::printf("server: signals %llu orders sent %llu refused %llu;",
                static_cast<unsigned long long>(st->execution.signals),
                static_cast<unsigned long long>(st->execution.orders_sent),
                static_cast<unsigned long long>(st->execution.orders_refused));
    for (const auto& [why, n] : st->execution.refusals)
      std::printf(" %s=%llu", why.c_str(), static_cast<unsigned long long>(n));
    std::printf("\n");
  }
  fleet.stop();
  (*api)->stop();
  (void)(*server)->stop();
  return 0;
}

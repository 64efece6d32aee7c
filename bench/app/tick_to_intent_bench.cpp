// A decoded tick to an order intent ready to send, through the trading server's actors
// (MarketDataHop → MarketShard → Execution → risk/route → intent), on one thread with manual
// dispatch: the figure is the pipeline's own cost, without the thread wake-ups a threaded
// dispatcher adds (docs/performance.md says how much those cost).
//
// - BM_TickToExitIntent: a position is open with a local stop-loss; the measured tick is a quote
//   that crosses it: reference price → ReferenceMark → exit monitor → close → router → intent.
//   Reports p50/p99/max in ns as counters over all iterations.
// - BM_TickWithoutIntent: a quote that moves the price but triggers nothing (the common case):
//   hop → shard → execution and portfolio marks.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "core/clock.hpp"

namespace {

using namespace nzeza;
using namespace std::chrono_literals;

struct Rig {
  ManualClock clock{Timestamp::from_seconds(1'767'225'600)};
  std::unique_ptr<app::TradingServer> server;
  const Instrument* btc = nullptr;
  bool intent = false;
  std::chrono::steady_clock::time_point intent_at;

  Rig() {
    app::Config c;
    c.paper.symbols = {"BTC-USD"};
    c.paper.starting_cash = Decimal::from_integer(100'000'000);
    c.risk.min_confidence = 0.0;
    c.risk.max_trades_per_hour = 1'000'000'000;
    c.risk.max_trades_per_day = 1'000'000'000;
    c.risk.max_daily_loss_fraction = Decimal::from_raw8(99'000'000);
    c.risk.max_drawdown_fraction = Decimal::from_raw8(99'000'000);
    c.exits.stop_loss = Decimal::from_raw8(100'000);  // 0.1 %
    c.exits.take_profit.reset();
    app::ServerOptions o;
    o.manual_dispatch = true;
    o.simulate_market = false;
    o.on_intent = [this](const venues::PlaceIntent&, Timestamp) {
      intent = true;
      intent_at = std::chrono::steady_clock::now();
    };
    server = std::move(app::TradingServer::start(c, clock, std::move(o)).value());
    btc = server->registry().find_canonical(Venue::paper, "BTC-USD");
  }
  MarketEvent quote(std::int64_t cents) {
    MarketEvent e;
    e.venue = Venue::paper;
    e.instrument = btc->id;
    e.symbol = btc->symbol;
    e.receive_time = clock.now();
    Quote q;
    q.bid = Decimal::from_raw8(cents * 1'000'000);
    q.ask = Decimal::from_raw8((cents + 1) * 1'000'000);
    q.bid_size = Decimal::from_integer(100);
    q.ask_size = Decimal::from_integer(100);
    e.body = q;
    return e;
  }
  void tick(std::int64_t cents) {
    clock.advance(100ms);
    server->inject(quote(cents));
    server->poll();
  }
};

std::int64_t percentile(std::vector<std::int64_t>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

void BM_TickToExitIntent(benchmark::State& state) {
  Rig rig;
  std::vector<std::int64_t> samples;
  samples.reserve(1 << 20);
  for (auto _ : state) {
    state.PauseTiming();
    rig.clock.advance(1min);
    rig.tick(4'500'000);  // 45000.00
    (void)rig.server->submit_signal("BTC-USD", strategy::SignalKind::buy, 0.9);
    rig.server->poll();  // entry → fill → exits armed (local stop-loss at 44955)
    rig.tick(4'500'000);
    rig.intent = false;
    rig.clock.advance(100ms);
    const MarketEvent crossing = rig.quote(4'490'000);  // 44900: below the stop
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    rig.server->inject(crossing);
    rig.server->poll();
    state.PauseTiming();
    if (!rig.intent) {
      state.SkipWithError("the crossing tick gave no intent");
      break;
    }
    samples.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(rig.intent_at - t0).count());
    rig.server->poll();  // the close fills
    state.ResumeTiming();
  }
  state.counters["p50_ns"] = static_cast<double>(percentile(samples, 0.50));
  state.counters["p99_ns"] = static_cast<double>(percentile(samples, 0.99));
  state.counters["max_ns"] = static_cast<double>(samples.empty() ? 0 : samples.back());
}
BENCHMARK(BM_TickToExitIntent)->Iterations(20'000)->Unit(benchmark::kMicrosecond);

void BM_TickWithoutIntent(benchmark::State& state) {
  Rig rig;
  rig.tick(4'500'000);
  std::int64_t cents = 4'500'000;
  std::vector<std::int64_t> samples;
  samples.reserve(1 << 20);
  for (auto _ : state) {
    cents += (cents % 7 == 0) ? -3 : 2;
    rig.clock.advance(100ms);
    const MarketEvent e = rig.quote(cents);
    const auto t0 = std::chrono::steady_clock::now();
    rig.server->inject(e);
    rig.server->poll();
    samples.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
            .count());
  }
  state.counters["p50_ns"] = static_cast<double>(percentile(samples, 0.50));
  state.counters["p99_ns"] = static_cast<double>(percentile(samples, 0.99));
}
BENCHMARK(BM_TickWithoutIntent)->Iterations(200'000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

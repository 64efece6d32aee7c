// A decoded tick to an order intent ready to send, through the trading server's actors
// (MarketDataHop → MarketShard → Execution → risk/route → intent), on one thread with manual
// dispatch: the figure is the pipeline's own cost, without the thread wake-ups a threaded
// dispatcher adds (docs/performance.md says how much those cost).
//
// - BM_TickToExitIntent: a position is open with a local trailing stop; the measured tick is a
//   quote that crosses it: reference price → ReferenceMark → exit monitor → close → router →
//   intent. Reports p50/p99/max in ns as counters over all iterations.
// - BM_TickWithoutIntent: a quote that moves the price but triggers nothing (the common case):
//   hop → shard → execution and portfolio marks.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "core/clock.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace nzeza;
using namespace std::chrono_literals;

// One symbol, limits out of the way (the benchmark trades thousands of times), and a trailing
// stop: always watched locally (a stop-loss would rest at the paper venue).
app::Config bench_config() {
  app::Config c;
  // The journal in a directory of its own (each order's intent is written durably first).
  static const testsupport::TempDir journal_dir{"nzeza-bench"};
  c.data_dir = journal_dir.str();
  c.paper.symbols = {"BTC-USD"};
  c.paper.starting_cash = Decimal::from_integer(100'000'000);
  c.risk.min_confidence = 0.0;
  c.risk.max_trades_per_hour = 1'000'000'000;
  c.risk.max_trades_per_day = 1'000'000'000;
  c.risk.max_daily_loss_fraction = Decimal::from_raw8(99'000'000);
  c.risk.max_drawdown_fraction = Decimal::from_raw8(99'000'000);
  c.exits.stop_loss.reset();
  c.exits.take_profit.reset();
  c.exits.trailing_stop = Decimal::from_raw8(100'000);  // 0.1 % under the best price
  return c;
}

// A quote of `inst` with a one-cent spread above `cents`, received at `at`.
MarketEvent bench_quote(const Instrument& inst, Timestamp at, std::int64_t cents) {
  MarketEvent e;
  e.venue = Venue::paper;
  e.instrument = inst.id;
  e.symbol = inst.symbol;
  e.receive_time = at;
  Quote q;
  q.bid = Decimal::from_raw8(cents * 1'000'000);
  q.ask = Decimal::from_raw8((cents + 1) * 1'000'000);
  q.bid_size = Decimal::from_integer(100);
  q.ask_size = Decimal::from_integer(100);
  e.body = q;
  return e;
}

struct Rig {
  ManualClock clock{Timestamp::from_seconds(1'767'225'600)};
  std::unique_ptr<app::TradingServer> server;
  const Instrument* btc = nullptr;
  bool intent = false;
  std::chrono::steady_clock::time_point intent_at;

  Rig() {
    const app::Config c = bench_config();
    app::ServerOptions o;
    o.manual_dispatch = true;
    o.simulate_market = false;
    o.on_event = [](const app::TradeEvent& e) {
      if (getenv("BENCH_DEBUG")) std::printf("%s %s\n", e.kind.c_str(), e.text.c_str());
    };
    o.on_intent = [this](const venues::PlaceIntent&, Timestamp) {
      intent = true;
      intent_at = std::chrono::steady_clock::now();
    };
    server = std::move(app::TradingServer::start(c, clock, std::move(o)).value());
    btc = server->registry().find_canonical(Venue::paper, "BTC-USD");
  }
  MarketEvent quote(std::int64_t cents) { return bench_quote(*btc, clock.now(), cents); }
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
    rig.server->poll();   // entry → fill → exits armed (local trailing stop 0.1 % under)
    rig.tick(4'500'100);  // a new best price the trailing stop follows
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

// The same exit path with the server's real threads: the tick is injected from this thread (as a
// feed thread would), the market shard runs on the `market` dispatcher thread, execution on the
// `orders` thread; the figure includes both thread wake-ups.
void BM_TickToExitIntentThreaded(benchmark::State& state) {
  // range(0): microseconds of quiet before the crossing tick (the market thread sleeps).
  const auto idle = std::chrono::microseconds(state.range(0));
  SystemClock clock;
  std::atomic<bool> intent{false};
  std::atomic<bool> armed{false};
  std::atomic<bool> flat{true};
  std::atomic<std::int64_t> intent_ns{0};
  const app::Config c = bench_config();
  app::ServerOptions o;
  o.simulate_market = false;
  o.warm_up_candles = 0;
  o.on_intent = [&](const venues::PlaceIntent& i, Timestamp) {
    if (!i.reduce_only) return;
    intent_ns.store(std::chrono::steady_clock::now().time_since_epoch().count());
    intent.store(true);
  };
  o.on_event = [&](const app::TradeEvent& e) {
    if (getenv("BENCH_DEBUG")) std::printf("%s %s\n", e.kind.c_str(), e.text.c_str());
    if (e.kind == "exit" && e.text.find("armed") != std::string::npos) armed.store(true);
    if (e.kind == "fill" && e.text.size() >= 11 && e.text.ends_with("; position 0"))
      flat.store(true);
  };
  auto server = std::move(app::TradingServer::start(c, clock, std::move(o)).value());
  const Instrument* btc = server->registry().find_canonical(Venue::paper, "BTC-USD");
  auto quote = [&](std::int64_t cents) { return bench_quote(*btc, clock.now(), cents); };
  auto wait = [](std::atomic<bool>& flag) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!flag.load() && std::chrono::steady_clock::now() < until) std::this_thread::yield();
    return flag.load();
  };
  std::vector<std::int64_t> samples;
  std::int64_t base = 4'500'000;
  for (auto _ : state) {
    state.PauseTiming();
    base += 10;
    armed.store(false);
    flat.store(false);
    server->inject(quote(base));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the mark reaches execution
    // The previous close may still be finishing (its order's end arrives after its fill): ask
    // again until the entry is armed.
    for (int tries = 0; tries < 50 && !armed.load(); ++tries) {
      (void)server->submit_signal("BTC-USD", strategy::SignalKind::buy, 0.9);
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
      while (!armed.load() && std::chrono::steady_clock::now() < until) std::this_thread::yield();
    }
    if (!armed.load()) {
      state.SkipWithError("the entry was not armed");
      break;
    }
    if (idle.count() > 0) std::this_thread::sleep_for(idle);
    intent.store(false);
    const MarketEvent crossing = quote(base - 10'000);  // 100 USD under: crosses 0.1 %
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now().time_since_epoch().count();
    server->inject(crossing);
    const bool got = wait(intent);
    state.PauseTiming();
    if (!got) {
      state.SkipWithError("the crossing tick gave no intent");
      break;
    }
    samples.push_back(intent_ns.load() - t0);
    if (!wait(flat)) {  // the close fills
      state.SkipWithError("the close did not fill");
      break;
    }
    state.ResumeTiming();
  }
  state.counters["p50_ns"] = static_cast<double>(percentile(samples, 0.50));
  state.counters["p99_ns"] = static_cast<double>(percentile(samples, 0.99));
  state.counters["max_ns"] = static_cast<double>(samples.empty() ? 0 : samples.back());
}
BENCHMARK(BM_TickToExitIntentThreaded)->Arg(1000)->Iterations(2'000)->Unit(benchmark::kMicrosecond);

// Baseline for the threaded figure, in the same run: waking a thread that sleeps on a condition
// variable after 1 ms of quiet, until it runs (what the market thread's wake-up costs at least).
void BM_ThreadWakeBaseline(benchmark::State& state) {
  std::mutex mu;
  std::condition_variable cv;
  bool go = false;
  bool quit = false;
  std::atomic<std::int64_t> woke_ns{0};
  std::thread sleeper([&] {
    std::unique_lock lock(mu);
    for (;;) {
      cv.wait(lock, [&] { return go || quit; });
      if (quit) return;
      go = false;
      woke_ns.store(std::chrono::steady_clock::now().time_since_epoch().count());
    }
  });
  std::vector<std::int64_t> samples;
  for (auto _ : state) {
    state.PauseTiming();
    woke_ns.store(0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now().time_since_epoch().count();
    {
      std::lock_guard lock(mu);
      go = true;
    }
    cv.notify_one();
    while (woke_ns.load() == 0) std::this_thread::yield();
    state.PauseTiming();
    samples.push_back(woke_ns.load() - t0);
    state.ResumeTiming();
  }
  {
    std::lock_guard lock(mu);
    quit = true;
  }
  cv.notify_one();
  sleeper.join();
  state.counters["p50_ns"] = static_cast<double>(percentile(samples, 0.50));
  state.counters["p99_ns"] = static_cast<double>(percentile(samples, 0.99));
}
BENCHMARK(BM_ThreadWakeBaseline)->Iterations(2'000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();

// Wire to wire on loopback, `mode = "live"`: a market-data frame written by a venue's feed
// simulator → the trading server's feed socket → codec → MarketDataHop → market shard →
// execution (local trailing stop) → router → order tracker → ThrottledClient → the real Binance
// client → the signed POST /api/v3/order read by the Binance venue simulator.
//
// Both ends are timed on the simulators' side with steady_clock: FeedSimOptions::on_frame_write
// (just before the frame's write to the socket starts, on the feed simulator's thread) and
// SimOptions::on_request (as the Binance simulator starts handling the request its HTTP server
// read and parsed). Everything between is the server's real threads (network, market, orders)
// and sockets; nothing is injected.
//
// One tick, one order: a position is opened by TradingServer::submit_signal (MARKET BUY, filled
// at once in the simulator's answer) with only a local trailing stop (0.1 %; no stop-loss, which
// would rest natively at the venue); after a quiet pause the measured frame is a bookTicker quote
// 100 USDT lower, which crosses the trailing level, and the close (MARKET SELL) is the measured
// request. Between iterations the close fills ("fill" event ending "; position 0") and the
// position is opened again.
//
// Baseline in the same run, interleaved with the samples: a loopback HTTP round trip through the
// same net::HttpClient to the same simulator (GET /api/v3/time, kept-alive connection), timed on
// the caller's side from async_request() to the callback, after the same quiet pause.
//
// Pacing: Binance allows 50 orders per 10 s (ORDERS_10S) and the server's rate limiter enforces
// it; each iteration sends two orders, so iterations start kPeriod apart, slower than the
// bucket's refill, and the measured close never waits for a token.
//
// Counters: wire_p50/p99/max_us, rtt_p50/p99/max_us, ratio_p99 = wire p99 / rtt p99, and the
// wire figure split at ServerOptions::on_intent (the close's intent ready in execution, on the
// market thread): to_intent (feed socket, codec, hop, market thread wake-up, shard, execution)
// and to_venue (router, tracker, throttled client, HTTP client, network thread wake-up, write,
// the simulator's read). WIRE_SAMPLES=<file> writes the raw samples (ns: wire to_intent rtt, and
// the frame's steady_clock time to find it in a `perf record -k CLOCK_MONOTONIC` trace).
// Iterations: WIRE_ITERATIONS (default 1000, ~7 minutes); WIRE_PERIOD_MS: see period().
// WIRE_DEFLATE=1: the feed simulator accepts the client's permessage-deflate offer (its compression
// then lies inside the figure). WIRE_NO_PRIVATE=1: no user data stream (fills from the place
// answers only). BENCH_DEBUG=1 prints the server's events and the requests the venue saw.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "core/clock.hpp"
#include "net/http_client.hpp"
#include "net/net_context.hpp"
#include "sim/binance/binance_sim.hpp"
#include "sim/feeds/feed_sim.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace nzeza;
using namespace std::chrono_literals;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr const char* kEnvPrefix = "WIRE_BENCH_BINANCE";
constexpr const char* kSymbol = "BTC-USDT";  // canonical
constexpr const char* kWireSymbol = "BTCUSDT";
// The quote that sets the reference at 50000, and the one that crosses the 0.1 % trailing stop
// (level 49950): its bid text marks the measured frame.
constexpr const char* kUpBid = "49999.99";
constexpr const char* kUpAsk = "50000.01";
constexpr const char* kDownBid = "49899.99";
constexpr const char* kDownAsk = "49900.01";
constexpr auto kQuiet = 1ms;     // before each sample: every thread of the path is asleep
constexpr auto kPeriod = 420ms;  // two orders per iteration under ORDERS_10S = 50

// WIRE_PERIOD_MS overrides kPeriod (warm-cache experiments: 0 keeps caches warm, and the limiter's
// bucket of 50 orders lets 24 iterations through before closes would wait for a token).
std::chrono::milliseconds period() {
  if (const char* p = getenv("WIRE_PERIOD_MS")) return std::chrono::milliseconds(std::atol(p));
  return kPeriod;
}
constexpr std::chrono::milliseconds kGuard = 5s;  // real-time bound of one wait

Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

std::int64_t ns_between(SteadyTime a, SteadyTime b) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count();
}

std::int64_t percentile(std::vector<std::int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// Conditions set by the simulators' and the server's threads, waited for by the bench thread.
// The probes on the measured path (frame write, request read) only store a time; the bench
// thread is woken after the request's time is taken.
class Probes {
 public:
  void set(std::atomic<bool>& flag) {
    {
      std::lock_guard lock(mu_);
      flag.store(true);
    }
    cv_.notify_all();
  }
  bool wait(const std::atomic<bool>& flag, std::chrono::milliseconds guard = kGuard) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, guard, [&] { return flag.load(); });
  }

  std::atomic<bool> want_frame{false};
  std::atomic<bool> frame_written{false};
  SteadyTime frame_at;
  std::atomic<bool> want_close{false};
  std::atomic<bool> close_read{false};
  SteadyTime close_at;
  std::atomic<bool> armed{false};
  std::atomic<bool> flat{false};
  std::atomic<bool> rtt_done{false};
  SteadyTime rtt_at;
  std::atomic<bool> want_intent{false};
  std::atomic<bool> intent_ready{false};
  SteadyTime intent_at;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
};

// A form parameter's presence in a request's query or body ("side=SELL").
bool has_param(const testsupport::HttpSeen& r, std::string_view pair) {
  return r.target.find(pair) != std::string::npos || r.body.find(pair) != std::string::npos;
}

class Rig {
 public:
  Status start() {
    sim::binance::SimOptions bo;
    bo.on_request = [this](const testsupport::HttpSeen& r, SteadyTime at) {
      if (!probes.want_close.load(std::memory_order_relaxed) || r.method != "POST" ||
          r.target.rfind("/api/v3/order", 0) != 0 || !has_param(r, "side=SELL"))
        return;
      probes.want_close.store(false);
      probes.close_at = at;
      probes.set(probes.close_read);
    };
    venue = std::make_unique<sim::binance::BinanceSim>(bo);
    sim::binance::SimSymbol btc{kWireSymbol, "BTC", "USDT"};
    btc.tick = dec("0.01");
    btc.step = dec("0.00001");
    btc.min_qty = dec("0.00001");
    venue->add_symbol(btc);
    venue->set_price(kWireSymbol, dec("50000"));  // every order fills here
    venue->set_balance("USDT", dec("1000000"));

    sim::feeds::FeedSimOptions fo;
    fo.binance_first_diff = false;  // no depth snapshot: the reference comes from quotes
    // Off by default: with permessage-deflate the simulator compresses each frame after the
    // write probe, which would count the simulator's own deflate in the server's figure.
    fo.permessage_deflate = deflate;
    fo.on_frame_write = [this](std::string_view frame, SteadyTime at) {
      if (!probes.want_frame.load(std::memory_order_relaxed) ||
          frame.find(kDownBid) == std::string_view::npos)
        return;
      probes.want_frame.store(false);
      probes.frame_at = at;
      probes.frame_written.store(true);
    };
    feed = std::make_unique<sim::feeds::FeedSim>(Venue::binance, fo);

    ::setenv((std::string(kEnvPrefix) + "_API_KEY").c_str(), venue->options().api_key.c_str(), 1);
    ::setenv((std::string(kEnvPrefix) + "_API_SECRET").c_str(), venue->options().api_secret.c_str(),
             1);

    app::Config c;
    // The journal in a directory of its own (each order's intent is written durably first).
    static const testsupport::TempDir journal_dir{"nzeza-bench"};
    c.data_dir = journal_dir.str();
    c.mode = app::Mode::live;
    c.market_data.source = app::MarketDataSource::live;
    app::VenueConfig v;
    v.venue = Venue::binance;
    v.symbols = {kWireSymbol};
    v.rest_url = venue->base_url();
    v.ws_url = feed->ws_url();
    if (getenv("WIRE_NO_PRIVATE") == nullptr)
      v.private_ws_url = venue->ws_api_url();  // the user data stream (executionReports)
    v.credentials = {app::CredentialsSource::Kind::env, kEnvPrefix};
    c.venues.push_back(v);
    c.candle_interval = std::chrono::hours(1);  // no candle closes: no strategy signal
    // Every entry is exactly 0.2 BTC (10000 USDT at 50000, the cap below the 2 % exposure):
    // the venue's 0.1 % commission in BTC then leaves 0.1998, on the lot, which the close sells
    // whole. A size off the 0.01 grid would leave sub-lot dust that no close can sell.
    c.sizing.exposure_per_trade = dec("0.02");
    c.risk.max_order_notional = dec("10000");
    c.risk.min_confidence = 0.0;
    c.risk.max_trades_per_hour = 1'000'000'000;
    c.risk.max_trades_per_day = 1'000'000'000;
    c.risk.max_daily_loss_fraction = dec("0.99");
    c.risk.max_drawdown_fraction = dec("0.99");
    c.exits.stop_loss.reset();  // a stop-loss would rest natively at the venue
    c.exits.take_profit.reset();
    c.exits.trailing_stop = dec("0.001");

    app::ServerOptions o;
    o.warm_up_candles = 0;
    // The split point: the close's intent ready in execution (market thread), before routing.
    o.on_intent = [this](const venues::PlaceIntent& i, Timestamp) {
      if (!i.reduce_only || !probes.want_intent.load(std::memory_order_relaxed)) return;
      probes.intent_at = std::chrono::steady_clock::now();
      probes.want_intent.store(false);
      probes.intent_ready.store(true);
    };
    o.on_event = [this](const app::TradeEvent& e) {
      if (debug) std::printf("%s: %s\n", e.kind.c_str(), e.text.c_str());
      if (e.kind == "exit" && e.text.find("armed") != std::string::npos) {
        probes.set(probes.armed);
      } else if ((e.kind == "fill" || e.kind == "exit") && e.text.ends_with("; position 0")) {
        probes.set(probes.flat);
      }
    };
    auto made = app::TradingServer::start(c, clock, std::move(o));
    if (!made) return made.error();
    server = std::move(*made);

    net.start();
    http = std::make_unique<net::HttpClient>(net, clock);
    const bool subscribed = poll_until([&] {
      if (feed->connections() == 0) return false;
      for (const auto& s : feed->subscriptions(feed->connections() - 1))
        if (s.find("bookTicker") != std::string::npos) return true;
      return false;
    });
    if (!subscribed) return Error{ErrorCode::timeout, "the server's feed did not subscribe"};
    if (getenv("WIRE_NO_PRIVATE") == nullptr &&
        !poll_until([&] { return venue->stream_subscriptions() >= 1; }))
      return Error{ErrorCode::timeout, "the server's user data stream did not subscribe"};
    return {};
  }

  void stop() {
    if (debug && venue) {
      std::map<std::string, int> seen;
      for (const auto& r : venue->requests())
        ++seen[r.method + ' ' + r.target.substr(0, r.target.find('?'))];
      for (const auto& [what, n] : seen) std::printf("venue sim: %d x %s\n", n, what.c_str());
    }
    if (server) (void)server->stop();
    server.reset();
    http.reset();
    net.stop();
    if (feed) feed->stop();
    if (venue) venue->stop();
  }

  // The reference price is `mid` and fresh (the server's own status).
  bool reference_is(const Decimal& mid) {
    auto s = server->status();
    if (!s) return false;
    for (const auto& sym : s->symbols)
      if (sym.symbol == kSymbol && sym.fresh && sym.reference && *sym.reference == mid) return true;
    return false;
  }
  template <typename P>
  static bool poll_until(P&& p) {
    const auto until = std::chrono::steady_clock::now() + kGuard;
    while (!p()) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(200us);
    }
    return true;
  }

  // Quote at 50000, then a long position with its trailing stop armed.
  Status enter() {
    probes.armed.store(false);
    probes.flat.store(false);
    feed->publish_quote(kWireSymbol, {kUpBid, "5"}, {kUpAsk, "5"});
    if (!poll_until([&] { return reference_is(dec("50000")); }))
      return Error{ErrorCode::timeout, "the 50000 quote did not reach the shard"};
    // The previous close may still be finishing (its order's end follows its fill): ask again.
    for (int tries = 0; tries < 20 && !probes.armed.load(); ++tries) {
      (void)server->submit_signal(kSymbol, strategy::SignalKind::buy, 0.9);
      if (probes.wait(probes.armed, 250ms)) break;
    }
    if (!probes.armed.load()) return Error{ErrorCode::timeout, "the entry was not armed"};
    return {};
  }

  // One loopback HTTP round trip through the same client class to the same simulator.
  Result<std::int64_t> round_trip() {
    probes.rtt_done.store(false);
    net::HttpRequest r;
    r.url = venue->base_url() + "/api/v3/time";
    const SteadyTime t0 = std::chrono::steady_clock::now();
    http->async_request(std::move(r), [this](Result<net::HttpResponse> resp) {
      probes.rtt_at = std::chrono::steady_clock::now();
      ok_rtt = resp.ok() && resp->success();
      probes.set(probes.rtt_done);
    });
    if (!probes.wait(probes.rtt_done) || !ok_rtt)
      return Error{ErrorCode::network, "GET /api/v3/time failed"};
    return ns_between(t0, probes.rtt_at);
  }

  struct WireSample {
    std::int64_t total_ns = 0;
    std::int64_t to_intent_ns = 0;  // frame written → close intent ready in execution
    std::int64_t frame_at_ns = 0;   // steady_clock (CLOCK_MONOTONIC): to match a perf trace
  };
  // The crossing quote → the close request at the venue.
  Result<WireSample> wire() {
    probes.frame_written.store(false);
    probes.close_read.store(false);
    probes.intent_ready.store(false);
    probes.want_close.store(true);
    probes.want_intent.store(true);
    probes.want_frame.store(true);
    feed->publish_quote(kWireSymbol, {kDownBid, "5"}, {kDownAsk, "5"});
    if (!probes.wait(probes.close_read))
      return Error{ErrorCode::timeout, "no close request reached the venue"};
    if (!probes.frame_written.load())
      return Error{ErrorCode::internal, "the close came before the crossing frame was written"};
    if (!probes.intent_ready.load())
      return Error{ErrorCode::internal, "the close reached the venue without an intent"};
    const WireSample sample{ns_between(probes.frame_at, probes.close_at),
                            ns_between(probes.frame_at, probes.intent_at),
                            probes.frame_at.time_since_epoch().count()};
    if (!probes.wait(probes.flat)) return Error{ErrorCode::timeout, "the close did not fill"};
    return sample;
  }

  const bool debug = getenv("BENCH_DEBUG") != nullptr;
  const bool deflate = getenv("WIRE_DEFLATE") != nullptr;
  Probes probes;
  SystemClock clock;
  std::unique_ptr<sim::binance::BinanceSim> venue;
  std::unique_ptr<sim::feeds::FeedSim> feed;
  std::unique_ptr<app::TradingServer> server;
  net::NetContext net;
  std::unique_ptr<net::HttpClient> http;
  bool ok_rtt = false;
};

void BM_WireToWire(benchmark::State& state) {
  Rig rig;
  if (auto st = rig.start(); !st) {
    state.SkipWithError(("start: " + st.error().message).c_str());
    return;
  }
  std::vector<std::int64_t> wire;
  std::vector<std::int64_t> to_intent;
  std::vector<std::int64_t> to_venue;
  std::vector<std::int64_t> frame_at;
  std::vector<std::int64_t> rtt;
  auto next = std::chrono::steady_clock::now();
  for (auto _ : state) {
    std::this_thread::sleep_until(next);
    next = std::chrono::steady_clock::now() + period();
    if (auto st = rig.enter(); !st) {
      state.SkipWithError(st.error().message.c_str());
      break;
    }
    std::this_thread::sleep_for(kQuiet);
    auto r = rig.round_trip();
    if (!r) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
    rtt.push_back(*r);
    std::this_thread::sleep_for(kQuiet);
    auto w = rig.wire();
    if (!w) {
      state.SkipWithError(w.error().message.c_str());
      break;
    }
    wire.push_back(w->total_ns);
    to_intent.push_back(w->to_intent_ns);
    to_venue.push_back(w->total_ns - w->to_intent_ns);
    frame_at.push_back(w->frame_at_ns);
  }
  rig.stop();
  const auto us = [](std::int64_t ns) { return static_cast<double>(ns) / 1000.0; };
  const std::int64_t wire_p99 = percentile(wire, 0.99);
  const std::int64_t rtt_p99 = percentile(rtt, 0.99);
  state.counters["wire_p50_us"] = us(percentile(wire, 0.50));
  state.counters["wire_p99_us"] = us(wire_p99);
  state.counters["wire_max_us"] = us(percentile(wire, 1.0));
  state.counters["to_intent_p50_us"] = us(percentile(to_intent, 0.50));
  state.counters["to_intent_p99_us"] = us(percentile(to_intent, 0.99));
  state.counters["to_venue_p50_us"] = us(percentile(to_venue, 0.50));
  state.counters["to_venue_p99_us"] = us(percentile(to_venue, 0.99));
  state.counters["rtt_p50_us"] = us(percentile(rtt, 0.50));
  state.counters["rtt_p99_us"] = us(rtt_p99);
  state.counters["rtt_max_us"] = us(percentile(rtt, 1.0));
  state.counters["ratio_p99"] =
      rtt_p99 > 0 ? static_cast<double>(wire_p99) / static_cast<double>(rtt_p99) : 0.0;
  if (const char* out = getenv("WIRE_SAMPLES")) {  // raw samples (ns) for offline analysis
    if (FILE* f = std::fopen(out, "w")) {
      for (std::size_t i = 0; i < wire.size(); ++i)
        std::fprintf(f, "%lld %lld %lld %lld\n", static_cast<long long>(wire[i]),
                     static_cast<long long>(to_intent[i]),
                     static_cast<long long>(i < rtt.size() ? rtt[i] : 0),
                     static_cast<long long>(frame_at[i]));
      std::fclose(f);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  long iterations = 1000;
  if (const char* n = getenv("WIRE_ITERATIONS")) iterations = std::max(1L, std::atol(n));
  std::printf(
      "wire_to_wire: %ld iterations, %lld ms apart, %lld us quiet before each sample, feed "
      "permessage-deflate %s\n",
      iterations, static_cast<long long>(period().count()),
      static_cast<long long>(std::chrono::microseconds(kQuiet).count()),
      getenv("WIRE_DEFLATE") != nullptr ? "on" : "off");
  benchmark::RegisterBenchmark("BM_WireToWire", BM_WireToWire)
      ->Iterations(iterations)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

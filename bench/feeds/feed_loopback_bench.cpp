// Messages per second through a real loopback WebSocket, end to end on our side: the loopback
// server writes pre-built frames as fast as it can; the FeedSession's WsClient reads them, the
// venue codec decodes them into MarketEvents, and a counting sink receives them. One iteration
// = kFrames frames; the time is wall time from the first send to the last event (manual time).
//
// The server (tests/support/WsServer, one Beast write per frame through its strand) is part of
// the loop, so the figure is a lower bound for the client side. permessage-deflate is off (the
// venues' market-data streams are uncompressed by default).
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "net/net_context.hpp"
#include "net/ws_client.hpp"
#include "support/ws_server.hpp"
#include "venues/feed/feed_session.hpp"
#include "venues/feed/protocols.hpp"

namespace nzeza {
namespace {

constexpr std::size_t kFrames = 20'000;

struct CountingSink final : MarketEventSink {
  std::atomic<std::uint64_t> events{0};
  void on_event(const MarketEvent& e) override {
    if (!std::holds_alternative<VenueStatus>(e.body))
      events.fetch_add(1, std::memory_order_relaxed);
  }
};

Instrument instrument(Venue venue, std::string canonical, std::string venue_symbol,
                      std::string ws_symbol) {
  Instrument i;
  i.venue = venue;
  i.canonical = std::move(canonical);
  i.venue_symbol = std::move(venue_symbol);
  i.ws_symbol = std::move(ws_symbol);
  i.base = "BTC";
  i.quote = "USDT";
  i.tick_size = Decimal::from_raw8(1'000'000);
  i.lot_size = Decimal::from_raw8(1'000);
  return i;
}

template <typename MakeFrame>
void run(benchmark::State& state, Venue venue, Instrument inst, MakeFrame make_frame) {
  testsupport::WsServerOptions sopt;
  sopt.permessage_deflate = false;
  testsupport::WsServer server(sopt);
  SystemClock clock;
  net::NetContext net;
  net.start();
  InstrumentRegistry registry;
  const InstrumentId id = registry.add(inst).value();
  venues::feed::FeedOptions options;
  options.venue = venue;
  options.instruments = {id};
  options.url = server.url("/stream");
  options.rules = venues::feed::default_rules(venue);
  options.rules.control_per_second = 0;
  CountingSink sink;
  venues::feed::FeedSession session(net, clock, registry, options,
                                    venues::feed::protocol_factory(venue, registry).value(), sink);
  if (!session.start().ok()) {
    state.SkipWithError("feed did not start");
    return;
  }
  while (server.handshakes() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto ws = server.session(0);
  std::vector<std::string> frames;
  std::size_t bytes = 0;
  std::uint64_t expected = sink.events.load();
  for (auto _ : state) {
    // Built afresh (untimed): the generic feed refuses timestamps more than 5 s old.
    frames.clear();
    bytes = 0;
    for (std::size_t i = 0; i < kFrames; ++i) {
      frames.push_back(make_frame(i));
      bytes += frames.back().size();
    }
    const auto start = std::chrono::steady_clock::now();
    for (const auto& f : frames) ws->send(f);
    expected += kFrames;
    while (sink.events.load(std::memory_order_relaxed) < expected) std::this_thread::yield();
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kFrames));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  const auto stats = session.stats();
  state.counters["rejected"] = static_cast<double>(stats.rejected);
  session.stop();
}

void BM_loopback_binance_book_ticker(benchmark::State& state) {
  run(state, Venue::binance, instrument(Venue::binance, "BTC-USDT", "BTCUSDT", "btcusdt"),
      [](std::size_t i) {
        const std::string bid = std::to_string(50000 + i % 1000) + ".10";
        const std::string ask = std::to_string(50001 + i % 1000) + ".20";
        return R"({"stream":"btcusdt@bookTicker","data":{"u":)" + std::to_string(1000 + i) +
               R"(,"s":"BTCUSDT","b":")" + bid + R"(","B":"1.25000000","a":")" + ask +
               R"(","A":"2.50000000"}})";
      });
}
BENCHMARK(BM_loopback_binance_book_ticker)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_loopback_generic_price(benchmark::State& state) {
  run(state, Venue::generic, instrument(Venue::generic, "BTC-USD", "BTC-USD", ""),
      [](std::size_t i) {
        const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
        return R"({"symbol":"BTC-USD","price":)" + std::to_string(45000 + i % 1000) +
               R"(.5,"ts":)" + std::to_string(now_s) + "}";
      });
}
BENCHMARK(BM_loopback_generic_price)->UseManualTime()->Unit(benchmark::kMillisecond);

// Baseline in the same run: the same server and frames, a bare WsClient that only counts the
// messages (no decode, no session). Our pipeline's cost is the difference.
void BM_loopback_raw_wsclient_baseline(benchmark::State& state) {
  testsupport::WsServerOptions sopt;
  sopt.permessage_deflate = false;
  testsupport::WsServer server(sopt);
  SystemClock clock;
  net::NetContext net;
  net.start();
  net::WsClientConfig cfg;
  cfg.url = server.url("/stream");
  net::WsClient client(net, clock, cfg);
  std::atomic<std::uint64_t> received{0};
  client.on_message([&](std::string_view) { received.fetch_add(1, std::memory_order_relaxed); });
  if (!client.start().ok()) {
    state.SkipWithError("client did not start");
    return;
  }
  while (server.handshakes() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto ws = server.session(0);
  std::vector<std::string> frames;
  for (std::size_t i = 0; i < kFrames; ++i) {
    frames.push_back(R"({"stream":"btcusdt@bookTicker","data":{"u":)" + std::to_string(1000 + i) +
                     R"(,"s":"BTCUSDT","b":")" + std::to_string(50000 + i % 1000) +
                     R"(.10","B":"1.25000000","a":")" + std::to_string(50001 + i % 1000) +
                     R"(.20","A":"2.50000000"}})");
  }
  std::uint64_t expected = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    for (const auto& f : frames) ws->send(f);
    expected += kFrames;
    while (received.load(std::memory_order_relaxed) < expected) std::this_thread::yield();
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kFrames));
  client.stop();
  (void)client.wait_stopped();
}
BENCHMARK(BM_loopback_raw_wsclient_baseline)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace nzeza

BENCHMARK_MAIN();

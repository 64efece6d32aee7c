// Hyperliquid decode cost on its largest market-data message, an l2Book snapshot of 20 bids +
// 20 asks (prices and sizes as JSON strings): our HyperliquidCodec::decode (exact Decimals, the
// book rebuilt from the snapshot, 40 BookChange events to a sink) beside a baseline that only
// extracts the same fields with simdjson on-demand into string views and doubles. Same run,
// same frame. Goal: ours >= 0.6x the baseline's rate.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdint>
#include <string>

#include "../simd_kernel_bench.hpp"
#include "core/instrument.hpp"
#include "venues/hyperliquid/codec.hpp"

namespace {

using namespace nzeza;

struct NullSink final : MarketEventSink {
  std::uint64_t n = 0;
  void on_event(const MarketEvent&) override { ++n; }
};

// 20 levels a side, realistic widths: "64000.5" prices, five-decimal sizes.
std::string l2book_frame() {
  std::string f = R"({"channel":"l2Book","data":{"coin":"BTC","time":1714000000123,"levels":[[)";
  for (int i = 0; i < 20; ++i) {
    if (i) f += ',';
    f += R"({"px":")" + std::to_string(64000 - i) + R"(.5","sz":"0.)" +
         std::to_string(12345 + 17 * i) + R"(","n":)" + std::to_string(1 + i % 7) + "}";
  }
  f += "],[";
  for (int i = 0; i < 20; ++i) {
    if (i) f += ',';
    f += R"({"px":")" + std::to_string(64001 + i) + R"(.5","sz":")" + std::to_string(1 + i) + "." +
         std::to_string(10001 + 31 * i) + R"(","n":)" + std::to_string(1 + i % 5) + "}";
  }
  f += "]]}}";
  return f;
}

InstrumentRegistry make_registry() {
  InstrumentRegistry reg;
  Instrument i;
  i.venue = Venue::hyperliquid;
  i.kind = InstrumentKind::perpetual;
  i.canonical = "BTC-USD-PERP";
  i.venue_symbol = "BTC";
  i.base = "BTC";
  i.quote = "USD";
  i.price_rule = PriceRule::hyperliquid_sigfig;
  i.hyperliquid_asset = 0;
  i.hyperliquid_sz_decimals = 5;
  i.tick_size = Decimal::from_raw8(1);
  i.lot_size = Decimal::from_raw8(1'000);
  (void)reg.add(i);
  return reg;
}

void BM_hyperliquid_codec_l2book(benchmark::State& state) {
  static const InstrumentRegistry reg = make_registry();
  auto codec = venues::hyperliquid::HyperliquidCodec::create(reg).value();
  std::string frame = l2book_frame();
  frame.reserve(frame.size() + venues::hyperliquid::kFramePadding);
  NullSink sink;
  for (auto _ : state) {
    auto r = codec.decode(frame, Timestamp::from_seconds(1), sink);
    if (!r.ok() || r->resyncs != 0) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(frame.size()));
  state.counters["events_per_msg"] = static_cast<double>(sink.n) / state.iterations();
}

// Baseline: the same fields (channel, coin, time, 40 px/sz) into string views and doubles;
// nothing validated, applied or emitted.
void BM_baseline_simdjson_doubles(benchmark::State& state) {
  std::string frame = l2book_frame();
  frame.reserve(frame.size() + simdjson::SIMDJSON_PADDING);
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    auto doc = parser.iterate(frame.data(), frame.size(), frame.capacity());
    double sum = 0;
    std::string_view channel = doc["channel"].get_string().value();
    auto data = doc["data"].get_object().value();
    std::string_view coin = data["coin"].get_string().value();
    std::uint64_t time = data["time"].get_uint64().value();
    for (auto side : data["levels"].get_array()) {
      for (auto lv : side.get_array()) {
        sum += lv["px"].get_double_in_string().value();
        sum += lv["sz"].get_double_in_string().value();
      }
    }
    benchmark::DoNotOptimize(channel);
    benchmark::DoNotOptimize(coin);
    benchmark::DoNotOptimize(time);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(frame.size()));
}

// Each benchmark once per simdjson kernel, same run (../simd_kernel_bench.hpp).
[[maybe_unused]] const bool kRegistered = nzeza::bench::register_per_kernel(
    {{"BM_hyperliquid_codec_l2book", BM_hyperliquid_codec_l2book},
     {"BM_baseline_simdjson_doubles", BM_baseline_simdjson_doubles}});

}  // namespace

BENCHMARK_MAIN();

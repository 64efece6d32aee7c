// Kraken v2 decode cost on its largest message type, a depth-25 book snapshot (25 bids + 25
// asks): our KrakenCodec::decode (exact Decimals, book apply, CRC32 checksum, MarketEvents to
// a sink) beside a baseline that only extracts the same fields with simdjson on-demand into
// string views and doubles. Same run, same frame. Goal: ours >= 0.6x the baseline's rate.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <string>

#include "../simd_kernel_bench.hpp"
#include "core/instrument.hpp"
#include "venues/kraken/checksum.hpp"
#include "venues/kraken/codec.hpp"

namespace {

using namespace nzeza;

struct NullSink final : MarketEventSink {
  std::uint64_t n = 0;
  void on_event(const MarketEvent&) override { ++n; }
};

std::string level(int price_tenths, int qty_units) {
  return "{\"price\":" + std::to_string(price_tenths / 10) + "." +
         std::to_string(price_tenths % 10) + ",\"qty\":" + std::to_string(qty_units / 100'000'000) +
         "." +
         [&] {
           std::string f = std::to_string(qty_units % 100'000'000);
           return std::string(8 - f.size(), '0') + f;
         }() +
         "}";
}

// A depth-25 snapshot with a correct checksum.
std::string snapshot_frame() {
  market::OrderBook book(25);
  std::string bids;
  std::string asks;
  for (int i = 0; i < 25; ++i) {
    const int bid = 6'400'000 - 5 * i;  // 640000.0, 639999.5, ...
    const int ask = 6'400'005 + 5 * i;
    const int qty = 12'345'678 + 1'000 * i;
    bids += (i ? "," : "") + level(bid, qty);
    asks += (i ? "," : "") + level(ask, qty + 7);
    for (const auto& [side, p, q] : {std::tuple{Side::buy, bid, qty}, {Side::sell, ask, qty + 7}}) {
      BookChange c;
      c.side = side;
      c.price = Decimal::from_raw8(static_cast<std::int64_t>(p) * 10'000'000);
      c.size = Decimal::from_raw8(q);
      c.snapshot = true;
      c.reset = book.empty();
      (void)book.apply(c);
    }
  }
  const std::uint32_t checksum = venues::kraken::book_checksum(book, 1, 8);
  return "{\"channel\":\"book\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"BTC/"
         "USD\",\"bids\":[" +
         bids + "],\"asks\":[" + asks + "],\"checksum\":" + std::to_string(checksum) +
         ",\"timestamp\":\"2024-03-01T10:00:00.123456Z\"}]}";
}

InstrumentRegistry make_registry() {
  InstrumentRegistry reg;
  Instrument i;
  i.venue = Venue::kraken;
  i.canonical = "BTC-USD";
  i.venue_symbol = "XXBTZUSD";
  i.ws_symbol = "BTC/USD";
  i.base = "BTC";
  i.quote = "USD";
  i.tick_size = Decimal::from_raw8(10'000'000);
  i.lot_size = Decimal::from_raw8(1);
  (void)reg.add(i);
  return reg;
}

void BM_kraken_codec_book_snapshot(benchmark::State& state) {
  static const InstrumentRegistry reg = make_registry();
  venues::kraken::KrakenCodecConfig cfg;
  cfg.book_depth = 25;
  auto codec = venues::kraken::KrakenCodec::create(reg, cfg).value();
  std::string frame = snapshot_frame();
  frame.reserve(frame.size() + venues::kraken::kFramePadding);
  NullSink sink;
  for (auto _ : state) {
    auto r = codec.decode(frame, Timestamp::from_seconds(1), sink);
    if (!r.ok() || r->resyncs != 0) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(frame.size()));
  state.counters["events_per_msg"] = static_cast<double>(sink.n) / state.iterations();
  // 1 when every frame took the raw path (0: the simdjson path, which costs twice as much).
  state.counters["raw_per_msg"] =
      static_cast<double>(codec.stats().raw_frames) / static_cast<double>(codec.stats().frames);
}

// Baseline: the same fields into string views and doubles, nothing validated or applied.
void BM_baseline_simdjson_doubles(benchmark::State& state) {
  std::string frame = snapshot_frame();
  frame.reserve(frame.size() + simdjson::SIMDJSON_PADDING);
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    auto doc = parser.iterate(frame.data(), frame.size(), frame.capacity());
    double sum = 0;
    std::string_view channel = doc["channel"].get_string().value();
    std::string_view type = doc["type"].get_string().value();
    for (auto entry : doc["data"].get_array()) {
      std::string_view symbol = entry["symbol"].get_string().value();
      for (auto lv : entry["bids"].get_array()) {
        sum += lv["price"].get_double().value();
        sum += lv["qty"].get_double().value();
      }
      for (auto lv : entry["asks"].get_array()) {
        sum += lv["price"].get_double().value();
        sum += lv["qty"].get_double().value();
      }
      std::uint64_t checksum = entry["checksum"].get_uint64().value();
      std::string_view ts = entry["timestamp"].get_string().value();
      benchmark::DoNotOptimize(symbol);
      benchmark::DoNotOptimize(checksum);
      benchmark::DoNotOptimize(ts);
    }
    benchmark::DoNotOptimize(channel);
    benchmark::DoNotOptimize(type);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(frame.size()));
}

// Each benchmark once per simdjson kernel, same run (../simd_kernel_bench.hpp).
[[maybe_unused]] const bool kRegistered = nzeza::bench::register_per_kernel(
    {{"BM_kraken_codec_book_snapshot", BM_kraken_codec_book_snapshot},
     {"BM_baseline_simdjson_doubles", BM_baseline_simdjson_doubles}});

}  // namespace

BENCHMARK_MAIN();

// dYdX v4 indexer decode cost on its largest market-data message, the v4_orderbook `subscribed`
// snapshot (100 bids + 100 asks as {"price","size"} string objects), and on a typical
// `channel_data` book update (3 bid + 3 ask changes as ["price","size","offset"] arrays): our
// DydxCodec::decode (exact Decimals, book applied, message_id gap rule, events to a sink)
// beside a baseline that only extracts the same fields with simdjson on-demand into string
// views and doubles. Same run, same frames. Goal: ours >= 0.6x the baseline's rate.
//
// The gap rule needs consecutive message ids, so every iteration (ours and baseline alike)
// rewrites the frame's fixed-width message_id field in place first.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../simd_kernel_bench.hpp"
#include "core/instrument.hpp"
#include "venues/dydx/codec.hpp"

namespace {

using namespace nzeza;

struct NullSink final : MarketEventSink {
  std::uint64_t n = 0;
  void on_event(const MarketEvent&) override { ++n; }
};

constexpr int kIdWidth = 12;

// `"message_id":` followed by a kIdWidth-wide field (JSON forbids leading zeros, so the number
// is right-aligned behind spaces).
std::string id_field() {
  return "\"message_id\":" + std::string(kIdWidth, ' ');
}

// Writes `id` right-aligned into the field at `at` (the first char after "message_id":).
void set_id(std::string& f, std::size_t at, std::uint64_t id) {
  char* p = f.data() + at + kIdWidth;
  for (int i = 0; i < kIdWidth; ++i) {
    *--p = id == 0 && i > 0 ? ' ' : static_cast<char>('0' + id % 10);
    id /= 10;
  }
}

std::size_t id_at(const std::string& f) {
  return f.find("\"message_id\":") + 13;
}

std::string snapshot_frame() {
  std::string f =
      R"({"type":"subscribed","connection_id":"0b2f7a3c-1d2e-4f50-8a9b-0c1d2e3f4a5b",)" +
      id_field() + R"(,"channel":"v4_orderbook","id":"BTC-USD","contents":{"bids":[)";
  for (int i = 0; i < 100; ++i) {
    if (i) f += ',';
    f += R"({"price":")" + std::to_string(61000 - i) + R"(","size":"0.)" +
         std::to_string(1001 + 13 * i) + R"("})";
  }
  f += R"(],"asks":[)";
  for (int i = 0; i < 100; ++i) {
    if (i) f += ',';
    f += R"({"price":")" + std::to_string(61001 + i) + R"(","size":")" + std::to_string(1 + i % 9) +
         "." + std::to_string(2001 + 7 * i) + R"("})";
  }
  f += "]}}";
  return f;
}

std::string update_frame() {
  return R"({"type":"channel_data","connection_id":"0b2f7a3c-1d2e-4f50-8a9b-0c1d2e3f4a5b",)" +
         id_field() +
         R"(,"id":"BTC-USD","channel":"v4_orderbook","version":"1.0.0","contents":{"bids":[["61000","0.9","1151"],["60995","1.2031","1152"],["60990","0","1153"]],"asks":[["61001","0.4","1154"],["61004","2.5","1155"],["61010","0","1156"]]}})";
}

InstrumentRegistry make_registry() {
  InstrumentRegistry reg;
  Instrument i;
  i.venue = Venue::dydx;
  i.kind = InstrumentKind::perpetual;
  i.canonical = "BTC-USD-PERP";
  i.venue_symbol = "BTC-USD";
  i.base = "BTC";
  i.quote = "USD";
  i.tick_size = Decimal::one();
  i.lot_size = Decimal::from_raw8(10'000);
  i.dydx_clob_pair_id = 0;
  (void)reg.add(i);
  return reg;
}

std::string padded(std::string_view f) {
  std::string out;
  out.reserve(f.size() + venues::dydx::kFramePadding);
  out.append(f);
  return out;
}

// A long walk of update frames after the same snapshot, none repeating within it (the update row
// sends one frame again and again, so every branch of the apply is learnt): each frame has 1-3
// changes per side, most near the top of the book. A change is a new size for a price on the
// book, a new price in a gap of the book, or a deletion (size "0") of a price on the book; sizes
// have 1-4 decimals (the lot is 0.0001). Prices stay in 60801..61000 (bids) and 61001..61200
// (asks), so the book never crosses. From a fixed seed: both rows decode the same frames.
std::vector<std::string> update_walk_frames() {
  std::mt19937_64 rng(20261208);
  std::set<int> bids;
  std::set<int> asks;
  for (int i = 0; i < 100; ++i) {
    bids.insert(61000 - i);
    asks.insert(61001 + i);
  }
  const auto size_text = [&] {
    const int decimals = 1 + static_cast<int>(rng() % 4);
    std::string digits = std::to_string(1 + rng() % 99'999);
    while (static_cast<int>(digits.size()) <= decimals) digits.insert(0, 1, '0');
    digits.insert(digits.size() - static_cast<std::size_t>(decimals), 1, '.');
    return digits;
  };
  // A distance from the top, most often small.
  const auto depth = [&] {
    std::geometric_distribution<int> d(0.08);
    return std::min(d(rng), 199);
  };
  std::uint64_t offset = 2000;
  const auto side_changes = [&](std::set<int>& side, bool is_bid) {
    std::string out;
    const int n = 1 + static_cast<int>(rng() % 3);
    std::set<int> touched;  // one change per price in a frame
    for (int c = 0; c < n; ++c) {
      const unsigned action = rng() % 4;  // 0,1: new size; 2: new price; 3: delete
      int price = 0;
      std::string size;
      if (action == 2 || side.empty()) {
        const int top = is_bid ? 61000 : 61001;
        price = is_bid ? top - depth() : top + depth();
        if (side.count(price) != 0 || touched.count(price) != 0) continue;
        side.insert(price);
        size = size_text();
      } else {
        auto it = side.begin();
        if (is_bid) it = std::prev(side.end());
        const int k = std::min(depth(), static_cast<int>(side.size()) - 1);
        for (int i = 0; i < k; ++i) it = is_bid ? std::prev(it) : std::next(it);
        price = *it;
        if (touched.count(price) != 0) continue;
        if (action == 3) {
          side.erase(it);
          size = "0";
        } else {
          size = size_text();
        }
      }
      touched.insert(price);
      if (!out.empty()) out += ',';
      out += "[\"" + std::to_string(price) + "\",\"" + size + "\",\"" + std::to_string(++offset) +
             "\"]";
    }
    return out;
  };
  std::vector<std::string> frames;
  for (int i = 0; i < 4096; ++i) {
    const std::string b = side_changes(bids, true);
    const std::string a = side_changes(asks, false);
    frames.push_back(
        R"({"type":"channel_data","connection_id":"0b2f7a3c-1d2e-4f50-8a9b-0c1d2e3f4a5b",)" +
        id_field() +
        R"(,"id":"BTC-USD","channel":"v4_orderbook","version":"1.0.0","contents":{"bids":[)" + b +
        R"(],"asks":[)" + a + "]}}");
  }
  return frames;
}

// update_walk_frames(), made once for both walk rows (unpadded: each row pads its copy).
const std::vector<std::string>& walk_frames() {
  static const std::vector<std::string> walk = update_walk_frames();
  return walk;
}

void run_ours(benchmark::State& state, bool snapshot) {
  static const InstrumentRegistry reg = make_registry();
  auto codec = venues::dydx::DydxCodec::create(reg).value();
  std::string snap = padded(snapshot_frame());
  std::string frame = snapshot ? snap : padded(update_frame());
  const std::size_t snap_at = id_at(snap);
  const std::size_t at = id_at(frame);
  std::uint64_t id = 1;
  NullSink sink;
  set_id(snap, snap_at, id);
  if (!codec.decode(snap, Timestamp::from_seconds(1), sink).ok()) state.SkipWithError("setup");
  const std::uint64_t events_before = sink.n;
  for (auto _ : state) {
    set_id(frame, at, ++id);
    auto r = codec.decode(frame, Timestamp::from_seconds(1), sink);
    if (!r.ok() || r->resyncs != 0) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(r);
  }
  if (codec.stats().gaps != 0) state.SkipWithError("gap");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(frame.size()));
  state.counters["events_per_msg"] =
      static_cast<double>(sink.n - events_before) / state.iterations();
}

void BM_dydx_codec_orderbook_snapshot(benchmark::State& state) {
  run_ours(state, true);
}
void BM_dydx_codec_orderbook_update(benchmark::State& state) {
  run_ours(state, false);
}

// One walk frame per iteration (update_walk_frames), the snapshot decoded again after the last,
// every message id consecutive.
void BM_dydx_codec_orderbook_update_walk(benchmark::State& state) {
  static const InstrumentRegistry reg = make_registry();
  auto codec = venues::dydx::DydxCodec::create(reg).value();
  std::string snap = padded(snapshot_frame());
  const std::size_t snap_at = id_at(snap);
  std::vector<std::string> frames = walk_frames();  // a copy's capacity is its size: pad again
  for (std::string& f : frames) f.reserve(f.size() + venues::dydx::kFramePadding);
  const std::size_t at = id_at(frames[0]);
  std::uint64_t id = 0;
  std::size_t next = 0;
  NullSink sink;
  for (auto _ : state) {
    if (next == 0) {
      set_id(snap, snap_at, ++id);
      if (!codec.decode(snap, Timestamp::from_seconds(1), sink).ok()) {
        state.SkipWithError("snapshot failed");
        break;
      }
    }
    std::string& frame = frames[next];
    next = next + 1 == frames.size() ? 0 : next + 1;
    set_id(frame, at, ++id);
    auto r = codec.decode(frame, Timestamp::from_seconds(1), sink);
    if (!r.ok() || r->resyncs != 0) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  if (codec.stats().gaps != 0) state.SkipWithError("gap");
  state.SetItemsProcessed(state.iterations());
}

// Baselines: the same fields (type, connection_id, message_id, channel, id, every price and
// size) into string views and doubles; nothing validated, applied or emitted.
void BM_baseline_simdjson_doubles_snapshot(benchmark::State& state) {
  std::string frame = padded(snapshot_frame());
  const std::size_t at = id_at(frame);
  std::uint64_t id = 1;
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    set_id(frame, at, ++id);
    auto doc = parser.iterate(frame.data(), frame.size(), frame.capacity());
    double sum = 0;
    std::string_view type = doc["type"].get_string().value();
    std::string_view conn = doc["connection_id"].get_string().value();
    std::uint64_t mid = doc["message_id"].get_uint64().value();
    std::string_view channel = doc["channel"].get_string().value();
    std::string_view market = doc["id"].get_string().value();
    auto contents = doc["contents"].get_object().value();
    for (auto lv : contents["bids"].get_array()) {
      sum += lv["price"].get_double_in_string().value();
      sum += lv["size"].get_double_in_string().value();
    }
    for (auto lv : contents["asks"].get_array()) {
      sum += lv["price"].get_double_in_string().value();
      sum += lv["size"].get_double_in_string().value();
    }
    benchmark::DoNotOptimize(type);
    benchmark::DoNotOptimize(conn);
    benchmark::DoNotOptimize(mid);
    benchmark::DoNotOptimize(channel);
    benchmark::DoNotOptimize(market);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(frame.size()));
}

// The update baseline's work on one frame. Out of line so callgrind counts its calls.
[[gnu::noinline]] void baseline_update_frame(simdjson::ondemand::parser& parser,
                                             const std::string& frame) {
  auto doc = parser.iterate(frame.data(), frame.size(), frame.capacity());
  double sum = 0;
  std::string_view type = doc["type"].get_string().value();
  std::string_view conn = doc["connection_id"].get_string().value();
  std::uint64_t mid = doc["message_id"].get_uint64().value();
  std::string_view market = doc["id"].get_string().value();
  std::string_view channel = doc["channel"].get_string().value();
  auto contents = doc["contents"].get_object().value();
  for (auto side : {"bids", "asks"}) {
    for (auto lv : contents[side].get_array()) {
      auto parts = lv.get_array().value();
      auto it = parts.begin().value();
      sum += (*it).get_double_in_string().value();
      ++it;
      sum += (*it).get_double_in_string().value();
    }
  }
  benchmark::DoNotOptimize(type);
  benchmark::DoNotOptimize(conn);
  benchmark::DoNotOptimize(mid);
  benchmark::DoNotOptimize(channel);
  benchmark::DoNotOptimize(market);
  benchmark::DoNotOptimize(sum);
}

void BM_baseline_simdjson_doubles_update(benchmark::State& state) {
  std::string frame = padded(update_frame());
  const std::size_t at = id_at(frame);
  std::uint64_t id = 1;
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    set_id(frame, at, ++id);
    baseline_update_frame(parser, frame);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(frame.size()));
}

// The walk's frames in the same order, each message id rewritten as ours does (the baseline
// reads no snapshot).
void BM_baseline_simdjson_doubles_update_walk(benchmark::State& state) {
  std::vector<std::string> frames = walk_frames();  // a copy's capacity is its size: pad again
  for (std::string& f : frames) f.reserve(f.size() + venues::dydx::kFramePadding);
  const std::size_t at = id_at(frames[0]);
  std::uint64_t id = 1;
  std::size_t next = 0;
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    std::string& frame = frames[next];
    next = next + 1 == frames.size() ? 0 : next + 1;
    set_id(frame, at, ++id);
    baseline_update_frame(parser, frame);
  }
  state.SetItemsProcessed(state.iterations());
}

// Each benchmark once per simdjson kernel, same run (../simd_kernel_bench.hpp).
[[maybe_unused]] const bool kRegistered = nzeza::bench::register_per_kernel(
    {{"BM_dydx_codec_orderbook_snapshot", BM_dydx_codec_orderbook_snapshot},
     {"BM_baseline_simdjson_doubles_snapshot", BM_baseline_simdjson_doubles_snapshot},
     {"BM_dydx_codec_orderbook_update", BM_dydx_codec_orderbook_update},
     {"BM_baseline_simdjson_doubles_update", BM_baseline_simdjson_doubles_update},
     {"BM_dydx_codec_orderbook_update_walk", BM_dydx_codec_orderbook_update_walk},
     {"BM_baseline_simdjson_doubles_update_walk", BM_baseline_simdjson_doubles_update_walk}});

}  // namespace

BENCHMARK_MAIN();

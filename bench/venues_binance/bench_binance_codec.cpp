// Binance decode cost: our codec (exact Decimals, validation, book upkeep, MarketEvents) beside a
// baseline that only extracts the same fields with simdjson on-demand into string views and
// doubles. Same frames, same run. Largest message type: diff depth (20 bids + 20 asks); also
// bookTicker (the most frequent).

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "../simd_kernel_bench.hpp"
#include "core/instrument.hpp"
#include "venues/binance/codec.hpp"

namespace {

using namespace nzeza;
namespace od = simdjson::ondemand;

struct CountingSink final : MarketEventSink {
  std::uint64_t events = 0;
  void on_event(const MarketEvent& event) override {
    ++events;
    benchmark::DoNotOptimize(&event);
  }
};

Instrument eth() {
  Instrument i;
  i.venue = Venue::binance;
  i.canonical = "ETH-USDT";
  i.venue_symbol = "ETHUSDT";
  i.ws_symbol = "ethusdt";
  i.base = "ETH";
  i.quote = "USDT";
  i.tick_size = Decimal::from_raw8(1'000'000);
  i.lot_size = Decimal::from_raw8(1'000);
  return i;
}

constexpr std::uint64_t kFirstId = 100'000'000'000;  // 12 digits for the whole run

// A depthUpdate whose U and u sit at fixed offsets (12 digits each) so the loop can renumber
// it in place and the book stays in sequence.
struct DepthFrame {
  std::string text;
  std::size_t first_pos = 0;
  std::size_t last_pos = 0;
  DepthFrame() {
    text = R"({"e":"depthUpdate","E":1760000000100,"s":"ETHUSDT","U":)";
    first_pos = text.size();
    text += std::to_string(kFirstId) + R"(,"u":)";
    last_pos = text.size();
    text += std::to_string(kFirstId) + R"(,"b":[)";
    char level[64];
    for (int i = 0; i < 20; ++i) {
      std::snprintf(level, sizeof level, R"(%s["%d.%02d000000","%d.%08d"])", i ? "," : "",
                    3150 - i / 4, (99 - i * 5) % 100, 1 + i % 7, 12345678 + i);
      text += level;
    }
    text += R"(],"a":[)";
    for (int i = 0; i < 20; ++i) {
      std::snprintf(level, sizeof level, R"(%s["%d.%02d000000","%s"])", i ? "," : "", 3151 + i / 4,
                    (i * 5) % 100, i % 5 == 0 ? "0.00000000" : "2.50000000");
      text += level;
    }
    text += "]}";
  }
  void set_id(std::uint64_t id) {
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, id);
    std::memcpy(text.data() + first_pos, digits, static_cast<std::size_t>(r.ptr - digits));
    std::memcpy(text.data() + last_pos, digits, static_cast<std::size_t>(r.ptr - digits));
  }
};

const std::string kTicker =
    R"({"u":400900217,"s":"ETHUSDT","b":"3150.12000000","B":"31.21000000","a":"3150.13000000","A":"40.66000000"})";

double to_double(std::string_view s) {
  double d = 0;
  std::from_chars(s.data(), s.data() + s.size(), d);
  return d;
}

void BM_binance_depth_ours(benchmark::State& state) {
  InstrumentRegistry registry;
  const InstrumentId id = registry.add(eth()).value();
  venues::binance::BinanceCodec codec(registry);
  CountingSink sink;
  DepthFrame frame;
  const Timestamp now = Timestamp::from_ms(1'760'000'000'000);
  frame.set_id(kFirstId);
  (void)codec.decode(frame.text, now, sink);
  const std::string snapshot = R"({"lastUpdateId":)" + std::to_string(kFirstId - 1) +
                               R"(,"bids":[["3100","1"]],"asks":[["3200","1"]]})";
  if (!codec.apply_depth_snapshot(id, snapshot, now, sink).ok()) state.SkipWithError("snapshot");
  std::uint64_t next = kFirstId + 1;
  for (auto _ : state) {
    frame.set_id(next++);
    auto info = codec.decode(frame.text, now, sink);
    benchmark::DoNotOptimize(info);
  }
  if (!codec.depth(id)->book().synced()) state.SkipWithError("book lost sync");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frame.text.size()));
}

void BM_binance_depth_baseline(benchmark::State& state) {
  od::parser parser;
  DepthFrame frame;
  std::string padded(frame.text.size() + simdjson::SIMDJSON_PADDING, '\0');
  std::uint64_t next = kFirstId + 1;
  for (auto _ : state) {
    frame.set_id(next++);
    std::memcpy(padded.data(), frame.text.data(), frame.text.size());
    od::document doc = parser.iterate(padded.data(), frame.text.size(), padded.size());
    od::object obj = doc.get_object();
    std::uint64_t event_time = obj["E"].get_uint64();
    std::string_view symbol = obj["s"].get_string();
    std::uint64_t first = obj["U"].get_uint64();
    std::uint64_t last = obj["u"].get_uint64();
    double sum = 0;
    for (auto side : {"b", "a"}) {
      for (auto level : obj[side].get_array()) {
        od::array pair = level.get_array();
        auto it = pair.begin();
        sum += to_double((*it).get_string());
        ++it;
        sum += to_double((*it).get_string());
      }
    }
    benchmark::DoNotOptimize(event_time);
    benchmark::DoNotOptimize(symbol);
    benchmark::DoNotOptimize(first + last);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frame.text.size()));
}

void BM_binance_book_ticker_ours(benchmark::State& state) {
  InstrumentRegistry registry;
  (void)registry.add(eth());
  venues::binance::BinanceCodec codec(registry);
  CountingSink sink;
  const Timestamp now = Timestamp::from_ms(1'760'000'000'000);
  for (auto _ : state) {
    auto info = codec.decode(kTicker, now, sink);
    benchmark::DoNotOptimize(info);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_binance_book_ticker_baseline(benchmark::State& state) {
  od::parser parser;
  std::string padded(kTicker.size() + simdjson::SIMDJSON_PADDING, '\0');
  for (auto _ : state) {
    std::memcpy(padded.data(), kTicker.data(), kTicker.size());
    od::document doc = parser.iterate(padded.data(), kTicker.size(), padded.size());
    od::object obj = doc.get_object();
    std::string_view symbol = obj["s"].get_string();
    double b = to_double(obj["b"].get_string());
    double bq = to_double(obj["B"].get_string());
    double a = to_double(obj["a"].get_string());
    double aq = to_double(obj["A"].get_string());
    benchmark::DoNotOptimize(symbol);
    benchmark::DoNotOptimize(b + bq + a + aq);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

// Each benchmark once per simdjson kernel, same run (../simd_kernel_bench.hpp).
[[maybe_unused]] const bool kRegistered = nzeza::bench::register_per_kernel(
    {{"BM_binance_depth_ours", BM_binance_depth_ours},
     {"BM_binance_depth_baseline", BM_binance_depth_baseline},
     {"BM_binance_book_ticker_ours", BM_binance_book_ticker_ours},
     {"BM_binance_book_ticker_baseline", BM_binance_book_ticker_baseline}});
BENCHMARK_MAIN();

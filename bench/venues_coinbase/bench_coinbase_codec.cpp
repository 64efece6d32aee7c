// Coinbase decode cost: our codec (exact Decimals, validation, sequence rule, book upkeep,
// MarketEvents) beside a baseline that only extracts the same fields with simdjson on-demand
// into string views and doubles. Same frames, same run. Largest message type: an l2_data update
// with 20 bid and 20 offer updates; also the ticker.

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "../simd_kernel_bench.hpp"
#include "core/instrument.hpp"
#include "venues/coinbase/codec.hpp"

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

Instrument btc() {
  Instrument i;
  i.venue = Venue::coinbase;
  i.canonical = "BTC-USD";
  i.venue_symbol = "BTC-USD";
  i.base = "BTC";
  i.quote = "USD";
  i.tick_size = Decimal::from_raw8(1'000'000);
  i.lot_size = Decimal::from_raw8(1);
  return i;
}

constexpr std::uint64_t kFirstSequence = 100'000'000'000;  // 12 digits for the whole run

std::string update(const char* side, int dollars, int cents, const char* qty) {
  char text[160];
  std::snprintf(
      text, sizeof text,
      R"({"side":"%s","event_time":"2025-10-09T08:53:20.250123Z","price_level":"%d.%02d","new_quantity":"%s"})",
      side, dollars, cents, qty);
  return text;
}

// An envelope whose sequence_num sits at a fixed offset (12 digits) for in-place renumbering.
struct Frame {
  std::string text;
  std::size_t sequence_pos = 0;
  explicit Frame(const std::string& events, const char* channel) {
    text = R"({"channel":")";
    text += channel;
    text += R"(","client_id":"","timestamp":"2025-10-09T08:53:20.250123456Z","sequence_num":)";
    sequence_pos = text.size();
    text += std::to_string(kFirstSequence) + R"(,"events":)" + events + "}";
  }
  void set_sequence(std::uint64_t sequence) {
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, sequence);
    std::memcpy(text.data() + sequence_pos, digits, static_cast<std::size_t>(r.ptr - digits));
  }
};

std::string l2_update_events() {
  std::string updates;
  for (int i = 0; i < 20; ++i) {
    if (i != 0) updates += ',';
    updates += update("bid", 68900 - i, (i * 7) % 100, i % 6 == 0 ? "0" : "0.12345678");
  }
  for (int i = 0; i < 20; ++i) {
    updates += ',';
    updates += update("offer", 68901 + i, (i * 3) % 100, i % 5 == 0 ? "0" : "1.50000000");
  }
  return R"([{"type":"update","product_id":"BTC-USD","updates":[)" + updates + "]}]";
}

const char* kTickerEvents =
    R"([{"type":"update","tickers":[{"type":"ticker","product_id":"BTC-USD","price":"68900.50","volume_24_h":"15328.12345678","low_24_h":"67500.00","high_24_h":"69200.00","low_52_w":"25000.00","high_52_w":"73800.00","price_percent_chg_24_h":"1.85","best_bid":"68900.00","best_bid_quantity":"1.50000000","best_ask":"68901.00","best_ask_quantity":"0.50000000"}]}])";

double to_double(std::string_view s) {
  double d = 0;
  std::from_chars(s.data(), s.data() + s.size(), d);
  return d;
}

void BM_coinbase_l2_update_ours(benchmark::State& state) {
  InstrumentRegistry registry;
  const InstrumentId id = registry.add(btc()).value();
  venues::coinbase::CoinbaseCodec codec(registry);
  CountingSink sink;
  const Timestamp now = Timestamp::from_ms(1'760'000'000'000);
  Frame snapshot(R"([{"type":"snapshot","product_id":"BTC-USD","updates":[)" +
                     update("bid", 68800, 0, "1") + "," + update("offer", 69000, 0, "1") + "]}]",
                 "l2_data");
  snapshot.set_sequence(kFirstSequence);
  if (!codec.decode(snapshot.text, now, sink).ok()) state.SkipWithError("snapshot");
  Frame frame(l2_update_events(), "l2_data");
  std::uint64_t next = kFirstSequence + 1;
  for (auto _ : state) {
    frame.set_sequence(next++);
    auto info = codec.decode(frame.text, now, sink);
    benchmark::DoNotOptimize(info);
  }
  if (!codec.book(id)->synced()) state.SkipWithError("book lost sync");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frame.text.size()));
}

void BM_coinbase_l2_update_baseline(benchmark::State& state) {
  od::parser parser;
  Frame frame(l2_update_events(), "l2_data");
  std::string padded(frame.text.size() + simdjson::SIMDJSON_PADDING, '\0');
  std::uint64_t next = kFirstSequence + 1;
  for (auto _ : state) {
    frame.set_sequence(next++);
    std::memcpy(padded.data(), frame.text.data(), frame.text.size());
    od::document doc = parser.iterate(padded.data(), frame.text.size(), padded.size());
    od::object obj = doc.get_object();
    std::string_view channel = obj["channel"].get_string();
    std::string_view timestamp = obj["timestamp"].get_string();
    std::uint64_t sequence = obj["sequence_num"].get_uint64();
    double sum = 0;
    std::size_t bids = 0;
    for (auto event : obj["events"].get_array()) {
      od::object e = event.get_object();
      std::string_view type = e["type"].get_string();
      std::string_view product = e["product_id"].get_string();
      benchmark::DoNotOptimize(type);
      benchmark::DoNotOptimize(product);
      for (auto u : e["updates"].get_array()) {
        od::object level = u.get_object();
        std::string_view side = level["side"].get_string();
        bids += side == "bid";
        sum += to_double(level["price_level"].get_string());
        sum += to_double(level["new_quantity"].get_string());
      }
    }
    benchmark::DoNotOptimize(channel);
    benchmark::DoNotOptimize(timestamp);
    benchmark::DoNotOptimize(sequence);
    benchmark::DoNotOptimize(sum);
    benchmark::DoNotOptimize(bids);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * frame.text.size()));
}

void BM_coinbase_ticker_ours(benchmark::State& state) {
  InstrumentRegistry registry;
  (void)registry.add(btc());
  venues::coinbase::CoinbaseCodec codec(registry);
  CountingSink sink;
  const Timestamp now = Timestamp::from_ms(1'760'000'000'000);
  Frame frame(kTickerEvents, "ticker");
  std::uint64_t next = kFirstSequence;
  for (auto _ : state) {
    frame.set_sequence(next++);
    auto info = codec.decode(frame.text, now, sink);
    benchmark::DoNotOptimize(info);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_coinbase_ticker_baseline(benchmark::State& state) {
  od::parser parser;
  Frame frame(kTickerEvents, "ticker");
  std::string padded(frame.text.size() + simdjson::SIMDJSON_PADDING, '\0');
  std::uint64_t next = kFirstSequence;
  for (auto _ : state) {
    frame.set_sequence(next++);
    std::memcpy(padded.data(), frame.text.data(), frame.text.size());
    od::document doc = parser.iterate(padded.data(), frame.text.size(), padded.size());
    od::object obj = doc.get_object();
    std::string_view channel = obj["channel"].get_string();
    std::string_view timestamp = obj["timestamp"].get_string();
    std::uint64_t sequence = obj["sequence_num"].get_uint64();
    double sum = 0;
    for (auto event : obj["events"].get_array()) {
      for (auto t : event.get_object()["tickers"].get_array()) {
        od::object ticker = t.get_object();
        std::string_view product = ticker["product_id"].get_string();
        benchmark::DoNotOptimize(product);
        sum += to_double(ticker["best_bid"].get_string());
        sum += to_double(ticker["best_bid_quantity"].get_string());
        sum += to_double(ticker["best_ask"].get_string());
        sum += to_double(ticker["best_ask_quantity"].get_string());
      }
    }
    benchmark::DoNotOptimize(channel);
    benchmark::DoNotOptimize(timestamp);
    benchmark::DoNotOptimize(sequence);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

// Each benchmark once per simdjson kernel, same run (../simd_kernel_bench.hpp).
[[maybe_unused]] const bool kRegistered = nzeza::bench::register_per_kernel(
    {{"BM_coinbase_l2_update_ours", BM_coinbase_l2_update_ours},
     {"BM_coinbase_l2_update_baseline", BM_coinbase_l2_update_baseline},
     {"BM_coinbase_ticker_ours", BM_coinbase_ticker_ours},
     {"BM_coinbase_ticker_baseline", BM_coinbase_ticker_baseline}});
BENCHMARK_MAIN();

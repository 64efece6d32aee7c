// The simdjson kernel choice (venues/simd_kernel.hpp): every kernel the CPU runs decodes the
// same frames of every feed codec into the same events and the same refusals; a kernel the CPU
// or the build lacks is refused with a message naming it and what the CPU runs, and changes
// nothing; NZEZA_SIMD_KERNEL forces one; the default is the widest the CPU reports.

#include "venues/simd_kernel.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "../venues_coinbase/recording_sink.hpp"
#include "../venues_dydx/dydx_test_support.hpp"
#include "../venues_hyperliquid/hyperliquid_test_support.hpp"
#include "../venues_kraken/kraken_test_support.hpp"
#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "venues/binance/codec.hpp"
#include "venues/coinbase/codec.hpp"
#include "venues/dydx/codec.hpp"
#include "venues/generic/codec.hpp"
#include "venues/hyperliquid/codec.hpp"
#include "venues/kraken/checksum.hpp"
#include "venues/kraken/codec.hpp"

namespace nzeza::venues {
namespace {

// Everything a decoded event carries, as text, so two runs compare field by field.
std::string describe(const MarketEvent& e) {
  std::string out = std::string(to_string(e.venue)) + " i" + std::to_string(e.instrument.value) +
                    " vt" + std::to_string(e.venue_time.ns()) + " rt" +
                    std::to_string(e.receive_time.ns()) + " ";
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, Quote>) {
          out += "quote " + b.bid.to_string() + "x" + b.bid_size.to_string() + " " +
                 b.ask.to_string() + "x" + b.ask_size.to_string();
        } else if constexpr (std::is_same_v<T, Trade>) {
          out += "trade " + b.price.to_string() + "x" + b.size.to_string() +
                 (b.aggressor == Side::buy ? " buy " : " sell ") + std::string(b.trade_id.view());
        } else if constexpr (std::is_same_v<T, BookChange>) {
          out += std::string("book ") + (b.side == Side::buy ? "bid " : "ask ") +
                 b.price.to_string() + "x" + b.size.to_string() + " seq" +
                 std::to_string(b.sequence) + (b.snapshot ? " snap" : "") +
                 (b.reset ? " reset" : "") + (b.last ? " last" : "");
        } else {
          out += "status " + std::string(to_string(b.state));
        }
      },
      e.body);
  return out;
}

// What one codec made of a run of frames: each event, and each refusal's text.
struct Transcript {
  std::vector<std::string> lines;
  std::size_t events = 0;
  std::size_t refusals = 0;
};

struct Sink final : MarketEventSink {
  Transcript* t = nullptr;
  void on_event(const MarketEvent& e) override {
    t->lines.push_back(describe(e));
    ++t->events;
  }
};

// Feeds `frames` to a codec built (inside `run`) while `kernel` is active.
using Decoder =
    std::function<void(const std::vector<std::string>& frames, Sink& sink, Transcript& t)>;

Transcript run_with(const std::string& kernel, const std::vector<std::string>& frames,
                    const Decoder& decode) {
  ScopedSimdKernel scoped(kernel);
  EXPECT_TRUE(scoped.ok()) << kernel;
  EXPECT_EQ(active_simd_kernel(), kernel);
  Transcript t;
  Sink sink;
  sink.t = &t;
  decode(frames, sink, t);
  return t;
}

template <class R>
void record(const R& r, Transcript& t) {
  if (!r.ok()) {
    t.lines.push_back("refused: " + r.error().message);
    ++t.refusals;
  }
}

// Every kernel the CPU runs, against the fallback kernel's transcript.
void expect_same_on_every_kernel(const std::vector<std::string>& frames, const Decoder& decode,
                                 std::size_t events, std::size_t refusals) {
  const Transcript reference = run_with("fallback", frames, decode);
  EXPECT_EQ(reference.events, events);
  EXPECT_EQ(reference.refusals, refusals);
  for (const std::string& kernel : available_simd_kernels()) {
    const Transcript t = run_with(kernel, frames, decode);
    EXPECT_EQ(t.lines, reference.lines) << "kernel " << kernel;
  }
}

TEST(SimdKernel, the_cpu_runs_the_fallback_kernel_last_and_the_default_is_the_widest) {
  const std::vector<std::string> all = available_simd_kernels();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.back(), "fallback");
  EXPECT_EQ(best_simd_kernel(), all.front());
#if defined(__x86_64__)
  // Independent of simdjson's detection: the CPU's own feature bits.
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
                    __builtin_cpu_supports("pclmul");
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") &&
                      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
                      __builtin_cpu_supports("avx512vbmi2");
  if (avx512) {
    EXPECT_EQ(best_simd_kernel(), "icelake");
  } else if (avx2) {
    EXPECT_EQ(best_simd_kernel(), "haswell");
  }
#endif
}

TEST(SimdKernel, forcing_a_kernel_this_build_lacks_is_refused_naming_it_and_the_cpus_kernels) {
  const std::string before = active_simd_kernel();
  const Status s = use_simd_kernel("avx9000");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(s.error().message.find("'avx9000'"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("not built into"), std::string::npos) << s.error().message;
  for (const std::string& k : available_simd_kernels())
    EXPECT_NE(s.error().message.find(k), std::string::npos) << s.error().message;
  EXPECT_EQ(active_simd_kernel(), before);
}

#if defined(__x86_64__)
TEST(SimdKernel, forcing_another_architectures_kernel_is_refused_and_changes_nothing) {
  const std::string before = active_simd_kernel();
  ScopedSimdKernel scoped("arm64");
  ASSERT_FALSE(scoped.ok());
  EXPECT_NE(scoped.status().error().message.find("'arm64'"), std::string::npos);
  EXPECT_EQ(active_simd_kernel(), before);
}
#endif

TEST(SimdKernel, the_environment_variable_forces_a_kernel_and_its_errors_name_it) {
  const std::string before = active_simd_kernel();
  ASSERT_EQ(::setenv(kSimdKernelEnv, "fallback", 1), 0);
  ASSERT_TRUE(use_simd_kernel_from_env().ok());
  EXPECT_EQ(active_simd_kernel(), "fallback");
  ASSERT_EQ(::setenv(kSimdKernelEnv, "sse1", 1), 0);
  const Status bad = use_simd_kernel_from_env();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("NZEZA_SIMD_KERNEL: ", 0), 0u) << bad.error().message;
  EXPECT_EQ(active_simd_kernel(), "fallback");
  ASSERT_EQ(::unsetenv(kSimdKernelEnv), 0);
  ASSERT_TRUE(use_simd_kernel_from_env().ok());
  EXPECT_EQ(active_simd_kernel(), best_simd_kernel());
  ASSERT_TRUE(use_simd_kernel(before).ok());
}

TEST(SimdKernel, a_scoped_kernel_is_undone_at_the_end_of_its_scope) {
  const std::string before = active_simd_kernel();
  {
    ScopedSimdKernel scoped("fallback");
    ASSERT_TRUE(scoped.ok());
    EXPECT_EQ(active_simd_kernel(), "fallback");
  }
  EXPECT_EQ(active_simd_kernel(), before);
}

// ---- the same frames through each codec on each kernel ----

Instrument binance_eth() {
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

TEST(SimdKernel, binance_frames_decode_to_identical_events_on_every_kernel) {
  InstrumentRegistry registry;
  ASSERT_TRUE(registry.add(binance_eth()).ok());
  const std::vector<std::string> frames = {
      R"({"u":9876543210,"s":"ETHUSDT","b":"3150.12000000","B":"4.25000000","a":"3150.13000000","A":"0.00010000"})",
      R"({"stream":"ethusdt@trade","data":{"e":"trade","E":1760000000500,"s":"ETHUSDT","t":424242,"p":"3150.55","q":"0.125","T":1760000000499,"m":true,"M":true}})",
      R"({"stream":"ethusdt@depth5@100ms","data":{"lastUpdateId":160,"bids":[["3150.10","1.5"],["3150.00","2"]],"asks":[["3150.20","0.25"],["3151","7.125"]]}})",
      R"({"u":1,"s":"ETHUSDT","b":"abc","B":"1","a":"3150","A":"1"})",
      R"({"e":"trade","E":1760000000600,"s":"ETHUSDT","t":424243,"p":"3150.\u0035","q":"1","T":1760000000599,"m":false})",
      R"({"result":null,"id":7})",
      "[1,2",
  };
  expect_same_on_every_kernel(
      frames,
      [&](const std::vector<std::string>& fs, Sink& sink, Transcript& t) {
        binance::BinanceCodec codec(registry);
        for (const std::string& f : fs)
          record(codec.decode(f, Timestamp::from_ms(1'760'000'000'700), sink), t);
      },
      6, 3);
}

TEST(SimdKernel, coinbase_frames_decode_to_identical_events_on_every_kernel) {
  coinbase::test::TwoProducts products;
  auto envelope = [](std::string channel, int seq, std::string events) {
    return R"({"channel":")" + channel +
           R"(","client_id":"","timestamp":"2025-10-09T08:53:20.250Z","sequence_num":)" +
           std::to_string(seq) + R"(,"events":)" + events + "}";
  };
  auto level = [](std::string side, std::string price, std::string qty) {
    return R"({"side":")" + side + R"(","event_time":"2025-10-09T08:53:20.2Z","price_level":")" +
           price + R"(","new_quantity":")" + qty + R"("})";
  };
  const std::vector<std::string> frames = {
      envelope("l2_data", 0,
               R"([{"type":"snapshot","product_id":"ETH-USD","updates":[)" +
                   level("bid", "2450.10", "1.5") + "," + level("bid", "2450.00", "3") + "," +
                   level("offer", "2450.20", "0.75") + "," + level("offer", "2450.90", "2") +
                   "]}]"),
      envelope("l2_data", 1,
               R"([{"type":"update","product_id":"ETH-USD","updates":[)" +
                   level("bid", "2450.10", "0") + "," + level("offer", "2450.30", "4.5") + "]}]"),
      envelope(
          "ticker", 2,
          R"([{"type":"update","tickers":[{"type":"ticker","product_id":"ETH-USD","price":"2450.15","best_bid":"2450.10","best_bid_quantity":"1.25000000","best_ask":"2450.20","best_ask_quantity":"0.00500000"}]}])"),
      envelope(
          "market_trades", 3,
          R"([{"type":"update","trades":[{"trade_id":"77","product_id":"SOL-USD","price":"142.5","size":"3","side":"SELL","time":"2025-10-09T08:53:20.1Z"}]}])"),
      envelope("l2_data", 4,
               R"([{"type":"update","product_id":"ETH-USD","updates":[)" + level("bid", "-1", "2") +
                   "]}]"),
      R"({"channel":"l2_data")",
  };
  expect_same_on_every_kernel(
      frames,
      [&](const std::vector<std::string>& fs, Sink& sink, Transcript& t) {
        coinbase::CoinbaseCodec codec(products.registry);
        for (const std::string& f : fs)
          record(codec.decode(f, Timestamp::from_ms(1'760'000'000'500), sink), t);
      },
      9, 2);
}

std::string kraken_strip(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '.' || (out.empty() && c == '0')) continue;
    out += c;
  }
  return out;
}

TEST(SimdKernel, kraken_frames_decode_to_identical_events_on_every_kernel) {
  kraken::test::Registry reg;
  using Levels = std::vector<std::pair<std::string, std::string>>;
  // `bids`/`asks` as sent; the checksum over the book after them (`book_bids`, `book_asks`).
  auto book = [](const char* type, const Levels& bids, const Levels& asks, const Levels& book_bids,
                 const Levels& book_asks) {
    std::string crc_text;
    for (const auto& [p, q] : book_asks) crc_text += kraken_strip(p) + kraken_strip(q);
    for (const auto& [p, q] : book_bids) crc_text += kraken_strip(p) + kraken_strip(q);
    auto json = [](const Levels& ls) {
      std::string out = "[";
      for (const auto& [p, q] : ls)
        out += std::string(out.size() > 1 ? "," : "") + R"({"price":)" + p + R"(,"qty":)" + q + "}";
      return out + "]";
    };
    return std::string(R"({"channel":"book","type":")") + type +
           R"(","data":[{"symbol":"BTC/USD","bids":)" + json(bids) + R"(,"asks":)" + json(asks) +
           R"(,"checksum":)" + std::to_string(kraken::crc32(crc_text)) +
           R"(,"timestamp":"2024-03-01T10:00:00.250000Z"}]})";
  };
  const Levels bids = {{"50000.5", "1.00000000"}, {"50000.1", "0.25000000"}};
  const Levels asks = {{"50000.8", "0.50000000"}, {"50001.2", "2.00000000"}};
  const std::vector<std::string> frames = {
      book("snapshot", bids, asks, bids, asks),
      book("update", {}, {{"50000.8", "0.01000000"}}, bids,
           {{"50000.8", "0.01000000"}, {"50001.2", "2.00000000"}}),
      R"({"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"sell","price":61200.1,"qty":0.00500000,"ord_type":"market","trade_id":4242,"timestamp":"2024-03-01T10:00:01Z"}]})",
      R"({"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":"abc","bid_qty":1,"ask":2,"ask_qty":1}]})",
      R"({"channel":"heartbeat"})",
  };
  expect_same_on_every_kernel(
      frames,
      [&](const std::vector<std::string>& fs, Sink& sink, Transcript& t) {
        auto codec = kraken::KrakenCodec::create(reg.registry).value();
        for (const std::string& f : fs)
          record(codec.decode_unpadded(f, Timestamp::from_seconds(1'709'287'200), sink), t);
      },
      6, 1);
}

TEST(SimdKernel, hyperliquid_frames_decode_to_identical_events_on_every_kernel) {
  hyperliquid::test::Registry reg;
  const std::vector<std::string> frames = {
      R"({"channel":"l2Book","data":{"coin":"BTC","time":1714000000123,"levels":[[{"px":"64010","sz":"0.5","n":3},{"px":"64009","sz":"1.25","n":1}],[{"px":"64011","sz":"0.75","n":2},{"px":"64013","sz":"2","n":4}]]}})",
      R"({"channel":"l2Book","data":{"coin":"BTC","time":1714000000623,"levels":[[{"px":"64008","sz":"3","n":1}],[{"px":"64012","sz":"1","n":1}]]}})",
      R"({"channel":"trades","data":[{"coin":"DYDX","side":"A","px":"1.2345","sz":"100","time":1714000000700,"hash":"0x00","tid":99}]})",
      R"({"channel":"l2Book","data":{"coin":"BTC","time":1714000000623,"levels":[[{"px":"-1","sz":"3","n":1}],[]]}})",
      R"({"channel":"pong"})",
  };
  expect_same_on_every_kernel(
      frames,
      [&](const std::vector<std::string>& fs, Sink& sink, Transcript& t) {
        auto codec = hyperliquid::HyperliquidCodec::create(reg.registry).value();
        for (const std::string& f : fs)
          record(codec.decode_unpadded(f, Timestamp::from_ms(1'714'000'001'000), sink), t);
      },
      8, 1);
}

TEST(SimdKernel, dydx_frames_decode_to_identical_events_on_every_kernel) {
  dydx::test::Registry reg;
  const std::vector<std::string> frames = {
      R"({"type":"subscribed","connection_id":"c1","message_id":1,"channel":"v4_orderbook","id":"BTC-USD","contents":{"bids":[{"price":"61000","size":"0.5"},{"price":"60990","size":"1.2"}],"asks":[{"price":"61010","size":"0.3"},{"price":"61020","size":"2"}]}})",
      R"({"type":"channel_data","connection_id":"c1","message_id":2,"id":"BTC-USD","channel":"v4_orderbook","version":"1.0.0","contents":{"bids":[["61000","0"],["60995","4.5"]],"asks":[["61010","0.9"]]}})",
      R"({"type":"channel_data","connection_id":"c1","message_id":3,"id":"ETH-USD","channel":"v4_trades","version":"2.1.0","contents":{"trades":[{"id":"8f1c3a2e-0000-4000-8000-000000000001","side":"SELL","size":"0.25","price":"3001.5","type":"LIMIT","createdAt":"2024-05-06T12:00:01.500Z","createdAtHeight":"101"}]}})",
      R"({"type":"channel_data","connection_id":"c1","message_id":4,"id":"BTC-USD","channel":"v4_orderbook","version":"1.0.0","contents":{"bids":[["abc","1"]]}})",
  };
  expect_same_on_every_kernel(
      frames,
      [&](const std::vector<std::string>& fs, Sink& sink, Transcript& t) {
        auto codec = dydx::DydxCodec::create(reg.registry).value();
        for (const std::string& f : fs)
          record(codec.decode_unpadded(f, Timestamp::from_ms(1'715'000'000'000), sink), t);
      },
      11, 1);
}

TEST(SimdKernel, generic_frames_decode_to_identical_events_on_every_kernel) {
  InstrumentRegistry registry;
  Instrument i;
  i.venue = Venue::generic;
  i.canonical = "BTC-USD";
  i.venue_symbol = "BTC-USD";
  i.base = "BTC";
  i.quote = "USD";
  i.tick_size = Decimal::from_raw8(1'000'000);
  i.lot_size = Decimal::from_raw8(1'000);
  ASSERT_TRUE(registry.add(i).ok());
  const std::vector<std::string> frames = {
      R"({"symbol":"BTC-USD","price":45000.50,"ts":1730123456})",
      R"({"ts":1730123456,"price":"45001.25","symbol":"BTC-USD"})",
      R"({"symbol":"BTC-USD","price":4.5e4,"ts":1730123456250})",
      R"({"symbol":"BTC-USD"})",
  };
  expect_same_on_every_kernel(
      frames,
      [&](const std::vector<std::string>& fs, Sink& sink, Transcript& t) {
        generic::GenericCodec codec(registry);
        for (const std::string& f : fs)
          record(codec.decode(f, Timestamp::from_seconds(1'730'123'456), sink), t);
      },
      3, 1);
}

}  // namespace
}  // namespace nzeza::venues

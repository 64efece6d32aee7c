// Zero heap allocations per frame after warm-up: 100k Hyperliquid frames (l2Book snapshots of
// 20 levels a side, trades, bbo, pong) through HyperliquidCodec::decode.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/alloc_counter.hpp"
#include "hyperliquid_test_support.hpp"
#include "venues/hyperliquid/codec.hpp"

namespace nzeza::venues::hyperliquid {
namespace {

struct CountingSink final : MarketEventSink {
  std::uint64_t events = 0;
  void on_event(const MarketEvent&) override { ++events; }
};

TEST(HyperliquidCodecAllocations, decodes_100k_frames_without_touching_the_heap) {
  test::Registry reg;
  auto codec = HyperliquidCodec::create(reg.registry).value();
  CountingSink sink;
  std::string book = R"({"channel":"l2Book","data":{"coin":"BTC","time":1714000000123,"levels":[[)";
  for (int i = 0; i < 20; ++i) {
    if (i) book += ',';
    book += R"({"px":")" + std::to_string(64000 - i) + R"(.5","sz":"0.)" + std::to_string(i + 1) +
            R"(","n":2})";
  }
  book += "],[";
  for (int i = 0; i < 20; ++i) {
    if (i) book += ',';
    book += R"({"px":")" + std::to_string(64001 + i) + R"(.5","sz":")" + std::to_string(i + 1) +
            R"(.25","n":1})";
  }
  book += "]]}}";
  std::vector<std::string> frames = {
      book,
      R"({"channel":"trades","data":[{"coin":"BTC","side":"B","px":"64001.5","sz":"0.01","hash":"0x1","time":1714000000200,"tid":123456,"users":["0xa","0xb"]}]})",
      R"({"channel":"bbo","data":{"coin":"BTC","time":1714000000300,"bbo":[{"px":"64000.5","sz":"0.1","n":2},{"px":"64001.5","sz":"1.25","n":1}]}})",
      R"({"channel":"pong"})"};
  for (auto& f : frames) f.reserve(f.size() + kFramePadding);

  for (int i = 0; i < 10; ++i) {
    for (const auto& f : frames) {
      auto r = codec.decode(f, Timestamp::from_seconds(1), sink);
      ASSERT_TRUE(r.ok()) << r.error().to_string();
    }
  }
  const std::uint64_t before = nzeza::test::allocation_count();
  const std::uint64_t events_before = sink.events;
  bool all_ok = true;
  for (int i = 0; i < 100'000; ++i)
    all_ok &= codec
                  .decode(frames[static_cast<std::size_t>(i) % frames.size()],
                          Timestamp::from_seconds(2), sink)
                  .ok();
  EXPECT_EQ(nzeza::test::allocation_count() - before, 0u);
  EXPECT_TRUE(all_ok);
  EXPECT_EQ(sink.events - events_before, 25'000u * (40 + 1 + 1));
  EXPECT_TRUE(codec.book(reg.btc)->synced());
}

}  // namespace
}  // namespace nzeza::venues::hyperliquid

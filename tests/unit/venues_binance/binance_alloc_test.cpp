// Zero heap allocations per frame after warm-up: a counting global operator new around 100 000
// decodes of quotes, trades and diff-depth updates on a synced book. Own executable, because it
// replaces operator new for the whole program.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "common/alloc_counter.hpp"
#include "unit/venues_binance/recording_sink.hpp"
#include "venues/binance/codec.hpp"

namespace nzeza::venues::binance {
namespace {

struct CountingSink final : MarketEventSink {
  std::uint64_t count = 0;
  int128 checksum = 0;
  void on_event(const MarketEvent& event) override {
    ++count;
    if (const auto* q = std::get_if<Quote>(&event.body)) checksum += q->bid.raw16();
  }
};

TEST(BinanceAllocation, decoding_100k_frames_after_warm_up_allocates_nothing) {
  test::TwoInstruments instruments;
  BinanceCodec codec(instruments.registry);
  CountingSink sink;
  const Timestamp now = Timestamp::from_ms(1'760'000'000'000);

  const std::string ticker =
      R"({"u":1,"s":"ETHUSDT","b":"3150.12000000","B":"4.25000000","a":"3150.13000000","A":"0.50000000"})";
  const std::string trade =
      R"({"e":"trade","E":1760000000500,"s":"SOLUSDT","t":424242,"p":"142.55","q":"0.125","T":1760000000499,"m":true,"M":true})";
  auto depth = [](std::uint64_t id) {
    return R"({"e":"depthUpdate","E":1760000000100,"s":"ETHUSDT","U":)" + std::to_string(id) +
           R"(,"u":)" + std::to_string(id) +
           R"(,"b":[["3150.00","1.5"],["3149.50","0"],["3149.00","2"]],"a":[["3150.50","0.8"],["3151.00","0"]]})";
  };
  // Frames prepared up front (building them allocates); ids 2..N.
  constexpr int kFrames = 100'000;
  std::vector<std::string> depth_frames;
  depth_frames.reserve(kFrames / 3 + 2);
  for (int i = 0; i < kFrames / 3 + 2; ++i) depth_frames.push_back(depth(2 + i));

  // Warm-up: symbols cached, the book created and synced.
  ASSERT_TRUE(codec.decode(ticker, now, sink).ok());
  ASSERT_TRUE(codec.decode(trade, now, sink).ok());
  ASSERT_TRUE(codec.decode(depth(1), now, sink).ok());
  ASSERT_TRUE(codec
                  .apply_depth_snapshot(
                      instruments.eth_usdt,
                      R"({"lastUpdateId":1,"bids":[["3150","1"]],"asks":[["3150.5","1"]]})", now,
                      sink)
                  .ok());

  const std::uint64_t before = nzeza::test::allocation_count();
  std::size_t next_depth = 0;
  for (int i = 0; i < kFrames; ++i) {
    const std::string& frame =
        i % 3 == 0 ? ticker : (i % 3 == 1 ? trade : depth_frames[next_depth++]);
    auto info = codec.decode(frame, now, sink);
    if (!info.ok()) FAIL() << info.error().to_string();
  }
  const std::uint64_t allocations = nzeza::test::allocation_count() - before;
  EXPECT_EQ(allocations, 0u);
  EXPECT_TRUE(codec.depth(instruments.eth_usdt)->book().synced());
  EXPECT_GT(sink.count, static_cast<std::uint64_t>(kFrames));
  EXPECT_TRUE(sink.checksum != 0);
}

}  // namespace
}  // namespace nzeza::venues::binance

// Zero heap allocations per frame after warm-up: counting global operator new over 100 000
// decodes of ticker, market_trades, level2 updates and heartbeats. Own executable.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/alloc_counter.hpp"
#include "unit/venues_coinbase/recording_sink.hpp"
#include "venues/coinbase/codec.hpp"

namespace nzeza::venues::coinbase {
namespace {

struct CountingSink final : MarketEventSink {
  std::uint64_t count = 0;
  void on_event(const MarketEvent&) override { ++count; }
};

std::string envelope(std::string_view channel, std::uint64_t sequence, const std::string& events) {
  return R"({"channel":")" + std::string(channel) +
         R"(","client_id":"","timestamp":"2025-10-09T08:53:20.250Z","sequence_num":)" +
         std::to_string(sequence) + R"(,"events":)" + events + "}";
}

TEST(CoinbaseAllocation, decoding_100k_frames_after_warm_up_allocates_nothing) {
  test::TwoProducts products;
  CoinbaseCodec codec(products.registry);
  CountingSink sink;
  const Timestamp now = Timestamp::from_ms(1'760'000'000'500);
  const std::string ticker =
      R"([{"type":"update","tickers":[{"type":"ticker","product_id":"ETH-USD","price":"2450.15","best_bid":"2450.10","best_bid_quantity":"1.25000000","best_ask":"2450.20","best_ask_quantity":"0.00500000"}]}])";
  const std::string trades =
      R"([{"type":"update","trades":[{"trade_id":"88001","product_id":"SOL-USD","price":"150.15","size":"0.2","side":"SELL","time":"2025-10-09T08:53:20.123456Z"}]}])";
  const std::string update =
      R"([{"type":"update","product_id":"ETH-USD","updates":[{"side":"bid","event_time":"2025-10-09T08:53:20Z","price_level":"2450.00","new_quantity":"2.5"},{"side":"offer","event_time":"2025-10-09T08:53:20Z","price_level":"2450.30","new_quantity":"0"}]}])";
  const std::string heartbeat = R"([{"current_time":"2025-10-09 08:53:20","heartbeat_counter":1}])";
  const std::string snapshot =
      R"([{"type":"snapshot","product_id":"ETH-USD","updates":[{"side":"bid","event_time":"2025-10-09T08:53:20Z","price_level":"2450.10","new_quantity":"1"},{"side":"offer","event_time":"2025-10-09T08:53:20Z","price_level":"2450.20","new_quantity":"1"}]}])";

  constexpr int kFrames = 100'000;
  std::vector<std::string> frames;
  frames.reserve(kFrames + 5);
  std::uint64_t sequence = 0;
  frames.push_back(envelope("l2_data", sequence++, snapshot));
  for (int i = 0; i < kFrames + 4; ++i) {
    switch (i % 4) {
      case 0:
        frames.push_back(envelope("ticker", sequence++, ticker));
        break;
      case 1:
        frames.push_back(envelope("market_trades", sequence++, trades));
        break;
      case 2:
        frames.push_back(envelope("l2_data", sequence++, update));
        break;
      default:
        frames.push_back(envelope("heartbeats", sequence++, heartbeat));
    }
  }
  // Warm-up: snapshot + one of each.
  for (std::size_t i = 0; i < 5; ++i) ASSERT_TRUE(codec.decode(frames[i], now, sink).ok());
  const std::uint64_t before = nzeza::test::allocation_count();
  for (std::size_t i = 5; i < frames.size(); ++i) {
    auto info = codec.decode(frames[i], now, sink);
    if (!info.ok()) FAIL() << info.error().to_string();
  }
  EXPECT_EQ(nzeza::test::allocation_count() - before, 0u);
  EXPECT_TRUE(codec.book(products.eth_usd)->synced());
  EXPECT_EQ(codec.stats().sequence_gaps, 0u);
  EXPECT_GT(sink.count, 90'000u);
}

}  // namespace
}  // namespace nzeza::venues::coinbase

// Zero heap allocations per frame after warm-up: 100k dYdX frames (orderbook updates with
// consecutive message ids, trades, oracle prices) through DydxCodec::decode.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common/alloc_counter.hpp"
#include "dydx_test_support.hpp"
#include "venues/dydx/codec.hpp"

namespace nzeza::venues::dydx {
namespace {

struct CountingSink final : MarketEventSink {
  std::uint64_t events = 0;
  void on_event(const MarketEvent&) override { ++events; }
};

TEST(DydxCodecAllocations, decodes_100k_frames_without_touching_the_heap) {
  test::Registry reg;
  auto codec = DydxCodec::create(reg.registry).value();
  CountingSink sink;
  auto pad = [](std::string s) {
    s.reserve(s.size() + kFramePadding);
    return s;
  };
  const std::string snapshot = pad(
      R"({"type":"subscribed","connection_id":"c","message_id":1,"channel":"v4_orderbook","id":"BTC-USD","contents":{"bids":[{"price":"61000","size":"0.5"},{"price":"60990","size":"1.2"}],"asks":[{"price":"61010","size":"0.3"},{"price":"61020","size":"2"}]}})");
  // Frames carry consecutive message ids so the gap rule stays quiet: ids are rewritten in
  // place (fixed width) before each decode.
  std::vector<std::string> frames = {
      pad(R"({"type":"channel_data","connection_id":"c","message_id":0000000002,"id":"BTC-USD","channel":"v4_orderbook","version":"1.0.0","contents":{"bids":[["61000","0.9","11"],["60995","1"]],"asks":[["61010","0.4"]]}})"),
      pad(R"({"type":"channel_data","connection_id":"c","message_id":0000000002,"id":"BTC-USD","channel":"v4_orderbook","version":"1.0.0","contents":{"bids":[["61000","0.5","12"],["60995","0"]],"asks":[["61010","0.3"]]}})"),
      pad(R"({"type":"channel_data","connection_id":"c","message_id":0000000002,"id":"BTC-USD","channel":"v4_trades","version":"2.1.0","contents":{"trades":[{"id":"8f1c3a2e-0000-4000-8000-000000000001","side":"BUY","size":"0.01","price":"61010","type":"LIMIT","createdAt":"2024-05-06T12:00:01.500Z","createdAtHeight":"101"}]}})"),
      pad(R"({"type":"channel_data","connection_id":"c","message_id":0000000002,"channel":"v4_markets","version":"1.0.0","contents":{"oraclePrices":{"BTC-USD":{"oraclePrice":"61005.25","effectiveAt":"2024-05-06T12:00:00.000Z","effectiveAtHeight":"5","marketId":0},"ETH-USD":{"oraclePrice":"3000.75","effectiveAt":"2024-05-06T12:00:00.000Z","effectiveAtHeight":"5","marketId":1}}}})")};
  // JSON forbids leading zeros: write the id right-aligned in a space-padded field instead.
  auto set_id = [](std::string& f, std::uint64_t id) {
    const std::size_t at = f.find("\"message_id\":") + 13;
    char buf[11];
    std::snprintf(buf, sizeof buf, "%10llu", static_cast<unsigned long long>(id));
    f.replace(at, 10, buf);
  };
  ASSERT_TRUE(codec.decode(snapshot, Timestamp::from_seconds(1), sink).ok());
  std::uint64_t id = 2;
  for (int i = 0; i < 40; ++i) {
    auto& f = frames[static_cast<std::size_t>(i) % frames.size()];
    set_id(f, id++);
    auto r = codec.decode(f, Timestamp::from_seconds(2), sink);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
  }
  const std::uint64_t before = nzeza::test::allocation_count();
  const std::uint64_t events_before = sink.events;
  bool all_ok = true;
  for (int i = 0; i < 100'000; ++i) {
    auto& f = frames[static_cast<std::size_t>(i) % frames.size()];
    set_id(f, id++);
    all_ok &= codec.decode(f, Timestamp::from_seconds(3), sink).ok();
  }
  EXPECT_EQ(nzeza::test::allocation_count() - before, 0u);
  EXPECT_TRUE(all_ok);
  EXPECT_EQ(codec.stats().gaps, 0u);
  // Per cycle: 3 changes + 1 quote, 3 changes + 1 quote, 1 trade, 0 (oracle prices are
  // stored, not emitted).
  EXPECT_EQ(sink.events - events_before, 25'000u * 9);
  EXPECT_TRUE(codec.book(reg.btc)->synced());
  EXPECT_EQ(codec.oracle_price(reg.eth)->price, "3000.75"_d);
}

}  // namespace
}  // namespace nzeza::venues::dydx

// Zero heap allocations per price message after warm-up (counting global operator new over
// 100 000 decodes). Own executable: it replaces operator new.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/alloc_counter.hpp"
#include "venues/generic/codec.hpp"

namespace nzeza::venues::generic {
namespace {

struct CountingSink final : MarketEventSink {
  std::uint64_t count = 0;
  void on_event(const MarketEvent&) override { ++count; }
};

TEST(GenericAllocation, decoding_100k_prices_after_warm_up_allocates_nothing) {
  InstrumentRegistry registry;
  for (const char* s : {"BTC-USD", "ETH-USD"}) {
    Instrument i;
    i.venue = Venue::generic;
    i.canonical = s;
    i.venue_symbol = s;
    i.base = "X";
    i.quote = "USD";
    i.tick_size = Decimal::from_raw8(1);
    i.lot_size = Decimal::from_raw8(1);
    ASSERT_TRUE(registry.add(i).ok());
  }
  GenericCodec codec(registry);
  CountingSink sink;
  const Timestamp now = Timestamp::from_seconds(1'730'123'456);
  const std::vector<std::string> frames{
      R"({"symbol":"BTC-USD","price":45000.50,"ts":1730123456})",
      R"({"symbol":"ETH-USD","price":2500.125,"ts":1730123456000})", R"({"type":"heartbeat"})"};
  for (const auto& f : frames) ASSERT_TRUE(codec.decode(f, now, sink).ok());
  const std::uint64_t before = nzeza::test::allocation_count();
  for (int i = 0; i < 100'000; ++i) {
    auto info = codec.decode(frames[static_cast<std::size_t>(i) % frames.size()], now, sink);
    if (!info.ok()) FAIL() << info.error().to_string();
  }
  EXPECT_EQ(nzeza::test::allocation_count() - before, 0u);
  EXPECT_GT(sink.count, 60'000u);
}

}  // namespace
}  // namespace nzeza::venues::generic

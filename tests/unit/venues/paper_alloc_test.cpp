// The paper venue's market-data path allocates nothing once warm: a backtest feeds it millions
// of book deltas and trades (own executable: alloc_counter.cpp replaces operator new).
#include <gtest/gtest.h>

#include <vector>

#include "common/alloc_counter.hpp"
#include "paper_depth_test_support.hpp"

namespace nzeza::venues::paper::testing {
namespace {

TEST_F(PaperDepthFixture,
       book_deltas_and_trades_allocate_nothing_after_warm_up_even_with_resting_orders) {
  PaperConfig c = default_config();
  c.queue_cancels = QueueCancels::from_back;  // the level's swings move nothing: no fill
  make(c);
  ASSERT_TRUE(venue->deposit("USDT", d("100000")));
  book({{"100", "1"}, {"99.90", "5"}, {"99.80", "5"}},
       {{"100.10", "1"}, {"100.20", "5"}, {"100.30", "5"}});
  ASSERT_TRUE(place(buy(1, "0.5", "99.80")));  // queued behind 5, never reached below
  ASSERT_TRUE(place(buy(2, "0.5", "99.80")));
  std::vector<MarketEvent> events;
  for (int i = 0; i < 64; ++i) {
    const Decimal size = Decimal::from_integer(5 + i % 4);
    events.push_back(event_for(m, m.paper_btc_usdt, clock.now(),
                               BookChange{i % 2 == 0 ? Side::buy : Side::sell,
                                          i % 2 == 0 ? d("99.80") : d("100.20"), size}));
    events.push_back(
        event_for(m, m.paper_btc_usdt, clock.now(), trade_print("99.80", "0.0001", Side::sell)));
  }
  for (const auto& e : events) venue->on_market_event(e);  // warm-up
  const std::uint64_t before = nzeza::test::allocation_count();
  for (int round = 0; round < 10; ++round) {
    for (const auto& e : events) venue->on_market_event(e);
  }
  const std::uint64_t allocations = nzeza::test::allocation_count() - before;
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(status(1).report.cumulative_filled, d("0"));  // the queue held: nothing filled
}

}  // namespace
}  // namespace nzeza::venues::paper::testing

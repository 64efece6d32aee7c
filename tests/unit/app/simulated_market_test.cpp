#include "app/simulated_market.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "unit/app/simulated_market_support.hpp"

namespace nzeza::app {
namespace {

using test::two_instruments;

InstrumentRegistry registry() {
  return test::two_paper_instruments();
}

TEST(SimulatedMarket, steps_on_the_clock_without_sleeping) {
  ManualClock clock;
  auto reg = registry();
  std::vector<MarketEvent> events;
  auto market = SimulatedMarket::create(clock, reg, two_instruments(), {},
                                        [&](const MarketEvent& e) { events.push_back(e); });
  ASSERT_TRUE(market.ok()) << market.error().message;
  market->start();
  clock.advance(std::chrono::seconds(60));
  EXPECT_EQ(market->steps(), 240U);  // every 250 ms
  EXPECT_EQ(market->events(), events.size());
  EXPECT_GE(events.size(), 480U);  // a quote per instrument per step, plus trades
  market->stop();
  clock.advance(std::chrono::seconds(10));
  EXPECT_EQ(market->steps(), 240U);
}

TEST(SimulatedMarket, quotes_are_on_the_tick_with_bid_below_ask_and_venue_times) {
  ManualClock clock;
  auto reg = registry();
  int quotes = 0;
  int trades = 0;
  auto market =
      SimulatedMarket::create(clock, reg, two_instruments(), {}, [&](const MarketEvent& e) {
        EXPECT_EQ(e.receive_time, clock.now());
        EXPECT_TRUE(e.has_venue_time());
        if (const auto* q = std::get_if<Quote>(&e.body)) {
          ++quotes;
          EXPECT_TRUE(q->bid.is_multiple_of("0.01"_d));
          EXPECT_LT(q->bid, q->ask);
          EXPECT_TRUE(q->bid_size.is_multiple_of("0.001"_d));
          if (e.instrument == InstrumentId{1}) {
            EXPECT_EQ(q->ask - q->bid, "0.02"_d);
          }
        } else if (const auto* t = std::get_if<Trade>(&e.body)) {
          ++trades;
          EXPECT_TRUE(t->size.is_positive());
          EXPECT_FALSE(t->trade_id.view().empty());
        }
      });
  ASSERT_TRUE(market.ok());
  for (int i = 0; i < 1000; ++i) market->step();
  EXPECT_EQ(quotes, 2000);
  EXPECT_GT(trades, 900);
  EXPECT_LT(trades, 1500);
}

TEST(SimulatedMarket, same_seed_gives_the_same_market) {
  auto run = [](std::uint64_t seed) {
    ManualClock clock;
    auto reg = registry();
    std::vector<Decimal> mids;
    SimulatedMarketConfig cfg;
    cfg.seed = seed;
    auto m = SimulatedMarket::create(clock, reg, two_instruments(), cfg, [&](const MarketEvent& e) {
      if (const auto* q = std::get_if<Quote>(&e.body)) mids.push_back(q->bid);
    });
    for (int i = 0; i < 200; ++i) m->step();
    return mids;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

TEST(SimulatedMarket, price_moves_but_stays_plausible) {
  ManualClock clock;
  auto reg = registry();
  auto m = SimulatedMarket::create(clock, reg, two_instruments(), {}, [](const MarketEvent&) {});
  for (int i = 0; i < 14'400; ++i) m->step();  // an hour of 250 ms steps
  EXPECT_NE(m->price(0), "45000"_d);
  EXPECT_GT(m->price(0), "20000"_d);
  EXPECT_LT(m->price(0), "100000"_d);
}

TEST(SimulatedMarket, refuses_bad_configuration_naming_the_entry) {
  ManualClock clock;
  auto reg = registry();
  auto sink = [](const MarketEvent&) {};
  auto unknown = SimulatedMarket::create(clock, reg, {{InstrumentId{9}, "1"_d}}, {}, sink);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("#0"), std::string::npos);
  auto zero = SimulatedMarket::create(clock, reg, {{InstrumentId{0}, "0"_d}}, {}, sink);
  EXPECT_NE(zero.error().message.find("start price"), std::string::npos);
  SimulatedMarketConfig cfg;
  cfg.step_interval = Duration::zero();
  EXPECT_FALSE(SimulatedMarket::create(clock, reg, two_instruments(), cfg, sink).ok());
  EXPECT_FALSE(SimulatedMarket::create(clock, reg, two_instruments(), {}, nullptr).ok());
}

}  // namespace
}  // namespace nzeza::app

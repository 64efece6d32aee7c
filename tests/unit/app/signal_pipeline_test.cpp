#include "app/signal_pipeline.hpp"

#include <gtest/gtest.h>

#include "app/simulated_market.hpp"

namespace nzeza::app {
namespace {

struct Fixture {
  ManualClock clock{Timestamp::from_seconds(1'700'000'000)};
  InstrumentRegistry reg;
  InstrumentId btc;
  Fixture() {
    Instrument i;
    i.venue = Venue::paper;
    i.canonical = "BTC-USD";
    i.venue_symbol = "BTC-USD";
    i.base = "BTC";
    i.quote = "USD";
    i.tick_size = "0.01"_d;
    i.lot_size = "0.0001"_d;
    btc = *reg.add(i);
  }
  SymbolId symbol() const { return reg.get(btc)->symbol; }
};

TEST(SignalPipeline, closes_clock_aligned_candles_and_signals_after_warm_up) {
  Fixture f;
  std::vector<SignalReport> reports;
  auto pipeline =
      SignalPipeline::create(f.clock, {}, [&](const SignalReport& r) { reports.push_back(r); });
  ASSERT_TRUE(pipeline.ok());
  ASSERT_TRUE((*pipeline)->add_symbol(f.symbol()).ok());
  auto market = SimulatedMarket::create(f.clock, f.reg, {{f.btc, "45000"_d}}, {},
                                        [&](const MarketEvent& e) { (*pipeline)->on_event(e); });
  market->start();
  f.clock.advance(std::chrono::minutes(10));
  ASSERT_GE(reports.size(), 59U);
  for (const auto& r : reports) {
    EXPECT_EQ(r.candle.start.ns() % 10'000'000'000, 0);  // aligned on 10 s
    EXPECT_EQ(r.candle.interval, std::chrono::seconds(10));
  }
  int signals = 0;
  for (const auto& r : reports) signals += r.output.signal.has_value() ? 1 : 0;
  EXPECT_GT(signals, 40);  // every fresh candle after warm-up
  EXPECT_FALSE(reports.front().output.signal.has_value());
  EXPECT_EQ(reports.front().output.reason, strategy::NoSignalReason::warming_up);
  EXPECT_EQ((*pipeline)->stats(f.symbol())->candles, reports.size());
}

TEST(SignalPipeline, a_quiet_market_still_closes_candles_on_time_as_gaps) {
  Fixture f;
  std::vector<SignalReport> reports;
  auto pipeline =
      SignalPipeline::create(f.clock, {}, [&](const SignalReport& r) { reports.push_back(r); });
  ASSERT_TRUE((*pipeline)->add_symbol(f.symbol()).ok());
  MarketEvent e;
  e.venue = Venue::paper;
  e.instrument = f.btc;
  e.symbol = f.symbol();
  e.receive_time = f.clock.now();
  e.body = Trade{"45000"_d, "0.1"_d, Side::buy, {}};
  (*pipeline)->on_event(e);
  f.clock.advance(std::chrono::seconds(35));  // no more ticks
  ASSERT_EQ(reports.size(), 3U);
  EXPECT_FALSE(reports[0].candle.gap);
  EXPECT_TRUE(reports[1].candle.gap);
  EXPECT_TRUE(reports[2].candle.gap);
  EXPECT_EQ(reports[1].candle.close, "45000"_d);
  for (const auto& r : reports) EXPECT_FALSE(r.output.signal.has_value());
}

TEST(SignalPipeline, ignores_symbols_without_a_lane_and_stops_its_timers) {
  Fixture f;
  int reports = 0;
  auto pipeline = SignalPipeline::create(f.clock, {}, [&](const SignalReport&) { ++reports; });
  ASSERT_TRUE((*pipeline)->add_symbol(f.symbol()).ok());
  MarketEvent e;
  e.symbol = SymbolId{77};
  e.body = Trade{"1"_d, "1"_d, Side::buy, {}};
  (*pipeline)->on_event(e);
  EXPECT_EQ((*pipeline)->ignored_events(), 1U);
  (*pipeline)->stop();
  EXPECT_EQ(f.clock.pending_timers(), 0U);
  f.clock.advance(std::chrono::minutes(1));
  EXPECT_EQ(reports, 0);
}

TEST(SignalPipeline, refuses_an_interval_that_does_not_divide_a_day) {
  ManualClock clock;
  SignalPipelineConfig cfg;
  cfg.candle_interval = std::chrono::seconds(7);
  auto p = SignalPipeline::create(clock, cfg, [](const SignalReport&) {});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("signal pipeline"), std::string::npos);
}

}  // namespace
}  // namespace nzeza::app

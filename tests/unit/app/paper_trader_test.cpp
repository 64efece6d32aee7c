#include "app/paper_trader.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace nzeza::app {
namespace {

struct Fixture {
  ManualClock clock{Timestamp::from_seconds(1'700'000'000)};
  InstrumentRegistry reg;
  InstrumentId btc;
  std::unique_ptr<venues::paper::PaperVenue> venue;
  std::vector<std::string> log;
  std::unique_ptr<PaperTrader> trader;

  explicit Fixture(double min_confidence = 0.7) {
    Instrument i;
    i.venue = Venue::paper;
    i.canonical = "BTC-USD";
    i.venue_symbol = "BTC-USD";
    i.base = "BTC";
    i.quote = "USD";
    i.tick_size = "0.01"_d;
    i.lot_size = "0.0001"_d;
    i.min_size = "0.0001"_d;
    btc = *reg.add(i);
    venues::paper::PaperConfig cfg;
    cfg.taker_fee_bps = "10"_d;
    cfg.latency.response = std::chrono::milliseconds(50);
    venue = std::make_unique<venues::paper::PaperVenue>(clock, reg, cfg);
    EXPECT_TRUE(venue->deposit("USD", "100000"_d).ok());
    PaperTraderConfig tcfg;
    tcfg.risk.whitelist = {"BTC-USD"};
    tcfg.risk.min_confidence = min_confidence;
    tcfg.starting_cash = "100000"_d;
    auto t = PaperTrader::create(clock, reg, *venue, tcfg, *ClientIdCodec::create("t"),
                                 [this](const std::string& s) { log.push_back(s); });
    EXPECT_TRUE(t.ok());
    trader = std::move(*t);
  }
  void quote(const char* bid, const char* ask) {
    MarketEvent e;
    e.venue = Venue::paper;
    e.instrument = btc;
    e.symbol = reg.get(btc)->symbol;
    e.receive_time = clock.now();
    e.body = Quote{*Decimal::parse(bid), "10"_d, *Decimal::parse(ask), "10"_d};
    venue->on_market_event(e);
    trader->on_market_event(e);
  }
  void signal(strategy::SignalKind kind, double confidence) {
    SignalReport r;
    r.symbol = reg.get(btc)->symbol;
    strategy::CombinedSignal s;
    s.signal = {kind, confidence};
    r.output.signal = s;
    trader->on_signal(r);
  }
};

TEST(PaperTrader, buy_signal_sizes_passes_the_gate_and_fills_on_the_paper_venue) {
  Fixture f;
  f.quote("50000", "50000.01");
  f.signal(strategy::SignalKind::buy, 0.9);
  EXPECT_EQ(f.trader->stats().orders_sent, 1U);
  f.clock.advance(std::chrono::seconds(1));  // response latency
  EXPECT_EQ(f.trader->stats().fills, 1U);
  // 20% of 100000 USD equity is 20000, capped by the gate's max order notional (10000): at the
  // mark 50000 that is 0.2 BTC.
  EXPECT_EQ(f.trader->position(f.btc), "0.2"_d);
  // Our cash follows the venue's balance exactly: notional and the 10 bp fee.
  EXPECT_EQ(f.venue->balance_now("USD")->total(), "100000"_d - "10000.002"_d - "10.000002"_d);
}

TEST(PaperTrader, sell_signal_exits_the_whole_long_and_books_realised_pnl) {
  Fixture f;
  f.quote("50000", "50000.01");
  f.signal(strategy::SignalKind::buy, 0.9);
  f.clock.advance(std::chrono::seconds(1));
  f.quote("51000", "51000.01");
  f.signal(strategy::SignalKind::sell, 0.6);  // exits skip the confidence rule
  f.clock.advance(std::chrono::seconds(1));
  EXPECT_EQ(f.trader->position(f.btc), "0"_d);
  EXPECT_EQ(f.trader->stats().fills, 2U);
  // Realised PnL equals the change of the venue's USD balance: nothing lost, nothing invented.
  EXPECT_EQ(f.trader->realized_pnl(), f.venue->balance_now("USD")->total() - "100000"_d);
  EXPECT_TRUE(f.trader->realized_pnl().is_positive());
}

TEST(PaperTrader, low_confidence_is_refused_by_the_risk_gate_with_its_reason) {
  Fixture f;
  f.quote("50000", "50000.01");
  f.signal(strategy::SignalKind::buy, 0.55);
  EXPECT_EQ(f.trader->stats().orders_sent, 0U);
  EXPECT_EQ(f.trader->stats().orders_refused, 1U);
  ASSERT_FALSE(f.log.empty());
  EXPECT_NE(f.log.back().find("confidence"), std::string::npos);
}

TEST(PaperTrader, one_order_in_flight_per_symbol_and_no_spot_short) {
  Fixture f;
  f.quote("50000", "50000.01");
  f.signal(strategy::SignalKind::sell, 0.9);  // flat: nothing to sell, no short on spot
  EXPECT_EQ(f.trader->stats().orders_sent, 0U);
  f.signal(strategy::SignalKind::buy, 0.9);
  f.signal(strategy::SignalKind::buy, 0.9);  // the first is still in flight
  EXPECT_EQ(f.trader->stats().orders_sent, 1U);
  f.clock.advance(std::chrono::seconds(1));
  f.signal(strategy::SignalKind::buy, 0.9);  // already long
  EXPECT_EQ(f.trader->stats().orders_sent, 1U);
}

TEST(PaperTrader, without_a_price_nothing_is_sent) {
  Fixture f;
  f.signal(strategy::SignalKind::buy, 0.9);
  EXPECT_EQ(f.trader->stats().orders_sent, 0U);
}

}  // namespace
}  // namespace nzeza::app

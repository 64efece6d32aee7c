#pragma once
// Fixture for the paper venue tests: a ManualClock, the shared markets, and helpers that make a
// call and run the clock until it answers.

#include <gtest/gtest.h>

#include <memory>

#include "venue_test_support.hpp"
#include "venues/paper/paper_venue.hpp"

namespace nzeza::venues::paper::testing {

using venues::testing::Capture;
using venues::testing::d;
using venues::testing::limit_spec;
using venues::testing::market_spec;
using venues::testing::Markets;

inline PaperConfig default_config() {
  PaperConfig c;
  c.slippage_bps = d("10");
  c.maker_fee_bps = d("2");
  c.taker_fee_bps = d("5");
  return c;
}

class PaperFixture : public ::testing::Test {
 protected:
  void make(PaperConfig config) {
    venue = std::make_unique<PaperVenue>(clock, m.registry, config);
    settle = config.latency.request + config.latency.response;
  }
  void SetUp() override {
    make(default_config());
    ASSERT_TRUE(venue->deposit("USDT", d("100000")));
    ASSERT_TRUE(venue->deposit("BTC", d("2")));
  }
  void quote(InstrumentId id, const char* bid, const char* bid_size, const char* ask,
             const char* ask_size, Venue source = Venue::binance) {
    MarketEvent e;
    e.venue = source;
    e.symbol = m.get(id).symbol;
    e.receive_time = clock.now();
    e.body = Quote{d(bid), d(bid_size), d(ask), d(ask_size)};
    venue->on_market_event(e);
  }
  void trade(InstrumentId id, const char* price, const char* size, Side aggressor) {
    MarketEvent e;
    e.venue = Venue::binance;
    e.symbol = m.get(id).symbol;
    e.receive_time = clock.now();
    Trade t;
    t.price = d(price);
    t.size = d(size);
    t.aggressor = aggressor;
    e.body = t;
    venue->on_market_event(e);
  }
  // Calls `call` with a capturing callback and lets the clock run through the venue's latency.
  template <typename T, typename Call>
  Result<T> run(Call call) {
    Capture<T> c;
    call(c.callback());
    clock.advance(settle);
    clock.run_due();
    EXPECT_TRUE(c.has());
    if (!c.has()) return Error{ErrorCode::internal, "no answer"};
    return c.get();
  }
  Result<PlaceAck> place(const domain::OrderSpec& s) {
    return run<PlaceAck>([&](Callback<PlaceAck> cb) { venue->place(s, std::move(cb)); });
  }
  domain::Balance bal(const char* currency) { return *venue->balance_now(currency); }
  std::vector<VenueOrder> open() {
    return *run<std::vector<VenueOrder>>(
        [&](auto cb) { venue->open_orders(std::nullopt, std::move(cb)); });
  }
  domain::OrderSpec buy(std::uint64_t seq, const char* qty, const char* price,
                        domain::TimeInForce tif = domain::TimeInForce::gtc) {
    return limit_spec(Venue::paper, m.paper_btc_usdt, seq, Side::buy, qty, price, tif);
  }
  domain::OrderSpec sell(std::uint64_t seq, const char* qty, const char* price,
                         domain::TimeInForce tif = domain::TimeInForce::gtc) {
    return limit_spec(Venue::paper, m.paper_btc_usdt, seq, Side::sell, qty, price, tif);
  }

  ManualClock clock;
  Duration settle = 0s;
  Markets m;
  std::unique_ptr<PaperVenue> venue;
};

}  // namespace nzeza::venues::paper::testing

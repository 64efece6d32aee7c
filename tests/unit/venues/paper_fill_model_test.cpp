// The paper venue's L2 fill model: market orders walk the depth book, resting limits wait for
// the volume ahead of them, instrument rules refuse like a venue, fees per instrument, and the
// same script always gives the same fills.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "paper_depth_test_support.hpp"

namespace nzeza::venues::paper::testing {
namespace {

using domain::Liquidity;
using domain::OrderType;
using domain::TimeInForce;
using domain::VenueOrderStatus;
using ::testing::HasSubstr;

// --- book walking ----------------------------------------------------------------------------

TEST_F(PaperDepthFixture, market_buy_walks_three_levels_one_taker_fill_each_and_the_rest_expires) {
  book({{"100", "1"}}, {{"100.10", "0.5"}, {"100.20", "0.7"}, {"100.50", "0.3"}});
  auto ack = place(market_spec(Venue::paper, m.paper_btc_usdt, 1, Side::buy, "2"));
  ASSERT_TRUE(ack) << ack.error().to_string();
  ASSERT_EQ(ack->fills.size(), 3u);
  const char* prices[] = {"100.1", "100.2", "100.5"};
  const char* sizes[] = {"0.5", "0.7", "0.3"};
  const char* fees[] = {"0.025025", "0.03507", "0.015075"};  // 5 bps of each level's notional
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(ack->fills[i].price, d(prices[i])) << i;  // the level's price, no slippage
    EXPECT_EQ(ack->fills[i].quantity, d(sizes[i])) << i;
    EXPECT_EQ(ack->fills[i].fee, d(fees[i])) << i;
    EXPECT_EQ(ack->fills[i].liquidity, Liquidity::taker) << i;
  }
  EXPECT_EQ(ack->report.status, VenueOrderStatus::expired);
  EXPECT_EQ(ack->report.cumulative_filled, d("1.5"));
  EXPECT_EQ(ack->report.reason, "market order: the book held 1.5 of 2, the rest expired");
  EXPECT_EQ(bal("USDT").total(), d("99849.58483"));  // 150.34 paid, 0.07517 fees
  EXPECT_EQ(bal("USDT").locked(), d("0"));
  EXPECT_EQ(bal("BTC").total(), d("3.5"));
  EXPECT_FALSE(venue->quote(m.paper_btc_usdt)->ask.is_positive());  // we took the whole side
}

TEST_F(PaperDepthFixture, market_sell_walks_the_bids_best_first) {
  book({{"100", "0.2"}, {"99.90", "1"}}, {{"100.10", "1"}});
  auto ack = place(market_spec(Venue::paper, m.paper_btc_usdt, 1, Side::sell, "0.5"));
  ASSERT_TRUE(ack);
  ASSERT_EQ(ack->fills.size(), 2u);
  EXPECT_EQ(ack->fills[0].price, d("100"));
  EXPECT_EQ(ack->fills[0].quantity, d("0.2"));
  EXPECT_EQ(ack->fills[1].price, d("99.9"));
  EXPECT_EQ(ack->fills[1].quantity, d("0.3"));
  EXPECT_EQ(ack->report.status, VenueOrderStatus::filled);
  EXPECT_EQ(bal("BTC").total(), d("1.5"));
}

TEST_F(PaperDepthFixture, consumed_depth_is_not_taken_again_until_the_feed_changes_that_level) {
  book({{"100", "1"}}, {{"100.10", "0.5"}, {"100.20", "1"}});
  auto first = place(market_spec(Venue::paper, m.paper_btc_usdt, 1, Side::buy, "0.5"));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->fills.at(0).price, d("100.10"));

  auto second = place(market_spec(Venue::paper, m.paper_btc_usdt, 2, Side::buy, "0.3"));
  ASSERT_TRUE(second);
  ASSERT_EQ(second->fills.size(), 1u);
  EXPECT_EQ(second->fills[0].price, d("100.20"));  // 100.10 is still ours

  level(Side::sell, "100.30", "2");  // another level changes: 100.10 stays consumed
  EXPECT_EQ(venue->quote(m.paper_btc_usdt)->ask, d("100.20"));
  EXPECT_EQ(venue->quote(m.paper_btc_usdt)->ask_size, d("0.7"));

  level(Side::sell, "100.10", "0.4");  // the feed refreshes that level
  auto third = place(market_spec(Venue::paper, m.paper_btc_usdt, 3, Side::buy, "0.2"));
  ASSERT_TRUE(third);
  ASSERT_EQ(third->fills.size(), 1u);
  EXPECT_EQ(third->fills[0].price, d("100.10"));
}

TEST_F(PaperDepthFixture, crossing_limit_walks_up_to_its_price_and_rests_the_rest) {
  book({{"100", "1"}}, {{"100.10", "0.5"}, {"100.20", "0.5"}, {"100.30", "1"}});
  auto ack = place(buy(1, "1.5", "100.20"));
  ASSERT_TRUE(ack);
  ASSERT_EQ(ack->fills.size(), 2u);
  EXPECT_EQ(ack->fills[0].price, d("100.10"));
  EXPECT_EQ(ack->fills[1].price, d("100.20"));
  EXPECT_EQ(ack->report.status, VenueOrderStatus::partially_filled);
  EXPECT_EQ(ack->report.cumulative_filled, d("1"));
  EXPECT_EQ(venue->quote(m.paper_btc_usdt)->ask, d("100.30"));  // never past the limit

  // The rest leads its (empty) bid level: the next print at its price fills it as maker.
  print("100.20", "0.2");
  const auto s = status(1);
  EXPECT_EQ(s.report.cumulative_filled, d("1.2"));
  EXPECT_EQ(fills().back().liquidity, Liquidity::maker);
}

TEST_F(PaperDepthFixture, an_ask_added_within_a_resting_limit_fills_it_as_maker_at_its_price) {
  book({{"100", "1"}}, {{"100.10", "0.5"}, {"100.30", "1"}});
  auto ack = place(buy(1, "1", "100.20"));  // takes 0.5 at 100.10, rests 0.5 at 100.20
  ASSERT_TRUE(ack);
  level(Side::buy, "100.20", "3");   // size joining behind us on our own side: no fill
  level(Side::sell, "100.40", "2");  // an ask beyond the limit: no fill
  EXPECT_EQ(status(1).report.cumulative_filled, d("0.5"));
  level(Side::sell, "100.15", "0.2");  // within the limit
  const auto f = fills();
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].price, d("100.20"));
  EXPECT_EQ(f[1].quantity, d("0.2"));
  EXPECT_EQ(f[1].liquidity, Liquidity::maker);
  level(Side::sell, "100.10", "0.6");  // the level we took is shown again: it is there to take
  EXPECT_EQ(status(1).report.status, VenueOrderStatus::filled);
}

TEST_F(PaperDepthFixture, fok_expires_unfilled_when_the_levels_within_its_limit_fall_short) {
  book({{"100", "1"}}, {{"100.10", "0.5"}, {"100.20", "0.5"}, {"100.30", "1"}});
  auto short_of_it = place(buy(1, "1.2", "100.20", TimeInForce::fok));
  ASSERT_TRUE(short_of_it);
  EXPECT_EQ(short_of_it->report.status, VenueOrderStatus::expired);
  EXPECT_TRUE(short_of_it->fills.empty());
  EXPECT_EQ(short_of_it->report.reason, "FOK: 1 available within the limit, 1.2 required");
  EXPECT_EQ(bal("USDT").locked(), d("0"));

  auto enough = place(buy(2, "1", "100.20", TimeInForce::fok));
  ASSERT_TRUE(enough);
  EXPECT_EQ(enough->report.status, VenueOrderStatus::filled);
  EXPECT_EQ(enough->fills.size(), 2u);
}

TEST_F(PaperDepthFixture, a_market_order_on_an_empty_side_is_refused) {
  book({{"100", "1"}}, {});
  auto ack = place(market_spec(Venue::paper, m.paper_btc_usdt, 1, Side::buy, "0.5"));
  ASSERT_FALSE(ack);
  EXPECT_EQ(ack.error().venue_text, "no ask for BTC-USDT: cannot fill a market order");
}

TEST_F(PaperDepthFixture, a_triggered_stop_walks_the_book_like_a_market_order) {
  book({{"100", "0.5"}, {"99.90", "0.5"}, {"99.80", "1"}}, {{"100.10", "1"}});
  auto stop = market_spec(Venue::paper, m.paper_btc_usdt, 1, Side::sell, "1.2");
  stop.type = OrderType::stop;
  stop.stop_price = d("99.95");
  ASSERT_TRUE(place(stop));
  EXPECT_TRUE(fills().empty());
  level(Side::buy, "100", "0");  // the best bid is now 99.90: through the stop
  const auto f = fills();
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].price, d("99.90"));
  EXPECT_EQ(f[0].quantity, d("0.5"));
  EXPECT_EQ(f[1].price, d("99.80"));
  EXPECT_EQ(f[1].quantity, d("0.7"));
  EXPECT_EQ(status(1).report.status, VenueOrderStatus::filled);
}

// --- queue position --------------------------------------------------------------------------

// A resting buy of 1 at 99.90 behind the 5 displayed there.
class PaperQueueTest : public PaperDepthFixture {
 protected:
  void SetUp() override {
    PaperDepthFixture::SetUp();
    rest();
  }
  void rest() {
    book({{"100", "1"}, {"99.90", "5"}}, {{"100.10", "2"}});
    auto ack = place(buy(1, "1", "99.90"));
    ASSERT_TRUE(ack);
    ASSERT_EQ(ack->report.status, VenueOrderStatus::open);
  }
};

TEST_F(PaperQueueTest, fills_nothing_after_four_of_the_five_ahead_traded) {
  print("99.90", "4");
  EXPECT_EQ(status(1).report.cumulative_filled, d("0"));
  print("99.90", "1");  // exactly the queue: nothing past it
  EXPECT_EQ(status(1).report.cumulative_filled, d("0"));
  EXPECT_TRUE(fills().empty());
}

TEST_F(PaperQueueTest, fills_as_maker_once_the_five_ahead_are_gone) {
  print("99.90", "4");
  print("99.90", "1");
  print("99.90", "1.5");
  const auto s = status(1);
  EXPECT_EQ(s.report.status, VenueOrderStatus::filled);
  const auto f = fills();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].quantity, d("1"));
  EXPECT_EQ(f[0].price, d("99.90"));
  EXPECT_EQ(f[0].liquidity, Liquidity::maker);
  EXPECT_EQ(f[0].fee, d("0.01998"));  // 2 bps of 99.90
}

TEST_F(PaperQueueTest, fills_partially_when_a_trade_passes_the_queue_by_less_than_its_size) {
  print("99.90", "4");
  print("99.90", "1.6");  // 1 clears the queue, 0.6 reaches us
  auto s = status(1);
  EXPECT_EQ(s.report.status, VenueOrderStatus::partially_filled);
  EXPECT_EQ(s.report.cumulative_filled, d("0.6"));
  print("99.90", "2");  // nothing ahead now: the rest fills
  s = status(1);
  EXPECT_EQ(s.report.status, VenueOrderStatus::filled);
  EXPECT_EQ(fills().size(), 2u);
}

TEST_F(PaperQueueTest, cancels_move_the_order_up_pro_rata) {
  level(Side::buy, "99.90", "10");  // 5 join behind us: 5 still ahead
  level(Side::buy, "99.90", "6");   // 4 cancelled, no trade: 4 x 5/10 of them were ahead
  print("99.90", "3.5");            // 3 ahead now: 0.5 reaches us
  EXPECT_EQ(status(1).report.cumulative_filled, d("0.5"));
}

TEST_F(PaperQueueTest, a_pro_rata_queue_fills_whole_lots_only) {
  level(Side::buy, "99.90", "7");
  level(Side::buy, "99.90", "4");  // 3 cancelled: 5 x 3/7 of them ahead, not a lot multiple
  print("99.90", "3.5");           // 0.642857... reaches us: 0.6428 in lots of 0.0001
  EXPECT_EQ(status(1).report.cumulative_filled, d("0.6428"));
}

TEST_F(PaperQueueTest, a_trade_then_the_level_it_emptied_is_not_counted_twice) {
  print("99.90", "2");             // 3 ahead
  level(Side::buy, "99.90", "3");  // the feed takes the 2 traded off the level: no cancel
  print("99.90", "3.2");           // 3 ahead still: 0.2 reaches us
  EXPECT_EQ(status(1).report.cumulative_filled, d("0.2"));
}

TEST_F(PaperQueueTest, a_level_shrinking_below_the_queue_caps_what_is_ahead) {
  level(Side::buy, "99.90", "1");  // only 1 left at the level: at most 1 ahead
  print("99.90", "1.3");
  EXPECT_EQ(status(1).report.cumulative_filled, d("0.3"));
}

TEST_F(PaperQueueTest, a_trade_through_the_price_fills_whatever_is_ahead) {
  print("99.80", "0.3");
  const auto f = fills();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].quantity, d("0.3"));
  EXPECT_EQ(f[0].price, d("99.90"));  // at our own price, as maker
  EXPECT_EQ(f[0].liquidity, Liquidity::maker);
}

TEST_F(PaperQueueTest, the_ask_falling_to_the_price_fills_it_from_the_ask_size) {
  level(Side::buy, "100", "0");
  level(Side::buy, "99.90", "0");     // the bids at 99.90 are gone
  level(Side::sell, "99.90", "0.4");  // and an ask arrives at our price
  const auto f = fills();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].quantity, d("0.4"));
  EXPECT_EQ(f[0].liquidity, Liquidity::maker);
  EXPECT_EQ(venue->quote(m.paper_btc_usdt)->ask, d("100.10"));  // 0.4 consumed by us
}

TEST_F(PaperQueueTest, our_earlier_order_at_the_price_stands_ahead_of_the_later_one) {
  ASSERT_TRUE(place(buy(2, "1", "99.90")));  // also 5 displayed ahead, and order 1
  print("99.90", "5.5");
  EXPECT_EQ(status(1).report.cumulative_filled, d("0.5"));
  EXPECT_EQ(status(2).report.cumulative_filled, d("0"));
  print("99.90", "1");  // 0.5 finishes order 1, 0.5 reaches order 2
  EXPECT_EQ(status(1).report.status, VenueOrderStatus::filled);
  EXPECT_EQ(status(2).report.cumulative_filled, d("0.5"));
}

class PaperQueueFromBackTest : public PaperQueueTest {
 protected:
  void SetUp() override {
    PaperConfig c = default_config();
    c.queue_cancels = QueueCancels::from_back;
    make(c);
    ASSERT_TRUE(venue->deposit("USDT", d("100000")));
    rest();
  }
};

TEST_F(PaperQueueFromBackTest, cancels_all_behind_leave_the_queue_ahead_unchanged) {
  level(Side::buy, "99.90", "10");
  level(Side::buy, "99.90", "6");  // 4 cancelled, all behind us: 5 still ahead
  print("99.90", "3.5");
  EXPECT_EQ(status(1).report.cumulative_filled, d("0"));
  print("99.90", "2");  // 1.5 ahead, 0.5 reaches us
  EXPECT_EQ(status(1).report.cumulative_filled, d("0.5"));
}

TEST(PaperQueuePosition, pro_rata_advances_by_the_share_ahead_rounded_down_never_below_zero) {
  QueuePosition q{d("2"), {}};
  q.on_level_change(d("4"), d("3"), QueueCancels::pro_rata);  // 1 cancelled, 2/4 of it ahead
  EXPECT_EQ(q.ahead, d("1.5"));
  q.on_level_change(d("3"), d("2"), QueueCancels::pro_rata);  // 1.5 x 1/3 = 0.5
  EXPECT_EQ(q.ahead, d("1"));
  QueuePosition third{d("1"), {}};
  third.on_level_change(d("3"), d("2"), QueueCancels::pro_rata);  // 1/3 does not divide
  EXPECT_GE(third.ahead + third.ahead + third.ahead, d("2"));     // never advanced too far
  EXPECT_LT(third.ahead, d("0.6667"));
  q.on_trade(d("5"), d("5"));
  EXPECT_EQ(q.ahead, d("0"));
  q.on_level_change(d("2"), d("0"), QueueCancels::pro_rata);
  EXPECT_EQ(q.ahead, d("0"));
}

// --- instrument rules ------------------------------------------------------------------------

class PaperRulesTest : public PaperFixture {
 protected:
  void SetUp() override {
    Instrument eth = venues::testing::spot(Venue::paper, "ETH-USDT", "ETH", "USDT");
    eth.lot_size = d("0.001");
    eth.min_size = d("0.01");
    eth.max_size = d("50");
    eth.min_notional = Decimal::zero();
    eth_ = *m.registry.add(eth);
    PaperFixture::SetUp();
    quote(m.paper_btc_usdt, "100", "5", "100.10", "5");
  }
  std::string refusal(const domain::OrderSpec& s) {
    auto ack = place(s);
    EXPECT_FALSE(ack);
    if (ack) return {};
    EXPECT_EQ(ack.error().code, ErrorCode::rejected);
    EXPECT_EQ(bal("USDT").locked(), d("0"));
    return ack.error().venue_text;
  }
  InstrumentId eth_;
};

TEST_F(PaperRulesTest, a_price_off_the_tick_is_refused_naming_the_tick) {
  EXPECT_THAT(refusal(buy(1, "1", "99.995")),
              HasSubstr("price 99.995 is not a multiple of the tick 0.01"));
  EXPECT_TRUE(open().empty());
}

TEST_F(PaperRulesTest, a_size_off_the_lot_is_refused_naming_the_lot) {
  EXPECT_THAT(refusal(buy(1, "0.12345", "99")),
              HasSubstr("size 0.12345 is not a multiple of the lot 0.0001"));
}

TEST_F(PaperRulesTest, sizes_outside_the_minimum_and_maximum_are_refused_naming_the_limit) {
  EXPECT_THAT(refusal(limit_spec(Venue::paper, eth_, 1, Side::buy, "0.005", "2000")),
              HasSubstr("size 0.005 is below the minimum 0.01"));
  EXPECT_THAT(refusal(limit_spec(Venue::paper, eth_, 2, Side::buy, "60", "2000")),
              HasSubstr("size 60 is above the maximum 50"));
}

TEST_F(PaperRulesTest, a_notional_below_the_minimum_is_refused_for_limits_and_markets) {
  EXPECT_THAT(refusal(buy(1, "0.05", "100")),
              HasSubstr("notional 5 (100 x 0.05) is below the minimum 10"));
  EXPECT_THAT(refusal(market_spec(Venue::paper, m.paper_btc_usdt, 2, Side::buy, "0.05")),
              HasSubstr("notional 5.005 (100.1 x 0.05) is below the minimum 10"));
}

TEST_F(PaperRulesTest, a_stop_price_off_the_tick_is_refused_naming_the_tick) {
  auto stop = market_spec(Venue::paper, m.paper_btc_usdt, 1, Side::sell, "1");
  stop.type = OrderType::stop;
  stop.stop_price = d("99.005");
  EXPECT_EQ(refusal(stop), "stop price 99.005 is not a multiple of the tick 0.01");
  EXPECT_EQ(bal("BTC").locked(), d("0"));
}

// --- fees ------------------------------------------------------------------------------------

TEST_F(PaperFixture, an_instrument_with_its_own_fees_pays_them_and_the_others_the_default) {
  PaperConfig c = default_config();
  c.instrument_fees["BTC-USDT"] = PaperFees{d("1"), d("3")};
  make(c);
  ASSERT_TRUE(venue->deposit("USDT", d("100000")));
  ASSERT_TRUE(venue->deposit("USD", d("100000")));
  quote(m.paper_btc_usdt, "100", "5", "100.10", "5");
  quote(m.paper_btc_usd, "100", "5", "100.10", "5");
  auto own = place(market_spec(Venue::paper, m.paper_btc_usdt, 1, Side::buy, "1"));
  auto other = place(market_spec(Venue::paper, m.paper_btc_usd, 2, Side::buy, "1"));
  ASSERT_TRUE(own);
  ASSERT_TRUE(other);
  EXPECT_EQ(own->fills.at(0).fee, d("0.030063"));    // 3 bps of 100.21
  EXPECT_EQ(other->fills.at(0).fee, d("0.050105"));  // the default 5 bps
  ASSERT_TRUE(place(buy(3, "1", "99")));
  quote(m.paper_btc_usdt, "98", "5", "98.50", "5");
  auto f = run<std::vector<domain::Fill>>(
      [&](auto cb) { venue->fills_since(Timestamp{}, m.paper_btc_usdt, cb); });
  ASSERT_EQ(f->size(), 2u);
  EXPECT_EQ(f->back().fee, d("0.0099"));  // maker 1 bp of 99
}

// --- determinism -----------------------------------------------------------------------------

// A session on a depth book: snapshot, deltas, prints, orders with drawn latencies and a cancel.
std::vector<std::string> depth_session(std::uint64_t seed) {
  ManualClock clock;
  Markets m;
  PaperConfig c = default_config();
  c.latency.response = 2ms;
  c.order_latency = LatencyModel::uniform(1ms, 9ms);
  c.cancel_latency = LatencyModel::normal(5ms, 2ms);
  c.latency_seed = seed;
  PaperVenue venue(clock, m.registry, c);
  (void)venue.deposit("USDT", d("100000"));
  (void)venue.deposit("BTC", d("10"));
  std::vector<std::string> trace;
  venue.start({[&](const VenueOrder& o) {
                 trace.push_back("order " + o.client_order_id + " " +
                                 std::string(domain::to_string(o.report.status)) + " " +
                                 o.report.cumulative_filled.to_string() + " " + o.report.reason);
               },
               [&](const domain::Fill& f) {
                 trace.push_back("fill " + f.trade_id + " " + f.client_order_id + " " +
                                 f.price.to_string() + " " + f.quantity.to_string() + " " +
                                 f.fee.to_string() + " " + std::to_string(f.time.ns()));
               },
               nullptr, nullptr});
  auto send = [&](EventBody body) {
    venue.on_market_event(event_for(m, m.paper_btc_usdt, clock.now(), std::move(body)));
  };
  for (const auto& ch : snapshot_changes({{"100", "1"}, {"99.90", "3"}, {"99.80", "4"}},
                                         {{"100.10", "0.5"}, {"100.20", "1"}, {"100.30", "2"}})) {
    send(ch);
  }
  auto spec = [&](std::uint64_t seq, Side side, const char* qty, const char* price) {
    return price == nullptr ? market_spec(Venue::paper, m.paper_btc_usdt, seq, side, qty)
                            : limit_spec(Venue::paper, m.paper_btc_usdt, seq, side, qty, price);
  };
  venue.place(spec(1, Side::buy, "1", "99.90"), [](Result<PlaceAck>) {});
  venue.place(spec(2, Side::buy, "1.2", nullptr), [](Result<PlaceAck>) {});
  venue.place(spec(3, Side::sell, "0.5", "100.30"), [](Result<PlaceAck>) {});
  for (int step = 0; step < 40; ++step) {
    clock.advance(1ms);
    switch (step % 5) {
      case 0:
        send(trade_print("99.90", "0.9", Side::sell));
        break;
      case 1:
        send(BookChange{Side::buy, d("99.90"), Decimal::from_integer(2 + step % 3)});
        break;
      case 2:
        send(BookChange{Side::sell, d("100.10"), d("0.3")});
        break;
      case 3:
        send(trade_print("100.30", "0.2", Side::buy));
        break;
      default:
        if (step == 9) venue.cancel({"", "nz-t1-3", {}}, [](Result<CancelAck>) {});
        if (step == 14) venue.place(spec(4, Side::sell, "2", nullptr), [](Result<PlaceAck>) {});
        break;
    }
  }
  clock.advance(50ms);
  return trace;
}

TEST(PaperFillModelDeterminism, the_same_events_clock_and_seed_give_the_same_fills_byte_for_byte) {
  const auto a = depth_session(7);
  const auto b = depth_session(7);
  EXPECT_GE(std::count_if(a.begin(), a.end(), [](const std::string& s) { return s[0] == 'f'; }), 5);
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace nzeza::venues::paper::testing

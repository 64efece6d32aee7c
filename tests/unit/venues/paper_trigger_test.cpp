// Native trigger orders of the paper venue: stop (stop-market), take_profit (market when
// triggered) and stop_limit rest untriggered until the market moves through their stop price.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "paper_test_support.hpp"

namespace nzeza::venues::paper::testing {
namespace {

using domain::Liquidity;
using domain::OrderType;
using domain::TimeInForce;
using domain::VenueOrderStatus;
using venues::testing::codec;

domain::OrderSpec trigger_spec(InstrumentId instrument, std::uint64_t seq, Side side,
                               OrderType type, const char* qty, const char* stop,
                               const char* limit = nullptr) {
  auto s = market_spec(Venue::paper, instrument, seq, side, qty);
  s.type = type;
  s.stop_price = d(stop);
  if (limit != nullptr) s.price = d(limit);
  return s;
}

// Every balance the venue holds: nothing negative, total = available + locked.
void expect_consistent(const PaperVenue& venue) {
  for (const char* c : {"USDT", "USD", "BTC"}) {
    auto b = venue.balance_now(c);
    if (!b) continue;
    SCOPED_TRACE(c);
    EXPECT_FALSE(b->available().is_negative());
    EXPECT_FALSE(b->locked().is_negative());
    EXPECT_EQ(b->total(), b->available() + b->locked());
  }
}

class PaperTriggerTest : public PaperFixture {
 protected:
  void SetUp() override {
    PaperFixture::SetUp();
    venue->start({[this](const VenueOrder& o) { updates.push_back(o); },
                  [this](const domain::Fill& f) { pushed.push_back(f); }, nullptr, nullptr});
    quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  }
  domain::OrderSpec btc(std::uint64_t seq, Side side, OrderType type, const char* qty,
                        const char* stop, const char* limit = nullptr) {
    return trigger_spec(m.paper_btc_usdt, seq, side, type, qty, stop, limit);
  }
  Result<VenueOrder> status(std::uint64_t seq) {
    const std::string id = codec().encode(Venue::paper, seq)->text;
    return run<VenueOrder>([&](auto cb) { venue->order_status({"", id, {}}, std::move(cb)); });
  }
  std::vector<domain::Fill> fills() {
    return *run<std::vector<domain::Fill>>(
        [&](auto cb) { venue->fills_since(Timestamp{}, std::nullopt, std::move(cb)); });
  }

  std::vector<VenueOrder> updates;
  std::vector<domain::Fill> pushed;
};

// --- each type x side: not before its level, at its level, filled like its execution type ---

struct TriggerCase {
  const char* name;
  Side side;
  OrderType type;
  const char* stop;
  const char* limit;  // stop_limit only
  // The quote just short of the level, then the quote that reaches it: bid, ask.
  const char* short_bid;
  const char* short_ask;
  const char* at_bid;
  const char* at_ask;
  const char* reserve;  // locked while armed (BTC for a sell, USDT for a buy)
  const char* price;    // fill price
  Liquidity liquidity;
};

void PrintTo(const TriggerCase& c, std::ostream* os) {
  *os << c.name;
}

class PaperTriggerMatrix : public PaperTriggerTest,
                           public ::testing::WithParamInterface<TriggerCase> {};

TEST_P(PaperTriggerMatrix, rests_untriggered_until_the_market_reaches_the_stop_then_fills) {
  const TriggerCase& c = GetParam();
  const bool buy = c.side == Side::buy;
  auto ack = place(btc(1, c.side, c.type, "1", c.stop, c.limit));
  ASSERT_TRUE(ack) << ack.error().to_string();
  EXPECT_EQ(ack->report.status, VenueOrderStatus::open);
  EXPECT_TRUE(ack->fills.empty());
  EXPECT_EQ(bal(buy ? "USDT" : "BTC").locked(), d(c.reserve));
  EXPECT_TRUE(bal(buy ? "BTC" : "USDT").locked().is_zero());

  quote(m.paper_btc_usdt, c.short_bid, "5", c.short_ask, "5");
  auto armed = status(1);
  ASSERT_TRUE(armed);
  EXPECT_EQ(armed->report.status, VenueOrderStatus::open);
  EXPECT_FALSE(armed->triggered);
  EXPECT_EQ(armed->type, c.type);
  EXPECT_EQ(*armed->stop_price, d(c.stop));
  EXPECT_TRUE(pushed.empty());
  EXPECT_EQ(bal(buy ? "USDT" : "BTC").locked(), d(c.reserve));
  expect_consistent(*venue);

  quote(m.paper_btc_usdt, c.at_bid, "5", c.at_ask, "5");
  ASSERT_EQ(pushed.size(), 1u);
  const domain::Fill& f = pushed[0];
  EXPECT_EQ(f.side, c.side);
  EXPECT_EQ(f.price, d(c.price));
  EXPECT_EQ(f.quantity, d("1"));
  EXPECT_EQ(f.liquidity, c.liquidity);
  const Decimal fee_bps = c.liquidity == Liquidity::taker ? d("5") : d("2");
  EXPECT_EQ(f.fee, f.price * fee_bps / d("10000"));
  EXPECT_EQ(f.fee_currency, "USDT");
  auto done = status(1);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->report.status, VenueOrderStatus::filled);
  EXPECT_TRUE(done->triggered);
  EXPECT_EQ(*done->report.average_price, d(c.price));
  EXPECT_TRUE(open().empty());

  // Everything reserved is released; the account moved by exactly the fill and its fee.
  EXPECT_TRUE(bal("USDT").locked().is_zero());
  EXPECT_TRUE(bal("BTC").locked().is_zero());
  EXPECT_EQ(bal("BTC").total(), buy ? d("3") : d("1"));
  EXPECT_EQ(bal("USDT").total(),
            buy ? d("100000") - f.price - f.fee : d("100000") + f.price - f.fee);
  expect_consistent(*venue);

  // The stream carried the ack, then the fill before the order's final state.
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_FALSE(updates[0].triggered);
  EXPECT_EQ(updates[0].report.status, VenueOrderStatus::open);
  EXPECT_TRUE(updates[1].triggered);
  EXPECT_EQ(updates[1].report.status, VenueOrderStatus::filled);
  EXPECT_EQ(updates[1].report.cumulative_filled, d("1"));
}

// Slippage 10 bps, taker 5 bps, maker 2 bps; tick 0.01. Market on trigger: the touch moved by
// the slippage, rounded adversely. A buy reserves the stop plus slippage (market) or the limit,
// plus the larger fee.
INSTANTIATE_TEST_SUITE_P(
    EachTypeAndSide, PaperTriggerMatrix,
    ::testing::Values(TriggerCase{"sell_stop_fires_when_the_bid_falls_to_the_stop", Side::sell,
                                  OrderType::stop, "95", nullptr, "95.01", "95.10", "95", "95.10",
                                  "1", "94.90", Liquidity::taker},
                      TriggerCase{"buy_stop_fires_when_the_ask_rises_to_the_stop", Side::buy,
                                  OrderType::stop, "105", nullptr, "104.90", "104.99", "104.90",
                                  "105", "105.162555", "105.11", Liquidity::taker},
                      TriggerCase{"sell_take_profit_fires_when_the_bid_rises_to_the_stop",
                                  Side::sell, OrderType::take_profit, "110", nullptr, "109.99",
                                  "110.10", "110", "110.10", "1", "109.89", Liquidity::taker},
                      TriggerCase{"buy_take_profit_fires_when_the_ask_falls_to_the_stop", Side::buy,
                                  OrderType::take_profit, "90", nullptr, "89.90", "90.01", "89.90",
                                  "90", "90.135045", "90.09", Liquidity::taker},
                      TriggerCase{"sell_stop_limit_crossing_when_triggered_takes_at_the_bid",
                                  Side::sell, OrderType::stop_limit, "95", "94.50", "95.01",
                                  "95.10", "95", "95.10", "1", "95", Liquidity::taker},
                      TriggerCase{"buy_stop_limit_crossing_when_triggered_takes_at_the_ask",
                                  Side::buy, OrderType::stop_limit, "105", "105.50", "104.90",
                                  "104.99", "104.90", "105", "105.55275", "105", Liquidity::taker}),
    [](const ::testing::TestParamInfo<TriggerCase>& info) { return info.param.name; });

// --- stop-limit that does not cross, displayed size ------------------------------------------

TEST_F(PaperTriggerTest, stop_limit_that_does_not_cross_when_triggered_rests_as_a_maker_limit) {
  ASSERT_TRUE(place(btc(1, Side::sell, OrderType::stop_limit, "1", "95", "94.95")));
  quote(m.paper_btc_usdt, "94.90", "5", "95", "5");  // bid 94.90 <= 95 fires; 94.95 > bid rests
  auto resting = status(1);
  ASSERT_TRUE(resting);
  EXPECT_TRUE(resting->triggered);
  EXPECT_EQ(resting->report.status, VenueOrderStatus::open);
  EXPECT_EQ(*resting->price, d("94.95"));
  EXPECT_TRUE(pushed.empty());
  EXPECT_EQ(bal("BTC").locked(), d("1"));
  ASSERT_EQ(updates.size(), 2u);  // ack, then the trigger
  EXPECT_TRUE(updates[1].triggered);
  EXPECT_EQ(updates[1].report.status, VenueOrderStatus::open);

  quote(m.paper_btc_usdt, "94.96", "5", "95.05", "5");
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_EQ(pushed[0].price, d("94.95"));
  EXPECT_EQ(pushed[0].liquidity, Liquidity::maker);
  EXPECT_EQ(pushed[0].fee, d("0.01899"));  // 94.95 x 2 bps
  EXPECT_EQ(status(1)->report.status, VenueOrderStatus::filled);
  EXPECT_TRUE(bal("BTC").locked().is_zero());
  EXPECT_EQ(bal("USDT").total(), d("100094.93101"));
  expect_consistent(*venue);
}

TEST_F(PaperTriggerTest, stop_limit_takes_only_the_displayed_size_and_rests_the_remainder) {
  ASSERT_TRUE(place(btc(1, Side::buy, OrderType::stop_limit, "1", "105", "105.50")));
  quote(m.paper_btc_usdt, "104.90", "5", "105", "0.4");
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_EQ(pushed[0].quantity, d("0.4"));
  EXPECT_EQ(pushed[0].price, d("105"));
  EXPECT_EQ(pushed[0].liquidity, Liquidity::taker);
  auto part = status(1);
  EXPECT_EQ(part->report.status, VenueOrderStatus::partially_filled);
  EXPECT_EQ(part->report.cumulative_filled, d("0.4"));
  // The rest holds 0.6 x 105.50 plus the larger fee.
  EXPECT_EQ(bal("USDT").locked(), d("63.33165"));
  expect_consistent(*venue);

  quote(m.paper_btc_usdt, "104.90", "5", "105.20", "5");
  ASSERT_EQ(pushed.size(), 2u);
  EXPECT_EQ(pushed[1].quantity, d("0.6"));
  EXPECT_EQ(pushed[1].price, d("105.50"));
  EXPECT_EQ(pushed[1].liquidity, Liquidity::maker);
  EXPECT_EQ(status(1)->report.status, VenueOrderStatus::filled);
  EXPECT_TRUE(bal("USDT").locked().is_zero());
  EXPECT_EQ(bal("BTC").total(), d("3"));
  expect_consistent(*venue);
}

// --- cancel, trade prints, refusals ------------------------------------------------------------

TEST_F(PaperTriggerTest, cancel_before_the_trigger_unlocks_it_and_the_level_then_does_nothing) {
  ASSERT_TRUE(place(btc(1, Side::sell, OrderType::stop, "1", "95")));
  ASSERT_TRUE(place(btc(2, Side::buy, OrderType::take_profit, "1", "90")));
  EXPECT_EQ(bal("BTC").locked(), d("1"));
  EXPECT_EQ(bal("USDT").locked(), d("90.135045"));
  EXPECT_EQ(open().size(), 2u);

  const std::string id1 = codec().encode(Venue::paper, 1)->text;
  auto c1 = run<CancelAck>([&](auto cb) { venue->cancel({"", id1, {}}, std::move(cb)); });
  ASSERT_TRUE(c1) << c1.error().to_string();
  EXPECT_EQ(c1->report.status, VenueOrderStatus::cancelled);
  auto all = run<CancelAllAck>([&](auto cb) { venue->cancel_all(std::nullopt, std::move(cb)); });
  ASSERT_TRUE(all);
  EXPECT_EQ(all->cancelled.size(), 1u);
  EXPECT_TRUE(bal("BTC").locked().is_zero());
  EXPECT_TRUE(bal("USDT").locked().is_zero());

  quote(m.paper_btc_usdt, "89", "5", "89.50", "5");  // through both levels
  EXPECT_TRUE(pushed.empty());
  EXPECT_TRUE(fills().empty());
  EXPECT_EQ(status(1)->report.status, VenueOrderStatus::cancelled);
  EXPECT_FALSE(status(1)->triggered);
  EXPECT_EQ(bal("BTC").total(), d("2"));
  EXPECT_EQ(bal("USDT").total(), d("100000"));
  expect_consistent(*venue);
}

TEST_F(PaperTriggerTest, a_trade_printing_at_the_stop_triggers_it_against_the_current_book) {
  quote(m.paper_btc_usdt, "95.50", "5", "95.60", "5");
  ASSERT_TRUE(place(btc(1, Side::sell, OrderType::stop, "1", "95")));
  trade(m.paper_btc_usdt, "95.01", "3", Side::sell);
  EXPECT_TRUE(pushed.empty());
  EXPECT_FALSE(status(1)->triggered);
  trade(m.paper_btc_usdt, "95", "0.001", Side::sell);
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_EQ(pushed[0].price, d("95.40"));  // bid 95.50 - 10 bps, down to the tick
  EXPECT_EQ(pushed[0].quantity, d("1"));   // a market order: the print's size does not cap it
  EXPECT_EQ(status(1)->report.status, VenueOrderStatus::filled);
  expect_consistent(*venue);
}

TEST_F(PaperTriggerTest, a_stop_the_market_has_already_reached_is_refused_and_locks_nothing) {
  auto sell_stop = place(btc(1, Side::sell, OrderType::stop, "1", "99"));
  ASSERT_FALSE(sell_stop);
  EXPECT_EQ(sell_stop.error().code, ErrorCode::rejected);
  EXPECT_EQ(sell_stop.error().venue_text, "stop price 99 would trigger immediately (bid 99)");
  auto buy_tp = place(btc(2, Side::buy, OrderType::take_profit, "1", "100.50"));
  ASSERT_FALSE(buy_tp);
  EXPECT_EQ(buy_tp.error().venue_text, "stop price 100.5 would trigger immediately (ask 100.1)");
  auto buy_stop_limit = place(btc(3, Side::buy, OrderType::stop_limit, "1", "100.10", "101"));
  ASSERT_FALSE(buy_stop_limit);
  EXPECT_TRUE(bal("BTC").locked().is_zero());
  EXPECT_TRUE(bal("USDT").locked().is_zero());
  EXPECT_TRUE(open().empty());
  EXPECT_TRUE(pushed.empty());
  // Without a quote there is nothing to compare with: it rests.
  auto no_quote = place(trigger_spec(m.paper_btc_usd, 4, Side::sell, OrderType::stop, "1", "95"));
  ASSERT_TRUE(no_quote) << no_quote.error().to_string();
  EXPECT_EQ(no_quote->report.status, VenueOrderStatus::open);
}

TEST_F(PaperTriggerTest, a_trigger_order_that_is_not_gtc_is_refused) {
  auto s = btc(1, Side::sell, OrderType::stop, "1", "95");
  s.time_in_force = TimeInForce::ioc;
  auto ack = place(s);
  ASSERT_FALSE(ack);
  EXPECT_EQ(ack.error().venue_text, "stop orders are GTC only on the paper venue, not ioc");
  EXPECT_TRUE(bal("BTC").locked().is_zero());
}

TEST_F(PaperTriggerTest, a_spot_sell_trigger_locks_its_base_so_a_second_exit_needs_its_own) {
  ASSERT_TRUE(place(btc(1, Side::sell, OrderType::stop, "1.5", "95")));
  auto tp = place(btc(2, Side::sell, OrderType::take_profit, "1.5", "110"));
  ASSERT_FALSE(tp);
  EXPECT_EQ(tp.error().code, ErrorCode::insufficient_balance);
  EXPECT_EQ(tp.error().venue_text, "insufficient BTC: needs 1.5, available 0.5");
  EXPECT_EQ(bal("BTC").locked(), d("1.5"));
  expect_consistent(*venue);
}

TEST_F(PaperTriggerTest, a_market_buy_trigger_that_gapped_past_its_funds_expires_with_the_reason) {
  make(default_config());
  ASSERT_TRUE(venue->deposit("USDT", d("106")));
  venue->start({[this](const VenueOrder& o) { updates.push_back(o); },
                [this](const domain::Fill& f) { pushed.push_back(f); }, nullptr, nullptr});
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  ASSERT_TRUE(place(btc(1, Side::buy, OrderType::stop, "1", "105")));
  EXPECT_EQ(bal("USDT").locked(), d("105.162555"));
  quote(m.paper_btc_usdt, "119.90", "5", "120", "5");  // gapped: 120.12 to pay
  EXPECT_TRUE(pushed.empty());
  auto o = status(1);
  EXPECT_EQ(o->report.status, VenueOrderStatus::expired);
  EXPECT_TRUE(o->triggered);
  EXPECT_EQ(o->report.reason, "insufficient USDT when triggered: needs 120.18006, available 106");
  EXPECT_EQ(bal("USDT").available(), d("106"));
  EXPECT_TRUE(bal("USDT").locked().is_zero());
  expect_consistent(*venue);
}

TEST_F(PaperTriggerTest, open_orders_and_capabilities_show_native_trigger_orders) {
  ASSERT_TRUE(place(btc(1, Side::sell, OrderType::stop_limit, "1", "95", "94.50")));
  const auto o = open();
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].type, OrderType::stop_limit);
  EXPECT_EQ(*o[0].stop_price, d("95"));
  EXPECT_EQ(*o[0].price, d("94.50"));
  EXPECT_FALSE(o[0].triggered);
  const auto caps = venue->capabilities();
  EXPECT_TRUE(caps.stop_market);
  EXPECT_TRUE(caps.stop_limit);
  EXPECT_TRUE(caps.take_profit_market);
}

// --- perpetuals: reduce-only exits -------------------------------------------------------------

class PaperPerpTriggerTest : public PaperTriggerTest {
 protected:
  void SetUp() override {
    PaperConfig c = default_config();
    c.slippage_bps = Decimal::zero();
    make(c);
    ASSERT_TRUE(venue->deposit("USD", d("10000")));
    ASSERT_TRUE(venue->set_leverage(m.paper_eth_perp, d("10")));
    venue->start({[this](const VenueOrder& o) { updates.push_back(o); },
                  [this](const domain::Fill& f) { pushed.push_back(f); }, nullptr, nullptr});
    quote(m.paper_eth_perp, "2000", "10", "2000.1", "10");
  }
  domain::OrderSpec eth_market(std::uint64_t seq, Side side, const char* qty,
                               bool reduce_only = false) {
    auto s = market_spec(Venue::paper, m.paper_eth_perp, seq, side, qty);
    s.reduce_only = reduce_only;
    return s;
  }
  domain::OrderSpec eth_exit(std::uint64_t seq, Side side, OrderType type, const char* qty,
                             const char* stop, const char* limit = nullptr) {
    auto s = trigger_spec(m.paper_eth_perp, seq, side, type, qty, stop, limit);
    s.reduce_only = true;
    return s;
  }
  std::vector<VenuePosition> positions() {
    return *run<std::vector<VenuePosition>>([&](auto cb) { venue->positions(cb); });
  }
};

TEST_F(PaperPerpTriggerTest, buy_stop_on_a_short_closes_it_at_the_ask_and_books_the_loss) {
  ASSERT_TRUE(place(eth_market(1, Side::sell, "1")));  // short 1 at 2000
  ASSERT_TRUE(place(eth_exit(2, Side::buy, OrderType::stop, "1", "2100")));
  EXPECT_EQ(bal("USD").locked(), d("200"));  // the position's margin; the exit locks nothing
  quote(m.paper_eth_perp, "2099.8", "10", "2099.9", "10");
  EXPECT_EQ(pushed.size(), 1u);
  EXPECT_EQ(positions()[0].quantity, d("-1"));
  quote(m.paper_eth_perp, "2100", "10", "2100.1", "10");
  ASSERT_EQ(pushed.size(), 2u);
  EXPECT_EQ(pushed[1].side, Side::buy);
  EXPECT_EQ(pushed[1].price, d("2100.1"));
  EXPECT_EQ(pushed[1].fee, d("1.05005"));
  EXPECT_TRUE(positions().empty());
  const auto usd = bal("USD");
  EXPECT_TRUE(usd.locked().is_zero());
  EXPECT_EQ(usd.total(), d("9897.84995"));  // - 100.1 loss - 1 - 1.05005 fees
  expect_consistent(*venue);
}

TEST_F(PaperPerpTriggerTest, reduce_only_stop_whose_position_is_gone_expires_and_opens_nothing) {
  ASSERT_TRUE(place(eth_market(1, Side::buy, "1")));
  ASSERT_TRUE(place(eth_exit(2, Side::sell, OrderType::stop, "1", "1900")));
  ASSERT_TRUE(place(eth_market(3, Side::sell, "1", true)));  // closed by other means
  ASSERT_TRUE(positions().empty());
  quote(m.paper_eth_perp, "1900", "10", "1900.1", "10");
  EXPECT_EQ(pushed.size(), 2u);  // the entry and the manual close only
  auto o = run<VenueOrder>([&](auto cb) {
    venue->order_status({"", codec().encode(Venue::paper, 2)->text, {}}, std::move(cb));
  });
  ASSERT_TRUE(o);
  EXPECT_EQ(o->report.status, VenueOrderStatus::expired);
  EXPECT_TRUE(o->triggered);
  EXPECT_EQ(o->report.reason, "reduce-only sell triggered with no position to reduce (position 0)");
  EXPECT_TRUE(o->report.cumulative_filled.is_zero());
  EXPECT_TRUE(positions().empty());
  EXPECT_TRUE(bal("USD").locked().is_zero());
  EXPECT_EQ(updates.back().report.status, VenueOrderStatus::expired);
  expect_consistent(*venue);
}

TEST_F(PaperPerpTriggerTest,
       reduce_only_stop_larger_than_the_position_closes_it_and_the_rest_expires) {
  ASSERT_TRUE(place(eth_market(1, Side::buy, "1")));
  ASSERT_TRUE(place(eth_exit(2, Side::sell, OrderType::take_profit, "2.5", "2100")));
  quote(m.paper_eth_perp, "2100", "10", "2100.1", "10");
  ASSERT_EQ(pushed.size(), 2u);
  EXPECT_EQ(pushed[1].quantity, d("1"));
  EXPECT_EQ(pushed[1].price, d("2100"));
  EXPECT_TRUE(positions().empty());
  const auto& last = updates.back();
  EXPECT_EQ(last.report.status, VenueOrderStatus::expired);
  EXPECT_EQ(last.report.cumulative_filled, d("1"));
  EXPECT_EQ(last.report.reason, "reduce-only: 1.5 beyond the position expired");
  EXPECT_TRUE(bal("USD").locked().is_zero());
  expect_consistent(*venue);
}

TEST_F(PaperPerpTriggerTest, exits_firing_together_execute_in_placement_order) {
  ASSERT_TRUE(place(eth_market(1, Side::buy, "1")));
  ASSERT_TRUE(place(eth_exit(2, Side::sell, OrderType::stop, "1", "1950")));
  ASSERT_TRUE(place(eth_exit(3, Side::sell, OrderType::stop, "1", "1990")));
  quote(m.paper_eth_perp, "1900", "10", "1900.1", "10");  // through both
  ASSERT_EQ(pushed.size(), 2u);
  EXPECT_EQ(pushed[1].client_order_id, codec().encode(Venue::paper, 2)->text);
  ASSERT_GE(updates.size(), 2u);
  EXPECT_EQ(updates[updates.size() - 2].report.status, VenueOrderStatus::filled);
  EXPECT_EQ(updates.back().client_order_id, codec().encode(Venue::paper, 3)->text);
  EXPECT_EQ(updates.back().report.status, VenueOrderStatus::expired);
  EXPECT_TRUE(positions().empty());
}

TEST_F(PaperPerpTriggerTest, a_resting_reduce_only_limit_never_opens_a_position_once_it_is_gone) {
  ASSERT_TRUE(place(eth_market(1, Side::buy, "1")));
  ASSERT_TRUE(place(eth_exit(2, Side::sell, OrderType::stop_limit, "1", "1950", "1940")));
  quote(m.paper_eth_perp, "1930", "10", "1930.1", "10");  // fires; 1940 above the bid: rests
  EXPECT_TRUE(updates.back().triggered);
  EXPECT_EQ(updates.back().report.status, VenueOrderStatus::open);
  ASSERT_TRUE(place(eth_market(3, Side::sell, "1", true)));  // closed by other means
  quote(m.paper_eth_perp, "1945", "10", "1945.1", "10");     // the resting limit would sell now
  EXPECT_EQ(pushed.size(), 2u);
  EXPECT_TRUE(positions().empty());
  EXPECT_EQ(updates.back().report.status, VenueOrderStatus::expired);
  EXPECT_EQ(updates.back().report.reason,
            "reduce-only sell with no position left to reduce (position 0)");
  expect_consistent(*venue);
}

}  // namespace
}  // namespace nzeza::venues::paper::testing

#include <gtest/gtest.h>

#include "paper_test_support.hpp"

namespace nzeza::venues::paper::testing {
namespace {

using domain::Liquidity;
using domain::TimeInForce;
using domain::VenueOrderStatus;

// --- market orders ---------------------------------------------------------------------------

TEST_F(PaperFixture, market_buy_fills_at_the_ask_plus_slippage_rounded_up_to_the_tick) {
  quote(m.paper_btc_usdt, "100", "5", "100.10", "5");
  auto ack = place(market_spec(Venue::paper, m.paper_btc_usdt, 1, Side::buy, "1"));
  ASSERT_TRUE(ack) << ack.error().to_string();
  EXPECT_EQ(ack->report.status, VenueOrderStatus::filled);
  ASSERT_EQ(ack->fills.size(), 1u);
  const auto& f = ack->fills[0];
  EXPECT_EQ(f.price, d("100.21"));  // 100.10 x 1.001 = 100.2001, up to the tick
  EXPECT_EQ(f.quantity, d("1"));
  EXPECT_EQ(f.liquidity, Liquidity::taker);
  EXPECT_EQ(f.fee, d("0.050105"));  // 5 bps of 100.21
  EXPECT_EQ(f.fee_currency, "USDT");
  EXPECT_EQ(bal("USDT").total(), d("99899.739895"));
  EXPECT_EQ(bal("USDT").locked(), d("0"));
  EXPECT_EQ(bal("BTC").total(), d("3"));
}

TEST_F(PaperFixture, market_sell_fills_at_the_bid_minus_slippage) {
  quote(m.paper_btc_usdt, "100", "5", "100.10", "5");
  auto ack = place(market_spec(Venue::paper, m.paper_btc_usdt, 1, Side::sell, "0.5"));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->fills[0].price, d("99.9"));
  EXPECT_EQ(ack->fills[0].fee, d("0.024975"));
  EXPECT_EQ(bal("USDT").total(), d("100049.925025"));
  EXPECT_EQ(bal("BTC").total(), d("1.5"));
}

TEST_F(PaperFixture, market_order_without_a_quote_is_refused) {
  auto ack = place(market_spec(Venue::paper, m.paper_btc_usdt, 1, Side::buy, "1"));
  ASSERT_FALSE(ack);
  EXPECT_EQ(ack.error().code, ErrorCode::rejected);
  EXPECT_EQ(ack.error().venue_text, "no ask for BTC-USDT: cannot fill a market order");
}

// --- limit orders ----------------------------------------------------------------------------

TEST_F(PaperFixture, crossing_limit_buy_fills_at_the_touch_as_taker) {
  quote(m.paper_btc_usdt, "100", "5", "100.10", "5");
  auto ack = place(buy(1, "1", "101"));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->report.status, VenueOrderStatus::filled);
  EXPECT_EQ(ack->fills[0].price, d("100.10"));
  EXPECT_EQ(ack->fills[0].liquidity, Liquidity::taker);
  EXPECT_EQ(*ack->report.average_price, d("100.10"));
  EXPECT_EQ(bal("USDT").locked(), d("0"));  // the reservation at 101 was released
  EXPECT_EQ(bal("USDT").total(), d("99899.849950"));
}

TEST_F(PaperFixture, crossing_limit_fills_only_the_displayed_size_and_rests_the_rest) {
  quote(m.paper_btc_usdt, "100", "5", "100.10", "0.3");
  auto ack = place(buy(1, "1", "100.10"));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->report.status, VenueOrderStatus::partially_filled);
  EXPECT_EQ(ack->report.cumulative_filled, d("0.3"));
  EXPECT_EQ(venue->quote(m.paper_btc_usdt)->ask_size, d("0"));  // we took the displayed size
  const auto orders = open();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].client_order_id, "nz-t1-1");
  // A second buyer at the same quote finds nothing left to take.
  auto second = place(buy(2, "0.5", "100.10", TimeInForce::ioc));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->report.status, VenueOrderStatus::expired);
  EXPECT_TRUE(second->fills.empty());
}

TEST_F(PaperFixture, resting_order_fills_as_maker_when_the_book_moves_through_it) {
  quote(m.paper_btc_usdt, "99.5", "5", "100.10", "5");
  auto ack = place(buy(1, "1", "99"));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->report.status, VenueOrderStatus::open);
  EXPECT_TRUE(ack->fills.empty());

  quote(m.paper_btc_usdt, "98", "5", "98.50", "0.4");
  clock.run_due();
  auto status = run<VenueOrder>([&](auto cb) { venue->order_status({"", "nz-t1-1", {}}, cb); });
  ASSERT_TRUE(status);
  EXPECT_EQ(status->report.status, VenueOrderStatus::partially_filled);
  EXPECT_EQ(status->report.cumulative_filled, d("0.4"));

  quote(m.paper_btc_usdt, "98", "5", "98.90", "5");
  auto fills = run<std::vector<domain::Fill>>(
      [&](auto cb) { venue->fills_since(Timestamp{}, std::nullopt, cb); });
  ASSERT_EQ(fills->size(), 2u);
  for (const auto& f : *fills) {
    EXPECT_EQ(f.price, d("99"));  // a resting order fills at its own price
    EXPECT_EQ(f.liquidity, Liquidity::maker);
  }
  EXPECT_EQ((*fills)[0].quantity, d("0.4"));
  EXPECT_EQ((*fills)[1].quantity, d("0.6"));
  EXPECT_EQ((*fills)[0].fee, d("0.00792"));  // 2 bps of 39.6
  EXPECT_TRUE(open().empty());
}

TEST_F(PaperFixture, a_trade_printing_through_a_resting_order_fills_it_up_to_the_trade_size) {
  quote(m.paper_btc_usdt, "100", "5", "100.10", "5");
  ASSERT_TRUE(place(sell(1, "0.5", "101")));
  trade(m.paper_btc_usdt, "101", "1", Side::buy);  // at our price: queue position unknown
  EXPECT_EQ(open()[0].report.cumulative_filled, d("0"));
  trade(m.paper_btc_usdt, "101.5", "0.2", Side::buy);
  const auto o = open();
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].report.cumulative_filled, d("0.2"));
  EXPECT_EQ(*o[0].report.average_price, d("101"));
}

TEST_F(PaperFixture, better_priced_resting_orders_fill_first_from_the_displayed_size) {
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  ASSERT_TRUE(place(buy(1, "1", "99.50")));
  ASSERT_TRUE(place(buy(2, "1", "99.80")));
  quote(m.paper_btc_usdt, "98", "5", "99.40", "1.5");
  auto s1 = run<VenueOrder>([&](auto cb) { venue->order_status({"", "nz-t1-1", {}}, cb); });
  auto s2 = run<VenueOrder>([&](auto cb) { venue->order_status({"", "nz-t1-2", {}}, cb); });
  EXPECT_EQ(s2->report.status, VenueOrderStatus::filled);
  EXPECT_EQ(s1->report.cumulative_filled, d("0.5"));
}

TEST_F(PaperFixture, post_only_that_would_cross_is_refused_and_locks_nothing) {
  quote(m.paper_btc_usdt, "100", "5", "100.10", "5");
  auto ack = place(buy(1, "1", "100.10", TimeInForce::post_only));
  ASSERT_FALSE(ack);
  EXPECT_EQ(ack.error().code, ErrorCode::rejected);
  EXPECT_EQ(ack.error().venue_text, "post-only buy at 100.1 would take liquidity (ask 100.1)");
  EXPECT_EQ(bal("USDT").locked(), d("0"));
  EXPECT_TRUE(open().empty());
}

TEST_F(PaperFixture, post_only_below_the_ask_rests_and_fills_as_maker) {
  quote(m.paper_btc_usdt, "100", "5", "100.10", "5");
  auto ack = place(buy(1, "1", "100.05", TimeInForce::post_only));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->report.status, VenueOrderStatus::open);
  quote(m.paper_btc_usdt, "99.9", "5", "100", "5");
  auto fills = run<std::vector<domain::Fill>>(
      [&](auto cb) { venue->fills_since(Timestamp{}, std::nullopt, cb); });
  ASSERT_EQ(fills->size(), 1u);
  EXPECT_EQ((*fills)[0].liquidity, Liquidity::maker);
  EXPECT_EQ((*fills)[0].price, d("100.05"));
}

TEST_F(PaperFixture, ioc_fills_what_it_can_and_the_remainder_expires) {
  quote(m.paper_btc_usdt, "100", "5", "100.10", "0.3");
  auto ack = place(buy(1, "1", "101", TimeInForce::ioc));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->report.status, VenueOrderStatus::expired);
  EXPECT_EQ(ack->report.cumulative_filled, d("0.3"));
  EXPECT_EQ(ack->report.reason, "IOC remainder expired");
  EXPECT_TRUE(open().empty());
  EXPECT_EQ(bal("USDT").locked(), d("0"));
}

TEST_F(PaperFixture, ioc_that_does_not_cross_expires_unfilled) {
  quote(m.paper_btc_usdt, "100", "5", "100.10", "5");
  auto ack = place(buy(1, "1", "99", TimeInForce::ioc));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->report.status, VenueOrderStatus::expired);
  EXPECT_EQ(ack->report.cumulative_filled, d("0"));
  EXPECT_EQ(bal("USDT").available(), d("100000"));
}

TEST_F(PaperFixture, fok_expires_without_any_fill_when_the_displayed_size_is_short) {
  quote(m.paper_btc_usdt, "100", "5", "100.10", "0.9");
  auto ack = place(buy(1, "1", "101", TimeInForce::fok));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->report.status, VenueOrderStatus::expired);
  EXPECT_TRUE(ack->fills.empty());
  EXPECT_EQ(ack->report.reason, "FOK: 0.9 available at the touch, 1 required");
  EXPECT_EQ(bal("USDT").total(), d("100000"));
  EXPECT_EQ(bal("USDT").locked(), d("0"));
  EXPECT_EQ(venue->quote(m.paper_btc_usdt)->ask_size, d("0.9"));
}

TEST_F(PaperFixture, fok_fills_all_at_once_when_the_size_is_there) {
  quote(m.paper_btc_usdt, "100", "5", "100.10", "1");
  auto ack = place(buy(1, "1", "101", TimeInForce::fok));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->report.status, VenueOrderStatus::filled);
  ASSERT_EQ(ack->fills.size(), 1u);
  EXPECT_EQ(ack->fills[0].quantity, d("1"));
}

// --- fees -----------------------------------------------------------------------------------

TEST_F(PaperFixture, maker_and_taker_fees_use_their_own_rates_in_the_quote_currency) {
  quote(m.paper_btc_usdt, "100", "5", "100", "5");
  auto taker = place(buy(1, "1", "100"));
  ASSERT_TRUE(taker);
  EXPECT_EQ(taker->fills[0].fee, d("0.05"));  // 5 bps of 100
  ASSERT_TRUE(place(sell(2, "1", "100.50")));
  quote(m.paper_btc_usdt, "100.60", "5", "100.70", "5");
  auto fills = run<std::vector<domain::Fill>>(
      [&](auto cb) { venue->fills_since(Timestamp{}, std::nullopt, cb); });
  ASSERT_EQ(fills->size(), 2u);
  EXPECT_EQ((*fills)[1].liquidity, Liquidity::maker);
  EXPECT_EQ((*fills)[1].fee, d("0.0201"));  // 2 bps of 100.50
  EXPECT_EQ((*fills)[1].fee_currency, "USDT");
}

TEST_F(PaperFixture, a_negative_maker_fee_is_a_rebate_credited) {
  PaperConfig c = default_config();
  c.maker_fee_bps = d("-1");
  make(c);
  ASSERT_TRUE(venue->deposit("BTC", d("1")));
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  ASSERT_TRUE(place(sell(1, "1", "100")));
  quote(m.paper_btc_usdt, "100.05", "5", "100.10", "5");
  EXPECT_EQ(bal("USDT").total(), d("100.01"));  // 100 + 1 bp rebate
  EXPECT_EQ(bal("BTC").total(), d("0"));
}

// --- balances -------------------------------------------------------------------------------

TEST_F(PaperFixture, resting_buy_locks_quote_and_cancel_unlocks_it_exactly) {
  quote(m.paper_btc_usdt, "99.5", "5", "100.10", "5");
  auto ack = place(buy(1, "1", "99"));
  ASSERT_TRUE(ack);
  // 99 for the size, plus the larger fee rate (5 bps) on it: 0.0495.
  EXPECT_EQ(bal("USDT").locked(), d("99.0495"));
  EXPECT_EQ(bal("USDT").available(), d("99900.9505"));
  EXPECT_EQ(bal("USDT").total(), d("100000"));
  auto cancelled = run<CancelAck>([&](auto cb) { venue->cancel({"P1", "", {}}, cb); });
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->report.status, VenueOrderStatus::cancelled);
  EXPECT_EQ(bal("USDT").locked(), d("0"));
  EXPECT_EQ(bal("USDT").available(), d("100000"));
}

TEST_F(PaperFixture, a_partial_fill_spends_its_share_and_keeps_the_rest_locked) {
  quote(m.paper_btc_usdt, "98", "5", "100.10", "5");
  ASSERT_TRUE(place(buy(1, "1", "99")));
  quote(m.paper_btc_usdt, "98", "5", "98.50", "0.4");
  const auto usdt = bal("USDT");
  EXPECT_EQ(usdt.total(), d("99960.39208"));  // 100000 - 39.6 - 0.00792
  EXPECT_EQ(usdt.locked(), d("59.4297"));     // 0.6 x 99 + 5 bps
  EXPECT_EQ(usdt.total(), usdt.available() + usdt.locked());
  EXPECT_EQ(bal("BTC").total(), d("2.4"));
}

TEST_F(PaperFixture, resting_sell_locks_the_base_and_its_fill_pays_the_quote) {
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  ASSERT_TRUE(place(sell(1, "1.5", "101")));
  EXPECT_EQ(bal("BTC").locked(), d("1.5"));
  EXPECT_EQ(bal("BTC").available(), d("0.5"));
  quote(m.paper_btc_usdt, "101.2", "5", "101.3", "5");
  EXPECT_EQ(bal("BTC").total(), d("0.5"));
  EXPECT_EQ(bal("BTC").locked(), d("0"));
  EXPECT_EQ(bal("USDT").total(), d("100151.4697"));  // + 151.5 - 0.0303
}

TEST_F(PaperFixture, insufficient_balance_is_refused_with_currency_need_and_available) {
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  auto ack = place(buy(1, "2000", "99"));
  ASSERT_FALSE(ack);
  EXPECT_EQ(ack.error().code, ErrorCode::insufficient_balance);
  EXPECT_EQ(ack.error().venue_text, "insufficient USDT: needs 198099, available 100000");
  auto sell_ack = place(sell(2, "5", "101"));
  ASSERT_FALSE(sell_ack);
  EXPECT_EQ(sell_ack.error().venue_text, "insufficient BTC: needs 5, available 2");
  EXPECT_EQ(bal("USDT").locked(), d("0"));
  EXPECT_EQ(bal("BTC").locked(), d("0"));
}

// --- orders and queries ---------------------------------------------------------------------

TEST_F(PaperFixture, a_duplicate_client_order_id_is_refused) {
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  ASSERT_TRUE(place(buy(1, "1", "98")));
  auto again = place(buy(1, "1", "98"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().venue_text, "duplicate client order id");
  EXPECT_EQ(open().size(), 1u);
}

TEST_F(PaperFixture, status_by_client_id_or_venue_id_and_unknown_orders_are_not_found) {
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  ASSERT_TRUE(place(buy(1, "1", "98")));
  auto by_client = run<VenueOrder>([&](auto cb) { venue->order_status({"", "nz-t1-1", {}}, cb); });
  auto by_venue = run<VenueOrder>([&](auto cb) { venue->order_status({"P1", "", {}}, cb); });
  ASSERT_TRUE(by_client);
  ASSERT_TRUE(by_venue);
  EXPECT_EQ(by_client->report.venue_order_id, "P1");
  EXPECT_EQ(by_venue->client_order_id, "nz-t1-1");
  auto unknown = run<VenueOrder>([&](auto cb) { venue->order_status({"", "nz-t1-99", {}}, cb); });
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
}

TEST_F(PaperFixture, cancel_of_a_filled_order_is_refused_and_of_an_unknown_one_not_found) {
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  ASSERT_TRUE(place(buy(1, "1", "101")));
  auto filled = run<CancelAck>([&](auto cb) { venue->cancel({"", "nz-t1-1", {}}, cb); });
  ASSERT_FALSE(filled);
  EXPECT_EQ(filled.error().code, ErrorCode::rejected);
  EXPECT_EQ(filled.error().venue_text, "order is filled");
  auto unknown = run<CancelAck>([&](auto cb) { venue->cancel({"", "nz-t1-5", {}}, cb); });
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
}

TEST_F(PaperFixture, cancel_all_cancels_every_open_order_and_unlocks_everything) {
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  ASSERT_TRUE(place(buy(1, "1", "98")));
  ASSERT_TRUE(place(sell(2, "1", "102")));
  auto all = run<CancelAllAck>([&](auto cb) { venue->cancel_all(std::nullopt, cb); });
  ASSERT_TRUE(all);
  EXPECT_EQ(all->cancelled.size(), 2u);
  EXPECT_TRUE(open().empty());
  EXPECT_EQ(bal("USDT").locked(), d("0"));
  EXPECT_EQ(bal("BTC").locked(), d("0"));
}

TEST_F(PaperFixture, dead_man_switch_cancels_open_orders_unless_rearmed) {
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  ASSERT_TRUE(place(buy(1, "1", "98")));
  const Timestamp t0 = clock.now();
  auto armed = run<Timestamp>([&](auto cb) { venue->set_dead_man_switch(60s, cb); });
  EXPECT_EQ(*armed, t0 + 60s);
  clock.advance(50s);
  ASSERT_TRUE(run<Timestamp>([&](auto cb) { venue->set_dead_man_switch(60s, cb); }));
  clock.advance(50s);
  EXPECT_EQ(open().size(), 1u);  // re-armed: not triggered at 60 s
  clock.advance(10s);
  EXPECT_TRUE(open().empty());
  EXPECT_EQ(bal("USDT").locked(), d("0"));
}

TEST_F(PaperFixture, fills_since_server_time_and_instruments) {
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  ASSERT_TRUE(place(buy(1, "0.5", "101")));
  clock.advance(10s);
  const Timestamp later = clock.now();
  ASSERT_TRUE(place(buy(2, "0.5", "101")));
  auto recent =
      run<std::vector<domain::Fill>>([&](auto cb) { venue->fills_since(later, std::nullopt, cb); });
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].client_order_id, "nz-t1-2");
  EXPECT_EQ(*run<Timestamp>([&](auto cb) { venue->server_time(cb); }), clock.now());
  auto instruments = run<std::vector<Instrument>>([&](auto cb) { venue->load_instruments(cb); });
  ASSERT_EQ(instruments->size(), 4u);
  EXPECT_EQ((*instruments)[0].canonical, "BTC-USDT");
  EXPECT_EQ((*instruments)[0].tick_size, d("0.01"));
  auto balances = run<std::vector<domain::Balance>>([&](auto cb) { venue->balances(cb); });
  ASSERT_EQ(balances->size(), 2u);
  EXPECT_EQ((*balances)[0].currency(), "BTC");
  EXPECT_EQ((*balances)[1].currency(), "USDT");
}

TEST_F(PaperFixture, a_halted_or_foreign_instrument_is_refused) {
  auto halted = place(limit_spec(Venue::paper, m.paper_sol_halted, 1, Side::buy, "1", "10"));
  ASSERT_FALSE(halted);
  EXPECT_EQ(halted.error().venue_text, "SOL-USDT is halted");
  auto wrong_venue = place(limit_spec(Venue::paper, m.binance_btc_usdt, 2, Side::buy, "1", "10"));
  ASSERT_FALSE(wrong_venue);
  EXPECT_EQ(wrong_venue.error().venue_text, "unknown instrument");
}

TEST_F(PaperFixture, events_from_another_price_source_are_ignored) {
  PaperConfig c = default_config();
  c.price_source = Venue::kraken;
  make(c);
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5", Venue::binance);
  EXPECT_FALSE(venue->quote(m.paper_btc_usdt).has_value());
  quote(m.paper_btc_usdt, "99", "5", "100.20", "5", Venue::kraken);
  EXPECT_EQ(venue->quote(m.paper_btc_usdt)->ask, d("100.20"));
}

// --- latency --------------------------------------------------------------------------------

class PaperLatencyTest : public PaperFixture {
 protected:
  void SetUp() override {
    PaperConfig c = default_config();
    c.latency = {50ms, 30ms};
    make(c);
    ASSERT_TRUE(venue->deposit("USDT", d("100000")));
  }
};

TEST_F(PaperLatencyTest, the_ack_arrives_after_request_and_response_latency) {
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  Capture<PlaceAck> got;
  venue->place(buy(1, "1", "98"), got.callback());
  clock.advance(79ms);
  EXPECT_FALSE(got.has());
  clock.advance(1ms);
  ASSERT_TRUE(got.has());
  EXPECT_EQ(got.get()->at, clock.now() - 30ms);  // accepted when it reached the venue
}

TEST_F(PaperLatencyTest, an_order_is_matched_against_the_book_when_it_arrives) {
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  Capture<PlaceAck> got;
  venue->place(market_spec(Venue::paper, m.paper_btc_usdt, 1, Side::buy, "1"), got.callback());
  clock.advance(10ms);
  quote(m.paper_btc_usdt, "104", "5", "105", "5");  // the market moved while the order travelled
  clock.advance(70ms);
  ASSERT_TRUE(got.has());
  EXPECT_EQ(got.get()->fills[0].price, d("105.11"));  // 105 x 1.001 = 105.105, up to the tick
}

TEST_F(PaperLatencyTest, requests_are_answered_in_the_order_they_were_sent) {
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  std::vector<std::string> answers;
  venue->place(buy(1, "1", "98"),
               [&](Result<PlaceAck> r) { answers.push_back(r ? "place ok" : "place failed"); });
  venue->cancel({"", "nz-t1-1", {}}, [&](Result<CancelAck> r) {
    answers.push_back(r ? "cancel ok" : "cancel failed: " + r.error().message);
  });
  clock.advance(80ms);
  EXPECT_EQ(answers, (std::vector<std::string>{"place ok", "cancel ok"}));
}

TEST_F(PaperLatencyTest, pushed_fills_arrive_after_the_response_latency) {
  std::vector<domain::Fill> pushed;
  std::vector<VenueOrder> updates;
  venue->start({[&](const VenueOrder& o) { updates.push_back(o); },
                [&](const domain::Fill& f) { pushed.push_back(f); }, nullptr, nullptr});
  EXPECT_EQ(venue->state(), net::ConnectionState::connected);
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  venue->place(buy(1, "1", "99.50"), [](Result<PlaceAck>) {});
  clock.advance(80ms);
  ASSERT_EQ(updates.size(), 1u);  // the ack
  EXPECT_EQ(updates[0].report.status, VenueOrderStatus::open);
  quote(m.paper_btc_usdt, "99", "5", "99.40", "5");
  clock.advance(29ms);
  EXPECT_TRUE(pushed.empty());
  clock.advance(1ms);
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_EQ(pushed[0].liquidity, Liquidity::maker);
  EXPECT_EQ(updates.back().report.status, VenueOrderStatus::filled);
  venue->stop();
  EXPECT_EQ(venue->state(), net::ConnectionState::stopped);
}

TEST_F(PaperLatencyTest, destroying_the_venue_answers_pending_calls_with_cancelled) {
  Capture<PlaceAck> got;
  venue->place(buy(1, "1", "98"), got.callback());
  venue.reset();
  ASSERT_TRUE(got.has());
  EXPECT_EQ(got.get().error().code, ErrorCode::cancelled);
  EXPECT_EQ(clock.pending_timers(), 0u);
}

// --- determinism ----------------------------------------------------------------------------

std::vector<std::string> replay_scenario() {
  ManualClock clock;
  Markets m;
  PaperConfig c = default_config();
  c.latency = {5ms, 5ms};
  PaperVenue venue(clock, m.registry, c);
  (void)venue.deposit("USDT", d("10000"));
  std::vector<std::string> trace;
  venue.start({nullptr,
               [&](const domain::Fill& f) {
                 trace.push_back(f.trade_id + " " + f.client_order_id + " " + f.price.to_string() +
                                 " " + f.quantity.to_string() + " " + f.fee.to_string() + " " +
                                 std::to_string(f.time.ns()));
               },
               nullptr, nullptr});
  auto q = [&](const char* bid, const char* ask, const char* size) {
    MarketEvent e;
    e.symbol = m.get(m.paper_btc_usdt).symbol;
    e.body = Quote{d(bid), d(size), d(ask), d(size)};
    venue.on_market_event(e);
  };
  q("99", "100", "0.3");
  for (std::uint64_t i = 1; i <= 4; ++i) {
    venue.place(limit_spec(Venue::paper, m.paper_btc_usdt, i, Side::buy, "0.25", "99.5"),
                [](Result<PlaceAck>) {});
    clock.advance(3ms);
  }
  q("98", "99.2", "0.6");
  clock.advance(20ms);
  q("98", "99.1", "5");
  clock.advance(20ms);
  return trace;
}

TEST(PaperDeterminism, the_same_events_on_the_same_clock_give_the_same_fills) {
  const auto a = replay_scenario();
  const auto b = replay_scenario();
  ASSERT_EQ(a.size(), 5u);  // 0.25+0.25 from 0.6, the 0.1 left, then the rest
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace nzeza::venues::paper::testing

#include "venues/precision_guard.hpp"

#include <gtest/gtest.h>

#include "venue_test_support.hpp"

namespace nzeza::venues {
namespace {

using testing::Capture;
using testing::d;
using testing::FakeVenueClient;
using testing::limit_spec;
using testing::market_spec;
using testing::Markets;

class PrecisionGuardTest : public ::testing::Test {
 protected:
  Markets m;
  const Instrument& btc() const { return m.get(m.binance_btc_usdt); }
};

TEST_F(PrecisionGuardTest, buy_limit_price_is_rounded_down_to_the_tick) {
  auto r = prepare_order(
      btc(), limit_spec(Venue::binance, m.binance_btc_usdt, 1, Side::buy, "0.5", "100.079"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r->spec.price, d("100.07"));
  ASSERT_EQ(r->adjustments.size(), 1u);
  EXPECT_EQ(r->adjustments[0], "price 100.079 -> 100.07 (down: buy)");
}

TEST_F(PrecisionGuardTest, sell_limit_price_is_rounded_up_to_the_tick) {
  auto r = prepare_order(
      btc(), limit_spec(Venue::binance, m.binance_btc_usdt, 1, Side::sell, "0.5", "100.071"));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->spec.price, d("100.08"));
}

TEST_F(PrecisionGuardTest, size_is_rounded_down_to_the_lot) {
  auto r = prepare_order(
      btc(), limit_spec(Venue::binance, m.binance_btc_usdt, 1, Side::buy, "0.123456", "100"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->spec.quantity, d("0.1234"));
  EXPECT_EQ(r->adjustments.back(), "size 0.123456 -> 0.1234 (down)");
}

TEST_F(PrecisionGuardTest, an_order_already_valid_is_unchanged) {
  const auto spec = limit_spec(Venue::binance, m.binance_btc_usdt, 1, Side::buy, "0.5", "100.07");
  auto r = prepare_order(btc(), spec);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->adjustments.empty());
  EXPECT_EQ(r->spec.quantity, spec.quantity);
  EXPECT_EQ(*r->spec.price, *spec.price);
}

TEST_F(PrecisionGuardTest, size_rounding_to_zero_is_refused_with_the_lot) {
  auto r = prepare_order(
      btc(), limit_spec(Venue::binance, m.binance_btc_usdt, 1, Side::buy, "0.00005", "100"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message,
            "order refused locally for binance BTC-USDT: size 0.00005 rounds down to 0 on the "
            "lot 0.0001");
}

TEST_F(PrecisionGuardTest, below_min_size_is_refused_with_the_reason) {
  Instrument i = btc();
  i.min_size = d("0.001");
  auto r = prepare_order(
      i, limit_spec(Venue::binance, m.binance_btc_usdt, 1, Side::buy, "0.00099", "20000"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "order refused locally for binance BTC-USDT: size 0.0009 (rounded down from 0.00099) "
            "is below the minimum size 0.001");
}

TEST_F(PrecisionGuardTest, below_min_notional_is_refused_with_the_values) {
  auto r = prepare_order(
      btc(), limit_spec(Venue::binance, m.binance_btc_usdt, 1, Side::buy, "0.0999", "100"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "order refused locally for binance BTC-USDT: notional 9.99 (price 100 x size 0.0999) "
            "is below the minimum notional 10");
}

TEST_F(PrecisionGuardTest, market_order_notional_is_checked_at_the_reference_price) {
  const auto spec = market_spec(Venue::binance, m.binance_btc_usdt, 1, Side::buy, "0.001");
  EXPECT_TRUE(prepare_order(btc(), spec));  // no reference: left to the venue
  auto r = prepare_order(btc(), spec, d("5000"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("notional 5 (price 5000 x size 0.001)"), std::string::npos);
  EXPECT_TRUE(prepare_order(btc(), spec, d("20000")));
}

TEST_F(PrecisionGuardTest, halted_instrument_is_refused_as_unavailable) {
  const auto& sol = m.get(m.paper_sol_halted);
  auto r =
      prepare_order(sol, limit_spec(Venue::paper, m.paper_sol_halted, 1, Side::buy, "1", "100"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_EQ(r.error().message,
            "order refused locally for paper SOL-USDT: instrument status is halted");
}

TEST_F(PrecisionGuardTest, guarded_client_refuses_locally_without_calling_the_venue) {
  FakeVenueClient venue(Venue::binance);
  PrecisionGuardedClient guarded(venue, m.registry);
  Capture<PlaceAck> got;
  guarded.place(limit_spec(Venue::binance, m.binance_btc_usdt, 1, Side::buy, "0.00001", "100"),
                got.callback());
  ASSERT_TRUE(got.has());
  EXPECT_EQ(got.get().error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(venue.placed.empty());
  EXPECT_EQ(guarded.refused(), 1u);
}

TEST_F(PrecisionGuardTest, guarded_client_sends_the_rounded_order) {
  FakeVenueClient venue(Venue::binance);
  PrecisionGuardedClient guarded(venue, m.registry);
  Capture<PlaceAck> got;
  guarded.place(
      limit_spec(Venue::binance, m.binance_btc_usdt, 1, Side::sell, "0.12345", "25000.001"),
      got.callback());
  ASSERT_TRUE(got.has());
  ASSERT_TRUE(got.get());
  ASSERT_EQ(venue.placed.size(), 1u);
  EXPECT_EQ(*venue.placed[0].price, d("25000.01"));
  EXPECT_EQ(venue.placed[0].quantity, d("0.1234"));
}

TEST_F(PrecisionGuardTest, guarded_client_uses_the_reference_price_for_market_orders) {
  FakeVenueClient venue(Venue::binance);
  PrecisionGuardedClient guarded(venue, m.registry, [](InstrumentId, Side side) {
    return std::optional<Decimal>(side == Side::buy ? d("101") : d("100"));
  });
  Capture<PlaceAck> got;
  guarded.place(market_spec(Venue::binance, m.binance_btc_usdt, 1, Side::buy, "0.05"),
                got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_NE(got.get().error().message.find("notional 5.05 (price 101 x size 0.05)"),
            std::string::npos);
  EXPECT_TRUE(venue.placed.empty());
}

}  // namespace
}  // namespace nzeza::venues

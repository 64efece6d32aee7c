#include <gtest/gtest.h>

#include "paper_test_support.hpp"

namespace nzeza::venues::paper::testing {
namespace {

class PaperPerpTest : public PaperFixture {
 protected:
  void SetUp() override {
    PaperConfig c = default_config();
    c.slippage_bps = Decimal::zero();
    make(c);
    ASSERT_TRUE(venue->deposit("USD", d("10000")));
    ASSERT_TRUE(venue->set_leverage(m.paper_eth_perp, d("10")));
    quote(m.paper_eth_perp, "2000", "10", "2000.1", "10");
  }
  domain::OrderSpec eth_market(std::uint64_t seq, Side side, const char* qty,
                               bool reduce_only = false) {
    auto s = market_spec(Venue::paper, m.paper_eth_perp, seq, side, qty);
    s.reduce_only = reduce_only;
    return s;
  }
  std::vector<VenuePosition> positions() {
    return *run<std::vector<VenuePosition>>([&](auto cb) { venue->positions(cb); });
  }
};

TEST_F(PaperPerpTest, opening_a_position_locks_its_margin_at_the_leverage) {
  auto ack = place(eth_market(1, Side::buy, "1"));
  ASSERT_TRUE(ack) << ack.error().to_string();
  EXPECT_EQ(ack->fills[0].price, d("2000.1"));
  const auto usd = bal("USD");
  EXPECT_EQ(usd.locked(), d("200.01"));     // 2000.1 / 10
  EXPECT_EQ(usd.total(), d("9998.99995"));  // minus the 5 bps taker fee
  EXPECT_EQ(usd.available(), d("9798.98995"));
  const auto p = positions();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].quantity, d("1"));
  EXPECT_EQ(*p[0].entry_price, d("2000.1"));
  EXPECT_EQ(p[0].leverage, d("10"));
  EXPECT_EQ(p[0].margin, d("200.01"));
  EXPECT_EQ(p[0].quote, "USD");
  EXPECT_EQ(*p[0].unrealized_pnl, d("-0.05"));  // marked at the mid 2000.05
}

TEST_F(PaperPerpTest, closing_releases_the_margin_and_books_the_realized_pnl) {
  ASSERT_TRUE(place(eth_market(1, Side::buy, "1")));
  quote(m.paper_eth_perp, "2100", "10", "2100.1", "10");
  auto ack = place(eth_market(2, Side::sell, "1", true));
  ASSERT_TRUE(ack) << ack.error().to_string();
  const auto usd = bal("USD");
  EXPECT_EQ(usd.locked(), d("0"));
  EXPECT_EQ(usd.total(), d("10097.84995"));  // + 99.9 PnL - 1.00005 - 1.05 fees
  EXPECT_TRUE(positions().empty());
}

TEST_F(PaperPerpTest, a_partial_close_releases_its_share_of_the_margin) {
  ASSERT_TRUE(place(eth_market(1, Side::buy, "2")));
  EXPECT_EQ(bal("USD").locked(), d("400.02"));
  ASSERT_TRUE(place(eth_market(2, Side::sell, "0.5", true)));
  EXPECT_EQ(bal("USD").locked(), d("300.015"));
  EXPECT_EQ(positions()[0].quantity, d("1.5"));
}

TEST_F(PaperPerpTest, the_margin_check_refuses_an_order_the_collateral_cannot_carry) {
  ASSERT_TRUE(venue->set_leverage(m.paper_eth_perp, d("2")));
  auto ack = place(eth_market(1, Side::buy, "10"));
  ASSERT_FALSE(ack);
  EXPECT_EQ(ack.error().code, ErrorCode::insufficient_balance);
  EXPECT_EQ(ack.error().venue_text, "insufficient USD: needs 10010.5005, available 10000");
  EXPECT_TRUE(positions().empty());
}

TEST_F(PaperPerpTest, a_short_needs_margin_too_and_no_base_asset) {
  auto ack = place(eth_market(1, Side::sell, "1"));
  ASSERT_TRUE(ack);
  EXPECT_EQ(positions()[0].quantity, d("-1"));
  EXPECT_EQ(bal("USD").locked(), d("200"));
}

TEST_F(PaperPerpTest, reduce_only_that_would_open_a_position_is_refused) {
  auto ack = place(eth_market(1, Side::sell, "1", true));
  ASSERT_FALSE(ack);
  EXPECT_EQ(ack.error().venue_text,
            "reduce-only sell of 1 would open or increase a position (position 0)");
  ASSERT_TRUE(place(eth_market(2, Side::buy, "1")));
  auto too_big = place(eth_market(3, Side::sell, "2", true));
  ASSERT_FALSE(too_big);
  EXPECT_EQ(positions()[0].quantity, d("1"));
}

TEST_F(PaperPerpTest, leverage_is_bounded_by_the_instrument) {
  EXPECT_EQ(venue->set_leverage(m.paper_eth_perp, d("25")).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(venue->set_leverage(m.paper_eth_perp, d("0.5")).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(venue->set_leverage(m.paper_btc_usdt, d("2")).error().code,
            ErrorCode::invalid_argument);
  EXPECT_TRUE(venue->set_leverage(m.paper_eth_perp, d("20")));
}

}  // namespace
}  // namespace nzeza::venues::paper::testing

// The public v4_subaccounts sample (shared/fixtures/dydx/nautilus_ws_subaccounts_update.json),
// read in place: its order (market by clobPairId) and fill become the port's types exactly.

#include <gtest/gtest.h>

#include "common/fixtures.hpp"
#include "venues/dydx/subaccount_stream.hpp"

namespace nzeza::venues::dydx {
namespace {

TEST(DydxStreamConformance, subaccounts_update_sample_yields_order_and_fill) {
  NZEZA_REQUIRE_FIXTURES();
  const auto text = nzeza::testing::read_file(nzeza::testing::fixtures_dir() / "dydx" /
                                              "nautilus_ws_subaccounts_update.json");
  InstrumentRegistry registry;
  Instrument btc;
  btc.venue = Venue::dydx;
  btc.kind = InstrumentKind::perpetual;
  btc.canonical = "BTC-USD";
  btc.venue_symbol = "BTC-USD";
  btc.base = "BTC";
  btc.quote = "USD";
  btc.tick_size = Decimal::parse("1").value();
  btc.lot_size = Decimal::parse("0.0001").value();
  btc.dydx_clob_pair_id = 0;
  ASSERT_TRUE(registry.add(btc).ok());
  net::NetContext net;
  ManualClock clock;
  SubaccountStream stream(net, clock, registry, "dydx1abc", 0, "ws://127.0.0.1:9/v4/ws");
  std::vector<VenueOrder> orders;
  std::vector<domain::Fill> fills;
  PrivateStreamHandlers h;
  h.on_order = [&](const VenueOrder& o) { orders.push_back(o); };
  h.on_fill = [&](const domain::Fill& f) { fills.push_back(f); };
  stream.set_handlers(h);  // no connection: the sample is fed to the parser directly
  stream.handle_message(text);
  ASSERT_EQ(orders.size(), 1U);
  EXPECT_EQ(orders[0].client_order_id, "12345678");
  EXPECT_EQ(orders[0].report.status, domain::VenueOrderStatus::filled);
  EXPECT_EQ(orders[0].report.cumulative_filled, Decimal::parse("0.5").value());
  EXPECT_EQ(orders[0].price, Decimal::parse("43000").value());
  EXPECT_EQ(orders[0].report.venue_order_id, "order-001");
  ASSERT_EQ(fills.size(), 1U);
  EXPECT_EQ(fills[0].trade_id, "fill-001");
  EXPECT_EQ(fills[0].client_order_id, "12345678");
  EXPECT_EQ(fills[0].fee, Decimal::parse("10.75").value());
  EXPECT_EQ(fills[0].liquidity, domain::Liquidity::taker);
  EXPECT_EQ(stream.dropped(), 0U);
}

}  // namespace
}  // namespace nzeza::venues::dydx

// Exits are real orders: stop-loss, take-profit and trailing stop levels from [exits], triggered
// by scripted prices, each closing with a reduce-only order that fills at the paper venue.
// Where the venue takes trigger orders (capabilities().stop_market) the stop-loss rests at the
// venue the moment the entry fills; those tests skip until the paper venue has them.

#include <gtest/gtest.h>

#include "e2e/server/harness.hpp"

namespace nzeza::app::e2e {
namespace {

using strategy::SignalKind;

Config exit_config(std::optional<Decimal> stop_loss, std::optional<Decimal> take_profit,
                   std::optional<Decimal> trailing) {
  Config c = scripted_config();
  c.exits.stop_loss = stop_loss;
  c.exits.take_profit = take_profit;
  c.exits.trailing_stop = trailing;
  return c;
}

// The paper venue holds stop orders: a stop-loss rests there from the entry.
void expect_native_stops(Harness& h) {
  ASSERT_TRUE(h.paper().capabilities().stop_market);
}

// Opens a long at 45000 and returns the venue's entry fill.
domain::Fill open_long(Harness& h) {
  h.touch("BTC-USD", dec("45000"));
  EXPECT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  const auto fills = h.venue_fills();
  EXPECT_EQ(fills.size(), 1u) << h.log();
  return fills.empty() ? domain::Fill{} : fills[0];
}

// The exit closed the whole position with one sell at the venue: flat everywhere, realised PnL
// what the venue's cash says.
void expect_closed_by_venue_fill(Harness& h, const domain::Fill& entry, Decimal start_cash) {
  const auto fills = h.venue_fills();
  ASSERT_EQ(fills.size(), 2u) << h.log();
  const domain::Fill& exit = fills[1];
  EXPECT_EQ(exit.side, Side::sell);
  EXPECT_EQ(exit.quantity, entry.quantity);
  const auto pos = h.position("BTC-USD");
  ASSERT_TRUE(pos.has_value());
  EXPECT_TRUE(pos->quantity.is_zero());
  EXPECT_EQ(pos->realized_pnl, h.venue_balance("USD") - start_cash);
  EXPECT_EQ(pos->realized_pnl, (exit.price - entry.price) * entry.quantity - entry.fee - exit.fee);
  EXPECT_TRUE(h.venue_balance("BTC").is_zero());
  EXPECT_TRUE(h.venue_open_orders().empty());
  EXPECT_TRUE(h.status().execution.open_orders.empty());
}

// The close order sent after a local trigger: a reduce-only market sell of the whole position.
void expect_local_close(Harness& h, std::string_view reason, const domain::Fill& entry) {
  ASSERT_EQ(h.find("exit", "reason", reason).size(), 2u) << h.log();  // triggered, closing
  const auto orders = h.find("order", "purpose", "close (" + std::string(reason) + ")");
  ASSERT_EQ(orders.size(), 1u) << h.log();
  EXPECT_EQ(Harness::field(orders[0], "side"), "sell");
  EXPECT_EQ(Harness::field(orders[0], "quantity"), entry.quantity.to_string());
  EXPECT_EQ(Harness::field(orders[0], "type"), "market");
  const venues::PlaceIntent sent = h.closes().back();
  EXPECT_TRUE(sent.reduce_only);
  EXPECT_EQ(sent.quantity, entry.quantity);
}

TEST(ServerExits, stop_loss_crossed_sends_a_reduce_only_sell_that_fills_at_the_venue) {
  Harness h(exit_config(dec("0.02"), dec("0.04"), std::nullopt));
  ASSERT_NE(h.server, nullptr);
  const Decimal start = h.venue_balance("USD");
  const domain::Fill entry = open_long(h);
  const Decimal stop = entry.price * dec("0.98");
  h.hold("BTC-USD", dec("44500"), std::chrono::seconds(5));  // above the stop: nothing
  EXPECT_EQ(h.venue_fills().size(), 1u) << h.log();

  h.touch("BTC-USD", dec("44000"));  // mid 44000.005 < stop
  ASSERT_LT(dec("44000.005"), stop);
  h.run_for(std::chrono::seconds(1));
  // The stop-loss rested at the paper venue (native): its fill closes the position there.
  expect_closed_by_venue_fill(h, entry, start);
  EXPECT_EQ(h.venue_fills()[1].price, h.market_fill_price("BTC-USD", Side::sell, dec("44000")));
}

TEST(ServerExits, take_profit_reached_sends_a_reduce_only_sell_that_fills_at_the_venue) {
  Harness h(exit_config(dec("0.02"), dec("0.04"), std::nullopt));
  ASSERT_NE(h.server, nullptr);
  const Decimal start = h.venue_balance("USD");
  const domain::Fill entry = open_long(h);
  h.hold("BTC-USD", dec("46500"), std::chrono::seconds(5));  // below the target: nothing
  EXPECT_EQ(h.venue_fills().size(), 1u) << h.log();

  h.touch("BTC-USD", dec("46900"));  // above entry × 1.04
  ASSERT_GT(dec("46900"), entry.price * dec("1.04"));
  h.run_for(std::chrono::seconds(1));
  // On spot the take-profit is always watched locally (a resting stop holds the coins).
  expect_local_close(h, "take_profit", entry);
  expect_closed_by_venue_fill(h, entry, start);
  EXPECT_TRUE(h.position("BTC-USD")->realized_pnl.is_positive());
}

TEST(ServerExits, trailing_stop_follows_the_best_price_and_sells_on_the_pullback) {
  Harness h(exit_config(dec("0.05"), std::nullopt, dec("0.01")));
  ASSERT_NE(h.server, nullptr);
  const Decimal start = h.venue_balance("USD");
  const domain::Fill entry = open_long(h);
  // Up to 46000: the trailing level rises to 46000.005 × 0.99 = 45540.00495.
  for (const char* p : {"45300", "45700", "46000"})
    h.hold("BTC-USD", dec(p), std::chrono::seconds(2));
  // A pullback above that level: nothing (a stop trailing from the entry would have fired
  // at 44550; one that moved back would fire here too).
  h.hold("BTC-USD", dec("45600"), std::chrono::seconds(2));
  EXPECT_EQ(h.venue_fills().size(), 1u) << h.log();

  h.touch("BTC-USD", dec("45500"));  // below 45540.00495
  h.run_for(std::chrono::seconds(1));
  expect_local_close(h, "trailing_stop", entry);
  expect_closed_by_venue_fill(h, entry, start);
  EXPECT_TRUE(h.position("BTC-USD")->realized_pnl.is_positive());
}

TEST(ServerExits, native_stop_loss_rests_at_the_venue_from_the_entry_and_fills_there) {
  Harness h(exit_config(dec("0.02"), dec("0.04"), std::nullopt));
  ASSERT_NE(h.server, nullptr);
  ASSERT_NO_FATAL_FAILURE(expect_native_stops(h));
  const Decimal start = h.venue_balance("USD");
  const domain::Fill entry = open_long(h);

  // The stop rests at the venue at once: a reduce-only stop sell of the whole position.
  const auto resting = h.venue_open_orders();
  ASSERT_EQ(resting.size(), 1u) << h.log();
  EXPECT_EQ(resting[0].type, domain::OrderType::stop);
  EXPECT_EQ(resting[0].side, Side::sell);
  EXPECT_EQ(resting[0].quantity, entry.quantity);
  const ServerStatus s = h.status();
  ASSERT_EQ(s.execution.open_orders.size(), 1u);
  EXPECT_NE(s.execution.open_orders[0].description.find("stop_loss"), std::string::npos);
  EXPECT_EQ(s.execution.exits_sent, 1u);

  // The venue fires it: no local close order is ever sent.
  h.touch("BTC-USD", dec("44000"));
  h.run_for(std::chrono::seconds(1));
  EXPECT_TRUE(h.find("order", "purpose", "close (stop_loss)").empty()) << h.log();
  EXPECT_EQ(h.intents.size(), 2u);  // the entry and the resting stop
  EXPECT_TRUE(h.closes().empty());
  expect_closed_by_venue_fill(h, entry, start);
  const auto fills = h.venue_fills();
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(h.find("exit", "trade_id", fills[1].trade_id).size(), 1u) << h.log();
}

TEST(ServerExits, take_profit_beside_a_native_stop_cancels_the_stop_then_sells) {
  Harness h(exit_config(dec("0.02"), dec("0.04"), std::nullopt));
  ASSERT_NE(h.server, nullptr);
  ASSERT_NO_FATAL_FAILURE(expect_native_stops(h));
  const Decimal start = h.venue_balance("USD");
  const domain::Fill entry = open_long(h);
  ASSERT_EQ(h.venue_open_orders().size(), 1u) << h.log();

  h.touch("BTC-USD", dec("46900"));
  h.run_for(std::chrono::seconds(1));
  expect_local_close(h, "take_profit", entry);
  expect_closed_by_venue_fill(h, entry, start);  // the stop never filled: two fills only
}

// Partial fill then exit: a limit IOC entry takes what the book shows at its price (the paper
// venue fills a crossing limit for at most the displayed size), the rest expires; the exits
// protect and close exactly what filled.
TEST(ServerExits, partially_filled_entry_is_protected_and_closed_for_what_filled) {
  // Entries as limit IOC orders (sizing.max_entry_slippage_bps): what the book does not show at
  // the limit is not bought.
  Config config = exit_config(dec("0.02"), dec("0.04"), std::nullopt);
  config.sizing.max_entry_slippage_bps = dec("10");
  Harness h(config);
  ASSERT_NE(h.server, nullptr);
  const Decimal shown = dec("0.05");  // displayed ask size, less than the ~0.22 BTC entry
  h.quote("BTC-USD", dec("45000"), dec("45000.01"), Venue::coinbase, dec("1"), shown);
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  ASSERT_EQ(h.entries().size(), 1u) << h.log();
  const auto fills = h.venue_fills();
  ASSERT_FALSE(fills.empty()) << h.log();
  Decimal filled;
  for (const auto& f : fills) filled += f.quantity;
  ASSERT_LT(filled, h.entries()[0].quantity);
  ASSERT_TRUE(h.position("BTC-USD").has_value());
  EXPECT_EQ(h.position("BTC-USD")->quantity, filled);
  // The stop-loss protects what filled, no more: it rests at the venue for exactly that.
  const auto protected_qty = h.venue_open_orders();
  ASSERT_EQ(protected_qty.size(), 1u) << h.log();
  EXPECT_EQ(protected_qty[0].quantity, filled);
  h.touch("BTC-USD", dec("44000"));
  h.run_for(std::chrono::seconds(1));
  ASSERT_TRUE(h.position("BTC-USD").has_value());
  EXPECT_TRUE(h.position("BTC-USD")->quantity.is_zero()) << h.log();
  Decimal sold;
  for (const auto& f : h.venue_fills())
    if (f.side == Side::sell) sold += f.quantity;
  EXPECT_EQ(sold, filled);
  EXPECT_TRUE(h.venue_balance("BTC").is_zero());
}

}  // namespace
}  // namespace nzeza::app::e2e

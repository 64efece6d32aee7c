// Holding instead of trading blind: no entry on a stale or disconnected feed, none while the
// kill switch is engaged or the daily-loss halt has latched — while exits keep working.

#include <gtest/gtest.h>

#include "e2e/server/harness.hpp"

namespace nzeza::app::e2e {
namespace {

using strategy::SignalKind;

TEST(ServerHolds, feed_gone_quiet_past_five_seconds_refuses_entries_until_prices_return) {
  Harness h(scripted_config());
  ASSERT_NE(h.server, nullptr);
  h.touch("BTC-USD", dec("45000"));
  h.run_for(std::chrono::seconds(6));  // no quote since: past the 5 s limit

  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  EXPECT_TRUE(h.entries().empty()) << h.log();
  EXPECT_EQ(h.refusals("stale price"), 1u) << h.log();
  EXPECT_TRUE(h.venue_fills().empty());
  // The shard says so too once its candle timer has looked at the quote's age.
  h.run_for(std::chrono::seconds(10));
  ASSERT_EQ(h.status().symbols.size(), 1u);
  EXPECT_FALSE(h.status().symbols[0].fresh);

  // Prices again: the same signal now trades.
  h.touch("BTC-USD", dec("45010"));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  EXPECT_EQ(h.entries().size(), 1u) << h.log();
  EXPECT_EQ(h.venue_fills().size(), 1u);
}

// A price that does not move is still a fresh price as long as quotes keep arriving.
TEST(ServerHolds, unchanged_price_with_quotes_arriving_is_fresh_and_allows_an_entry) {
  Harness h(scripted_config());
  ASSERT_NE(h.server, nullptr);
  h.hold("BTC-USD", dec("45000"), std::chrono::seconds(30));  // the same quote every second
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  EXPECT_EQ(h.refusals("stale price"), 0u) << h.log();
  ASSERT_EQ(h.entries().size(), 1u) << h.log();
  EXPECT_EQ(h.venue_fills().size(), 1u);
}

TEST(ServerHolds, venue_reported_disconnected_leaves_the_price_and_refuses_entries) {
  Harness h(scripted_config());
  ASSERT_NE(h.server, nullptr);
  h.touch("BTC-USD", dec("45000"), Venue::coinbase);
  ASSERT_TRUE(h.status().symbols[0].fresh);

  h.feed_state("BTC-USD", Venue::coinbase, FeedState::reconnecting);  // at once, no ageing
  const ServerStatus s = h.status();
  ASSERT_EQ(s.symbols.size(), 1u);
  EXPECT_FALSE(s.symbols[0].fresh);
  EXPECT_EQ(s.symbols[0].venues, 0u);
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  EXPECT_TRUE(h.entries().empty()) << h.log();
  EXPECT_EQ(h.refusals("stale price"), 1u);

  // With two venues, one disconnected leaves the other's price: entries go on.
  h.touch("BTC-USD", dec("45000"), Venue::coinbase);
  h.touch("BTC-USD", dec("45020"), Venue::kraken);
  h.feed_state("BTC-USD", Venue::kraken, FeedState::stale);
  EXPECT_EQ(h.status().symbols[0].venues, 1u);
  EXPECT_EQ(h.status().symbols[0].reference, dec("45000.005"));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  EXPECT_EQ(h.entries().size(), 1u) << h.log();
}

TEST(ServerHolds, kill_switch_refuses_entries_while_an_opposite_signal_and_a_stop_still_exit) {
  Config c = scripted_config({"BTC-USD", "ETH-USD"});
  c.exits.stop_loss = dec("0.02");
  Harness h(c);
  ASSERT_NE(h.server, nullptr);
  h.touch("BTC-USD", dec("45000"));
  h.touch("ETH-USD", dec("3000"));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  ASSERT_TRUE(h.signal("ETH-USD", SignalKind::buy).ok());
  ASSERT_EQ(h.venue_fills().size(), 2u) << h.log();

  h.server->kill_switch(true, "operator test");
  h.settle();
  EXPECT_TRUE(h.status().execution.kill_switch);
  ASSERT_EQ(h.find("halt").size(), 1u) << h.log();

  // BTC: an opposite signal closes it.
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::sell).ok());
  EXPECT_TRUE(h.position("BTC-USD")->quantity.is_zero()) << h.log();
  // ETH: its stop-loss still fires and sells.
  h.touch("ETH-USD", dec("2900"));
  h.run_for(std::chrono::seconds(1));
  EXPECT_TRUE(h.position("ETH-USD")->quantity.is_zero()) << h.log();
  EXPECT_EQ(h.venue_fills().size(), 4u);

  // New entries: refused, nothing sent.
  const std::size_t sent = h.entries().size();
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  EXPECT_EQ(h.entries().size(), sent) << h.log();
  EXPECT_EQ(h.refusals("risk: kill_switch_engaged"), 1u) << h.log();
  EXPECT_TRUE(h.venue_balance("BTC").is_zero());

  // Released: entries again.
  h.server->kill_switch(false, "");
  h.settle();
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  EXPECT_EQ(h.entries().size(), sent + 1) << h.log();
}

TEST(ServerHolds, daily_loss_past_the_limit_halts_new_entries_after_a_losing_trade) {
  Config c = scripted_config({"BTC-USD", "ETH-USD"});
  c.risk.max_daily_loss_fraction = dec("0.001");  // 100 USD of 100000
  Harness h(c);
  ASSERT_NE(h.server, nullptr);
  h.touch("BTC-USD", dec("45000"));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  ASSERT_EQ(h.venue_fills().size(), 1u) << h.log();
  EXPECT_FALSE(h.status().execution.halted);

  // A 2 % fall, then sold: about 0.22 BTC × 900 + fees lost.
  h.hold("BTC-USD", dec("44100"), std::chrono::seconds(3));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::sell).ok());
  ASSERT_EQ(h.venue_fills().size(), 2u) << h.log();
  h.run_for(std::chrono::seconds(2));  // the portfolio's next account update
  const Decimal lost = Decimal::from_integer(100'000) - h.venue_balance("USD");
  ASSERT_GT(lost, Decimal::from_integer(100));
  const ServerStatus s = h.status();
  EXPECT_TRUE(s.execution.halted) << h.log();
  EXPECT_EQ(s.portfolio.realized_pnl, -lost);
  EXPECT_FALSE(h.find("halt").empty()) << h.log();

  // No new entry on any symbol.
  h.touch("BTC-USD", dec("44100"));
  h.touch("ETH-USD", dec("3000"));
  const std::size_t sent = h.entries().size();
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  ASSERT_TRUE(h.signal("ETH-USD", SignalKind::buy).ok());
  EXPECT_EQ(h.entries().size(), sent) << h.log();
  EXPECT_EQ(h.refusals("risk: daily_loss_halt"), 2u) << h.log();
  EXPECT_EQ(h.venue_fills().size(), 2u);
}

}  // namespace
}  // namespace nzeza::app::e2e

// The trading server end to end on a ManualClock with the built-in simulated market:
// simulated market → shards → execution → paper venue → fills → portfolio, every actor polled
// on the test thread.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "e2e/server/harness.hpp"

namespace nzeza::app::e2e {
namespace {

Config simulated_config() {
  Config c;
  c.risk.min_confidence = 0.5;
  c.market_data.seed = 42;
  // config/paper.toml's weights: the reference 0.4/0.4/0.2 almost never signal on the built-in
  // market once the strategies are warm (see the comment there).
  c.strategies.fast_scalping = 0.65;
  c.strategies.momentum_scalping = 0.25;
  c.strategies.conservative_scalping = 0.1;
  return c;
}

TEST(ServerPaper, simulated_market_turns_signals_into_orders_fills_and_positions) {
  Harness h(simulated_config(), ServerOptions{});
  ASSERT_NE(h.server, nullptr);
  h.run_for(std::chrono::minutes(30));
  const ServerStatus status = h.status();
  EXPECT_GT(status.execution.signals, 0u);
  EXPECT_GT(status.execution.orders_sent, 0u);
  EXPECT_GT(status.portfolio.fills, 0u);
  EXPECT_GT(h.count("fill"), 0u);
}

// After two simulated hours of trading the built-in market (seed fixed), the portfolio is what
// the paper venue holds: cash, every base balance, every fill and fee.
TEST(ServerPaper, portfolio_equals_what_the_paper_venue_holds_after_two_hours_of_trading) {
  Config c = simulated_config();
  c.exits.trailing_stop = dec("0.002");  // more exits in a quiet market
  Harness h(c, ServerOptions{});
  ASSERT_NE(h.server, nullptr);
  h.run_for(std::chrono::hours(2));
  const ServerStatus s = h.status();
  const auto fills = h.venue_fills();
  ASSERT_GE(fills.size(), 6u) << h.log();  // 12 with seed 42: round trips on each symbol

  EXPECT_EQ(s.portfolio.fills, fills.size());
  EXPECT_EQ(s.portfolio.duplicate_fills, 0u);
  EXPECT_EQ(s.portfolio.cash, h.venue_balance("USD"));
  Decimal venue_fees;
  std::map<std::string, Decimal> venue_fees_by_symbol;
  for (const auto& f : fills) {
    venue_fees += f.fee;
    venue_fees_by_symbol[h.server->registry().get(f.instrument)->canonical] += f.fee;
  }
  EXPECT_EQ(s.portfolio.fees, venue_fees);
  for (const auto& p : s.portfolio.positions) {
    const Instrument& inst = h.instrument(p.symbol);
    EXPECT_EQ(p.quantity, h.venue_balance(inst.base)) << p.symbol;
    EXPECT_EQ(p.fees, venue_fees_by_symbol[p.symbol]) << p.symbol;
  }
  // Nothing locked at the venue unless an order rests there; every fill was logged once.
  if (h.venue_open_orders().empty()) {
    EXPECT_TRUE(h.paper().balance_now("USD")->locked().is_zero());
  }
  std::size_t logged = 0;
  for (const auto& e : h.events)
    logged += (e.kind == "fill" || e.kind == "exit") && !Harness::field(e, "trade_id").empty();
  EXPECT_EQ(logged, fills.size());
  EXPECT_EQ(s.execution.orders_sent, h.intents.size());
}

}  // namespace
}  // namespace nzeza::app::e2e

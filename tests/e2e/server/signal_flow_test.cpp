// Signals to positions end to end: an operator signal through sizing, the risk gate, the router
// and the paper venue to a position; the real strategies signalling on a scripted trend priced
// by two venues; three symbols at once; a full open → close cycle.

#include <gtest/gtest.h>

#include "e2e/server/harness.hpp"

namespace nzeza::app::e2e {
namespace {

using strategy::SignalKind;

const Decimal kMaxOrder = Decimal::from_integer(10'000);  // RiskConfig::max_order_notional

TEST(ServerSignalFlow, buy_signal_becomes_a_market_order_whose_paper_fill_is_the_position) {
  Harness h(scripted_config());
  ASSERT_NE(h.server, nullptr);
  h.touch("BTC-USD", dec("45000"));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());

  // The order: a market buy sized at the reference price (the quote's mid), capped by the
  // largest order the risk config allows (20 % of 100000 equity is more than that).
  ASSERT_EQ(h.entries().size(), 1u) << h.log();
  const venues::PlaceIntent intent = h.entries()[0];
  EXPECT_EQ(intent.side, Side::buy);
  EXPECT_EQ(intent.type, domain::OrderType::market);
  EXPECT_FALSE(intent.reduce_only);
  EXPECT_EQ(intent.quantity, h.entry_size("BTC-USD", kMaxOrder, dec("45000.005")));

  // The venue filled it whole, at the ask moved by the paper slippage, with the taker fee.
  const auto fills = h.venue_fills();
  ASSERT_EQ(fills.size(), 1u);
  const domain::Fill& fill = fills[0];
  EXPECT_EQ(fill.side, Side::buy);
  EXPECT_EQ(fill.quantity, intent.quantity);
  EXPECT_EQ(fill.price, h.market_fill_price("BTC-USD", Side::buy, dec("45000.01")));
  EXPECT_EQ(fill.fee,
            *(fill.price * fill.quantity)
                 .checked_mul_div(Decimal::from_integer(10), Decimal::from_integer(10'000),
                                  RoundingMode::nearest_even));

  // The position is that fill: quantity, entry price and fee; cash is what the venue holds.
  const auto pos = h.position("BTC-USD");
  ASSERT_TRUE(pos.has_value()) << h.log();
  EXPECT_EQ(pos->quantity, fill.quantity);
  EXPECT_EQ(pos->average_entry, fill.price);
  EXPECT_EQ(pos->fees, fill.fee);
  EXPECT_EQ(pos->realized_pnl, -fill.fee);
  const ServerStatus s = h.status();
  EXPECT_EQ(s.portfolio.fills, 1u);
  EXPECT_EQ(s.portfolio.cash, h.venue_balance("USD"));
  EXPECT_EQ(h.venue_balance("BTC"), pos->quantity);
  EXPECT_EQ(h.venue_balance("USD"),
            Decimal::from_integer(100'000) - fill.price * fill.quantity - fill.fee);
  EXPECT_EQ(s.execution.orders_sent, h.intents.size());  // native exits included
  EXPECT_EQ(h.find("fill", "trade_id", fill.trade_id).size(), 1u) << h.log();
}

// Trades climbing one step per 10 s candle on two venues whose quotes differ: the strategies
// (the configured weights, nothing forced) see the trend and buy; the order is sized at the
// cross-venue median of the two venues' mids.
TEST(ServerSignalFlow, trend_on_two_venues_makes_the_strategies_buy_at_the_cross_venue_median) {
  Harness h(scripted_config());
  ASSERT_NE(h.server, nullptr);
  Decimal coinbase_bid = dec("45000");
  const Decimal kraken_offset = dec("6");  // kraken quotes 6 above coinbase
  Decimal median;
  for (int second = 0; second < 600 && h.entries().empty(); ++second) {
    if (second % 10 == 0) coinbase_bid += dec("15");
    h.touch("BTC-USD", coinbase_bid, Venue::coinbase);
    h.touch("BTC-USD", coinbase_bid + kraken_offset, Venue::kraken);
    h.trade("BTC-USD", coinbase_bid + dec("3"), dec("0.5"), Venue::coinbase);
    // Mid of each venue: bid + tick/2; the median of two is their mean.
    median = coinbase_bid + kraken_offset / Decimal::from_integer(2) + dec("0.005");
    h.run_for(std::chrono::seconds(1));
  }
  ASSERT_EQ(h.entries().size(), 1u) << h.log();

  const ServerStatus s = h.status();
  ASSERT_EQ(s.symbols.size(), 1u);
  EXPECT_EQ(s.symbols[0].venues, 2u);
  EXPECT_TRUE(s.symbols[0].fresh);
  EXPECT_EQ(s.symbols[0].reference, median);
  EXPECT_EQ(s.symbols[0].last_signal.rfind("buy", 0), 0u) << s.symbols[0].last_signal;
  EXPECT_GE(s.symbols[0].warm_candles, 10u);  // fast scalping's warm-up, the first to vote
  EXPECT_EQ(h.entries()[0].side, Side::buy);
  EXPECT_EQ(h.entries()[0].quantity, h.entry_size("BTC-USD", kMaxOrder, median));

  // And it filled: the position is the venue's fill.
  const auto fills = h.venue_fills();
  ASSERT_EQ(fills.size(), 1u);
  const auto pos = h.position("BTC-USD");
  ASSERT_TRUE(pos.has_value());
  EXPECT_EQ(pos->quantity, fills[0].quantity);
  EXPECT_EQ(pos->average_entry, fills[0].price);
}

// A third venue far from the other two is an outlier: the price, and the order's size, come
// from the two that agree.
TEST(ServerSignalFlow, outlier_venue_is_left_out_of_the_price_an_entry_is_sized_at) {
  Harness h(scripted_config());
  ASSERT_NE(h.server, nullptr);
  h.touch("BTC-USD", dec("47000"), Venue::binance);  // 4 % away
  h.touch("BTC-USD", dec("45010"), Venue::kraken);
  h.touch("BTC-USD", dec("45000"), Venue::coinbase);
  const ServerStatus s = h.status();
  ASSERT_EQ(s.symbols.size(), 1u);
  EXPECT_EQ(s.symbols[0].venues, 2u);
  const Decimal reference = dec("45005.005");  // mean of the two remaining mids
  EXPECT_EQ(s.symbols[0].reference, reference);
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  ASSERT_EQ(h.entries().size(), 1u) << h.log();
  EXPECT_EQ(h.entries()[0].quantity, h.entry_size("BTC-USD", kMaxOrder, reference));
  // The paper venue fills at the last quote it saw (coinbase's).
  ASSERT_EQ(h.venue_fills().size(), 1u);
  EXPECT_EQ(h.venue_fills()[0].price, h.market_fill_price("BTC-USD", Side::buy, dec("45000.01")));
}

TEST(ServerSignalFlow, three_symbols_trade_concurrently_with_independent_positions) {
  Harness h(scripted_config({"BTC-USD", "ETH-USD", "SOL-USD"}));
  ASSERT_NE(h.server, nullptr);
  h.touch("BTC-USD", dec("45000"));
  h.touch("ETH-USD", dec("3000"));
  h.touch("SOL-USD", dec("150"));
  // All three signals queued before any runs: the actors interleave them.
  for (const char* s : {"BTC-USD", "ETH-USD", "SOL-USD"})
    ASSERT_TRUE(h.server->submit_signal(s, SignalKind::buy, 0.9).ok());
  h.settle();

  ASSERT_EQ(h.entries().size(), 3u) << h.log();
  for (const char* symbol : {"BTC-USD", "ETH-USD", "SOL-USD"}) {
    const auto fills = h.venue_fills(symbol);
    ASSERT_EQ(fills.size(), 1u) << symbol;
    const auto pos = h.position(symbol);
    ASSERT_TRUE(pos.has_value()) << symbol;
    EXPECT_EQ(pos->quantity, fills[0].quantity) << symbol;
    EXPECT_EQ(pos->average_entry, fills[0].price) << symbol;
    EXPECT_EQ(pos->fees, fills[0].fee) << symbol;
    EXPECT_EQ(h.venue_balance(h.instrument(symbol).base), pos->quantity) << symbol;
  }

  // ETH moves and closes on its own signal; BTC and SOL do not notice.
  const Decimal btc = h.position("BTC-USD")->quantity;
  const Decimal sol = h.position("SOL-USD")->quantity;
  h.touch("BTC-USD", dec("45100"));
  h.touch("ETH-USD", dec("3030"));
  h.touch("SOL-USD", dec("149"));
  ASSERT_TRUE(h.signal("ETH-USD", SignalKind::sell).ok());
  EXPECT_TRUE(h.position("ETH-USD")->quantity.is_zero()) << h.log();
  EXPECT_TRUE(h.venue_balance("ETH").is_zero());
  EXPECT_EQ(h.position("BTC-USD")->quantity, btc);
  EXPECT_EQ(h.position("SOL-USD")->quantity, sol);
  EXPECT_EQ(h.venue_balance("BTC"), btc);
  EXPECT_EQ(h.venue_balance("SOL"), sol);
  const ServerStatus s = h.status();
  EXPECT_EQ(s.portfolio.fills, 4u);
  EXPECT_EQ(s.portfolio.cash, h.venue_balance("USD"));
}

TEST(ServerSignalFlow, opposite_signal_closes_and_realised_pnl_is_what_the_venue_balances_say) {
  Harness h(scripted_config());
  ASSERT_NE(h.server, nullptr);
  const Decimal start = h.venue_balance("USD");
  h.touch("BTC-USD", dec("45000"));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  const Decimal held = h.position("BTC-USD")->quantity;
  ASSERT_TRUE(held.is_positive()) << h.log();

  h.hold("BTC-USD", dec("45600"), std::chrono::seconds(30));
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::sell).ok());

  // The close: one reduce-only market sell of the whole position, filled at the bid - slippage.
  ASSERT_EQ(h.closes().size(), 1u) << h.log();
  EXPECT_EQ(h.closes()[0].side, Side::sell);
  EXPECT_EQ(h.closes()[0].quantity, held);
  const auto fills = h.venue_fills();
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[1].price, h.market_fill_price("BTC-USD", Side::sell, dec("45600")));

  const auto pos = h.position("BTC-USD");
  ASSERT_TRUE(pos.has_value());
  EXPECT_TRUE(pos->quantity.is_zero());
  const Decimal fees = fills[0].fee + fills[1].fee;
  EXPECT_EQ(pos->fees, fees);
  // Realised PnL, fees included, is exactly what the venue's cash moved by.
  EXPECT_EQ(pos->realized_pnl, h.venue_balance("USD") - start);
  EXPECT_EQ(pos->realized_pnl, (fills[1].price - fills[0].price) * held - fees);
  EXPECT_TRUE(pos->realized_pnl.is_positive());
  EXPECT_TRUE(h.venue_balance("BTC").is_zero());
  const ServerStatus s = h.status();
  EXPECT_EQ(s.portfolio.cash, h.venue_balance("USD"));
  EXPECT_EQ(s.portfolio.equity, h.venue_balance("USD"));
  EXPECT_EQ(s.portfolio.realized_pnl, pos->realized_pnl);
  // Nothing left working anywhere.
  EXPECT_TRUE(s.execution.open_orders.empty());
  EXPECT_TRUE(h.venue_open_orders().empty());

  // Flat again: the next buy opens a new position.
  ASSERT_TRUE(h.signal("BTC-USD", SignalKind::buy).ok());
  EXPECT_EQ(h.entries().size(), 2u);
  EXPECT_TRUE(h.position("BTC-USD")->quantity.is_positive());
}

}  // namespace
}  // namespace nzeza::app::e2e

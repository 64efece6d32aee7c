// Restart scenarios on a perpetual venue with netting positions (the Hyperliquid simulator
// through the real client: one signed position per coin, native stop-loss and take-profit
// triggers), each written from a public bug report of another trading engine. The simulator
// outlives every server: its orders, fills and positions are what the server is compared with.

#include "e2e/recovery/restart_harness.hpp"

namespace nzeza::app::e2e {
namespace {

class PerpRestartTest : public RestartTest {
 protected:
  // Opens a position on an operator signal and waits until the venue holds it, the server's
  // position equals it, and every trigger the entry armed rests at the venue and is tracked.
  void open_position(SignalKind side, std::size_t triggers) {
    const std::size_t seen = hyperliquid_orders_seen().size();
    ASSERT_TRUE(server_->submit_signal(perp(), side, 0.9).ok());
    ASSERT_TRUE(until([&] {
      const auto venue = hyperliquid_position();
      const auto held = position(perp());
      std::size_t armed = 0;
      const auto all = hyperliquid_orders_seen();
      for (std::size_t i = seen; i < all.size(); ++i)
        if (all[i].type == "trigger" && hyperliquid_open_ids().count(all[i].client_id) &&
            tracked(Venue::hyperliquid, all[i].client_id))
          ++armed;
      return venue && held && held->quantity == venue->first && armed == triggers;
    })) << log()
        << orders_text();
  }
  // Every order open at the venue is one the server lists.
  void expect_every_venue_order_tracked() {
    for (const auto& id : hyperliquid_open_ids())
      EXPECT_TRUE(tracked(Venue::hyperliquid, id)) << id << " works at the venue, untracked\n"
                                                   << orders_text();
  }
  std::vector<sim::hyperliquid::SimFill> venue_fills() const {
    return hyperliquid_->fills(kHyperliquidAddress);
  }
};

// 3. NautilusTrader #4736 ("warm restart with an open netting position: a synthetic opposite
// fill flattened it and the next signal opened a second one"). Here: a long perpetual position
// with its native stop-loss and take-profit resting; restart on the same journal. The server's
// position equals the venue's (size and entry), the portfolio holds the one real fill and no
// synthetic one, the restart sent nothing to the venue, both exits are tracked, and the next
// buy signal opens no second position.
TEST_F(PerpRestartTest,
       warm_restart_with_an_open_netting_position_recovers_it_and_opens_no_second) {
  with_hyperliquid();
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_NO_FATAL_FAILURE(price_hyperliquid("49999", "50001", "50000"));
  ASSERT_NO_FATAL_FAILURE(open_position(SignalKind::buy, 2));
  const auto venue_before = *hyperliquid_position();
  ASSERT_TRUE(venue_before.first.is_positive());
  const std::size_t orders_before = hyperliquid_orders_seen().size();
  const std::size_t fills_before = venue_fills().size();
  ASSERT_EQ(fills_before, 1u);

  ASSERT_NO_FATAL_FAILURE(restart());
  ASSERT_NO_FATAL_FAILURE(price_hyperliquid("49999", "50001", "50000"));
  ASSERT_TRUE(until([&] { return position(perp()).has_value(); })) << log();
  const PositionStatus held = *position(perp());
  EXPECT_EQ(held.venue, Venue::hyperliquid);
  EXPECT_EQ(held.quantity, venue_before.first);
  EXPECT_EQ(held.average_entry, venue_before.second);
  EXPECT_EQ(status().portfolio.fills, 1u) << "the entry, and no synthetic opposite fill";
  EXPECT_EQ(blocked(perp()), "") << "the journal explains the venue's position";
  EXPECT_EQ(hyperliquid_position(), venue_before) << "the venue's position is untouched";
  EXPECT_EQ(venue_fills().size(), fills_before);
  EXPECT_EQ(hyperliquid_orders_seen().size(), orders_before) << "the restart sent no order";
  EXPECT_EQ(hyperliquid_open_ids().size(), 2u) << "stop-loss and take-profit still rest";
  expect_every_venue_order_tracked();

  // The same-side signal: already positioned that way, nothing is sent.
  const std::uint64_t signals = status().execution.signals;
  ASSERT_TRUE(server_->submit_signal(perp(), SignalKind::buy, 0.9).ok());
  ASSERT_TRUE(until([&] { return status().execution.signals > signals; })) << log();
  EXPECT_EQ(hyperliquid_orders_seen().size(), orders_before) << log();
  EXPECT_EQ(hyperliquid_position(), venue_before);
  ASSERT_TRUE(position(perp()).has_value());
  EXPECT_EQ(position(perp())->quantity, venue_before.first);
}

// 3b. The other half of #4736's lesson: a netting position the journal cannot explain is never
// guessed into a trade. The venue holds a long nzeza never opened (an operator's manual trade
// while nzeza was down); the next start succeeds, leaves that position alone, and takes no new
// entry on the symbol: the signal is refused for "reconciliation" and nothing is sent.
TEST_F(PerpRestartTest, a_position_the_journal_does_not_explain_blocks_new_entries_on_its_symbol) {
  with_hyperliquid();
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_NO_FATAL_FAILURE(price_hyperliquid("49999", "50001", "50000"));
  ASSERT_NO_FATAL_FAILURE(stop_server());
  hyperliquid_->inject_position(kHyperliquidAddress, "BTC", dec("0.02"), dec("50000"));

  ASSERT_NO_FATAL_FAILURE(restart());
  ASSERT_NO_FATAL_FAILURE(price_hyperliquid("49999", "50001", "50000"));
  const std::uint64_t signals = status().execution.signals;
  ASSERT_TRUE(server_->submit_signal(perp(), SignalKind::buy, 0.9).ok());
  ASSERT_TRUE(until([&] { return status().execution.signals > signals; })) << log();
  EXPECT_EQ(refusals("reconciliation"), 1u) << log();
  EXPECT_FALSE(blocked(perp()).empty()) << "the status says why the symbol takes no entry";
  EXPECT_TRUE(hyperliquid_orders_seen().empty()) << log();
  ASSERT_TRUE(hyperliquid_position().has_value());
  EXPECT_EQ(hyperliquid_position()->first, dec("0.02")) << "left alone";
}

// While trading (not only at start): a position appears at the venue that nzeza did not make (a
// trade by hand on the same account). The periodic reconciliation sees it; one check could be a
// fill still on its way, two in a row block the symbol, and no order is sent for it.
TEST_F(PerpRestartTest,
       a_position_changed_behind_nzezas_back_blocks_its_symbol_on_the_second_check) {
  with_hyperliquid();
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_NO_FATAL_FAILURE(price_hyperliquid("49999", "50001", "50000"));
  hyperliquid_->inject_position(kHyperliquidAddress, "BTC", dec("0.03"), dec("50000"));

  clock_.advance(61s);  // the first periodic check (reconciliation.interval = 60 s)
  ASSERT_TRUE(until([&] { return status().execution.reconciliations >= 1; })) << log();
  EXPECT_TRUE(blocked(perp()).empty()) << "one check alone blocks nothing";
  // The second. A check whose positions request was still on the wire when the manual clock
  // jumped times out and decides nothing (neither blocks nor clears): then the next one is the
  // second answered check. Wait for the block, moving the clock on by one interval while none.
  bool blocked_now = false;
  for (int check = 2; check <= 4 && !blocked_now; ++check) {
    clock_.advance(60s);
    blocked_now = until([&] { return !blocked(perp()).empty(); });
  }
  ASSERT_TRUE(blocked_now) << log();
  EXPECT_NE(blocked(perp()).find("0.03"), std::string::npos) << blocked(perp());

  // The block is checked before anything else an entry needs (a fresh price among them).
  const std::uint64_t signals = status().execution.signals;
  ASSERT_TRUE(server_->submit_signal(perp(), SignalKind::buy, 0.9).ok());
  ASSERT_TRUE(until([&] { return status().execution.signals > signals; })) << log();
  EXPECT_EQ(refusals("reconciliation"), 1u) << log();
  EXPECT_TRUE(hyperliquid_orders_seen().empty()) << log();
}

// 6. freqtrade #13399 ("the stop-loss fill of the previous trade was attached to a new reversed
// trade, and the bot crash-looped on start"). Here: a long with its native stop-loss resting;
// orderly stop keeping it; the mark falls through the stop and the venue fills it while nzeza is
// down; restart. The position is flat, the stop fill carries the OLD trade's client id, a sell
// signal opens a short whose orders and exits all carry new ids, the short is exactly its own
// entry (the old fill is not in it), and two more starts neither fail nor send anything.
TEST_F(PerpRestartTest, a_stop_fill_of_the_old_trade_is_never_attached_to_a_new_reversed_one) {
  take_profit_ = "0";  // the stop-loss alone: the old trade's one exit
  with_hyperliquid();
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_NO_FATAL_FAILURE(price_hyperliquid("49999", "50001", "50000"));
  ASSERT_NO_FATAL_FAILURE(open_position(SignalKind::buy, 1));
  const std::vector<SeenOrder> first = hyperliquid_orders_seen();
  std::uint64_t first_max = 0;
  std::string old_stop;
  for (const auto& s : first) {
    ASSERT_TRUE(s.sequence.has_value()) << s.client_id << " is not one of ours";
    first_max = std::max(first_max, *s.sequence);
    if (s.type == "trigger") old_stop = s.client_id;
  }
  ASSERT_FALSE(old_stop.empty());
  ASSERT_NO_FATAL_FAILURE(stop_server());
  ASSERT_EQ(hyperliquid_open_ids().count(old_stop), 1u) << "kept at the venue on stop";

  // nzeza is down: the mark falls through the stop, the venue fills it and is flat.
  hyperliquid_->set_mark("BTC", dec("48000"));
  ASSERT_FALSE(hyperliquid_position().has_value());
  ASSERT_EQ(venue_fills().size(), 2u);
  const sim::hyperliquid::SimFill stop_fill = venue_fills().back();
  ASSERT_EQ(stop_fill.cloid, old_stop);

  ASSERT_NO_FATAL_FAILURE(restart());
  ASSERT_NO_FATAL_FAILURE(price_hyperliquid("47999", "48001", "48000"));
  ASSERT_TRUE(until([&] { return status().portfolio.fills >= 2 && !position(perp()); }))
      << "fills " << status().portfolio.fills << "\n"
      << log();
  EXPECT_EQ(status().portfolio.fills, 2u) << "the entry and its stop, each once";
  EXPECT_TRUE(tracked_sequences().empty()) << orders_text();

  // The reversed trade.
  ASSERT_NO_FATAL_FAILURE(open_position(SignalKind::sell, 1));
  const std::vector<SeenOrder> all = hyperliquid_orders_seen();
  ASSERT_GT(all.size(), first.size());
  EXPECT_TRUE(duplicates(all).empty()) << ::testing::PrintToString(duplicates(all));
  std::set<std::string> second_ids;
  for (std::size_t i = first.size(); i < all.size(); ++i) {
    ASSERT_TRUE(all[i].sequence.has_value()) << all[i].client_id;
    EXPECT_GT(*all[i].sequence, first_max) << all[i].client_id << " reuses an old trade's id";
    second_ids.insert(all[i].client_id);
  }
  // The short is exactly what its own entry filled.
  const auto venue_short = hyperliquid_position();
  ASSERT_TRUE(venue_short.has_value());
  ASSERT_TRUE(venue_short->first.is_negative());
  Decimal entry_filled;
  for (const auto& f : venue_fills())
    if (second_ids.count(f.cloid) && !f.is_buy) entry_filled += f.sz;
  EXPECT_EQ(venue_short->first, -entry_filled);
  EXPECT_EQ(position(perp())->quantity, venue_short->first) << "the old stop fill is not in it";
  EXPECT_EQ(status().portfolio.fills, 3u);
  // Its exit is a new order, resting, tracked; the old stop is not among what the server lists.
  for (const auto& id : hyperliquid_open_ids())
    EXPECT_EQ(second_ids.count(id), 1u) << id << " open at the venue is not the new trade's";
  EXPECT_FALSE(tracked(Venue::hyperliquid, old_stop));
  expect_every_venue_order_tracked();

  // Two more starts: each succeeds, recovers the short as the venue holds it, sends nothing.
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("further start #" + std::to_string(round + 1));
    const std::size_t orders_now = hyperliquid_orders_seen().size();
    const std::size_t fills_now = venue_fills().size();
    // Between the two servers: the journal holds every venue fill once, each under the sequence
    // of the order that really traded it — the old stop's fill under the old stop.
    ASSERT_NO_FATAL_FAILURE(stop_server());
    const auto journaled = journal_fills();
    EXPECT_EQ(journaled.size(), fills_now) << fills_text(journaled);
    for (const auto& vf : venue_fills()) {
      int found = 0;
      for (const auto& f : journaled) {
        if (f.fill.trade_id != std::to_string(vf.tid)) continue;
        ++found;
        EXPECT_EQ(f.sequence, codec_->decode(Venue::hyperliquid, vf.cloid).value_or(0))
            << "trade " << vf.tid << " of " << vf.cloid << " journaled under another order";
      }
      EXPECT_EQ(found, 1) << "trade " << vf.tid << "\n" << fills_text(journaled);
    }
    ASSERT_NO_FATAL_FAILURE(restart());
    ASSERT_NO_FATAL_FAILURE(price_hyperliquid("47999", "48001", "48000"));
    ASSERT_TRUE(until([&] { return position(perp()).has_value(); })) << log();
    EXPECT_EQ(position(perp())->quantity, venue_short->first);
    EXPECT_EQ(status().portfolio.fills, 3u);
    EXPECT_EQ(hyperliquid_orders_seen().size(), orders_now);
    EXPECT_EQ(venue_fills().size(), fills_now);
    expect_every_venue_order_tracked();
  }
}

}  // namespace
}  // namespace nzeza::app::e2e

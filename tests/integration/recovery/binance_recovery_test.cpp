// Start-up recovery against Binance spot through its real client: the Binance simulator
// (tests/sim/binance) behind the real BinanceClient, the real journal in a temp dir, a ManualClock.
// Binance's trade list (myTrades) names an order by its venue order id only, never by its client
// id: a fill of an order whose acknowledgement the journal never got (sent, then kill -9) is ours
// only through the order's status query, and must be journaled and applied, not called external.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "app/execution.hpp"
#include "app/recovery.hpp"
#include "app/unresolved_orders.hpp"
#include "core/client_id.hpp"
#include "integration/recovery/recovery_fixture.hpp"
#include "integration/venues_binance_client/binance_fixture.hpp"
#include "store/journal.hpp"
#include "support/wait.hpp"

namespace nzeza::app {
namespace {

using namespace std::chrono_literals;
using venues::binance::test::dec;

class BinanceRecoveryTest
    : public test::VenueRecoveryFixture<venues::binance::test::BinanceClientFixture> {
 protected:
  void SetUp() override {
    order_ids_per_symbol_ = true;  // as Binance numbers them
    VenueRecoveryFixture::SetUp();
  }

  std::string cid(std::uint64_t seq) const { return codec_->encode(Venue::binance, seq)->text; }

  // The intent as the server writes it before sending (ten minutes ago: its request expired).
  store::IntentRecord intent(std::uint64_t seq, Side side, domain::OrderType type, const char* qty,
                             const char* stop, const char* purpose) {
    store::IntentRecord i;
    i.sequence = seq;
    i.canonical = registry_.get(btc_)->canonical;
    i.side = side;
    i.type = type;
    i.time_in_force =
        type == domain::OrderType::stop ? domain::TimeInForce::gtc : domain::TimeInForce::ioc;
    i.reduce_only = type == domain::OrderType::stop;
    i.quantity = dec(qty);
    if (stop != nullptr) i.stop_price = dec(stop);
    i.purpose = purpose;
    i.at = clock_.now() - 10min;
    EXPECT_TRUE(journal_->write_intent(i).ok());
    return i;
  }

  domain::OrderSpec spec_of(const store::IntentRecord& i) const {
    domain::OrderSpec s;
    s.client_order_id = *codec_->encode(Venue::binance, i.sequence);
    s.venue = Venue::binance;
    s.instrument = btc_;
    s.side = i.side;
    s.type = i.type;
    s.time_in_force = i.time_in_force;
    s.quantity = i.quantity;
    s.stop_price = i.stop_price;
    return s;
  }

  Result<Recovered> recover_now() { return recover_with(*codec_, Venue::binance); }

  // The journal got the answer of #seq's BTCUSDT order: filled, under Binance's order id.
  void journal_filled(std::uint64_t seq, const venues::PlaceAck& ack, const char* qty) {
    store::OrderEventRecord done;
    done.sequence = seq;
    done.phase = store::OrderPhase::done;
    done.venue = Venue::binance;
    done.client_order_id = cid(seq);
    done.venue_order_id = ack.report.venue_order_id;
    done.venue_symbol = "BTCUSDT";
    done.status = domain::VenueOrderStatus::filled;
    done.filled = dec(qty);
    done.at = clock_.now();
    journal_->record(done);
  }

  std::size_t journaled_fills_of(std::uint64_t seq) {
    auto fills = journal_->fills_since(Timestamp::from_ms(0), 1000);
    EXPECT_TRUE(fills.ok());
    std::size_t n = 0;
    if (fills.ok())
      for (const auto& f : *fills) n += f.sequence == seq ? 1 : 0;
    return n;
  }

  std::unique_ptr<ClientIdCodec> codec_ =
      std::make_unique<ClientIdCodec>(ClientIdCodec::create("t1").value());
};

// The KillLoop sequence: the entry filled and was journaled; its stop-loss was sent and the
// process was killed before the acknowledgement was journaled; the stop triggered and filled at
// the venue while nzeza was down. Recovery finds the stop filled by its client id, and the trade
// myTrades lists under its venue order id is that stop's fill: journaled, applied, not external.
TEST_F(BinanceRecoveryTest,
       fill_of_a_stop_whose_ack_was_lost_to_a_kill_is_journaled_and_applied_not_called_external) {
  const auto entry = intent(1, Side::buy, domain::OrderType::market, "0.01", nullptr, "entry");
  auto entry_ack = place(spec_of(entry));
  ASSERT_TRUE(entry_ack.ok()) << entry_ack.error().to_string();
  ASSERT_EQ(entry_ack->fills.size(), 1u);
  journal_filled(1, *entry_ack, "0.01");
  store::FillRecord fr;
  fr.fill = entry_ack->fills[0];
  fr.fill.venue_symbol = "BTCUSDT";
  fr.sequence = 1;
  fr.recorded = clock_.now();
  journal_->record(fr);

  // The stop's intent is journaled (pending) and sent; its answer never reaches the journal.
  const auto stop = intent(2, Side::sell, domain::OrderType::stop, "0.01", "49000", "stop_loss");
  auto stop_ack = place(spec_of(stop));
  ASSERT_TRUE(stop_ack.ok()) << stop_ack.error().to_string();
  ASSERT_TRUE(journal_->flush().ok());
  // While nzeza is down the market falls through the stop: the venue sells.
  sim_->set_price("BTCUSDT", dec("48990"));
  ASSERT_TRUE(testsupport::wait_until([&] {
    const auto o = sim_->order(cid(2));
    return o && o->status == "FILLED";
  }));

  auto r = recover_now();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->report.count(FindingKind::external_fill), 0u) << r->report.to_text();
  EXPECT_EQ(r->report.count(FindingKind::missed_fill), 1u) << r->report.to_text();
  EXPECT_EQ(r->report.count(FindingKind::finished), 1u) << r->report.to_text();
  // Every fill, journal's and missed, each once: the entry's buy, then the stop's sell.
  ASSERT_EQ(r->fills.size(), 2u);
  EXPECT_EQ(r->fills[0].client_order_id, cid(1));
  EXPECT_EQ(r->fills[1].side, Side::sell);
  EXPECT_EQ(r->fills[1].quantity, dec("0.01"));
  EXPECT_EQ(r->fills[1].client_order_id, cid(2));
  EXPECT_TRUE(r->blocked.empty()) << r->report.to_text();
  ASSERT_TRUE(journal_->flush().ok());
  EXPECT_EQ(journaled_fills_of(2), 1u);
  // Applied once: a second recovery finds it in the journal.
  auto again = recover_now();
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->report.count(FindingKind::missed_fill), 0u) << again->report.to_text();
  EXPECT_EQ(again->report.count(FindingKind::external_fill), 0u) << again->report.to_text();
  ASSERT_TRUE(journal_->flush().ok());
  EXPECT_EQ(journaled_fills_of(2), 1u);
}

// Binance numbers orders per symbol: BTCUSDT's order 1000 and ETHUSDT's order 1000 are two
// orders. The journal knows ours on BTCUSDT by its acknowledgement; the fill of it that the
// journal missed is ours, the fill of someone else's ETHUSDT order 1000 is not.
TEST_F(BinanceRecoveryTest,
       fill_is_ours_by_symbol_and_order_id_never_by_an_order_id_another_symbol_also_has) {
  const auto entry = intent(1, Side::buy, domain::OrderType::market, "0.01", nullptr, "entry");
  auto ours = place(spec_of(entry));
  ASSERT_TRUE(ours.ok()) << ours.error().to_string();
  // A person trading on the same account: ETHUSDT's first order, numbered as ours is.
  domain::OrderSpec eth = market("manual-eth-1", Side::buy, "0.01");
  eth.instrument = eth_;
  auto theirs = place(eth);
  ASSERT_TRUE(theirs.ok()) << theirs.error().to_string();
  ASSERT_EQ(theirs->report.venue_order_id, ours->report.venue_order_id);
  // The journal got our order's answer, then the process died before its fill was written.
  journal_filled(1, *ours, "0.01");
  ASSERT_TRUE(journal_->flush().ok());

  auto r = recover_now();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->report.count(FindingKind::missed_fill), 1u) << r->report.to_text();
  EXPECT_EQ(r->report.count(FindingKind::external_fill), 1u) << r->report.to_text();
  ASSERT_EQ(r->fills.size(), 1u);
  EXPECT_EQ(r->fills[0].venue_symbol, "BTCUSDT");
  EXPECT_EQ(r->fills[0].client_order_id, cid(1));
  EXPECT_TRUE(r->blocked.empty()) << r->report.to_text();
  ASSERT_TRUE(journal_->flush().ok());
  EXPECT_EQ(journaled_fills_of(1), 1u);
}

// An entry sent, filled, and its answer lost to a kill; at the start Binance cannot say what
// became of it (its order query fails), so the start leaves it unresolved and its fill, which
// myTrades names by Binance's order id only, unclaimed. The tracker then resolves it: the fill of
// the order id its status query gave is applied and journaled as that order's, once, in this
// process — not at the next start.
TEST_F(
    BinanceRecoveryTest,
    unresolved_order_whose_fill_names_only_binances_order_id_gets_it_applied_once_without_restart) {
  const auto entry = intent(3, Side::buy, domain::OrderType::market, "0.01", nullptr, "entry");
  auto ack = place(spec_of(entry));
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  ASSERT_EQ(ack->fills.size(), 1u);
  ASSERT_TRUE(journal_->flush().ok());
  sim::binance::Fault unavailable;
  unavailable.kind = sim::binance::FaultKind::server_error;
  unavailable.status = 503;
  sim_->script("GET /api/v3/order", unavailable, 1);  // the start's query only

  auto r = recover_now();
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->report.count(FindingKind::unresolved), 1u) << r->report.to_text();
  EXPECT_EQ(r->report.count(FindingKind::missed_fill), 0u) << r->report.to_text();
  EXPECT_TRUE(r->fills.empty());
  EXPECT_EQ(journaled_fills_of(3), 0u);

  ExecutionConfig config;
  auto made = Execution::make_state(config, clock_.now());
  ASSERT_TRUE(made.ok());
  ExecutionState& s = **made;
  ASSERT_TRUE(seed_execution(*r, s, registry_, *codec_, config).ok());
  test::SpawnedExecution x(clock_, registry_, *codec_, *client_, "BTC-USDT", r->last_sequence);
  x.send_through_tracker();
  x.deps.journal = journal_.get();
  ASSERT_TRUE(x.spawn(config, s).ok());
  UnresolvedOrders unresolved;
  auto handed = x.hand_over(unresolved, *r);
  ASSERT_TRUE(handed.ok()) << handed.error().message;
  ASSERT_EQ(*handed, 1u);

  // The tracker's query is due at once (the request long expired): the clock's due timers run.
  const SymbolId btc = registry_.get(btc_)->symbol;
  auto position = [&] {
    const auto it = s.books.find(btc.value);
    return it != s.books.end() && it->second.position ? it->second.position->quantity()
                                                      : Decimal::zero();
  };
  ASSERT_TRUE(x.poll_until(
      [&] {
        return unresolved.pending() == 0 && position().is_positive() && journal_->flush().ok() &&
               journaled_fills_of(3) == 1;
      },
      [&] { (void)clock_.run_due(); }))
      << "pending " << unresolved.pending() << ", position " << position().to_string();
  // What the venue bought (net of its commission, taken in BTC), nothing more.
  const Decimal held = position();
  EXPECT_EQ(held, sim_->balance("BTC")->first - dec("2"));
  EXPECT_EQ(s.ledger.size(), 1u);
  EXPECT_EQ(sim_->place_requests(cid(3)), 1);  // never sent again
  // Once: the same trade listed again changes nothing.
  auto again = await<std::vector<domain::Fill>>(
      [&](auto cb) { client_->fills_since(entry.at - 1min, btc_, cb); });
  ASSERT_TRUE(again.ok()) << again.error().message;
  ASSERT_EQ(again->size(), 1u);
  domain::Fill f = (*again)[0];
  f.client_order_id = cid(3);
  (void)x.self->tell(VenueFillMsg{f});
  x.system.dispatcher().poll();
  ASSERT_TRUE(journal_->flush().ok());
  EXPECT_EQ(journaled_fills_of(3), 1u);
  EXPECT_EQ(position(), held);
  x.stop();
}

}  // namespace
}  // namespace nzeza::app

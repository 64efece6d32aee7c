// Start-up recovery against a perpetual venue through its real client: the Hyperliquid simulator
// (tests/sim/hyperliquid: signed requests checked, positions kept per account) behind the real
// HyperliquidClient, the real journal in a temp dir. The simulator counts every order request
// per client id, so "never resent" is checked where the orders arrive.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "app/recovery.hpp"
#include "integration/recovery/recovery_fixture.hpp"
#include "integration/venues_hyperliquid_client/client_fixture.hpp"
#include "store/journal.hpp"

namespace nzeza::app {
namespace {

using namespace std::chrono_literals;

Decimal dec(const char* text) {
  auto v = Decimal::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Decimal{};
}

class HyperliquidRecoveryTest
    : public test::VenueRecoveryFixture<venues::hyperliquid::testing::HyperliquidClientFixture> {
 protected:
  std::string cloid(std::uint64_t seq) const {
    return codec_->encode(Venue::hyperliquid, seq)->text;
  }

  // An intent written ten minutes ago, before its order left (its request long expired).
  store::IntentRecord intent(std::uint64_t seq, InstrumentId instrument, Side side, const char* qty,
                             Decimal limit) {
    store::IntentRecord i;
    i.sequence = seq;
    i.canonical = registry_.get(instrument)->canonical;
    i.side = side;
    i.type = domain::OrderType::limit;
    i.time_in_force = domain::TimeInForce::ioc;
    i.quantity = dec(qty);
    i.price = limit;
    i.purpose = "entry";
    i.at = clock_.now() - 10min;
    EXPECT_TRUE(journal_->write_intent(i).ok());
    return i;
  }

  Result<Recovered> recover_now() { return recover_with(*codec_, Venue::hyperliquid); }
};

TEST_F(HyperliquidRecoveryTest, position_at_hyperliquid_the_journal_does_not_explain_blocks_it) {
  sim_->inject_position(client_->signer_address(), "ETH", dec("2"), dec("3000"));
  auto r = recover_now();
  ASSERT_TRUE(r.ok()) << r.error().message;
  const std::string eth = registry_.get(eth_)->canonical;
  const std::string btc = registry_.get(btc_)->canonical;
  ASSERT_EQ(r->blocked.count(eth), 1u) << r->report.to_text();
  EXPECT_NE(r->blocked.at(eth).find("does not explain"), std::string::npos);
  EXPECT_EQ(r->blocked.count(btc), 0u);
  const RecoveryFinding* f = r->report.find(FindingKind::position_mismatch);
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->blocks);
  EXPECT_EQ(sim_->exchange_requests(), 0u);  // recovery only asked
}

TEST_F(HyperliquidRecoveryTest,
       position_made_by_a_journaled_order_blocks_nothing_and_is_not_resent) {
  const auto i = intent(1, btc_, Side::buy, "0.01", dec("61000"));
  domain::OrderSpec s;
  s.client_order_id = *codec_->encode(Venue::hyperliquid, 1);
  s.venue = Venue::hyperliquid;
  s.instrument = btc_;
  s.side = i.side;
  s.type = i.type;
  s.time_in_force = i.time_in_force;
  s.quantity = i.quantity;
  s.price = i.price;
  auto ack = place(s);  // it filled; the process died before journaling the fill
  ASSERT_TRUE(ack.ok()) << ack.error().message;
  ASSERT_EQ(sim_->fills(client_->signer_address()).size(), 1u);

  auto r = recover_now();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->blocked.empty()) << r->report.to_text();
  EXPECT_EQ(r->report.count(FindingKind::missed_fill), 1u) << r->report.to_text();
  EXPECT_EQ(r->report.count(FindingKind::finished), 1u);
  ASSERT_EQ(r->fills.size(), 1u);
  EXPECT_EQ(r->fills[0].quantity, dec("0.01"));
  EXPECT_EQ(sim_->place_requests(cloid(1)), 1u);  // never sent again
  auto again = recover_now();
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->fills.size(), 1u);
  EXPECT_EQ(again->report.count(FindingKind::missed_fill), 0u);
  EXPECT_EQ(sim_->place_requests(cloid(1)), 1u);
}

TEST_F(HyperliquidRecoveryTest, intent_hyperliquid_never_got_is_never_executed_and_never_sent) {
  (void)intent(2, btc_, Side::buy, "0.01", dec("61000"));
  auto r = recover_now();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->report.count(FindingKind::never_executed), 1u) << r->report.to_text();
  EXPECT_TRUE(r->working.empty());
  EXPECT_TRUE(r->blocked.empty());
  EXPECT_EQ(sim_->place_requests(cloid(2)), 0u);
  EXPECT_EQ(sim_->exchange_requests(), 0u);
}

}  // namespace
}  // namespace nzeza::app

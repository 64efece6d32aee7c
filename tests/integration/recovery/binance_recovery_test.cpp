// Start-up recovery against Binance spot through its real client: the Binance simulator
// (tests/sim/binance) behind the real BinanceClient, the real journal in a temp dir, a ManualClock.
// Binance's trade list (myTrades) names an order by its venue order id only, never by its client
// id: a fill of an order whose acknowledgement the journal never got (sent, then kill -9) is ours
// only through the order's status query, and must be journaled and applied, not called external.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "app/recovery.hpp"
#include "core/client_id.hpp"
#include "integration/venues_binance_client/binance_fixture.hpp"
#include "store/journal.hpp"
#include "support/wait.hpp"

namespace nzeza::app {
namespace {

using namespace std::chrono_literals;
using venues::binance::test::dec;

class BinanceRecoveryTest : public venues::binance::test::BinanceClientFixture {
 protected:
  void SetUp() override {
    BinanceClientFixture::SetUp();
    codec_ = std::make_unique<ClientIdCodec>(ClientIdCodec::create("t1").value());
    std::string templ =
        (std::filesystem::temp_directory_path() / "nzeza-bn-recovery-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    auto j = store::Journal::open(dir_ / "journal.db");
    ASSERT_TRUE(j.ok()) << j.error().message;
    journal_ = std::move(*j);
  }

  void TearDown() override {
    journal_.reset();
    BinanceClientFixture::TearDown();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
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

  Result<Recovered> recover_now() {
    RecoveryInputs in;
    in.journal = journal_.get();
    in.registry = &registry_;
    in.codec = codec_.get();
    in.clients = {client_.get()};
    in.venues_for = [](std::string_view) { return std::vector<Venue>{Venue::binance}; };
    in.clock = &clock_;
    RecoveryOptions o;
    o.deadline = 10s;
    o.not_found_grace = 1ms;
    o.not_found_confirmations = 1;
    return recover(in, o);
  }

  std::size_t journaled_fills_of(std::uint64_t seq) {
    auto fills = journal_->fills_since(Timestamp::from_ms(0), 1000);
    EXPECT_TRUE(fills.ok());
    std::size_t n = 0;
    if (fills.ok())
      for (const auto& f : *fills) n += f.sequence == seq ? 1 : 0;
    return n;
  }

  std::unique_ptr<ClientIdCodec> codec_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Journal> journal_;
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
  store::OrderEventRecord done;
  done.sequence = 1;
  done.phase = store::OrderPhase::done;
  done.venue = Venue::binance;
  done.client_order_id = cid(1);
  done.venue_order_id = entry_ack->report.venue_order_id;
  done.venue_symbol = "BTCUSDT";
  done.status = domain::VenueOrderStatus::filled;
  done.filled = dec("0.01");
  done.at = clock_.now();
  journal_->record(done);
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

}  // namespace
}  // namespace nzeza::app

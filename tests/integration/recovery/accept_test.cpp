// The operator's decision for a blocked symbol (`nzeza reconcile --accept`) and its effect on the
// journal: the real journal in a temp dir, the paper venue (a real in-process venue behind the
// VenueClient port) holding what the journal does not explain, and recover() before and after,
// as two starts of the server would run it.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/execution.hpp"
#include "app/operator_decision.hpp"
#include "app/recovery.hpp"
#include "core/client_id.hpp"
#include "core/clock.hpp"
#include "core/market_event.hpp"
#include "store/journal.hpp"
#include "support/wait.hpp"
#include "venues/paper/paper_venue.hpp"

namespace nzeza::app {
namespace {

using namespace std::chrono_literals;

Decimal dec(const char* text) {
  auto v = Decimal::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Decimal{};
}

Instrument instrument(const std::string& canonical, const std::string& base, InstrumentKind kind) {
  Instrument i;
  i.venue = Venue::paper;
  i.kind = kind;
  i.canonical = canonical;
  i.venue_symbol = canonical;
  i.base = base;
  i.quote = "USDT";
  i.tick_size = dec("0.1");
  i.lot_size = dec("0.001");
  i.min_size = dec("0.001");
  i.max_leverage = kind == InstrumentKind::perpetual ? 20 : 1;
  return i;
}

class AcceptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    btc_ = *registry_.add(instrument("BTC-USDT", "BTC", InstrumentKind::spot));
    eth_ = *registry_.add(instrument("ETH-USDT-PERP", "ETH", InstrumentKind::perpetual));
    std::string templ = (std::filesystem::temp_directory_path() / "nzeza-accept-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    auto j = store::Journal::open(dir_ / "journal.db");
    ASSERT_TRUE(j.ok()) << j.error().message;
    journal_ = std::move(*j);
    venue_ = std::make_unique<venues::paper::PaperVenue>(clock_, registry_,
                                                         venues::paper::PaperConfig{});
    ASSERT_TRUE(venue_->deposit("USDT", dec("100000")).ok());
    quote(btc_, "50000", "50000.1");
    quote(eth_, "3000", "3000.1");
  }

  void TearDown() override {
    journal_.reset();
    venue_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void quote(InstrumentId id, const char* bid, const char* ask) {
    MarketEvent e;
    e.venue = Venue::paper;
    e.symbol = registry_.get(id)->symbol;
    e.receive_time = clock_.now();
    e.body = Quote{dec(bid), dec("100"), dec(ask), dec("100")};
    venue_->on_market_event(e);
  }

  // A market order someone placed on the account by hand (no client id of ours), or with
  // `limit` a resting limit order carrying `client_id`.
  void place_by_hand(InstrumentId id, Side side, const char* qty,
                     std::optional<ClientOrderId> client_id = std::nullopt,
                     std::optional<Decimal> limit = std::nullopt) {
    domain::OrderSpec s;
    s.client_order_id = client_id.value_or(ClientOrderId{Venue::paper, 0, "by-hand-1"});
    s.venue = Venue::paper;
    s.instrument = id;
    s.side = side;
    s.type = limit ? domain::OrderType::limit : domain::OrderType::market;
    s.time_in_force = limit ? domain::TimeInForce::gtc : domain::TimeInForce::ioc;
    s.quantity = dec(qty);
    s.price = limit;
    struct Box {
      std::mutex mu;
      std::condition_variable cv;
      std::optional<Result<venues::PlaceAck>> ack;
    };
    auto box = std::make_shared<Box>();
    venue_->place(s, [box](Result<venues::PlaceAck> r) {
      std::lock_guard lock(box->mu);
      box->ack.emplace(std::move(r));
      box->cv.notify_all();
    });
    std::unique_lock lock(box->mu);
    ASSERT_TRUE(
        box->cv.wait_for(lock, testsupport::kWaitGuard, [&] { return box->ack.has_value(); }));
    ASSERT_TRUE(box->ack->ok()) << box->ack->error().message;
  }

  RecoveryInputs inputs() {
    RecoveryInputs in;
    in.journal = journal_.get();
    in.registry = &registry_;
    in.codec = &codec_;
    in.clients = {venue_.get()};
    in.venues_for = [](std::string_view) { return std::vector<Venue>{Venue::paper}; };
    in.clock = &clock_;
    return in;
  }

  Result<Recovered> recover_now() {
    RecoveryOptions o;
    o.deadline = 10s;
    o.not_found_grace = 1ms;
    return recover(inputs(), o);
  }

  std::vector<store::FillRecord> adjustments() {
    auto fills = journal_->fills_since(Timestamp{}, 1000);
    EXPECT_TRUE(fills.ok());
    std::vector<store::FillRecord> out;
    if (fills.ok())
      for (const auto& f : *fills)
        if (f.fill.trade_id.rfind("adjust-", 0) == 0) out.push_back(f);
    return out;
  }

  std::vector<store::AuditRecord> decisions() {
    auto audit = journal_->audit_since(Timestamp{}, 10000);
    EXPECT_TRUE(audit.ok());
    std::vector<store::AuditRecord> out;
    if (audit.ok())
      for (const auto& a : *audit)
        if (a.kind == "operator") out.push_back(a);
    return out;
  }

  SystemClock clock_;
  InstrumentRegistry registry_;
  InstrumentId btc_;
  InstrumentId eth_;
  ClientIdCodec codec_ = *ClientIdCodec::create("ac");
  std::filesystem::path dir_;
  std::unique_ptr<store::Journal> journal_;
  std::unique_ptr<venues::paper::PaperVenue> venue_;
};

TEST_F(AcceptTest, accepted_perpetual_position_is_journaled_at_the_venue_entry_and_unblocks_it) {
  place_by_hand(eth_, Side::buy, "2");
  auto before = recover_now();
  ASSERT_TRUE(before.ok()) << before.error().message;
  ASSERT_EQ(before->blocked.count("ETH-USDT-PERP"), 1u) << before->report.to_text();

  auto accepted = accept_venue_state(inputs(), "ETH-USDT-PERP", 10s);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  ASSERT_EQ(accepted->decisions.size(), 1u);

  // One adjustment fill: no order of ours, no fee, the venue's quantity at its entry price.
  const auto adj = adjustments();
  ASSERT_EQ(adj.size(), 1u);
  EXPECT_EQ(adj[0].sequence, 0u);
  EXPECT_EQ(adj[0].fill.venue, Venue::paper);
  EXPECT_EQ(adj[0].fill.venue_symbol, "ETH-USDT-PERP");
  EXPECT_EQ(adj[0].fill.side, Side::buy);
  EXPECT_EQ(adj[0].fill.quantity, dec("2"));
  EXPECT_TRUE(adj[0].fill.fee.is_zero());
  EXPECT_TRUE(adj[0].fill.client_order_id.empty());
  std::optional<Decimal> venue_entry;
  {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    venue_->positions([&](Result<std::vector<venues::VenuePosition>> r) {
      std::lock_guard lock(mu);
      if (r.ok())
        for (const auto& p : *r)
          if (p.instrument == eth_) venue_entry = p.entry_price;
      done = true;
      cv.notify_all();
    });
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, testsupport::kWaitGuard, [&] { return done; }));
  }
  ASSERT_TRUE(venue_entry.has_value());
  EXPECT_EQ(adj[0].fill.price, *venue_entry);
  // The decision is in the audit log, naming the symbol and the adjustment.
  const auto audit = decisions();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_NE(audit[0].text.find("ETH-USDT-PERP"), std::string::npos) << audit[0].text;
  EXPECT_NE(audit[0].text.find(adj[0].fill.trade_id), std::string::npos) << audit[0].text;

  // The next start: the journal explains the venue, nothing is blocked, and the seeded book holds
  // the venue's position.
  auto after = recover_now();
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_TRUE(after->blocked.empty()) << after->report.to_text();
  EXPECT_TRUE(after->report.venues.at(0).trading_allowed()) << after->report.to_text();
  auto es = Execution::make_state(ExecutionConfig{}, clock_.now());
  ASSERT_TRUE(es.ok());
  ASSERT_TRUE(seed_execution(*after, **es, registry_, codec_, ExecutionConfig{}).ok());
  const ExecutionBook& book = (*es)->books.at(registry_.get(eth_)->symbol.value);
  ASSERT_TRUE(book.position.has_value());
  EXPECT_EQ(book.position->quantity(), dec("2"));
  EXPECT_TRUE(book.blocked.empty());

  // Deciding again changes nothing: the journal already explains the venue.
  auto twice = accept_venue_state(inputs(), "ETH-USDT-PERP", 10s);
  ASSERT_TRUE(twice.ok()) << twice.error().message;
  EXPECT_TRUE(twice->decisions.empty());
  EXPECT_EQ(adjustments().size(), 1u);
}

TEST_F(AcceptTest, accepted_spot_shortfall_is_a_sell_at_the_average_entry_and_unblocks_it) {
  // The journal bought 0.5 BTC at 50000; the venue holds none (sold or withdrawn by hand).
  store::FillRecord bought;
  bought.fill.venue = Venue::paper;
  bought.fill.venue_symbol = "BTC-USDT";
  bought.fill.trade_id = "T-1";
  bought.fill.client_order_id = codec_.encode(Venue::paper, 1)->text;
  bought.fill.side = Side::buy;
  bought.fill.price = dec("50000");
  bought.fill.quantity = dec("0.5");
  bought.fill.time = clock_.now() - 60s;
  bought.sequence = 1;
  bought.recorded = bought.fill.time;
  journal_->record(bought);
  ASSERT_TRUE(journal_->flush().ok());
  auto before = recover_now();
  ASSERT_TRUE(before.ok()) << before.error().message;
  ASSERT_EQ(before->blocked.count("BTC-USDT"), 1u) << before->report.to_text();

  auto accepted = accept_venue_state(inputs(), "BTC-USDT", 10s);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  const auto adj = adjustments();
  ASSERT_EQ(adj.size(), 1u);
  EXPECT_EQ(adj[0].fill.side, Side::sell);
  EXPECT_EQ(adj[0].fill.quantity, dec("0.5"));
  EXPECT_EQ(adj[0].fill.price, dec("50000"));  // no invented profit or loss
  EXPECT_EQ(decisions().size(), 1u);

  auto after = recover_now();
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_TRUE(after->blocked.empty()) << after->report.to_text();
  EXPECT_EQ(after->report.count(FindingKind::missing_holdings), 0u) << after->report.to_text();
}

TEST_F(AcceptTest, accepted_unresolved_order_is_closed_and_would_block_again_if_it_rested) {
  store::IntentRecord i;
  i.sequence = 3;
  i.canonical = "BTC-USDT";
  i.side = Side::buy;
  i.type = domain::OrderType::limit;
  i.quantity = dec("0.01");
  i.price = dec("40000");
  i.purpose = "entry";
  i.at = clock_.now() - 60s;
  ASSERT_TRUE(journal_->write_intent(i).ok());
  store::OrderEventRecord e;
  e.sequence = 3;
  e.phase = store::OrderPhase::working;
  e.venue = Venue::binance;  // a venue this process does not use
  e.client_order_id = "ac-binance-3";
  e.at = i.at;
  journal_->record(e);
  ASSERT_TRUE(journal_->flush().ok());
  auto before = recover_now();
  ASSERT_TRUE(before.ok()) << before.error().message;
  ASSERT_EQ(before->blocked.count("BTC-USDT"), 1u) << before->report.to_text();
  ASSERT_EQ(before->report.count(FindingKind::unresolved), 1u);

  auto accepted = accept_venue_state(inputs(), "BTC-USDT", 10s);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  ASSERT_EQ(accepted->decisions.size(), 1u);
  EXPECT_TRUE(adjustments().empty());  // the venue holds what the journal's fills made: nothing
  auto orders = journal_->orders_since(Timestamp{}, 10);
  ASSERT_TRUE(orders.ok());
  ASSERT_EQ(orders->size(), 1u);
  EXPECT_EQ((*orders)[0].phase, store::OrderPhase::done);
  EXPECT_NE((*orders)[0].detail.find("operator"), std::string::npos);

  auto after = recover_now();
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_TRUE(after->blocked.empty()) << after->report.to_text();
  EXPECT_EQ(after->report.count(FindingKind::unresolved), 0u);

  // Had the operator been wrong — the order rests at a venue in use after all — the next start
  // sees our client id open there, not live in the journal, and blocks the symbol again.
  place_by_hand(btc_, Side::buy, "0.01", *codec_.encode(Venue::paper, 3), dec("40000"));
  auto wrong = recover_now();
  ASSERT_TRUE(wrong.ok()) << wrong.error().message;
  EXPECT_EQ(wrong->blocked.count("BTC-USDT"), 1u) << wrong->report.to_text();
  EXPECT_EQ(wrong->report.count(FindingKind::unjournaled_order), 1u) << wrong->report.to_text();
}

TEST_F(AcceptTest, symbol_no_venue_lists_is_refused_and_nothing_is_journaled) {
  auto accepted = accept_venue_state(inputs(), "DOGE-USDT", 10s);
  ASSERT_FALSE(accepted.ok());
  EXPECT_EQ(accepted.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(accepted.error().message.find("DOGE-USDT"), std::string::npos);
  EXPECT_TRUE(decisions().empty());
  EXPECT_TRUE(adjustments().empty());
}

}  // namespace
}  // namespace nzeza::app

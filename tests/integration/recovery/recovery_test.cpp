// The fail-closed start-up reconciliation against real components: the journal (SQLite in a temp
// dir) as the crashed process left it, and the paper venue holding what the venue holds. Every
// scenario builds the state a crash leaves — an intent written, an order at the venue or not, a
// fill the journal never got — then runs recover() as the next start would.
//
// Clocks: the paper venue answers on a SystemClock's timer thread (recover() blocks its caller
// until the answers arrive, as it does in the server); the silent venue sits on a ManualClock that
// nothing advances, so it never answers.

#include "app/recovery.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actor/actor_system.hpp"
#include "app/execution.hpp"
#include "app/portfolio_actor.hpp"
#include "app/unresolved_orders.hpp"
#include "core/client_id.hpp"
#include "core/clock.hpp"
#include "core/market_event.hpp"
#include "integration/recovery/recovery_fixture.hpp"
#include "store/journal.hpp"
#include "support/wait.hpp"
#include "venues/forwarding_client.hpp"
#include "venues/order_tracker.hpp"
#include "venues/paper/paper_venue.hpp"
#include "venues/router.hpp"
#include "venues/venue_health.hpp"

namespace nzeza::app {
namespace {

using namespace std::chrono_literals;
using testsupport::wait_until;

Decimal dec(const char* text) {
  auto v = Decimal::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Decimal{};
}

Instrument spot_instrument(const std::string& canonical, const std::string& base,
                           const std::string& quote) {
  Instrument i;
  i.venue = Venue::paper;
  i.kind = InstrumentKind::spot;
  i.canonical = canonical;
  i.venue_symbol = canonical;
  i.base = base;
  i.quote = quote;
  i.tick_size = dec("0.01");
  i.lot_size = dec("0.0001");
  i.min_size = dec("0.0001");
  i.min_notional = dec("10");
  return i;
}

Instrument perp_instrument(const std::string& canonical, const std::string& base,
                           const std::string& quote) {
  Instrument i = spot_instrument(canonical, base, quote);
  i.kind = InstrumentKind::perpetual;
  i.tick_size = dec("0.1");
  i.lot_size = dec("0.001");
  i.min_size = dec("0.001");
  i.min_notional = Decimal::zero();
  i.max_leverage = 20;
  return i;
}

// One venue answer, awaited on the test thread (the venue answers on its clock's thread).
template <typename T>
class Answer {
 public:
  venues::Callback<T> callback() {
    return [slot = slot_](Result<T> r) {
      std::lock_guard lock(slot->mu);
      slot->value.emplace(std::move(r));
      slot->cv.notify_all();
    };
  }
  Result<T> get() {
    std::unique_lock lock(slot_->mu);
    if (!slot_->cv.wait_for(lock, testsupport::kWaitGuard,
                            [&] { return slot_->value.has_value(); }))
      return Error{ErrorCode::timeout, "the venue did not answer the test"};
    return *slot_->value;
  }

 private:
  struct Slot {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Result<T>> value;
  };
  std::shared_ptr<Slot> slot_ = std::make_shared<Slot>();
};

class RecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    btc_ = *registry_.add(spot_instrument("BTC-USDT", "BTC", "USDT"));
    eth_ = *registry_.add(perp_instrument("ETH-USDT-PERP", "ETH", "USDT"));
    std::string templ = (std::filesystem::temp_directory_path() / "nzeza-recovery-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    open_journal();
    venues::paper::PaperConfig pc;
    pc.taker_fee_bps = dec("5");
    venue_ = std::make_unique<venues::paper::PaperVenue>(clock_, registry_, pc);
    ASSERT_TRUE(venue_->deposit("USDT", dec("100000")).ok());
    quote(btc_, "50000", "50001");
    quote(eth_, "3000", "3000.1");
  }

  void TearDown() override {
    journal_.reset();
    venue_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // A restart: the journal file reopened by a new process.
  void open_journal() {
    journal_.reset();
    auto j = store::Journal::open(dir_ / "journal.db");
    ASSERT_TRUE(j.ok()) << j.error().message;
    journal_ = std::move(*j);
  }

  void quote(InstrumentId id, const char* bid, const char* ask) {
    MarketEvent e;
    e.venue = Venue::paper;
    e.symbol = registry_.get(id)->symbol;
    e.receive_time = clock_.now();
    e.body = Quote{dec(bid), dec("100"), dec(ask), dec("100")};
    venue_->on_market_event(e);
  }

  std::string client_id(std::uint64_t seq) const { return codec_.encode(Venue::paper, seq)->text; }

  // An intent written before its order left (a minute ago: its request has long expired).
  store::IntentRecord intent(std::uint64_t seq, const std::string& canonical, Side side,
                             domain::OrderType type, const char* qty, const std::string& purpose,
                             std::optional<Decimal> price = std::nullopt,
                             std::optional<Decimal> stop = std::nullopt) {
    store::IntentRecord i;
    i.sequence = seq;
    i.canonical = canonical;
    i.side = side;
    i.type = type;
    i.time_in_force =
        type == domain::OrderType::market ? domain::TimeInForce::ioc : domain::TimeInForce::gtc;
    i.reduce_only = purpose == "stop_loss" || purpose == "take_profit";
    i.quantity = dec(qty);
    i.price = price;
    i.stop_price = stop;
    i.purpose = purpose;
    i.at = clock_.now() - 60s;
    EXPECT_TRUE(journal_->write_intent(i).ok());
    return i;
  }

  // Sends the intent's order to the paper venue (the crash happens after it left).
  Result<venues::PlaceAck> send(const store::IntentRecord& i, InstrumentId instrument) {
    domain::OrderSpec s;
    s.client_order_id = *codec_.encode(Venue::paper, i.sequence);
    s.venue = Venue::paper;
    s.instrument = instrument;
    s.side = i.side;
    s.type = i.type;
    s.time_in_force = i.time_in_force;
    s.reduce_only = i.reduce_only;
    s.quantity = i.quantity;
    s.price = i.price;
    s.stop_price = i.stop_price;
    return place(s);
  }

  Result<venues::PlaceAck> place(const domain::OrderSpec& s) {
    Answer<venues::PlaceAck> a;
    venue_->place(s, a.callback());
    return a.get();
  }

  // An order someone else placed on the account (no client id of ours).
  Result<venues::PlaceAck> place_external(const std::string& id, InstrumentId instrument, Side side,
                                          domain::OrderType type, const char* qty,
                                          std::optional<Decimal> price = std::nullopt) {
    domain::OrderSpec s;
    s.client_order_id = ClientOrderId{Venue::paper, 0, id};
    s.venue = Venue::paper;
    s.instrument = instrument;
    s.side = side;
    s.type = type;
    s.time_in_force =
        type == domain::OrderType::market ? domain::TimeInForce::ioc : domain::TimeInForce::gtc;
    s.quantity = dec(qty);
    s.price = price;
    return place(s);
  }

  std::vector<venues::VenueOrder> open_at_venue() {
    Answer<std::vector<venues::VenueOrder>> a;
    venue_->open_orders(std::nullopt, a.callback());
    auto r = a.get();
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<venues::VenueOrder>{};
  }

  // Before the crash: intent 10, a market buy of 0.01 BTC, sent, filled at the venue, its fill
  // and its done event journaled.
  void journal_filled_btc_entry() {
    const auto entry =
        intent(10, "BTC-USDT", Side::buy, domain::OrderType::market, "0.01", "entry");
    auto ack = send(entry, btc_);
    ASSERT_TRUE(ack.ok()) << ack.error().message;
    const auto entry_fills = fills_at_venue();
    ASSERT_EQ(entry_fills.size(), 1u);
    journal_filled(10, entry_fills[0], clock_.now());
  }

  // Intent `sequence` filled by `fill` alone, as the journal writes it at `at`: the fill, then
  // the order's done event.
  void journal_filled(std::uint64_t sequence, const domain::Fill& fill, Timestamp at) {
    store::FillRecord fr;
    fr.fill = fill;
    fr.sequence = sequence;
    fr.recorded = at;
    journal_->record(fr);
    store::OrderEventRecord done;
    done.sequence = sequence;
    done.phase = store::OrderPhase::done;
    done.venue = Venue::paper;
    done.client_order_id = client_id(sequence);
    done.status = domain::VenueOrderStatus::filled;
    done.filled = fill.quantity;
    done.at = at;
    journal_->record(done);
  }

  // The exit levels armed for the BTC entry (entry 50000, stop-loss 45000, take-profit 55000)
  // journaled, then the journal flushed and opened again as after a crash.
  void journal_btc_exit_levels_and_reopen() {
    store::ExitLevelsRecord levels;
    levels.canonical = "BTC-USDT";
    levels.armed = true;
    levels.entry = dec("50000");
    levels.stop_loss = dec("45000");
    levels.take_profit = dec("55000");
    levels.at = clock_.now();
    journal_->record(levels);
    ASSERT_TRUE(journal_->flush().ok());
    open_journal();
  }

  std::vector<domain::Fill> fills_at_venue() {
    Answer<std::vector<domain::Fill>> a;
    venue_->fills_since(Timestamp{}, std::nullopt, a.callback());
    auto r = a.get();
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<domain::Fill>{};
  }

  Result<venues::VenueOrder> status_at_venue(const std::string& id) {
    Answer<venues::VenueOrder> a;
    venues::OrderRef ref;
    ref.client_order_id = id;
    venue_->order_status(ref, a.callback());
    return a.get();
  }

  RecoveryInputs inputs(std::vector<venues::VenueClient*> clients = {}) {
    RecoveryInputs in;
    in.journal = journal_.get();
    in.registry = &registry_;
    in.codec = &codec_;
    in.clients = clients.empty() ? std::vector<venues::VenueClient*>{venue_.get()} : clients;
    in.venues_for = [](std::string_view) { return std::vector<Venue>{Venue::paper}; };
    in.clock = &clock_;
    return in;
  }

  RecoveryOptions options() {
    RecoveryOptions o;
    o.deadline = 10s;  // a real bound that a healthy loopback venue never comes near
    o.not_found_grace = 1ms;
    o.not_found_confirmations = 2;
    return o;
  }

  Result<Recovered> recover_now(RecoveryOptions o) { return recover(inputs(), o); }

  std::optional<store::OrderRecord> journal_order(std::uint64_t seq) {
    auto all = journal_->orders_since(Timestamp{}, 1000);
    EXPECT_TRUE(all.ok());
    if (!all.ok()) return std::nullopt;
    for (const auto& o : *all)
      if (o.intent.sequence == seq) return o;
    return std::nullopt;
  }

  SystemClock clock_;
  InstrumentRegistry registry_;
  InstrumentId btc_;
  InstrumentId eth_;
  ClientIdCodec codec_ = *ClientIdCodec::create("rc");
  std::filesystem::path dir_;
  std::unique_ptr<store::Journal> journal_;
  std::unique_ptr<venues::paper::PaperVenue> venue_;
};

TEST_F(RecoveryTest, pending_intent_whose_order_rests_at_the_venue_is_adopted_as_working) {
  const auto i =
      intent(1, "BTC-USDT", Side::buy, domain::OrderType::limit, "0.01", "entry", dec("49000"));
  ASSERT_TRUE(send(i, btc_).ok());  // sent; the process died before the answer was journaled
  open_journal();

  auto r = recover_now(options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->working.size(), 1u) << r->report.to_text();
  const RecoveredOrder& w = r->working[0];
  EXPECT_EQ(w.order.intent.sequence, 1u);
  EXPECT_EQ(w.order.phase, store::OrderPhase::working);
  EXPECT_EQ(w.venue, Venue::paper);
  EXPECT_EQ(w.instrument, btc_);
  EXPECT_EQ(w.at_venue.client_order_id, client_id(1));
  EXPECT_EQ(r->report.count(FindingKind::adopted), 1u);
  EXPECT_TRUE(r->blocked.empty()) << r->report.to_text();
  EXPECT_TRUE(r->report.trading_allowed);
  EXPECT_EQ(r->last_sequence, 1u);
  // Journaled as working at paper; the venue still holds exactly that one order.
  auto o = journal_order(1);
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->phase, store::OrderPhase::working);
  EXPECT_EQ(o->venue, Venue::paper);
  const auto open = open_at_venue();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].client_order_id, client_id(1));
}

TEST_F(RecoveryTest, pending_intent_the_venue_never_got_is_never_executed_and_never_resent) {
  (void)intent(2, "BTC-USDT", Side::buy, domain::OrderType::market, "0.01", "entry");
  open_journal();  // crashed before the order left

  auto r = recover_now(options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->report.count(FindingKind::never_executed), 1u) << r->report.to_text();
  EXPECT_TRUE(r->working.empty());
  EXPECT_TRUE(r->blocked.empty());
  EXPECT_EQ(r->last_sequence, 2u);  // the counter resumes above it: its id is never reused
  auto o = journal_order(2);
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->phase, store::OrderPhase::never_executed);
  // Nothing was sent for it: the venue knows no order with its id, holds none, filled none.
  auto status = status_at_venue(client_id(2));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::not_found);
  EXPECT_TRUE(open_at_venue().empty());
  EXPECT_TRUE(fills_at_venue().empty());
  // A second start has nothing left to resolve.
  open_journal();
  auto again = recover_now(options());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->report.count(FindingKind::never_executed), 0u);
  EXPECT_TRUE(status_at_venue(client_id(2)).error().code == ErrorCode::not_found);
}

TEST_F(RecoveryTest, fill_the_journal_missed_is_applied_once_even_when_recovery_runs_twice) {
  const auto i = intent(3, "BTC-USDT", Side::buy, domain::OrderType::market, "0.01", "entry");
  auto ack = send(i, btc_);
  ASSERT_TRUE(ack.ok()) << ack.error().message;
  ASSERT_EQ(fills_at_venue().size(), 1u);
  open_journal();  // the fill never reached the journal

  auto r = recover_now(options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->fills.size(), 1u) << r->report.to_text();
  EXPECT_EQ(r->fills[0].client_order_id, client_id(3));
  EXPECT_EQ(r->fills[0].instrument, btc_);
  EXPECT_EQ(r->report.count(FindingKind::missed_fill), 1u);
  EXPECT_EQ(r->report.count(FindingKind::finished), 1u);  // filled: done, not working
  EXPECT_TRUE(r->working.empty());
  EXPECT_TRUE(r->blocked.empty()) << r->report.to_text();  // the venue holds what it bought
  auto journaled = journal_->fills_since(Timestamp{}, 100);
  ASSERT_TRUE(journaled.ok());
  ASSERT_EQ(journaled->size(), 1u);
  EXPECT_EQ((*journaled)[0].sequence, 3u);

  open_journal();
  auto again = recover_now(options());
  ASSERT_TRUE(again.ok()) << again.error().message;
  ASSERT_EQ(again->fills.size(), 1u) << again->report.to_text();
  EXPECT_EQ(again->report.count(FindingKind::missed_fill), 0u) << again->report.to_text();
  journaled = journal_->fills_since(Timestamp{}, 100);
  ASSERT_TRUE(journaled.ok());
  EXPECT_EQ(journaled->size(), 1u);

  // Seeded, the portfolio counts it once: its cash is the venue's.
  auto ps = PortfolioActor::make_state(dec("100000"), clock_.now());
  ASSERT_TRUE(seed_portfolio(*again, *ps, registry_, Decimal::one()).ok());
  EXPECT_EQ(ps->fills, 1u);
  EXPECT_EQ(ps->cash, venue_->balance_now("USDT")->total());
  EXPECT_EQ(ps->slots.at(btc_.value).position->quantity(), venue_->balance_now("BTC")->total());
}

TEST_F(RecoveryTest, external_order_is_left_alone_by_default) {
  ASSERT_TRUE(
      place_external("manual-7", btc_, Side::buy, domain::OrderType::limit, "0.01", dec("40000"))
          .ok());
  auto r = recover_now(options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  const RecoveryFinding* f = r->report.find(FindingKind::external_order);
  ASSERT_NE(f, nullptr) << r->report.to_text();
  EXPECT_EQ(f->key, "manual-7");
  EXPECT_FALSE(f->blocks);
  EXPECT_TRUE(r->working.empty());  // never adopted
  EXPECT_TRUE(r->blocked.empty());
  ASSERT_EQ(open_at_venue().size(), 1u);  // never cancelled
}

TEST_F(RecoveryTest, external_order_is_cancelled_when_the_policy_says_cancel) {
  ASSERT_TRUE(
      place_external("manual-8", btc_, Side::buy, domain::OrderType::limit, "0.01", dec("40000"))
          .ok());
  RecoveryOptions o = options();
  o.external_orders = ExternalOrderPolicy::cancel;
  auto r = recover_now(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const RecoveryFinding* f = r->report.find(FindingKind::external_cancelled);
  ASSERT_NE(f, nullptr) << r->report.to_text();
  EXPECT_EQ(f->key, "manual-8");
  EXPECT_NE(f->detail.find("cancelled"), std::string::npos);
  EXPECT_TRUE(open_at_venue().empty());
  auto status = status_at_venue("manual-8");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->report.status, domain::VenueOrderStatus::cancelled);
}

TEST_F(RecoveryTest, perpetual_position_the_journal_does_not_explain_blocks_the_symbol) {
  ASSERT_TRUE(place_external("manual-9", eth_, Side::buy, domain::OrderType::market, "1").ok());
  auto r = recover_now(options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->blocked.count("ETH-USDT-PERP"), 1u) << r->report.to_text();
  EXPECT_NE(r->blocked.at("ETH-USDT-PERP").find("does not explain"), std::string::npos);
  EXPECT_EQ(r->blocked.count("BTC-USDT"), 0u);
  const RecoveryFinding* f = r->report.find(FindingKind::position_mismatch);
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->blocks);
  EXPECT_EQ(f->canonical, "ETH-USDT-PERP");
  EXPECT_EQ(r->report.count(FindingKind::external_fill), 1u);  // reported, never applied
  EXPECT_TRUE(r->fills.empty());
  EXPECT_NE(r->report.to_text().find("BLOCKED ETH-USDT-PERP"), std::string::npos);
  EXPECT_NE(r->report.to_json().find("\"ETH-USDT-PERP\""), std::string::npos);
  // The journal keeps the verdict for `nzeza reconcile`.
  auto recs = journal_->reconciliations(1);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_FALSE((*recs)[0].trading_allowed);
  EXPECT_NE((*recs)[0].report_json.find("position_mismatch"), std::string::npos);
  // Seeded, the execution book takes no new entry on it.
  auto es = Execution::make_state(ExecutionConfig{}, clock_.now());
  ASSERT_TRUE(es.ok());
  (void)seed_execution(*r, **es, registry_, codec_, ExecutionConfig{});
  const SymbolId eth = registry_.get(eth_)->symbol;
  ASSERT_EQ((*es)->books.count(eth.value), 1u);
  EXPECT_FALSE((*es)->books.at(eth.value).blocked.empty());
}

TEST_F(RecoveryTest, venue_that_does_not_answer_fails_recovery_naming_it) {
  ManualClock frozen;  // nothing advances it: the venue never answers
  venues::paper::PaperVenue silent(frozen, registry_);
  RecoveryOptions o = options();
  o.deadline = 200ms;
  auto r = recover(inputs({&silent}), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::timeout);
  EXPECT_NE(r.error().message.find("paper"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("open orders"), std::string::npos) << r.error().message;
  auto recs = journal_->reconciliations(1);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_FALSE((*recs)[0].trading_allowed);
  EXPECT_NE((*recs)[0].report_json.find("no_answer"), std::string::npos);
}

TEST_F(RecoveryTest, spot_coins_nzeza_did_not_buy_are_reported_and_block_nothing) {
  ASSERT_TRUE(venue_->deposit("BTC", dec("0.5")).ok());
  auto r = recover_now(options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  const RecoveryFinding* f = r->report.find(FindingKind::extra_holdings);
  ASSERT_NE(f, nullptr) << r->report.to_text();
  EXPECT_EQ(f->severity, domain::Severity::info);
  EXPECT_FALSE(f->blocks);
  EXPECT_TRUE(r->blocked.empty());
  EXPECT_TRUE(r->fills.empty());  // never adopted as a position
}

TEST_F(RecoveryTest, spot_holdings_below_what_the_journal_bought_block_the_symbol) {
  (void)intent(4, "BTC-USDT", Side::buy, domain::OrderType::market, "0.01", "entry");
  domain::Fill fill;
  fill.venue = Venue::paper;
  fill.venue_symbol = "BTC-USDT";
  fill.trade_id = "T-gone";
  fill.client_order_id = client_id(4);
  fill.side = Side::buy;
  fill.price = dec("50000");
  fill.quantity = dec("0.01");
  fill.time = clock_.now() - 50s;
  journal_filled(4, fill, fill.time);
  ASSERT_TRUE(journal_->flush().ok());
  open_journal();  // the venue holds no BTC: someone withdrew or sold it

  auto r = recover_now(options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->blocked.count("BTC-USDT"), 1u) << r->report.to_text();
  EXPECT_EQ(r->report.count(FindingKind::missing_holdings), 1u);
}

TEST_F(RecoveryTest, order_at_a_venue_not_in_use_is_unresolved_and_blocks_its_symbol) {
  (void)intent(5, "BTC-USDT", Side::buy, domain::OrderType::market, "0.01", "entry");
  store::OrderEventRecord e;
  e.sequence = 5;
  e.phase = store::OrderPhase::unknown;
  e.venue = Venue::kraken;
  e.client_order_id = "nzrc5";
  e.at = clock_.now() - 59s;
  journal_->record(e);
  ASSERT_TRUE(journal_->flush().ok());
  open_journal();

  auto r = recover_now(options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->blocked.count("BTC-USDT"), 1u) << r->report.to_text();
  EXPECT_EQ(r->report.count(FindingKind::unresolved), 1u);
  ASSERT_EQ(r->working.size(), 1u);  // it may be live: execution keeps the symbol waiting
  EXPECT_EQ(r->working[0].order.phase, store::OrderPhase::unresolved);
  auto o = journal_order(5);
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->phase, store::OrderPhase::unresolved);
  // Seeded, execution holds the symbol on the unknown entry and refuses new ones.
  auto es = Execution::make_state(ExecutionConfig{}, clock_.now());
  ASSERT_TRUE(es.ok());
  ASSERT_TRUE(seed_execution(*r, **es, registry_, codec_, ExecutionConfig{}).ok());
  const ExecutionBook& b = (*es)->books.at(registry_.get(btc_)->symbol.value);
  EXPECT_EQ(b.working, 5u);
  EXPECT_TRUE(b.working_unknown);
  EXPECT_FALSE(b.working_is_close);
  EXPECT_FALSE(b.blocked.empty());
  EXPECT_EQ((*es)->orders.at(5), b.symbol.value);
}

TEST_F(RecoveryTest, fourteen_working_orders_are_all_adopted_none_dropped_none_resent) {
  for (std::uint64_t seq = 1; seq <= 14; ++seq) {
    const std::string price = std::to_string(40000 + seq);
    const auto i = intent(seq, "BTC-USDT", Side::buy, domain::OrderType::limit, "0.001", "entry",
                          dec(price.c_str()));
    ASSERT_TRUE(send(i, btc_).ok());
    if (seq % 2 == 0) {  // half of them were acknowledged before the crash
      store::OrderEventRecord e;
      e.sequence = seq;
      e.phase = store::OrderPhase::working;
      e.venue = Venue::paper;
      e.client_order_id = client_id(seq);
      e.at = clock_.now();
      journal_->record(e);
    }
  }
  ASSERT_TRUE(journal_->flush().ok());
  open_journal();  // kill -9

  auto r = recover_now(options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->working.size(), 14u) << r->report.to_text();
  EXPECT_EQ(r->report.count(FindingKind::adopted), 14u);
  EXPECT_EQ(r->report.count(FindingKind::unjournaled_order), 0u);
  EXPECT_TRUE(r->blocked.empty());
  std::set<std::uint64_t> adopted;
  for (const auto& w : r->working) adopted.insert(w.order.intent.sequence);
  EXPECT_EQ(adopted.size(), 14u);
  EXPECT_EQ(open_at_venue().size(), 14u);  // nothing cancelled, nothing sent twice
  EXPECT_TRUE(fills_at_venue().empty());
  // A second start adopts the same 14 again, and still sends nothing.
  open_journal();
  auto again = recover_now(options());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->working.size(), 14u);
  EXPECT_EQ(open_at_venue().size(), 14u);
}

TEST_F(RecoveryTest, seeded_execution_keeps_the_resting_stop_and_its_fill_flattens_the_book) {
  // Before the crash: an entry filled and journaled, its stop-loss resting at the venue.
  ASSERT_NO_FATAL_FAILURE(journal_filled_btc_entry());
  const Decimal held = venue_->balance_now("BTC")->total();
  const auto stop = intent(11, "BTC-USDT", Side::sell, domain::OrderType::stop, "0.01", "stop_loss",
                           std::nullopt, dec("45000"));
  auto stop_ack = send(stop, btc_);
  ASSERT_TRUE(stop_ack.ok()) << stop_ack.error().message;
  ASSERT_NO_FATAL_FAILURE(journal_btc_exit_levels_and_reopen());

  auto r = recover_now(options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->working.size(), 1u) << r->report.to_text();
  EXPECT_TRUE(r->blocked.empty()) << r->report.to_text();

  ExecutionConfig config;
  config.stop_loss = dec("0.1");
  config.take_profit = dec("0.1");
  auto made = Execution::make_state(config, clock_.now());
  ASSERT_TRUE(made.ok());
  ExecutionState& s = **made;
  ASSERT_TRUE(seed_execution(*r, s, registry_, codec_, config).ok());
  const SymbolId btc = registry_.get(btc_)->symbol;
  ASSERT_EQ(s.books.count(btc.value), 1u);
  {
    const ExecutionBook& b = s.books.at(btc.value);
    ASSERT_TRUE(b.position.has_value());
    EXPECT_EQ(b.position->quantity(), held);
    EXPECT_EQ(b.venue, Venue::paper);
    EXPECT_EQ(b.instrument, btc_);
    ASSERT_EQ(b.exits.size(), 1u);
    EXPECT_EQ(b.exits[0].sequence, 11u);
    EXPECT_EQ(b.exits[0].reason, domain::ExitReason::stop_loss);
    EXPECT_EQ(b.exits[0].level, dec("45000"));
    EXPECT_TRUE(b.exits[0].acknowledged);
    EXPECT_TRUE(b.exits_armed);
    ASSERT_TRUE(b.monitor.has_value());  // the take-profit is watched locally
    EXPECT_EQ(b.monitor->rules().take_profit, dec("55000"));
    EXPECT_FALSE(b.monitor->rules().stop_loss.has_value());  // the stop rests natively
    EXPECT_EQ(b.working, 0u);
    EXPECT_EQ(s.orders.at(11), btc.value);
  }

  // The actor, spawned on the seeded state as the server will; the venue's private stream feeds
  // it, as in the server.
  test::SpawnedExecution x(clock_, registry_, codec_, *venue_, "BTC-USDT", r->last_sequence);
  ASSERT_TRUE(x.spawn(config, s).ok());
  venue_->start(x.stream_handlers());

  // The market falls through the stop: the venue fills it, and the book goes flat.
  quote(btc_, "44000", "44001");
  ASSERT_TRUE(x.poll_until([&] {
    const ExecutionBook& b = s.books.at(btc.value);
    return b.position && b.position->quantity().is_zero() && b.exits.empty() && !b.closing();
  })) << "position "
      << s.books.at(btc.value).position->quantity().to_string() << ", exits "
      << s.books.at(btc.value).exits.size();
  EXPECT_EQ(venue_->balance_now("BTC")->total(), Decimal::zero());
  EXPECT_FALSE(s.books.at(btc.value).monitor.has_value());
  EXPECT_EQ(x.counter.last(), r->last_sequence);  // nothing new was sent
  venue_->stop();
  x.stop();
  // The paper venue goes first: a delayed completion (its cancel of the stop, on the clock's
  // thread) may still be telling the actor through `self`; its destructor waits for it and
  // stops the rest. (The actor holds `self` weakly: no cycle, `self` is never emptied.)
  venue_.reset();
}

// A venue that, like Binance (-2011 "Unknown order sent"), answers a cancel of an order that is
// no longer open with "not found". Everything else goes to the paper venue unchanged.
class GoneIsUnknownVenue final : public venues::ForwardingClient {
 public:
  explicit GoneIsUnknownVenue(venues::VenueClient& inner) : ForwardingClient(inner) {}
  void cancel(const venues::OrderRef& o, venues::Callback<venues::CancelAck> d) override {
    ForwardingClient::cancel(o, [d](Result<venues::CancelAck> r) {
      if (!r && r.error().code == ErrorCode::rejected)
        return d(Error{ErrorCode::not_found, "cancel: unknown order sent"});
      d(std::move(r));
    });
  }
};

// The sequence the kill -9 loop found: a stop-loss rests at the venue, adopted after a restart;
// the market falls through it before the new process's private stream listens, so no stream
// event tells of its fill. Then the take-profit's close cancels the stop: "unknown order". Its
// fill is fetched and applied before the exit is let go: the book is flat, no close is sent (it
// would sell coins the venue no longer holds), and the stop's fill is counted once.
TEST_F(RecoveryTest,
       stop_that_filled_before_the_stream_listened_is_applied_when_its_cancel_finds_it_gone) {
  ASSERT_NO_FATAL_FAILURE(journal_filled_btc_entry());
  const auto stop = intent(11, "BTC-USDT", Side::sell, domain::OrderType::stop, "0.01", "stop_loss",
                           std::nullopt, dec("45000"));
  ASSERT_TRUE(send(stop, btc_).ok());
  ASSERT_NO_FATAL_FAILURE(journal_btc_exit_levels_and_reopen());

  auto r = recover_now(options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->working.size(), 1u) << r->report.to_text();
  ExecutionConfig config;
  config.stop_loss = dec("0.1");
  config.take_profit = dec("0.1");
  auto made = Execution::make_state(config, clock_.now());
  ASSERT_TRUE(made.ok());
  ExecutionState& s = **made;
  ASSERT_TRUE(seed_execution(*r, s, registry_, codec_, config).ok());
  const SymbolId btc = registry_.get(btc_)->symbol;
  ASSERT_EQ(s.books.at(btc.value).exits.size(), 1u);

  GoneIsUnknownVenue venue(*venue_);
  test::SpawnedExecution x(clock_, registry_, codec_, venue, "BTC-USDT", r->last_sequence);
  ASSERT_TRUE(x.spawn(config, s).ok());

  // The stream is not listening yet: the venue's events of the stop are lost.
  std::atomic<bool> listening{false};
  venues::PrivateStreamHandlers handlers;
  handlers.on_order = [self = x.self, &listening](const venues::VenueOrder& o) {
    if (listening) (void)self->tell(VenueOrderMsg{o});
  };
  handlers.on_fill = [self = x.self, &listening](const domain::Fill& f) {
    if (listening) (void)self->tell(VenueFillMsg{f});
  };
  venue_->start(handlers);
  quote(btc_, "44000", "44001");
  ASSERT_TRUE(wait_until([&] { return venue_->balance_now("BTC")->total().is_zero(); }));
  ASSERT_EQ(fills_at_venue().size(), 2u);
  listening = true;
  x.system.dispatcher().poll();
  ASSERT_FALSE(s.books.at(btc.value).position->quantity().is_zero());  // nzeza does not know

  // The price reaches the take-profit (watched locally): close, which cancels the resting stop.
  ReferenceMark mark;
  mark.symbol = btc;
  mark.price = dec("56000");
  mark.at = clock_.now();
  mark.fresh = true;
  mark.venues = 1;
  (void)x.self->tell(ReferenceMark{mark});
  ASSERT_TRUE(x.poll_until([&] {
    const ExecutionBook& b = s.books.at(btc.value);
    return b.position && b.position->quantity().is_zero() && b.exits.empty() && !b.closing();
  })) << "position "
      << s.books.at(btc.value).position->quantity().to_string() << ", exits "
      << s.books.at(btc.value).exits.size();
  EXPECT_EQ(x.counter.last(), r->last_sequence);  // no close was sent
  EXPECT_EQ(fills_at_venue().size(), 2u);
  EXPECT_EQ(s.ledger.size(), 2u);  // the entry's and the stop's fill, each once
  venue_->stop();
  x.stop();
  venue_.reset();
}

// The venue while its order records lag behind its matching engine: the order `hidden` is
// neither open, nor filled, nor known to a status query (which fails: the venue cannot say)
// until reveal(). Everything else goes to the paper venue unchanged.
class LaggingVenue final : public venues::ForwardingClient {
 public:
  LaggingVenue(venues::VenueClient& inner, std::string hidden)
      : ForwardingClient(inner), hidden_(std::move(hidden)) {}
  void reveal() { revealed_ = true; }
  [[nodiscard]] int failed_queries() const { return failed_.load(); }

  void order_status(const venues::OrderRef& o, venues::Callback<venues::VenueOrder> d) override {
    if (revealed_ || o.client_order_id != hidden_)
      return ForwardingClient::order_status(o, std::move(d));
    ++failed_;
    d(Error{ErrorCode::network, "paper order status: connection reset before the answer"}
          .with_delivery(Delivery::sent_no_answer));
  }
  void open_orders(std::optional<InstrumentId> i,
                   venues::Callback<std::vector<venues::VenueOrder>> d) override {
    ForwardingClient::open_orders(i, [this, d](Result<std::vector<venues::VenueOrder>> r) {
      if (r && !revealed_)
        std::erase_if(*r,
                      [&](const venues::VenueOrder& o) { return o.client_order_id == hidden_; });
      d(std::move(r));
    });
  }
  void fills_since(Timestamp t, std::optional<InstrumentId> i,
                   venues::Callback<std::vector<domain::Fill>> d) override {
    ForwardingClient::fills_since(t, i, [this, d](Result<std::vector<domain::Fill>> r) {
      if (r && !revealed_)
        std::erase_if(*r, [&](const domain::Fill& f) { return f.client_order_id == hidden_; });
      d(std::move(r));
    });
  }

 private:
  std::string hidden_;
  std::atomic<bool> revealed_{false};
  std::atomic<int> failed_{0};
};

TEST_F(RecoveryTest,
       order_left_unresolved_at_start_is_resolved_later_by_the_tracker_and_its_fill_counted_once) {
  // Before the crash: an entry sent and filled at the venue; its answer never reached the journal.
  const auto entry = intent(20, "BTC-USDT", Side::buy, domain::OrderType::market, "0.01", "entry");
  ASSERT_TRUE(send(entry, btc_).ok());
  const auto venue_fills = fills_at_venue();
  ASSERT_EQ(venue_fills.size(), 1u);
  open_journal();

  // The start: the venue cannot say what became of it.
  LaggingVenue lagging(*venue_, client_id(20));
  auto r = recover(inputs({&lagging}), options());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->report.count(FindingKind::unresolved), 1u) << r->report.to_text();
  EXPECT_EQ(r->blocked.count("BTC-USDT"), 1u);
  ASSERT_EQ(r->working.size(), 1u);
  EXPECT_EQ(r->working[0].order.phase, store::OrderPhase::unresolved);
  EXPECT_EQ(journal_order(20)->phase, store::OrderPhase::unresolved);

  // The actors on the seeded state, with the router, the tracker and the venue as the server
  // wires them (the venue's private stream to execution, execution's fills to the portfolio).
  ExecutionConfig config;
  auto made = Execution::make_state(config, clock_.now());
  ASSERT_TRUE(made.ok());
  ExecutionState& s = **made;
  ASSERT_TRUE(seed_execution(*r, s, registry_, codec_, config).ok());
  auto portfolio_state = PortfolioActor::make_state(dec("100000"), clock_.now());
  ASSERT_TRUE(seed_portfolio(*r, *portfolio_state, registry_, Decimal::one()).ok());
  // Queries every 5 ms of real time until the venue answers (it answers on the clock's thread).
  test::SpawnedExecution x(clock_, registry_, codec_, lagging, "BTC-USDT", r->last_sequence,
                           venues::ResolverConfig{0s, 5ms, 1, 5ms, 1000});
  x.send_through_tracker();
  auto portfolio_self = std::make_shared<PortfolioActor::Self>();
  PortfolioActor::Deps pdeps;
  pdeps.registry = &registry_;
  pdeps.state = portfolio_state.get();
  pdeps.self = portfolio_self;
  // The actors tell each other through the holders, not owning them (no cycle between cells).
  pdeps.to_execution = [to = x.self.get()](const AccountUpdate& a) {
    (void)to->tell(AccountUpdate(a));
  };
  pdeps.clients = {&lagging};
  auto pref = x.system.spawn<PortfolioActor>(actor::SpawnOptions::named("portfolio"), [pdeps] {
    return std::make_unique<PortfolioActor>(pdeps);
  });
  ASSERT_TRUE(pref.ok()) << pref.error().message;
  *portfolio_self = *pref;
  x.deps.journal = journal_.get();
  x.deps.to_portfolio = [to = portfolio_self.get()](const VenueFillMsg& f) {
    (void)to->tell(VenueFillMsg(f));
  };
  ASSERT_TRUE(x.spawn(config, s).ok());
  venue_->start(x.stream_handlers());
  UnresolvedOrders unresolved;
  auto handed = x.hand_over(unresolved, *r);
  ASSERT_TRUE(handed.ok()) << handed.error().message;
  EXPECT_EQ(*handed, 1u);
  EXPECT_TRUE(x.tracker.resolving(client_id(20)));

  auto portfolio = [&] {
    std::optional<Result<PortfolioStatus>> got;
    pref->ask(PortfolioStatusQuery{}, actor::kNoTimeout,
              [&got](Result<PortfolioStatus> p) { got.emplace(std::move(p)); });
    EXPECT_TRUE(x.poll_until([&] { return got.has_value(); }));
    return got && got->ok() ? **got : PortfolioStatus{};
  };
  // The tracker keeps asking while the venue cannot say: nothing reaches the portfolio yet.
  ASSERT_TRUE(x.poll_until([&] {
    return lagging.failed_queries() >= 3;  // the start's query, then two of the tracker's
  }));
  EXPECT_EQ(portfolio().fills, 0u);
  EXPECT_EQ(journal_order(20)->phase, store::OrderPhase::unresolved);

  // The venue reports it on a later poll: found (filled), its fill applied, the journal resolved.
  lagging.reveal();
  ASSERT_TRUE(x.poll_until([&] {
    return journal_order(20)->phase == store::OrderPhase::done && portfolio().fills == 1;
  })) << "journal phase "
      << static_cast<int>(journal_order(20)->phase);
  const PortfolioStatus p = portfolio();
  ASSERT_EQ(p.positions.size(), 1u);
  EXPECT_EQ(p.positions[0].quantity, venue_fills[0].quantity);
  EXPECT_EQ(p.positions[0].average_entry, venue_fills[0].price);
  EXPECT_EQ(journal_order(20)->filled, dec("0.01"));
  auto journaled = journal_->fills_since(Timestamp{}, 100);
  ASSERT_TRUE(journaled.ok());
  ASSERT_EQ(journaled->size(), 1u);
  EXPECT_EQ((*journaled)[0].fill.trade_id, venue_fills[0].trade_id);
  EXPECT_EQ((*journaled)[0].sequence, 20u);
  EXPECT_EQ(unresolved.pending(), 0u);
  // Never sent again by this process; the same fill arriving once more changes nothing.
  EXPECT_EQ(x.tracker.sends(client_id(20)), 1u);
  EXPECT_EQ(fills_at_venue().size(), 1u);
  (void)x.self->tell(VenueFillMsg{venue_fills[0]});
  x.system.dispatcher().poll();
  EXPECT_EQ(portfolio().fills, 1u);
  EXPECT_EQ(portfolio().positions[0].quantity, venue_fills[0].quantity);

  venue_->stop();
  x.stop();
  venue_.reset();
}

}  // namespace
}  // namespace nzeza::app

// `nzeza reconcile` end to end: the real binary on the shipped config/paper.toml against a journal
// left by a real `nzeza run`, or crafted with store::Journal the way a crash or a foreign journal
// leaves one. Paper mode: the paper account is rebuilt from the journal's fills, and the journal
// is reconciled against it as a live venue's would be.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "store/journal.hpp"
#include "store/store_actor.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace nzeza {
namespace {

namespace json = boost::json;
using testsupport::run_program;
using testsupport::Subprocess;

constexpr auto kTimeout = std::chrono::seconds(120);

Decimal dec(const char* text) {
  auto v = Decimal::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Decimal{};
}

class ReconcileCli : public ::testing::Test {
 protected:
  testsupport::RunResult reconcile(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{NZEZA_BINARY,       "reconcile",  "--config",
                                  NZEZA_PAPER_CONFIG, "--data-dir", dir_.str()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_program(args, {}, kTimeout);
  }

  std::unique_ptr<store::Journal> journal() {
    auto j = store::Journal::open(store::journal_path(dir_.str()));
    EXPECT_TRUE(j.ok()) << j.error().message;
    return j.ok() ? std::move(*j) : nullptr;
  }

  // What a live run on Binance leaves and a paper run on the same data_dir cannot resolve: an
  // entry on BTC-USD accepted by a venue that is not in use here.
  void journal_an_order_at_a_venue_not_in_use() {
    auto j = journal();
    ASSERT_NE(j, nullptr);
    store::IntentRecord i;
    i.sequence = 7;
    i.canonical = "BTC-USD";
    i.side = Side::buy;
    i.type = domain::OrderType::limit;
    i.quantity = dec("0.01");
    i.price = dec("60000");
    i.purpose = "entry";
    i.at = SystemClock().now();
    ASSERT_TRUE(j->write_intent(i).ok());
    store::OrderEventRecord e;
    e.sequence = 7;
    e.phase = store::OrderPhase::working;
    e.venue = Venue::binance;
    e.client_order_id = "nz-binance-7";
    e.venue_order_id = "4242";
    e.venue_symbol = "BTCUSD";
    e.at = i.at;
    j->record(e);
    ASSERT_TRUE(j->flush().ok());
  }

  testsupport::TempDir dir_{"nzeza-reconcile-cli"};
};

TEST_F(ReconcileCli, journal_of_a_finished_paper_run_reconciles_clean_with_exit_0) {
  const auto run = run_program({NZEZA_BINARY, "run", "--config", NZEZA_PAPER_CONFIG, "--data-dir",
                                dir_.str(), "--fast", "--duration", "900", "--json"},
                               {}, kTimeout);
  ASSERT_FALSE(run.timed_out) << run.err;
  ASSERT_EQ(run.status, 0) << run.err;
  {
    auto j = journal();
    ASSERT_NE(j, nullptr);
    auto fills = j->fills_since(Timestamp{}, 100000);
    ASSERT_TRUE(fills.ok());
    ASSERT_FALSE(fills->empty()) << "the run traded, so the paper account is rebuilt from fills";
  }

  const auto r = reconcile();
  ASSERT_FALSE(r.timed_out) << r.err;
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("every venue reconciled"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  paper: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no symbol blocked"), std::string::npos) << r.out;
  // The verdict is journaled for the operator (and the API) too.
  auto j = journal();
  ASSERT_NE(j, nullptr);
  auto recs = j->reconciliations(1);
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->size(), 1u);
  EXPECT_TRUE((*recs)[0].trading_allowed);
}

TEST_F(ReconcileCli, order_no_venue_in_use_can_resolve_exits_1_and_names_the_blocked_symbol) {
  journal_an_order_at_a_venue_not_in_use();
  const auto r = reconcile();
  ASSERT_FALSE(r.timed_out) << r.err;
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("BLOCKED BTC-USD"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unresolved (blocks)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("binance is not among the venues in use"), std::string::npos) << r.out;
  // Nothing decided it: a second run finds it blocked again.
  EXPECT_EQ(reconcile().status, 1);
}

TEST_F(ReconcileCli, json_report_parses_and_lists_the_blocked_symbol_and_its_finding) {
  journal_an_order_at_a_venue_not_in_use();
  const auto r = reconcile({"--json"});
  ASSERT_FALSE(r.timed_out) << r.err;
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  boost::system::error_code ec;
  const json::value v = json::parse(r.out, ec);
  ASSERT_FALSE(ec) << r.out;
  ASSERT_TRUE(v.is_object()) << r.out;
  const json::object& o = v.as_object();
  EXPECT_TRUE(o.at("trading_allowed").as_bool());  // every venue answered
  ASSERT_TRUE(o.at("blocked").as_object().contains("BTC-USD")) << r.out;
  const json::array& venues = o.at("venues").as_array();
  ASSERT_EQ(venues.size(), 1u);
  EXPECT_EQ(venues[0].as_object().at("venue").as_string(), "paper");
  EXPECT_FALSE(venues[0].as_object().at("trading_allowed").as_bool());
  bool unresolved = false;
  for (const auto& f : venues[0].as_object().at("findings").as_array())
    unresolved = unresolved || (f.as_object().at("kind").as_string() == "unresolved" &&
                                f.as_object().at("symbol").as_string() == "BTC-USD");
  EXPECT_TRUE(unresolved) << r.out;
}

TEST_F(ReconcileCli, accept_journals_the_decision_and_the_next_reconcile_exits_0) {
  journal_an_order_at_a_venue_not_in_use();
  const auto accepted = reconcile({"--accept", "BTC-USD"});
  ASSERT_FALSE(accepted.timed_out) << accepted.err;
  EXPECT_EQ(accepted.status, 0) << accepted.out << accepted.err;
  EXPECT_NE(accepted.out.find("accepted BTC-USD"), std::string::npos) << accepted.out;
  EXPECT_NE(accepted.out.find("#7"), std::string::npos) << accepted.out;
  EXPECT_NE(accepted.out.find("no symbol blocked"), std::string::npos) << accepted.out;

  const auto again = reconcile();
  EXPECT_EQ(again.status, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("no symbol blocked"), std::string::npos) << again.out;

  // The decision is in the audit log, and the order is closed in the journal.
  auto j = journal();
  ASSERT_NE(j, nullptr);
  auto audit = j->audit_since(Timestamp{}, 10000);
  ASSERT_TRUE(audit.ok());
  std::size_t decisions = 0;
  for (const auto& a : *audit)
    if (a.kind == "operator") {
      ++decisions;
      EXPECT_NE(a.text.find("BTC-USD"), std::string::npos) << a.text;
    }
  EXPECT_EQ(decisions, 1u);
  auto orders = j->orders_since(Timestamp{}, 100);
  ASSERT_TRUE(orders.ok());
  ASSERT_EQ(orders->size(), 1u);
  EXPECT_EQ((*orders)[0].phase, store::OrderPhase::done);
}

TEST_F(ReconcileCli, accept_of_a_symbol_that_is_not_blocked_decides_nothing) {
  journal_an_order_at_a_venue_not_in_use();
  const auto r = reconcile({"--accept", "ETH-USD"});
  EXPECT_EQ(r.status, 1) << r.out << r.err;  // BTC-USD is still blocked
  EXPECT_NE(r.err.find("not blocked"), std::string::npos) << r.err;
  auto j = journal();
  ASSERT_NE(j, nullptr);
  auto audit = j->audit_since(Timestamp{}, 10000);
  ASSERT_TRUE(audit.ok());
  for (const auto& a : *audit) EXPECT_NE(a.kind, "operator") << a.text;
}

TEST_F(ReconcileCli, journal_whose_paper_fills_leave_less_than_nothing_exits_2_with_the_reason) {
  {
    auto j = journal();
    ASSERT_NE(j, nullptr);
    store::FillRecord f;
    f.fill.venue = Venue::paper;
    f.fill.venue_symbol = "BTC-USD";
    f.fill.trade_id = "paper-1";
    f.fill.side = Side::sell;  // a sale of coins the account never bought
    f.fill.price = dec("60000");
    f.fill.quantity = dec("1");
    f.fill.time = SystemClock().now();
    f.recorded = f.fill.time;
    j->record(f);
    ASSERT_TRUE(j->flush().ok());
  }
  const auto r = reconcile();
  ASSERT_FALSE(r.timed_out) << r.err;
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("less than nothing"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("BTC"), std::string::npos) << r.err;
}

TEST_F(ReconcileCli, unreadable_configuration_exits_2_and_reconciles_nothing) {
  const auto r = run_program({NZEZA_BINARY, "reconcile", "--config", dir_.str() + "/missing.toml",
                              "--data-dir", dir_.str()},
                             {}, kTimeout);
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("nothing reconciled"), std::string::npos) << r.err;
}

#ifdef NZEZA_SIM_BINANCE
// Live mode against the Binance simulator as a process: the journal says nzeza bought 0.01 BTC,
// the account holds none (sold by hand) — the symbol is blocked until the operator adopts the
// venue's holdings with --accept.
class ReconcileLiveCli : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<Subprocess>(
        std::vector<std::string>{NZEZA_SIM_BINANCE, "--api-key", "rc-key", "--api-secret",
                                 "rc-secret", "--balance", "BTC=0"});
    auto line = sim_->read_line();
    ASSERT_TRUE(line.has_value()) << sim_->all_stderr();
    std::istringstream in(*line);
    std::string word;
    in >> word >> url_;
    ASSERT_EQ(word, "listening") << *line;
    config_ = dir_.str() + "/live.toml";
    std::ofstream(config_) << "mode = \"live\"\ndata_dir = \"" << dir_.str()
                           << "\"\n[market_data]\nsource = \"live\"\n[venues.binance]\n"
                              "symbols = [\"BTCUSDT\"]\nrest_url = \""
                           << url_
                           << "\"\nws_url = \"ws://127.0.0.1:9/stream\"\n"
                              "credentials = \"env:RCE2E_BINANCE\"\n";
  }
  void TearDown() override {
    if (sim_) {
      sim_->close_stdin();
      (void)sim_->wait();
    }
  }

  testsupport::RunResult reconcile(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{NZEZA_BINARY, "reconcile", "--config", config_};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_program(args, {"RCE2E_BINANCE_API_KEY=rc-key", "RCE2E_BINANCE_API_SECRET=rc-secret"},
                       kTimeout);
  }

  std::unique_ptr<store::Journal> journal() {
    auto j = store::Journal::open(store::journal_path(dir_.str()));
    EXPECT_TRUE(j.ok()) << j.error().message;
    return j.ok() ? std::move(*j) : nullptr;
  }

  testsupport::TempDir dir_{"nzeza-reconcile-live"};
  std::unique_ptr<Subprocess> sim_;
  std::string url_;
  std::string config_;
};

TEST_F(ReconcileLiveCli, accepted_spot_shortfall_at_binance_is_journaled_and_unblocks_the_symbol) {
  {
    auto j = journal();
    ASSERT_NE(j, nullptr);
    const Timestamp at = SystemClock().now() - std::chrono::minutes(10);
    store::IntentRecord i;
    i.sequence = 1;
    i.canonical = "BTC-USDT";
    i.side = Side::buy;
    i.quantity = dec("0.01");
    i.purpose = "entry";
    i.at = at;
    ASSERT_TRUE(j->write_intent(i).ok());
    store::FillRecord f;
    f.fill.venue = Venue::binance;
    f.fill.venue_symbol = "BTCUSDT";
    f.fill.trade_id = "9001";
    f.fill.side = Side::buy;
    f.fill.price = dec("50000");
    f.fill.quantity = dec("0.01");
    f.fill.time = at;
    f.sequence = 1;
    f.recorded = at;
    j->record(f);
    store::OrderEventRecord done;
    done.sequence = 1;
    done.phase = store::OrderPhase::done;
    done.venue = Venue::binance;
    done.status = domain::VenueOrderStatus::filled;
    done.filled = dec("0.01");
    done.at = at;
    j->record(done);
    ASSERT_TRUE(j->flush().ok());
  }
  const auto blocked = reconcile();
  ASSERT_FALSE(blocked.timed_out) << blocked.err;
  EXPECT_EQ(blocked.status, 1) << blocked.out << blocked.err;
  EXPECT_NE(blocked.out.find("BLOCKED BTC-USDT"), std::string::npos) << blocked.out;
  EXPECT_NE(blocked.out.find("missing_holdings"), std::string::npos) << blocked.out;

  const auto accepted = reconcile({"--accept", "BTC-USDT"});
  ASSERT_FALSE(accepted.timed_out) << accepted.err;
  EXPECT_EQ(accepted.status, 0) << accepted.out << accepted.err;
  EXPECT_NE(accepted.out.find("adjust-"), std::string::npos) << accepted.out;

  const auto again = reconcile();
  EXPECT_EQ(again.status, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("no symbol blocked"), std::string::npos) << again.out;

  auto j = journal();
  ASSERT_NE(j, nullptr);
  auto fills = j->fills_since(Timestamp{}, 100);
  ASSERT_TRUE(fills.ok());
  std::size_t adjustments = 0;
  for (const auto& f : *fills) {
    if (f.fill.trade_id.rfind("adjust-", 0) != 0) continue;
    ++adjustments;
    EXPECT_EQ(f.fill.venue, Venue::binance);
    EXPECT_EQ(f.fill.venue_symbol, "BTCUSDT");
    EXPECT_EQ(f.fill.side, Side::sell);
    EXPECT_EQ(f.fill.quantity, dec("0.01"));
    EXPECT_EQ(f.fill.price, dec("50000"));
  }
  EXPECT_EQ(adjustments, 1u);
}
#endif

}  // namespace
}  // namespace nzeza

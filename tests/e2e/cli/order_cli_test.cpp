// `nzeza order` end to end: the real binary against each venue's simulator process — balances,
// place, status, open orders, cancel — with the simulator verifying every signature on its own.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "support/subprocess.hpp"
#include "venues/dydx/wallet.hpp"

namespace nzeza {
namespace {

using testsupport::run_program;
using testsupport::RunResult;
using testsupport::Subprocess;

// The BIP-39 specification's first English test mnemonic (valid checksum).
constexpr const char* kMnemonic =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
    "about";
constexpr const char* kKrakenSecret = "bnplemEta3Jha2VuLXNpbS1zZWNyZXQtMDAwMDAwMDAwMDAwMDAwMA==";
// A well-known development key (Ganache's first account) and its address.
constexpr const char* kHyperliquidAddress = "0x90F8bf6A479f320ead074411a4B0e7944Ea8c9C1";
constexpr const char* kHyperliquidKey =
    "0x4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d";

struct VenueCase {
  std::string name;
  std::string sim;  // simulator binary
  std::vector<std::string> sim_args;
  std::vector<std::string> env;  // for both processes
  std::string symbol;
  std::string price;
  std::string quantity;
  std::string currency;  // a currency the simulator funds
};

std::vector<boost::json::object> json_lines(const std::string& out) {
  std::vector<boost::json::object> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) {
      ADD_FAILURE() << "not a JSON line: " << line;
      continue;
    }
    lines.push_back(v.as_object());
  }
  return lines;
}

std::string str(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

class OrderCli : public ::testing::Test {
 protected:
  // Starts the simulator; its first line is "listening <url>".
  void start(const VenueCase& v) {
    std::vector<std::string> argv = {v.sim};
    argv.insert(argv.end(), v.sim_args.begin(), v.sim_args.end());
    sim_ = std::make_unique<Subprocess>(argv, v.env);
    auto line = sim_->read_line();
    ASSERT_TRUE(line.has_value()) << sim_->all_stderr();
    std::istringstream in(*line);
    std::string word;
    in >> word >> url_;
    ASSERT_EQ(word, "listening") << *line;
  }
  RunResult order(const VenueCase& v, std::vector<std::string> args) {
    std::vector<std::string> argv = {NZEZA_BINARY, "order"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--venue", v.name, "--base-url", url_, "--json", "--timeout-s", "5"});
    argv.insert(argv.end(), extra_.begin(), extra_.end());
    return run_program(argv, v.env);
  }
  void TearDown() override {
    if (sim_) sim_->close_stdin();
    if (!cleanup_.empty()) std::filesystem::remove_all(cleanup_);
  }

  // balances → place → status → open → cancel, checking each answer.
  void round_trip(const VenueCase& v) {
    start(v);
    const auto balances = order(v, {"balances"});
    ASSERT_EQ(balances.status, 0) << balances.err;
    bool funded = false;
    for (const auto& b : json_lines(balances.out)) {
      if (str(b, "currency") == v.currency) funded = !str(b, "total").empty();
    }
    EXPECT_TRUE(funded) << balances.out;

    const auto placed = order(v, {"place", "--symbol", v.symbol, "--side", "buy", "--type", "limit",
                                  "--price", v.price, "--quantity", v.quantity});
    ASSERT_EQ(placed.status, 0) << placed.err << placed.out;
    const auto p = json_lines(placed.out);
    ASSERT_EQ(p.size(), 1u) << placed.out;
    EXPECT_EQ(p[0].at("ok").as_bool(), true);
    EXPECT_EQ(str(p[0], "status"), "open") << placed.out;
    const std::string order_id = str(p[0], "venue_order_id");
    const std::string client_id = str(p[0], "client_order_id");
    EXPECT_FALSE(client_id.empty()) << placed.out;

    std::vector<std::string> ref = {"--symbol", v.symbol};
    if (!order_id.empty()) ref.insert(ref.end(), {"--order-id", order_id});
    if (!client_id.empty()) ref.insert(ref.end(), {"--client-id", client_id});

    auto status_args = ref;
    status_args.insert(status_args.begin(), "status");
    const auto status = order(v, status_args);
    ASSERT_EQ(status.status, 0) << status.err;
    const auto s = json_lines(status.out);
    ASSERT_EQ(s.size(), 1u) << status.out;
    EXPECT_EQ(str(s[0], "status"), "open");
    EXPECT_EQ(str(s[0], "side"), "buy");
    EXPECT_EQ(str(s[0], "quantity"), v.quantity);
    EXPECT_EQ(str(s[0], "price"), v.price);

    const auto open = order(v, {"open", "--symbol", v.symbol});
    ASSERT_EQ(open.status, 0) << open.err;
    bool listed = false;
    for (const auto& o : json_lines(open.out)) {
      listed |= str(o, "client_order_id") == client_id || str(o, "venue_order_id") == order_id;
    }
    EXPECT_TRUE(listed) << open.out;

    auto cancel_args = ref;
    cancel_args.insert(cancel_args.begin(), "cancel");
    const auto cancel = order(v, cancel_args);
    ASSERT_EQ(cancel.status, 0) << cancel.err;
    const auto c = json_lines(cancel.out);
    ASSERT_EQ(c.size(), 1u) << cancel.out;
    EXPECT_EQ(str(c[0], "status"), "cancelled") << cancel.out;
  }

  std::unique_ptr<Subprocess> sim_;
  std::string url_;
  std::vector<std::string> extra_;
  std::filesystem::path cleanup_;
};

TEST_F(OrderCli, binance_round_trip) {
  round_trip(
      VenueCase{"binance",
                NZEZA_SIM_BINANCE,
                {},
                {"NZEZA_BINANCE_API_KEY=cli-test-key", "NZEZA_BINANCE_API_SECRET=cli-test-secret"},
                "BTCUSDT",
                "40000",
                "0.001",
                "USDT"});
}

TEST_F(OrderCli, kraken_round_trip) {
  round_trip(VenueCase{"kraken",
                       NZEZA_SIM_KRAKEN,
                       {},
                       {"NZEZA_KRAKEN_API_KEY=cli-test-key",
                        std::string("NZEZA_KRAKEN_API_SECRET=") + kKrakenSecret},
                       "BTC/USD",
                       "40000",
                       "0.001",
                       "USD"});
}

TEST_F(OrderCli, coinbase_round_trip_with_an_owner_only_credentials_file) {
  cleanup_ =
      std::filesystem::temp_directory_path() / ("nzeza-cli-coinbase-" + std::to_string(::getpid()));
  std::filesystem::create_directories(cleanup_);
  const auto creds = (cleanup_ / "coinbase.conf").string();
  extra_ = {"--credentials-file", creds};
  round_trip(VenueCase{"coinbase",
                       NZEZA_SIM_COINBASE,
                       {"--credentials-out", creds},
                       {},
                       "BTC-USD",
                       "40000",
                       "0.001",
                       "USD"});
}

TEST_F(OrderCli, hyperliquid_round_trip) {
  round_trip(VenueCase{"hyperliquid",
                       NZEZA_SIM_HYPERLIQUID,
                       {"--account", kHyperliquidAddress},
                       {std::string("NZEZA_HYPERLIQUID_PRIVATE_KEY=") + kHyperliquidKey},
                       "BTC",
                       "40000",
                       "0.001",
                       "USDC"});
}

TEST_F(OrderCli, dydx_round_trip) {
  auto wallet = venues::dydx::Wallet::from_mnemonic(kMnemonic);
  ASSERT_TRUE(wallet.ok()) << wallet.error().message;
  round_trip(VenueCase{"dydx",
                       NZEZA_SIM_DYDX,
                       {"--account", wallet->address()},
                       {std::string("NZEZA_DYDX_MNEMONIC=") + kMnemonic},
                       "BTC-USD",
                       "40000",
                       "0.01",
                       "USDC"});
}

TEST(OrderCliArguments, place_without_side_is_refused_before_any_request) {
  const auto r = run_program({NZEZA_BINARY, "order", "place", "--venue", "binance", "--symbol",
                              "BTCUSDT", "--quantity", "1", "--base-url", "http://127.0.0.1:1"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--side must be buy or sell"), std::string::npos) << r.err;
}

TEST(OrderCliArguments, inexact_quantity_is_refused) {
  const auto r =
      run_program({NZEZA_BINARY, "order", "place", "--venue", "binance", "--symbol", "BTCUSDT",
                   "--side", "buy", "--quantity", "0.000000001", "--price", "1"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--quantity"), std::string::npos) << r.err;
}

TEST(OrderCliArguments, paper_is_not_an_order_venue) {
  const auto r = run_program({NZEZA_BINARY, "order", "balances", "--venue", "paper"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("paper venue runs inside"), std::string::npos) << r.err;
}

TEST(OrderCliArguments, missing_credentials_name_the_variable) {
  const auto r = run_program(
      {NZEZA_BINARY, "order", "balances", "--venue", "kraken", "--base-url", "http://127.0.0.1:1"},
      {"NZEZA_KRAKEN_API_KEY=", "NZEZA_KRAKEN_API_SECRET="});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("NZEZA_KRAKEN_API_KEY"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nzeza

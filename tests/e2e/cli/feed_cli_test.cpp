// `nzeza feed` end to end: the real binary against each venue's loopback simulator process
// (tests/sim/feeds/sim_feed_server_main.cpp documents the stream), checking the printed values.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/subprocess.hpp"

namespace nzeza {
namespace {

using testsupport::run_program;
using testsupport::Subprocess;

struct SimEndpoint {
  std::string ws;
  std::string rest;
};

// Starts the simulator and reads its "listening <ws> [rest <http>]" line.
SimEndpoint start_sim(Subprocess& sim) {
  auto line = sim.read_line();
  if (!line) throw std::runtime_error("simulator printed nothing: " + sim.all_stderr());
  std::istringstream in(*line);
  std::string word;
  SimEndpoint ep;
  in >> word >> ep.ws;
  if (word != "listening" || ep.ws.empty()) throw std::runtime_error("bad line: " + *line);
  if (in >> word && word == "rest") in >> ep.rest;
  return ep;
}

struct Printed {
  std::vector<boost::json::object> quotes, trades, books, statuses;
};

Printed parse_lines(const std::string& out) {
  Printed p;
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
    auto& o = v.as_object();
    const auto type = o.at("type").as_string();
    if (type == "quote") p.quotes.push_back(o);
    if (type == "trade") p.trades.push_back(o);
    if (type == "book") p.books.push_back(o);
    if (type == "status") p.statuses.push_back(o);
  }
  return p;
}

std::string str(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

struct Case {
  const char* venue;
  const char* symbol;
  const char* canonical;
  bool trades;
  const char* count;  // events to wait for (the generic feed sends one per tick)
};

class FeedCli : public ::testing::TestWithParam<Case> {};

TEST_P(FeedCli, prints_the_simulators_values_exactly_and_exits_at_count) {
  const Case c = GetParam();
  Subprocess sim({NZEZA_FEED_SIM, "--venue", c.venue, "--events", "20", "--interval-ms", "20"});
  const SimEndpoint ep = start_sim(sim);
  std::vector<std::string> argv = {NZEZA_BINARY, "feed", "--venue", c.venue, "--symbols", c.symbol,
                                   "--url",      ep.ws,  "--count", c.count, "--json"};
  if (!ep.rest.empty()) {
    argv.emplace_back("--rest-url");
    argv.push_back(ep.rest);
  }
  const auto r = run_program(argv);
  sim.close_stdin();
  std::string command;
  for (const auto& a : argv) command += a + " ";
  ASSERT_FALSE(r.timed_out) << command << "\n" << r.err;
  ASSERT_EQ(r.status, 0) << r.err;
  const Printed p = parse_lines(r.out);

  // Status: the connection came up.
  bool connected = false;
  for (const auto& s : p.statuses) connected |= str(s, "state") == "CONNECTED";
  EXPECT_TRUE(connected) << r.out;

  ASSERT_FALSE(p.quotes.empty()) << r.out;
  for (const auto& q : p.quotes) {
    EXPECT_EQ(str(q, "venue"), c.venue);
    EXPECT_EQ(str(q, "symbol"), c.canonical);
  }
  if (std::string(c.venue) == "generic") {
    // {"price": 50000.5 + i}: bid = ask = that price.
    EXPECT_EQ(str(p.quotes.front(), "bid"), "50000.5");
    EXPECT_EQ(str(p.quotes.front(), "ask"), "50000.5");
    EXPECT_EQ(str(p.quotes[1], "bid"), "50001.5");
    return;
  }
  // Top of book 50000.5 / 50001.5 with sizes i + 2 (or the snapshot's 1 on dYdX's first).
  for (const auto& q : p.quotes) {
    EXPECT_EQ(str(q, "bid"), "50000.5") << c.venue;
    EXPECT_EQ(str(q, "ask"), "50001.5") << c.venue;
  }
  // The book: the snapshot's four levels, then updates of the top levels.
  std::map<std::string, std::string> bids, asks;
  for (const auto& b : p.books)
    (str(b, "side") == "bid" ? bids : asks)[str(b, "price")] = str(b, "size");
  EXPECT_TRUE(bids.count("50000.5") == 1 && bids.count("49999.5") == 1) << r.out;
  EXPECT_TRUE(asks.count("50001.5") == 1 && asks.count("50002.5") == 1) << r.out;
  EXPECT_EQ(bids["49999.5"], "2");
  EXPECT_EQ(asks["50002.5"], "2");
  if (c.trades) {
    ASSERT_FALSE(p.trades.empty()) << r.out;
    const auto& t = p.trades.front();
    EXPECT_EQ(str(t, "price"), "50001.5");
    EXPECT_EQ(str(t, "size"), "0.01");
    EXPECT_EQ(str(t, "aggressor"), "buy");
    EXPECT_EQ(str(t, "trade_id"), "1000");
  }
}

INSTANTIATE_TEST_SUITE_P(Venues, FeedCli,
                         ::testing::Values(Case{"binance", "BTCUSDT", "BTC-USDT", true, "40"},
                                           Case{"coinbase", "BTC-USD", "BTC-USD", true, "40"},
                                           Case{"kraken", "BTC/USD", "BTC-USD", true, "40"},
                                           Case{"hyperliquid", "BTC", "BTC-USD-PERP", true, "40"},
                                           Case{"dydx", "BTC-USD", "BTC-USD-PERP", true, "40"},
                                           Case{"generic", "BTC-USD", "BTC-USD", false, "10"}),
                         [](const auto& info) { return std::string(info.param.venue); });

TEST(FeedCliArguments, unknown_venue_is_refused_with_a_clear_message) {
  const auto r = run_program({NZEZA_BINARY, "feed", "--venue", "nope", "--symbols", "X"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown venue 'nope'"), std::string::npos) << r.err;
}

TEST(FeedCliArguments, unreadable_symbol_names_the_expected_form) {
  const auto r = run_program({NZEZA_BINARY, "feed", "--venue", "coinbase", "--symbols", "BTCUSD"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("expected BTC-USD"), std::string::npos) << r.err;
}

TEST(FeedCliArguments, generic_feed_requires_a_url) {
  const auto r = run_program({NZEZA_BINARY, "feed", "--venue", "generic", "--symbols", "BTC-USD"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--url is required"), std::string::npos) << r.err;
}

TEST(FeedCliArguments, missing_symbols_is_a_usage_error) {
  const auto r = run_program({NZEZA_BINARY, "feed", "--venue", "binance"});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("--symbols"), std::string::npos) << r.err;
}

TEST(CliSimdKernel, an_unknown_simd_kernel_in_the_environment_stops_the_cli_naming_the_variable) {
  const auto r = run_program({NZEZA_BINARY, "version"}, {"NZEZA_SIMD_KERNEL=avx9000"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("NZEZA_SIMD_KERNEL"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("avx9000"), std::string::npos) << r.err;
  const auto fallback = run_program({NZEZA_BINARY, "version"}, {"NZEZA_SIMD_KERNEL=fallback"});
  EXPECT_EQ(fallback.status, 0) << fallback.err;
}

}  // namespace
}  // namespace nzeza

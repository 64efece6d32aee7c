// `nzeza run` end to end: the real binary on the shipped config/paper.toml, as a trader or a
// script runs it — simulated time (--fast) for orders and fills, real time for the first
// seconds and for an orderly stop at SIGINT/SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace nzeza {
namespace {

namespace json = boost::json;
using testsupport::run_program;
using testsupport::Subprocess;

// Every line of `out` as a JSON object; a line that is not one fails the test.
std::vector<json::object> json_lines(const std::string& out) {
  std::vector<json::object> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code ec;
    json::value v = json::parse(line, ec);
    if (ec || !v.is_object()) {
      ADD_FAILURE() << "not a JSON object line: " << line;
      continue;
    }
    lines.push_back(v.as_object());
  }
  return lines;
}

std::string str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::int64_t num(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_number() ? v->to_number<std::int64_t>() : -1;
}

// A status line whose symbols all have a reference price.
bool has_reference_prices(const json::object& status) {
  const auto* symbols = status.if_contains("symbols");
  if (symbols == nullptr || !symbols->is_array() || symbols->as_array().empty()) return false;
  for (const auto& s : symbols->as_array())
    if (!s.as_object().at("reference").is_string()) return false;
  return true;
}

// A fresh journal directory for each run (removed when the test program ends), so no run
// starts from another's journal.
std::string data_dir() {
  static std::vector<std::unique_ptr<testsupport::TempDir>> dirs;
  dirs.push_back(std::make_unique<testsupport::TempDir>("nzeza-run-cli"));
  return dirs.back()->str();
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(RunCli, fast_paper_run_prints_orders_fills_and_a_summary_as_json_lines) {
  const auto r = run_program({NZEZA_BINARY, "run", "--config", NZEZA_PAPER_CONFIG, "--data-dir",
                              data_dir(), "--fast", "--duration", "1800", "--json"},
                             {}, std::chrono::seconds(120));
  ASSERT_FALSE(r.timed_out) << r.err;
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_GE(lines.size(), 3u) << r.out;

  // First line: which configuration; last line: the summary.
  EXPECT_EQ(str(lines.front(), "kind"), "start");
  EXPECT_EQ(str(lines.front(), "config"), NZEZA_PAPER_CONFIG);
  const json::object& summary = lines.back();
  ASSERT_EQ(str(summary, "kind"), "summary") << r.out;

  std::map<std::string, std::size_t> kinds;
  std::size_t orders_sent = 0;
  std::size_t fills = 0;
  std::size_t statuses_with_prices = 0;
  for (const auto& l : lines) {
    ++kinds[str(l, "kind")];
    EXPECT_FALSE(str(l, "at").empty()) << json::serialize(l);
    if (str(l, "kind") == "order" && l.contains("purpose")) {
      ++orders_sent;
      EXPECT_FALSE(str(l, "symbol").empty()) << json::serialize(l);
      EXPECT_FALSE(str(l, "quantity").empty()) << json::serialize(l);
    }
    if (l.contains("trade_id")) ++fills;  // a fill of an entry, a close or an exit
    if (str(l, "kind") == "status" && has_reference_prices(l)) ++statuses_with_prices;
  }
  EXPECT_GT(kinds["order"], 0u) << r.out;
  EXPECT_GT(kinds["fill"], 0u) << r.out;
  EXPECT_EQ(kinds["stop"], 1u) << r.out;
  EXPECT_GT(statuses_with_prices, 0u) << r.out;
  // Every order and every fill was printed once: the summary counts the same.
  EXPECT_EQ(num(summary, "orders_sent"), static_cast<std::int64_t>(orders_sent)) << r.out;
  EXPECT_EQ(num(summary, "fills"), static_cast<std::int64_t>(fills)) << r.out;
  EXPECT_EQ(num(summary, "ran_ms"), 1'800'000);
  EXPECT_EQ(str(summary, "starting_equity"), "100000");
  EXPECT_FALSE(str(summary, "equity").empty());
  EXPECT_FALSE(str(summary, "realized_pnl").empty());
  EXPECT_FALSE(str(summary, "fees").empty());
  EXPECT_NE(str(summary, "fees"), "0") << "fills pay fees";
}

TEST(RunCli, fast_text_run_prints_event_lines_status_blocks_and_the_summary) {
  const auto r = run_program({NZEZA_BINARY, "run", "--config", NZEZA_PAPER_CONFIG, "--data-dir",
                              data_dir(), "--fast", "--duration", "900", "--status-every", "300"},
                             {}, std::chrono::seconds(120));
  ASSERT_FALSE(r.timed_out) << r.err;
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream in(r.out);
  std::string first;
  std::getline(in, first);
  EXPECT_NE(first.find(std::string("start ") + NZEZA_PAPER_CONFIG + ": mode paper"),
            std::string::npos)
      << first;
  // "2026-…Z order entry #<id> buy 0.2201 BTC-USD market"
  EXPECT_NE(r.out.find("Z order entry #"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Z fill #"), std::string::npos) << r.out;
  for (const char* block_line : {"\nsymbols    symbol", "\norders     ", "\npositions  ",
                                 "\naccount    cash ", "\nrefusals   ", "\nhealth     restarts"})
    EXPECT_NE(r.out.find(block_line), std::string::npos) << block_line << "\n" << r.out;
  EXPECT_NE(r.out.find("\nsummary: ran 900.0 s;"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nsummary: equity "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" USD at start ("), std::string::npos) << r.out;
}

TEST(RunCli, a_config_with_two_errors_exits_2_and_names_both_keys) {
  const std::string path = write_file("nzeza_run_two_errors.toml",
                                      "mode = \"paper\"\n"
                                      "candle_interval = 7\n"
                                      "[risk]\n"
                                      "min_confidence = 3\n");
  const auto r = run_program({NZEZA_BINARY, "run", "--config", path, "--fast", "--duration", "60"});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("candle_interval"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("risk.min_confidence"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 errors"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("start"), std::string::npos) << "nothing starts: " << r.out;
}

TEST(RunCli, a_missing_config_file_exits_2_naming_it) {
  const auto r = run_program({NZEZA_BINARY, "run", "--config", "/nonexistent/nzeza.toml"});
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("/nonexistent/nzeza.toml"), std::string::npos) << r.err;
}

TEST(RunCli, fast_without_a_duration_is_a_usage_error) {
  const auto r = run_program(
      {NZEZA_BINARY, "run", "--config", NZEZA_PAPER_CONFIG, "--data-dir", data_dir(), "--fast"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--fast needs --duration"), std::string::npos) << r.err;
}

TEST(RunCli, real_time_run_shows_reference_prices_within_seconds_and_exits_0) {
  const auto r = run_program({NZEZA_BINARY, "run", "--config", NZEZA_PAPER_CONFIG, "--data-dir",
                              data_dir(), "--duration", "3", "--status-every", "1"},
                             {}, std::chrono::seconds(60));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  ASSERT_EQ(r.status, 0) << r.err;
  // A symbol row of the status block: "           BTC-USD  44993.065  yes  0/17 candles  -".
  bool priced = false;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string symbol, price;
    words >> symbol >> price;
    if (symbol == "BTC-USD" && !price.empty() && price != "-" &&
        price.find_first_not_of("0123456789.") == std::string::npos)
      priced = true;
  }
  EXPECT_TRUE(priced) << r.out;
  EXPECT_NE(r.out.find("real time"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nsummary: ran "), std::string::npos) << r.out;
}

class RunCliStop : public ::testing::TestWithParam<int> {};

TEST_P(RunCliStop, a_stop_signal_during_a_real_time_run_stops_in_order_with_a_summary) {
  Subprocess p({NZEZA_BINARY, "run", "--config", NZEZA_PAPER_CONFIG, "--data-dir", data_dir(),
                "--json", "--status-every", "1"});
  // Trading has started: a status with every symbol priced.
  bool started = false;
  for (int i = 0; i < 200 && !started; ++i) {
    auto line = p.read_line(std::chrono::seconds(30));
    if (!line) break;
    boost::system::error_code ec;
    json::value v = json::parse(*line, ec);
    ASSERT_FALSE(ec) << *line;
    started = str(v.as_object(), "kind") == "status" && has_reference_prices(v.as_object());
  }
  ASSERT_TRUE(started) << p.all_stderr();
  ASSERT_EQ(::kill(p.pid(), GetParam()), 0);
  const auto status = p.wait(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value()) << "no exit after the signal";
  EXPECT_EQ(*status, 0) << p.all_stderr();
  const auto rest = json_lines(p.rest_of_stdout());
  ASSERT_FALSE(rest.empty());
  std::size_t stops = 0;
  for (const auto& l : rest) stops += str(l, "kind") == "stop" ? 1 : 0;
  EXPECT_EQ(stops, 1u);
  const json::object& summary = rest.back();
  EXPECT_EQ(str(summary, "kind"), "summary");
  EXPECT_GT(num(summary, "ran_ms"), 0);
  EXPECT_FALSE(str(summary, "equity").empty());
}

INSTANTIATE_TEST_SUITE_P(Signals, RunCliStop, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) {
                           return std::string(info.param == SIGINT ? "sigint" : "sigterm");
                         });

}  // namespace
}  // namespace nzeza

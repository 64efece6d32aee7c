// `nzeza backtest` as a process: on the shipped sample (what a fresh machine runs first), its
// report, and its exit codes on damaged or missing input.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace nzeza {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using testsupport::run_program;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kConfig = std::string(NZEZA_SAMPLE_DIR) + "/../../config/paper.toml";

TEST(BacktestCli, the_shipped_sample_replays_prints_the_summary_and_writes_report_json) {
  testsupport::TempDir out("nzeza-bt-cli");
  const auto r = run_program(
      {NZEZA_BINARY, "backtest", NZEZA_SAMPLE_DIR, "--config", kConfig, "--report", out.str()}, {},
      std::chrono::seconds(120));
  ASSERT_FALSE(r.timed_out) << r.err;
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("events"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sharpe"), std::string::npos) << r.out;

  // The HTML report beside it, self-contained (the charting library inside).
  EXPECT_TRUE(fs::exists(out.path() / "report.html"));
  EXPECT_GT(fs::file_size(out.path() / "report.html"), 50'000u);
  const std::string text = read(out.path() / "report.json");
  boost::system::error_code ec;
  const json::value v = json::parse(text, ec);
  ASSERT_FALSE(ec) << text.substr(0, 200);
  const json::object& o = v.as_object();
  EXPECT_EQ(o.at("config").at("symbols").as_array().size(), 3u);
  EXPECT_GT(o.at("events").at("total").to_number<std::int64_t>(), 10'000);
  EXPECT_GT(o.at("summary").at("trades").to_number<std::int64_t>(), 0);
  EXPECT_TRUE(o.at("summary").at("final_equity").is_string());
  EXPECT_FALSE(o.at("equity").as_array().empty());
  EXPECT_FALSE(o.at("candles").at("BTC-USD").as_array().empty());
  EXPECT_FALSE(o.at("trades").as_array().empty());
  EXPECT_FALSE(o.at("attribution").as_array().empty());

  // --json prints the same report, byte for byte (nothing of the wall clock in it).
  const auto j =
      run_program({NZEZA_BINARY, "backtest", NZEZA_SAMPLE_DIR, "--config", kConfig, "--json"}, {},
                  std::chrono::seconds(120));
  ASSERT_EQ(j.status, 0) << j.err;
  EXPECT_EQ(j.out, text);
}

TEST(BacktestCli, a_corrupt_file_exits_1_with_the_file_and_the_line_on_stderr) {
  testsupport::TempDir dir("nzeza-bt-cli-bad");
  const fs::path p = dir.path() / "bad.ndjson";
  std::ofstream(p)
      << R"({"format":"nzeza-recording","format_version":1,"nzeza_version":"0.1.0",)"
      << R"("venue":"paper","hour":"2026-01-01T00:00:00Z","hour_ns":1767225600000000000,)"
      << R"("instruments":[{"venue":"paper","venue_symbol":"BTC-USD","canonical":"BTC-USD",)"
      << R"("kind":"spot","base":"BTC","quote":"USD","tick":"0.01","lot":"0.0001",)"
      << R"("min_size":"0.0001","max_size":"0","min_notional":"0","price_rule":"tick",)"
      << R"("status":"trading"}]})" << '\n'
      << R"({"k":"q","s":"BTC-USD","vt":1767225600250000000,"rt":1767225600250000000,)"
      << R"("b":"45002.43","bs":"0.0019","a":"45002.44","as":"0.0014"})" << '\n'
      << R"({"k":"q","s":"BTC-USD","vt":1767225600500000000,"rt":)" << '\n';
  const auto r = run_program({NZEZA_BINARY, "backtest", p.string()}, {}, std::chrono::seconds(60));
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find(p.string() + ":3"), std::string::npos) << r.err;
}

TEST(BacktestCli, a_missing_file_or_a_bad_time_exits_2_and_says_which) {
  const auto r = run_program({NZEZA_BINARY, "backtest", "/nonexistent/nzeza/file.ndjson.zst"}, {},
                             std::chrono::seconds(60));
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/nzeza/file.ndjson.zst"), std::string::npos) << r.err;
  const auto t = run_program({NZEZA_BINARY, "backtest", NZEZA_SAMPLE_DIR, "--from", "yesterday"},
                             {}, std::chrono::seconds(60));
  EXPECT_EQ(t.status, 2) << t.err;
  EXPECT_NE(t.err.find("--from \"yesterday\""), std::string::npos) << t.err;
}

TEST(BacktestCli, record_on_the_simulated_market_writes_files_that_backtest_replays) {
  testsupport::TempDir out("nzeza-bt-record");
  const auto rec = run_program({NZEZA_BINARY, "record", "--config", kConfig, "--out", out.str(),
                                "--duration", "120", "--fast", "--start", "1767225600"},
                               {}, std::chrono::seconds(60));
  ASSERT_FALSE(rec.timed_out) << rec.err;
  ASSERT_EQ(rec.status, 0) << rec.err;
  const fs::path file = out.path() / "paper" / "2026-01-01" / "00.ndjson.zst";
  ASSERT_TRUE(fs::exists(file)) << rec.out << rec.err;

  const auto bt = run_program({NZEZA_BINARY, "backtest", out.str(), "--config", kConfig, "--json"},
                              {}, std::chrono::seconds(60));
  ASSERT_EQ(bt.status, 0) << bt.err;
  boost::system::error_code ec;
  const json::value v = json::parse(bt.out, ec);
  ASSERT_FALSE(ec) << bt.out.substr(0, 200);
  // 120 s of 250 ms steps, three symbols: a quote each per step, and trades.
  const auto& events = v.at("events").as_object();
  EXPECT_EQ(events.at("quote").to_number<std::int64_t>(), 3 * 480);
  EXPECT_GT(events.at("trade").to_number<std::int64_t>(), 0);
}

}  // namespace
}  // namespace nzeza

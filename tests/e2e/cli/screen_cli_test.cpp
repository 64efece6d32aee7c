// `nzeza screen` as a process, as a trader runs it on the shipped sample recording: a table
// ranked by score naming every symbol of the recording, the same ranking as JSON, and a clear
// failure naming the file and the line of a corrupt recording.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "replay/line_reader.hpp"
#include "support/subprocess.hpp"
#include "support/temp_dir.hpp"

namespace nzeza {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using testsupport::run_program;

const std::string kSampleFile = std::string(NZEZA_SAMPLE_DIR) + "/paper/2026-01-01/00.ndjson.zst";

// The first `count` lines of the sample recording (its header first), as stored.
std::vector<std::string> sample_lines(std::size_t count) {
  std::vector<std::string> lines;
  auto reader = replay::LineReader::open(kSampleFile, replay::compression_for(kSampleFile));
  if (!reader) {
    ADD_FAILURE() << reader.error().message;
    return lines;
  }
  std::string_view line;
  while (lines.size() < count && (*reader)->next(line) == replay::ReadOutcome::event)
    lines.emplace_back(line);
  return lines;
}

// The canonical symbols the sample's header declares.
std::set<std::string> sample_symbols() {
  std::set<std::string> symbols;
  const auto lines = sample_lines(1);
  if (lines.empty()) return symbols;
  const json::value header = json::parse(lines.front());
  for (const auto& inst : header.at("instruments").as_array())
    symbols.insert(std::string(inst.at("canonical").as_string()));
  return symbols;
}

TEST(ScreenCli, the_shipped_sample_prints_a_table_ranking_every_sample_symbol) {
  const auto symbols = sample_symbols();
  ASSERT_GE(symbols.size(), 2u);
  const auto r = run_program({NZEZA_BINARY, "screen", std::string(NZEZA_SAMPLE_DIR)});
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream in(r.out);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_NE(line.find("symbol"), std::string::npos) << line;
  EXPECT_NE(line.find("score"), std::string::npos) << line;
  // One row per symbol, ranks 1..n in order, scores not increasing down the table.
  std::set<std::string> seen;
  double previous = 2.0;
  for (std::size_t rank = 1; rank <= symbols.size(); ++rank) {
    ASSERT_TRUE(std::getline(in, line)) << r.out;
    std::istringstream row(line);
    std::size_t got_rank = 0;
    std::string symbol;
    std::string venue;
    double score = -1;
    row >> got_rank >> symbol >> venue >> score;
    EXPECT_EQ(got_rank, rank) << line;
    EXPECT_EQ(venue, "paper") << line;
    EXPECT_GE(score, 0.0) << line;
    EXPECT_LE(score, previous) << line;
    previous = score;
    seen.insert(symbol);
  }
  EXPECT_EQ(seen, symbols) << r.out;
  EXPECT_NE(r.out.find(std::to_string(symbols.size()) + " ranked, 0 not ranked"), std::string::npos)
      << r.out;
}

TEST(ScreenCli, json_output_parses_and_is_sorted_by_score_with_every_sample_symbol) {
  const auto symbols = sample_symbols();
  const auto r = run_program({NZEZA_BINARY, "screen", "--json", kSampleFile});
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.status, 0) << r.err;
  boost::system::error_code ec;
  const json::value doc = json::parse(r.out, ec);
  ASSERT_FALSE(ec) << r.out;
  EXPECT_EQ(doc.at("candle_interval_s").to_number<int>(), 60);
  EXPECT_GT(doc.at("events").to_number<std::uint64_t>(), 0u);
  EXPECT_TRUE(doc.at("skipped").as_array().empty()) << r.out;
  const auto& ranked = doc.at("ranked").as_array();
  ASSERT_EQ(ranked.size(), symbols.size());
  std::set<std::string> seen;
  double previous = 2.0;
  std::size_t rank = 0;
  for (const auto& v : ranked) {
    const auto& o = v.as_object();
    EXPECT_EQ(o.at("rank").to_number<std::size_t>(), ++rank);
    const double score = o.at("score").to_number<double>();
    EXPECT_LE(score, previous);
    previous = score;
    // The overall score is the formulas' weighted sum of the four figures it reports.
    const double sum =
        0.3 * o.at("volatility").to_number<double>() + 0.3 * o.at("volume").to_number<double>() +
        0.2 * o.at("spread").to_number<double>() + 0.2 * o.at("momentum").to_number<double>();
    EXPECT_NEAR(score, sum, 1e-9);
    EXPECT_GE(o.at("candles").to_number<std::size_t>(), 10u);
    EXPECT_GT(o.at("quote_volume").to_number<double>(), 0.0);
    seen.insert(std::string(o.at("symbol").as_string()));
  }
  EXPECT_EQ(seen, symbols);
}

TEST(ScreenCli, a_corrupt_recording_exits_1_naming_the_file_and_the_line) {
  testsupport::TempDir dir("nzeza-screen");
  const auto lines = sample_lines(300);
  ASSERT_EQ(lines.size(), 300u);
  const std::string path = (dir.path() / "corrupt.ndjson").string();
  {
    std::ofstream out(path);
    for (std::size_t i = 0; i < 200; ++i) out << lines[i] << '\n';
    out << "{\"k\":\"q\",\"s\":\"BTC-USD\",\"b\":\n";  // line 201: cut in the middle
    for (std::size_t i = 200; i < lines.size(); ++i) out << lines[i] << '\n';
  }
  const auto r = run_program({NZEZA_BINARY, "screen", path});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.err.find(path + ":201"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(ScreenCli, a_missing_file_is_a_usage_error_naming_it) {
  const auto r = run_program({NZEZA_BINARY, "screen", "/nonexistent/nzeza-screen.ndjson.zst"});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/nonexistent/nzeza-screen.ndjson.zst"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nzeza

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

// Tardis CSV quotes and trades (the format is told from the header line): BTCUSDT quoted every
// 10 s for 15 minutes at 100.00 / 100.10 and traded 10 at 100.05 each minute; ETHUSDT quoted for
// 5 minutes only.
TEST(ScreenCli, tardis_files_rank_the_symbol_with_ten_candles_and_list_the_one_without) {
  testsupport::TempDir dir("nzeza-screen");
  const std::int64_t start_us = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z
  const auto at = [&](int s) { return std::to_string(start_us + s * 1'000'000LL); };
  std::string quotes =
      "exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\n";
  std::string trades = "exchange,symbol,timestamp,local_timestamp,id,side,price,amount\n";
  for (int s = 0; s < 15 * 60; s += 10) {
    quotes += "binance,BTCUSDT," + at(s) + ',' + at(s) + ",1,100.10,100.00,1\n";
    if (s < 5 * 60) quotes += "binance,ETHUSDT," + at(s) + ',' + at(s) + ",1,10.01,10.00,1\n";
    if (s % 60 == 30)
      trades +=
          "binance,BTCUSDT," + at(s) + ',' + at(s) + ',' + std::to_string(s) + ",buy,100.05,10\n";
  }
  const std::string q = (dir.path() / "quotes.csv").string();
  const std::string t = (dir.path() / "trades.csv").string();
  std::ofstream(q) << quotes;
  std::ofstream(t) << trades;

  const auto r = run_program({NZEZA_BINARY, "screen", "--json", q, t});
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.status, 0) << r.err;
  const json::value doc = json::parse(r.out);
  const auto& ranked = doc.at("ranked").as_array();
  ASSERT_EQ(ranked.size(), 1u) << r.out;
  const auto& btc = ranked.front().as_object();
  EXPECT_EQ(btc.at("symbol").as_string(), "BTC-USDT");
  EXPECT_EQ(btc.at("venue").as_string(), "binance");
  // Minutes 0..13 closed (minute 14 is still open at the last event): 14 candles, each with one
  // trade of 10 at a close of 100.05 → 14 × 1000.5 quoted.
  EXPECT_EQ(btc.at("candles").to_number<std::size_t>(), 14u);
  EXPECT_NEAR(btc.at("quote_volume").to_number<double>(), 14 * 1000.5, 1e-6);
  EXPECT_NEAR(btc.at("volume").to_number<double>(), 14 * 1000.5 / 1e6, 1e-9);
  // spread% = 0.10 / 100.05 × 100; score = 1 − spread% / 1 %.
  EXPECT_NEAR(btc.at("spread").to_number<double>(), 1.0 - 10.0 / 100.05, 1e-9);
  const auto& skipped = doc.at("skipped").as_array();
  ASSERT_EQ(skipped.size(), 1u) << r.out;
  EXPECT_EQ(skipped.front().at("symbol").as_string(), "ETH-USDT");
  EXPECT_NE(std::string(skipped.front().at("reason").as_string()).find("have 5, need 10"),
            std::string::npos)
      << r.out;
}

#ifdef NZEZA_FEED_SIM
// Starts the feed simulator and answers its WebSocket URL ("listening <ws> ...").
std::string start_sim(testsupport::Subprocess& sim) {
  const auto line = sim.read_line();
  if (!line) return {};
  std::istringstream in(*line);
  std::string word;
  std::string ws;
  in >> word >> ws;
  return word == "listening" ? ws : std::string();
}

// A config whose one venue is Coinbase's feed at `ws`, screening BTC-USD.
std::string live_config(const testsupport::TempDir& dir, const std::string& ws) {
  const std::string path = (dir.path() / "live.toml").string();
  std::ofstream out(path);
  out << "[market_data]\nsource = \"live\"\n[venues.coinbase]\nsymbols = [\"BTC-USD\"]\n"
      << "ws_url = \"" << ws << "\"\n";
  return path;
}

TEST(ScreenCli, live_feed_for_long_enough_ranks_the_configured_symbol_with_the_feeds_spread) {
  testsupport::Subprocess sim(
      {NZEZA_FEED_SIM, "--venue", "coinbase", "--events", "1000000", "--interval-ms", "5"});
  const std::string ws = start_sim(sim);
  ASSERT_FALSE(ws.empty()) << sim.all_stderr();
  testsupport::TempDir dir("nzeza-screen");
  // 1-second candles for 14 s: at least 10 closed ones even when the feed starts late.
  const auto r = run_program({NZEZA_BINARY, "screen", "--config", live_config(dir, ws),
                              "--duration", "14", "--interval", "1", "--json"},
                             {}, std::chrono::seconds(60));
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.status, 0) << r.err;
  const json::value doc = json::parse(r.out);
  EXPECT_EQ(doc.at("candle_interval_s").to_number<int>(), 1);
  const auto& ranked = doc.at("ranked").as_array();
  ASSERT_EQ(ranked.size(), 1u) << r.out;
  const auto& o = ranked.front().as_object();
  EXPECT_EQ(o.at("symbol").as_string(), "BTC-USD");
  EXPECT_EQ(o.at("venue").as_string(), "coinbase");
  EXPECT_GE(o.at("candles").to_number<std::size_t>(), 10u);
  // The simulator's book is 50000.5 / 50001.5: spread 1/50001 = 0.002 %, score 1 − 0.002.
  EXPECT_NEAR(o.at("spread").to_number<double>(), 1.0 - 100.0 / 50001.0, 1e-9);
}

TEST(ScreenCli, live_feed_too_short_for_ten_candles_lists_the_symbol_as_not_ranked) {
  testsupport::Subprocess sim(
      {NZEZA_FEED_SIM, "--venue", "coinbase", "--events", "1000000", "--interval-ms", "5"});
  const std::string ws = start_sim(sim);
  ASSERT_FALSE(ws.empty()) << sim.all_stderr();
  testsupport::TempDir dir("nzeza-screen");
  // 2 s of 1-second candles: at most 2 closed, fewer than the 10 the volatility score needs.
  const auto r = run_program({NZEZA_BINARY, "screen", "--config", live_config(dir, ws),
                              "--duration", "2", "--interval", "1"},
                             {}, std::chrono::seconds(30));
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("not ranked: BTC-USD on coinbase: BTC-USD: insufficient candles"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("0 ranked, 1 not ranked"), std::string::npos) << r.out;
}
#endif

TEST(ScreenCli, without_files_or_venues_it_is_a_usage_error) {
  const auto r = run_program({NZEZA_BINARY, "screen"});
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--config"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nzeza

// The Prometheus text of src/api/metrics.hpp without a server: escaping, and the shape every
// family must have (one HELP and one TYPE line before its samples, counters ending in _total).
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "api/metrics.hpp"
#include "app/trading_server.hpp"

namespace nzeza::api {
namespace {

TEST(MetricsFormat, label_values_escape_backslash_quote_and_line_feed_and_nothing_else) {
  EXPECT_EQ(escape_label_value("a\\b\"c\nd{e}=,f"), "a\\\\b\\\"c\\nd{e}=,f");
  EXPECT_EQ(escape_label_value(""), "");
  EXPECT_EQ(escape_help("x\\y\nz \"q\""), "x\\\\y\\nz \"q\"");
}

TEST(MetricsFormat,
     every_family_has_one_help_and_one_type_before_its_samples_and_counters_end_in_total) {
  app::ServerStatus s;
  s.mode = "paper";
  s.feeds.push_back(app::FeedStatusLine{});
  s.feeds.back().venue = "binance";
  s.feeds.back().has_counters = true;
  s.execution.refusals = {{"stale", 1}, {"risk", 2}};
  s.actors.push_back(app::ActorStatusLine{"execution", {}});
  s.journal = app::JournalStatusLine{};
  const std::string text = prometheus_text(s);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');

  std::map<std::string, std::string> type_of;  // family → type
  std::map<std::string, int> helps;
  std::string current;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# HELP ", 0) == 0) {
      current = line.substr(7, line.find(' ', 7) - 7);
      ++helps[current];
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      const auto name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_EQ(name, current) << "TYPE without its HELP: " << line;
      EXPECT_TRUE(type_of.emplace(name, line.substr(8 + name.size())).second) << line;
      continue;
    }
    const auto name = line.substr(0, line.find_first_of("{ "));
    EXPECT_EQ(name, current) << "a sample outside its family: " << line;
  }
  ASSERT_GE(type_of.size(), 40u) << text;
  for (const auto& [name, type] : type_of) {
    EXPECT_EQ(helps[name], 1) << name;
    EXPECT_TRUE(type == "counter" || type == "gauge") << name << ' ' << type;
    const bool total = name.size() > 6 && name.substr(name.size() - 6) == "_total";
    EXPECT_EQ(total, type == "counter") << name << ' ' << type;
  }
  EXPECT_NE(text.find("nzeza_refusals_total{reason=\"stale\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("nzeza_refusals_total{reason=\"risk\"} 2\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace nzeza::api

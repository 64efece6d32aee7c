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
    std::string name = line.substr(0, line.find_first_of("{ "));
    if (type_of[current] == "histogram")
      for (const std::string_view suffix : {"_bucket", "_sum", "_count"})
        if (name == current + std::string(suffix)) name = current;
    EXPECT_EQ(name, current) << "a sample outside its family: " << line;
  }
  ASSERT_GE(type_of.size(), 40u) << text;
  for (const auto& [name, type] : type_of) {
    EXPECT_EQ(helps[name], 1) << name;
    EXPECT_TRUE(type == "counter" || type == "gauge" || type == "histogram") << name << ' ' << type;
    const bool total = name.size() > 6 && name.substr(name.size() - 6) == "_total";
    EXPECT_EQ(total, type == "counter") << name << ' ' << type;
  }
  EXPECT_NE(text.find("nzeza_refusals_total{reason=\"stale\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("nzeza_refusals_total{reason=\"risk\"} 2\n"), std::string::npos) << text;
}

// The bucket of each sample is the first bound at or above it; the exposition's buckets are
// cumulative and end with +Inf, which equals _count; _sum is in seconds.
TEST(MetricsFormat, a_histogram_is_cumulative_up_to_inf_with_its_sum_in_seconds) {
  LatencyHistogram h;
  h.record(std::chrono::microseconds(7));    // le 0.00001
  h.record(std::chrono::microseconds(10));   // le 0.00001 (bounds are inclusive)
  h.record(std::chrono::microseconds(800));  // le 0.001
  h.record(std::chrono::milliseconds(3));    // le 0.005
  h.record(std::chrono::seconds(30));        // +Inf only
  h.record(std::chrono::nanoseconds(-5));    // a clock step back counts as zero
  app::ServerStatus s;
  s.tick_to_order = h.snapshot();
  EXPECT_EQ(s.tick_to_order.count(), 6u);
  EXPECT_EQ(s.tick_to_order.quantile_upper_ns(0.5), 10'000);
  EXPECT_EQ(s.tick_to_order.quantile_upper_ns(0.8), 5'000'000);
  EXPECT_EQ(s.tick_to_order.quantile_upper_ns(0.99), -1);
  const std::string text = prometheus_text(s);
  auto has = [&](std::string_view line) {
    return text.find(std::string(line) + "\n") != std::string::npos;
  };
  EXPECT_TRUE(has("# TYPE nzeza_tick_to_order_seconds histogram")) << text;
  EXPECT_TRUE(has("nzeza_tick_to_order_seconds_bucket{le=\"0.00001\"} 3")) << text;
  EXPECT_TRUE(has("nzeza_tick_to_order_seconds_bucket{le=\"0.0005\"} 3")) << text;
  EXPECT_TRUE(has("nzeza_tick_to_order_seconds_bucket{le=\"0.001\"} 4")) << text;
  EXPECT_TRUE(has("nzeza_tick_to_order_seconds_bucket{le=\"0.0025\"} 4")) << text;
  EXPECT_TRUE(has("nzeza_tick_to_order_seconds_bucket{le=\"0.005\"} 5")) << text;
  EXPECT_TRUE(has("nzeza_tick_to_order_seconds_bucket{le=\"10\"} 5")) << text;
  EXPECT_TRUE(has("nzeza_tick_to_order_seconds_bucket{le=\"+Inf\"} 6")) << text;
  EXPECT_TRUE(has("nzeza_tick_to_order_seconds_count 6")) << text;
  EXPECT_TRUE(has("nzeza_tick_to_order_seconds_sum 30.003817")) << text;
}

// A venue's series appear once its client made a call of that kind: the op and venue labels come
// before `le`; the refusals and the circuit state are there for every venue with a breaker.
TEST(MetricsFormat, venue_request_series_carry_venue_and_op_and_the_circuit_state_is_a_state_set) {
  app::ServerStatus s;
  app::VenueRequestStatusLine v;
  v.venue = "binance";
  LatencyHistogram place;
  place.record(std::chrono::milliseconds(2));
  v.metrics.latency[static_cast<std::size_t>(venues::RequestOp::place)] = place.snapshot();
  v.metrics.failures[static_cast<std::size_t>(venues::RequestOp::place)] = 1;
  v.metrics.limiter_waits = 2;
  v.metrics.limiter_waited = std::chrono::milliseconds(1500);
  v.metrics.refused_rate_limited = 3;
  v.metrics.circuit = net::CircuitState::half_open;
  s.venues.push_back(v);
  const std::string text = prometheus_text(s);
  auto has = [&](std::string_view line) {
    return text.find(std::string(line) + "\n") != std::string::npos;
  };
  EXPECT_TRUE(has(R"(nzeza_venue_request_seconds_bucket{venue="binance",op="place",le="0.001"} 0)"))
      << text;
  EXPECT_TRUE(
      has(R"(nzeza_venue_request_seconds_bucket{venue="binance",op="place",le="0.0025"} 1)"))
      << text;
  EXPECT_TRUE(has(R"(nzeza_venue_request_seconds_count{venue="binance",op="place"} 1)")) << text;
  EXPECT_EQ(text.find(R"(op="cancel")"), std::string::npos) << "no cancel was made:\n" << text;
  EXPECT_TRUE(has(R"(nzeza_venue_request_failures_total{venue="binance",op="place"} 1)")) << text;
  EXPECT_TRUE(has(R"(nzeza_venue_rate_limit_waits_total{venue="binance"} 2)")) << text;
  EXPECT_TRUE(has(R"(nzeza_venue_rate_limit_wait_seconds_total{venue="binance"} 1.5)")) << text;
  EXPECT_TRUE(has(R"(nzeza_venue_requests_refused_total{venue="binance",reason="rate_limited"} 3)"))
      << text;
  EXPECT_TRUE(has(R"(nzeza_venue_circuit_state{venue="binance",state="closed"} 0)")) << text;
  EXPECT_TRUE(has(R"(nzeza_venue_circuit_state{venue="binance",state="half_open"} 1)")) << text;
  EXPECT_TRUE(has(R"(nzeza_venue_circuit_state{venue="binance",state="open"} 0)")) << text;
}

}  // namespace
}  // namespace nzeza::api

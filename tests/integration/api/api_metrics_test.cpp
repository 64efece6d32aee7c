// GET /metrics: a live paper server's state in the Prometheus text format, checked by
// `promtool check metrics` (Debian's `prometheus` package; scripts/install-deps.sh installs it,
// NZEZA_PROMTOOL names another binary) and by the values a manual order must leave behind.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "api/metrics.hpp"
#include "integration/api/api_harness.hpp"
#include "integration/api/prometheus_check.hpp"

namespace nzeza::api::test {
namespace {

constexpr std::string_view kBuy = R"({"symbol":"BTC-USD","side":"buy","confidence":0.9})";

TEST(ApiMetrics, a_live_paper_scrape_passes_promtool_and_counts_the_manual_order_and_its_fill) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string trade = h.add_key(Scope::trade, "desk");
  const std::string read = h.add_key(Scope::read, "prometheus");
  h.quote("BTC-USD", "50000", "50001");
  ASSERT_TRUE(h.wait_fresh("BTC-USD"));

  const auto placed = h.post("/api/v1/orders", trade, kBuy);
  ASSERT_TRUE(placed);
  ASSERT_EQ(placed->status, 202u) << placed->body;
  // The entry filled, became a position, and nothing is still on its way.
  ASSERT_TRUE(h.wait_for([&] {
    const auto s = h.status();
    return s.portfolio.fills >= 1 && s.portfolio.positions.size() == 1 &&
           s.execution.in_flight == 0;
  }));
  const auto expected = h.status();

  const auto scraped = h.get("/metrics", read);
  ASSERT_TRUE(scraped);
  ASSERT_EQ(scraped->status, 200u) << scraped->body;
  EXPECT_EQ(scraped->header("content-type"), kPrometheusContentType);
  const std::string& text = scraped->body;

  const auto checked = promtool_check(text);
  EXPECT_EQ(checked.status, 0) << "promtool check metrics:\n"
                               << checked.out << checked.err << "\n--- scrape ---\n"
                               << text;

  EXPECT_EQ(sample(text, R"(nzeza_orders_total{status="sent"})"),
            std::to_string(expected.execution.orders_sent))
      << text;
  EXPECT_GE(expected.execution.orders_sent, 1u);
  EXPECT_EQ(sample(text, R"(nzeza_orders_total{status="refused"})"), "0") << text;
  EXPECT_EQ(sample(text, R"(nzeza_orders_total{status="unknown"})"), "0") << text;
  EXPECT_EQ(sample(text, "nzeza_fills_total"), "1") << "one entry, filled once:\n" << text;
  EXPECT_EQ(sample(text, "nzeza_open_positions"), "1") << text;
  EXPECT_EQ(sample(text, R"(nzeza_position_quantity{symbol="BTC-USD",venue="paper"})"),
            expected.portfolio.positions.at(0).quantity.to_string())
      << text;
  EXPECT_NE(expected.portfolio.positions.at(0).quantity.to_string(), "0");
  const auto price = sample(text, R"(nzeza_reference_price{symbol="BTC-USD"})");
  ASSERT_TRUE(price) << text;
  EXPECT_EQ(price->substr(0, 3), "500") << text;
  EXPECT_EQ(sample(text, R"(nzeza_reference_fresh{symbol="BTC-USD"})"), "1") << text;
  EXPECT_EQ(sample(text, "nzeza_kill_switch"), "0") << text;
  EXPECT_EQ(sample(text, "nzeza_cash"), expected.portfolio.cash.to_string()) << text;
  // The actors and the journal are there: execution handled the order, the journal wrote its
  // intent before it was sent.
  const auto handled = sample(text, R"(nzeza_actor_messages_processed_total{actor="execution"})");
  ASSERT_TRUE(handled) << text;
  EXPECT_GE(std::stoull(*handled), 1u);
  EXPECT_TRUE(sample(text, R"(nzeza_actor_mailbox_depth{actor="execution"})")) << text;
  const auto intents = sample(text, "nzeza_journal_intents_total");
  ASSERT_TRUE(intents) << text;
  EXPECT_GE(std::stoull(*intents), 1u);
  EXPECT_TRUE(sample(text, "nzeza_journal_last_flush_duration_seconds")) << text;
}

// The histograms an order moves: its intent's durable journal write, and its place call to the
// paper venue (through the same ThrottledClient live venues use), on a live scrape.
TEST(ApiMetrics, a_paper_order_moves_the_journal_write_and_the_venue_place_histograms) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string trade = h.add_key(Scope::trade);
  const std::string read = h.add_key(Scope::read);
  const auto before = h.get("/metrics", read);
  ASSERT_TRUE(before);
  EXPECT_EQ(sample(before->body, "nzeza_journal_intent_write_seconds_count"), "0") << before->body;
  EXPECT_FALSE(
      sample(before->body, R"(nzeza_venue_request_seconds_count{venue="paper",op="place"})"))
      << "no place call yet:\n"
      << before->body;

  h.quote("BTC-USD", "50000", "50001");
  ASSERT_TRUE(h.wait_fresh("BTC-USD"));
  const auto placed = h.post("/api/v1/orders", trade, kBuy);
  ASSERT_TRUE(placed);
  ASSERT_EQ(placed->status, 202u) << placed->body;
  ASSERT_TRUE(h.wait_for([&] {
    const auto s = h.status();
    return s.portfolio.fills >= 1 && s.execution.in_flight == 0;
  }));
  const auto expected = h.status();
  const auto scraped = h.get("/metrics", read);
  ASSERT_TRUE(scraped);
  const std::string& text = scraped->body;

  // Every intent was written durably before its order left, and each write was timed.
  const auto writes = sample(text, "nzeza_journal_intent_write_seconds_count");
  ASSERT_TRUE(writes) << text;
  EXPECT_GE(std::stoull(*writes), 1u);
  EXPECT_EQ(sample(text, R"(nzeza_journal_intent_write_seconds_bucket{le="+Inf"})"), *writes);
  EXPECT_EQ(std::stoull(*writes), expected.journal->intent_write.count());
  const auto intents = sample(text, "nzeza_journal_intents_total");
  ASSERT_TRUE(intents);
  EXPECT_EQ(*writes, *intents) << "one timed write per intent";

  // The paper venue answered each place, timed by its ThrottledClient; none failed.
  const auto places =
      sample(text, R"(nzeza_venue_request_seconds_count{venue="paper",op="place"})");
  ASSERT_TRUE(places) << text;
  EXPECT_GE(std::stoull(*places), 1u);
  EXPECT_LE(std::stoull(*places), expected.execution.orders_sent);
  EXPECT_EQ(sample(text, R"(nzeza_venue_request_failures_total{venue="paper",op="place"})"), "0");
  EXPECT_EQ(sample(text, R"(nzeza_venue_rate_limit_waits_total{venue="paper"})"), "0") << text;
  EXPECT_EQ(text.find(R"(nzeza_venue_circuit_state{venue="paper")"), std::string::npos)
      << "the paper venue has no breaker:\n"
      << text;
  // An operator order has no tick behind it: tick-to-order stays empty.
  EXPECT_EQ(sample(text, "nzeza_tick_to_order_seconds_count"), "0") << text;

  const auto checked = promtool_check(text);
  EXPECT_EQ(checked.status, 0) << checked.out << checked.err << "\n--- scrape ---\n" << text;
}

// A strategy's entry on a manual clock: each intent's tick-to-order is the clock time from its
// tick's receipt to the intent, and the histogram holds exactly those.
TEST(ApiMetrics, a_strategy_entry_is_in_the_tick_to_order_histogram_with_its_clock_latency) {
  testsupport::TempDir dir{"nzeza-metrics"};
  ManualClock clock{Timestamp::from_seconds(1'767'225'600)};
  app::Config config = scripted_config();
  config.data_dir = dir.str();
  app::ServerOptions so;
  so.simulate_market = false;
  so.feed = app::MarketFeed::in_process;
  so.manual_dispatch = true;
  std::uint64_t with_tick = 0;
  std::int64_t latency_ns = 0;
  so.on_intent = [&](const venues::PlaceIntent&, Timestamp tick) {
    if (tick.is_zero()) return;
    ++with_tick;
    latency_ns += (clock.now() - tick).count();
  };
  auto made = app::TradingServer::start(config, clock, std::move(so));
  ASSERT_TRUE(made.ok()) << (made ? "" : made.error().message);
  app::TradingServer& server = **made;
  const Instrument* btc = server.registry().find_canonical(Venue::paper, "BTC-USD");
  ASSERT_NE(btc, nullptr);
  auto settle = [&] {
    for (int i = 0; i < 100; ++i)
      if (clock.run_due() == 0 && server.poll() == 0) return;
  };
  auto inject = [&](Venue venue, decltype(MarketEvent::body) body) {
    MarketEvent e;
    e.venue = venue;
    e.instrument = btc->id;
    e.symbol = btc->symbol;
    e.receive_time = clock.now();
    e.body = std::move(body);
    server.inject(e);
    settle();
  };
  // A trend on two venues (one step up per 10 s candle), until the strategies buy.
  Decimal bid = Decimal::from_integer(45'000);
  std::uint64_t next_trade = 1;
  for (int second = 0; second < 600 && with_tick == 0; ++second) {
    if (second % 10 == 0) bid += Decimal::from_integer(15);
    for (const Venue v : {Venue::coinbase, Venue::kraken}) {
      const Decimal b = v == Venue::kraken ? bid + Decimal::from_integer(6) : bid;
      inject(v, Quote{b, Decimal{}, b + btc->tick_size, Decimal{}});
    }
    Trade t;
    t.price = bid + Decimal::from_integer(3);
    t.size = Decimal::one();
    ASSERT_TRUE(TradeId::assign(t.trade_id, "t" + std::to_string(next_trade++)));
    inject(Venue::coinbase, t);
    for (int step = 0; step < 4; ++step) {
      clock.advance(std::chrono::milliseconds(250));
      settle();
    }
  }
  ASSERT_GE(with_tick, 1u) << "the strategies never bought";

  const auto status = server.status();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->tick_to_order.count(), with_tick);
  EXPECT_EQ(static_cast<std::int64_t>(status->tick_to_order.sum_ns), latency_ns);
  EXPECT_EQ(server.tick_to_order().count(), with_tick);
  const std::string text = prometheus_text(*status);
  EXPECT_EQ(sample(text, "nzeza_tick_to_order_seconds_count"), std::to_string(with_tick)) << text;
  EXPECT_EQ(sample(text, R"(nzeza_tick_to_order_seconds_bucket{le="+Inf"})"),
            std::to_string(with_tick));
  // Every quote that moved the reference price was timed to its hand-off to execution.
  EXPECT_GE(status->tick_to_reference.count(), with_tick);
  EXPECT_EQ(sample(text, "nzeza_tick_to_reference_seconds_count"),
            std::to_string(status->tick_to_reference.count()));
  (void)server.stop();
}

TEST(ApiMetrics, metrics_need_a_read_key_and_answer_401_without_one) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const auto anonymous = h.get("/metrics");
  expect_error(anonymous, 401, "unauthorized");
  EXPECT_EQ(anonymous->header("www-authenticate"), "Bearer");
  const auto wrong = h.get("/metrics", "nzk_not_a_key");
  expect_error(wrong, 401, "unauthorized");
  const std::string admin = h.add_key(Scope::admin);
  const auto ok = h.get("/metrics", admin);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200u) << ok->body;
}

TEST(ApiMetrics, every_metric_the_grafana_dashboard_queries_is_a_family_of_a_live_scrape) {
  std::ifstream in(std::string(NZEZA_SOURCE_DIR) + "/docs/grafana-dashboard.json");
  ASSERT_TRUE(in) << "docs/grafana-dashboard.json";
  std::stringstream buffer;
  buffer << in.rdbuf();
  const auto dashboard = parse_json(buffer.str());
  ASSERT_TRUE(dashboard.is_object());
  std::set<std::string> queried;
  // Every `nzeza_[a-z0-9_]+` in a query (a plain scan: std::regex trips g++ 12's
  // -Wmaybe-uninitialized at -O1 under the sanitizers).
  auto names_in = [](const std::string& expr) {
    std::vector<std::string> out;
    auto metric_char = [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    };
    for (std::size_t at = expr.find("nzeza_"); at != std::string::npos;
         at = expr.find("nzeza_", at + 1)) {
      if (at > 0 && metric_char(expr[at - 1])) continue;  // inside a longer word
      std::size_t end = at + 6;
      while (end < expr.size() && metric_char(expr[end])) ++end;
      if (end > at + 6) out.push_back(expr.substr(at, end - at));
      at = end - 1;
    }
    return out;
  };
  for (const auto& panel : dashboard.at("panels").as_array()) {
    const auto* targets = panel.as_object().if_contains("targets");
    if (!targets) continue;
    for (const auto& target : targets->as_array()) {
      const std::string expr(target.at("expr").as_string());
      for (auto& n : names_in(expr)) queried.insert(std::move(n));
    }
  }
  ASSERT_GE(queried.size(), 20u);

  ApiHarness h;
  ASSERT_TRUE(h.api);
  const auto scraped = h.get("/metrics", h.add_key(Scope::read));
  ASSERT_TRUE(scraped);
  ASSERT_EQ(scraped->status, 200u) << scraped->body;
  for (const auto& metric : queried) {
    bool exposed = scraped->body.find("# TYPE " + metric + " ") != std::string::npos;
    // A histogram's series: <family>_bucket, _sum, _count.
    for (const std::string_view suffix : {"_bucket", "_sum", "_count"})
      if (!exposed && metric.size() > suffix.size() && metric.ends_with(suffix))
        exposed = scraped->body.find("# TYPE " + metric.substr(0, metric.size() - suffix.size()) +
                                     " histogram\n") != std::string::npos;
    EXPECT_TRUE(exposed) << "the dashboard queries " << metric
                         << ", which /metrics does not expose";
  }
}

// Hostile label values (quotes, backslashes, line feeds in a feed name and a refusal reason)
// stay inside their labels, and the exposition still passes promtool.
TEST(ApiMetrics, hostile_label_values_are_escaped_and_the_exposition_still_passes_promtool) {
  app::ServerStatus s;
  s.mode = "paper (simulated market)";
  app::FeedStatusLine f;
  f.venue = "evil \"feed\"\\\nnext";
  f.state = "CONNECTED";
  f.live = true;
  f.has_event = true;
  f.age = std::chrono::milliseconds(1500);
  f.has_counters = true;
  f.frames = 10;
  f.decode_errors = 2;
  s.feeds.push_back(f);
  s.execution.refusals = {{"risk: \"max\" exposure\nreached", 3}};
  s.execution.orders_sent = 7;
  app::ActorStatusLine a;
  a.name = "shard-0";
  a.metrics.depth = 4;
  a.metrics.dropped = 9;
  s.actors = {a, a};  // the same name twice: exposed once
  s.journal = app::JournalStatusLine{};
  s.journal->last_flush_duration = std::chrono::microseconds(250);

  const std::string text = prometheus_text(s);
  const std::string feed = R"(evil \"feed\"\\\nnext)";
  EXPECT_EQ(sample(text, "nzeza_feed_up{feed=\"" + feed + "\"}"), "1") << text;
  EXPECT_EQ(sample(text, "nzeza_feed_age_seconds{feed=\"" + feed + "\"}"), "1.5") << text;
  EXPECT_EQ(sample(text, "nzeza_feed_decode_errors_total{feed=\"" + feed + "\"}"), "2") << text;
  EXPECT_EQ(sample(text, R"(nzeza_refusals_total{reason="risk: \"max\" exposure\nreached"})"), "3")
      << text;
  EXPECT_EQ(sample(text, R"(nzeza_actor_messages_dropped_total{actor="shard-0"})"), "9") << text;
  EXPECT_EQ(sample(text, "nzeza_journal_last_flush_duration_seconds"), "0.00025") << text;
  EXPECT_EQ(text.find("nzeza_actor_mailbox_depth{actor=\"shard-0\"} 4\nnzeza_actor_mailbox_depth"),
            std::string::npos)
      << "a series appears twice:\n"
      << text;

  const auto checked = promtool_check(text);
  EXPECT_EQ(checked.status, 0) << checked.out << checked.err << "\n--- exposition ---\n" << text;
}

}  // namespace
}  // namespace nzeza::api::test

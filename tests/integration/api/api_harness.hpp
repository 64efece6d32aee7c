#pragma once
// A real TradingServer (paper, scripted prices, its actors on their own threads, a ManualClock)
// with a real OperatorApi on an ephemeral loopback port. Tests talk HTTP to it (raw_http.hpp)
// and wait for the server's state with wait_until — firing the clock's due timers on the way,
// since the paper venue answers on them.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/operator_api.hpp"
#include "app/config/config.hpp"
#include "app/trading_server.hpp"
#include "core/clock.hpp"
#include "integration/api/raw_http.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace nzeza::api::test {

inline app::Config scripted_config() {
  app::Config c;
  c.paper.symbols = {"BTC-USD"};
  c.risk.min_confidence = 0.5;
  c.risk.max_trades_per_hour = 100;
  c.risk.max_trades_per_day = 500;
  c.api.port = 0;
  return c;
}

struct ApiHarness {
  testsupport::TempDir dir{"nzeza-api"};
  ManualClock clock{Timestamp::from_seconds(1'767'225'600)};  // 2026-01-01T00:00:00Z
  app::Config config;
  std::unique_ptr<app::TradingServer> server;
  std::unique_ptr<OperatorApi> api;
  std::mutex mu;
  std::vector<std::string> lines;  // every event and API log line of the run
  std::uint64_t next_trade = 1;

  explicit ApiHarness(OperatorApiOptions options = {}, app::Config c = scripted_config())
      : config(std::move(c)) {
    config.data_dir = dir.str();
    app::ServerOptions so;
    so.simulate_market = false;
    so.feed = app::MarketFeed::in_process;
    so.manual_dispatch = false;
    so.on_event = [this](const app::TradeEvent& e) { capture(e.kind + ": " + e.text); };
    auto made = app::TradingServer::start(config, clock, std::move(so));
    EXPECT_TRUE(made.ok()) << (made ? "" : made.error().message);
    if (!made) return;
    server = std::move(*made);
    options.service.log = [this](std::string_view line) { capture(std::string(line)); };
    auto started = OperatorApi::start(*server, clock, config, std::move(options));
    EXPECT_TRUE(started.ok()) << (started ? "" : started.error().message);
    if (started) api = std::move(*started);
  }
  ~ApiHarness() {
    if (api) api->stop();
    if (server) (void)server->stop();
  }

  void capture(std::string line) {
    std::lock_guard lock(mu);
    lines.push_back(std::move(line));
  }
  std::vector<std::string> log() {
    std::lock_guard lock(mu);
    return lines;
  }

  [[nodiscard]] std::uint16_t port() const { return api->port(); }

  std::string add_key(Scope scope, std::string_view name = {}) {
    auto k = api->keys().add(scope, name, clock.now());
    EXPECT_TRUE(k.ok()) << (k ? "" : k.error().message);
    return k ? k->key : std::string{};
  }

  std::optional<RawResponse> get(std::string_view path, std::string_view token = {}) {
    return http_request(port(), "GET", path, token);
  }
  std::optional<RawResponse> post(std::string_view path, std::string_view token,
                                  std::string_view body) {
    return http_request(port(), "POST", path, token, body);
  }

  // A top of book for a symbol, from coinbase, carrying the paper instrument's ids.
  void quote(std::string_view symbol, std::string_view bid, std::string_view ask) {
    const Instrument* i = server->registry().find_canonical(Venue::paper, symbol);
    ASSERT_NE(i, nullptr) << symbol;
    MarketEvent e;
    e.venue = Venue::coinbase;
    e.instrument = i->id;
    e.symbol = i->symbol;
    e.receive_time = clock.now();
    e.body = Quote{*Decimal::parse(bid), Decimal{}, *Decimal::parse(ask), Decimal{}};
    server->inject(e);
  }

  app::ServerStatus status() {
    auto s = server->status();
    EXPECT_TRUE(s.ok()) << (s ? "" : s.error().message);
    return s.ok() ? *s : app::ServerStatus{};
  }

  // Waits for `pred`, firing due timers meanwhile (the paper venue's answers).
  template <typename Pred>
  bool wait_for(Pred&& pred) {
    return testsupport::wait_until([&] {
      clock.run_due();
      return pred();
    });
  }

  bool wait_fresh(std::string_view symbol) {
    return wait_for([&] {
      for (const auto& s : status().symbols)
        if (s.symbol == symbol && s.fresh && s.reference) return true;
      return false;
    });
  }

  std::uint64_t refusals(std::string_view reason) {
    for (const auto& [r, n] : status().execution.refusals)
      if (r == reason) return n;
    return 0;
  }
};

inline boost::json::value parse_json(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  EXPECT_FALSE(ec) << body;
  return v;
}

// The API's one error shape: {"error":{"code": <code>, "message": non-empty}}.
inline void expect_error(const std::optional<RawResponse>& r, unsigned status,
                         std::string_view code) {
  ASSERT_TRUE(r.has_value()) << "no response";
  EXPECT_EQ(r->status, status) << r->body;
  const auto v = parse_json(r->body);
  ASSERT_TRUE(v.is_object()) << r->body;
  const auto* err = v.as_object().if_contains("error");
  ASSERT_TRUE(err && err->is_object()) << r->body;
  EXPECT_EQ(err->as_object().at("code").as_string(), code) << r->body;
  EXPECT_FALSE(err->as_object().at("message").as_string().empty()) << r->body;
}

}  // namespace nzeza::api::test

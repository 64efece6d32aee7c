// The operator API's routes against a real paper trading server: the kill switch and manual
// orders go through the execution actor and its risk gate; history comes from the journal; the
// OpenAPI document matches the routes served; no key appears in any log line or response.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "integration/api/api_harness.hpp"

namespace nzeza::api::test {
namespace {

constexpr std::string_view kBuy = R"({"symbol":"BTC-USD","side":"buy","confidence":0.9})";

TEST(ApiRoutes, a_manual_order_goes_through_the_risk_gate_fills_and_shows_in_every_view) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string trade = h.add_key(Scope::trade, "desk");
  h.quote("BTC-USD", "50000", "50001");
  ASSERT_TRUE(h.wait_fresh("BTC-USD"));

  const auto placed = h.post("/api/v1/orders", trade, kBuy);
  ASSERT_TRUE(placed);
  ASSERT_EQ(placed->status, 202u) << placed->body;
  EXPECT_TRUE(parse_json(placed->body).at("submitted").as_bool());

  ASSERT_TRUE(h.wait_for([&] { return h.status().portfolio.fills >= 1; }));
  EXPECT_GE(h.status().execution.orders_sent, 1u);  // the entry (and its native stop-loss)

  const auto positions = h.get("/api/v1/positions", trade);
  ASSERT_TRUE(positions);
  ASSERT_EQ(positions->status, 200u);
  const auto positions_json = parse_json(positions->body);
  const auto& list = positions_json.at("positions").as_array();
  ASSERT_EQ(list.size(), 1u) << positions->body;
  EXPECT_EQ(list[0].at("symbol").as_string(), "BTC-USD");
  EXPECT_NE(list[0].at("quantity").as_string(), "0");

  const auto trades = h.get("/api/v1/trades?since=0", trade);
  ASSERT_TRUE(trades);
  ASSERT_EQ(trades->status, 200u) << trades->body;
  const auto trades_json = parse_json(trades->body);
  const auto& fills = trades_json.at("trades").as_array();
  ASSERT_EQ(fills.size(), 1u) << "one entry, filled once: " << trades->body;
  EXPECT_EQ(fills[0].at("side").as_string(), "buy");

  const auto prices = h.get("/api/v1/prices", trade);
  ASSERT_TRUE(prices);
  const auto p = parse_json(prices->body).at("prices").as_array();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(std::string(p[0].at("reference").as_string()).substr(0, 3), "500") << prices->body;

  const auto portfolio = h.get("/api/v1/portfolio", trade);
  ASSERT_TRUE(portfolio);
  EXPECT_EQ(parse_json(portfolio->body).at("fills").to_number<std::uint64_t>(),
            h.status().portfolio.fills);

  const auto audit = h.get("/api/v1/audit", trade);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->status, 200u) << audit->body;
  bool audited_fill = false;
  const auto audit_json = parse_json(audit->body);
  for (const auto& line : audit_json.at("audit").as_array())
    audited_fill = audited_fill || line.at("kind").as_string() == "fill";
  EXPECT_TRUE(audited_fill) << audit->body;
  expect_error(h.get("/api/v1/trades?since=-1", trade), 400, "invalid_argument");
}

TEST(ApiRoutes, the_kill_switch_engaged_through_the_api_refuses_manual_entries_until_released) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string admin = h.add_key(Scope::admin, "ops");
  h.quote("BTC-USD", "50000", "50001");
  ASSERT_TRUE(h.wait_fresh("BTC-USD"));

  const auto engaged =
      h.post("/api/v1/kill-switch", admin, R"({"engage":true,"reason":"maintenance"})");
  ASSERT_TRUE(engaged);
  ASSERT_EQ(engaged->status, 200u) << engaged->body;
  ASSERT_TRUE(h.wait_for([&] { return h.status().execution.kill_switch; }));
  const auto state = h.get("/api/v1/kill-switch", admin);
  ASSERT_TRUE(state);
  EXPECT_TRUE(parse_json(state->body).at("engaged").as_bool());

  // Accepted by the API, refused by the risk gate: nothing is sent.
  const auto placed = h.post("/api/v1/orders", admin, kBuy);
  ASSERT_TRUE(placed);
  ASSERT_EQ(placed->status, 202u) << placed->body;
  ASSERT_TRUE(h.wait_for([&] { return h.refusals("risk: kill_switch_engaged") == 1; }));
  EXPECT_EQ(h.status().execution.orders_sent, 0u);
  const auto status = h.get("/api/v1/status", admin);
  ASSERT_TRUE(status);
  EXPECT_EQ(parse_json(status->body)
                .at("refusals")
                .at("risk: kill_switch_engaged")
                .to_number<std::uint64_t>(),
            1u);

  const auto released = h.post("/api/v1/kill-switch", admin, R"({"engage":false})");
  ASSERT_TRUE(released);
  ASSERT_EQ(released->status, 200u);
  ASSERT_TRUE(h.wait_for([&] { return !h.status().execution.kill_switch; }));
  ASSERT_EQ(h.post("/api/v1/orders", admin, kBuy)->status, 202u);
  ASSERT_TRUE(h.wait_for([&] { return h.status().execution.orders_sent >= 1; }));
  EXPECT_EQ(h.refusals("risk: kill_switch_engaged"), 1u);
}

TEST(ApiRoutes, a_manual_order_with_bad_input_is_400_and_an_unknown_symbol_404) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string trade = h.add_key(Scope::trade);
  expect_error(h.post("/api/v1/orders", trade, "not json"), 400, "bad_request");
  expect_error(h.post("/api/v1/orders", trade, R"({"symbol":"BTC-USD","side":"hold"})"), 400,
               "bad_request");
  expect_error(h.post("/api/v1/orders", trade, R"({"side":"buy"})"), 400, "bad_request");
  expect_error(
      h.post("/api/v1/orders", trade, R"({"symbol":"BTC-USD","side":"buy","confidence":7})"), 400,
      "bad_request");
  expect_error(h.post("/api/v1/orders", trade, R"({"symbol":"DOGE-EUR","side":"buy"})"), 404,
               "not_found");
  expect_error(h.post("/api/v1/kill-switch", h.add_key(Scope::admin), R"({"engage":"yes"})"), 400,
               "bad_request");
  EXPECT_EQ(h.status().execution.signals, 0u) << "nothing reached execution";
}

TEST(ApiRoutes, the_configuration_is_served_with_credentials_redacted) {
  app::Config c = scripted_config();
  app::VenueConfig v;
  v.venue = Venue::binance;
  v.credentials.kind = app::CredentialsSource::Kind::env;
  v.credentials.value = "NZEZA_SECRET_PREFIX";
  c.venues.push_back(v);
  ApiHarness h({}, c);
  ASSERT_TRUE(h.api);
  const auto r = h.get("/api/v1/config", h.add_key(Scope::read));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200u) << r->body;
  EXPECT_EQ(r->body.find("NZEZA_SECRET_PREFIX"), std::string::npos) << r->body;
  const auto v2 = parse_json(r->body);
  EXPECT_EQ(v2.at("venues").as_array()[0].at("credentials").as_string(), "<redacted>");
  EXPECT_EQ(v2.at("mode").as_string(), "paper");
}

TEST(ApiRoutes, every_served_route_is_documented_and_every_documented_operation_is_served) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string admin = h.add_key(Scope::admin);
  const auto doc_response = h.get("/api/v1/openapi.json");
  ASSERT_TRUE(doc_response);
  ASSERT_EQ(doc_response->status, 200u);
  const auto doc = parse_json(doc_response->body);
  EXPECT_EQ(std::string(doc.at("openapi").as_string()).substr(0, 2), "3.");

  std::set<std::pair<std::string, std::string>> documented;
  std::map<std::pair<std::string, std::string>, std::string> documented_scope;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      std::string m(method);
      for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.insert({m, std::string(path)});
      documented_scope[{m, std::string(path)}] = std::string(op.at("x-nzeza-scope").as_string());
    }
  }
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& r : h.api->service().routes()) {
    served.insert({r.method, r.path});
    EXPECT_EQ((documented_scope[{r.method, r.path}]), r.scope) << r.method << ' ' << r.path;
  }
  EXPECT_EQ(served, documented);

  // And over HTTP: each documented operation is routed (no 404 "no route", no 405). A path
  // parameter is given a value; an unknown order is a 404 of the handler, not of the router.
  for (const auto& [method, path] : documented) {
    std::string target = path;
    const auto brace = target.find('{');
    if (brace != std::string::npos) target = target.substr(0, brace) + "12345";
    const auto r = http_request(h.port(), method, target, admin, method == "POST" ? "{}" : "");
    ASSERT_TRUE(r) << method << ' ' << target;
    if (brace == std::string::npos) {
      EXPECT_NE(r->status, 404u) << method << ' ' << target << ": " << r->body;
    }
    EXPECT_EQ(r->body.find("no route"), std::string::npos) << method << ' ' << target;
    EXPECT_NE(r->status, 405u) << method << ' ' << target << ": " << r->body;
  }
}

TEST(ApiRoutes, no_key_or_key_hash_appears_in_any_log_line_or_response_of_a_run) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string admin = h.add_key(Scope::admin, "ops");
  const std::string read = h.add_key(Scope::read, "viewer");
  std::vector<std::string> seen;
  auto keep = [&](const std::optional<RawResponse>& r) {
    ASSERT_TRUE(r);
    std::string all = std::to_string(r->status) + "\n";
    for (const auto& [k, v] : r->headers) all += k + ": " + v + "\n";
    seen.push_back(all + r->body);
  };
  h.quote("BTC-USD", "50000", "50001");
  ASSERT_TRUE(h.wait_fresh("BTC-USD"));
  keep(h.post("/api/v1/orders", admin, kBuy));
  ASSERT_TRUE(h.wait_for([&] { return h.status().portfolio.fills >= 1; }));
  keep(h.post("/api/v1/orders", read, kBuy));                        // 403, logged
  keep(h.post("/api/v1/kill-switch", admin, R"({"engage":true})"));  // logged
  std::string wrong = admin;
  wrong[10] = wrong[10] == 'a' ? 'b' : 'a';
  keep(h.get("/api/v1/positions", wrong));  // 401, logged
  for (const auto& r : h.api->service().routes())
    if (r.method == "GET") keep(http_request(h.port(), "GET", r.path, admin));

  // The stored hashes, as written in the key file.
  std::vector<std::string> secrets{admin, read, wrong, admin.substr(4), read.substr(4)};
  {
    std::ifstream in(key_file_path(h.config.data_dir));
    for (std::string line; std::getline(in, line);) {
      const auto f1 = line.find('\t', line.find('\t', line.find('\t') + 1) + 1);
      secrets.push_back(line.substr(f1 + 1, 64));
    }
  }
  ASSERT_EQ(secrets.size(), 7u);
  const auto lines = h.log();
  ASSERT_FALSE(lines.empty());
  bool logged_refusal = false;
  for (const auto& line : lines) {
    logged_refusal = logged_refusal || line.find("403") != std::string::npos;
    for (const auto& s : secrets) EXPECT_EQ(line.find(s), std::string::npos) << line;
  }
  EXPECT_TRUE(logged_refusal);
  for (const auto& body : seen)
    for (const auto& s : secrets) EXPECT_EQ(body.find(s), std::string::npos) << body;
}

}  // namespace
}  // namespace nzeza::api::test

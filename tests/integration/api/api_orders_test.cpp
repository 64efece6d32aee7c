// The operator API's order routes against a real paper trading server: one order's status with
// its fills, cancel one and cancel all through the execution actor (the exits protecting a held
// position only by force), and manual orders with an explicit quantity — checked against the
// instrument's rules and always through the risk gate.
#include <gtest/gtest.h>

#include "integration/api/api_harness.hpp"

namespace nzeza::api::test {
namespace {

constexpr std::string_view kBuy = R"({"symbol":"BTC-USD","side":"buy","confidence":0.9})";

std::optional<RawResponse> del(ApiHarness& h, std::string_view path, std::string_view token) {
  return http_request(h.port(), "DELETE", path, token);
}

// The open orders GET /orders lists, as (client_id, description).
std::vector<std::pair<std::string, std::string>> open_orders(ApiHarness& h,
                                                             std::string_view token) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto r = h.get("/api/v1/orders", token);
  if (!r || r->status != 200) return out;
  const auto v = parse_json(r->body);
  for (const auto& o : v.at("open_orders").as_array())
    out.emplace_back(std::string(o.at("client_order_id").as_string()),
                     std::string(o.at("description").as_string()));
  return out;
}

// The client id of the resting order whose description starts with `what` ("" none).
std::string resting(ApiHarness& h, std::string_view token, std::string_view what) {
  for (const auto& [id, description] : open_orders(h, token))
    if (description.rfind(what, 0) == 0) return id;
  return {};
}

std::string order_state(ApiHarness& h, std::string_view token, const std::string& id) {
  const auto r = h.get("/api/v1/orders/" + id, token);
  if (!r || r->status != 200) return {};
  return std::string(parse_json(r->body).at("state").as_string());
}

// A filled entry with its native stop-loss resting at the paper venue (spot: the take-profit is
// watched locally, both would lock the same coins).
struct HeldPosition {
  std::string stop_loss;
};
HeldPosition hold_a_position(ApiHarness& h, std::string_view trade) {
  HeldPosition p;
  h.quote("BTC-USD", "50000", "50001");
  EXPECT_TRUE(h.wait_fresh("BTC-USD"));
  const auto placed = h.post("/api/v1/orders", trade, kBuy);
  EXPECT_TRUE(placed && placed->status == 202u);
  EXPECT_TRUE(h.wait_for([&] {
    p.stop_loss = resting(h, trade, "stop_loss");
    return !p.stop_loss.empty() && order_state(h, trade, p.stop_loss) == "open";
  }));
  return p;
}

TEST(ApiOrders, an_exit_protecting_a_position_is_refused_409_and_cancelled_only_with_force) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string trade = h.add_key(Scope::trade, "desk");
  const HeldPosition p = hold_a_position(h, trade);
  ASSERT_FALSE(p.stop_loss.empty());

  const auto refused = del(h, "/api/v1/orders/" + p.stop_loss, trade);
  expect_error(refused, 409, "invalid_state");
  EXPECT_NE(refused->body.find("force=true"), std::string::npos) << refused->body;
  EXPECT_NE(refused->body.find("stop"), std::string::npos) << refused->body;
  EXPECT_EQ(order_state(h, trade, p.stop_loss), "open");

  const auto forced = del(h, "/api/v1/orders/" + p.stop_loss + "?force=true", trade);
  ASSERT_TRUE(forced);
  ASSERT_EQ(forced->status, 202u) << forced->body;
  const auto answer = parse_json(forced->body);
  ASSERT_EQ(answer.at("cancelling").as_array().size(), 1u) << forced->body;
  EXPECT_EQ(answer.at("cancelling").as_array()[0].at("client_id").as_string(), p.stop_loss);
  ASSERT_TRUE(h.wait_for([&] { return order_state(h, trade, p.stop_loss) == "cancelled"; }));
  // The position is still held, and the operator was warned it is unprotected.
  EXPECT_EQ(h.status().portfolio.positions.size(), 1u);
  const auto alerts = h.get("/api/v1/alerts", trade);
  ASSERT_TRUE(alerts);
  ASSERT_EQ(alerts->status, 200u) << alerts->body;
  bool warned = false;
  const auto alerts_json = parse_json(alerts->body);
  for (const auto& a : alerts_json.at("alerts").as_array())
    warned = warned ||
             (a.at("level").as_string() == "warning" &&
              std::string(a.at("message").as_string()).find("unprotected") != std::string::npos);
  EXPECT_TRUE(warned) << alerts->body;

  // Already final: 409; unknown: 404.
  expect_error(del(h, "/api/v1/orders/" + p.stop_loss, trade), 409, "invalid_state");
  expect_error(del(h, "/api/v1/orders/99", trade), 404, "not_found");
  expect_error(h.get("/api/v1/orders/99", trade), 404, "not_found");
  expect_error(del(h, "/api/v1/orders/" + p.stop_loss, h.add_key(Scope::read)), 403, "forbidden");
}

TEST(ApiOrders, cancel_all_keeps_the_exits_of_a_held_position_unless_forced) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string trade = h.add_key(Scope::trade);
  const HeldPosition p = hold_a_position(h, trade);
  ASSERT_FALSE(p.stop_loss.empty());

  expect_error(del(h, "/api/v1/orders?symbol=DOGE-EUR", trade), 404, "not_found");
  const auto kept = del(h, "/api/v1/orders", trade);
  ASSERT_TRUE(kept);
  ASSERT_EQ(kept->status, 202u) << kept->body;
  const auto kept_json = parse_json(kept->body);
  EXPECT_TRUE(kept_json.at("cancelling").as_array().empty()) << kept->body;
  ASSERT_EQ(kept_json.at("kept").as_array().size(), 1u) << kept->body;
  EXPECT_EQ(kept_json.at("kept").as_array()[0].at("client_id").as_string(), p.stop_loss);
  EXPECT_EQ(open_orders(h, trade).size(), 1u);

  const auto forced = del(h, "/api/v1/orders?symbol=BTC-USD&force=true", trade);
  ASSERT_TRUE(forced);
  ASSERT_EQ(forced->status, 202u) << forced->body;
  EXPECT_EQ(parse_json(forced->body).at("cancelling").as_array().size(), 1u) << forced->body;
  ASSERT_TRUE(h.wait_for([&] { return open_orders(h, trade).empty(); }));
  EXPECT_EQ(order_state(h, trade, p.stop_loss), "cancelled");
  EXPECT_EQ(h.status().portfolio.positions.size(), 1u);
}

TEST(ApiOrders, a_manual_quantity_passes_the_risk_gate_and_fills_exactly_that_quantity) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string trade = h.add_key(Scope::trade);
  h.quote("BTC-USD", "50000", "50001");
  ASSERT_TRUE(h.wait_fresh("BTC-USD"));

  const auto placed =
      h.post("/api/v1/orders", trade, R"({"symbol":"BTC-USD","side":"buy","quantity":"0.0123"})");
  ASSERT_TRUE(placed);
  ASSERT_EQ(placed->status, 202u) << placed->body;
  const std::string id(parse_json(placed->body).at("client_id").as_string());
  ASSERT_TRUE(h.wait_for([&] { return order_state(h, trade, id) == "filled"; }));

  const auto order = h.get("/api/v1/orders/" + id, trade);
  ASSERT_TRUE(order);
  const auto o = parse_json(order->body);
  EXPECT_EQ(o.at("purpose").as_string(), "manual");
  EXPECT_TRUE(o.at("final").as_bool());
  EXPECT_EQ(*Decimal::parse(o.at("quantity").as_string()), *Decimal::parse("0.0123"));
  EXPECT_EQ(*Decimal::parse(o.at("filled").as_string()), *Decimal::parse("0.0123"));
  ASSERT_EQ(o.at("fills").as_array().size(), 1u) << order->body;
  ASSERT_TRUE(h.wait_for([&] { return h.status().portfolio.positions.size() == 1; }));
  EXPECT_EQ(h.status().portfolio.positions[0].quantity, *Decimal::parse("0.0123"));
  // Protected like any entry: its exits are armed at the venue.
  ASSERT_TRUE(h.wait_for([&] { return !resting(h, trade, "stop_loss").empty(); }));

  // A symbol holding a position takes no manual quantity (close it with a signal).
  expect_error(
      h.post("/api/v1/orders", trade, R"({"symbol":"BTC-USD","side":"buy","quantity":"0.01"})"),
      409, "invalid_state");
}

TEST(ApiOrders, a_manual_market_quantity_fills_when_the_mid_falls_between_two_ticks) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string trade = h.add_key(Scope::trade);
  h.quote("BTC-USD", "50000.00", "50000.01");  // mid 50000.005: off the 0.01 grid
  ASSERT_TRUE(h.wait_fresh("BTC-USD"));
  const auto placed =
      h.post("/api/v1/orders", trade, R"({"symbol":"BTC-USD","side":"buy","quantity":"0.0100"})");
  ASSERT_TRUE(placed);
  ASSERT_EQ(placed->status, 202u) << placed->body;
  const std::string id(parse_json(placed->body).at("client_id").as_string());
  ASSERT_TRUE(h.wait_for([&] { return order_state(h, trade, id) == "filled"; }));
}

TEST(ApiOrders, a_manual_limit_order_is_an_ioc_that_fills_within_its_price_or_not_at_all) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string trade = h.add_key(Scope::trade);
  h.quote("BTC-USD", "50000", "50001");
  ASSERT_TRUE(h.wait_fresh("BTC-USD"));
  auto final_order = [&](const std::string& id) {
    boost::json::value o;
    EXPECT_TRUE(h.wait_for([&] {
      const auto r = h.get("/api/v1/orders/" + id, trade);
      if (!r || r->status != 200) return false;
      o = parse_json(r->body);
      return o.at("final").as_bool();
    }));
    return o;
  };

  // Below the ask: nothing fills, nothing rests, the symbol is free again.
  const auto low = h.post("/api/v1/orders", trade,
                          R"({"symbol":"BTC-USD","side":"buy","quantity":"0.001",)"
                          R"("limit_price":"49000.00"})");
  ASSERT_TRUE(low);
  ASSERT_EQ(low->status, 202u) << low->body;
  const auto missed = final_order(std::string(parse_json(low->body).at("client_id").as_string()));
  ASSERT_TRUE(missed.is_object());
  EXPECT_EQ(missed.at("type").as_string(), "limit");
  EXPECT_EQ(*Decimal::parse(missed.at("price").as_string()), *Decimal::parse("49000"));
  EXPECT_TRUE(missed.at("fills").as_array().empty()) << missed;
  EXPECT_NE(missed.at("state").as_string(), "filled") << missed;
  EXPECT_TRUE(open_orders(h, trade).empty());

  // Above the ask: filled, at no worse than the limit.
  const auto high = h.post("/api/v1/orders", trade,
                           R"({"symbol":"BTC-USD","side":"buy","quantity":"0.001",)"
                           R"("limit_price":"50100"})");
  ASSERT_TRUE(high);
  ASSERT_EQ(high->status, 202u) << high->body;
  const auto filled = final_order(std::string(parse_json(high->body).at("client_id").as_string()));
  ASSERT_TRUE(filled.is_object());
  EXPECT_EQ(filled.at("state").as_string(), "filled") << filled;
  ASSERT_EQ(filled.at("fills").as_array().size(), 1u) << filled;
  EXPECT_LE(*Decimal::parse(filled.at("fills").as_array()[0].at("price").as_string()),
            *Decimal::parse("50100"));
}

TEST(ApiOrders, a_manual_quantity_off_the_rules_is_422_naming_the_rule_and_nothing_is_sent) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string trade = h.add_key(Scope::trade);
  h.quote("BTC-USD", "50000", "50001");
  ASSERT_TRUE(h.wait_fresh("BTC-USD"));
  auto post = [&](std::string_view body) { return h.post("/api/v1/orders", trade, body); };

  const auto off_lot = post(R"({"symbol":"BTC-USD","side":"buy","quantity":"0.00015"})");
  expect_error(off_lot, 422, "invalid_order");
  EXPECT_NE(off_lot->body.find("lot size 0.0001"), std::string::npos) << off_lot->body;
  const auto off_tick =
      post(R"({"symbol":"BTC-USD","side":"buy","quantity":"0.001","limit_price":"50000.005"})");
  expect_error(off_tick, 422, "invalid_order");
  EXPECT_NE(off_tick->body.find("tick size 0.01"), std::string::npos) << off_tick->body;
  // Spot: a sell when flat would be a short.
  expect_error(post(R"({"symbol":"BTC-USD","side":"sell","quantity":"0.001"})"), 422,
               "invalid_order");
  // Exact decimals only: a JSON number, garbage, zero.
  expect_error(post(R"({"symbol":"BTC-USD","side":"buy","quantity":0.001})"), 400, "bad_request");
  expect_error(post(R"({"symbol":"BTC-USD","side":"buy","quantity":"lots"})"), 400, "bad_request");
  expect_error(post(R"({"symbol":"BTC-USD","side":"buy","quantity":"0"})"), 422, "invalid_order");
  expect_error(post(R"({"symbol":"BTC-USD","side":"buy","limit_price":"50000"})"), 400,
               "bad_request");
  expect_error(post(R"({"symbol":"DOGE-EUR","side":"buy","quantity":"1"})"), 404, "not_found");
  EXPECT_EQ(h.status().execution.orders_sent, 0u);
}

TEST(ApiOrders, a_manual_quantity_never_bypasses_the_risk_gate) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string admin = h.add_key(Scope::admin);
  h.quote("BTC-USD", "50000", "50001");
  ASSERT_TRUE(h.wait_fresh("BTC-USD"));

  // 1 BTC at 50000 is far above max_order_notional (10000).
  const auto too_big =
      h.post("/api/v1/orders", admin, R"({"symbol":"BTC-USD","side":"buy","quantity":"1"})");
  expect_error(too_big, 422, "risk_refused");

  ASSERT_EQ(h.post("/api/v1/kill-switch", admin, R"({"engage":true})")->status, 200u);
  ASSERT_TRUE(h.wait_for([&] { return h.status().execution.kill_switch; }));
  const auto killed =
      h.post("/api/v1/orders", admin, R"({"symbol":"BTC-USD","side":"buy","quantity":"0.001"})");
  expect_error(killed, 422, "risk_refused");
  EXPECT_NE(killed->body.find("kill"), std::string::npos) << killed->body;
  EXPECT_EQ(h.refusals("risk: kill_switch_engaged"), 1u);
  EXPECT_EQ(h.status().execution.orders_sent, 0u);

  // Both refusals are alerts.
  const auto alerts = h.get("/api/v1/alerts?limit=10", admin);
  ASSERT_TRUE(alerts);
  std::size_t refusals = 0;
  const auto alerts_json = parse_json(alerts->body);
  for (const auto& a : alerts_json.at("alerts").as_array())
    refusals += a.at("source").as_string() == "refusal" ? 1 : 0;
  EXPECT_EQ(refusals, 2u) << alerts->body;
  expect_error(h.get("/api/v1/alerts?limit=0", admin), 400, "invalid_argument");
}

}  // namespace
}  // namespace nzeza::api::test

// Access to the operator API: keys as Bearer tokens (hashed at rest, compared in constant time),
// scopes per route, a token bucket per key and per source address — against a real trading
// server and a real HTTP server on loopback.
#include <gtest/gtest.h>

#include "integration/api/api_harness.hpp"

namespace nzeza::api::test {
namespace {

TEST(ApiAccess, a_request_without_a_key_gets_401_with_the_error_shape_and_a_bearer_challenge) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const auto r = h.get("/api/v1/positions");
  expect_error(r, 401, "unauthorized");
  EXPECT_EQ(r->header("www-authenticate"), "Bearer");
}

TEST(ApiAccess,
     a_wrong_key_gets_401_and_a_key_revoked_on_disk_is_refused_by_the_running_server_within_1_s) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string key = h.add_key(Scope::read, "dashboard");
  auto ok = h.get("/api/v1/positions", key);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200u) << ok->body;

  std::string wrong = key;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  expect_error(h.get("/api/v1/positions", wrong), 401, "unauthorized");
  expect_error(h.get("/api/v1/positions", "nzk_short"), 401, "unauthorized");

  // Revoked from another KeyStore on the same file, as `nzeza keys revoke` does.
  KeyStore cli(key_file_path(h.config.data_dir));
  auto revoked = cli.revoke("dashboard");
  ASSERT_TRUE(revoked.ok()) << revoked.error().message;
  EXPECT_EQ(*revoked, 1u);
  // The server looks at the keys file at most once a second (of its clock), not per request.
  h.clock.advance(KeyStore::kRecheck);
  expect_error(h.get("/api/v1/positions", key), 401, "unauthorized");
}

TEST(ApiAccess, a_read_key_gets_403_on_trade_and_admin_routes_and_higher_scopes_pass) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string read = h.add_key(Scope::read);
  const std::string trade = h.add_key(Scope::trade);
  const std::string admin = h.add_key(Scope::admin);

  expect_error(h.post("/api/v1/orders", read, R"({"symbol":"BTC-USD","side":"buy"})"), 403,
               "forbidden");
  expect_error(h.post("/api/v1/kill-switch", read, R"({"engage":true})"), 403, "forbidden");
  expect_error(h.post("/api/v1/kill-switch", trade, R"({"engage":true})"), 403, "forbidden");

  const auto engaged = h.post("/api/v1/kill-switch", admin, R"({"engage":true})");
  ASSERT_TRUE(engaged);
  EXPECT_EQ(engaged->status, 200u) << engaged->body;
  // A key of a higher scope reads too.
  const auto read_by_admin = h.get("/api/v1/kill-switch", admin);
  ASSERT_TRUE(read_by_admin);
  EXPECT_EQ(read_by_admin->status, 200u);
}

TEST(ApiAccess, a_key_past_its_bucket_gets_429_with_retry_after_and_another_key_is_not_slowed) {
  OperatorApiOptions o;
  o.service.per_key = {3, 0.5};  // 3 at once, then one every 2 s of the clock
  ApiHarness h(o);
  ASSERT_TRUE(h.api);
  const std::string noisy = h.add_key(Scope::read, "noisy");
  const std::string calm = h.add_key(Scope::read, "calm");
  for (int i = 0; i < 3; ++i) {
    const auto r = h.get("/api/v1/config", noisy);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u) << i;
  }
  const auto limited = h.get("/api/v1/config", noisy);
  expect_error(limited, 429, "rate_limited");
  EXPECT_EQ(limited->header("retry-after"), "2");

  const auto other = h.get("/api/v1/config", calm);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200u) << "one key's bucket never slows another";

  h.clock.advance(std::chrono::seconds(2));
  const auto again = h.get("/api/v1/config", noisy);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200u) << "a token back after Retry-After";
}

TEST(ApiAccess, callers_without_a_valid_key_are_limited_per_address_and_guessing_costs_tokens) {
  OperatorApiOptions o;
  o.service.per_address = {2, 0.25};
  ApiHarness h(o);
  ASSERT_TRUE(h.api);
  const std::string key = h.add_key(Scope::read);
  EXPECT_EQ(h.get("/api/v1/health")->status, 200u);
  expect_error(h.get("/api/v1/positions", "nzk_guess"), 401, "unauthorized");
  const auto limited = h.get("/api/v1/health");
  expect_error(limited, 429, "rate_limited");
  EXPECT_EQ(limited->header("retry-after"), "4");
  expect_error(h.get("/api/v1/positions", "nzk_guess2"), 429, "rate_limited");
  // A valid key has its own bucket.
  EXPECT_EQ(h.get("/api/v1/positions", key)->status, 200u);
}

TEST(ApiAccess, health_and_readiness_need_no_key_and_readiness_names_each_feed) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const auto health = h.get("/api/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200u);
  EXPECT_EQ(parse_json(health->body).at("status").as_string(), "alive");

  const auto ready = h.get("/api/v1/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200u) << ready->body;
  const auto v = parse_json(ready->body);
  EXPECT_TRUE(v.at("ready").as_bool());
  ASSERT_FALSE(v.at("feeds").as_array().empty()) << ready->body;
  EXPECT_TRUE(v.at("feeds").as_array()[0].as_object().contains("state"));
}

TEST(ApiAccess, an_unknown_path_is_404_and_a_wrong_method_is_405_with_allow) {
  ApiHarness h;
  ASSERT_TRUE(h.api);
  const std::string key = h.add_key(Scope::admin);
  expect_error(h.get("/api/v1/nothing", key), 404, "not_found");
  const auto r = http_request(h.port(), "DELETE", "/api/v1/kill-switch", key);
  expect_error(r, 405, "method_not_allowed");
  EXPECT_EQ(r->header("allow"), "GET, POST");
}

}  // namespace
}  // namespace nzeza::api::test

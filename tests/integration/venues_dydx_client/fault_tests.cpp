// The fault matrix: the node's broadcast and the Indexer's reads answering 4xx with the venue's
// code and text, 429 + Retry-After, 5xx, a timeout, malformed JSON and a truncated body.

#include "client_fixture.hpp"
#include "support/wait.hpp"

namespace nzeza::venues::dydx::testing {
namespace {

using testsupport::HttpFault;
using testsupport::HttpReply;

class DydxFaultTest : public DydxClientFixture {
 protected:
  Result<PlaceAck> place_ioc() {
    return place(limit(btc_, Side::buy, "0.001", "59000", domain::TimeInForce::ioc));
  }
  Result<std::vector<domain::Balance>> balances(DydxClient* c = nullptr) {
    Waiter<std::vector<domain::Balance>> w;
    (c ? c : client_.get())->balances(w.callback());
    return w.get();
  }
  static HttpReply reply(unsigned status, std::string body,
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpReply r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
  }
};

TEST_F(DydxFaultTest, broadcast_4xx_keeps_the_gateway_code_and_message) {
  sim_->push_fault(
      {"broadcast", false, reply(400, R"({"code":3,"message":"invalid empty tx","details":[]})")});
  const auto r = place_ioc();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::rejected);
  EXPECT_EQ(r.error().venue_code, "3");
  EXPECT_EQ(r.error().venue_text, "invalid empty tx");
}

TEST_F(DydxFaultTest, indexer_4xx_keeps_the_error_text) {
  sim_->push_fault({"/v4/addresses", false,
                    reply(404, R"({"errors":[{"msg":"No subaccount found with address x"}]})")});
  const auto r = balances();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_EQ(r.error().venue_text, "No subaccount found with address x");
}

TEST_F(DydxFaultTest, http_429_is_rate_limited_and_holds_the_limiter_for_retry_after) {
  sim_->push_fault({"/v4/height", false, reply(429, "{}", {{"Retry-After", "7"}})});
  const auto r = place_ioc();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(sim_->broadcasts(), 0U);
  // The next request waits for Retry-After on the clock: nothing is sent until it passes.
  Waiter<std::vector<domain::Balance>> w;
  client_->balances(w.callback());
  const auto before = sim_->server().request_count();
  EXPECT_EQ(w.f.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  EXPECT_EQ(sim_->server().request_count(), before);
  clock_.advance(7s);
  ASSERT_TRUE(w.get().ok());
}

TEST_F(DydxFaultTest, http_5xx_is_unavailable) {
  sim_->push_fault({"broadcast", false, reply(503, "upstream down")});
  const auto r = place_ioc();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
}

TEST_F(DydxFaultTest, held_indexer_answer_times_out) {
  DydxClientConfig cfg;
  cfg.request_timeout = 200ms;
  auto c = make(cfg);
  HttpReply hold;
  hold.fault = HttpFault::hold;
  sim_->push_fault({"/v4/addresses", false, hold});
  Waiter<std::vector<domain::Balance>> w;
  c->balances(w.callback());
  ASSERT_TRUE(testsupport::wait_until([&] { return sim_->server().held() == 1; }));
  clock_.advance(200ms);  // the request deadline runs on the client's clock
  const auto r = w.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::timeout);
  sim_->release_held();
}

TEST_F(DydxFaultTest, malformed_json_is_a_protocol_error) {
  sim_->push_fault({"/v4/addresses", false, reply(200, "{\"subaccount\": {\"equity\": ")});
  const auto r = balances();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::protocol);
}

TEST_F(DydxFaultTest, truncated_body_is_an_error_not_a_value) {
  HttpReply t = reply(200, R"({"subaccount":{"equity":"1","freeCollateral":"1"}})");
  t.fault = HttpFault::truncate_body;
  t.truncate_at = 10;
  sim_->push_fault({"/v4/addresses", false, t});
  const auto r = balances();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().code == ErrorCode::network || r.error().code == ErrorCode::protocol)
      << r.error().to_string();
}

TEST_F(DydxFaultTest, broadcast_processed_then_5xx_is_not_resent) {
  sim_->push_fault({"broadcast", true, reply(502, "bad gateway")});
  const auto r = place_ioc();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_EQ(sim_->broadcasts(), 1U);
  EXPECT_EQ(sim_->orders().size(), 1U);
}

}  // namespace
}  // namespace nzeza::venues::dydx::testing

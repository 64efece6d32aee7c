// Faults beyond the matrix cells (fault_matrix_tests.cpp): the node's broadcast and the Indexer's
// reads answering 4xx with the venue's code and text, 429 + Retry-After (holding the limiter),
// 5xx, a timeout, malformed JSON and a truncated body; a 5xx after the node took the order is an
// unknown outcome, resolved by client id and never re-sent.

#include <mutex>

#include "client_fixture.hpp"
#include "support/wait.hpp"
#include "venues/order_tracker.hpp"
#include "venues/venue_error.hpp"

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

// A 429 on the broadcast is the node's (or its gateway's) answer that the tx was not taken: a
// refusal before execution that says so, holds the limiter, and gives the stateful order's
// sequence back, so the next one is signed with it and goes through at the first try.
TEST_F(DydxFaultTest,
       broadcast_answered_429_is_a_refusal_that_holds_the_limiter_and_frees_the_sequence) {
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "58000")).ok());  // account state read
  const std::size_t broadcasts = sim_->broadcasts();
  sim_->push_fault(
      {"broadcast", false,
       reply(429, R"({"code":8,"message":"too many requests"})", {{"Retry-After", "3"}})});
  const Timestamp t0 = clock_.now();
  const auto spec = limit(btc_, Side::buy, "0.001", "58100");
  const auto r = place(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::rate_limited) << r.error().to_string();
  EXPECT_EQ(r.error().delivery, Delivery::none);
  EXPECT_EQ(classify(r.error()), FailureClass::refused_before_sending);
  EXPECT_NE(r.error().message.find("not accepted"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(spec.client_order_id.text), std::string::npos);
  EXPECT_EQ(r.error().venue_text, "too many requests");
  EXPECT_EQ(client_->rate_limiter().retry_after_until(), t0 + 3s);
  EXPECT_EQ(sim_->broadcasts(), broadcasts + 1);
  EXPECT_EQ(sim_->orders().size(), 1U);  // only the first order

  clock_.advance(3s);
  const auto next = place(limit(btc_, Side::buy, "0.001", "58200"));
  ASSERT_TRUE(next.ok()) << next.error().to_string();
  EXPECT_EQ(sim_->broadcasts(), broadcasts + 2) << "signed with the freed sequence: no retry";
  EXPECT_TRUE(sim_->tx_errors().empty());
  EXPECT_EQ(sim_->orders().size(), 2U);
}

// A 418 (dYdX documents none; a proxy in front of the node may send it) is a refusal too, and no
// request of this client leaves until the ban it names is over.
TEST_F(DydxFaultTest, broadcast_answered_418_is_a_refusal_and_bans_every_request_until_it_ends) {
  sim_->push_fault({"broadcast", false, reply(418, "I'm a teapot", {{"Retry-After", "30"}})});
  const Timestamp t0 = clock_.now();
  const auto r = place_ioc();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::banned) << r.error().to_string();
  EXPECT_EQ(r.error().delivery, Delivery::none);
  EXPECT_FALSE(outcome_unknown(r.error()));
  EXPECT_NE(r.error().message.find("banned, not accepted"), std::string::npos) << r.error().message;
  EXPECT_EQ(client_->rate_limiter().banned_until(), t0 + 30s);
  const auto before = sim_->server().request_count();
  const auto held = balances();
  ASSERT_FALSE(held.ok());
  EXPECT_EQ(held.error().code, ErrorCode::banned);
  EXPECT_EQ(sim_->server().request_count(), before);  // nothing left during the ban
  clock_.advance(30s);
  EXPECT_TRUE(balances().ok());
}

// A 5xx from the node's gateway says nothing of what the chain did with the tx: unknown, and
// the code stays `unavailable` with the transport's delivery (answer_unknown) kept.
TEST_F(DydxFaultTest, broadcast_5xx_is_an_unknown_outcome_not_a_refusal) {
  sim_->push_fault({"broadcast", false, reply(503, "upstream down")});
  const auto spec = limit(btc_, Side::buy, "0.001", "59000", domain::TimeInForce::ioc);
  const auto r = place(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_EQ(r.error().delivery, Delivery::answer_unknown);
  EXPECT_EQ(classify(r.error()), FailureClass::outcome_unknown);
  EXPECT_FALSE(may_fall_back(r.error()));
  EXPECT_NE(r.error().message.find(spec.client_order_id.text), std::string::npos)
      << r.error().message;
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
  EXPECT_EQ(r.error().delivery, Delivery::answer_cut) << r.error().to_string();
  EXPECT_EQ(r.error().code, ErrorCode::protocol) << r.error().to_string();
}

// The node took the order (it rests), then its gateway answered 502: the outcome is unknown
// (not `unavailable`-and-safe-to-resend); the tracker waits out the venue's window, finds the
// order by its client id, and the order is never sent again.
TEST_F(DydxFaultTest, broadcast_processed_then_5xx_is_not_resent) {
  DydxClientConfig cfg;
  cfg.short_term_limits = true;
  auto c = make(cfg);
  OrderTracker tracker(clock_);
  ASSERT_TRUE(tracker.add_client(*c).ok());
  std::mutex mu;
  std::optional<ResolutionEvent> resolved;
  tracker.on_resolution([&](const ResolutionEvent& e) {
    std::lock_guard lock(mu);
    resolved = e;
  });
  sim_->push_fault({"broadcast", true, reply(502, "bad gateway")});
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  Waiter<PlaceAck> w;
  tracker.place(spec, w.callback());
  const auto r = w.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(classify(r.error()), FailureClass::outcome_unknown) << r.error().to_string();
  EXPECT_EQ(r.error().delivery, Delivery::answer_unknown);
  ASSERT_EQ(sim_->orders().size(), 1U);
  EXPECT_EQ(sim_->orders()[0].status, "OPEN");
  EXPECT_TRUE(tracker.resolving(spec.client_order_id.text));
  const auto v = c->request_validity();
  clock_.advance(v.window + v.query_lag);
  ASSERT_TRUE(testsupport::wait_until([&] {
    std::lock_guard lock(mu);
    return resolved.has_value();
  }));
  std::lock_guard lock(mu);
  EXPECT_EQ(resolved->resolution, Resolution::found);
  ASSERT_TRUE(resolved->venue_order.has_value());
  EXPECT_EQ(resolved->venue_order->report.status, domain::VenueOrderStatus::open);
  EXPECT_EQ(tracker.sends(spec.client_order_id.text), 1U);
  EXPECT_FALSE(tracker.resend_allowed(spec.client_order_id.text));
  EXPECT_EQ(sim_->broadcasts(), 1U);
  EXPECT_EQ(
      sim_->place_broadcasts(static_cast<std::uint32_t>(std::stoul(spec.client_order_id.text))),
      1U);
}

}  // namespace
}  // namespace nzeza::venues::dydx::testing

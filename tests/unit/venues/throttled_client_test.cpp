#include "venues/throttled_client.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "venue_test_support.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues {
namespace {

using testing::Capture;
using testing::FakeVenueClient;
using testing::limit_spec;
using testing::Markets;

class ThrottledClientTest : public ::testing::Test {
 protected:
  ThrottledClientTest()
      // 2 orders at once, then one per second; waits above 5 s are refused.
      : limiter(clock, {{"ORDERS", 2, 1}}, {"binance", 5s}),
        breaker(clock, {2, 30s, 1}, "binance orders"),
        client(venue, clock, &limiter, &breaker) {
    EXPECT_TRUE(limiter.add_endpoint("order", {{"ORDERS", 1}}));
    EXPECT_TRUE(limiter.add_endpoint("query", {{"ORDERS", 1}}));
  }
  domain::OrderSpec spec(std::uint64_t seq) {
    return limit_spec(Venue::binance, m.binance_btc_usdt, seq, Side::buy, "1", "100");
  }

  ManualClock clock;
  Markets m;
  FakeVenueClient venue{Venue::binance};
  net::RateLimiter limiter;
  net::CircuitBreaker breaker;
  ThrottledClient client;
};

TEST_F(ThrottledClientTest, calls_within_the_limit_are_sent_at_once) {
  Capture<PlaceAck> a;
  Capture<PlaceAck> b;
  client.place(spec(1), a.callback());
  client.place(spec(2), b.callback());
  EXPECT_TRUE(a.get());
  EXPECT_TRUE(b.get());
  EXPECT_EQ(venue.placed.size(), 2u);
  EXPECT_EQ(client.waiting(), 0u);
}

TEST_F(ThrottledClientTest, a_call_beyond_the_limit_waits_on_the_clock_then_is_sent) {
  Capture<PlaceAck> a;
  Capture<PlaceAck> b;
  Capture<PlaceAck> c;
  client.place(spec(1), a.callback());
  client.place(spec(2), b.callback());
  client.place(spec(3), c.callback());
  EXPECT_EQ(venue.placed.size(), 2u);
  EXPECT_EQ(client.waiting(), 1u);
  clock.advance(999ms);
  EXPECT_FALSE(c.has());
  clock.advance(1ms);
  ASSERT_TRUE(c.has());
  EXPECT_TRUE(c.get());
  ASSERT_EQ(venue.placed.size(), 3u);
  EXPECT_EQ(venue.placed[2].client_order_id.text, "nz-t1-3");
}

TEST_F(ThrottledClientTest, a_wait_beyond_max_wait_is_refused_as_rate_limited_and_not_sent) {
  limiter.on_retry_after(60s);  // a 429 with Retry-After: 60
  Capture<PlaceAck> got;
  client.place(spec(1), got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_EQ(got.get().error().code, ErrorCode::rate_limited);
  EXPECT_EQ(got.get().error().delivery, Delivery::not_sent);
  EXPECT_TRUE(may_fall_back(got.get().error()));
  EXPECT_TRUE(venue.placed.empty());
  EXPECT_EQ(client.refused(), 1u);
}

TEST_F(ThrottledClientTest, a_ban_refuses_every_call_until_it_ends) {
  limiter.on_banned_until(clock.now() + 120s);  // Binance 418
  Capture<VenueOrder> status;
  client.order_status({"", "nz-t1-1", {}}, status.callback());
  EXPECT_EQ(status.get().error().code, ErrorCode::banned);
  EXPECT_EQ(status.get().error().delivery, Delivery::not_sent);
  EXPECT_TRUE(venue.status_queries.empty());
  clock.advance(120s);
  Capture<PlaceAck> after;
  client.place(spec(1), after.callback());
  EXPECT_TRUE(after.get());
  EXPECT_EQ(breaker.state(), net::CircuitState::closed);
}

TEST_F(ThrottledClientTest, transport_failures_open_the_circuit_and_then_nothing_is_sent) {
  venue.place_answers.push_back(Error{ErrorCode::timeout, "no answer"});
  venue.place_answers.push_back(Error{ErrorCode::network, "connection refused"});
  Capture<PlaceAck> a;
  Capture<PlaceAck> b;
  Capture<PlaceAck> c;
  client.place(spec(1), a.callback());
  client.place(spec(2), b.callback());
  EXPECT_EQ(breaker.state(), net::CircuitState::open);
  clock.advance(2s);  // the limiter has room again: only the breaker says no
  client.place(spec(3), c.callback());
  ASSERT_FALSE(c.get());
  EXPECT_EQ(c.get().error().code, ErrorCode::circuit_open);
  EXPECT_EQ(c.get().error().delivery, Delivery::not_sent);
  EXPECT_EQ(classify(c.get().error()), FailureClass::refused_before_sending);
  EXPECT_EQ(venue.placed.size(), 2u);
}

TEST_F(ThrottledClientTest, a_transport_failure_after_the_write_counts_as_a_venue_failure) {
  // Outcome unknown for the order, and a sign of a sick venue for the breaker.
  venue.place_answers.push_back(
      Error{ErrorCode::network, "connection reset by the server after the request was written"}
          .with_delivery(Delivery::sent_no_answer));
  venue.place_answers.push_back(
      Error{ErrorCode::unavailable, "HTTP 503 Service Unavailable", "503", ""}.with_delivery(
          Delivery::answer_unknown));
  Capture<PlaceAck> a;
  Capture<PlaceAck> b;
  client.place(spec(1), a.callback());
  EXPECT_EQ(breaker.consecutive_failures(), 1);
  client.place(spec(2), b.callback());
  EXPECT_EQ(breaker.state(), net::CircuitState::open);
  // The caller still gets the transport's error, delivery and all.
  EXPECT_EQ(a.get().error().delivery, Delivery::sent_no_answer);
  EXPECT_EQ(classify(a.get().error()), FailureClass::outcome_unknown);
  EXPECT_EQ(b.get().error().delivery, Delivery::answer_unknown);
  EXPECT_EQ(classify(b.get().error()), FailureClass::outcome_unknown);
}

TEST_F(ThrottledClientTest, a_refusal_code_on_a_cut_answer_is_not_proof_the_venue_is_up) {
  venue.place_answers.push_back(
      Error{ErrorCode::rejected, "unreadable answer"}.with_delivery(Delivery::answer_cut));
  Capture<PlaceAck> a;
  client.place(spec(1), a.callback());
  EXPECT_EQ(breaker.consecutive_failures(), 1);
}

TEST_F(ThrottledClientTest, a_shutdown_after_the_write_is_abandoned_not_a_failure) {
  venue.place_answers.push_back(
      Error{ErrorCode::cancelled, "client destroyed"}.with_delivery(Delivery::sent_no_answer));
  Capture<PlaceAck> a;
  client.place(spec(1), a.callback());
  EXPECT_EQ(a.get().error().delivery, Delivery::sent_no_answer);
  EXPECT_EQ(breaker.consecutive_failures(), 0);
  EXPECT_EQ(breaker.state(), net::CircuitState::closed);
}

TEST_F(ThrottledClientTest, venue_refusals_do_not_count_as_failures) {
  for (int i = 0; i < 2; ++i) {
    venue.place_answers.push_back(
        Error{ErrorCode::rejected, "binance place: refused", "-1013", "Filter failure"});
  }
  Capture<PlaceAck> a;
  Capture<PlaceAck> b;
  client.place(spec(1), a.callback());
  client.place(spec(2), b.callback());
  EXPECT_EQ(a.get().error().venue_code, "-1013");
  EXPECT_EQ(breaker.state(), net::CircuitState::closed);
  EXPECT_EQ(breaker.consecutive_failures(), 0);
}

TEST_F(ThrottledClientTest, destroying_it_answers_waiting_calls_with_cancelled_not_sent) {
  Capture<PlaceAck> waiting;
  {
    ThrottledClient local(venue, clock, &limiter, nullptr);
    Capture<PlaceAck> a;
    Capture<PlaceAck> b;
    local.place(spec(1), a.callback());
    local.place(spec(2), b.callback());
    local.place(spec(3), waiting.callback());
    EXPECT_EQ(local.waiting(), 1u);
  }
  ASSERT_TRUE(waiting.has());
  EXPECT_EQ(waiting.get().error().code, ErrorCode::cancelled);
  // It never reached the venue client: not sent, so the tracker may send it again.
  EXPECT_EQ(waiting.get().error().delivery, Delivery::not_sent);
  EXPECT_EQ(classify(waiting.get().error()), FailureClass::refused_before_sending);
  EXPECT_NE(waiting.get().error().message.find("place nz-t1-3"), std::string::npos)
      << waiting.get().error().message;
  EXPECT_EQ(venue.placed.size(), 2u);
  EXPECT_EQ(clock.pending_timers(), 0u);
}

TEST_F(ThrottledClientTest, destroying_it_gives_the_half_open_trial_of_a_waiting_call_back) {
  venue.place_answers.push_back(Error{ErrorCode::timeout, "no answer"});
  venue.place_answers.push_back(Error{ErrorCode::timeout, "no answer"});
  Capture<PlaceAck> a;
  Capture<PlaceAck> b;
  client.place(spec(1), a.callback());
  client.place(spec(2), b.callback());
  ASSERT_EQ(breaker.state(), net::CircuitState::open);
  clock.advance(30s);
  ASSERT_EQ(breaker.state(), net::CircuitState::half_open);
  // Another path uses up the limiter, so the trial below has to wait for it.
  ThrottledClient unguarded(venue, clock, &limiter, nullptr);
  Capture<PlaceAck> c;
  Capture<PlaceAck> d;
  unguarded.place(spec(3), c.callback());
  unguarded.place(spec(4), d.callback());
  Capture<PlaceAck> trial;
  {
    ThrottledClient local(venue, clock, &limiter, &breaker);
    local.place(spec(5), trial.callback());
    ASSERT_EQ(local.waiting(), 1u);
    EXPECT_FALSE(breaker.allow());  // the only trial is taken by the waiting call
  }
  ASSERT_TRUE(trial.has());
  EXPECT_EQ(trial.get().error().delivery, Delivery::not_sent);
  EXPECT_TRUE(breaker.allow());  // given back
  breaker.record_abandoned();
  EXPECT_EQ(venue.placed.size(), 4u);
}

TEST_F(ThrottledClientTest,
       an_answer_after_it_is_destroyed_reaches_the_caller_and_not_the_breaker) {
  venue.hold_place = true;
  Capture<PlaceAck> got;
  {
    ThrottledClient local(venue, clock, &limiter, &breaker);
    local.place(spec(1), got.callback());
    ASSERT_EQ(venue.held_place.size(), 1u);
  }
  // The venue client answers the call it was given after the decorator went (its own shutdown
  // cancels it, or the answer was on its way).
  venue.held_place.front()(Error{ErrorCode::timeout, "no answer"});
  ASSERT_TRUE(got.has());
  EXPECT_EQ(got.get().error().code, ErrorCode::timeout);
  EXPECT_EQ(breaker.consecutive_failures(), 0);
  EXPECT_EQ(breaker.state(), net::CircuitState::closed);
}

// ── metrics ──

std::size_t op(RequestOp o) {
  return static_cast<std::size_t>(o);
}

TEST_F(ThrottledClientTest, each_answer_is_timed_from_the_handoff_to_the_answer_by_call_kind) {
  venue.hold_place = true;
  const auto before_call = std::chrono::steady_clock::now();
  Capture<PlaceAck> placed;
  client.place(spec(1), placed.callback());
  const auto handed = std::chrono::steady_clock::now();
  ASSERT_EQ(venue.held_place.size(), 1u);
  EXPECT_EQ(client.metrics().latency[op(RequestOp::place)].count(), 0u) << "not answered yet";
  const auto answering = std::chrono::steady_clock::now();
  PlaceAck ack;
  ack.client_order_id = "nz-t1-1";
  venue.held_place.front()(ack);
  const auto after_answer = std::chrono::steady_clock::now();
  ASSERT_TRUE(placed.get());

  const ThrottleMetrics m = client.metrics();
  const auto& h = m.latency[op(RequestOp::place)];
  ASSERT_EQ(h.count(), 1u);
  // The measured time lies between what the venue certainly took and the whole call.
  EXPECT_GE(static_cast<std::int64_t>(h.sum_ns),
            std::chrono::duration_cast<Duration>(answering - handed).count());
  EXPECT_LE(static_cast<std::int64_t>(h.sum_ns),
            std::chrono::duration_cast<Duration>(after_answer - before_call).count());
  EXPECT_EQ(m.failures[op(RequestOp::place)], 0u);
  for (std::size_t i = 0; i < kRequestOps; ++i) {
    if (i != op(RequestOp::place)) {
      EXPECT_EQ(m.latency[i].count(), 0u) << to_string(RequestOp(i));
    }
  }
}

TEST_F(ThrottledClientTest, an_error_answer_is_timed_and_counted_as_a_failure_of_its_call_kind) {
  Capture<VenueOrder> status;
  client.order_status({"", "nz-t1-1", {}}, status.callback());  // the fake: not_found
  ASSERT_FALSE(status.get());
  const ThrottleMetrics m = client.metrics();
  EXPECT_EQ(m.latency[op(RequestOp::status)].count(), 1u);
  EXPECT_EQ(m.failures[op(RequestOp::status)], 1u);
  EXPECT_EQ(to_string(RequestOp::status), "status");
  EXPECT_EQ(to_string(RequestOp::open_orders), "open_orders");
}

TEST_F(ThrottledClientTest, a_limiter_wait_is_counted_with_its_clock_time_and_kept_out_of_latency) {
  Capture<PlaceAck> a;
  Capture<PlaceAck> b;
  Capture<PlaceAck> c;
  client.place(spec(1), a.callback());
  client.place(spec(2), b.callback());
  client.place(spec(3), c.callback());
  ThrottleMetrics m = client.metrics();
  EXPECT_EQ(m.limiter_waits, 1u);
  EXPECT_EQ(m.limiter_waited, 1s);
  EXPECT_EQ(m.waiting, 1u);
  EXPECT_EQ(m.latency[op(RequestOp::place)].count(), 2u);
  clock.advance(1s);
  ASSERT_TRUE(c.has());
  m = client.metrics();
  EXPECT_EQ(m.waiting, 0u);
  const auto& h = m.latency[op(RequestOp::place)];
  EXPECT_EQ(h.count(), 3u);
  // The second of Clock time the third call waited is not venue latency.
  EXPECT_LT(h.sum_ns, 1'000'000'000u);
}

TEST_F(ThrottledClientTest, refusals_are_counted_by_reason_and_the_circuit_state_is_reported) {
  EXPECT_EQ(client.metrics().circuit, net::CircuitState::closed);
  limiter.on_retry_after(60s);
  Capture<PlaceAck> limited;
  client.place(spec(1), limited.callback());
  clock.advance(60s);
  limiter.on_banned_until(clock.now() + 120s);
  Capture<PlaceAck> banned;
  client.place(spec(2), banned.callback());
  clock.advance(120s);
  venue.place_answers.push_back(Error{ErrorCode::timeout, "no answer"});
  venue.place_answers.push_back(Error{ErrorCode::network, "connection refused"});
  Capture<PlaceAck> f1;
  Capture<PlaceAck> f2;
  Capture<PlaceAck> open;
  client.place(spec(3), f1.callback());
  client.place(spec(4), f2.callback());
  clock.advance(2s);
  client.place(spec(5), open.callback());
  ASSERT_EQ(open.get().error().code, ErrorCode::circuit_open);

  const ThrottleMetrics m = client.metrics();
  EXPECT_EQ(m.refused_rate_limited, 1u);
  EXPECT_EQ(m.refused_banned, 1u);
  EXPECT_EQ(m.refused_circuit_open, 1u);
  EXPECT_EQ(client.refused(), 3u);
  EXPECT_EQ(m.circuit, net::CircuitState::open);
  EXPECT_EQ(m.failures[op(RequestOp::place)], 2u);
  EXPECT_EQ(m.latency[op(RequestOp::place)].count(), 2u) << "only the two sent were timed";
}

TEST(ThrottledClientMetrics,
     without_a_breaker_there_is_no_circuit_state_and_calls_are_still_timed) {
  ManualClock clock;
  testing::FakeVenueClient venue{Venue::paper};
  ThrottledClient client(venue, clock, nullptr, nullptr);
  Capture<CancelAck> got;
  client.cancel({"V1", "nz-t1-1", {}}, got.callback());
  ASSERT_TRUE(got.get());
  const ThrottleMetrics m = client.metrics();
  EXPECT_FALSE(m.circuit.has_value());
  EXPECT_EQ(m.latency[op(RequestOp::cancel)].count(), 1u);
  EXPECT_EQ(m.limiter_waits, 0u);
}

}  // namespace
}  // namespace nzeza::venues

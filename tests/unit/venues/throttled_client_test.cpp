#include "venues/throttled_client.hpp"

#include <gtest/gtest.h>

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
  EXPECT_TRUE(may_fall_back(got.get().error()));
  EXPECT_TRUE(venue.placed.empty());
  EXPECT_EQ(client.refused(), 1u);
}

TEST_F(ThrottledClientTest, a_ban_refuses_every_call_until_it_ends) {
  limiter.on_banned_until(clock.now() + 120s);  // Binance 418
  Capture<VenueOrder> status;
  client.order_status({"", "nz-t1-1", {}}, status.callback());
  EXPECT_EQ(status.get().error().code, ErrorCode::banned);
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
  EXPECT_EQ(venue.placed.size(), 2u);
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

TEST_F(ThrottledClientTest, destroying_it_answers_waiting_calls_with_cancelled) {
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
  EXPECT_EQ(venue.placed.size(), 2u);
  EXPECT_EQ(clock.pending_timers(), 0u);
}

}  // namespace
}  // namespace nzeza::venues

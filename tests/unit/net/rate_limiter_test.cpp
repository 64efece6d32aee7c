#include "net/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace nzeza::net {
namespace {

// Binance spot's published limits (exchanges.md): REQUEST_WEIGHT 6000/min shared by every
// endpoint, ORDERS 50 per 10 s and 160000 per day.
std::vector<BucketConfig> binance_buckets() {
  return {{"REQUEST_WEIGHT_1M", 6000, 100},
          {"ORDERS_10S", 50, 5},
          {"ORDERS_1D", 160000, 160000.0 / 86400}};
}

class BinanceLimiterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(limiter_.status());
    ASSERT_TRUE(limiter_.add_endpoint(
        "order", {{"REQUEST_WEIGHT_1M", 1}, {"ORDERS_10S", 1}, {"ORDERS_1D", 1}}));
    ASSERT_TRUE(limiter_.add_endpoint("depth", {{"REQUEST_WEIGHT_1M", 50}}));
    ASSERT_TRUE(limiter_.add_endpoint("account", {{"REQUEST_WEIGHT_1M", 20}}));
  }
  double level(std::string_view bucket) { return limiter_.available(bucket).value(); }

  ManualClock clock_;
  const Timestamp t0_ = clock_.now();
  RateLimiter limiter_{clock_, binance_buckets(), RateLimiterOptions{.name = "binance"}};
};

TEST_F(BinanceLimiterTest, a_request_within_every_bucket_goes_now_and_takes_its_weight) {
  auto wait = limiter_.reserve("depth");
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, Duration::zero());
  EXPECT_DOUBLE_EQ(level("REQUEST_WEIGHT_1M"), 5950);
  EXPECT_DOUBLE_EQ(level("ORDERS_10S"), 50);
}

TEST_F(BinanceLimiterTest, an_order_takes_from_all_three_pools) {
  ASSERT_TRUE(limiter_.reserve("order"));
  EXPECT_DOUBLE_EQ(level("REQUEST_WEIGHT_1M"), 5999);
  EXPECT_DOUBLE_EQ(level("ORDERS_10S"), 49);
  EXPECT_DOUBLE_EQ(level("ORDERS_1D"), 159999);
}

TEST_F(BinanceLimiterTest, endpoint_classes_share_the_request_weight_pool) {
  for (int i = 0; i < 100; ++i) ASSERT_EQ(*limiter_.reserve("depth"), Duration::zero());   // 5000
  for (int i = 0; i < 50; ++i) ASSERT_EQ(*limiter_.reserve("account"), Duration::zero());  // 1000
  EXPECT_DOUBLE_EQ(level("REQUEST_WEIGHT_1M"), 0);
  // The pool is empty: an order (weight 1) must wait 1/100 s for a token, though ORDERS_10S is
  // full.
  EXPECT_EQ(*limiter_.reserve("order"), 10ms);
}

TEST_F(BinanceLimiterTest, weight_multiplier_scales_every_weight) {
  ASSERT_TRUE(limiter_.reserve("depth", 4));  // e.g. limit=1000 costs 4x
  EXPECT_DOUBLE_EQ(level("REQUEST_WEIGHT_1M"), 5800);
  auto bad = limiter_.reserve("depth", 0);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
}

TEST_F(BinanceLimiterTest, the_fifty_first_order_in_ten_seconds_waits_for_the_refill) {
  for (int i = 0; i < 50; ++i) ASSERT_EQ(*limiter_.reserve("order"), Duration::zero());
  EXPECT_EQ(*limiter_.reserve("order"), 200ms);  // 1 token at 5/s
  EXPECT_EQ(*limiter_.reserve("order"), 400ms);  // queued behind the previous one
  EXPECT_EQ(*limiter_.reserve("order"), 600ms);
}

TEST_F(BinanceLimiterTest, tokens_refill_over_time_up_to_capacity) {
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(limiter_.reserve("order"));
  EXPECT_DOUBLE_EQ(level("ORDERS_10S"), 0);
  clock_.advance(2s);
  EXPECT_NEAR(level("ORDERS_10S"), 10, 1e-9);
  clock_.advance(60s);
  EXPECT_DOUBLE_EQ(level("ORDERS_10S"), 50);  // capped
  EXPECT_EQ(*limiter_.reserve("order"), Duration::zero());
}

TEST_F(BinanceLimiterTest, a_wait_above_max_wait_is_refused_and_takes_nothing) {
  limiter_.set_max_wait(1s);
  for (int i = 0; i < 55; ++i) ASSERT_TRUE(limiter_.reserve("order"));  // 5 queued: 1 s
  const double before = level("REQUEST_WEIGHT_1M");
  auto refused = limiter_.reserve("order");  // would wait 1.2 s
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::rate_limited);
  EXPECT_NE(refused.error().message.find("binance"), std::string::npos);
  EXPECT_NE(refused.error().message.find("'order'"), std::string::npos);
  EXPECT_DOUBLE_EQ(level("REQUEST_WEIGHT_1M"), before);
  EXPECT_NEAR(level("ORDERS_10S"), -5, 1e-9);
  clock_.advance(200ms);
  EXPECT_EQ(*limiter_.reserve("order"), 1s);  // now within max_wait again
}

TEST_F(BinanceLimiterTest, retry_after_holds_every_request_until_it_ends) {
  clock_.advance(1s);
  limiter_.on_retry_after(3s);
  EXPECT_EQ(limiter_.retry_after_until(), t0_ + 4s);
  EXPECT_EQ(*limiter_.reserve("depth"), 3s);
  clock_.advance(2s);
  EXPECT_EQ(*limiter_.reserve("account"), 1s);
  limiter_.on_retry_after(500ms);  // a shorter one does not shorten the hold
  EXPECT_EQ(*limiter_.reserve("account"), 1s);
  clock_.advance(1s);
  EXPECT_EQ(*limiter_.reserve("depth"), Duration::zero());
  EXPECT_TRUE(limiter_.retry_after_until().is_zero());
}

TEST_F(BinanceLimiterTest, retry_after_beyond_max_wait_refuses_with_rate_limited) {
  limiter_.on_retry_after(120s);
  auto refused = limiter_.reserve("depth");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::rate_limited);
}

TEST_F(BinanceLimiterTest, banned_418_refuses_everything_until_the_time_then_recovers) {
  const Timestamp until = t0_ + 2min;
  limiter_.on_banned_until(until);
  EXPECT_EQ(limiter_.banned_until(), until);
  auto refused = limiter_.reserve("order");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::banned);
  EXPECT_EQ(refused.error().message,
            "rate limiter 'binance' is banned by the venue until " + until.to_iso8601());
  EXPECT_DOUBLE_EQ(level("ORDERS_10S"), 50);  // a refusal takes nothing
  clock_.advance(119s);
  EXPECT_EQ(limiter_.reserve("depth").error().code, ErrorCode::banned);
  limiter_.on_banned_until(t0_ + 1min);  // an earlier time does not shorten the ban
  EXPECT_EQ(limiter_.banned_until(), until);
  clock_.advance(1s);
  EXPECT_TRUE(limiter_.banned_until().is_zero());
  EXPECT_EQ(*limiter_.reserve("order"), Duration::zero());
}

TEST_F(BinanceLimiterTest, server_usage_tightens_our_count) {
  ASSERT_TRUE(limiter_.reserve("depth"));                            // we count 50 used
  EXPECT_TRUE(limiter_.on_server_usage("REQUEST_WEIGHT_1M", 5990));  // another process uses the IP
  EXPECT_DOUBLE_EQ(level("REQUEST_WEIGHT_1M"), 10);
  EXPECT_EQ(*limiter_.reserve("account"), 100ms);  // 20 needed, 10 there, 100/s
}

TEST_F(BinanceLimiterTest, server_usage_below_our_count_does_not_loosen_it) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter_.reserve("depth"));  // 500 used, some in flight
  EXPECT_TRUE(limiter_.on_server_usage("REQUEST_WEIGHT_1M", 100));
  EXPECT_DOUBLE_EQ(level("REQUEST_WEIGHT_1M"), 5500);
}

TEST_F(BinanceLimiterTest, server_usage_above_capacity_makes_callers_wait) {
  EXPECT_TRUE(limiter_.on_server_usage("ORDERS_10S", 60));
  EXPECT_DOUBLE_EQ(level("ORDERS_10S"), -10);
  EXPECT_EQ(*limiter_.reserve("order"), 2200ms);  // 11 tokens at 5/s
}

TEST_F(BinanceLimiterTest, server_usage_for_an_unknown_bucket_or_bad_number_is_ignored) {
  EXPECT_FALSE(limiter_.on_server_usage("NOPE", 1));
  EXPECT_FALSE(limiter_.on_server_usage("ORDERS_10S", -1));
  EXPECT_FALSE(limiter_.on_server_usage("ORDERS_10S", std::numeric_limits<double>::quiet_NaN()));
  EXPECT_DOUBLE_EQ(level("ORDERS_10S"), 50);
}

TEST_F(BinanceLimiterTest, unknown_endpoint_class_is_not_found) {
  auto r = limiter_.reserve("withdraw");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::not_found);
  EXPECT_NE(r.error().message.find("withdraw"), std::string::npos);
}

TEST_F(BinanceLimiterTest, add_endpoint_rejects_bad_definitions_by_name) {
  auto s = limiter_.add_endpoint("x", {{"NOPE", 1}});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("unknown bucket 'NOPE'"), std::string::npos);
  s = limiter_.add_endpoint("x", {});
  ASSERT_FALSE(s);
  s = limiter_.add_endpoint("", {{"ORDERS_10S", 1}});
  ASSERT_FALSE(s);
  s = limiter_.add_endpoint("x", {{"ORDERS_10S", 1}, {"ORDERS_10S", 1}});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("twice"), std::string::npos);
  s = limiter_.add_endpoint("x", {{"ORDERS_10S", -1}});
  ASSERT_FALSE(s);
  s = limiter_.add_endpoint("x", {{"ORDERS_10S", 51}});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("exceeds the capacity"), std::string::npos);
  EXPECT_EQ(limiter_.reserve("x").error().code, ErrorCode::not_found);
}

TEST_F(BinanceLimiterTest, a_multiplied_weight_above_capacity_can_never_pass) {
  auto r = limiter_.reserve("order", 60);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_DOUBLE_EQ(level("REQUEST_WEIGHT_1M"), 6000);
}

TEST(RateLimiter, kraken_decaying_counter_is_a_bucket) {
  // Kraken starter tier: counter max 15, decays 0.33/s; most private calls cost 1, ledger 2.
  ManualClock clock;
  RateLimiter limiter(clock, {{"private", 15, 0.33}});
  ASSERT_TRUE(limiter.add_endpoint("private", {{"private", 1}}));
  ASSERT_TRUE(limiter.add_endpoint("ledger", {{"private", 2}}));
  for (int i = 0; i < 13; ++i) ASSERT_EQ(*limiter.reserve("private"), Duration::zero());
  EXPECT_EQ(*limiter.reserve("ledger"), Duration::zero());  // counter at 15
  const Duration wait = *limiter.reserve("private");
  EXPECT_EQ(wait, Duration(3'030'303'031));  // ceil(1/0.33 s) in ns
}

TEST(RateLimiter, a_bucket_without_refill_is_a_fixed_allowance) {
  ManualClock clock;
  RateLimiter limiter(clock, {{"daily", 2, 0}});
  ASSERT_TRUE(limiter.add_endpoint("e", {{"daily", 1}}));
  EXPECT_TRUE(limiter.reserve("e"));
  EXPECT_TRUE(limiter.reserve("e"));
  auto r = limiter.reserve("e");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::rate_limited);
  EXPECT_NE(r.error().message.find("does not refill"), std::string::npos);
}

TEST(RateLimiter, bad_bucket_config_is_reported_and_refuses_reservations) {
  ManualClock clock;
  RateLimiter dup(clock, {{"a", 1, 1}, {"a", 2, 1}});
  ASSERT_FALSE(dup.status());
  EXPECT_NE(dup.status().error().message.find("defined twice"), std::string::npos);
  EXPECT_FALSE(dup.add_endpoint("e", {{"a", 1}}));

  RateLimiter zero(clock, {{"b", 0, 1}});
  ASSERT_FALSE(zero.status());
  EXPECT_NE(zero.status().error().message.find("capacity"), std::string::npos);
  EXPECT_EQ(zero.reserve("e").error().code, ErrorCode::invalid_argument);

  RateLimiter negative(clock, {{"c", 1, -1}});
  ASSERT_FALSE(negative.status());
  EXPECT_NE(negative.status().error().message.find("refill_per_second"), std::string::npos);

  RateLimiter unnamed(clock, {{"", 1, 1}});
  EXPECT_FALSE(unnamed.status());
}

TEST(RateLimiter, reservations_are_served_in_order_across_classes_sharing_a_pool) {
  ManualClock clock;
  RateLimiter limiter(clock, {{"w", 10, 10}});
  ASSERT_TRUE(limiter.add_endpoint("big", {{"w", 5}}));
  ASSERT_TRUE(limiter.add_endpoint("small", {{"w", 1}}));
  EXPECT_EQ(*limiter.reserve("big"), Duration::zero());
  EXPECT_EQ(*limiter.reserve("big"), Duration::zero());
  EXPECT_EQ(*limiter.reserve("big"), 500ms);
  // A small request made after the big one does not jump the queue.
  EXPECT_EQ(*limiter.reserve("small"), 600ms);
}

TEST(RateLimiter, a_request_held_by_another_pool_takes_its_tokens_when_it_is_sent) {
  // Pool a is plentiful, pool b scarce. A request on both that waits 10 s for b must not leave a
  // refilling while it waits: at its send time a holds exactly capacity for everyone.
  ManualClock clock;
  RateLimiter limiter(clock, {{"a", 60, 5}, {"b", 1, 0.1}}, RateLimiterOptions{.max_wait = 1min});
  ASSERT_TRUE(limiter.add_endpoint("ab", {{"a", 10}, {"b", 1}}));
  ASSERT_TRUE(limiter.add_endpoint("a", {{"a", 1}}));
  EXPECT_EQ(*limiter.reserve("ab"), Duration::zero());
  EXPECT_EQ(*limiter.reserve("ab"), 10s);
  clock.advance(10s);
  // a is full again (60); the held request takes 10 at t = 10 s, leaving 50 for the others.
  for (int i = 0; i < 50; ++i) ASSERT_EQ(*limiter.reserve("a"), Duration::zero()) << i;
  EXPECT_EQ(*limiter.reserve("a"), 200ms);
}

TEST(RateLimiter, tokens_do_not_pile_up_behind_a_retry_after_hold) {
  ManualClock clock;
  RateLimiter limiter(clock, {{"w", 10, 1}}, RateLimiterOptions{.max_wait = 1min});
  ASSERT_TRUE(limiter.add_endpoint("e", {{"w", 1}}));
  limiter.on_retry_after(5s);
  // All held until t = 5 s; the bucket (full, capped at 10) lets 10 go then, not 10 + 5.
  for (int i = 0; i < 10; ++i) ASSERT_EQ(*limiter.reserve("e"), 5s) << i;
  EXPECT_EQ(*limiter.reserve("e"), 6s);
  EXPECT_NEAR(limiter.available("w").value(), -6, 1e-9);
}

TEST_F(BinanceLimiterTest, a_hostile_retry_after_is_capped_instead_of_overflowing_time) {
  limiter_.on_retry_after(Duration::max());
  EXPECT_EQ(limiter_.retry_after_until(), t0_ + kMaxRetryAfter);
  EXPECT_EQ(limiter_.reserve("depth").error().code, ErrorCode::rate_limited);
}

}  // namespace
}  // namespace nzeza::net

#include "market/ring_buffer.hpp"

#include <gtest/gtest.h>

#include "market/rolling_extreme.hpp"
#include "market/rolling_stats.hpp"

namespace nzeza::market {
namespace {

TEST(RingBuffer, overwrites_oldest_when_full_and_reports_evicted_value) {
  RingBuffer<int> rb(3);
  EXPECT_FALSE(rb.push(1));
  EXPECT_FALSE(rb.push(2));
  EXPECT_FALSE(rb.push(3));
  int evicted = 0;
  EXPECT_TRUE(rb.push(4, &evicted));
  EXPECT_EQ(evicted, 1);
  ASSERT_EQ(rb.size(), 3U);
  EXPECT_EQ(rb[0], 2);
  EXPECT_EQ(rb[1], 3);
  EXPECT_EQ(rb[2], 4);
  EXPECT_EQ(rb.front(), 2);
  EXPECT_EQ(rb.back(), 4);
}

TEST(RingBuffer, pops_in_fifo_order_across_the_wrap) {
  RingBuffer<int> rb(2);
  rb.push(1);
  rb.push(2);
  rb.push(3);
  int v = 0;
  ASSERT_TRUE(rb.pop_front(v));
  EXPECT_EQ(v, 2);
  ASSERT_TRUE(rb.pop_front(v));
  EXPECT_EQ(v, 3);
  EXPECT_FALSE(rb.pop_front(v));
  EXPECT_TRUE(rb.empty());
}

TEST(RingBuffer, zero_capacity_is_treated_as_one) {
  RingBuffer<int> rb(0);
  EXPECT_EQ(rb.capacity(), 1U);
  rb.push(7);
  rb.push(8);
  EXPECT_EQ(rb.back(), 8);
}

TEST(RollingStats, population_and_sample_variance_of_a_sliding_window) {
  RollingStats s(3);
  for (double x : {1.0, 2.0, 3.0, 10.0}) s.push(x);  // window 2, 3, 10
  EXPECT_DOUBLE_EQ(s.mean(), 5.0);
  // deviations -3, -2, 5: squares 9 + 4 + 25 = 38
  EXPECT_NEAR(s.population_variance(), 38.0 / 3.0, 1e-12);
  EXPECT_NEAR(s.sample_variance(), 19.0, 1e-12);
}

TEST(RollingStats, stays_exact_for_large_prices_with_tiny_spread) {
  RollingStats s(4);
  // Sum-of-squares formulas lose every digit here; sliding Welford keeps them.
  for (int i = 0; i < 10'000; ++i) s.push(65000.0 + 0.01 * (i % 4));
  EXPECT_NEAR(s.mean(), 65000.015, 1e-9);
  EXPECT_NEAR(s.population_variance(), 0.000125, 1e-9);  // values .00 .01 .02 .03
}

TEST(RollingExtreme, tracks_window_maximum_and_minimum) {
  RollingExtreme hi(3, Extreme::max);
  RollingExtreme lo(3, Extreme::min);
  const double xs[] = {5, 1, 4, 2, 8, 3, 3, 0};
  const double want_hi[] = {5, 5, 5, 4, 8, 8, 8, 3};
  const double want_lo[] = {5, 1, 1, 1, 2, 2, 3, 0};
  for (int i = 0; i < 8; ++i) {
    hi.push(xs[i]);
    lo.push(xs[i]);
    EXPECT_EQ(hi.value(), want_hi[i]) << i;
    EXPECT_EQ(lo.value(), want_lo[i]) << i;
  }
}

}  // namespace
}  // namespace nzeza::market

#include "market/vwap.hpp"

#include <gtest/gtest.h>

namespace nzeza::market {
namespace {

// Hand-computed (Python, exact rationals): one-hour sessions; typical price (H+L+C)/3.
TEST(Vwap, accumulates_within_a_session_and_restarts_at_the_boundary) {
  auto vwap = Vwap::create(std::chrono::hours(1));
  ASSERT_TRUE(vwap.ok());
  const Timestamp t0 = Timestamp::from_seconds(0);
  EXPECT_NEAR(vwap->update(t0, 101, 99, 100, 2), 100.0, 1e-9);
  EXPECT_NEAR(vwap->update(t0 + std::chrono::seconds(600), 102, 100, 101, 1), 100.3333333333, 1e-9);
  EXPECT_NEAR(vwap->update(t0 + std::chrono::seconds(1200), 103, 101, 102, 3), 101.1666666667,
              1e-9);
  // New session at 3600 s: the earlier candles no longer count.
  EXPECT_NEAR(vwap->update(t0 + std::chrono::seconds(3600), 110, 108, 109, 4), 109.0, 1e-9);
  EXPECT_EQ(vwap->session_start(), Timestamp::from_seconds(3600));
  EXPECT_NEAR(vwap->update(t0 + std::chrono::seconds(4200), 111, 109, 110, 0), 109.0, 1e-9);
  EXPECT_NEAR(vwap->update(t0 + std::chrono::seconds(4800), 112, 110, 111, 1), 109.4, 1e-9);
}

TEST(Vwap, without_volume_returns_the_typical_price) {
  Vwap vwap;
  EXPECT_NEAR(vwap.update(Timestamp::from_seconds(10), 12, 9, 9, 0), 10.0, 1e-12);
}

TEST(Vwap, default_session_restarts_at_midnight_utc) {
  Vwap vwap;
  const Timestamp late = Timestamp::from_seconds(86'400 - 60);
  vwap.update(late, 100, 100, 100, 5);
  vwap.update(Timestamp::from_seconds(86'400), 200, 200, 200, 1);
  EXPECT_DOUBLE_EQ(*vwap.value(), 200.0);
  EXPECT_EQ(vwap.session_start(), Timestamp::from_seconds(86'400));
}

TEST(Vwap, session_offset_moves_the_boundary) {
  auto vwap = Vwap::create(std::chrono::hours(24), std::chrono::hours(8));
  ASSERT_TRUE(vwap.ok());
  vwap->update(Timestamp::from_seconds(7 * 3600), 100, 100, 100, 1);
  vwap->update(Timestamp::from_seconds(7 * 3600 + 1800), 110, 110, 110, 1);
  EXPECT_DOUBLE_EQ(*vwap->value(), 105.0);  // same session: 08:00 has not been crossed
  vwap->update(Timestamp::from_seconds(8 * 3600), 120, 120, 120, 1);
  EXPECT_DOUBLE_EQ(*vwap->value(), 120.0);
}

TEST(Vwap, create_rejects_bad_session) {
  EXPECT_FALSE(Vwap::create(Duration::zero()).ok());
  EXPECT_FALSE(Vwap::create(std::chrono::hours(1), std::chrono::hours(1)).ok());
  EXPECT_FALSE(Vwap::create(std::chrono::hours(1), -std::chrono::seconds(1)).ok());
}

}  // namespace
}  // namespace nzeza::market

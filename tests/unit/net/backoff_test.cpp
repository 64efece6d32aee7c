#include "net/backoff.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace nzeza::net {
namespace {

BackoffConfig deterministic() {
  BackoffConfig c;
  c.jitter = false;
  return c;
}

std::vector<Duration> delays(Backoff& b, int n) {
  std::vector<Duration> out;
  for (int i = 0; i < n; ++i) out.push_back(b.next_delay());
  return out;
}

TEST(Backoff, deterministic_mode_doubles_from_one_second_and_caps_at_thirty) {
  Backoff b(deterministic());
  EXPECT_EQ(delays(b, 8), (std::vector<Duration>{1s, 2s, 4s, 8s, 16s, 30s, 30s, 30s}));
  EXPECT_EQ(b.attempts(), 8);
}

TEST(Backoff, stays_at_cap_after_many_attempts_without_overflow) {
  Backoff b(deterministic());
  for (int i = 0; i < 10'000; ++i) b.next_delay();
  EXPECT_EQ(b.next_delay(), 30s);
  EXPECT_EQ(b.next_ceiling(), 30s);
}

TEST(Backoff, all_numbers_are_configurable) {
  Backoff b(BackoffConfig{.initial = 100ms, .max = 1s, .multiplier = 1.5, .jitter = false});
  EXPECT_EQ(delays(b, 7),
            (std::vector<Duration>{100ms, 150ms, 225ms, 337500us, 506250us, 759375us, 1s}));
}

TEST(Backoff, multiplier_one_gives_a_constant_delay) {
  Backoff b(BackoffConfig{.initial = 3s, .max = 3s, .multiplier = 1.0, .jitter = false});
  EXPECT_EQ(delays(b, 3), (std::vector<Duration>{3s, 3s, 3s}));
}

TEST(Backoff, reset_on_useful_connection_restarts_at_initial_delay) {
  Backoff b(deterministic());
  EXPECT_EQ(delays(b, 4), (std::vector<Duration>{1s, 2s, 4s, 8s}));
  b.on_useful_connection();
  EXPECT_EQ(b.attempts(), 0);
  EXPECT_EQ(delays(b, 3), (std::vector<Duration>{1s, 2s, 4s}));
  b.reset();
  EXPECT_EQ(b.next_delay(), 1s);
}

TEST(Backoff, without_a_useful_connection_the_delay_keeps_growing) {
  // The caller's policy: an accept-then-close is not useful, so it does not reset; the next
  // attempts continue the sequence.
  Backoff b(deterministic());
  b.next_delay();  // 1 s, connect ok but closed before data: no reset
  b.next_delay();  // 2 s
  EXPECT_EQ(b.next_delay(), 4s);
}

TEST(Backoff, jitter_stays_within_zero_and_the_ceiling) {
  Backoff b(BackoffConfig{.seed = 42});
  const std::vector<Duration> ceilings{1s, 2s, 4s, 8s, 16s, 30s, 30s, 30s, 30s, 30s};
  for (int round = 0; round < 200; ++round) {
    for (Duration ceiling : ceilings) {
      const Duration d = b.next_delay();
      ASSERT_GE(d, Duration::zero());
      ASSERT_LE(d, ceiling);
    }
    b.reset();
  }
}

TEST(Backoff, jitter_spreads_over_the_whole_range) {
  Backoff b(BackoffConfig{.initial = 1s, .max = 1s, .seed = 7});
  int low = 0;
  int high = 0;
  for (int i = 0; i < 1000; ++i) {
    const Duration d = b.next_delay();
    if (d < 250ms) ++low;
    if (d > 750ms) ++high;
  }
  // Uniform: about 250 each; far from all-or-nothing.
  EXPECT_GT(low, 180);
  EXPECT_GT(high, 180);
  EXPECT_LT(low, 320);
  EXPECT_LT(high, 320);
}

TEST(Backoff, same_seed_gives_the_same_jittered_sequence) {
  Backoff a(BackoffConfig{.seed = 12345});
  Backoff b(BackoffConfig{.seed = 12345});
  const auto da = delays(a, 20);
  EXPECT_EQ(da, delays(b, 20));
  Backoff c(BackoffConfig{.seed = 12346});
  EXPECT_NE(da, delays(c, 20));
}

TEST(Backoff, reset_does_not_replay_the_jitter) {
  Backoff b(BackoffConfig{.initial = 1s, .max = 1s, .seed = 3});
  const auto first = delays(b, 5);
  b.reset();
  EXPECT_NE(first, delays(b, 5));
}

TEST(Backoff, validate_rejects_each_bad_field_by_name) {
  auto s = Backoff::validate(BackoffConfig{.initial = 0s});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(s.error().message.find("initial"), std::string::npos);

  s = Backoff::validate(BackoffConfig{.initial = 5s, .max = 2s});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("max"), std::string::npos);

  s = Backoff::validate(BackoffConfig{.multiplier = 0.5});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("multiplier"), std::string::npos);

  EXPECT_TRUE(Backoff::validate(BackoffConfig{}));
}

TEST(Backoff, create_returns_the_validation_error) {
  auto bad = Backoff::create(BackoffConfig{.initial = -1s});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  auto good = Backoff::create(deterministic());
  ASSERT_TRUE(good);
  EXPECT_EQ(good->next_delay(), 1s);
}

TEST(Backoff, invalid_config_does_not_crash_and_falls_back_to_defaults) {
  Backoff b(BackoffConfig{.initial = 0s, .max = -5s, .multiplier = -3, .jitter = false});
  EXPECT_EQ(delays(b, 3), (std::vector<Duration>{1s, 2s, 4s}));
  EXPECT_EQ(b.config().max, 30s);
}

TEST(Backoff, a_cap_above_a_day_is_rejected_by_validate_and_clamped_by_the_constructor) {
  auto s = Backoff::validate(BackoffConfig{.max = Duration::max()});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("max must be <="), std::string::npos);
  Backoff b(BackoffConfig{.initial = Duration::max(), .max = Duration::max(), .jitter = false});
  EXPECT_EQ(b.next_delay(), kMaxBackoff);
  Backoff jittered(BackoffConfig{.max = Duration::max(), .seed = 1});
  for (int i = 0; i < 100; ++i) ASSERT_LE(jittered.next_delay(), kMaxBackoff);
}

}  // namespace
}  // namespace nzeza::net

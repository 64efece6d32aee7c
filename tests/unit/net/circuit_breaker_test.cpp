#include "net/circuit_breaker.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace nzeza::net {
namespace {

struct Event {
  CircuitState from;
  CircuitState to;
  Timestamp at;
  bool operator==(const Event&) const = default;
};

class CircuitBreakerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    breaker_.on_transition([this](CircuitState from, CircuitState to, Timestamp at) {
      events_.push_back(Event{from, to, at});
    });
  }
  void fail_times(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(breaker_.allow()) << "attempt " << i;
      breaker_.record_failure();
    }
  }

  ManualClock clock_;
  const Timestamp t0_ = clock_.now();
  CircuitBreaker breaker_{clock_, CircuitBreakerConfig{}, "binance-ws"};
  std::vector<Event> events_;
};

TEST_F(CircuitBreakerTest, starts_closed_and_allows) {
  EXPECT_EQ(breaker_.state(), CircuitState::closed);
  EXPECT_TRUE(breaker_.allow());
  EXPECT_TRUE(breaker_.half_open_at().is_zero());
  EXPECT_EQ(clock_.pending_timers(), 0u);
}

TEST_F(CircuitBreakerTest, four_failures_keep_it_closed) {
  fail_times(4);
  EXPECT_EQ(breaker_.state(), CircuitState::closed);
  EXPECT_EQ(breaker_.consecutive_failures(), 4);
  EXPECT_TRUE(events_.empty());
}

TEST_F(CircuitBreakerTest, opens_after_five_consecutive_failures) {
  fail_times(5);
  EXPECT_EQ(breaker_.state(), CircuitState::open);
  EXPECT_EQ(breaker_.half_open_at(), t0_ + 30s);
  EXPECT_EQ(events_, (std::vector<Event>{{CircuitState::closed, CircuitState::open, t0_}}));
}

TEST_F(CircuitBreakerTest, refuses_the_sixth_attempt_at_once_saying_the_circuit_is_open) {
  fail_times(5);
  const auto refused = breaker_.allow();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::circuit_open);
  EXPECT_EQ(refused.error().message,
            "circuit 'binance-ws' is open until " + (t0_ + 30s).to_iso8601());
  EXPECT_EQ(clock_.now(), t0_);  // at once: no time passed
}

TEST_F(CircuitBreakerTest, a_success_resets_the_consecutive_count) {
  fail_times(4);
  ASSERT_TRUE(breaker_.allow());
  breaker_.record_success();
  EXPECT_EQ(breaker_.consecutive_failures(), 0);
  fail_times(4);
  EXPECT_EQ(breaker_.state(), CircuitState::closed);
}

TEST_F(CircuitBreakerTest, turns_half_open_after_thirty_seconds_by_timer_without_any_caller) {
  fail_times(5);
  clock_.advance(29s);
  EXPECT_EQ(breaker_.state(), CircuitState::open);
  EXPECT_EQ(events_.size(), 1u);
  clock_.advance(1s);
  EXPECT_EQ(breaker_.state(), CircuitState::half_open);
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[1], (Event{CircuitState::open, CircuitState::half_open, t0_ + 30s}));
  EXPECT_EQ(clock_.pending_timers(), 0u);
}

TEST_F(CircuitBreakerTest, allow_after_the_timer_fired_does_not_publish_twice) {
  fail_times(5);
  clock_.advance(30s);
  ASSERT_TRUE(breaker_.allow());
  EXPECT_EQ(events_.size(), 2u);
}

TEST_F(CircuitBreakerTest, half_open_allows_exactly_one_trial) {
  fail_times(5);
  clock_.advance(30s);
  ASSERT_TRUE(breaker_.allow());
  const auto second = breaker_.allow();
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::circuit_open);
  EXPECT_NE(second.error().message.find("half-open"), std::string::npos);
}

TEST_F(CircuitBreakerTest, success_in_half_open_closes) {
  fail_times(5);
  clock_.advance(30s);
  ASSERT_TRUE(breaker_.allow());
  clock_.advance(2s);
  breaker_.record_success();
  EXPECT_EQ(breaker_.state(), CircuitState::closed);
  EXPECT_EQ(breaker_.consecutive_failures(), 0);
  EXPECT_EQ(events_.back(), (Event{CircuitState::half_open, CircuitState::closed, t0_ + 32s}));
  EXPECT_TRUE(breaker_.allow());
  EXPECT_TRUE(breaker_.allow());
}

TEST_F(CircuitBreakerTest, failure_in_half_open_reopens_for_another_period) {
  fail_times(5);
  clock_.advance(30s);
  ASSERT_TRUE(breaker_.allow());
  clock_.advance(1s);
  breaker_.record_failure();
  EXPECT_EQ(breaker_.state(), CircuitState::open);
  EXPECT_EQ(breaker_.half_open_at(), t0_ + 61s);
  EXPECT_FALSE(breaker_.allow());
  clock_.advance(30s);
  EXPECT_EQ(breaker_.state(), CircuitState::half_open);
  EXPECT_EQ(events_,
            (std::vector<Event>{{CircuitState::closed, CircuitState::open, t0_},
                                {CircuitState::open, CircuitState::half_open, t0_ + 30s},
                                {CircuitState::half_open, CircuitState::open, t0_ + 31s},
                                {CircuitState::open, CircuitState::half_open, t0_ + 61s}}));
}

TEST_F(CircuitBreakerTest, results_reported_while_open_are_ignored) {
  fail_times(5);
  breaker_.record_success();
  EXPECT_EQ(breaker_.state(), CircuitState::open);
  breaker_.record_failure();
  EXPECT_EQ(breaker_.half_open_at(), t0_ + 30s);
  EXPECT_EQ(events_.size(), 1u);
}

TEST_F(CircuitBreakerTest, abandoned_trial_frees_the_half_open_slot) {
  fail_times(5);
  clock_.advance(30s);
  ASSERT_TRUE(breaker_.allow());
  ASSERT_FALSE(breaker_.allow());
  breaker_.record_abandoned();
  EXPECT_EQ(breaker_.state(), CircuitState::half_open);
  EXPECT_TRUE(breaker_.allow());
}

TEST(CircuitBreaker, all_numbers_are_configurable) {
  ManualClock clock;
  const Timestamp t0 = clock.now();
  CircuitBreaker breaker(
      clock,
      CircuitBreakerConfig{.failure_threshold = 2, .open_duration = 5s, .half_open_trials = 3},
      "kraken-rest");
  breaker.record_failure();
  EXPECT_EQ(breaker.state(), CircuitState::closed);
  breaker.record_failure();
  EXPECT_EQ(breaker.state(), CircuitState::open);
  EXPECT_EQ(breaker.half_open_at(), t0 + 5s);
  clock.advance(5s);
  EXPECT_EQ(breaker.state(), CircuitState::half_open);
  EXPECT_TRUE(breaker.allow());
  EXPECT_TRUE(breaker.allow());
  EXPECT_TRUE(breaker.allow());
  EXPECT_FALSE(breaker.allow());
}

TEST(CircuitBreaker, lazy_half_open_in_allow_when_the_timer_has_not_fired_yet) {
  // A clock whose firing thread is late: time moves past the deadline before timers run.
  ManualClock clock;
  CircuitBreaker breaker(clock, CircuitBreakerConfig{.failure_threshold = 1}, "late");
  std::vector<CircuitState> seen;
  breaker.on_transition([&](CircuitState, CircuitState to, Timestamp) { seen.push_back(to); });
  Status inside;
  // A timer at the same deadline scheduled BEFORE the breaker's fires first: from inside it,
  // now() == deadline but the breaker's timer has not run.
  clock.schedule_after(30s, [&] { inside = breaker.allow(); });
  breaker.record_failure();
  clock.advance(30s);
  EXPECT_TRUE(inside);
  EXPECT_EQ(breaker.state(), CircuitState::half_open);
  EXPECT_EQ(seen, (std::vector<CircuitState>{CircuitState::open, CircuitState::half_open}));
  EXPECT_EQ(clock.pending_timers(), 0u);
}

TEST(CircuitBreaker, validate_names_the_bad_field) {
  auto s = CircuitBreaker::validate(CircuitBreakerConfig{.failure_threshold = 0});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(s.error().message.find("failure_threshold"), std::string::npos);
  s = CircuitBreaker::validate(CircuitBreakerConfig{.open_duration = 0s});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("open_duration"), std::string::npos);
  s = CircuitBreaker::validate(CircuitBreakerConfig{.half_open_trials = 0});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("half_open_trials"), std::string::npos);
  EXPECT_TRUE(CircuitBreaker::validate(CircuitBreakerConfig{}));
}

TEST(CircuitBreaker, invalid_config_falls_back_to_defaults_without_crashing) {
  ManualClock clock;
  CircuitBreaker breaker(clock, CircuitBreakerConfig{-1, -5s, 0}, "bad");
  EXPECT_EQ(breaker.config().failure_threshold, 5);
  EXPECT_EQ(breaker.config().open_duration, 30s);
  EXPECT_EQ(breaker.config().half_open_trials, 1);
}

TEST(CircuitBreaker, destroying_an_open_breaker_cancels_its_timer) {
  ManualClock clock;
  {
    CircuitBreaker breaker(clock, CircuitBreakerConfig{.failure_threshold = 1}, "gone");
    breaker.record_failure();
    EXPECT_EQ(clock.pending_timers(), 1u);
  }
  EXPECT_EQ(clock.pending_timers(), 0u);
  EXPECT_EQ(clock.advance(60s), 0u);
}

TEST(CircuitBreaker, a_callback_may_call_back_into_the_breaker) {
  ManualClock clock;
  CircuitBreaker breaker(clock, CircuitBreakerConfig{.failure_threshold = 1}, "reentrant");
  std::vector<CircuitState> seen;
  breaker.on_transition([&](CircuitState, CircuitState to, Timestamp) {
    seen.push_back(to);
    if (to == CircuitState::half_open) {
      // The reconnect loop reacts to HALF_OPEN by trying at once.
      ASSERT_TRUE(breaker.allow());
      breaker.record_success();
    }
  });
  breaker.record_failure();
  clock.advance(30s);
  EXPECT_EQ(breaker.state(), CircuitState::closed);
  EXPECT_EQ(seen, (std::vector<CircuitState>{CircuitState::open, CircuitState::half_open,
                                             CircuitState::closed}));
}

TEST(CircuitBreaker, to_string_names_each_state) {
  EXPECT_EQ(to_string(CircuitState::closed), "CLOSED");
  EXPECT_EQ(to_string(CircuitState::open), "OPEN");
  EXPECT_EQ(to_string(CircuitState::half_open), "HALF_OPEN");
}

TEST(CircuitBreaker, an_open_duration_above_a_day_is_rejected_and_clamped) {
  EXPECT_FALSE(CircuitBreaker::validate(CircuitBreakerConfig{.open_duration = Duration::max()}));
  ManualClock clock;
  CircuitBreaker breaker(
      clock, CircuitBreakerConfig{.failure_threshold = 1, .open_duration = Duration::max()},
      "huge");
  breaker.record_failure();
  EXPECT_EQ(breaker.half_open_at(), clock.now() + kMaxOpenDuration);
}

}  // namespace
}  // namespace nzeza::net

#include "net/reconnect_policy.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace nzeza::net {
namespace {

ReconnectPolicyConfig deterministic() {
  ReconnectPolicyConfig c;
  c.backoff.jitter = false;
  return c;
}

class ReconnectPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_.status().subscribe([this](const ConnectionTransition& t) { states_.push_back(t.to); });
  }
  // Fails the attempt in progress and returns the wait it was given.
  Duration fail_attempt() {
    const auto action = policy_.connect_failed("connection refused");
    EXPECT_EQ(action.kind, ReconnectActionKind::wait_until);
    return action.at - clock_.now();
  }
  // Advances to the next attempt time and starts it; returns the action.
  ReconnectAction next_attempt() {
    clock_.advance_to(policy_.next_attempt_at());
    return policy_.connect_started();
  }

  ManualClock clock_;
  const Timestamp t0_ = clock_.now();
  ReconnectPolicy policy_{clock_, deterministic(), "binance-md"};
  std::vector<ConnectionState> states_;
};

TEST_F(ReconnectPolicyTest, start_grants_the_first_attempt_and_reports_connecting) {
  ASSERT_TRUE(policy_.start());
  EXPECT_EQ(policy_.phase(), ReconnectPhase::attempting);
  EXPECT_EQ(policy_.status().state(), ConnectionState::connecting);
  EXPECT_EQ(policy_.attempts(), 1u);
}

TEST_F(ReconnectPolicyTest, double_connect_is_prevented) {
  ASSERT_TRUE(policy_.start());
  auto again = policy_.start();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::invalid_state);
  EXPECT_NE(again.error().message.find("already CONNECTING"), std::string::npos);
  ASSERT_TRUE(policy_.connected());
  auto now = policy_.connect_now();
  ASSERT_FALSE(now);
  EXPECT_EQ(now.error().code, ErrorCode::invalid_state);
  EXPECT_EQ(policy_.attempts(), 1u);
}

TEST_F(ReconnectPolicyTest, failed_attempts_wait_1_2_4_8_seconds_then_the_circuit_opens) {
  ASSERT_TRUE(policy_.start());
  std::vector<Duration> waits;
  for (int i = 0; i < 4; ++i) {
    waits.push_back(fail_attempt());
    EXPECT_EQ(policy_.status().state(), ConnectionState::reconnecting);
    ASSERT_EQ(next_attempt().kind, ReconnectActionKind::connect_now);
  }
  EXPECT_EQ(waits, (std::vector<Duration>{1s, 2s, 4s, 8s}));
  // The 5th consecutive failure (at t0 + 15 s) opens the circuit: wait for HALF_OPEN.
  EXPECT_EQ(fail_attempt(), 30s);
  EXPECT_EQ(clock_.now(), t0_ + 15s);
  EXPECT_EQ(policy_.status().state(), ConnectionState::circuit_open);
  EXPECT_EQ(policy_.breaker().state(), CircuitState::open);
  EXPECT_NE(policy_.status().snapshot().reason.find("is open until"), std::string::npos);
}

TEST_F(ReconnectPolicyTest, explicit_connect_while_the_circuit_is_open_is_refused_at_once) {
  ASSERT_TRUE(policy_.start());
  for (int i = 0; i < 4; ++i) {
    fail_attempt();
    next_attempt();
  }
  fail_attempt();
  const auto attempts = policy_.attempts();
  auto refused = policy_.connect_now();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::circuit_open);
  EXPECT_NE(refused.error().message.find("circuit 'binance-md' is open until"), std::string::npos);
  EXPECT_EQ(policy_.attempts(), attempts);
  EXPECT_EQ(policy_.status().state(), ConnectionState::circuit_open);
}

TEST_F(ReconnectPolicyTest, an_early_timer_is_told_to_wait_until_the_right_time) {
  ASSERT_TRUE(policy_.start());
  fail_attempt();
  clock_.advance(500ms);
  const auto action = policy_.connect_started();
  EXPECT_EQ(action.kind, ReconnectActionKind::wait_until);
  EXPECT_EQ(action.at, t0_ + 1s);
}

TEST_F(ReconnectPolicyTest, recovers_after_thirty_seconds_with_one_trial_and_reports_connected) {
  ASSERT_TRUE(policy_.start());
  for (int i = 0; i < 4; ++i) {
    fail_attempt();
    next_attempt();
  }
  fail_attempt();  // open at t0 + 15 s
  const auto trial = next_attempt();
  EXPECT_EQ(clock_.now(), t0_ + 45s);
  ASSERT_EQ(trial.kind, ReconnectActionKind::connect_now);
  EXPECT_EQ(policy_.breaker().state(), CircuitState::half_open);
  EXPECT_EQ(policy_.status().state(), ConnectionState::reconnecting);
  ASSERT_TRUE(policy_.connected());
  EXPECT_EQ(policy_.status().state(), ConnectionState::connected);
  ASSERT_TRUE(policy_.connected_useful());
  EXPECT_EQ(policy_.breaker().state(), CircuitState::closed);
  EXPECT_EQ(policy_.backoff().attempts(), 0);
  EXPECT_EQ(policy_.status().state(), ConnectionState::connected);
}

TEST_F(ReconnectPolicyTest, a_failed_trial_reopens_the_circuit_for_another_thirty_seconds) {
  ASSERT_TRUE(policy_.start());
  for (int i = 0; i < 4; ++i) {
    fail_attempt();
    next_attempt();
  }
  fail_attempt();
  ASSERT_EQ(next_attempt().kind, ReconnectActionKind::connect_now);  // trial at t0 + 45 s
  EXPECT_EQ(fail_attempt(), 30s);
  EXPECT_EQ(policy_.status().state(), ConnectionState::circuit_open);
  EXPECT_EQ(policy_.next_attempt_at(), t0_ + 75s);
}

TEST_F(ReconnectPolicyTest, a_timer_at_the_half_open_time_that_finds_the_circuit_open_is_refused) {
  // A breaker shared with other users reopened meanwhile: the loop is told to wait again.
  ASSERT_TRUE(policy_.start());
  for (int i = 0; i < 4; ++i) {
    fail_attempt();
    next_attempt();
  }
  fail_attempt();
  clock_.advance(30s);                     // HALF_OPEN
  ASSERT_TRUE(policy_.breaker().allow());  // someone else takes the only trial and fails
  policy_.breaker().record_failure();
  const auto action = policy_.connect_started();
  EXPECT_EQ(action.kind, ReconnectActionKind::refused_circuit_open);
  EXPECT_EQ(action.at, t0_ + 75s);
  EXPECT_EQ(policy_.status().state(), ConnectionState::circuit_open);
}

TEST_F(ReconnectPolicyTest, accept_then_close_counts_as_a_failure_and_does_not_reset_backoff) {
  ASSERT_TRUE(policy_.start());
  ASSERT_TRUE(policy_.connected());
  auto action = policy_.disconnected("closed by peer before data");
  EXPECT_EQ(action.kind, ReconnectActionKind::wait_until);
  EXPECT_EQ(action.at - clock_.now(), 1s);
  EXPECT_EQ(policy_.breaker().consecutive_failures(), 1);
  next_attempt();
  ASSERT_TRUE(policy_.connected());
  action = policy_.disconnected("closed by peer before data");
  EXPECT_EQ(action.at - clock_.now(), 2s);  // still growing
  EXPECT_EQ(policy_.breaker().consecutive_failures(), 2);
}

TEST_F(ReconnectPolicyTest, a_useful_connection_resets_backoff_and_its_loss_is_not_a_failure) {
  ASSERT_TRUE(policy_.start());
  fail_attempt();
  next_attempt();
  fail_attempt();
  next_attempt();
  ASSERT_TRUE(policy_.connected());
  ASSERT_TRUE(policy_.connected_useful());
  EXPECT_EQ(policy_.breaker().consecutive_failures(), 0);
  clock_.advance(1h);
  const auto action = policy_.disconnected("server closed");
  EXPECT_EQ(action.kind, ReconnectActionKind::wait_until);
  EXPECT_EQ(action.at - clock_.now(), 1s);
  EXPECT_EQ(policy_.breaker().consecutive_failures(), 0);
  EXPECT_EQ(policy_.status().state(), ConnectionState::reconnecting);
}

TEST_F(ReconnectPolicyTest, connect_now_skips_the_backoff_wait) {
  ASSERT_TRUE(policy_.start());
  EXPECT_EQ(fail_attempt(), 1s);
  ASSERT_TRUE(policy_.connect_now());
  EXPECT_EQ(policy_.phase(), ReconnectPhase::attempting);
  EXPECT_EQ(clock_.now(), t0_);
  EXPECT_EQ(policy_.attempts(), 2u);
}

TEST_F(ReconnectPolicyTest, stop_is_graceful_and_later_events_answer_stopped) {
  ASSERT_TRUE(policy_.start());
  ASSERT_TRUE(policy_.connected());
  ASSERT_TRUE(policy_.connected_useful());
  EXPECT_EQ(policy_.stop().kind, ReconnectActionKind::stopped);
  EXPECT_EQ(policy_.status().state(), ConnectionState::stopped);
  EXPECT_EQ(policy_.status().snapshot().reason, "stop requested");
  // The closing socket's callbacks arrive late: nothing restarts.
  EXPECT_EQ(policy_.disconnected("closed").kind, ReconnectActionKind::stopped);
  EXPECT_EQ(policy_.connect_failed("x").kind, ReconnectActionKind::stopped);
  EXPECT_EQ(policy_.connect_started().kind, ReconnectActionKind::stopped);
  EXPECT_FALSE(policy_.connected());
  EXPECT_EQ(policy_.stop().kind, ReconnectActionKind::stopped);  // idempotent
  EXPECT_EQ(states_,
            (std::vector<ConnectionState>{ConnectionState::connecting, ConnectionState::connected,
                                          ConnectionState::stopped}));
  ASSERT_TRUE(policy_.start());  // restartable
}

TEST_F(ReconnectPolicyTest, stop_during_a_half_open_trial_frees_the_trial) {
  ASSERT_TRUE(policy_.start());
  for (int i = 0; i < 4; ++i) {
    fail_attempt();
    next_attempt();
  }
  fail_attempt();
  ASSERT_EQ(next_attempt().kind, ReconnectActionKind::connect_now);  // the trial
  policy_.stop("shutdown");
  EXPECT_EQ(policy_.breaker().state(), CircuitState::half_open);
  ASSERT_TRUE(policy_.start());  // the trial slot is free again
}

TEST_F(ReconnectPolicyTest, events_out_of_phase_are_ignored) {
  ASSERT_TRUE(policy_.start());
  EXPECT_EQ(policy_.connect_started().kind, ReconnectActionKind::ignored);
  fail_attempt();
  EXPECT_EQ(policy_.disconnected("dup").kind, ReconnectActionKind::ignored);
  EXPECT_EQ(policy_.connect_failed("dup").kind, ReconnectActionKind::ignored);
  EXPECT_FALSE(policy_.connected());
  EXPECT_FALSE(policy_.connected_useful());
  EXPECT_EQ(policy_.breaker().consecutive_failures(), 1);
}

TEST_F(ReconnectPolicyTest, status_sequence_through_failure_circuit_and_recovery) {
  ASSERT_TRUE(policy_.start());
  for (int i = 0; i < 4; ++i) {
    fail_attempt();
    next_attempt();
  }
  fail_attempt();
  next_attempt();
  policy_.connected();
  policy_.connected_useful();
  EXPECT_EQ(states_, (std::vector<ConnectionState>{
                         ConnectionState::connecting, ConnectionState::reconnecting,
                         ConnectionState::circuit_open, ConnectionState::reconnecting,
                         ConnectionState::connected}));
}

// A client as the WebSocket client would drive it: it arms a Clock timer for every wait and
// calls connect_started() when it fires; the venue refuses every connection.
TEST(ReconnectPolicy, driven_by_clock_timers_attempts_happen_at_0_1_3_7_15_then_45_seconds) {
  ManualClock clock;
  const Timestamp t0 = clock.now();
  ReconnectPolicy policy(clock, deterministic(), "always-down");
  std::vector<Duration> attempt_times;
  std::function<void(const ReconnectAction&)> follow = [&](const ReconnectAction& action) {
    switch (action.kind) {
      case ReconnectActionKind::connect_now:
        attempt_times.push_back(clock.now() - t0);
        follow(policy.connect_failed("connection refused"));
        break;
      case ReconnectActionKind::wait_until:
      case ReconnectActionKind::refused_circuit_open:
        clock.schedule_at(action.at, [&] { follow(policy.connect_started()); });
        break;
      case ReconnectActionKind::stopped:
      case ReconnectActionKind::ignored:
        break;
    }
  };
  ASSERT_TRUE(policy.start());
  follow(ReconnectAction{ReconnectActionKind::connect_now, clock.now(), "start"});
  clock.advance(100s);
  EXPECT_EQ(attempt_times, (std::vector<Duration>{0s, 1s, 3s, 7s, 15s, 45s, 75s}));
  EXPECT_EQ(policy.status().state(), ConnectionState::circuit_open);
  policy.stop();
  clock.advance(100s);
  EXPECT_EQ(attempt_times.size(), 7u);
}

TEST(ReconnectPolicy, validate_reports_backoff_and_breaker_errors) {
  ReconnectPolicyConfig c;
  c.backoff.multiplier = 0;
  auto s = ReconnectPolicy::validate(c);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("multiplier"), std::string::npos);
  c = {};
  c.breaker.failure_threshold = 0;
  s = ReconnectPolicy::validate(c);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("failure_threshold"), std::string::npos);
  EXPECT_TRUE(ReconnectPolicy::validate(ReconnectPolicyConfig{}));
}

TEST(ReconnectPolicy, to_string_names_actions_and_phases) {
  EXPECT_EQ(to_string(ReconnectActionKind::refused_circuit_open), "refused_circuit_open");
  EXPECT_EQ(to_string(ReconnectPhase::useful), "useful");
}

}  // namespace
}  // namespace nzeza::net

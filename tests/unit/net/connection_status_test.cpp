#include "net/connection_status.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace nzeza::net {
namespace {

TEST(ConnectionStatus, to_string_gives_the_upper_case_names) {
  EXPECT_EQ(to_string(ConnectionState::connecting), "CONNECTING");
  EXPECT_EQ(to_string(ConnectionState::connected), "CONNECTED");
  EXPECT_EQ(to_string(ConnectionState::reconnecting), "RECONNECTING");
  EXPECT_EQ(to_string(ConnectionState::circuit_open), "CIRCUIT_OPEN");
  EXPECT_EQ(to_string(ConnectionState::stopped), "STOPPED");
}

TEST(ConnectionStatus, starts_stopped_at_construction_time) {
  ManualClock clock;
  ConnectionStatus status(clock, "binance-md");
  const auto snap = status.snapshot();
  EXPECT_EQ(snap.state, ConnectionState::stopped);
  EXPECT_EQ(snap.since, clock.now());
  EXPECT_EQ(snap.transitions, 0u);
  EXPECT_EQ(status.name(), "binance-md");
}

TEST(ConnectionStatus, publishes_each_transition_with_time_and_reason) {
  ManualClock clock;
  const Timestamp t0 = clock.now();
  ConnectionStatus status(clock, "kraken-md");
  std::vector<ConnectionTransition> seen;
  status.subscribe([&](const ConnectionTransition& t) { seen.push_back(t); });

  EXPECT_TRUE(status.set(ConnectionState::connecting, "start"));
  clock.advance(200ms);
  EXPECT_TRUE(status.set(ConnectionState::connected, "subscribed"));
  clock.advance(10s);
  EXPECT_TRUE(status.set(ConnectionState::reconnecting, "server closed"));

  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].from, ConnectionState::stopped);
  EXPECT_EQ(seen[0].to, ConnectionState::connecting);
  EXPECT_EQ(seen[0].at, t0);
  EXPECT_EQ(seen[0].reason, "start");
  EXPECT_EQ(seen[1].to, ConnectionState::connected);
  EXPECT_EQ(seen[1].at, t0 + 200ms);
  EXPECT_EQ(seen[2].from, ConnectionState::connected);
  EXPECT_EQ(seen[2].to, ConnectionState::reconnecting);
  EXPECT_EQ(seen[2].at, t0 + 200ms + 10s);
  EXPECT_EQ(seen[2].reason, "server closed");

  const auto snap = status.snapshot();
  EXPECT_EQ(snap.state, ConnectionState::reconnecting);
  EXPECT_EQ(snap.since, t0 + 200ms + 10s);
  EXPECT_EQ(snap.reason, "server closed");
  EXPECT_EQ(snap.transitions, 3u);
}

TEST(ConnectionStatus, setting_the_same_state_again_publishes_nothing) {
  ManualClock clock;
  ConnectionStatus status(clock);
  int events = 0;
  status.subscribe([&](const ConnectionTransition&) { ++events; });
  EXPECT_TRUE(status.set(ConnectionState::connecting, "start"));
  EXPECT_FALSE(status.set(ConnectionState::connecting, "again"));
  EXPECT_EQ(events, 1);
  EXPECT_EQ(status.snapshot().reason, "start");
}

TEST(ConnectionStatus, unsubscribed_callback_is_not_called) {
  ManualClock clock;
  ConnectionStatus status(clock);
  int a = 0;
  int b = 0;
  const auto id = status.subscribe([&](const ConnectionTransition&) { ++a; });
  status.subscribe([&](const ConnectionTransition&) { ++b; });
  status.set(ConnectionState::connecting, "start");
  EXPECT_TRUE(status.unsubscribe(id));
  EXPECT_FALSE(status.unsubscribe(id));
  status.set(ConnectionState::connected, "up");
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 2);
}

TEST(ConnectionStatus, a_subscriber_may_set_the_state_and_events_stay_in_order) {
  ManualClock clock;
  ConnectionStatus status(clock);
  std::vector<ConnectionState> seen;
  status.subscribe([&](const ConnectionTransition& t) {
    seen.push_back(t.to);
    if (t.to == ConnectionState::circuit_open) status.set(ConnectionState::stopped, "give up");
  });
  status.subscribe([&](const ConnectionTransition& t) { seen.push_back(t.to); });
  status.set(ConnectionState::circuit_open, "5 failures");
  // Both subscribers see CIRCUIT_OPEN before either sees STOPPED.
  EXPECT_EQ(seen, (std::vector<ConnectionState>{
                      ConnectionState::circuit_open, ConnectionState::circuit_open,
                      ConnectionState::stopped, ConnectionState::stopped}));
  EXPECT_EQ(status.state(), ConnectionState::stopped);
}

TEST(ConnectionStatus, a_throwing_subscriber_does_not_block_later_events) {
  ManualClock clock;
  ConnectionStatus status(clock);
  bool thrown = false;
  std::vector<ConnectionState> seen;
  status.subscribe([&](const ConnectionTransition& t) {
    if (!thrown) {
      thrown = true;
      throw std::runtime_error("subscriber bug");
    }
    seen.push_back(t.to);
  });
  EXPECT_THROW(status.set(ConnectionState::connecting, "start"), std::runtime_error);
  EXPECT_EQ(status.state(), ConnectionState::connecting);  // the state changed regardless
  EXPECT_TRUE(status.set(ConnectionState::connected, "up"));
  EXPECT_EQ(seen, (std::vector<ConnectionState>{ConnectionState::connected}));
}

}  // namespace
}  // namespace nzeza::net

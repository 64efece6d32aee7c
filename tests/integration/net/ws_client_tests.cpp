// WsClient against the loopback WebSocket simulator: every fault of docs/testing/net.md's matrix.
// Real sockets on 127.0.0.1; all time-based behaviour (deadlines, backoff, circuit, silence) runs
// on a ManualClock, and the tests only wait (with a real-time guard) for socket events.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "net/net_context.hpp"
#include "net/ws_client.hpp"
#include "support/test_pki.hpp"
#include "support/wait.hpp"
#include "support/ws_server.hpp"

namespace nzeza::net {
namespace {

using testsupport::closed_port;
using testsupport::TestPki;
using testsupport::wait_until;
using testsupport::WsHandshake;
using testsupport::WsServer;
using testsupport::WsServerOptions;
using testsupport::WsSession;

// Everything a client reported, for assertions from the test thread.
// Declared before the client it records: the client calls it until the client is destroyed.
class Recorder {
 public:
  void attach(WsClient& client) {
    client.on_message([this](std::string_view m) {
      std::lock_guard lock(mu_);
      messages_.emplace_back(m);
    });
    client.on_error([this](const Error& e) {
      std::lock_guard lock(mu_);
      errors_.push_back(e);
    });
    client.on_status([this](const ConnectionTransition& t) {
      std::lock_guard lock(mu_);
      states_.push_back(t.to);
    });
  }
  std::vector<std::string> messages() const {
    std::lock_guard lock(mu_);
    return messages_;
  }
  std::vector<Error> errors() const {
    std::lock_guard lock(mu_);
    return errors_;
  }
  std::size_t error_count() const {
    std::lock_guard lock(mu_);
    return errors_.size();
  }
  Error last_error() const {
    std::lock_guard lock(mu_);
    return errors_.empty() ? Error{} : errors_.back();
  }
  std::vector<ConnectionState> states() const {
    std::lock_guard lock(mu_);
    return states_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> messages_;
  std::vector<Error> errors_;
  std::vector<ConnectionState> states_;
};

class WsClientTest : public ::testing::Test {
 protected:
  void SetUp() override { net_.start(); }

  WsClientConfig config_for(const std::string& url) const {
    WsClientConfig config;
    config.url = url;
    config.name = "test-ws";
    config.backoff.jitter = false;  // deterministic 1/2/4/8
    config.tls.extra_ca_file = TestPki::shared().ca_file();
    return config;
  }

  // Waits until the client is RECONNECTING with its backoff wait armed on the Clock (the only
  // pending timer when idle checks and pings are off), so that advancing the clock fires it.
  [[nodiscard]] bool wait_for_retry_armed(const WsClient& client) const {
    return wait_until([&] {
      return client.state() == ConnectionState::reconnecting && clock_.pending_timers() == 1;
    });
  }

  // Advances the clock by `d` and checks, before the last nanosecond, that nothing was due.
  void advance_exactly(Duration d) {
    EXPECT_EQ(clock_.advance(d - 1ns), 0u) << "a timer fired before its time";
    clock_.advance(1ns);
  }

  ManualClock clock_;
  NetContext net_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(WsClientTest, connects_subscribes_and_receives_messages) {
  WsServer server;
  server.on_message([](WsSession& s, const std::string& m) { s.send("ack:" + m); });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url("/stream")));
  rec.attach(client);
  client.on_subscribe([] { return std::vector<std::string>{"sub-a", "sub-b"}; });
  ASSERT_TRUE(client.start().ok());

  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 2; }));
  EXPECT_EQ(rec.messages(), (std::vector<std::string>{"ack:sub-a", "ack:sub-b"}));
  EXPECT_EQ(server.messages(), (std::vector<std::string>{"sub-a", "sub-b"}));
  EXPECT_EQ(client.state(), ConnectionState::connected);
  EXPECT_EQ(client.stats().useful_connections, 1u);
  EXPECT_EQ(rec.states(), (std::vector<ConnectionState>{ConnectionState::connecting,
                                                        ConnectionState::connected}));
  // permessage-deflate is offered by default.
  EXPECT_TRUE(contains(server.upgrade_header(0, "Sec-WebSocket-Extensions"), "permessage-deflate"));
  ASSERT_TRUE(client.send("hello").ok());
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 3; }));
  EXPECT_EQ(rec.messages().back(), "ack:hello");
}

TEST_F(WsClientTest, connects_over_tls_by_host_name_with_sni_and_extra_ca_file) {
  WsServer server(WsServerOptions{.tls = true});
  server.on_connect([](WsSession& s) { s.send("welcome"); });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.localhost_url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 1; }));
  EXPECT_EQ(rec.messages()[0], "welcome");
  EXPECT_EQ(server.upgrade_header(0, "Host"), "localhost:" + std::to_string(server.port()));
}

TEST_F(WsClientTest, connects_over_tls_to_an_ip_address_listed_in_the_certificate) {
  WsServer server(WsServerOptions{.tls = true});
  server.on_connect([](WsSession& s) { s.send("welcome"); });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 1; }));
}

TEST_F(WsClientTest, tls_verification_fails_with_a_wrong_ca) {
  WsServer server(WsServerOptions{.tls = true});
  auto config = config_for(server.localhost_url());
  config.tls.extra_ca_file = TestPki::other().ca_file();
  Recorder rec;
  WsClient client(net_, clock_, config);
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.error_count() == 1; }));
  const Error e = rec.last_error();
  EXPECT_EQ(e.code, ErrorCode::network);
  EXPECT_TRUE(contains(e.message, "TLS handshake")) << e.message;
  EXPECT_TRUE(contains(e.message, "certificate verify failed")) << e.message;
  EXPECT_EQ(server.handshakes(), 0u);
  EXPECT_TRUE(wait_for_retry_armed(client));
}

TEST_F(WsClientTest, unreadable_ca_file_is_a_configuration_error_at_start) {
  auto config = config_for("wss://127.0.0.1:1/");
  config.tls.extra_ca_file = "/nonexistent/ca.pem";
  WsClient client(net_, clock_, config);
  const Status s = client.start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(contains(s.error().message, "/nonexistent/ca.pem")) << s.error().message;
}

TEST_F(WsClientTest, connect_deadline_fires_after_5s_when_the_handshake_is_never_answered) {
  WsServer server;
  server.set_handshake(WsHandshake::never_answer);
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return server.upgrade_requests() == 1; }));

  EXPECT_EQ(clock_.advance(5s - 1ms), 0u);
  EXPECT_EQ(client.state(), ConnectionState::connecting);
  clock_.advance(1ms);
  ASSERT_TRUE(wait_until([&] { return rec.error_count() == 1; }));
  EXPECT_EQ(rec.last_error().code, ErrorCode::timeout);
  EXPECT_TRUE(contains(rec.last_error().message, "within 5s")) << rec.last_error().message;
  ASSERT_TRUE(wait_until([&] { return client.state() == ConnectionState::reconnecting; }));
}

TEST_F(WsClientTest, backoff_is_1_2_4_8_16_30_30_seconds_between_refused_attempts) {
  auto config = config_for("ws://127.0.0.1:" + std::to_string(closed_port()) + "/");
  config.breaker.failure_threshold = 100;  // this test watches the backoff alone
  Recorder rec;
  WsClient client(net_, clock_, config);
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  const std::vector<Duration> expected{1s, 2s, 4s, 8s, 16s, 30s, 30s};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_TRUE(wait_until([&] {
      return rec.error_count() == i + 1 && client.stats().last_retry_delay == expected[i] &&
             clock_.pending_timers() == 1;
    })) << "attempt "
        << i + 1;
    EXPECT_EQ(rec.last_error().code, ErrorCode::network);
    EXPECT_TRUE(contains(rec.last_error().message, "refused")) << rec.last_error().message;
    EXPECT_EQ(clock_.next_deadline(), clock_.now() + expected[i]);
    EXPECT_EQ(client.stats().attempts, i + 1);
    advance_exactly(expected[i]);
  }
  ASSERT_TRUE(wait_until([&] { return client.stats().attempts == expected.size() + 1; }));
}

TEST_F(WsClientTest, accept_then_close_before_data_does_not_reset_the_backoff) {
  WsServer server;
  server.on_connect([](WsSession& s) { s.close(1000); });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  for (Duration expected : {1s, 2s, 4s}) {
    ASSERT_TRUE(wait_until([&] {
      return client.stats().last_retry_delay == expected &&
             client.state() == ConnectionState::reconnecting && clock_.pending_timers() == 1;
    })) << expected.count();
    advance_exactly(expected);
  }
  ASSERT_TRUE(wait_until([&] { return server.handshakes() == 4; }));
  EXPECT_EQ(client.stats().useful_connections, 0u);
}

// Waits until both timers of an open circuit are on the Clock: the breaker's half-open timer and
// the client's wait for it, both due exactly 30 s after now (the test does not move the clock
// meanwhile; a connect deadline would be due in 5 s). Advancing the clock before the client's wait
// is armed would arm it 30 s after the advanced time, and the trial would never come.
[[nodiscard]] bool wait_for_circuit_wait_armed(const ManualClock& clock) {
  return wait_until(
      [&] { return clock.pending_timers() == 2 && clock.next_deadline() == clock.now() + 30s; });
}

// Drives 5 consecutive failures (HTTP 503 at the handshake) through the 1/2/4/8 s backoff, up to
// the circuit opening.
void fail_until_circuit_opens(ManualClock& clock, WsClient& client, const WsServer& server) {
  const std::vector<Duration> delays{1s, 2s, 4s, 8s};
  for (std::size_t i = 0; i < delays.size(); ++i) {
    // The backoff wait is armed once the delay is recorded and the Clock holds one timer.
    ASSERT_TRUE(wait_until([&] {
      return client.stats().attempts == i + 1 && server.upgrade_requests() == i + 1 &&
             client.stats().last_retry_delay == delays[i] && clock.pending_timers() == 1;
    })) << "failure "
        << i + 1;
    EXPECT_EQ(client.circuit(), CircuitState::closed);
    clock.advance(delays[i]);
  }
  ASSERT_TRUE(wait_until([&] {
    return server.upgrade_requests() == 5 && client.state() == ConnectionState::circuit_open;
  }));
  ASSERT_TRUE(wait_for_circuit_wait_armed(clock)) << "the circuit's 30 s OPEN wait";
}

TEST_F(WsClientTest, circuit_opens_after_5_failures_and_refuses_an_explicit_connect_at_once) {
  WsServer server;
  server.set_handshake(WsHandshake::reject, 503);
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  fail_until_circuit_opens(clock_, client, server);
  EXPECT_EQ(client.circuit(), CircuitState::open);
  EXPECT_TRUE(contains(rec.last_error().message, "declined with HTTP 503"))
      << rec.last_error().message;
  EXPECT_EQ(rec.last_error().code, ErrorCode::protocol);

  const Status sixth = client.connect_now();
  ASSERT_FALSE(sixth.ok());
  EXPECT_EQ(sixth.error().code, ErrorCode::circuit_open);
  EXPECT_TRUE(contains(sixth.error().message, "circuit is open")) << sixth.error().message;
  // Refused without touching the network, and after a stop a start() is refused too.
  client.stop();
  ASSERT_TRUE(client.wait_stopped());
  const Status restart = client.start();
  ASSERT_FALSE(restart.ok());
  EXPECT_EQ(restart.error().code, ErrorCode::circuit_open);
  EXPECT_EQ(server.upgrade_requests(), 5u);
  EXPECT_EQ(client.stats().attempts, 5u);
}

TEST_F(WsClientTest, circuit_half_opens_after_30s_and_a_successful_trial_closes_it) {
  WsServer server;
  server.set_handshake(WsHandshake::reject, 503);
  server.on_connect([](WsSession& s) { s.send("snapshot"); });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  fail_until_circuit_opens(clock_, client, server);

  server.set_handshake(WsHandshake::accept);
  EXPECT_EQ(clock_.advance(30s - 1ms), 0u);
  EXPECT_EQ(server.upgrade_requests(), 5u);
  clock_.advance(1ms);
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 1; }));
  ASSERT_TRUE(wait_until([&] { return client.circuit() == CircuitState::closed; }));
  EXPECT_EQ(client.state(), ConnectionState::connected);
  EXPECT_EQ(server.upgrade_requests(), 6u);
}

TEST_F(WsClientTest, failed_half_open_trial_reopens_the_circuit_for_another_30s) {
  WsServer server;
  server.set_handshake(WsHandshake::reject, 503);
  WsClient client(net_, clock_, config_for(server.url()));
  ASSERT_TRUE(client.start().ok());
  fail_until_circuit_opens(clock_, client, server);
  clock_.advance(30s);
  ASSERT_TRUE(wait_until([&] {
    return server.upgrade_requests() == 6 && client.circuit() == CircuitState::open &&
           client.state() == ConnectionState::circuit_open;
  }));
  ASSERT_TRUE(wait_for_circuit_wait_armed(clock_)) << "the reopened circuit's 30 s wait";
  EXPECT_EQ(clock_.advance(30s - 1ms), 0u);
  EXPECT_EQ(server.upgrade_requests(), 6u);
  clock_.advance(1ms);
  ASSERT_TRUE(wait_until([&] { return server.upgrade_requests() == 7; }));
}

TEST_F(WsClientTest, double_connect_is_refused_and_only_one_connection_is_made) {
  WsServer server;
  server.on_connect([](WsSession& s) { s.send("hi"); });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  const Status second = client.start();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::invalid_state);
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 1; }));
  const Status explicit_connect = client.connect_now();
  ASSERT_FALSE(explicit_connect.ok());
  EXPECT_EQ(explicit_connect.error().code, ErrorCode::invalid_state);
  EXPECT_EQ(server.tcp_accepts(), 1u);
  EXPECT_EQ(server.handshakes(), 1u);
}

TEST_F(WsClientTest, stop_sends_a_close_frame_and_reports_stopped) {
  WsServer server;
  server.on_connect([](WsSession& s) { s.send("hi"); });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 1; }));
  client.stop();
  ASSERT_TRUE(client.wait_stopped());
  EXPECT_EQ(client.state(), ConnectionState::stopped);
  ASSERT_TRUE(wait_until([&] { return server.close_codes().size() == 1; }));
  EXPECT_EQ(server.close_codes()[0], 1000);
  EXPECT_EQ(rec.states().back(), ConnectionState::stopped);
  EXPECT_EQ(client.send("late").error().code, ErrorCode::invalid_state);
  EXPECT_EQ(rec.error_count(), 0u);  // a requested stop is not an error
  EXPECT_EQ(clock_.pending_timers(), 0u);
}

TEST_F(WsClientTest, stop_against_a_silent_peer_ends_after_the_close_timeout) {
  WsServer server;
  server.on_connect([](WsSession& s) {
    s.send("hi");
    s.go_silent();
  });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 1; }));
  client.stop();
  ASSERT_TRUE(wait_until([&] { return clock_.pending_timers() == 1; }));  // the close deadline
  EXPECT_EQ(client.state(), ConnectionState::connected);
  advance_exactly(2s);
  ASSERT_TRUE(client.wait_stopped());
}

TEST_F(WsClientTest, stop_while_waiting_to_reconnect_stops_at_once) {
  auto config = config_for("ws://127.0.0.1:" + std::to_string(closed_port()) + "/");
  WsClient client(net_, clock_, config);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return client.state() == ConnectionState::reconnecting; }));
  client.stop();
  ASSERT_TRUE(client.wait_stopped());
  EXPECT_EQ(clock_.pending_timers(), 0u);
}

TEST_F(WsClientTest, frame_larger_than_the_limit_drops_the_connection_and_reconnects) {
  WsServer server;
  server.on_connect([](WsSession& s) {
    if (s.index() == 0) s.send(std::string(4u * 1024 * 1024 + 1, 'x'));
  });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.error_count() == 1; }));
  EXPECT_EQ(rec.last_error().code, ErrorCode::protocol);
  EXPECT_TRUE(contains(rec.last_error().message, "4194304-byte limit")) << rec.last_error().message;
  EXPECT_TRUE(rec.messages().empty());
  ASSERT_TRUE(wait_for_retry_armed(client));
  clock_.advance(1s);
  ASSERT_TRUE(wait_until([&] { return server.handshakes() == 2; }));
}

TEST_F(WsClientTest, message_just_under_the_limit_is_delivered) {
  WsServer server;
  auto config = config_for(server.url());
  config.max_message_bytes = 64 * 1024;
  server.on_connect([](WsSession& s) { s.send(std::string(64 * 1024, 'y')); });
  Recorder rec;
  WsClient client(net_, clock_, config);
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 1; }));
  EXPECT_EQ(rec.messages()[0].size(), 64u * 1024);
}

TEST_F(WsClientTest, silence_past_the_idle_timeout_reconnects) {
  WsServer server;
  server.on_connect([](WsSession& s) {
    s.send("hi");
    if (s.index() == 0) s.go_silent();
  });
  auto config = config_for(server.url());
  config.idle_timeout = 10s;
  Recorder rec;
  WsClient client(net_, clock_, config);
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 1; }));
  EXPECT_EQ(clock_.advance(10s - 1ms), 0u);
  EXPECT_EQ(client.state(), ConnectionState::connected);
  clock_.advance(1ms);
  ASSERT_TRUE(wait_for_retry_armed(client));
  EXPECT_EQ(rec.last_error().code, ErrorCode::timeout);
  EXPECT_TRUE(contains(rec.last_error().message, "no message for 10s")) << rec.last_error().message;
  // The connection was useful, so the backoff restarted at 1 s.
  EXPECT_EQ(client.stats().last_retry_delay, 1s);
  clock_.advance(1s);
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 2; }));
}

TEST_F(WsClientTest, answers_server_pings_with_pongs) {
  WsServer server;
  server.on_connect([](WsSession& s) {
    s.send("hi");
    s.ping();
  });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return server.pongs() == 1; }));
  EXPECT_EQ(client.state(), ConnectionState::connected);
}

TEST_F(WsClientTest, server_pings_reach_the_control_callback_and_count_as_receipt) {
  WsServer server;
  server.on_connect([](WsSession& s) {
    s.send("hi");
    s.ping();
    s.ping();
  });
  WsClient client(net_, clock_, config_for(server.url()));
  std::atomic<int> pings{0};
  client.on_control([&](bool pong) {
    if (!pong) ++pings;
  });
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return pings.load() == 2 && server.pongs() == 2; }));
  EXPECT_EQ(client.stats().pings_received, 2u);
}

TEST_F(WsClientTest, planned_reconnect_closes_cleanly_and_resubscribes_without_backoff) {
  WsServer server;
  server.on_message([](WsSession& s, const std::string& m) { s.send("ack:" + m); });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  client.on_subscribe([] { return std::vector<std::string>{"sub-a"}; });
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 1; }));
  ASSERT_TRUE(client.reconnect("24-hour cut").ok());
  // No clock advance: the new connection starts at once.
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 2; }));
  EXPECT_EQ(server.handshakes(), 2u);
  EXPECT_EQ(server.messages(), (std::vector<std::string>{"sub-a", "sub-a"}));
  EXPECT_EQ(server.close_codes(), (std::vector<std::uint16_t>{1000}));
  EXPECT_EQ(rec.error_count(), 0u);
  EXPECT_EQ(client.stats().planned_reconnects, 1u);
  EXPECT_EQ(client.circuit(), CircuitState::closed);
  ASSERT_TRUE(wait_until([&] { return client.state() == ConnectionState::connected; }));
}

TEST_F(WsClientTest, planned_reconnect_is_refused_when_not_connected) {
  WsClient client(net_, clock_, config_for("ws://127.0.0.1:" + std::to_string(closed_port())));
  EXPECT_EQ(client.reconnect("x").error().code, ErrorCode::invalid_state);
}

TEST_F(WsClientTest, client_pings_keep_a_quiet_connection_alive_past_the_idle_timeout) {
  WsServer server;
  server.on_connect([](WsSession& s) { s.send("hi"); });  // then nothing but pongs
  auto config = config_for(server.url());
  config.ping_interval = 5s;
  config.idle_timeout = 10s;
  Recorder rec;
  WsClient client(net_, clock_, config);
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 1; }));
  for (std::uint64_t n = 1; n <= 4; ++n) {
    clock_.advance(5s);
    ASSERT_TRUE(wait_until([&] { return client.stats().pongs_received == n; })) << n;
    EXPECT_EQ(server.pings(), n);
  }
  EXPECT_EQ(client.state(), ConnectionState::connected);
  EXPECT_EQ(rec.error_count(), 0u);
  EXPECT_EQ(server.handshakes(), 1u);
}

TEST_F(WsClientTest, abrupt_reset_reconnects_after_1s_and_replays_subscriptions) {
  WsServer server;
  server.on_message([](WsSession& s, const std::string& m) { s.send("ack:" + m); });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  client.on_subscribe([] { return std::vector<std::string>{"sub-trades", "sub-book"}; });
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 2; }));
  server.session(0)->reset();
  ASSERT_TRUE(wait_for_retry_armed(client));
  EXPECT_EQ(rec.last_error().code, ErrorCode::network);
  advance_exactly(1s);
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 4; }));
  EXPECT_EQ(server.messages(),
            (std::vector<std::string>{"sub-trades", "sub-book", "sub-trades", "sub-book"}));
  EXPECT_EQ(client.stats().useful_connections, 2u);
}

TEST_F(WsClientTest, clean_close_by_the_server_reconnects_and_reports_the_close_code) {
  WsServer server;
  server.on_connect([](WsSession& s) {
    s.send("hi");
    if (s.index() == 0) s.close(1001);
  });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.error_count() == 1; }));
  EXPECT_EQ(rec.last_error().code, ErrorCode::unavailable);
  EXPECT_TRUE(contains(rec.last_error().message, "code 1001")) << rec.last_error().message;
  ASSERT_TRUE(wait_for_retry_armed(client));
  clock_.advance(1s);
  ASSERT_TRUE(wait_until([&] { return server.handshakes() == 2; }));
}

TEST_F(WsClientTest, garbage_from_the_server_is_a_protocol_error_and_reconnects) {
  WsServer server;
  server.on_connect([](WsSession& s) {
    if (s.index() == 0) s.send_garbage(std::string(32, '\xff'));  // reserved bits and opcode
  });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.error_count() == 1; }));
  EXPECT_EQ(rec.last_error().code, ErrorCode::protocol) << rec.last_error().message;
  EXPECT_TRUE(rec.messages().empty());
  ASSERT_TRUE(wait_for_retry_armed(client));
  clock_.advance(1s);
  ASSERT_TRUE(wait_until([&] { return server.handshakes() == 2; }));
}

TEST_F(WsClientTest, fragmented_frames_are_delivered_as_one_message) {
  WsServer server;
  server.on_connect([](WsSession& s) { s.send_fragmented("{\"price\":\"101.25\"}", 5); });
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 1; }));
  EXPECT_EQ(rec.messages()[0], "{\"price\":\"101.25\"}");
}

TEST_F(WsClientTest, http_503_at_the_handshake_is_a_failure_naming_the_status) {
  WsServer server;
  server.set_handshake(WsHandshake::reject, 503);
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.error_count() == 1; }));
  EXPECT_EQ(rec.last_error().code, ErrorCode::protocol);
  EXPECT_TRUE(contains(rec.last_error().message, "HTTP 503")) << rec.last_error().message;
  EXPECT_EQ(client.stats().connections, 0u);
}

TEST_F(WsClientTest, connection_closed_during_the_handshake_is_a_network_failure) {
  WsServer server;
  server.set_handshake(WsHandshake::close_at_once);
  Recorder rec;
  WsClient client(net_, clock_, config_for(server.url()));
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.error_count() == 1; }));
  EXPECT_EQ(rec.last_error().code, ErrorCode::network);
  EXPECT_TRUE(contains(rec.last_error().message, "WebSocket handshake"))
      << rec.last_error().message;
}

TEST_F(WsClientTest, slow_reader_fills_the_send_queue_and_send_is_refused_without_blocking) {
  WsServer server;
  server.on_connect([](WsSession& s) {
    s.send("hi");
    s.pause_reading();
  });
  auto config = config_for(server.url());
  config.max_send_queue_bytes = 1024 * 1024;
  config.permessage_deflate = false;
  Recorder rec;
  WsClient client(net_, clock_, config);
  rec.attach(client);
  ASSERT_TRUE(client.start().ok());
  ASSERT_TRUE(wait_until([&] { return rec.messages().size() == 1; }));
  std::string chunk(256 * 1024, '\0');
  std::uint64_t state = 88172645463325252ull;  // incompressible payload (xorshift)
  for (char& c : chunk) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    c = static_cast<char>('a' + state % 26);
  }
  std::size_t accepted = 0;
  Status refused;
  for (int i = 0; i < 2000 && refused.ok(); ++i) {
    refused = client.send(chunk);
    if (refused.ok()) ++accepted;
  }
  ASSERT_FALSE(refused.ok()) << "the queue never filled";
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
  EXPECT_TRUE(contains(refused.error().message, "send queue full")) << refused.error().message;
  EXPECT_EQ(client.state(), ConnectionState::connected);
  server.session(0)->resume_reading();
  ASSERT_TRUE(wait_until([&] { return server.messages().size() == accepted; }));
}

TEST_F(WsClientTest, send_before_connecting_is_refused) {
  WsServer server;
  WsClient client(net_, clock_, config_for(server.url()));
  const Status s = client.send("early");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::invalid_state);
}

TEST_F(WsClientTest, invalid_url_is_refused_at_start) {
  WsClient client(net_, clock_, config_for("http://127.0.0.1:1/"));
  const Status s = client.start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
}

TEST_F(WsClientTest, destroying_a_running_client_stops_it_without_callbacks_afterwards) {
  WsServer server;
  server.on_connect([](WsSession& s) { s.send("hi"); });
  auto rec = std::make_unique<Recorder>();
  {
    WsClient client(net_, clock_, config_for(server.url()));
    rec->attach(client);
    ASSERT_TRUE(client.start().ok());
    ASSERT_TRUE(wait_until([&] { return rec->messages().size() == 1; }));
  }
  ASSERT_TRUE(wait_until([&] { return server.session(0) && !server.session(0)->is_open(); }));
  EXPECT_EQ(clock_.pending_timers(), 0u);
}

}  // namespace
}  // namespace nzeza::net

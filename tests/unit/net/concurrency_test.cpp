// Concurrent callers of the resilience primitives (label `concurrency`: run under TSan too).
// Time stands still on a ManualClock while the threads run, so every assertion is exact.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "net/circuit_breaker.hpp"
#include "net/connection_status.hpp"
#include "net/rate_limiter.hpp"

namespace nzeza::net {
namespace {

template <typename F>
void run_threads(int n, F&& body) {
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      body(i);
    });
  }
  go = true;
  for (auto& t : threads) t.join();
}

struct Grant {
  Timestamp send_at;
  int endpoint;
};

TEST(NetConcurrency, rate_limiter_never_over_grants_under_four_concurrent_callers) {
  ManualClock clock;
  const Timestamp t0 = clock.now();
  struct Pool {
    const char* name;
    double capacity;
    double rate;
  };
  const std::vector<Pool> pools{{"weight", 100, 10}, {"orders", 20, 2}};
  RateLimiter limiter(clock, {{"weight", 100, 10}, {"orders", 20, 2}},
                      RateLimiterOptions{.name = "sim", .max_wait = 1h});
  // endpoint -> weight per pool
  const std::vector<std::vector<double>> weights{{3, 0}, {1, 1}, {5, 2}};
  ASSERT_TRUE(limiter.add_endpoint("e0", {{"weight", 3}}));
  ASSERT_TRUE(limiter.add_endpoint("e1", {{"weight", 1}, {"orders", 1}}));
  ASSERT_TRUE(limiter.add_endpoint("e2", {{"weight", 5}, {"orders", 2}}));

  constexpr int kThreads = 4;
  constexpr int kPerPhase = 60;
  constexpr int kPhases = 3;
  std::vector<std::vector<Grant>> grants(kThreads);
  std::atomic<int> errors{0};
  for (int phase = 0; phase < kPhases; ++phase) {
    const Timestamp now = clock.now();
    run_threads(kThreads, [&](int t) {
      std::map<int, Duration> last;  // per endpoint: waits must not decrease (FIFO)
      for (int i = 0; i < kPerPhase; ++i) {
        const int e = (t + i) % 3;
        auto wait = limiter.reserve("e" + std::to_string(e));
        if (!wait) {
          ++errors;
          continue;
        }
        if (last.count(e) && *wait < last[e]) ++errors;
        last[e] = *wait;
        grants[t].push_back(Grant{now + *wait, e});
      }
    });
    clock.advance(5s);
  }
  ASSERT_EQ(errors.load(), 0);

  std::vector<Grant> all;
  for (auto& g : grants) all.insert(all.end(), g.begin(), g.end());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerPhase * kPhases));
  std::sort(all.begin(), all.end(),
            [](const Grant& a, const Grant& b) { return a.send_at < b.send_at; });

  // For every pool and every window [s_i, s_j] between send times: weight sent within the
  // window <= capacity + refill * window length.
  for (std::size_t p = 0; p < pools.size(); ++p) {
    for (std::size_t i = 0; i < all.size(); ++i) {
      double sent = 0;
      for (std::size_t j = i; j < all.size(); ++j) {
        sent += weights[all[j].endpoint][p];
        const double window =
            std::chrono::duration<double>(all[j].send_at - all[i].send_at).count();
        ASSERT_LE(sent, pools[p].capacity + pools[p].rate * window + 1e-6)
            << pools[p].name << " window " << i << ".." << j;
      }
    }
  }
  // And from the start: the buckets began full at t0.
  double sent_weight = 0;
  for (const Grant& g : all) {
    sent_weight += weights[g.endpoint][0];
    const double since = std::chrono::duration<double>(g.send_at - t0).count();
    ASSERT_LE(sent_weight, 100 + 10 * since + 1e-6);
  }
}

TEST(NetConcurrency, rate_limiter_accounts_every_concurrent_reservation_exactly) {
  ManualClock clock;
  RateLimiter limiter(clock, {{"w", 1000, 1}}, RateLimiterOptions{.max_wait = 24h});
  ASSERT_TRUE(limiter.add_endpoint("e", {{"w", 1}}));
  std::vector<std::vector<Duration>> waits(3);
  run_threads(3, [&](int t) {
    for (int i = 0; i < 500; ++i) waits[t].push_back(limiter.reserve("e").value());
  });
  EXPECT_DOUBLE_EQ(limiter.available("w").value(), 1000 - 1500);
  // Every wait is distinct: the queue hands out one slot per token, 1 s apart past capacity.
  std::vector<Duration> all;
  for (auto& w : waits) all.insert(all.end(), w.begin(), w.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::count(all.begin(), all.end(), Duration::zero()), 1000);
  for (int k = 1; k <= 500; ++k) EXPECT_EQ(all[999 + k], Duration(std::chrono::seconds(k)));
}

TEST(NetConcurrency, half_open_grants_exactly_the_configured_trials_to_racing_callers) {
  for (int trials : {1, 2}) {
    ManualClock clock;
    CircuitBreaker breaker(
        clock, CircuitBreakerConfig{.failure_threshold = 1, .half_open_trials = trials}, "race");
    breaker.record_failure();
    clock.advance(30s);
    ASSERT_EQ(breaker.state(), CircuitState::half_open);
    std::atomic<int> granted{0};
    std::atomic<int> refused{0};
    run_threads(4, [&](int) {
      for (int i = 0; i < 50; ++i) {
        if (breaker.allow()) {
          ++granted;
        } else {
          ++refused;
        }
      }
    });
    EXPECT_EQ(granted.load(), trials);
    EXPECT_EQ(refused.load(), 200 - trials);
  }
}

TEST(NetConcurrency, racing_failures_open_the_circuit_once_and_the_timer_races_allow) {
  ManualClock clock;
  CircuitBreaker breaker(clock, CircuitBreakerConfig{}, "race");
  std::mutex mu;
  std::vector<std::pair<CircuitState, CircuitState>> events;
  std::atomic<int> in_callback{0};
  std::atomic<bool> overlapped{false};
  breaker.on_transition([&](CircuitState from, CircuitState to, Timestamp) {
    if (in_callback.fetch_add(1) != 0) overlapped = true;
    {
      std::lock_guard lock(mu);
      events.emplace_back(from, to);
    }
    in_callback.fetch_sub(1);
  });
  run_threads(4, [&](int) {
    for (int i = 0; i < 25; ++i) breaker.record_failure();
  });
  EXPECT_EQ(breaker.state(), CircuitState::open);

  // One thread advances the clock (the timer fires HALF_OPEN) while three call allow().
  std::atomic<int> granted{0};
  run_threads(4, [&](int t) {
    if (t == 0) {
      clock.advance(30s);
      return;
    }
    for (int i = 0; i < 200; ++i) {
      if (breaker.allow()) ++granted;
    }
  });
  if (granted.load() == 0) {
    ASSERT_TRUE(breaker.allow());  // the allowers all finished before the timer fired
  }
  breaker.record_success();
  EXPECT_EQ(breaker.state(), CircuitState::closed);
  EXPECT_FALSE(overlapped.load());
  std::lock_guard lock(mu);
  EXPECT_EQ(events, (std::vector<std::pair<CircuitState, CircuitState>>{
                        {CircuitState::closed, CircuitState::open},
                        {CircuitState::open, CircuitState::half_open},
                        {CircuitState::half_open, CircuitState::closed}}));
}

TEST(NetConcurrency, connection_status_events_form_one_ordered_chain_under_racing_setters) {
  ManualClock clock;
  ConnectionStatus status(clock, "race");
  std::vector<ConnectionTransition> seen;  // only touched by callbacks, which never overlap
  std::atomic<int> in_callback{0};
  std::atomic<bool> overlapped{false};
  status.subscribe([&](const ConnectionTransition& t) {
    if (in_callback.fetch_add(1) != 0) overlapped = true;
    seen.push_back(t);
    in_callback.fetch_sub(1);
  });
  const ConnectionState states[] = {ConnectionState::connecting, ConnectionState::connected,
                                    ConnectionState::reconnecting, ConnectionState::circuit_open};
  std::atomic<std::uint64_t> changed{0};
  run_threads(4, [&](int t) {
    for (int i = 0; i < 300; ++i) {
      if (status.set(states[(t + i) % 4], "thread " + std::to_string(t))) ++changed;
      (void)status.state();
    }
  });
  EXPECT_FALSE(overlapped.load());
  const auto snap = status.snapshot();
  EXPECT_EQ(snap.transitions, changed.load());
  ASSERT_EQ(seen.size(), changed.load());
  ConnectionState previous = ConnectionState::stopped;
  for (const auto& t : seen) {
    ASSERT_EQ(t.from, previous);
    ASSERT_NE(t.from, t.to);
    previous = t.to;
  }
  EXPECT_EQ(previous, snap.state);
}

TEST(NetConcurrency, destroying_a_breaker_while_its_half_open_timer_fires_is_safe) {
  // The clock's firing thread runs the half-open timer while another thread destroys the
  // breaker: the timer holds only a weak reference, so it finds the state alive or gone, never
  // dangling. ASan and TSan (this executable runs under both) check the memory; here we check
  // that every round leaves no timer behind, whichever thread won.
  ManualClock clock;
  std::atomic<int> half_open_events{0};
  std::size_t fired = 0;
  for (int round = 0; round < 300; ++round) {
    auto breaker = std::make_unique<CircuitBreaker>(
        clock, CircuitBreakerConfig{.failure_threshold = 1, .open_duration = 1s}, "gone");
    breaker->on_transition([&](CircuitState, CircuitState to, Timestamp) {
      if (to == CircuitState::half_open) ++half_open_events;
    });
    breaker->record_failure();
    ASSERT_EQ(clock.pending_timers(), 1u);
    run_threads(2, [&](int t) {
      if (t == 0) {
        fired += clock.advance(1s);
      } else {
        breaker.reset();
      }
    });
    ASSERT_EQ(clock.pending_timers(), 0u);
  }
  // A half-open event needs the timer to have fired.
  EXPECT_LE(static_cast<std::size_t>(half_open_events.load()), fired);
}

TEST(NetConcurrency, subscribers_may_come_and_go_while_events_are_delivered) {
  ManualClock clock;
  ConnectionStatus status(clock, "churn");
  std::atomic<std::uint64_t> delivered{0};
  status.subscribe([&](const ConnectionTransition&) { ++delivered; });
  std::atomic<bool> done{false};
  run_threads(3, [&](int t) {
    if (t == 0) {
      for (int i = 0; i < 2000; ++i) {
        status.set(i % 2 == 0 ? ConnectionState::connected : ConnectionState::reconnecting, "flap");
      }
      done = true;
      return;
    }
    while (!done.load()) {
      const auto id = status.subscribe([](const ConnectionTransition&) {});
      status.unsubscribe(id);
    }
  });
  // The permanent subscriber saw every transition exactly once.
  EXPECT_EQ(delivered.load(), 2000u);
  EXPECT_EQ(status.snapshot().transitions, 2000u);
}

}  // namespace
}  // namespace nzeza::net

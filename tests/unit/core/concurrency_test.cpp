#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "core/client_id.hpp"
#include "core/clock.hpp"
#include "core/symbol.hpp"

namespace nzeza {
namespace {

TEST(NonceSourceConcurrency, parallel_callers_never_share_a_nonce) {
  NonceSource nonces;
  constexpr int kPerThread = 20000;
  std::vector<std::vector<std::uint64_t>> seen(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i)
        seen[t].push_back(nonces.next(1'700'000'000'000ULL + i / 100));
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::uint64_t> all;
  for (auto& v : seen) {
    for (std::size_t i = 1; i < v.size(); ++i) ASSERT_LT(v[i - 1], v[i]);
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), 4U * kPerThread);
}

TEST(ClientIdCounterConcurrency, parallel_callers_get_unique_ids) {
  ClientIdCounter counter;
  std::vector<std::vector<std::uint64_t>> seen(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20000; ++i) seen[t].push_back(counter.next());
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::uint64_t> all;
  for (auto& v : seen) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 80000U);
  EXPECT_EQ(counter.last(), 80000U);
}

TEST(SymbolTableConcurrency, concurrent_interning_yields_one_id_per_name) {
  SymbolTable table;
  std::vector<std::vector<SymbolId>> ids(2, std::vector<SymbolId>(500));
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) ids[t][i] = table.intern("SYM-" + std::to_string(i));
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ids[0], ids[1]);
  EXPECT_EQ(table.size(), 500U);
}

TEST(ManualClockConcurrency, timers_scheduled_from_other_threads_fire_once) {
  ManualClock clock;
  std::atomic<int> fired{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        clock.schedule_after(std::chrono::milliseconds(i), [&] { ++fired; });
    });
  }
  std::thread advancer([&] {
    for (int i = 0; i < 100; ++i) clock.advance(1ms);
  });
  for (auto& th : threads) th.join();
  advancer.join();
  clock.advance(10s);
  EXPECT_EQ(fired.load(), 2000);
}

TEST(SystemClockConcurrency, cancel_races_with_firing_without_double_runs) {
  SystemClock clock;
  std::atomic<int> fired{0};
  std::atomic<int> cancelled{0};
  std::vector<TimerId> ids;
  for (int i = 0; i < 200; ++i)
    ids.push_back(clock.schedule_after(std::chrono::microseconds(i * 5), [&] { ++fired; }));
  for (TimerId id : ids) {
    if (clock.cancel(id)) ++cancelled;
  }
  while (clock.pending_timers() != 0) std::this_thread::yield();
  // Wait for an in-flight callback to finish: schedule a sentinel and wait for it.
  std::atomic<bool> done{false};
  clock.schedule_after(0ns, [&] { done = true; });
  while (!done) std::this_thread::yield();
  EXPECT_EQ(fired.load() + cancelled.load(), 200);
}

}  // namespace
}  // namespace nzeza

// Two worker threads, two external sender threads, actor-to-actor hops: every message arrives
// exactly once. Bounded by message count; run under ThreadSanitizer (label concurrency).

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "actor/actor.hpp"

namespace nzeza::actor::testing {
namespace {

struct Item {
  std::uint32_t id;
};
struct Tally {
  std::uint64_t seen = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t missing = 0;
};

class Sink {
 public:
  using Messages = actor::Messages<Item>;
  Sink(std::uint32_t total, std::shared_ptr<std::promise<Tally>> done)
      : seen_(total, 0), done_(std::move(done)) {}
  void on(Item& m, ActorContext&) {
    if (seen_[m.id]++ != 0) ++tally_.duplicates;
    if (++tally_.seen == seen_.size()) {
      for (auto s : seen_) tally_.missing += s == 0 ? 1 : 0;
      done_->set_value(tally_);
    }
  }

 private:
  std::vector<std::uint8_t> seen_;
  Tally tally_;
  std::shared_ptr<std::promise<Tally>> done_;
};

class Relay {
 public:
  using Messages = actor::Messages<Item>;
  Relay(RefOf<Sink> sink, std::atomic<int>* failures)
      : sink_(std::move(sink)), failures_(failures) {}
  void on(Item& m, ActorContext&) {
    if (!sink_.tell(m).ok()) failures_->fetch_add(1, std::memory_order_relaxed);
  }

 private:
  RefOf<Sink> sink_;
  std::atomic<int>* failures_;
};

constexpr std::uint32_t kPerSender = 15'000;
constexpr std::uint32_t kSenders = 2;
constexpr std::uint32_t kTotal = kPerSender * kSenders;

TEST(ActorStress, two_thread_stress_loses_and_duplicates_nothing) {
  ManualClock clock;
  std::atomic<int> failures{0};
  ActorSystem system(clock, ActorSystemOptions::with_threads(2, "stress"));
  auto done = std::make_shared<std::promise<Tally>>();
  auto tally = done->get_future();

  SpawnOptions sink_options;
  sink_options.name = "sink";
  sink_options.mailbox.with_capacity(kTotal);  // relays cannot wait: room for everything
  auto sink =
      system.spawn<Sink>(sink_options, [done] { return std::make_unique<Sink>(kTotal, done); })
          .value();
  std::vector<RefOf<Relay>> relays;
  for (std::uint32_t r = 0; r < kSenders; ++r) {
    SpawnOptions o;
    o.name = "relay-" + std::to_string(r);
    o.mailbox.with_capacity(128).with_policy(OverflowPolicy::block);
    o.throughput = 32;  // interleave turns more often
    relays.push_back(
        system
            .spawn<Relay>(o, [sink, &failures] { return std::make_unique<Relay>(sink, &failures); })
            .value());
  }

  std::vector<std::thread> senders;
  for (std::uint32_t s = 0; s < kSenders; ++s)
    senders.emplace_back([&, s] {
      for (std::uint32_t i = 0; i < kPerSender; ++i) {
        const std::uint32_t id = s * kPerSender + i;
        // Alternate relays so both senders contend on both mailboxes.
        if (!relays[(s + i) % kSenders].tell_blocking(Item{id}).ok())
          failures.fetch_add(1, std::memory_order_relaxed);
      }
    });
  for (auto& t : senders) t.join();
  ASSERT_EQ(tally.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  const Tally t = tally.get();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(t.seen, kTotal);
  EXPECT_EQ(t.duplicates, 0u);
  EXPECT_EQ(t.missing, 0u);
  // Counters are published at the end of each turn: read them once everything has stopped.
  system.shutdown(std::chrono::seconds(10));
  ASSERT_TRUE(system.await_stopped(std::chrono::seconds(30)));
  EXPECT_EQ(sink.metrics().processed, kTotal);
  std::uint64_t relayed = 0;
  for (const auto& r : relays) {
    relayed += r.metrics().processed;
    EXPECT_EQ(r.metrics().rejected, 0u);
    EXPECT_EQ(r.metrics().dropped, 0u);
  }
  EXPECT_EQ(relayed, kTotal);
  EXPECT_EQ(system.dead_letters(), 0u);
}

// Replies racing their own timeouts on a real clock: every ask completes exactly once, as a
// reply or a timeout, and no deadline is left linked afterwards.
struct Ping {
  using Reply = std::uint32_t;
  std::uint32_t id;
};
class Echo {
 public:
  using Messages = actor::Messages<Ping>;
  std::uint32_t on(Ping& p, ActorContext&) { return p.id; }
};

TEST(ActorStress, asks_racing_their_timeouts_complete_exactly_once) {
  constexpr std::uint32_t kAsksPerThread = 4'000;
  constexpr std::uint32_t kAsks = kAsksPerThread * 2;
  SystemClock clock;
  ActorSystem system(clock, ActorSystemOptions::with_threads(2, "asks"));
  SpawnOptions o = SpawnOptions::named("echo");
  o.mailbox.with_capacity(kAsks);
  auto echo = system.spawn<Echo>(o, [] { return std::make_unique<Echo>(); }).value();

  std::vector<std::atomic<std::uint32_t>> completions(kAsks);
  std::atomic<std::uint32_t> answered{0};
  std::atomic<std::uint32_t> timed_out{0};
  std::atomic<std::uint32_t> wrong{0};
  std::atomic<std::uint32_t> finished{0};
  auto all_done = std::make_shared<std::promise<void>>();
  auto done = all_done->get_future();
  std::vector<std::thread> askers;
  for (std::uint32_t t = 0; t < 2; ++t)
    askers.emplace_back([&, t] {
      for (std::uint32_t i = 0; i < kAsksPerThread; ++i) {
        const std::uint32_t id = t * kAsksPerThread + i;
        // 0 to 63 microseconds (and a few long ones): replies and expiries interleave.
        const Duration timeout = i % 97 == 0 ? Duration(std::chrono::seconds(30))
                                             : Duration(std::chrono::microseconds(i % 64));
        echo.ask(Ping{id}, timeout, [&, id, all_done](Result<std::uint32_t> r) {
          completions[id].fetch_add(1, std::memory_order_relaxed);
          if (r.ok()) {
            answered.fetch_add(1, std::memory_order_relaxed);
            if (*r != id) wrong.fetch_add(1, std::memory_order_relaxed);
          } else if (r.error().code == ErrorCode::timeout) {
            timed_out.fetch_add(1, std::memory_order_relaxed);
          } else {
            wrong.fetch_add(1, std::memory_order_relaxed);
          }
          if (finished.fetch_add(1, std::memory_order_acq_rel) + 1 == kAsks) all_done->set_value();
        });
      }
    });
  for (auto& t : askers) t.join();
  ASSERT_EQ(done.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  EXPECT_EQ(answered.load() + timed_out.load(), kAsks);
  EXPECT_EQ(wrong.load(), 0u);
  for (std::uint32_t i = 0; i < kAsks; ++i) ASSERT_EQ(completions[i].load(), 1u) << "ask " << i;
  EXPECT_EQ(echo.cell()->core().ask_timeouts()->pending(), 0u);
  system.shutdown(std::chrono::seconds(10));
  ASSERT_TRUE(system.await_stopped(std::chrono::seconds(30)));
}

}  // namespace
}  // namespace nzeza::actor::testing

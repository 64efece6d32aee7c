// Typed mailboxes: ordering, the four overflow policies and their counters, dead letters,
// per-actor metrics. Manual dispatcher + ManualClock: nothing runs until the test polls.

#include <gtest/gtest.h>

#include <atomic>
#include <concepts>
#include <future>
#include <map>
#include <thread>

#include "actor/actor.hpp"
#include "test_actors.hpp"

namespace nzeza::actor::testing {
namespace {

using Events = std::vector<std::string>;

struct Quote {
  std::uint64_t symbol;
  int price;
};
struct Trade {
  int qty;
};
// Records quotes and trades in arrival order.
class QuoteSink {
 public:
  using Messages = actor::Messages<Quote, Trade>;
  explicit QuoteSink(std::shared_ptr<Journal> j) : j_(std::move(j)) {}
  void on(Quote& q, ActorContext&) {
    j_->add("q" + std::to_string(q.symbol) + "=" + std::to_string(q.price));
  }
  void on(Trade& t, ActorContext&) { j_->add("t" + std::to_string(t.qty)); }

 private:
  std::shared_ptr<Journal> j_;
};

struct Unrelated {};
template <typename Ref, typename M>
concept CanTell = requires(const Ref& r, M m) {
  r.tell(std::move(m));
};
template <typename Ref, typename M>
concept CanAsk = requires(const Ref& r, M m) {
  r.ask(std::move(m), kNoTimeout, [](Result<int>) {});
};

class ActorMailbox : public ::testing::Test {
 protected:
  SpawnOptions options(std::string name, std::size_t capacity, OverflowPolicy policy) {
    SpawnOptions o;
    o.name = std::move(name);
    o.mailbox.with_capacity(capacity).with_policy(policy);
    return o;
  }
  CounterRef counter(std::string name, std::size_t capacity = 1024,
                     OverflowPolicy policy = OverflowPolicy::reject) {
    auto r = system.spawn<Counter>(options(name, capacity, policy), counter_factory(name, journal));
    EXPECT_TRUE(r.ok());
    return r.value();
  }
  std::size_t poll() { return system.dispatcher().poll(); }

  ManualClock clock;
  ActorSystem system{clock, ActorSystemOptions::with_threads(0)};
  std::shared_ptr<Journal> journal = std::make_shared<Journal>();
};

TEST_F(ActorMailbox, ref_accepts_only_declared_messages_and_requests_only_by_ask) {
  // Compile-time contract (a ctest also checks that telling an undeclared type fails to build).
  static_assert(CanTell<CounterRef, Add>);
  static_assert(!CanTell<CounterRef, Unrelated>);
  static_assert(!CanTell<CounterRef, Get>);  // a request must be asked
  static_assert(CanAsk<CounterRef, Get>);
  static_assert(!CanAsk<CounterRef, Add>);  // a told message has no reply
  EXPECT_TRUE((CounterRef::accepts_tell<Add>));
  EXPECT_FALSE((CounterRef::accepts_tell<Unrelated>));
  EXPECT_TRUE((CounterRef::accepts_ask<Get>));
  EXPECT_FALSE((CounterRef::accepts_ask<Add>));
}

TEST_F(ActorMailbox, delivers_in_send_order_from_one_sender) {
  auto c = counter("c");
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(c.tell(Add{i}).ok());
  poll();
  EXPECT_EQ(journal->events(),
            (Events{"c:start", "c:add 1", "c:add 2", "c:add 3", "c:add 4", "c:add 5"}));
}

// Per-sender sequence checker running on a 2-thread dispatcher.
struct Seq {
  int sender;
  int n;
};
class SeqChecker {
 public:
  using Messages = actor::Messages<Seq>;
  SeqChecker(int total, std::shared_ptr<std::promise<std::map<int, int>>> done)
      : total_(total), done_(std::move(done)) {}
  void on(Seq& s, ActorContext&) {
    int& last = last_[s.sender];
    if (s.n != last + 1) ++out_of_order_;
    last = s.n;
    if (++seen_ == total_) {
      last_[-1] = out_of_order_;
      done_->set_value(last_);
    }
  }

 private:
  int total_;
  int seen_ = 0;
  int out_of_order_ = 0;
  std::map<int, int> last_;
  std::shared_ptr<std::promise<std::map<int, int>>> done_;
};

TEST(ActorOrdering, fifo_per_sender_under_concurrent_senders) {
  constexpr int kSenders = 3;
  constexpr int kEach = 3000;
  ManualClock clock;
  ActorSystem system(clock, ActorSystemOptions::with_threads(2));
  auto done = std::make_shared<std::promise<std::map<int, int>>>();
  auto result = done->get_future();
  SpawnOptions o;
  o.name = "checker";
  o.mailbox.with_capacity(64).with_policy(OverflowPolicy::block);
  auto ref = system
                 .spawn<SeqChecker>(
                     o, [done] { return std::make_unique<SeqChecker>(kSenders * kEach, done); })
                 .value();
  std::vector<std::thread> senders;
  std::atomic<int> failures{0};
  for (int s = 0; s < kSenders; ++s)
    senders.emplace_back([&, s] {
      for (int i = 1; i <= kEach; ++i)
        if (!ref.tell_blocking(Seq{s, i}).ok()) failures.fetch_add(1);
    });
  for (auto& t : senders) t.join();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  const auto last = result.get();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(last.at(-1), 0) << "messages from one sender arrived out of order";
  for (int s = 0; s < kSenders; ++s) EXPECT_EQ(last.at(s), kEach);
  EXPECT_EQ(ref.metrics().rejected, 0u);
  EXPECT_EQ(ref.metrics().dropped, 0u);
  system.shutdown(std::chrono::seconds(5));
  EXPECT_TRUE(system.await_stopped(std::chrono::seconds(10)));
}

TEST_F(ActorMailbox, reject_policy_refuses_when_full_and_counts_rejected) {
  auto c = counter("c", 2, OverflowPolicy::reject);
  EXPECT_TRUE(c.tell(Add{1}).ok());
  EXPECT_TRUE(c.tell(Add{2}).ok());
  const Status st = c.tell(Add{3});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::rejected);
  EXPECT_NE(st.error().message.find("'c'"), std::string::npos) << st.error().message;
  EXPECT_EQ(c.metrics().rejected, 1u);
  EXPECT_EQ(c.metrics().depth, 2u);
  poll();
  EXPECT_EQ(journal->events(), (Events{"c:start", "c:add 1", "c:add 2"}));
  EXPECT_EQ(c.metrics().depth, 0u);
}

TEST_F(ActorMailbox, drop_oldest_policy_drops_the_oldest_and_counts_dropped) {
  auto c = counter("c", 2, OverflowPolicy::drop_oldest);
  for (int i = 1; i <= 4; ++i) EXPECT_TRUE(c.tell(Add{i}).ok());
  EXPECT_EQ(c.metrics().dropped, 2u);
  poll();
  EXPECT_EQ(journal->events(), (Events{"c:start", "c:add 3", "c:add 4"}));
}

TEST_F(ActorMailbox, conflate_policy_keeps_the_newest_per_key_and_counts_conflated) {
  SpawnOptions o = options("prices", 3, OverflowPolicy::reject);
  o.mailbox.conflate_by<Quote>([](const Quote& q) { return q.symbol; });
  auto sink =
      system.spawn<QuoteSink>(o, [j = journal] { return std::make_unique<QuoteSink>(j); }).value();
  ASSERT_TRUE(sink.tell(Quote{1, 100}).ok());
  ASSERT_TRUE(sink.tell(Trade{7}).ok());
  ASSERT_TRUE(sink.tell(Quote{2, 200}).ok());
  ASSERT_TRUE(sink.tell(Quote{1, 101}).ok());  // replaces q1=100, queued behind the trade
  ASSERT_TRUE(sink.tell(Quote{1, 102}).ok());
  EXPECT_EQ(sink.metrics().conflated, 2u);
  EXPECT_EQ(sink.metrics().depth, 3u);
  // Full, and symbol 3 has nothing queued: the oldest message goes (counted as dropped).
  ASSERT_TRUE(sink.tell(Quote{3, 300}).ok());
  EXPECT_EQ(sink.metrics().dropped, 1u);
  // Trade keeps the actor-wide reject policy.
  EXPECT_EQ(sink.tell(Trade{8}).error().code, ErrorCode::rejected);
  poll();
  EXPECT_EQ(journal->events(), (Events{"q2=200", "q1=102", "q3=300"}));
}

TEST_F(ActorMailbox, conflation_under_sustained_updates_stays_bounded_and_in_order) {
  SpawnOptions o = options("prices", 8, OverflowPolicy::reject);
  o.mailbox.conflate_by<Quote>([](const Quote& q) { return q.symbol; });
  auto sink =
      system.spawn<QuoteSink>(o, [j = journal] { return std::make_unique<QuoteSink>(j); }).value();
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(sink.tell(Quote{std::uint64_t(i % 4), i}).ok());
  EXPECT_EQ(sink.metrics().depth, 4u);
  EXPECT_EQ(sink.metrics().conflated, 10'000u - 4u);
  poll();
  EXPECT_EQ(journal->events(), (Events{"q0=9996", "q1=9997", "q2=9998", "q3=9999"}));
}

TEST_F(ActorMailbox, block_policy_parks_a_plain_thread_sender_until_space) {
  auto c = counter("c", 1, OverflowPolicy::block);
  // Without waiting, a full block-policy mailbox refuses (an actor's turn must never block).
  ASSERT_TRUE(c.tell(Add{1}).ok());
  EXPECT_EQ(c.tell(Add{99}).error().code, ErrorCode::rejected);
  std::atomic<int> sent{0};
  std::thread sender([&] {
    for (int i = 2; i <= 4; ++i)
      if (c.tell_blocking(Add{i}).ok()) sent.fetch_add(1);
  });
  // Drive the actor until the sender has got everything through (bounded by message count).
  for (int spins = 0; spins < 1'000'000 && journal->count("c:add 4") == 0; ++spins) {
    if (poll() == 0) std::this_thread::yield();
  }
  sender.join();
  poll();
  EXPECT_EQ(sent.load(), 3);
  EXPECT_EQ(journal->events(), (Events{"c:start", "c:add 1", "c:add 2", "c:add 3", "c:add 4"}));
  EXPECT_EQ(c.metrics().rejected, 1u);
  EXPECT_EQ(c.metrics().dropped, 0u);
}

TEST_F(ActorMailbox, tell_to_stopped_actor_is_a_counted_dead_letter) {
  auto c = counter("c");
  c.stop();
  poll();
  ASSERT_TRUE(c.stopped());
  const Status st = c.tell(Add{1});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::unavailable);
  EXPECT_EQ(c.metrics().dead_letters, 1u);
  EXPECT_EQ(system.dead_letters(), 1u);
}

TEST_F(ActorMailbox, tell_to_unknown_actor_is_a_counted_dead_letter) {
  auto ghost = system.lookup<CounterRef>("nobody");
  EXPECT_FALSE(ghost.valid());
  const Status st = ghost.tell(Add{1});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::unavailable);
  EXPECT_NE(st.error().message.find("nobody"), std::string::npos);
  EXPECT_EQ(system.dead_letters(), 1u);
  // A name that exists but with other message types does not resolve either.
  auto c = counter("c");
  EXPECT_TRUE(system.lookup<CounterRef>("c").valid());
  EXPECT_FALSE((system.lookup<ActorRef<Quote, Trade>>("c").valid()));
}

TEST_F(ActorMailbox, metrics_report_depth_processed_and_sampled_processing_time) {
  auto c = counter("c", 256);
  for (int i = 0; i < 128; ++i) ASSERT_TRUE(c.tell(Add{1}).ok());
  EXPECT_EQ(c.metrics().depth, 128u);
  poll();
  const ActorMetricsSnapshot m = c.metrics();
  EXPECT_EQ(m.depth, 0u);
  EXPECT_EQ(m.processed, 128u);
  EXPECT_EQ(m.samples(), 128u / kSampleEvery);  // one message in 64 is timed
  EXPECT_GT(m.quantile_ns(0.5), 0u);
  const auto all = system.metrics();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].first, "c");
  EXPECT_EQ(all[0].second.processed, 128u);
}

TEST_F(ActorMailbox, spawn_refuses_a_name_already_running) {
  auto c = counter("c");
  auto again =
      system.spawn<Counter>(options("c", 8, OverflowPolicy::reject), counter_factory("c", journal));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::already_exists);
}

}  // namespace
}  // namespace nzeza::actor::testing

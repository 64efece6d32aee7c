// The hand-off slot: the first message sent to an idle actor waits outside the ring, where the
// turn it starts takes it without the lock. It must behave exactly like a queued message — the
// oldest one — for capacity, order, stop, kill and parked senders; and the turn chain that runs
// woken actors on the same thread must not starve anyone.

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <optional>
#include <thread>

#include "actor/actor.hpp"
#include "support/wait.hpp"
#include "test_actors.hpp"

namespace nzeza::actor::testing {
namespace {

using namespace std::chrono_literals;
using Events = std::vector<std::string>;

class ActorHandoff : public ::testing::Test {
 protected:
  // A started, idle counter: its next message goes to the hand-off slot.
  CounterRef idle_counter(std::size_t capacity, OverflowPolicy policy = OverflowPolicy::reject) {
    SpawnOptions o = SpawnOptions::named("c");
    o.mailbox.with_capacity(capacity).with_policy(policy);
    auto c = system.spawn<Counter>(o, counter_factory("c", journal)).value();
    poll();
    EXPECT_EQ(journal->events(), (Events{"c:start"}));
    return c;
  }
  std::size_t poll() { return system.dispatcher().poll(); }

  ManualClock clock;
  ActorSystem system{clock, ActorSystemOptions::with_threads(0)};
  std::shared_ptr<Journal> journal = std::make_shared<Journal>();
};

TEST_F(ActorHandoff, a_handed_off_message_fills_the_mailbox_until_its_turn_takes_it) {
  auto c = idle_counter(1);
  ASSERT_TRUE(c.tell(Add{1}).ok());
  EXPECT_EQ(c.metrics().depth, 1u);
  const Status full = c.tell(Add{2});
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, ErrorCode::rejected);
  EXPECT_EQ(c.metrics().rejected, 1u);
  poll();
  EXPECT_EQ(c.metrics().depth, 0u);
  ASSERT_TRUE(c.tell(Add{3}).ok());
  poll();
  EXPECT_EQ(journal->events(), (Events{"c:start", "c:add 1", "c:add 3"}));
  EXPECT_EQ(c.metrics().processed, 2u);
}

TEST_F(ActorHandoff, messages_queued_behind_a_hand_off_follow_it_in_send_order) {
  auto c = idle_counter(8);
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(c.tell(Add{i}).ok());
  EXPECT_EQ(c.metrics().depth, 5u);
  poll();
  EXPECT_EQ(journal->events(),
            (Events{"c:start", "c:add 1", "c:add 2", "c:add 3", "c:add 4", "c:add 5"}));
  EXPECT_EQ(c.metrics().depth, 0u);
}

TEST_F(ActorHandoff, a_stop_after_a_hand_off_still_handles_it_first) {
  auto c = idle_counter(8);
  ASSERT_TRUE(c.tell(Add{7}).ok());
  c.stop();
  poll();
  EXPECT_EQ(journal->events(), (Events{"c:start", "c:add 7", "c:stop"}));
  EXPECT_TRUE(c.stopped());
}

TEST_F(ActorHandoff, a_kill_discards_a_pending_hand_off_and_fails_its_ask) {
  auto c = idle_counter(8);
  std::optional<Result<int>> answer;
  c.ask(Get{}, kNoTimeout, [&answer](Result<int> r) { answer = std::move(r); });
  ASSERT_TRUE(c.tell(Add{1}).ok());  // queued behind the ask
  EXPECT_EQ(c.metrics().depth, 2u);
  c.kill();
  poll();
  ASSERT_TRUE(answer.has_value());
  ASSERT_FALSE(answer->ok());
  EXPECT_EQ(answer->error().code, ErrorCode::unavailable);
  EXPECT_EQ(c.metrics().dead_letters, 2u);
  EXPECT_EQ(journal->events(), (Events{"c:start", "c:stop"}));
}

TEST_F(ActorHandoff, a_handed_off_request_that_throws_is_answered_and_the_actor_restarts) {
  auto c = idle_counter(8);
  std::optional<Result<int>> failed;
  c.ask(BoomGet{}, kNoTimeout, [&failed](Result<int> r) { failed = std::move(r); });
  ASSERT_TRUE(c.tell(Add{5}).ok());  // behind the failing request: survives the restart
  poll();
  ASSERT_TRUE(failed.has_value());
  ASSERT_FALSE(failed->ok());
  EXPECT_EQ(failed->error().code, ErrorCode::internal);
  clock.advance(1s);  // the restart backoff
  poll();
  std::optional<Result<int>> sum;
  c.ask(Get{}, kNoTimeout, [&sum](Result<int> r) { sum = std::move(r); });
  poll();
  ASSERT_TRUE(sum.has_value() && sum->ok());
  EXPECT_EQ(**sum, 5);  // fresh state, then the Add that waited behind the failure
  EXPECT_EQ(journal->count("c:add 5"), 1u);
}

TEST(ActorHandoffThreads, a_sender_parked_on_a_one_message_mailbox_gets_every_message_through) {
  ManualClock clock;
  ActorSystem system(clock, ActorSystemOptions::with_threads(1, "handoff"));
  auto journal = std::make_shared<Journal>();
  SpawnOptions o = SpawnOptions::named("c");
  o.mailbox.with_capacity(1).with_policy(OverflowPolicy::block);
  auto c = system.spawn<Counter>(o, counter_factory("c", journal)).value();
  constexpr int kMessages = 2'000;
  std::atomic<int> refused{0};
  std::thread sender([&] {
    for (int i = 1; i <= kMessages; ++i)
      if (!c.tell_blocking(Add{i}).ok()) refused.fetch_add(1);
  });
  sender.join();  // a lost wake-up hangs here (the test timeout fails it)
  ASSERT_TRUE(testsupport::wait_until(
      [&] { return journal->count("c:add " + std::to_string(kMessages)) == 1; }));
  EXPECT_EQ(refused.load(), 0);
  const Events events = journal->events();
  ASSERT_EQ(events.size(), static_cast<std::size_t>(kMessages) + 1);
  for (int i = 1; i <= kMessages; ++i)
    ASSERT_EQ(events[static_cast<std::size_t>(i)], "c:add " + std::to_string(i));
  EXPECT_EQ(c.metrics().rejected, 0u);
  system.shutdown(5s);
  EXPECT_TRUE(system.await_stopped(10s));
}

// Two actors bouncing a ball forever on the only thread hand the thread to each other through
// the run-next slot; the chain is bounded, so an actor told from outside still gets its turn.
struct Ball {
  std::int64_t n;
};
struct SetPeer;
using BouncerRef = ActorRef<Ball, SetPeer>;
struct SetPeer {
  BouncerRef peer;
};
class Bouncer {
 public:
  using Messages = actor::Messages<Ball, SetPeer>;
  explicit Bouncer(std::atomic<bool>* stop) : stop_(stop) {}
  void on(SetPeer& m, ActorContext&) { peer_ = m.peer; }
  void on(Ball& b, ActorContext&) {
    if (!stop_->load(std::memory_order_relaxed)) (void)peer_.tell(Ball{b.n + 1});
  }

 private:
  std::atomic<bool>* stop_;
  BouncerRef peer_;
};
struct Ping {};
class Witness {
 public:
  using Messages = actor::Messages<Ping>;
  explicit Witness(std::promise<void>* seen) : seen_(seen) {}
  void on(Ping&, ActorContext&) { seen_->set_value(); }

 private:
  std::promise<void>* seen_;
};

TEST(ActorHandoffThreads, an_endless_ping_pong_leaves_the_thread_to_another_actor) {
  ManualClock clock;
  ActorSystem system(clock, ActorSystemOptions::with_threads(1, "fair"));
  std::atomic<bool> stop{false};
  auto make = [&stop] { return std::make_unique<Bouncer>(&stop); };
  auto a = system.spawn<Bouncer>(SpawnOptions::named("a"), make).value();
  auto b = system.spawn<Bouncer>(SpawnOptions::named("b"), make).value();
  std::promise<void> seen;
  auto w = system
               .spawn<Witness>(SpawnOptions::named("w"),
                               [&seen] { return std::make_unique<Witness>(&seen); })
               .value();
  ASSERT_TRUE(a.tell(SetPeer{b}).ok());
  ASSERT_TRUE(b.tell(SetPeer{a}).ok());
  ASSERT_TRUE(a.tell(Ball{0}).ok());
  ASSERT_TRUE(w.tell(Ping{}).ok());
  const bool ran = seen.get_future().wait_for(5s) == std::future_status::ready;
  stop.store(true);
  EXPECT_TRUE(ran) << "the ping-pong kept the only thread";
  system.shutdown(5s);
  EXPECT_TRUE(system.await_stopped(10s));
}

}  // namespace
}  // namespace nzeza::actor::testing

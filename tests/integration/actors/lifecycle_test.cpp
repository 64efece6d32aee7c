// Lifecycle: graceful stop drains what was sent before it, kill overtakes everything, shutdown
// stops children in reverse start order and kills what is left at the deadline.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "actor/actor.hpp"
#include "test_actors.hpp"

namespace nzeza::actor::testing {
namespace {

using namespace std::chrono_literals;
using Events = std::vector<std::string>;

struct Nop {};
// Spawns the named Counter children in on_start, in order.
class Parent {
 public:
  using Messages = actor::Messages<Nop>;
  Parent(std::string name, std::vector<std::string> kids, std::shared_ptr<Journal> j)
      : name_(std::move(name)), kids_(std::move(kids)), j_(std::move(j)) {}
  void on_start(ActorContext& ctx) {
    for (const auto& k : kids_)
      if (!ctx.spawn<Counter>(SpawnOptions::named(k), counter_factory(k, j_)).ok())
        throw std::runtime_error("spawn " + k);
  }
  void on_stop(ActorContext&) { j_->add(name_ + ":stop"); }
  void on(Nop&, ActorContext&) {}

 private:
  std::string name_;
  std::vector<std::string> kids_;
  std::shared_ptr<Journal> j_;
};

class ActorLifecycle : public ::testing::Test {
 protected:
  CounterRef counter(const std::string& name, Dispatcher* d = nullptr) {
    SpawnOptions o;
    o.name = name;
    o.dispatcher = d;
    return system.spawn<Counter>(o, counter_factory(name, journal)).value();
  }
  void poll() { system.dispatcher().poll(); }
  std::vector<std::string> stops() const {
    std::vector<std::string> out;
    for (const auto& e : journal->events())
      if (e.ends_with(":stop")) out.push_back(e);
    return out;
  }

  ManualClock clock;
  Dispatcher other{"other", 0};
  std::shared_ptr<Journal> journal = std::make_shared<Journal>();
  ActorSystem system{clock, ActorSystemOptions::with_threads(0)};
};

TEST_F(ActorLifecycle, graceful_stop_drains_messages_sent_before_it) {
  auto c = counter("c");
  ASSERT_TRUE(c.tell(Add{1}).ok());
  ASSERT_TRUE(c.tell(Add{2}).ok());
  c.stop();
  EXPECT_EQ(c.tell(Add{3}).error().code, ErrorCode::unavailable);  // sent after the stop
  poll();
  EXPECT_EQ(journal->events(), (Events{"c:start", "c:add 1", "c:add 2", "c:stop"}));
  EXPECT_TRUE(c.stopped());
  EXPECT_EQ(c.metrics().processed, 2u);
  EXPECT_EQ(c.metrics().dead_letters, 1u);
}

TEST_F(ActorLifecycle, kill_overtakes_queued_messages) {
  auto c = counter("c");
  poll();
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(c.tell(Add{i}).ok());
  c.kill();
  poll();
  EXPECT_EQ(journal->events(), (Events{"c:start", "c:stop"}));
  EXPECT_EQ(c.metrics().processed, 0u);
  EXPECT_EQ(c.metrics().dead_letters, 3u);
  EXPECT_EQ(system.dead_letters(), 3u);
}

// Kills itself from inside a handler: the rest of its current batch is skipped.
struct Step {
  int n;
};
struct KillSelf {};
class Steps {
 public:
  using Messages = actor::Messages<Step, KillSelf>;
  explicit Steps(std::shared_ptr<Journal> j) : j_(std::move(j)) {}
  void on_start(ActorContext& ctx) { self_ = &ctx.cell(); }
  void on(Step& s, ActorContext&) { j_->add("step " + std::to_string(s.n)); }
  void on(KillSelf&, ActorContext&) { self_->request_kill(); }

 private:
  std::shared_ptr<Journal> j_;
  CellBase* self_ = nullptr;
};

TEST_F(ActorLifecycle, kill_overtakes_the_batch_being_processed) {
  auto s = system
               .spawn<Steps>(SpawnOptions::named("steps"),
                             [j = journal] { return std::make_unique<Steps>(j); })
               .value();
  poll();
  ASSERT_TRUE(s.tell(Step{1}).ok());
  ASSERT_TRUE(s.tell(KillSelf{}).ok());
  ASSERT_TRUE(s.tell(Step{2}).ok());
  ASSERT_TRUE(s.tell(Step{3}).ok());
  poll();  // one turn takes all four as a batch; the kill skips the last two
  EXPECT_EQ(journal->events(), (Events{"step 1"}));
  EXPECT_TRUE(s.stopped());
  EXPECT_EQ(s.metrics().processed, 2u);
  EXPECT_EQ(s.metrics().dead_letters, 2u);
}

// Schedules a message to itself on the system clock: timeouts arrive as messages.
struct Tick {
  int n;
};
struct Arm;
using TickerRef = ActorRef<Arm, Tick>;
struct Arm {
  TickerRef self;
  Duration after;
};
class Ticker {
 public:
  using Messages = actor::Messages<Arm, Tick>;
  explicit Ticker(std::shared_ptr<Journal> j) : j_(std::move(j)) {}
  void on(Arm& a, ActorContext& ctx) { ctx.tell_after(a.after, a.self, Tick{++armed_}); }
  void on(Tick& t, ActorContext&) { j_->add("tick " + std::to_string(t.n)); }

 private:
  std::shared_ptr<Journal> j_;
  int armed_ = 0;
};

TEST_F(ActorLifecycle, timer_message_arrives_through_the_mailbox_on_the_manual_clock) {
  auto t = system
               .spawn<Ticker>(SpawnOptions::named("ticker"),
                              [j = journal] { return std::make_unique<Ticker>(j); })
               .value();
  ASSERT_TRUE(t.tell(Arm{t, 30s}).ok());
  ASSERT_TRUE(t.tell(Arm{t, 10s}).ok());
  poll();
  clock.advance(10s);
  poll();
  EXPECT_EQ(journal->events(), (Events{"tick 2"}));
  clock.advance(20s);
  poll();
  EXPECT_EQ(journal->events(), (Events{"tick 2", "tick 1"}));
  t.stop();
  poll();
  EXPECT_EQ(clock.pending_timers(), 0u);
}

TEST_F(ActorLifecycle, shutdown_stops_children_in_reverse_start_order) {
  counter("a");
  counter("b");
  ASSERT_TRUE(
      system
          .spawn<Parent>(
              SpawnOptions::named("p"),
              [j = journal] {
                return std::make_unique<Parent>("p", std::vector<std::string>{"p1", "p2", "p3"}, j);
              })
          .ok());
  poll();
  system.shutdown(5s);
  poll();
  EXPECT_TRUE(system.stopped());
  // p drains, then its children last-started first, then p itself; then b, then a.
  EXPECT_EQ(stops(), (Events{"p3:stop", "p2:stop", "p1:stop", "p:stop", "b:stop", "a:stop"}));
  EXPECT_FALSE(
      system.spawn<Counter>(SpawnOptions::named("late"), counter_factory("late", journal)).ok());
}

TEST_F(ActorLifecycle, shutdown_stops_the_next_actor_only_after_the_previous_drained) {
  auto a = counter("a");
  auto b = counter("b", &other);
  poll();
  other.poll();
  ASSERT_TRUE(b.tell(Add{2}).ok());
  system.shutdown(5s);
  poll();
  EXPECT_FALSE(a.stopped()) << "a started first, so it stops after b";
  other.poll();  // b drains its mailbox and stops
  poll();
  EXPECT_TRUE(a.stopped());
  EXPECT_TRUE(system.stopped());
  EXPECT_EQ(stops(), (Events{"b:stop", "a:stop"}));
  EXPECT_EQ(journal->count("b:add 2"), 1u);
}

TEST_F(ActorLifecycle, shutdown_kills_what_has_not_stopped_by_the_deadline) {
  auto a = counter("a");
  auto stuck = counter("stuck", &other);  // its dispatcher does not run until later
  poll();
  other.poll();
  ASSERT_TRUE(stuck.tell(Add{1}).ok());
  ASSERT_TRUE(a.tell(Add{2}).ok());
  system.shutdown(2s);
  poll();
  EXPECT_FALSE(system.stopped());  // waiting for `stuck`, started last, to drain
  clock.advance(2s);
  poll();
  EXPECT_TRUE(system.stopped());
  other.poll();
  EXPECT_TRUE(stuck.stopped());
  EXPECT_TRUE(a.stopped());
  EXPECT_EQ(journal->count("a:add 2"), 1u);      // a was still running normally
  EXPECT_EQ(journal->count("stuck:add 1"), 0u);  // killed, not drained
  EXPECT_EQ(stuck.metrics().dead_letters, 1u);
  EXPECT_EQ(system.dead_letters(), 1u);
}

TEST_F(ActorLifecycle, a_manual_dispatcher_runs_turns_in_the_order_the_actors_were_told) {
  auto a = counter("a");
  auto b = counter("b");
  auto c = counter("c");
  poll();
  ASSERT_TRUE(c.tell(Add{1}).ok());
  ASSERT_TRUE(a.tell(Add{2}).ok());
  ASSERT_TRUE(b.tell(Add{3}).ok());
  EXPECT_EQ(journal->count("c:add 1"), 0u);  // nothing runs before poll()
  EXPECT_EQ(system.dispatcher().poll(), 3u);
  Events adds;
  for (const auto& e : journal->events())
    if (e.find(":add ") != std::string::npos) adds.push_back(e);
  EXPECT_EQ(adds, (Events{"c:add 1", "a:add 2", "b:add 3"}));
}

TEST_F(ActorLifecycle, a_manual_dispatcher_also_runs_what_was_posted_to_its_io_context) {
  int ran = 0;
  boost::asio::post(other.io_context(), [&] { ++ran; });
  boost::asio::post(other.io_context(), [&] { ++ran; });
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(other.poll(), 2u);
  EXPECT_EQ(ran, 2);
}

}  // namespace
}  // namespace nzeza::actor::testing

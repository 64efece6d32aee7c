// Supervision: restart with fresh state after an exponential backoff on the manual clock,
// one-for-one and all-for-one, restart limits that escalate or stop the subtree, and isolation
// of a crashing actor from its siblings.

#include <gtest/gtest.h>

#include "actor/actor.hpp"
#include "test_actors.hpp"

namespace nzeza::actor::testing {
namespace {

using namespace std::chrono_literals;
using Events = std::vector<std::string>;

SupervisionOptions policy(int max_restarts, Duration backoff,
                          RestartStrategy strategy = RestartStrategy::one_for_one,
                          OnRestartLimit on_limit = OnRestartLimit::escalate) {
  SupervisionOptions s;
  s.strategy = strategy;
  s.max_restarts = max_restarts;
  s.window = 60s;
  s.backoff_initial = backoff;
  s.backoff_max = 10s;
  s.on_limit = on_limit;
  return s;
}

// A parent whose on_start spawns the named Counter children under its own supervision options.
struct Nop {};
class Parent {
 public:
  using Messages = actor::Messages<Nop>;
  Parent(std::string name, std::vector<std::string> kids, std::shared_ptr<Journal> j)
      : name_(std::move(name)), kids_(std::move(kids)), j_(std::move(j)) {}
  void on_start(ActorContext& ctx) {
    j_->add(name_ + ":start");
    for (const auto& k : kids_) {
      auto r = ctx.spawn<Counter>(SpawnOptions::named(k), counter_factory(k, j_));
      if (!r.ok()) throw std::runtime_error(r.error().to_string());
    }
  }
  void on_stop(ActorContext&) { j_->add(name_ + ":stop"); }
  void on(Nop&, ActorContext&) {}

 private:
  std::string name_;
  std::vector<std::string> kids_;
  std::shared_ptr<Journal> j_;
};

class ActorSupervision : public ::testing::Test {
 protected:
  void make_system(SupervisionOptions top) {
    system = std::make_unique<ActorSystem>(clock, ActorSystemOptions{"test", 0, top});
  }
  CounterRef top_counter(const std::string& name) {
    return system->spawn<Counter>(SpawnOptions::named(name), counter_factory(name, journal))
        .value();
  }
  RefOf<Parent> parent(const std::string& name, std::vector<std::string> kids,
                       SupervisionOptions s) {
    SpawnOptions o;
    o.name = name;
    o.supervision = s;
    return system
        ->spawn<Parent>(
            o, [name, kids, j = journal] { return std::make_unique<Parent>(name, kids, j); })
        .value();
  }
  CounterRef child(const std::string& name) { return system->lookup<CounterRef>(name); }
  int get(const CounterRef& c) {
    std::optional<Result<int>> out;
    c.ask(Get{}, 1s, [&](Result<int> r) { out = std::move(r); });
    poll();
    return out && out->ok() ? out->value() : -1;
  }
  void poll() { system->dispatcher().poll(); }

  ManualClock clock;
  std::shared_ptr<Journal> journal = std::make_shared<Journal>();
  std::unique_ptr<ActorSystem> system;
};

TEST_F(ActorSupervision, failed_actor_restarts_with_fresh_state_after_backoff) {
  make_system(policy(3, 100ms));
  auto c = top_counter("c");
  ASSERT_TRUE(c.tell(Add{5}).ok());
  ASSERT_TRUE(c.tell(Boom{}).ok());
  ASSERT_TRUE(c.tell(Add{1}).ok());  // waits in the mailbox through the backoff
  poll();
  EXPECT_EQ(c.metrics().failures, 1u);
  clock.advance(99ms);
  poll();
  EXPECT_EQ(c.metrics().restarts, 0u);
  clock.advance(1ms);
  poll();
  EXPECT_EQ(c.metrics().restarts, 1u);
  EXPECT_EQ(get(c), 1) << "the restarted instance must not keep the old sum";
  EXPECT_EQ(journal->events(), (Events{"c:start", "c:add 5", "c:start", "c:add 1"}));
}

TEST_F(ActorSupervision, restart_backoff_doubles_on_each_restart_in_the_window) {
  make_system(policy(5, 100ms));
  auto c = top_counter("c");
  const Duration expected[] = {100ms, 200ms, 400ms, 800ms};
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(c.tell(Boom{}).ok());
    poll();
    clock.advance(expected[i] - 1ms);
    poll();
    EXPECT_EQ(c.metrics().restarts, static_cast<std::uint64_t>(i)) << "restart " << i;
    clock.advance(1ms);
    poll();
    EXPECT_EQ(c.metrics().restarts, static_cast<std::uint64_t>(i + 1)) << "restart " << i;
  }
}

TEST_F(ActorSupervision, crashing_actor_leaves_its_siblings_running) {
  make_system(policy(100, 10ms));
  auto bad = top_counter("bad");
  auto good = top_counter("good");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(bad.tell(Boom{}).ok());
    ASSERT_TRUE(good.tell(Add{2}).ok());
    poll();
    clock.advance(1s);
    poll();
  }
  EXPECT_EQ(get(good), 10);
  EXPECT_EQ(good.metrics().failures, 0u);
  EXPECT_EQ(good.metrics().restarts, 0u);
  EXPECT_EQ(bad.metrics().failures, 5u);
  EXPECT_EQ(bad.metrics().restarts, 5u);
  EXPECT_EQ(journal->count("good:start"), 1u);
}

TEST_F(ActorSupervision, one_for_one_restarts_only_the_failed_child) {
  make_system(policy(3, 100ms));
  parent("p", {"a", "b"}, policy(3, 10ms));
  poll();
  ASSERT_TRUE(child("a").tell(Add{3}).ok());
  ASSERT_TRUE(child("b").tell(Add{4}).ok());
  ASSERT_TRUE(child("a").tell(Boom{}).ok());
  poll();
  clock.advance(10ms);
  poll();
  EXPECT_EQ(get(child("a")), 0);
  EXPECT_EQ(get(child("b")), 4);
  EXPECT_EQ(journal->count("a:start"), 2u);
  EXPECT_EQ(journal->count("b:start"), 1u);
}

TEST_F(ActorSupervision, all_for_one_restarts_every_sibling_with_fresh_state) {
  make_system(policy(3, 100ms));
  parent("p", {"a", "b"}, policy(3, 10ms, RestartStrategy::all_for_one));
  poll();
  ASSERT_TRUE(child("a").tell(Add{3}).ok());
  ASSERT_TRUE(child("b").tell(Add{4}).ok());
  poll();
  ASSERT_TRUE(child("a").tell(Boom{}).ok());
  poll();
  // During the backoff the sibling is suspended: its messages wait.
  ASSERT_TRUE(child("b").tell(Add{1}).ok());
  poll();
  EXPECT_EQ(journal->count("b:add 1"), 0u);
  clock.advance(10ms);
  poll();
  EXPECT_EQ(journal->count("a:start"), 2u);
  EXPECT_EQ(journal->count("b:start"), 2u);
  EXPECT_EQ(get(child("a")), 0);
  EXPECT_EQ(get(child("b")), 1);  // fresh state, then the message queued during the backoff
}

TEST_F(ActorSupervision, restart_limit_escalates_to_the_parent) {
  make_system(policy(3, 100ms));
  auto p = parent("p", {"kid"}, policy(2, 10ms));
  poll();
  for (int i = 0; i < 2; ++i) {  // two restarts are within the limit
    ASSERT_TRUE(child("kid").tell(Boom{}).ok());
    poll();
    clock.advance(1s);
    poll();
  }
  EXPECT_EQ(journal->count("kid:start"), 3u);
  EXPECT_EQ(p.metrics().failures, 0u);
  ASSERT_TRUE(child("kid").tell(Boom{}).ok());  // the third failure exceeds it
  poll();
  EXPECT_EQ(p.metrics().escalations, 1u);
  EXPECT_EQ(p.metrics().failures, 1u);  // the parent failed in turn...
  clock.advance(100ms);                 // ...and its own supervisor restarts it
  poll();
  EXPECT_EQ(p.metrics().restarts, 1u);
  EXPECT_EQ(journal->count("p:start"), 2u);
  EXPECT_EQ(journal->count("kid:start"), 4u);  // a fresh subtree
  auto kid = child("kid");
  ASSERT_TRUE(kid.valid());
  EXPECT_EQ(kid.metrics().restarts, 0u);
  EXPECT_EQ(get(kid), 0);
}

TEST_F(ActorSupervision, restart_limit_at_the_top_level_stops_the_subtree) {
  make_system(policy(1, 10ms));
  auto p = parent("p", {"kid"}, policy(5, 10ms));
  auto c = top_counter("c");
  poll();
  ASSERT_TRUE(c.tell(Boom{}).ok());
  poll();
  clock.advance(10ms);
  poll();
  EXPECT_EQ(c.metrics().restarts, 1u);
  ASSERT_TRUE(c.tell(Boom{}).ok());
  poll();
  EXPECT_TRUE(c.stopped());
  EXPECT_EQ(c.tell(Add{1}).error().code, ErrorCode::unavailable);
  EXPECT_FALSE(p.stopped()) << "an unrelated subtree keeps running";
  EXPECT_EQ(get(child("kid")), 0);
}

TEST_F(ActorSupervision, failing_start_is_retried_and_then_stopped) {
  make_system(policy(2, 10ms, RestartStrategy::one_for_one, OnRestartLimit::stop));
  int attempts = 0;
  auto r = system->spawn<Counter>(SpawnOptions::named("never"),
                                  [&attempts]() -> std::unique_ptr<Counter> {
                                    ++attempts;
                                    throw std::runtime_error("cannot open the journal");
                                  });
  ASSERT_TRUE(r.ok());
  poll();
  for (int i = 0; i < 4; ++i) {
    clock.advance(1s);
    poll();
  }
  EXPECT_EQ(attempts, 3);  // the first start and two restarts
  EXPECT_TRUE(r.value().stopped());
}

}  // namespace
}  // namespace nzeza::actor::testing

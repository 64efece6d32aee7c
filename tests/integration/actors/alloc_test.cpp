// Heap allocations on the actor hot paths after warm-up: a counting global operator new around
// tells and turns on the manual dispatcher (ping-pong, a burst through a full batch) and around
// asks with a timeout. Own executable, because it replaces operator new for the whole program.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>

#include "actor/actor.hpp"
#include "common/alloc_counter.hpp"
#include "core/clock.hpp"

namespace nzeza::actor::testing {
namespace {

using namespace std::chrono_literals;

std::uint64_t allocations() {
  return nzeza::test::allocation_count();
}

struct Ball {
  std::int64_t left;
};
struct SetPeer;
using BouncerRef = ActorRef<Ball, SetPeer>;
struct SetPeer {
  BouncerRef peer;
};
class Bouncer {
 public:
  using Messages = actor::Messages<Ball, SetPeer>;
  explicit Bouncer(std::int64_t* landed) : landed_(landed) {}
  void on(SetPeer& m, ActorContext&) { peer_ = m.peer; }
  void on(Ball& b, ActorContext&) {
    if (b.left == 0) {
      ++*landed_;
    } else {
      (void)peer_.tell(Ball{b.left - 1});
    }
  }

 private:
  std::int64_t* landed_;
  BouncerRef peer_;
};

struct Query {
  using Reply = int;
  int v;
};
class Server {
 public:
  using Messages = actor::Messages<Query>;
  int on(Query& q, ActorContext&) { return q.v + 1; }
};

class ActorAllocation : public ::testing::Test {
 protected:
  std::pair<BouncerRef, BouncerRef> bouncers() {
    auto make = [this] { return std::make_unique<Bouncer>(&landed); };
    SpawnOptions oa = SpawnOptions::named("ping");
    SpawnOptions ob = SpawnOptions::named("pong");
    oa.mailbox.with_capacity(1024);
    ob.mailbox.with_capacity(1024);
    auto a = system.spawn<Bouncer>(oa, make).value();
    auto b = system.spawn<Bouncer>(ob, make).value();
    EXPECT_TRUE(a.tell(SetPeer{b}).ok());
    EXPECT_TRUE(b.tell(SetPeer{a}).ok());
    return {a, b};
  }
  // Throws `balls` balls of `hops` hops each and runs the dispatcher until all landed.
  void play(const BouncerRef& a, std::int64_t balls, std::int64_t hops) {
    landed = 0;
    for (std::int64_t i = 0; i < balls; ++i) ASSERT_TRUE(a.tell(Ball{hops}).ok());
    system.dispatcher().poll();
    ASSERT_EQ(landed, balls);
  }

  ManualClock clock;
  std::int64_t landed = 0;
  ActorSystem system{clock, ActorSystemOptions::with_threads(0)};
};

TEST_F(ActorAllocation, single_ball_ping_pong_allocates_nothing_after_warm_up) {
  auto [a, b] = bouncers();
  play(a, 1, 1'000);  // warm-up: batches, handler pool, rings
  const std::uint64_t before = allocations();
  play(a, 1, 100'000);
  EXPECT_EQ(allocations() - before, 0u);
}

TEST_F(ActorAllocation, bursts_of_64_balls_allocate_nothing_after_warm_up) {
  auto [a, b] = bouncers();
  play(a, 64, 1'000);
  const std::uint64_t before = allocations();
  for (int round = 0; round < 10; ++round) play(a, 64, 1'000);
  EXPECT_EQ(allocations() - before, 0u);
}

TEST_F(ActorAllocation, ask_with_a_timeout_allocates_a_fixed_few_blocks_and_no_timer_node) {
  auto server =
      system.spawn<Server>(SpawnOptions::named("server"), [] { return std::make_unique<Server>(); })
          .value();
  int answered = 0;
  auto ask_once = [&] {
    server.ask(Query{1}, 1s, [&answered](Result<int> r) {
      if (r.ok() && *r == 2) ++answered;
    });
    system.dispatcher().poll();
  };
  for (int i = 0; i < 100; ++i) ask_once();
  const std::uint64_t before = allocations();
  constexpr int kAsks = 10'000;
  for (int i = 0; i < kAsks; ++i) ask_once();
  ASSERT_EQ(answered, kAsks + 100);
  // The ask state and its callback: 2 blocks an ask. A clock timer per ask (a std::function and
  // two map nodes) would make it 5.
  EXPECT_LE(allocations() - before, 2u * kAsks);
  EXPECT_LE(clock.pending_timers(), 1u);  // one deadline timer for the system, not one per ask
}

}  // namespace
}  // namespace nzeza::actor::testing

// Coroutine senders: a block-policy mailbox suspends the sending coroutine until there is room
// (no thread parks, nothing is cancelled), and co_await actor::ask returns the reply or a timeout.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "actor/await.hpp"
#include "test_actors.hpp"

namespace nzeza::actor::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Coroutines take their arguments by value (DESIGN §6) and are not lambdas.
asio::awaitable<void> send_numbers(CounterRef ref, int count,
                                   std::shared_ptr<std::vector<int>> ok) {
  for (int i = 1; i <= count; ++i) {
    Status st = co_await actor::send(ref, Add{i});
    ok->push_back(st.ok() ? i : -i);
  }
}

asio::awaitable<void> ask_sum(CounterRef ref, Duration timeout,
                              std::shared_ptr<std::vector<Result<int>>> out) {
  Result<int> r = co_await actor::ask(ref, Get{}, timeout);
  out->push_back(std::move(r));
}

class ActorCoroutines : public ::testing::Test {
 protected:
  CounterRef counter(const std::string& name, std::size_t capacity, Dispatcher* d = nullptr) {
    SpawnOptions o;
    o.name = name;
    o.dispatcher = d;
    o.mailbox.with_capacity(capacity).with_policy(OverflowPolicy::block);
    return system.spawn<Counter>(o, counter_factory(name, journal)).value();
  }

  ManualClock clock;
  asio::io_context io{1};  // the coroutines' own executor, run by the test
  Dispatcher other{"other", 0};
  std::shared_ptr<Journal> journal = std::make_shared<Journal>();
  ActorSystem system{clock, ActorSystemOptions::with_threads(0)};
};

TEST_F(ActorCoroutines, block_policy_suspends_the_sending_coroutine_until_space) {
  auto c = counter("c", 2);
  auto ok = std::make_shared<std::vector<int>>();
  asio::co_spawn(io, send_numbers(c, 5, ok), asio::detached);
  io.poll();
  EXPECT_EQ(*ok, (std::vector<int>{1, 2}));  // the third send waits: the mailbox holds two
  EXPECT_EQ(c.metrics().depth, 2u);
  for (int round = 0; round < 10 && ok->size() < 5; ++round) {
    system.dispatcher().poll();  // the actor makes room...
    io.restart();
    io.poll();  // ...and the coroutine resumes
  }
  system.dispatcher().poll();
  EXPECT_EQ(*ok, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(c.metrics().rejected, 0u);
  EXPECT_EQ(c.metrics().dropped, 0u);
  EXPECT_EQ(c.metrics().processed, 5u);
}

TEST_F(ActorCoroutines, waiting_coroutine_gets_an_error_when_the_actor_stops) {
  auto c = counter("c", 1, &other);
  auto ok = std::make_shared<std::vector<int>>();
  asio::co_spawn(io, send_numbers(c, 2, ok), asio::detached);
  io.poll();
  EXPECT_EQ(*ok, (std::vector<int>{1}));
  c.kill();  // wakes the waiting sender, which finds the mailbox closed
  io.restart();
  io.poll();
  EXPECT_EQ(*ok, (std::vector<int>{1, -2}));
  other.poll();
}

TEST_F(ActorCoroutines, coroutine_ask_returns_the_reply) {
  auto c = counter("c", 8);
  ASSERT_TRUE(c.tell(Add{9}).ok());
  auto out = std::make_shared<std::vector<Result<int>>>();
  asio::co_spawn(io, ask_sum(c, 1s, out), asio::detached);
  io.poll();
  system.dispatcher().poll();
  io.restart();
  io.poll();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].value(), 9);
}

TEST_F(ActorCoroutines, coroutine_ask_times_out_without_cancelling_anything) {
  auto c = counter("c", 8, &other);
  auto out = std::make_shared<std::vector<Result<int>>>();
  asio::co_spawn(io, ask_sum(c, 1s, out), asio::detached);
  io.poll();
  clock.advance(1s);
  io.restart();
  io.poll();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].error().code, ErrorCode::timeout);
  other.poll();  // the late answer is counted, and the mailbox still works
  EXPECT_EQ(c.metrics().late_replies, 1u);
  ASSERT_TRUE(c.tell(Add{1}).ok());
  other.poll();
  EXPECT_EQ(journal->count("c:add 1"), 1u);
}

}  // namespace
}  // namespace nzeza::actor::testing

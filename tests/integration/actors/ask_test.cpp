// ask: reply, typed timeout on the manual clock, late replies dropped and counted, failures
// turned into errors, continuations on the asking actor's own turn.

#include <gtest/gtest.h>

#include <optional>

#include "actor/actor.hpp"
#include "test_actors.hpp"

namespace nzeza::actor::testing {
namespace {

using namespace std::chrono_literals;

class ActorAsk : public ::testing::Test {
 protected:
  CounterRef counter(std::string name, Dispatcher* d = nullptr, std::size_t capacity = 64) {
    SpawnOptions o;
    o.name = name;
    o.dispatcher = d;
    o.mailbox.with_capacity(capacity);
    return system.spawn<Counter>(o, counter_factory(name, journal)).value();
  }
  // Asks and records every completion (there must be exactly one).
  template <typename Req>
  void ask(const CounterRef& ref, Req req, Duration timeout) {
    ref.ask(req, timeout, [this](Result<int> r) { replies.push_back(std::move(r)); });
  }

  // Declared so the system is destroyed first: callbacks it may still run write `replies`.
  ManualClock clock;
  Dispatcher other{"other", 0};  // a dispatcher the test runs only when it chooses
  std::shared_ptr<Journal> journal = std::make_shared<Journal>();
  std::vector<Result<int>> replies;
  ActorSystem system{clock, ActorSystemOptions::with_threads(0)};
};

TEST_F(ActorAsk, ask_returns_the_reply_and_its_timeout_never_fires) {
  auto c = counter("c");
  ASSERT_TRUE(c.tell(Add{40}).ok());
  ASSERT_TRUE(c.tell(Add{2}).ok());
  ask(c, Get{}, 1s);
  EXPECT_EQ(clock.pending_timers(), 1u);
  system.dispatcher().poll();
  ASSERT_EQ(replies.size(), 1u);
  ASSERT_TRUE(replies[0].ok());
  EXPECT_EQ(replies[0].value(), 42);
  // The system's one deadline timer lapses without answering the ask a second time.
  clock.advance(1s);
  EXPECT_EQ(replies.size(), 1u);
  EXPECT_EQ(clock.pending_timers(), 0u);
}

TEST_F(ActorAsk, many_open_asks_share_one_clock_timer_and_expire_in_deadline_order) {
  auto c = counter("slow", &other, 4096);  // `other` is not run: every request stays open
  std::vector<int> order;
  for (int i = 0; i < 1000; ++i)
    c.ask(Get{}, 3s, [&order, i](Result<int> r) {
      if (r.error().code == ErrorCode::timeout) order.push_back(i);
    });
  c.ask(Get{}, 1s, [&order](Result<int> r) {  // shorter, asked last: due first
    if (r.error().code == ErrorCode::timeout) order.push_back(-1);
  });
  EXPECT_EQ(clock.pending_timers(), 1u);  // the 1 s deadline replaced the 3 s timer
  clock.advance(1s);
  ASSERT_EQ(order, std::vector<int>{-1});
  EXPECT_EQ(clock.pending_timers(), 1u);  // re-armed for the 3 s deadlines
  clock.advance(2s);
  ASSERT_EQ(order.size(), 1001u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i) + 1], i);
  EXPECT_EQ(clock.pending_timers(), 0u);
  c.kill();
  other.poll();
}

TEST_F(ActorAsk, answered_asks_leave_no_deadline_behind) {
  auto c = counter("c", nullptr, 4096);
  for (int i = 0; i < 100; ++i) ask(c, Get{}, 1s);
  EXPECT_EQ(system.dispatcher().poll() > 0, true);
  ASSERT_EQ(replies.size(), 100u);
  for (const auto& r : replies) EXPECT_TRUE(r.ok());
  EXPECT_EQ(c.cell()->core().ask_timeouts()->pending(), 0u);
  clock.advance(1s);
  EXPECT_EQ(replies.size(), 100u);
}

TEST_F(ActorAsk, ask_times_out_on_the_manual_clock_with_a_timeout_error) {
  auto c = counter("slow", &other);  // `other` is not run: the request waits in the mailbox
  ask(c, Get{}, 2s);
  clock.advance(1999ms);
  EXPECT_TRUE(replies.empty());
  clock.advance(1ms);
  ASSERT_EQ(replies.size(), 1u);
  ASSERT_FALSE(replies[0].ok());
  EXPECT_EQ(replies[0].error().code, ErrorCode::timeout);
  EXPECT_NE(replies[0].error().message.find("'slow'"), std::string::npos);
  other.poll();
  c.kill();
  other.poll();
}

TEST_F(ActorAsk, late_reply_is_dropped_and_counted) {
  auto c = counter("slow", &other);
  ask(c, Get{}, 1s);
  clock.advance(1s);  // timeout first
  other.poll();       // then the actor answers
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].error().code, ErrorCode::timeout);
  EXPECT_EQ(c.metrics().late_replies, 1u);
  c.kill();
  other.poll();
}

TEST_F(ActorAsk, promise_reply_after_timeout_is_late_and_counted) {
  auto c = counter("c");
  ask(c, SlowGet{}, 1s);
  system.dispatcher().poll();  // the handler keeps the promise
  EXPECT_TRUE(replies.empty());
  clock.advance(1s);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].error().code, ErrorCode::timeout);
  ASSERT_TRUE(c.tell(Release{7}).ok());
  system.dispatcher().poll();
  EXPECT_EQ(replies.size(), 1u);
  EXPECT_EQ(c.metrics().late_replies, 1u);
}

TEST_F(ActorAsk, promise_can_answer_later_within_the_timeout) {
  auto c = counter("c");
  ask(c, SlowGet{}, 1s);
  system.dispatcher().poll();
  clock.advance(500ms);
  ASSERT_TRUE(c.tell(Release{7}).ok());
  system.dispatcher().poll();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].value(), 7);
  EXPECT_EQ(c.metrics().late_replies, 0u);
}

TEST_F(ActorAsk, handler_exception_answers_the_ask_with_an_internal_error) {
  auto c = counter("c");
  ask(c, BoomGet{}, 1s);
  system.dispatcher().poll();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].error().code, ErrorCode::internal);
  EXPECT_NE(replies[0].error().message.find("cannot answer"), std::string::npos);
  EXPECT_EQ(c.metrics().failures, 1u);
}

TEST_F(ActorAsk, ask_to_a_full_mailbox_is_rejected_at_once) {
  auto c = counter("c", nullptr, 1);
  ASSERT_TRUE(c.tell(Add{1}).ok());
  ask(c, Get{}, 1s);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].error().code, ErrorCode::rejected);
  EXPECT_EQ(clock.pending_timers(), 0u);
}

TEST_F(ActorAsk, ask_to_a_killed_actor_fails_instead_of_hanging) {
  auto c = counter("c", &other);
  ask(c, Get{}, kNoTimeout);
  c.kill();
  other.poll();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].error().code, ErrorCode::unavailable);
}

// An actor that asks another and handles the answer on its own turn.
struct AskNow {
  CounterRef target;
};
class Asker {
 public:
  using Messages = actor::Messages<AskNow>;
  explicit Asker(std::shared_ptr<Journal> j) : j_(std::move(j)) {}
  void on(AskNow& m, ActorContext& ctx) {
    ctx.ask(m.target, Get{}, std::chrono::seconds(1), [this](Result<int> r) {
      ++answers_;
      if (r.ok()) {
        j_->add("asker:got " + std::to_string(*r));
      } else {
        j_->add("asker:error " + std::string(to_string(r.error().code)));
      }
    });
  }
  void on_stop(ActorContext&) { j_->add("asker:answers " + std::to_string(answers_)); }

 private:
  std::shared_ptr<Journal> j_;
  int answers_ = 0;
};

TEST_F(ActorAsk, ask_from_an_actor_continues_on_the_askers_turn) {
  auto c = counter("c");
  ASSERT_TRUE(c.tell(Add{5}).ok());
  auto a = system
               .spawn<Asker>(SpawnOptions::named("asker"),
                             [j = journal] { return std::make_unique<Asker>(j); })
               .value();
  ASSERT_TRUE(a.tell(AskNow{c}).ok());
  system.dispatcher().poll();
  a.stop();
  system.dispatcher().poll();
  EXPECT_EQ(journal->count("asker:got 5"), 1u);
  EXPECT_EQ(journal->count("asker:answers 1"), 1u);  // the continuation saw the actor's state
}

TEST_F(ActorAsk, ask_from_an_actor_times_out_as_a_message) {
  auto c = counter("slow", &other);
  auto a = system
               .spawn<Asker>(SpawnOptions::named("asker"),
                             [j = journal] { return std::make_unique<Asker>(j); })
               .value();
  ASSERT_TRUE(a.tell(AskNow{c}).ok());
  system.dispatcher().poll();
  clock.advance(1s);
  system.dispatcher().poll();
  EXPECT_EQ(journal->count("asker:error timeout"), 1u);
  c.kill();
  other.poll();
}

}  // namespace
}  // namespace nzeza::actor::testing

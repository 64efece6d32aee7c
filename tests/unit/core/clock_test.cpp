#include "core/clock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <vector>

namespace nzeza {
namespace {

TEST(ManualClock, timers_fire_in_deadline_order_when_time_advances_without_sleeping) {
  ManualClock clock;
  const Timestamp t0 = clock.now();
  std::vector<std::pair<int, Timestamp>> fired;
  clock.schedule_after(30s, [&] { fired.emplace_back(3, clock.now()); });
  clock.schedule_after(1s, [&] { fired.emplace_back(1, clock.now()); });
  clock.schedule_after(10s, [&] { fired.emplace_back(2, clock.now()); });
  clock.schedule_after(31s, [&] { fired.emplace_back(4, clock.now()); });

  EXPECT_EQ(clock.advance(30s), 3U);
  ASSERT_EQ(fired.size(), 3U);
  EXPECT_EQ(fired[0], std::make_pair(1, t0 + 1s));
  EXPECT_EQ(fired[1], std::make_pair(2, t0 + 10s));
  EXPECT_EQ(fired[2], std::make_pair(3, t0 + 30s));
  EXPECT_EQ(clock.now(), t0 + 30s);
  EXPECT_EQ(clock.pending_timers(), 1U);
  EXPECT_EQ(clock.next_deadline(), t0 + 31s);
}

TEST(ManualClock, equal_deadlines_fire_in_scheduling_order) {
  ManualClock clock;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) clock.schedule_after(5s, [&order, i] { order.push_back(i); });
  clock.advance(5s);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(ManualClock, cancelled_timer_never_fires) {
  ManualClock clock;
  int fired = 0;
  const TimerId id = clock.schedule_after(2s, [&] { ++fired; });
  EXPECT_TRUE(clock.cancel(id));
  EXPECT_FALSE(clock.cancel(id));
  clock.advance(10s);
  EXPECT_EQ(fired, 0);
  EXPECT_FALSE(clock.cancel(9999));
}

TEST(ManualClock, timers_scheduled_by_callbacks_within_the_window_fire_in_the_same_advance) {
  // A backoff chain: 1 s, then 2 s after that, then 4 s after that.
  ManualClock clock;
  const Timestamp t0 = clock.now();
  std::vector<Timestamp> attempts;
  std::function<void(Duration)> arm = [&](Duration d) {
    clock.schedule_after(d, [&, d] {
      attempts.push_back(clock.now());
      if (d < 8s) arm(d * 2);
    });
  };
  arm(1s);
  clock.advance(30s);
  EXPECT_EQ(attempts, (std::vector<Timestamp>{t0 + 1s, t0 + 3s, t0 + 7s, t0 + 15s}));
}

TEST(ManualClock, callback_may_cancel_a_later_timer) {
  ManualClock clock;
  int later = 0;
  const TimerId victim = clock.schedule_after(5s, [&] { ++later; });
  clock.schedule_after(1s, [&] { clock.cancel(victim); });
  clock.advance(10s);
  EXPECT_EQ(later, 0);
}

TEST(ManualClock, past_deadline_fires_on_run_due) {
  ManualClock clock;
  int fired = 0;
  clock.schedule_at(clock.now() - 1s, [&] { ++fired; });
  EXPECT_EQ(clock.run_due(), 1U);
  EXPECT_EQ(fired, 1);
}

TEST(ManualClock, never_moves_backward) {
  ManualClock clock(Timestamp::from_seconds(100));
  clock.advance_to(Timestamp::from_seconds(50));
  EXPECT_EQ(clock.now(), Timestamp::from_seconds(100));
}

TEST(SystemClock, fires_a_short_timer_and_cancels_a_long_one) {
  SystemClock clock;
  std::promise<Timestamp> fired;
  const Timestamp start = clock.now();
  clock.schedule_after(5ms, [&] { fired.set_value(clock.now()); });
  std::atomic<int> never{0};
  const TimerId long_timer = clock.schedule_after(1h, [&] { ++never; });
  auto f = fired.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_GE(f.get() - start, 5ms);
  EXPECT_TRUE(clock.cancel(long_timer));
  EXPECT_EQ(clock.pending_timers(), 0U);
  EXPECT_EQ(never.load(), 0);
}

TEST(SystemClock, now_tracks_the_system_clock) {
  SystemClock clock;
  const auto sys = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  EXPECT_LT(std::llabs(clock.now().ns() - sys), 1'000'000'000LL);
}

}  // namespace
}  // namespace nzeza

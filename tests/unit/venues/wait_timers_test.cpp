#include "venues/wait_timers.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace nzeza::venues {
namespace {

// What a client's shared state looks like to WaitTimers: the owner holding the timers.
struct Owner {
  explicit Owner(Clock& clock) : waits(clock) {}
  WaitTimers waits;
  std::vector<std::string> log;
};

TEST(WaitTimers, a_call_runs_on_its_owner_when_its_wait_is_over_and_not_before) {
  ManualClock clock;
  auto owner = std::make_shared<Owner>(clock);
  std::vector<std::string> gone;
  owner->waits.run_after<Owner>(
      2s, owner, [](Owner& o) { o.log.push_back("sent"); }, [&] { gone.push_back("gone"); });
  clock.advance(1s);
  EXPECT_TRUE(owner->log.empty());
  clock.advance(1s);
  EXPECT_EQ(owner->log, std::vector<std::string>{"sent"});
  EXPECT_TRUE(gone.empty());
  EXPECT_EQ(clock.pending_timers(), 0U);
}

TEST(WaitTimers, cancel_all_drops_waiting_calls_and_refuses_later_ones_at_once) {
  ManualClock clock;
  auto owner = std::make_shared<Owner>(clock);
  std::vector<std::string> gone;
  owner->waits.run_after<Owner>(
      1s, owner, [](Owner& o) { o.log.push_back("first"); }, [&] { gone.push_back("first"); });
  owner->waits.cancel_all();
  EXPECT_EQ(clock.pending_timers(), 0U);
  owner->waits.run_after<Owner>(
      1s, owner, [](Owner& o) { o.log.push_back("second"); }, [&] { gone.push_back("second"); });
  EXPECT_EQ(gone, std::vector<std::string>{"second"});  // refused inside the call
  clock.advance(5s);
  EXPECT_TRUE(owner->log.empty());
  EXPECT_EQ(gone, std::vector<std::string>{"second"});  // the dropped one never answers here
}

TEST(WaitTimers, a_wait_that_outlives_its_owner_reports_the_owner_gone_instead_of_running) {
  ManualClock clock;
  std::vector<std::string> gone;
  bool ran = false;
  {
    // The timers live elsewhere here so that the owner can die while its wait is pending.
    auto timers = std::make_shared<WaitTimers>(clock);
    auto owner = std::make_shared<int>(0);
    timers->run_after<int>(
        1s, owner, [&](int&) { ran = true; }, [&] { gone.push_back("gone"); });
    owner.reset();
    clock.advance(1s);
    timers->cancel_all();
  }
  EXPECT_FALSE(ran);
  EXPECT_EQ(gone, std::vector<std::string>{"gone"});
}

}  // namespace
}  // namespace nzeza::venues

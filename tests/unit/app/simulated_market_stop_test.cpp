// SimulatedMarket::stop() against a step running on the clock's thread (TSan runs the label
// `concurrency`): stop() returns only once that step has finished, so nothing of the market runs
// after it (the owner may then destroy what the sink writes to).

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/simulated_market.hpp"
#include "support/wait.hpp"
#include "unit/app/simulated_market_support.hpp"

namespace nzeza::app {
namespace {

// The ManualClock, telling when a timer is cancelled: stop() cancels the next step before it
// waits for the running one.
class CancelWatchingClock final : public Clock {
 public:
  [[nodiscard]] Timestamp now() const noexcept override { return inner.now(); }
  TimerId schedule_at(Timestamp deadline, TimerCallback callback) override {
    return inner.schedule_at(deadline, std::move(callback));
  }
  bool cancel(TimerId id) override {
    const bool cancelled = inner.cancel(id);
    cancels.fetch_add(1);
    return cancelled;
  }
  [[nodiscard]] std::size_t pending_timers() const override { return inner.pending_timers(); }

  ManualClock inner;
  std::atomic<int> cancels{0};
};

TEST(SimulatedMarketStop, stop_while_a_step_runs_on_the_clock_thread_returns_after_that_step) {
  CancelWatchingClock clock;
  auto reg = test::two_paper_instruments();
  std::mutex mu;
  std::condition_variable cv;
  bool in_step = false;
  bool released = false;
  std::atomic<bool> stop_returned{false};
  bool stop_returned_during_step = false;  // written by the step only
  auto market = SimulatedMarket::create(
      clock, reg, test::two_instruments(), {}, [&](const MarketEvent& /*e*/) {
        std::unique_lock lock(mu);
        if (!in_step) {
          // The first event of the step: hold the step until the test lets it go.
          in_step = true;
          cv.notify_all();
          cv.wait(lock, [&] { return released; });
        }
        stop_returned_during_step = stop_returned_during_step || stop_returned.load();
      });
  ASSERT_TRUE(market.ok()) << market.error().message;
  market->start();

  std::thread clock_thread([&] { clock.inner.advance(std::chrono::milliseconds(250)); });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, testsupport::kWaitGuard, [&] { return in_step; }));
  }
  std::uint64_t steps_when_stopped = 0;
  std::thread stopper([&] {
    market->stop();
    steps_when_stopped = market->steps();  // synchronised by stop() with the finished step
    stop_returned = true;
  });
  // stop() has cancelled the next step: it now waits for the running one. Let the step go.
  ASSERT_TRUE(testsupport::wait_until([&] { return clock.cancels.load() > 0; }));
  {
    std::lock_guard lock(mu);
    released = true;
  }
  cv.notify_all();
  stopper.join();
  clock_thread.join();

  EXPECT_TRUE(stop_returned.load());
  EXPECT_EQ(steps_when_stopped, 1u);  // the step had finished when stop() returned
  EXPECT_FALSE(stop_returned_during_step);
  // Stopped: no step runs any more.
  clock.inner.advance(std::chrono::seconds(10));
  EXPECT_EQ(market->steps(), 1u);
}

TEST(SimulatedMarketStop, sink_that_stops_the_market_during_its_step_does_not_wait_for_itself) {
  ManualClock clock;
  auto reg = test::two_paper_instruments();
  SimulatedMarket* self = nullptr;
  int events = 0;
  auto market = SimulatedMarket::create(clock, reg, test::two_instruments(), {},
                                        [&](const MarketEvent& /*e*/) {
                                          ++events;
                                          self->stop();
                                        });
  ASSERT_TRUE(market.ok()) << market.error().message;
  self = &*market;
  market->start();
  clock.advance(std::chrono::seconds(5));
  EXPECT_EQ(market->steps(), 1u);  // the step it stopped in finished; no other ran
  EXPECT_GE(events, 2);
}

}  // namespace
}  // namespace nzeza::app

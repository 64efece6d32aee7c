// The order tracker against the paper venue: the "no order twice" path end to end on a
// ManualClock, with a venue slower than our place timeout.

#include <gtest/gtest.h>

#include "paper_test_support.hpp"
#include "venues/order_tracker.hpp"

namespace nzeza::venues::paper::testing {
namespace {

using domain::OrderState;

class PaperTrackerTest : public PaperFixture {
 protected:
  void SetUp() override {
    PaperConfig c = default_config();
    c.latency = {2s, 2s};  // slower than the tracker's 1 s place timeout
    c.validity_window = 1s;
    make(c);
    ASSERT_TRUE(venue->deposit("USDT", d("100000")));
    tracker = std::make_unique<OrderTracker>(clock, ResolverConfig{1s, 1s, 1, 1s, 10});
    ASSERT_TRUE(tracker->add_client(*venue));
    tracker->on_resolution([this](const ResolutionEvent& e) { events.push_back(e); });
  }
  void TearDown() override {
    tracker.reset();
    venue.reset();
  }
  std::unique_ptr<OrderTracker> tracker;
  std::vector<ResolutionEvent> events;
};

TEST_F(PaperTrackerTest, an_order_that_timed_out_but_rested_is_found_and_never_sent_twice) {
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  Capture<PlaceAck> got;
  tracker->place(buy(1, "1", "98"), got.callback());
  clock.advance(1s);
  ASSERT_TRUE(got.has());
  EXPECT_EQ(got.get().error().code, ErrorCode::timeout);
  EXPECT_EQ(tracker->order("nz-t1-1")->state(), OrderState::unknown);
  Capture<PlaceAck> retry;
  tracker->place(buy(1, "1", "98"), retry.callback());
  EXPECT_EQ(retry.get().error().code, ErrorCode::invalid_state);

  clock.advance(10s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].resolution, Resolution::found);
  EXPECT_EQ(tracker->order("nz-t1-1")->state(), OrderState::acknowledged);
  EXPECT_EQ(tracker->order("nz-t1-1")->venue_order_id(), "P1");
  EXPECT_EQ(tracker->sends("nz-t1-1"), 1u);
  EXPECT_EQ(open().size(), 1u);  // exactly one order at the venue
}

TEST_F(PaperTrackerTest, pushed_fills_complete_the_tracked_order) {
  venue->start({[&](const VenueOrder& o) { (void)tracker->apply_update(o); },
                [&](const domain::Fill& f) { ASSERT_TRUE(tracker->apply_fill(f)); }, nullptr,
                nullptr});
  quote(m.paper_btc_usdt, "99", "5", "100.10", "5");
  Capture<PlaceAck> got;
  tracker->place(buy(1, "1", "99.5"), got.callback());
  clock.advance(1s);  // our timeout: unknown
  clock.advance(1s);  // the order reaches the venue and rests
  quote(m.paper_btc_usdt, "99", "5", "99.40", "5");
  clock.advance(5s);
  const auto order = tracker->order("nz-t1-1");
  EXPECT_EQ(order->state(), OrderState::filled);
  EXPECT_EQ(order->fills_quantity(), d("1"));
  EXPECT_EQ(order->fee_in("USDT"), d("0.0199"));  // maker 2 bps of 99.5
  EXPECT_EQ(tracker->sends("nz-t1-1"), 1u);
}

}  // namespace
}  // namespace nzeza::venues::paper::testing

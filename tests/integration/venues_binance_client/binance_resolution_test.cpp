// No order twice: a place whose answer is lost (the venue executed it and the order rests) is
// resolved by the OrderTracker by client id after Binance's window (timestamp + recvWindow +
// query lag), although the venue first answers "not found" — and it is never sent again.
#include "binance_fixture.hpp"
#include "venues/order_tracker.hpp"

namespace nzeza::venues::binance::test {
namespace {

using sim::binance::Fault;
using sim::binance::FaultKind;
using testsupport::wait_until;

using BinanceResolution = BinanceClientFixture;

TEST_F(BinanceResolution, timed_out_place_that_rested_is_found_by_client_id_and_never_resent) {
  Fault hold;
  hold.kind = FaultKind::hold;
  hold.execute = true;  // the order rests at the venue; its answer never comes back
  sim_->script("POST /api/v3/order", hold);
  sim_->not_found_first(1);  // a lagging venue: the first query does not see it yet

  ResolverConfig rc;
  rc.not_found_grace = 2s;
  rc.not_found_confirmations = 1;
  OrderTracker tracker(clock_, rc);
  ASSERT_TRUE(tracker.add_client(*client_).ok());
  std::mutex mu;
  std::vector<ResolutionEvent> events;
  tracker.on_resolution([&](const ResolutionEvent& e) {
    std::lock_guard lock(mu);
    events.push_back(e);
  });
  auto resolved = [&] {
    std::lock_guard lock(mu);
    return !events.empty();
  };

  const Timestamp sent_at = clock_.now();
  auto spec = limit("nz-u-1", Side::buy, "0.01", "49000");
  auto answer = std::make_shared<std::promise<Result<PlaceAck>>>();
  auto answered = answer->get_future();
  tracker.place(spec, [answer](Result<PlaceAck> r) { answer->set_value(std::move(r)); });
  ASSERT_TRUE(wait_until([&] { return sim_->place_requests("nz-u-1") == 1; }));
  // It rests at the venue (the simulator counts the request before it books the order).
  ASSERT_TRUE(wait_until([&] { return sim_->order("nz-u-1").has_value(); }));

  clock_.advance(kRequestTimeout);
  ASSERT_EQ(answered.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  auto r = answered.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::timeout);
  EXPECT_EQ(tracker.order("nz-u-1")->state(), domain::OrderState::unknown);

  // Nothing is asked before the venue can no longer accept the request.
  const Timestamp first_query =
      request_expiry(client_->request_validity(), sent_at) + client_->request_validity().query_lag;
  clock_.advance_to(first_query - 1ms);
  EXPECT_EQ(sim_->order_queries(), 0);
  // Then the queries: "not found" first, found after the grace period.
  for (int i = 0; i < 40 && !resolved(); ++i) {
    const int before = sim_->order_queries();
    clock_.advance(250ms);
    if (sim_->order_queries() == before)
      (void)wait_until([&] { return sim_->order_queries() > before; },
                       std::chrono::milliseconds(2));
    (void)wait_until(resolved, std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(resolved());
  std::lock_guard lock(mu);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].resolution, Resolution::found);
  EXPECT_GE(events[0].queries, 2);
  ASSERT_TRUE(events[0].venue_order.has_value());
  EXPECT_EQ(events[0].venue_order->client_order_id, "nz-u-1");
  EXPECT_EQ(events[0].venue_order->report.status, domain::VenueOrderStatus::open);
  EXPECT_GE(events[0].at, first_query);
  EXPECT_EQ(sim_->place_requests("nz-u-1"), 1);  // never sent twice
  EXPECT_FALSE(tracker.resend_allowed("nz-u-1"));
  EXPECT_EQ(tracker.order("nz-u-1")->state(), domain::OrderState::acknowledged);
}

TEST_F(BinanceResolution, place_lost_before_execution_is_never_executed_after_the_window) {
  Fault hold;
  hold.kind = FaultKind::hold;  // not executed: the venue never saw it
  sim_->script("POST /api/v3/order", hold);
  ResolverConfig rc;
  rc.not_found_grace = 1s;
  rc.not_found_confirmations = 1;
  OrderTracker tracker(clock_, rc);
  ASSERT_TRUE(tracker.add_client(*client_).ok());
  std::mutex mu;
  std::vector<ResolutionEvent> events;
  tracker.on_resolution([&](const ResolutionEvent& e) {
    std::lock_guard lock(mu);
    events.push_back(e);
  });
  auto resolved = [&] {
    std::lock_guard lock(mu);
    return !events.empty();
  };
  tracker.place(limit("nz-u-2", Side::buy, "0.01", "49000"), [](Result<PlaceAck>) {});
  ASSERT_TRUE(wait_until([&] { return sim_->place_requests("nz-u-2") == 1; }));
  clock_.advance(kRequestTimeout);
  ASSERT_TRUE(wait_until([&] { return tracker.resolving("nz-u-2"); }));
  for (int i = 0; i < 60 && !resolved(); ++i) {
    clock_.advance(250ms);
    (void)wait_until(resolved, std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(resolved());
  std::lock_guard lock(mu);
  EXPECT_EQ(events[0].resolution, Resolution::never_executed);
  EXPECT_EQ(events[0].last_error.venue_code, "-2013");
  EXPECT_TRUE(tracker.resend_allowed("nz-u-2"));
  EXPECT_FALSE(sim_->order("nz-u-2").has_value());
  EXPECT_EQ(sim_->place_requests("nz-u-2"), 1);
}

}  // namespace
}  // namespace nzeza::venues::binance::test

// No order twice: a place whose answer is lost (Coinbase executed it and the order rests) is
// resolved by the OrderTracker by client id only after the JWT's window (nbf + 120 s + query
// lag), although the venue first answers "not found" — and it is never sent again.

#include <mutex>

#include "coinbase_fixture.hpp"
#include "venues/order_tracker.hpp"

namespace nzeza::venues::coinbase::test {
namespace {

using testsupport::HttpFault;
using testsupport::wait_until;

using CoinbaseResolution = CoinbaseClientFixture;

struct Events {
  std::mutex mu;
  std::vector<ResolutionEvent> list;
  bool any() {
    std::lock_guard lock(mu);
    return !list.empty();
  }
};

TEST_F(CoinbaseResolution, timed_out_place_that_rested_is_found_by_client_id_after_the_jwt_window) {
  sim::coinbase::SimFault hold;
  hold.method = "POST";
  hold.path_prefix = "/api/v3/brokerage/orders";
  hold.reply.fault = HttpFault::hold;
  hold.process = true;  // the order rests at the venue; its answer never comes back
  sim_->script(hold);
  sim_->lag_status_queries(1);  // a lagging venue: the first query does not see it yet

  ResolverConfig rc;
  rc.not_found_grace = 2s;
  rc.not_found_confirmations = 1;
  OrderTracker tracker(clock_, rc);
  ASSERT_TRUE(tracker.add_client(*client_).ok());
  Events events;
  tracker.on_resolution([&](const ResolutionEvent& e) {
    std::lock_guard lock(events.mu);
    events.list.push_back(e);
  });

  const Timestamp sent_at = clock_.now();
  auto answer = std::make_shared<std::promise<Result<PlaceAck>>>();
  auto answered = answer->get_future();
  tracker.place(limit("nz-r-1", Side::buy, "0.01", "49000"),
                [answer](Result<PlaceAck> r) { answer->set_value(std::move(r)); });
  ASSERT_TRUE(wait_until([&] { return sim_->held() == 1; }));
  ASSERT_TRUE(sim_->order_by_client_id("nz-r-1").has_value());  // it rests at the venue

  clock_.advance(kRequestTimeout);
  ASSERT_EQ(answered.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  auto r = answered.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::timeout);
  EXPECT_EQ(tracker.order("nz-r-1")->state(), domain::OrderState::unknown);

  // Nothing is asked while the JWT could still be accepted.
  const RequestValidity v = client_->request_validity();
  EXPECT_EQ(v.window, 120s);
  const Timestamp first_query = request_expiry(v, sent_at) + v.query_lag;
  clock_.advance_to(first_query - 1ms);
  EXPECT_EQ(sim_->status_queries(), 0u);
  for (int i = 0; i < 60 && !events.any(); ++i) {
    const std::size_t before = sim_->status_queries();
    clock_.advance(250ms);
    (void)wait_until([&] { return sim_->status_queries() > before || events.any(); },
                     std::chrono::milliseconds(5));
    (void)wait_until([&] { return events.any(); }, std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(events.any());
  std::lock_guard lock(events.mu);
  ASSERT_EQ(events.list.size(), 1u);
  const auto& e = events.list[0];
  EXPECT_EQ(e.resolution, Resolution::found);
  EXPECT_GE(e.queries, 2);  // "not found" first
  ASSERT_TRUE(e.venue_order.has_value());
  EXPECT_EQ(e.venue_order->client_order_id, "nz-r-1");
  EXPECT_EQ(e.venue_order->report.status, domain::VenueOrderStatus::open);
  EXPECT_GE(e.at, first_query);
  EXPECT_EQ(sim_->place_requests(), 1u);  // never sent twice
  EXPECT_EQ(sim_->orders().size(), 1u);
  EXPECT_EQ(tracker.sends("nz-r-1"), 1u);
  EXPECT_FALSE(tracker.resend_allowed("nz-r-1"));
  EXPECT_EQ(tracker.order("nz-r-1")->state(), domain::OrderState::acknowledged);
}

TEST_F(CoinbaseResolution, place_lost_before_execution_is_never_executed_after_the_window) {
  sim::coinbase::SimFault hold;
  hold.method = "POST";
  hold.path_prefix = "/api/v3/brokerage/orders";
  hold.reply.fault = HttpFault::hold;  // not executed: the venue never processed it
  sim_->script(hold);
  ResolverConfig rc;
  rc.not_found_grace = 1s;
  rc.not_found_confirmations = 1;
  OrderTracker tracker(clock_, rc);
  ASSERT_TRUE(tracker.add_client(*client_).ok());
  Events events;
  tracker.on_resolution([&](const ResolutionEvent& e) {
    std::lock_guard lock(events.mu);
    events.list.push_back(e);
  });
  tracker.place(limit("nz-r-2", Side::buy, "0.01", "49000"), [](Result<PlaceAck>) {});
  ASSERT_TRUE(wait_until([&] { return sim_->held() == 1; }));
  clock_.advance(kRequestTimeout);
  ASSERT_TRUE(wait_until([&] { return tracker.resolving("nz-r-2"); }));
  clock_.advance(120s);
  for (int i = 0; i < 60 && !events.any(); ++i) {
    clock_.advance(250ms);
    (void)wait_until([&] { return events.any(); }, std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(events.any());
  std::lock_guard lock(events.mu);
  EXPECT_EQ(events.list[0].resolution, Resolution::never_executed);
  EXPECT_EQ(events.list[0].last_error.code, ErrorCode::not_found);
  EXPECT_TRUE(tracker.resend_allowed("nz-r-2"));
  EXPECT_FALSE(sim_->order_by_client_id("nz-r-2").has_value());
  EXPECT_EQ(sim_->place_requests(), 0u);  // the held request was never processed
}

}  // namespace
}  // namespace nzeza::venues::coinbase::test

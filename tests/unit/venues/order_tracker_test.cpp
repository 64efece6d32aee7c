#include "venues/order_tracker.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "venue_test_support.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues {
namespace {

using domain::OrderState;
using testing::Capture;
using testing::d;
using testing::FakeVenueClient;
using testing::limit_spec;
using testing::Markets;

class OrderTrackerTest : public ::testing::Test {
 protected:
  OrderTrackerTest() {
    EXPECT_TRUE(tracker.add_client(binance));
    tracker.on_resolution([this](const ResolutionEvent& e) { events.push_back(e); });
  }
  domain::OrderSpec spec() const {
    return limit_spec(Venue::binance, m.binance_btc_usdt, 9, Side::buy, "0.5", "100");
  }
  static VenueOrder resting(const std::string& client_id) {
    VenueOrder v;
    v.client_order_id = client_id;
    v.quantity = d("0.5");
    v.price = d("100");
    v.report.status = domain::VenueOrderStatus::open;
    v.report.venue_order_id = "B-771";
    return v;
  }
  static Error timeout() {
    return Error{ErrorCode::timeout, "binance place: no answer within 10 s; outcome unknown"};
  }

  ManualClock clock;
  Markets m;
  // Binance-like: accepted up to timestamp + recvWindow (5 s); its order query may lag 1 s.
  FakeVenueClient binance{Venue::binance, RequestValidity{5s, 1s}};
  OrderTracker tracker{clock, ResolverConfig{0s, 2s, 1, 2s, 20}};
  std::vector<ResolutionEvent> events;
};

TEST_F(OrderTrackerTest, timed_out_order_that_rested_is_found_by_client_id_and_never_sent_twice) {
  binance.place_answers.push_back(timeout());
  // A lagging venue: the first query after the window does not see the order yet.
  binance.status_answers.push_back(Error{ErrorCode::not_found, "binance order status: unknown",
                                         "-2013", "Order does not exist."});
  binance.status_answers.push_back(resting("nz-t1-9"));

  Capture<PlaceAck> first;
  tracker.place(spec(), first.callback());
  ASSERT_EQ(first.get().error().code, ErrorCode::timeout);
  EXPECT_EQ(tracker.order("nz-t1-9")->state(), OrderState::unknown);
  EXPECT_TRUE(tracker.resolving("nz-t1-9"));

  // While unknown, nothing may send it again.
  Capture<PlaceAck> again;
  tracker.place(spec(), again.callback());
  EXPECT_EQ(again.get().error().code, ErrorCode::invalid_state);
  EXPECT_EQ(again.get().error().message,
            "order 'nz-t1-9': outcome unknown (resolving by client id); not resent");

  clock.advance(5999ms);  // window 5 s + query lag 1 s not yet over
  EXPECT_TRUE(binance.status_queries.empty());
  clock.advance(1ms);
  ASSERT_EQ(binance.status_queries.size(), 1u);
  EXPECT_EQ(binance.status_queries[0].client_order_id, "nz-t1-9");
  EXPECT_TRUE(events.empty());  // "not found" once proves nothing: ask again after the grace

  clock.advance(2s);
  ASSERT_EQ(binance.status_queries.size(), 2u);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].resolution, Resolution::found);
  EXPECT_EQ(events[0].queries, 2);
  const auto order = tracker.order("nz-t1-9");
  EXPECT_EQ(order->state(), OrderState::acknowledged);
  EXPECT_EQ(order->venue_order_id(), "B-771");

  Capture<PlaceAck> third;
  tracker.place(spec(), third.callback());
  EXPECT_EQ(third.get().error().code, ErrorCode::already_exists);
  EXPECT_EQ(binance.placed.size(), 1u);
  EXPECT_EQ(tracker.sends("nz-t1-9"), 1u);
  EXPECT_EQ(clock.pending_timers(), 0u);
}

TEST_F(OrderTrackerTest, not_found_after_the_window_allows_exactly_one_resend_with_the_same_id) {
  binance.place_answers.push_back(timeout());
  Capture<PlaceAck> first;
  tracker.place(spec(), first.callback());
  clock.advance(6s);  // first query: not found
  EXPECT_FALSE(tracker.resend_allowed("nz-t1-9"));
  clock.advance(2s);  // confirmation: not found again
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].resolution, Resolution::never_executed);
  EXPECT_EQ(events[0].last_error.venue_code, "-2013");
  EXPECT_TRUE(tracker.resend_allowed("nz-t1-9"));
  EXPECT_EQ(tracker.order("nz-t1-9")->state(), OrderState::unknown);

  Capture<PlaceAck> resend;
  tracker.place(spec(), resend.callback());
  ASSERT_TRUE(resend.get());
  ASSERT_EQ(binance.placed.size(), 2u);
  EXPECT_EQ(binance.placed[1].client_order_id.text, "nz-t1-9");
  EXPECT_EQ(tracker.order("nz-t1-9")->state(), OrderState::acknowledged);
  EXPECT_EQ(tracker.sends("nz-t1-9"), 2u);

  Capture<PlaceAck> twice;
  tracker.place(spec(), twice.callback());
  EXPECT_EQ(twice.get().error().code, ErrorCode::already_exists);
  EXPECT_EQ(binance.placed.size(), 2u);
}

TEST_F(OrderTrackerTest, a_resend_in_flight_blocks_another_resend) {
  binance.place_answers.push_back(timeout());
  Capture<PlaceAck> first;
  tracker.place(spec(), first.callback());
  clock.advance(8s);
  ASSERT_TRUE(tracker.resend_allowed("nz-t1-9"));
  binance.hold_place = true;
  Capture<PlaceAck> resend;
  tracker.place(spec(), resend.callback());
  Capture<PlaceAck> another;
  tracker.place(spec(), another.callback());
  EXPECT_EQ(another.get().error().message,
            "order 'nz-t1-9': a place request is in flight; not resent");
  EXPECT_EQ(binance.placed.size(), 2u);
  // Shutdown of the client while the resend is in flight: the caller hears `cancelled` and the
  // order is unknown again (resolved by client id, never blindly resent).
  binance.held_place.clear();
  ASSERT_TRUE(resend.has());
  EXPECT_EQ(resend.get().error().code, ErrorCode::cancelled);
  EXPECT_EQ(tracker.order("nz-t1-9")->state(), OrderState::unknown);
  EXPECT_TRUE(tracker.resolving("nz-t1-9"));
}

TEST_F(OrderTrackerTest, a_refusal_before_sending_may_be_resent_with_the_same_id) {
  binance.place_answers.push_back(Error{ErrorCode::network, "connect: connection refused"});
  Capture<PlaceAck> first;
  tracker.place(spec(), first.callback());
  EXPECT_EQ(first.get().error().code, ErrorCode::network);
  EXPECT_EQ(tracker.order("nz-t1-9")->state(), OrderState::rejected);
  EXPECT_TRUE(tracker.resend_allowed("nz-t1-9"));
  EXPECT_FALSE(tracker.resolving("nz-t1-9"));
  Capture<PlaceAck> resend;
  tracker.place(spec(), resend.callback());
  ASSERT_TRUE(resend.get());
  EXPECT_EQ(tracker.order("nz-t1-9")->state(), OrderState::acknowledged);
  EXPECT_EQ(binance.placed.size(), 2u);
}

TEST_F(OrderTrackerTest, a_reset_after_the_write_is_owned_as_unknown_and_resolved_by_client_id) {
  // `network` alone would be "refused before sending"; the transport says a byte left.
  binance.place_answers.push_back(
      Error{ErrorCode::network,
            "binance place nz-t1-9: POST https://api.binance.com:443/api/v3/order: connection "
            "reset by the server after the request was written (it may have been executed)"}
          .with_delivery(Delivery::sent_no_answer));
  binance.push_status(resting("nz-t1-9"));
  Capture<PlaceAck> first;
  tracker.place(spec(), first.callback());
  ASSERT_FALSE(first.get());
  EXPECT_EQ(first.get().error().delivery, Delivery::sent_no_answer);
  EXPECT_EQ(tracker.order("nz-t1-9")->state(), OrderState::unknown);
  EXPECT_TRUE(tracker.resolving("nz-t1-9"));
  EXPECT_FALSE(tracker.resend_allowed("nz-t1-9"));

  Capture<PlaceAck> again;
  tracker.place(spec(), again.callback());
  EXPECT_EQ(again.get().error().code, ErrorCode::invalid_state);
  EXPECT_EQ(binance.placed.size(), 1u);

  clock.advance(6s);  // the venue's window (5 s) and query lag (1 s)
  ASSERT_EQ(binance.status_queries.size(), 1u);
  EXPECT_EQ(binance.status_queries[0].client_order_id, "nz-t1-9");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].resolution, Resolution::found);
  EXPECT_EQ(tracker.order("nz-t1-9")->state(), OrderState::acknowledged);
  EXPECT_EQ(tracker.order("nz-t1-9")->venue_order_id(), "B-771");
  EXPECT_EQ(tracker.sends("nz-t1-9"), 1u);
  EXPECT_EQ(binance.placed.size(), 1u);
}

TEST_F(OrderTrackerTest, every_delivery_after_the_write_makes_the_order_unknown_whatever_the_code) {
  std::uint64_t seq = 20;
  for (const ErrorCode code : {ErrorCode::network, ErrorCode::unavailable, ErrorCode::rate_limited,
                               ErrorCode::rejected, ErrorCode::timeout}) {
    for (const Delivery delivery :
         {Delivery::sent_no_answer, Delivery::answer_cut, Delivery::answer_unknown}) {
      const auto s = limit_spec(Venue::binance, m.binance_btc_usdt, ++seq, Side::buy, "0.5", "100");
      binance.place_answers.push_back(Error{code, "lost"}.with_delivery(delivery));
      Capture<PlaceAck> got;
      tracker.place(s, got.callback());
      const std::string where =
          std::string(to_string(code)) + " / " + std::string(to_string(delivery));
      ASSERT_TRUE(got.has()) << where;
      EXPECT_EQ(tracker.order(s.client_order_id.text)->state(), OrderState::unknown) << where;
      EXPECT_TRUE(tracker.resolving(s.client_order_id.text)) << where;
      EXPECT_FALSE(tracker.resend_allowed(s.client_order_id.text)) << where;
    }
  }
}

TEST_F(OrderTrackerTest, a_timeout_before_anything_was_written_may_be_resent_with_the_same_id) {
  binance.place_answers.push_back(
      Error{ErrorCode::timeout, "binance place: no complete response within 10s (nothing was sent)"}
          .with_delivery(Delivery::not_sent));
  Capture<PlaceAck> first;
  tracker.place(spec(), first.callback());
  EXPECT_EQ(tracker.order("nz-t1-9")->state(), OrderState::rejected);
  EXPECT_FALSE(tracker.resolving("nz-t1-9"));
  EXPECT_TRUE(tracker.resend_allowed("nz-t1-9"));
  Capture<PlaceAck> resend;
  tracker.place(spec(), resend.callback());
  ASSERT_TRUE(resend.get());
  EXPECT_EQ(binance.placed.size(), 2u);
  EXPECT_EQ(binance.placed[1].client_order_id.text, "nz-t1-9");
}

TEST_F(OrderTrackerTest, a_venue_rejection_is_final_and_keeps_the_venue_text) {
  binance.place_answers.push_back(
      Error{ErrorCode::rejected, "binance place: refused", "-1013", "Filter failure: LOT_SIZE"});
  Capture<PlaceAck> first;
  tracker.place(spec(), first.callback());
  const auto order = tracker.order("nz-t1-9");
  EXPECT_EQ(order->state(), OrderState::rejected);
  EXPECT_EQ(order->reason(), "Filter failure: LOT_SIZE");
  Capture<PlaceAck> again;
  tracker.place(spec(), again.callback());
  EXPECT_EQ(again.get().error().code, ErrorCode::already_exists);
  EXPECT_EQ(binance.placed.size(), 1u);
}

TEST_F(OrderTrackerTest,
       no_answer_within_place_timeout_makes_the_order_unknown_and_a_late_ack_resolves_it) {
  OrderTracker t(clock, ResolverConfig{3s, 2s, 1, 2s, 20});
  ASSERT_TRUE(t.add_client(binance));
  std::vector<ResolutionEvent> seen;
  t.on_resolution([&](const ResolutionEvent& e) { seen.push_back(e); });
  binance.hold_place = true;
  Capture<PlaceAck> got;
  t.place(spec(), got.callback());
  clock.advance(3s);
  ASSERT_TRUE(got.has());
  EXPECT_EQ(got.get().error().code, ErrorCode::timeout);
  EXPECT_EQ(t.order("nz-t1-9")->state(), OrderState::unknown);

  PlaceAck late;
  late.venue_order_id = "B-9";
  late.report.status = domain::VenueOrderStatus::open;
  binance.held_place[0](late);
  EXPECT_EQ(got.results.size(), 1u);  // the caller already had its answer
  EXPECT_EQ(t.order("nz-t1-9")->state(), OrderState::acknowledged);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].resolution, Resolution::found);
  EXPECT_EQ(seen[0].queries, 0);
  clock.advance(30s);
  EXPECT_TRUE(binance.status_queries.empty());
}

TEST_F(OrderTrackerTest, failing_status_queries_retry_then_leave_the_order_unresolved_and_unsent) {
  OrderTracker t(clock, ResolverConfig{0s, 2s, 1, 1s, 3});
  ASSERT_TRUE(t.add_client(binance));
  std::vector<ResolutionEvent> seen;
  t.on_resolution([&](const ResolutionEvent& e) { seen.push_back(e); });
  binance.place_answers.push_back(timeout());
  for (int i = 0; i < 3; ++i) {
    binance.status_answers.push_back(Error{ErrorCode::network, "connect refused"});
  }
  Capture<PlaceAck> got;
  t.place(spec(), got.callback());
  clock.advance(6s);
  clock.advance(1s);
  EXPECT_TRUE(seen.empty());
  clock.advance(1s);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].resolution, Resolution::unresolved);
  EXPECT_EQ(seen[0].queries, 3);
  EXPECT_EQ(seen[0].last_error.code, ErrorCode::network);
  Capture<PlaceAck> again;
  t.place(spec(), again.callback());
  EXPECT_EQ(again.get().error().message,
            "order 'nz-t1-9': outcome unknown (unresolved); not resent");
  EXPECT_EQ(binance.placed.size(), 1u);
}

TEST_F(OrderTrackerTest, a_stream_fill_resolves_an_unknown_order_at_once) {
  binance.place_answers.push_back(timeout());
  Capture<PlaceAck> got;
  tracker.place(spec(), got.callback());
  domain::Fill f;
  f.venue = Venue::binance;
  f.instrument = m.binance_btc_usdt;
  f.trade_id = "T1";
  f.client_order_id = "nz-t1-9";
  f.side = Side::buy;
  f.price = d("100");
  f.quantity = d("0.2");
  f.time = clock.now();
  ASSERT_TRUE(tracker.apply_fill(f));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].resolution, Resolution::found);
  EXPECT_EQ(tracker.order("nz-t1-9")->state(), OrderState::partially_filled);
  EXPECT_EQ(clock.pending_timers(), 0u);
  clock.advance(10s);
  EXPECT_TRUE(binance.status_queries.empty());
}

TEST_F(OrderTrackerTest, an_ack_with_immediate_fills_fills_the_order) {
  PlaceAck ack;
  ack.venue_order_id = "B-1";
  ack.report.status = domain::VenueOrderStatus::filled;
  ack.report.cumulative_filled = d("0.5");
  domain::Fill f;
  f.venue = Venue::binance;
  f.instrument = m.binance_btc_usdt;
  f.trade_id = "T7";
  f.client_order_id = "nz-t1-9";
  f.side = Side::buy;
  f.price = d("99.5");
  f.quantity = d("0.5");
  f.time = clock.now();
  ack.fills.push_back(f);
  binance.place_answers.push_back(ack);
  Capture<PlaceAck> got;
  tracker.place(spec(), got.callback());
  ASSERT_TRUE(got.get());
  const auto order = tracker.order("nz-t1-9");
  EXPECT_EQ(order->state(), OrderState::filled);
  EXPECT_EQ(*order->average_fill_price(), d("99.5"));
}

TEST_F(OrderTrackerTest, updates_for_orders_we_did_not_send_are_reported_external) {
  VenueOrder v = resting("someone-else");
  auto s = tracker.apply_update(v);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::not_found);
}

TEST_F(OrderTrackerTest, a_venue_without_a_client_is_refused) {
  Capture<PlaceAck> got;
  tracker.place(limit_spec(Venue::kraken, m.kraken_btc_usdt, 3, Side::buy, "1", "100"),
                got.callback());
  EXPECT_EQ(got.get().error().code, ErrorCode::not_found);
  EXPECT_EQ(tracker.size(), 0u);
}

TEST_F(OrderTrackerTest,
       order_an_earlier_process_lost_is_resolved_by_client_id_like_one_of_this_run_and_never_sent) {
  // Sent 3 s ago by the process that crashed: the venue may accept it 2 s more, then lag 1 s.
  const Timestamp sent_at = clock.now() - 3s;
  binance.status_answers.push_back(Error{ErrorCode::network, "connect refused"});
  binance.status_answers.push_back(resting("nz-t1-9"));
  ASSERT_TRUE(tracker.track_unknown(spec(), sent_at));
  EXPECT_EQ(tracker.order("nz-t1-9")->state(), OrderState::unknown);
  EXPECT_TRUE(tracker.resolving("nz-t1-9"));
  EXPECT_EQ(tracker.sends("nz-t1-9"), 1u);

  Capture<PlaceAck> resend;
  tracker.place(spec(), resend.callback());
  EXPECT_EQ(resend.get().error().message,
            "order 'nz-t1-9': outcome unknown (resolving by client id); not resent");

  clock.advance(2999ms);
  EXPECT_TRUE(binance.status_queries.empty());
  clock.advance(1ms);  // sent_at + 5 s + 1 s: the first query, which fails
  ASSERT_EQ(binance.status_queries.size(), 1u);
  EXPECT_TRUE(events.empty());
  clock.advance(2s);  // query_retry: the venue reports it now
  ASSERT_EQ(binance.status_queries.size(), 2u);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].client_order_id, "nz-t1-9");
  EXPECT_EQ(events[0].venue, Venue::binance);
  EXPECT_EQ(events[0].resolution, Resolution::found);
  EXPECT_EQ(tracker.order("nz-t1-9")->venue_order_id(), "B-771");
  EXPECT_TRUE(binance.placed.empty());  // never sent by this process
  EXPECT_EQ(clock.pending_timers(), 0u);

  EXPECT_EQ(tracker.track_unknown(spec(), sent_at).error().code, ErrorCode::already_exists);
  EXPECT_EQ(tracker
                .track_unknown(
                    limit_spec(Venue::kraken, m.kraken_btc_usdt, 3, Side::buy, "1", "100"), sent_at)
                .error()
                .code,
            ErrorCode::not_found);
}

TEST_F(OrderTrackerTest, quiesced_tracker_asks_the_venue_nothing_more_and_still_hears_its_answers) {
  binance.place_answers.push_back(timeout());
  Capture<PlaceAck> got;
  tracker.place(spec(), got.callback());
  ASSERT_TRUE(tracker.resolving("nz-t1-9"));
  tracker.quiesce();
  EXPECT_EQ(clock.pending_timers(), 0u);
  clock.advance(60s);
  EXPECT_TRUE(binance.status_queries.empty());
  // A late stream update still resolves it (the clients' callbacks are answered).
  ASSERT_TRUE(tracker.apply_update(resting("nz-t1-9")));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].resolution, Resolution::found);
}

// A client may answer, or drop unanswered, a call it holds after the tracker that sent it is gone
// (a venue torn down after the tracker): the caller still gets that answer, and nothing touches
// the destroyed tracker (ASan).
TEST_F(OrderTrackerTest, answers_after_the_tracker_is_destroyed_reach_the_caller_alone) {
  FakeVenueClient venue{Venue::binance, RequestValidity{5s, 1s}};
  venue.hold_place = true;
  auto short_lived = std::make_unique<OrderTracker>(clock, ResolverConfig{0s, 2s, 1, 2s, 20});
  ASSERT_TRUE(short_lived->add_client(venue));
  Capture<PlaceAck> answered;
  Capture<PlaceAck> dropped;
  short_lived->place(spec(), answered.callback());
  auto second = spec();
  second.client_order_id.text = "nz-t1-10";
  short_lived->place(second, dropped.callback());
  ASSERT_EQ(venue.held_place.size(), 2u);
  short_lived.reset();

  PlaceAck ack;
  ack.venue_order_id = "B-1";
  venue.held_place[0](ack);
  ASSERT_TRUE(answered.has());
  ASSERT_TRUE(answered.get().ok());
  EXPECT_EQ(answered.get()->venue_order_id, "B-1");
  venue.held_place.clear();  // dropped unanswered: the caller hears the outcome is unknown
  ASSERT_TRUE(dropped.has());
  EXPECT_FALSE(dropped.get().ok());
  EXPECT_EQ(clock.pending_timers(), 0u);
}

}  // namespace
}  // namespace nzeza::venues

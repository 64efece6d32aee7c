// The production wiring: router → order tracker → venue clients. A fallback after a refusal
// before sending is tracked on the fallback venue; a timeout is never re-routed and is resolved
// by client id on the venue it went to.

#include <gtest/gtest.h>

#include "venue_test_support.hpp"
#include "venues/order_tracker.hpp"
#include "venues/router.hpp"

namespace nzeza::venues {
namespace {

using domain::OrderState;
using testing::Capture;
using testing::codec;
using testing::d;
using testing::FakeVenueClient;
using testing::Markets;

class RoutingPipelineTest : public ::testing::Test {
 protected:
  RoutingPipelineTest() : router(m.registry, codec(), health) {
    EXPECT_TRUE(router.add_client(binance));
    EXPECT_TRUE(router.add_client(kraken));
    EXPECT_TRUE(tracker.add_client(binance));
    EXPECT_TRUE(tracker.add_client(kraken));
    EXPECT_TRUE(router.add_route({"BTC-USDT", Venue::binance, {Venue::kraken}}));
    router.set_sender([this](const domain::OrderSpec& spec, Callback<PlaceAck> done) {
      tracker.place(spec, std::move(done));
    });
  }
  static PlaceIntent intent() {
    PlaceIntent i;
    i.canonical = "BTC-USDT";
    i.sequence = 5;
    i.side = Side::buy;
    i.type = domain::OrderType::limit;
    i.quantity = d("0.5");
    i.price = d("100");
    return i;
  }

  static VenueOrder rested() {
    VenueOrder v;
    v.client_order_id = "nz-t1-5";
    v.report.status = domain::VenueOrderStatus::open;
    v.report.venue_order_id = "B-5";
    return v;
  }

  ManualClock clock;
  Markets m;
  VenueHealth health;
  FakeVenueClient binance{Venue::binance, RequestValidity{5s, 1s}};
  FakeVenueClient kraken{Venue::kraken, RequestValidity{60s, 1s}};
  OrderTracker tracker{clock};
  Router router;
};

TEST_F(RoutingPipelineTest, a_refusal_before_sending_is_tracked_and_the_fallback_order_too) {
  binance.place_answers.push_back(Error{ErrorCode::network, "connect: connection refused"});
  Capture<RoutedAck> got;
  router.place(intent(), got.callback());
  ASSERT_TRUE(got.get());
  EXPECT_EQ(got.get()->venue, Venue::kraken);
  EXPECT_EQ(tracker.order("nz-t1-5")->state(), OrderState::rejected);  // binance: never left
  const std::string kraken_id = codec().encode(Venue::kraken, 5)->text;
  EXPECT_EQ(tracker.order(kraken_id)->state(), OrderState::acknowledged);
  EXPECT_EQ(tracker.size(), 2u);
}

TEST_F(RoutingPipelineTest, a_timeout_is_not_rerouted_and_is_resolved_on_its_own_venue) {
  binance.place_answers.push_back(Error{ErrorCode::timeout, "binance place: no answer"});
  binance.push_status(rested());
  std::vector<ResolutionEvent> events;
  tracker.on_resolution([&](const ResolutionEvent& e) { events.push_back(e); });

  Capture<RoutedAck> got;
  router.place(intent(), got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_EQ(got.get().error().code, ErrorCode::timeout);
  EXPECT_TRUE(kraken.placed.empty());
  clock.advance(6s);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].resolution, Resolution::found);
  EXPECT_EQ(tracker.order("nz-t1-5")->state(), OrderState::acknowledged);
  EXPECT_EQ(binance.placed.size(), 1u);
}

}  // namespace
}  // namespace nzeza::venues

// The ambiguous-outcome matrix: place and cancel × {connection reset after the venue processed
// the request, HTTP 5xx after processing, answer cut mid-body after processing, garbage instead
// of an answer after processing, a complete 200 {"status":"err"} whose text does not say the
// action was not taken}. In every cell:
//   1. the client's error classifies as outcome_unknown (never a refusal: the venue did act) and
//      names the client order id;
//   2. after the venue's window (request_expiry(request_validity(), sent_at) + query_lag) the
//      order is resolved by client id — found resting (place) or cancelled (cancel); a place
//      through the OrderTracker, a cancel by order_status as the tracker's resolver asks it;
//   3. the simulator counted exactly one place request for that client id (and one cancel):
//      nothing was sent again;
// and no error text carries the key, a signature or a signed body.

#include <boost/json.hpp>
#include <mutex>

#include "client_fixture.hpp"
#include "no_secrets.hpp"
#include "venues/order_tracker.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::hyperliquid::testing {
namespace {

using domain::VenueOrderStatus;
using testsupport::wait_until;

enum class Operation { place, cancel };
enum class Lost { reset, http_5xx, cut_mid_body, garbage, undocumented_err };

std::string_view name(Operation o) {
  return o == Operation::place ? "place" : "cancel";
}

std::string_view name(Lost l) {
  switch (l) {
    case Lost::reset:
      return "reset_after_processing";
    case Lost::http_5xx:
      return "http_5xx_after_processing";
    case Lost::cut_mid_body:
      return "answer_cut_mid_body";
    case Lost::garbage:
      return "garbage_answer";
    case Lost::undocumented_err:
      return "undocumented_top_level_err";
  }
  return "?";
}

// The venue processes the request, then its answer is lost in the given way.
sim::hyperliquid::SimFault lost_answer(std::string match, Lost lost) {
  sim::hyperliquid::SimFault f;
  f.match = std::move(match);
  f.process = true;
  switch (lost) {
    case Lost::reset:
      f.reply.fault = testsupport::HttpFault::reset;
      break;
    case Lost::http_5xx:
      // A gateway error with a JSON body, as a proxy in front of the venue may send.
      f.reply.status = 500;
      f.reply.body = R"({"code":500,"msg":"Internal Server Error","data":null})";
      break;
    case Lost::cut_mid_body:
      f.reply.fault = testsupport::HttpFault::truncate_body;
      f.reply.truncate_at = 25;  // every order/cancel answer is longer
      break;
    case Lost::garbage:
      f.reply.fault = testsupport::HttpFault::garbage;
      break;
    case Lost::undocumented_err:
      // A complete answer, but one that does not say the action was not taken.
      f.reply.status = 200;
      f.reply.body = R"({"status":"err","response":"Internal error while processing action"})";
      break;
  }
  return f;
}

class HyperliquidAmbiguousOutcome
    : public HyperliquidClientFixture,
      public ::testing::WithParamInterface<std::tuple<Operation, Lost>> {
 protected:
  // The first moment the venue can no longer accept a request sent at `sent_at`, plus the lag
  // of its order query: when the resolver asks.
  Timestamp first_query(Timestamp sent_at) const {
    const auto v = client_->request_validity();
    return request_expiry(v, sent_at) + v.query_lag;
  }
  std::size_t status_queries() {
    std::size_t n = 0;
    for (const auto& r : sim_->server().requests()) {
      n += r.target == "/info" && r.body.find("\"orderStatus\"") != std::string::npos;
    }
    return n;
  }

  void expect_unknown_naming(const Error& e, const std::string& cloid) {
    EXPECT_EQ(classify(e), FailureClass::outcome_unknown) << e.to_string();
    EXPECT_TRUE(may_have_executed(e.delivery)) << to_string(e.delivery) << " " << e.to_string();
    EXPECT_FALSE(may_fall_back(e)) << e.to_string();
    EXPECT_NE(e.message.find(cloid), std::string::npos) << e.to_string();
    expect_no_secrets(e, secrets_of(*sim_, kTestKey));
  }

  void place_cell(Lost lost) {
    ResolverConfig rc;
    rc.not_found_confirmations = 0;
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

    sim_->push_fault(lost_answer("exchange:order", lost));
    const auto spec = limit(btc_, Side::buy, "0.001", "59000");
    const std::string cloid = spec.client_order_id.text;
    const Timestamp sent_at = clock_.now();
    Waiter<PlaceAck> w;
    tracker.place(spec, w.callback());
    const auto r = w.get();
    ASSERT_FALSE(r.ok()) << "the answer was lost: the place cannot have succeeded";
    expect_unknown_naming(r.error(), cloid);
    // The venue did book it.
    const auto booked = sim_->orders(client_->user_address());
    ASSERT_EQ(booked.size(), 1U);
    EXPECT_EQ(booked[0].cloid, cloid);
    ASSERT_TRUE(tracker.resolving(cloid));

    // Nothing is asked while the venue may still accept the request.
    const auto queries_before = status_queries();
    clock_.advance_to(first_query(sent_at) - 1ms);
    EXPECT_EQ(status_queries(), queries_before);
    EXPECT_FALSE(resolved());
    clock_.advance(1ms);
    ASSERT_TRUE(wait_until(resolved));
    {
      std::lock_guard lock(mu);
      ASSERT_EQ(events.size(), 1U);
      EXPECT_EQ(events[0].resolution, Resolution::found);
      EXPECT_EQ(events[0].client_order_id, cloid);
      ASSERT_TRUE(events[0].venue_order.has_value());
      EXPECT_EQ(events[0].venue_order->client_order_id, cloid);
      EXPECT_EQ(events[0].venue_order->report.status, VenueOrderStatus::open);
      EXPECT_EQ(events[0].venue_order->report.venue_order_id, std::to_string(booked[0].oid));
      EXPECT_EQ(events[0].venue_order->venue_symbol, "BTC");
      EXPECT_GE(events[0].at, first_query(sent_at));
    }
    EXPECT_EQ(sim_->place_requests(cloid), 1U);  // never re-sent
    EXPECT_EQ(tracker.sends(cloid), 1U);
    EXPECT_FALSE(tracker.resend_allowed(cloid));
  }

  void cancel_cell(Lost lost) {
    const auto spec = limit(btc_, Side::buy, "0.001", "59000");
    const std::string cloid = spec.client_order_id.text;
    const auto ack = place(spec);
    ASSERT_TRUE(ack.ok()) << ack.error().to_string();

    sim_->push_fault(lost_answer("exchange:cancel", lost));
    const Timestamp sent_at = clock_.now();
    Waiter<CancelAck> w;
    client_->cancel(OrderRef{ack->venue_order_id, cloid, btc_}, w.callback());
    const auto r = w.get();
    ASSERT_FALSE(r.ok()) << "the answer was lost: the cancel cannot have succeeded";
    expect_unknown_naming(r.error(), cloid);
    // The venue did cancel it.
    const auto orders = sim_->orders(client_->user_address());
    ASSERT_EQ(orders.size(), 1U);
    EXPECT_EQ(orders[0].status, "canceled");

    // Resolved by client id once the window has passed, as the tracker's resolver asks.
    clock_.advance_to(first_query(sent_at));
    Waiter<VenueOrder> status;
    client_->order_status(OrderRef{"", cloid, btc_}, status.callback());
    const auto s = status.get();
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    EXPECT_EQ(s->client_order_id, cloid);
    EXPECT_EQ(s->report.status, VenueOrderStatus::cancelled);
    EXPECT_EQ(s->report.venue_order_id, ack->venue_order_id);

    EXPECT_EQ(sim_->place_requests(cloid), 1U);                 // placed once
    EXPECT_EQ(sim_->cancel_requests(ack->venue_order_id), 1U);  // cancelled once, not re-sent
    EXPECT_EQ(sim_->cancel_requests(cloid), 0U);
  }
};

TEST_P(HyperliquidAmbiguousOutcome,
       lost_answer_is_unknown_then_resolved_by_client_id_never_resent) {
  const auto [op, lost] = GetParam();
  if (op == Operation::place) {
    place_cell(lost);
  } else {
    cancel_cell(lost);
  }
}

INSTANTIATE_TEST_SUITE_P(Matrix, HyperliquidAmbiguousOutcome,
                         ::testing::Combine(::testing::Values(Operation::place, Operation::cancel),
                                            ::testing::Values(Lost::reset, Lost::http_5xx,
                                                              Lost::cut_mid_body, Lost::garbage,
                                                              Lost::undocumented_err)),
                         [](const auto& info) {
                           return std::string(name(std::get<0>(info.param))) + "_" +
                                  std::string(name(std::get<1>(info.param)));
                         });

}  // namespace
}  // namespace nzeza::venues::hyperliquid::testing

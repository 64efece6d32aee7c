// The ambiguous-outcome matrix (issue 17, docs/testing/venue_kraken.md): place and cancel, each
// EXECUTED by the simulator and then answered by {a TCP reset, HTTP 500, a body cut mid-way, an
// unreadable body}. In every cell:
//   1. the client's error classifies as outcome_unknown and names the client order id;
//   2. after Kraken's window (request_expiry + query_lag) the order is resolved by client id and
//      found as the venue holds it (booked / cancelled);
//   3. the simulator saw exactly ONE AddOrder for that client id (and one CancelOrder): nothing
//      was sent again;
// and no error text carries the API key, the secret, an API-Sign value, a signed body or a
// WebSocket token.

#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "kraken_fixture.hpp"
#include "venues/order_tracker.hpp"

namespace nzeza::venues::kraken::test {
namespace {

enum class Op { place, cancel };
enum class Lost { reset, http_5xx, cut, garbage };

const char* name_of(Op op) {
  return op == Op::place ? "place" : "cancel";
}

const char* name_of(Lost l) {
  switch (l) {
    case Lost::reset:
      return "reset_after_the_request_was_read";
    case Lost::http_5xx:
      return "http_500_after_processing";
    case Lost::cut:
      return "answer_cut_mid_body";
    case Lost::garbage:
      return "unreadable_answer";
  }
  return "";
}

SimFault executed_then(Lost l) {
  SimFault f;
  f.execute_first = true;
  switch (l) {
    case Lost::reset:
      f.kind = SimFaultKind::reset;
      break;
    case Lost::http_5xx:
      f.kind = SimFaultKind::http_status;
      f.status = 500;
      f.text = "<html>500 Internal Server Error</html>";
      break;
    case Lost::cut:
      f.kind = SimFaultKind::truncated;
      break;
    case Lost::garbage:
      f.kind = SimFaultKind::malformed;
      break;
  }
  return f;
}

// What the transport (or the client, for a complete answer it cannot read) says it knows.
Delivery delivery_of(Lost l) {
  switch (l) {
    case Lost::reset:
      return Delivery::sent_no_answer;
    case Lost::http_5xx:
      return Delivery::answer_unknown;
    case Lost::cut:
    case Lost::garbage:
      return Delivery::answer_cut;
  }
  return Delivery::none;
}

class KrakenAmbiguous : public KrakenClientTest,
                        public ::testing::WithParamInterface<std::tuple<Op, Lost>> {
 protected:
  // The first moment a resolver may ask about a request sent at `sent_at`.
  Timestamp first_query(Timestamp sent_at) {
    const RequestValidity v = client().request_validity();
    return request_expiry(v, sent_at) + v.query_lag;
  }

  // Place through the OrderTracker (the production resolution path); returns the place error.
  void place_cell(Lost lost, std::vector<Error>& errors) {
    ResolverConfig rc;
    rc.not_found_grace = 1s;
    rc.not_found_confirmations = 1;
    OrderTracker tracker(clock_, rc);
    ASSERT_TRUE(tracker.add_client(client()).ok());
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
    sim_->fail_next("AddOrder", executed_then(lost));
    const auto s = spec(700, domain::OrderType::limit, Side::buy, "0.01", "40000");
    const std::string& cl = s.client_order_id.text;
    const Timestamp sent_at = clock_.now();
    Waiter<PlaceAck> w;
    tracker.place(s, w.cb());
    auto r = w.get();
    ASSERT_FALSE(r.ok()) << "the answer was lost, yet the place succeeded";
    errors.push_back(r.error());
    EXPECT_EQ(classify(r.error()), FailureClass::outcome_unknown) << r.error().to_string();
    EXPECT_EQ(r.error().delivery, delivery_of(lost)) << r.error().to_string();
    EXPECT_FALSE(may_fall_back(r.error()));
    EXPECT_NE(r.error().message.find(cl), std::string::npos) << r.error().message;
    ASSERT_TRUE(sim_->order_by_client_id(cl).has_value()) << "the simulator booked it";
    ASSERT_TRUE(wait_until([&] { return tracker.resolving(cl); }));
    EXPECT_FALSE(tracker.resend_allowed(cl));

    // Nothing is asked before the venue can no longer accept the request.
    clock_.advance_to(first_query(sent_at) - 1ms);
    EXPECT_EQ(sim_->stats().status_queries, 0u);
    for (int i = 0; i < 40 && !resolved(); ++i) {
      clock_.advance(250ms);
      (void)wait_until(resolved, std::chrono::milliseconds(5));
    }
    ASSERT_TRUE(wait_until(resolved));
    std::lock_guard lock(mu);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].resolution, Resolution::found);
    EXPECT_GE(events[0].at, first_query(sent_at));
    ASSERT_TRUE(events[0].venue_order.has_value());
    EXPECT_EQ(events[0].venue_order->client_order_id, cl);
    EXPECT_EQ(events[0].venue_order->report.status, domain::VenueOrderStatus::open);
    EXPECT_EQ(events[0].venue_order->venue_symbol, "XBTUSD");  // descr.pair, verbatim
    if (!events[0].last_error.message.empty()) errors.push_back(events[0].last_error);
    EXPECT_EQ(tracker.sends(cl), 1u);
    EXPECT_FALSE(tracker.resend_allowed(cl));
    EXPECT_EQ(sim_->add_order_requests(cl), 1u);  // never re-sent
    EXPECT_EQ(sim_->orders().size(), 1u);
  }

  // Cancel by client id; resolved by a status query by client id after the window.
  void cancel_cell(Lost lost, std::vector<Error>& errors) {
    const PlaceAck placed = rest_buy(701);
    const std::string cl = placed.client_order_id;
    ASSERT_FALSE(cl.empty());
    sim_->fail_next("CancelOrder", executed_then(lost));
    const Timestamp sent_at = clock_.now();
    Waiter<CancelAck> w;
    client().cancel(OrderRef{"", cl, btc_}, w.cb());
    auto r = w.get();
    ASSERT_FALSE(r.ok()) << "the answer was lost, yet the cancel succeeded";
    errors.push_back(r.error());
    EXPECT_EQ(classify(r.error()), FailureClass::outcome_unknown) << r.error().to_string();
    EXPECT_EQ(r.error().delivery, delivery_of(lost)) << r.error().to_string();
    EXPECT_NE(r.error().message.find(cl), std::string::npos) << r.error().message;
    ASSERT_EQ(sim_->order_by_client_id(cl)->status, "canceled") << "the simulator cancelled it";

    // Asked by client id once the cancel can no longer take effect.
    const auto queries_before = sim_->stats().status_queries;
    clock_.advance_to(first_query(sent_at));
    EXPECT_EQ(sim_->stats().status_queries, queries_before);
    Waiter<VenueOrder> status;
    client().order_status(OrderRef{"", cl, btc_}, status.cb());
    auto found = status.get();
    ASSERT_TRUE(found.ok()) << found.error().to_string();
    EXPECT_EQ(found->client_order_id, cl);
    EXPECT_EQ(found->report.venue_order_id, placed.venue_order_id);
    EXPECT_EQ(found->report.status, domain::VenueOrderStatus::cancelled);
    EXPECT_EQ(found->venue_symbol, "XBTUSD");     // descr.pair, verbatim
    EXPECT_EQ(sim_->add_order_requests(cl), 1u);  // the order was placed once
    EXPECT_EQ(sim_->cancel_requests(cl), 1u);     // and the cancel never re-sent
  }
};

TEST_P(KrakenAmbiguous, lost_answer_is_unknown_resolved_by_client_id_never_resent_leaks_nothing) {
  const auto [op, lost] = GetParam();
  std::vector<Error> errors;
  if (op == Op::place)
    place_cell(lost, errors);
  else
    cancel_cell(lost, errors);
  ASSERT_FALSE(errors.empty());
  for (const auto& e : errors) expect_no_credentials(e);
  EXPECT_EQ(sim_->stats().bad_signatures, 0u);
  EXPECT_EQ(sim_->stats().bad_nonces, 0u);
}

INSTANTIATE_TEST_SUITE_P(KrakenUnknownOutcome, KrakenAmbiguous,
                         ::testing::Combine(::testing::Values(Op::place, Op::cancel),
                                            ::testing::Values(Lost::reset, Lost::http_5xx,
                                                              Lost::cut, Lost::garbage)),
                         [](const ::testing::TestParamInfo<std::tuple<Op, Lost>>& info) {
                           return std::string(name_of(std::get<0>(info.param))) + "_" +
                                  name_of(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace nzeza::venues::kraken::test

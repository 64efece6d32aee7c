// The ambiguous-outcome matrix for Coinbase: place and cancel × {connection reset after the
// simulator executed the request, HTTP 5xx after it executed, answer cut mid-body after it
// executed, a garbage (non-HTTP) answer after it executed}. In every cell:
//   1. the client's error classifies as outcome_unknown and names the client order id;
//   2. the order is resolved by client id only after the venue's window (the JWT's 120 s +
//      query lag) and found as the venue holds it: booked (place) or cancelled (cancel);
//   3. the simulator saw exactly ONE place request for that client id (and one cancel): nothing
//      was sent again;
//   4. no credential (key name, private key, JWT or any of its parts) is in the error's text.
// Place cells resolve through the OrderTracker; cancel cells query order_status by client id at
// the end of the window (the tracker follows places only).

#include <mutex>

#include "coinbase_fixture.hpp"
#include "venues/order_tracker.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::coinbase::test {
namespace {

using testsupport::HttpFault;
using testsupport::HttpReply;
using testsupport::wait_until;

enum class Op { place, cancel };
enum class Lost { reset, http_5xx, cut_mid_body, garbage };

const char* name(Op op) {
  return op == Op::place ? "place" : "cancel";
}
const char* name(Lost f) {
  switch (f) {
    case Lost::reset:
      return "reset_after_execution";
    case Lost::http_5xx:
      return "http_5xx_after_execution";
    case Lost::cut_mid_body:
      return "answer_cut_mid_body_after_execution";
    case Lost::garbage:
      return "garbage_answer_after_execution";
  }
  return "?";
}

// The simulator executes the request, then answers with this instead of its answer.
sim::coinbase::SimFault lost_answer(Lost f, std::string path) {
  sim::coinbase::SimFault fault;
  fault.method = "POST";
  fault.path_prefix = std::move(path);
  fault.process = true;
  switch (f) {
    case Lost::reset:
      fault.reply.fault = HttpFault::reset;
      break;
    case Lost::http_5xx:
      fault.reply.status = 503;
      fault.reply.body = R"({"error":"UNAVAILABLE","message":"upstream timed out"})";
      break;
    case Lost::cut_mid_body:
      fault.reply.fault = HttpFault::truncate_body;
      fault.reply.truncate_at = 12;
      break;
    case Lost::garbage:
      fault.reply.fault = HttpFault::garbage;
      break;
  }
  return fault;
}

struct Events {
  std::mutex mu;
  std::vector<ResolutionEvent> list;
  bool any() {
    std::lock_guard lock(mu);
    return !list.empty();
  }
};

class CoinbaseAmbiguous : public CoinbaseClientFixture,
                          public ::testing::WithParamInterface<std::tuple<Op, Lost>> {
 protected:
  // Moves the clock in small steps until `done` holds (the resolver's timers run on it).
  template <typename Pred>
  bool advance_until(Pred done) {
    for (int i = 0; i < 80 && !done(); ++i) {
      clock_.advance(250ms);
      (void)wait_until(done, std::chrono::milliseconds(5));
    }
    return done();
  }

  void run_place(Lost lost) {
    const std::string cid = std::string("nz-amb-p-") + name(lost);
    sim_->script(lost_answer(lost, "/api/v3/brokerage/orders"));
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
    tracker.place(limit(cid, Side::buy, "0.01", "49000"),
                  [answer](Result<PlaceAck> r) { answer->set_value(std::move(r)); });
    ASSERT_EQ(answered.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    auto r = answered.get();
    ASSERT_FALSE(r.ok()) << "the lost answer was taken for an answer";
    const Error& e = r.error();
    EXPECT_EQ(classify(e), FailureClass::outcome_unknown) << e.to_string();
    EXPECT_FALSE(may_fall_back(e)) << e.to_string();
    EXPECT_NE(e.message.find(cid), std::string::npos) << e.message;
    expect_no_credentials(e);
    ASSERT_TRUE(sim_->order_by_client_id(cid).has_value());  // the venue booked it
    EXPECT_EQ(tracker.order(cid)->state(), domain::OrderState::unknown);

    // Nothing is asked while the JWT could still be accepted; then it is found by client id.
    const RequestValidity v = client_->request_validity();
    const Timestamp first_query = request_expiry(v, sent_at) + v.query_lag;
    clock_.advance_to(first_query - 1ms);
    EXPECT_EQ(sim_->status_queries(), 0u);
    ASSERT_TRUE(advance_until([&] { return events.any(); }));
    std::lock_guard lock(events.mu);
    ASSERT_EQ(events.list.size(), 1u);
    const auto& ev = events.list[0];
    EXPECT_EQ(ev.resolution, Resolution::found);
    EXPECT_GE(ev.at, first_query);
    ASSERT_TRUE(ev.venue_order.has_value());
    EXPECT_EQ(ev.venue_order->client_order_id, cid);
    EXPECT_EQ(ev.venue_order->report.status, domain::VenueOrderStatus::open);
    EXPECT_EQ(ev.venue_order->venue_symbol, "BTC-USD");
    EXPECT_EQ(sim_->place_requests(cid), 1u);  // never sent twice
    EXPECT_EQ(tracker.sends(cid), 1u);
    EXPECT_FALSE(tracker.resend_allowed(cid));
    EXPECT_EQ(tracker.order(cid)->state(), domain::OrderState::acknowledged);
  }

  void run_cancel(Lost lost) {
    const std::string cid = std::string("nz-amb-c-") + name(lost);
    auto placed = place(limit(cid, Side::buy, "0.01", "49000"));
    ASSERT_TRUE(placed.ok()) << placed.error().to_string();
    const std::string id = placed->venue_order_id;
    sim_->script(lost_answer(lost, "/api/v3/brokerage/orders/batch_cancel"));

    const Timestamp sent_at = clock_.now();
    auto r = await<CancelAck>([&](auto cb) { client_->cancel(OrderRef{id, cid, btc_}, cb); });
    ASSERT_FALSE(r.ok()) << "the lost answer was taken for an answer";
    const Error& e = r.error();
    EXPECT_EQ(classify(e), FailureClass::outcome_unknown) << e.to_string();
    EXPECT_FALSE(may_fall_back(e)) << e.to_string();
    EXPECT_NE(e.message.find(cid), std::string::npos) << e.message;
    expect_no_credentials(e);
    ASSERT_EQ(sim_->order_by_client_id(cid)->status, "CANCELLED");  // the venue cancelled it

    // Resolved by client id once the cancel's JWT can no longer be accepted.
    const RequestValidity v = client_->request_validity();
    clock_.advance_to(request_expiry(v, sent_at) + v.query_lag);
    auto found = await<VenueOrder>([&](auto cb) {
      client_->order_status(OrderRef{"", cid, btc_}, cb);
    });
    ASSERT_TRUE(found.ok()) << found.error().to_string();
    EXPECT_EQ(found->client_order_id, cid);
    EXPECT_EQ(found->report.venue_order_id, id);
    EXPECT_EQ(found->report.status, domain::VenueOrderStatus::cancelled);
    EXPECT_EQ(sim_->place_requests(cid), 1u);  // the order itself was never sent again
    EXPECT_EQ(sim_->cancel_requests(id), 1u);  // nor the cancel
  }
};

TEST_P(CoinbaseAmbiguous, lost_answer_is_unknown_then_resolved_by_client_id_and_never_resent) {
  const auto [op, lost] = GetParam();
  if (op == Op::place) {
    run_place(lost);
  } else {
    run_cancel(lost);
  }
}

INSTANTIATE_TEST_SUITE_P(Row, CoinbaseAmbiguous,
                         ::testing::Combine(::testing::Values(Op::place, Op::cancel),
                                            ::testing::Values(Lost::reset, Lost::http_5xx,
                                                              Lost::cut_mid_body, Lost::garbage)),
                         [](const auto& info) {
                           return std::string(name(std::get<0>(info.param))) + "_" +
                                  name(std::get<1>(info.param));
                         });

// The credential check is not vacuous: it knows the tokens the simulator received and flags a
// text that carries one.
using CoinbaseCredentialCheck = CoinbaseClientFixture;

TEST_F(CoinbaseCredentialCheck, flags_a_token_in_an_error_text_and_passes_a_clean_one) {
  auto ok = await<std::vector<domain::Balance>>([&](auto cb) { client_->balances(cb); });
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  const auto needles = credential_needles();
  ASSERT_GE(needles.size(), 4u);  // key name, key lines, a JWT and its parts
  Error leaky(ErrorCode::rejected, "coinbase place x: sent with " + needles.back());
  EXPECT_FALSE(credentials_in(leaky).empty());
  Error clean(ErrorCode::rejected, "coinbase place x: HTTP 400 Bad Request");
  EXPECT_TRUE(credentials_in(clean).empty());
}

}  // namespace
}  // namespace nzeza::venues::coinbase::test

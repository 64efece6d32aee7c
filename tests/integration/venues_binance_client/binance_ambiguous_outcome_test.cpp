// The ambiguous-outcome matrix of docs/testing/venue_binance.md: a place or a cancel that the
// simulator EXECUTES, whose answer is then lost or spoiled — a TCP reset after the request was
// read, a 5xx, a body cut mid-way, bytes that are not HTTP, a 200 whose JSON cannot be read.
// Each cell asserts the three things no order twice rests on:
//   1. the client's error is FailureClass::outcome_unknown and names the client order id;
//   2. after Binance's window (timestamp + recvWindow + query lag) the order is resolved by
//      client id: found resting (place, through the OrderTracker) / found cancelled (cancel);
//   3. the simulator saw exactly ONE place (and one cancel) for that client id: never re-sent.
// Every error text of the matrix is grepped for the API key, the secret, the signature and the
// signed query string (expect_no_secret_in).
#include <string>
#include <vector>

#include "binance_fixture.hpp"
#include "venues/order_tracker.hpp"

namespace nzeza::venues::binance::test {
namespace {

using sim::binance::Fault;
using sim::binance::FaultKind;
using testsupport::wait_until;

enum class Op { place, cancel };
enum class Lost { reset, server_error, cut, garbage, unreadable_json };

const char* op_name(Op op) {
  return op == Op::place ? "place" : "cancel";
}
const char* lost_name(Lost l) {
  switch (l) {
    case Lost::reset:
      return "reset_after_the_request_was_read";
    case Lost::server_error:
      return "5xx_after_processing";
    case Lost::cut:
      return "answer_cut_mid_body";
    case Lost::garbage:
      return "garbage_instead_of_http";
    case Lost::unreadable_json:
      return "200_with_unreadable_json";
  }
  return "";
}

Fault executed_then(Lost l) {
  Fault f;
  f.execute = true;  // the venue processes the request; only its answer is lost
  switch (l) {
    case Lost::reset:
      f.kind = FaultKind::reset;
      break;
    case Lost::server_error:
      // A 5xx whose body sounds like "not processed": Binance spot documents every 5xx as
      // "execution status UNKNOWN", so it stays unknown (docs/errors/binance.md).
      f.kind = FaultKind::server_error;
      f.status = 503;
      f.msg = R"({"code":-1001,"msg":"Internal error; unable to process your request. Please )"
              R"(try again."})";
      break;
    case Lost::cut:
      f.kind = FaultKind::truncated;
      break;
    case Lost::garbage:
      f.kind = FaultKind::garbage;
      break;
    case Lost::unreadable_json:
      f.kind = FaultKind::malformed;
      break;
  }
  return f;
}

class BinanceAmbiguousOutcome : public BinanceClientFixture,
                                public ::testing::WithParamInterface<std::tuple<Op, Lost>> {
 protected:
  void expect_unknown_naming(const Error& e, const std::string& client_id) {
    EXPECT_EQ(classify(e), FailureClass::outcome_unknown) << e.to_string();
    EXPECT_TRUE(may_have_executed(e.delivery)) << e.to_string();
    EXPECT_NE(e.message.find(client_id), std::string::npos) << e.message;
    expect_no_secret_in(e);
  }
};

TEST_P(BinanceAmbiguousOutcome, executed_request_whose_answer_is_lost_is_unknown_then_resolved) {
  const auto [op, lost] = GetParam();
  const std::string id = std::string("nz-amb-") + op_name(op);
  const RequestValidity validity = client_->request_validity();

  if (op == Op::place) {
    ResolverConfig rc;
    rc.not_found_grace = 1s;
    rc.not_found_confirmations = 1;
    OrderTracker tracker(clock_, rc);
    ASSERT_TRUE(tracker.add_client(*client_).ok());
    std::mutex mu;
    std::vector<ResolutionEvent> events;
    tracker.on_resolution([&](const ResolutionEvent& ev) {
      std::lock_guard lock(mu);
      events.push_back(ev);
    });
    auto resolved = [&] {
      std::lock_guard lock(mu);
      return !events.empty();
    };

    sim_->script("POST /api/v3/order", executed_then(lost));
    const Timestamp sent_at = clock_.now();
    auto answer = std::make_shared<std::promise<Result<PlaceAck>>>();
    auto answered = answer->get_future();
    tracker.place(limit(id, Side::buy, "0.01", "49000"),
                  [answer](Result<PlaceAck> r) { answer->set_value(std::move(r)); });
    ASSERT_EQ(answered.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    const auto r = answered.get();
    ASSERT_FALSE(r.ok()) << "the simulator spoiled the answer";
    expect_unknown_naming(r.error(), id);
    ASSERT_TRUE(sim_->order(id).has_value());  // it rests at the venue
    EXPECT_EQ(tracker.order(id)->state(), domain::OrderState::unknown);

    // Nothing is asked before the venue can no longer accept the request; then by client id.
    const Timestamp first_query = request_expiry(validity, sent_at) + validity.query_lag;
    clock_.advance_to(first_query - 1ms);
    EXPECT_EQ(sim_->order_queries(), 0);
    for (int i = 0; i < 40 && !resolved(); ++i) {
      clock_.advance(250ms);
      (void)wait_until(resolved, std::chrono::milliseconds(5));
    }
    ASSERT_TRUE(resolved());
    std::lock_guard lock(mu);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].resolution, Resolution::found);
    ASSERT_TRUE(events[0].venue_order.has_value());
    EXPECT_EQ(events[0].venue_order->client_order_id, id);
    EXPECT_EQ(events[0].venue_order->venue_symbol, "BTCUSDT");
    EXPECT_EQ(events[0].venue_order->report.status, domain::VenueOrderStatus::open);
    EXPECT_GE(events[0].at, first_query);
    EXPECT_FALSE(tracker.resend_allowed(id));
    EXPECT_EQ(sim_->place_requests(id), 1);  // never sent twice
    return;
  }

  // Cancel: the order rests, the venue cancels it, the answer is lost.
  ASSERT_TRUE(place(limit(id, Side::buy, "0.01", "49000")).ok());
  sim_->script("DELETE /api/v3/order", executed_then(lost));
  const Timestamp sent_at = clock_.now();
  auto r = await<CancelAck>([&](auto cb) { client_->cancel(OrderRef{"", id, btc_}, cb); });
  ASSERT_FALSE(r.ok()) << "the simulator spoiled the answer";
  expect_unknown_naming(r.error(), id);
  ASSERT_TRUE(wait_until([&] { return sim_->order(id)->status == "CANCELED"; }));

  // After the window the venue's own answer by client id settles it.
  clock_.advance_to(request_expiry(validity, sent_at) + validity.query_lag);
  auto status = await<VenueOrder>([&](auto cb) {
    client_->order_status(OrderRef{"", id, btc_}, cb);
  });
  ASSERT_TRUE(status.ok()) << status.error().to_string();
  EXPECT_EQ(status->client_order_id, id);
  EXPECT_EQ(status->venue_symbol, "BTCUSDT");
  EXPECT_EQ(status->report.status, domain::VenueOrderStatus::cancelled);
  EXPECT_EQ(sim_->cancel_requests(id), 1);  // never sent twice
  EXPECT_EQ(sim_->place_requests(id), 1);
}

INSTANTIATE_TEST_SUITE_P(Cells, BinanceAmbiguousOutcome,
                         ::testing::Combine(::testing::Values(Op::place, Op::cancel),
                                            ::testing::Values(Lost::reset, Lost::server_error,
                                                              Lost::cut, Lost::garbage,
                                                              Lost::unreadable_json)),
                         [](const ::testing::TestParamInfo<std::tuple<Op, Lost>>& p) {
                           return std::string(op_name(std::get<0>(p.param))) + "_" +
                                  lost_name(std::get<1>(p.param));
                         });

}  // namespace
}  // namespace nzeza::venues::binance::test

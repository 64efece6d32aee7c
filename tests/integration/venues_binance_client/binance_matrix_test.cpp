// The fault matrix of docs/testing/venue_binance.md: every operation (place, cancel, status,
// open orders, fills, balances, metadata, server time) against every fault (4xx with a Binance
// code, 429, 418, 5xx, timeout, malformed, truncated), one test each, named
// BinanceMatrix/<operation>_<fault>.
#include <functional>

#include "binance_fixture.hpp"

namespace nzeza::venues::binance::test {
namespace {

using sim::binance::Fault;
using sim::binance::FaultKind;
using testsupport::wait_until;

enum class Op { place, cancel, status, open_orders, fills, balances, metadata, server_time };
enum class F { venue_code, rate_limited, banned, server_error, timeout, malformed, truncated };

struct OpInfo {
  const char* name;
  const char* endpoint;
  bool mutating;
  // The 4xx this endpoint answers in the matrix, and what it must become.
  unsigned status;
  long long code;
  const char* msg;
  ErrorCode expected;
};

OpInfo op_info(Op op) {
  switch (op) {
    case Op::place:
      return {"place",
              "POST /api/v3/order",
              true,
              400,
              -2010,
              "Account has insufficient balance for requested action.",
              ErrorCode::insufficient_balance};
    case Op::cancel:
      return {"cancel",
              "DELETE /api/v3/order",
              true,
              400,
              -2011,
              "Unknown order sent.",
              ErrorCode::not_found};
    case Op::status:
      return {"status",
              "GET /api/v3/order",
              false,
              400,
              -2013,
              "Order does not exist.",
              ErrorCode::not_found};
    case Op::open_orders:
      return {"open_orders",     "GET /api/v3/openOrders",   false, 400, -1121,
              "Invalid symbol.", ErrorCode::invalid_argument};
    case Op::fills:
      return {"fills",
              "GET /api/v3/myTrades",
              false,
              400,
              -1100,
              "Illegal characters found in parameter 'symbol'; legal range is "
              "'^[A-Z0-9-_.]{1,20}$'.",
              ErrorCode::invalid_argument};
    case Op::balances:
      return {"balances",
              "GET /api/v3/account",
              false,
              401,
              -2015,
              "Invalid API-key, IP, or permissions for action.",
              ErrorCode::auth_failed};
    case Op::metadata:
      return {"metadata",        "GET /api/v3/exchangeInfo", false, 400, -1121,
              "Invalid symbol.", ErrorCode::invalid_argument};
    case Op::server_time:
      return {"server_time",
              "GET /api/v3/time",
              false,
              400,
              -1000,
              "An unknown error occurred while processing the request.",
              ErrorCode::unavailable};
  }
  return {};
}

const char* fault_name(F f) {
  switch (f) {
    case F::venue_code:
      return "4xx_venue_code";
    case F::rate_limited:
      return "429";
    case F::banned:
      return "418";
    case F::server_error:
      return "5xx";
    case F::timeout:
      return "timeout";
    case F::malformed:
      return "malformed";
    case F::truncated:
      return "truncated";
  }
  return "";
}

class BinanceMatrix : public BinanceClientFixture,
                      public ::testing::WithParamInterface<std::tuple<Op, F>> {
 protected:
  // Starts the operation; the answer lands in the returned future as a Status.
  std::future<Status> start(Op op) {
    auto p = std::make_shared<std::promise<Status>>();
    auto fut = p->get_future();
    auto status_of = [p](auto r) { p->set_value(r.ok() ? Status{} : Status(r.error())); };
    switch (op) {
      case Op::place:
        client_->place(limit("nz-m-1", Side::buy, "0.01", "49000"), status_of);
        break;
      case Op::cancel:
        client_->cancel(OrderRef{"", "nz-m-0", btc_}, status_of);
        break;
      case Op::status:
        client_->order_status(OrderRef{"", "nz-m-0", btc_}, status_of);
        break;
      case Op::open_orders:
        client_->open_orders(btc_, status_of);
        break;
      case Op::fills:
        client_->fills_since(Timestamp::from_ms(1'600'000'000'000), btc_, status_of);
        break;
      case Op::balances:
        client_->balances(status_of);
        break;
      case Op::metadata:
        client_->load_instruments(status_of);
        break;
      case Op::server_time:
        client_->server_time(status_of);
        break;
    }
    return fut;
  }
  static Status get(std::future<Status>& f) {
    if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
      return fail(ErrorCode::internal, "test: no answer within 5 s");
    return f.get();
  }
};

TEST_P(BinanceMatrix, fault_is_reported_with_its_class) {
  const auto [op, fault] = GetParam();
  const OpInfo oi = op_info(op);
  // An order to cancel / query, so the fault — not the state — makes the answer.
  ASSERT_TRUE(place(limit("nz-m-0", Side::buy, "0.01", "48000")).ok());
  const auto base_requests = sim_->request_count();

  Fault f;
  switch (fault) {
    case F::venue_code:
      f.kind = FaultKind::venue_error;
      f.status = oi.status;
      f.code = oi.code;
      f.msg = oi.msg;
      break;
    case F::rate_limited:
      f.kind = FaultKind::rate_limited;
      f.retry_after_s = 7;
      break;
    case F::banned:
      f.kind = FaultKind::banned;
      f.retry_after_s = 300;
      break;
    case F::server_error:
      f.kind = FaultKind::server_error;
      f.status = 502;
      break;
    case F::timeout:
      f.kind = FaultKind::hold;
      break;
    case F::malformed:
      f.kind = FaultKind::malformed;
      break;
    case F::truncated:
      f.kind = FaultKind::truncated;
      break;
  }
  sim_->script(oi.endpoint, f);
  auto fut = start(op);
  if (fault == F::timeout) {
    ASSERT_TRUE(wait_until([&] { return sim_->request_count() > base_requests; }));
    clock_.advance(kRequestTimeout);
  }
  const Status s = get(fut);
  ASSERT_FALSE(s.ok()) << oi.name << " " << fault_name(fault);
  const Error& e = s.error();
  switch (fault) {
    case F::venue_code:
      EXPECT_EQ(e.code, oi.expected) << e.to_string();
      EXPECT_EQ(e.venue_code, std::to_string(oi.code));
      EXPECT_EQ(e.venue_text, oi.msg);
      // -1000 UNKNOWN says nothing of what was executed: unknown; every other code refuses.
      EXPECT_EQ(classify(e),
                oi.code == -1000 ? FailureClass::outcome_unknown : FailureClass::refused_by_venue)
          << e.to_string();
      break;
    case F::rate_limited:
      EXPECT_EQ(e.code, ErrorCode::rate_limited) << e.to_string();
      EXPECT_EQ(e.venue_code, "-1003");
      EXPECT_EQ(client_->limiter()->retry_after_until(), clock_.now() + 7s);
      break;
    case F::banned:
      EXPECT_EQ(e.code, ErrorCode::banned) << e.to_string();
      EXPECT_EQ(client_->limiter()->banned_until(), clock_.now() + 300s);
      break;
    case F::server_error:
      // Binance: a 5xx leaves "the execution status UNKNOWN" — on every operation, whatever
      // the body (the place or cancel is then resolved by client id).
      EXPECT_EQ(e.code, ErrorCode::unavailable) << e.to_string();
      EXPECT_EQ(e.delivery, Delivery::answer_unknown) << e.to_string();
      EXPECT_EQ(classify(e), FailureClass::outcome_unknown) << e.to_string();
      EXPECT_EQ(e.venue_code, "502");
      break;
    case F::timeout:
      EXPECT_EQ(e.code, ErrorCode::timeout) << e.to_string();
      EXPECT_EQ(e.delivery, Delivery::sent_no_answer) << e.to_string();
      EXPECT_TRUE(outcome_unknown(e));
      break;
    case F::malformed:
    case F::truncated:
      EXPECT_EQ(e.code, ErrorCode::protocol) << e.to_string();
      EXPECT_EQ(e.delivery, Delivery::answer_cut) << e.to_string();
      EXPECT_TRUE(outcome_unknown(e));
      break;
  }
  EXPECT_NE(e.message.find("binance"), std::string::npos) << e.message;
  if (oi.mutating) {
    EXPECT_NE(e.message.find("nz-m-"), std::string::npos) << e.message;
  }
  expect_no_secret_in(e);
}

INSTANTIATE_TEST_SUITE_P(
    Cells, BinanceMatrix,
    ::testing::Combine(::testing::Values(Op::place, Op::cancel, Op::status, Op::open_orders,
                                         Op::fills, Op::balances, Op::metadata, Op::server_time),
                       ::testing::Values(F::venue_code, F::rate_limited, F::banned, F::server_error,
                                         F::timeout, F::malformed, F::truncated)),
    [](const ::testing::TestParamInfo<std::tuple<Op, F>>& p) {
      return std::string(op_info(std::get<0>(p.param)).name) + "_" +
             fault_name(std::get<1>(p.param));
    });

}  // namespace
}  // namespace nzeza::venues::binance::test

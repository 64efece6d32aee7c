// The Kraken row of the venue test matrix (docs/testing/venue_kraken.md): every operation of the
// port against every fault the simulator can script. Kraken answers most refusals with HTTP 200
// and an "error" array: the venue's code and text must survive verbatim.
// Kraken has no HTTP 418 ban (that is Binance's): the 418 column is N/A for this venue.

#include <string>
#include <tuple>

#include "kraken_fixture.hpp"

namespace nzeza::venues::kraken::test {
namespace {

enum class Op { place, cancel, status, open_orders, fills, balances, metadata, server_time };
enum class Fault {
  venue_code,
  rate_limit_error,
  http_429,
  http_5xx,
  timeout,
  malformed,
  truncated
};

const char* method_of(Op op) {
  switch (op) {
    case Op::place:
      return "AddOrder";
    case Op::cancel:
      return "CancelOrder";
    case Op::status:
      return "QueryOrders";
    case Op::open_orders:
      return "OpenOrders";
    case Op::fills:
      return "TradesHistory";
    case Op::balances:
      return "BalanceEx";
    case Op::metadata:
      return "AssetPairs";
    case Op::server_time:
      return "Time";
  }
  return "";
}

const char* name_of(Op op) {
  switch (op) {
    case Op::place:
      return "place";
    case Op::cancel:
      return "cancel";
    case Op::status:
      return "status";
    case Op::open_orders:
      return "open_orders";
    case Op::fills:
      return "fills";
    case Op::balances:
      return "balances";
    case Op::metadata:
      return "metadata";
    case Op::server_time:
      return "server_time";
  }
  return "";
}

const char* name_of(Fault f) {
  switch (f) {
    case Fault::venue_code:
      return "venue_error_code";
    case Fault::rate_limit_error:
      return "rate_limit_error";
    case Fault::http_429:
      return "http_429_retry_after";
    case Fault::http_5xx:
      return "http_5xx";
    case Fault::timeout:
      return "timeout";
    case Fault::malformed:
      return "malformed";
    case Fault::truncated:
      return "truncated";
  }
  return "";
}

// The venue error each operation is refused with, and the code it must map to.
std::pair<std::string, ErrorCode> venue_refusal(Op op) {
  switch (op) {
    case Op::place:
      return {"EOrder:Insufficient funds", ErrorCode::insufficient_balance};
    case Op::cancel:
      return {"EOrder:Unknown order", ErrorCode::not_found};
    case Op::status:
      return {"EGeneral:Invalid arguments", ErrorCode::invalid_argument};
    case Op::open_orders:
      return {"EAPI:Invalid key", ErrorCode::auth_failed};
    case Op::fills:
      return {"EGeneral:Permission denied", ErrorCode::auth_failed};
    case Op::balances:
      return {"EService:Unavailable", ErrorCode::unavailable};
    case Op::metadata:
      return {"EQuery:Unknown asset pair", ErrorCode::not_found};
    case Op::server_time:
      return {"EService:Busy", ErrorCode::unavailable};
  }
  return {};
}

class KrakenMatrix : public KrakenClientTest,
                     public ::testing::WithParamInterface<std::tuple<Op, Fault>> {
 protected:
  // Runs the operation; returns its error (or ok).
  template <typename T>
  Status settle(Waiter<T>& w, Fault fault) {
    if (fault == Fault::timeout) {
      EXPECT_TRUE(wait_until([&] { return sim_->held() == 1; }));
      clock_.advance(2s);  // the request deadline
    }
    auto r = w.get();
    if (r.ok()) return {};
    return r.error();
  }

  Status run(Op op, Fault fault) {
    switch (op) {
      case Op::place: {
        Waiter<PlaceAck> w;
        client().place(spec(100, domain::OrderType::limit, Side::buy, "0.01", "40000"), w.cb());
        return settle(w, fault);
      }
      case Op::cancel: {
        Waiter<CancelAck> w;
        client().cancel(OrderRef{txid_, "", btc_}, w.cb());
        return settle(w, fault);
      }
      case Op::status: {
        Waiter<VenueOrder> w;
        client().order_status(OrderRef{txid_, "", btc_}, w.cb());
        return settle(w, fault);
      }
      case Op::open_orders: {
        Waiter<std::vector<VenueOrder>> w;
        client().open_orders(std::nullopt, w.cb());
        return settle(w, fault);
      }
      case Op::fills: {
        Waiter<std::vector<domain::Fill>> w;
        client().fills_since(clock_.now() - 1h, std::nullopt, w.cb());
        return settle(w, fault);
      }
      case Op::balances: {
        Waiter<std::vector<domain::Balance>> w;
        client().balances(w.cb());
        return settle(w, fault);
      }
      case Op::metadata: {
        Waiter<std::vector<Instrument>> w;
        client().load_instruments(w.cb());
        return settle(w, fault);
      }
      case Op::server_time: {
        Waiter<Timestamp> w;
        client().server_time(w.cb());
        return settle(w, fault);
      }
    }
    return {};
  }

  std::string txid_;
};

TEST_P(KrakenMatrix, fault_is_classified_and_keeps_the_venue_text) {
  const auto [op, fault] = GetParam();
  // An order to cancel / query.
  if (op == Op::cancel || op == Op::status) txid_ = rest_buy(1).venue_order_id;
  const std::string method = method_of(op);
  SimFault f;
  switch (fault) {
    case Fault::venue_code:
      f.kind = SimFaultKind::venue_error;
      f.text = venue_refusal(op).first;
      break;
    case Fault::rate_limit_error:
      f.kind = SimFaultKind::venue_error;
      f.text = op == Op::place || op == Op::cancel ? "EOrder:Rate limit exceeded"
                                                   : "EAPI:Rate limit exceeded";
      break;
    case Fault::http_429:
      f.kind = SimFaultKind::http_status;
      f.status = 429;
      f.headers = {{"Retry-After", "7"}};
      f.text = "slow down";
      break;
    case Fault::http_5xx:
      f.kind = SimFaultKind::http_status;
      f.status = 503;
      f.text = "<html>503 Service Temporarily Unavailable</html>";
      break;
    case Fault::timeout:
      f.kind = SimFaultKind::hold;
      break;
    case Fault::malformed:
      f.kind = SimFaultKind::malformed;
      break;
    case Fault::truncated:
      f.kind = SimFaultKind::truncated;
      break;
  }
  sim_->fail_next(method, f);
  const Status st = run(op, fault);
  ASSERT_FALSE(st.ok()) << name_of(op) << " / " << name_of(fault) << " succeeded";
  const Error& e = st.error();
  switch (fault) {
    case Fault::venue_code:
      EXPECT_EQ(e.code, venue_refusal(op).second) << e.to_string();
      EXPECT_EQ(e.venue_code, venue_refusal(op).first);
      EXPECT_EQ(e.venue_text, venue_refusal(op).first);
      break;
    case Fault::rate_limit_error:
      EXPECT_EQ(e.code, ErrorCode::rate_limited) << e.to_string();
      EXPECT_EQ(e.venue_text, f.text);
      break;
    case Fault::http_429:
      EXPECT_EQ(e.code, ErrorCode::rate_limited) << e.to_string();
      EXPECT_EQ(e.venue_code, "429");
      // Retry-After: 7 holds every request for 7 s.
      EXPECT_EQ(client().rest_limiter().retry_after_until(), clock_.now() + 7s);
      break;
    case Fault::http_5xx:
      // A 5xx without a Kraken refusal in its body says nothing of what the venue did.
      EXPECT_EQ(classify(e), FailureClass::outcome_unknown) << e.to_string();
      EXPECT_EQ(e.delivery, Delivery::answer_unknown);
      EXPECT_EQ(e.venue_code, "503");
      EXPECT_NE(e.venue_text.find("503 Service"), std::string::npos);
      break;
    case Fault::timeout:
      EXPECT_EQ(e.code, ErrorCode::timeout) << e.to_string();
      EXPECT_EQ(e.delivery, Delivery::sent_no_answer);
      EXPECT_TRUE(outcome_unknown(e));
      break;
    case Fault::malformed:
      EXPECT_EQ(e.code, ErrorCode::protocol) << e.to_string();
      EXPECT_EQ(e.delivery, Delivery::answer_cut);
      EXPECT_TRUE(outcome_unknown(e));
      break;
    case Fault::truncated:
      EXPECT_EQ(e.delivery, Delivery::answer_cut) << e.to_string();
      EXPECT_TRUE(outcome_unknown(e));
      break;
  }
  // Refusals Kraken documents (venue codes, rate limits, 429) carry no transport doubt.
  if (fault == Fault::venue_code || fault == Fault::rate_limit_error || fault == Fault::http_429) {
    EXPECT_FALSE(outcome_unknown(e)) << e.to_string();
  }
  // Place and cancel errors name the client order id / txid to ask about.
  if (op == Op::place) {
    EXPECT_NE(e.message.find(codec_.encode(Venue::kraken, 100).value().text), std::string::npos)
        << e.message;
  }
  if (op == Op::cancel) {
    EXPECT_NE(e.message.find(txid_), std::string::npos) << e.message;
  }
  expect_no_credentials(e);
  EXPECT_EQ(sim_->stats().bad_signatures, 0u);
  EXPECT_EQ(sim_->stats().bad_nonces, 0u);
  // A refused place executed nothing.
  if (op == Op::place && fault != Fault::timeout) {
    EXPECT_FALSE(sim_->order_by_client_id(codec_.encode(Venue::kraken, 100).value().text));
  }
  sim_->release_held();
}

INSTANTIATE_TEST_SUITE_P(
    KrakenRow, KrakenMatrix,
    ::testing::Combine(::testing::Values(Op::place, Op::cancel, Op::status, Op::open_orders,
                                         Op::fills, Op::balances, Op::metadata, Op::server_time),
                       ::testing::Values(Fault::venue_code, Fault::rate_limit_error,
                                         Fault::http_429, Fault::http_5xx, Fault::timeout,
                                         Fault::malformed, Fault::truncated)),
    [](const ::testing::TestParamInfo<std::tuple<Op, Fault>>& info) {
      return std::string(name_of(std::get<0>(info.param))) + "_" + name_of(std::get<1>(info.param));
    });

}  // namespace
}  // namespace nzeza::venues::kraken::test

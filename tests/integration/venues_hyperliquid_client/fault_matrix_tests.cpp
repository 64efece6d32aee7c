// The fault matrix: every operation (place, cancel, status, open orders, fills, balances,
// metadata, server time, candles) against every transport fault (4xx with the venue's code and
// text, 429 + Retry-After, 5xx, timeout, malformed JSON, truncated body). Hyperliquid has no 418:
// N/A. Each cell asserts the error's code, how far the request got (Error::delivery) and its class:
// a 5xx, a timeout and an unreadable answer are outcome_unknown, whatever the operation.

#include <boost/json.hpp>
#include <functional>

#include "client_fixture.hpp"
#include "no_secrets.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::hyperliquid::testing {
namespace {

enum class Fault { http_4xx, http_429, http_5xx, timeout, malformed, truncated };

std::string_view name(Fault f) {
  switch (f) {
    case Fault::http_4xx:
      return "http_4xx";
    case Fault::http_429:
      return "http_429";
    case Fault::http_5xx:
      return "http_5xx";
    case Fault::timeout:
      return "timeout";
    case Fault::malformed:
      return "malformed";
    case Fault::truncated:
      return "truncated";
  }
  return "?";
}

struct Operation {
  std::string name;
  std::string match;  // the request the fault is scripted on
  // Starts the call; the callback receives nullopt on success or the error.
  std::function<void(HyperliquidClient&, InstrumentId, std::function<void(std::optional<Error>)>)>
      run;
};

template <typename T>
Callback<T> to_error(std::function<void(std::optional<Error>)> cb) {
  return [cb](Result<T> r) { cb(r.ok() ? std::nullopt : std::optional<Error>(r.error())); };
}

std::vector<Operation> operations() {
  return {
      {"place", "exchange:order",
       [](HyperliquidClient& c, InstrumentId btc, auto cb) {
         domain::OrderSpec s;
         s.client_order_id = {Venue::hyperliquid, 1, "0x000000000000000000000000000000a1"};
         s.venue = Venue::hyperliquid;
         s.instrument = btc;
         s.type = domain::OrderType::limit;
         s.quantity = Decimal::parse("0.001").value();
         s.price = Decimal::parse("59000").value();
         c.place(s, to_error<PlaceAck>(cb));
       }},
      {"cancel", "exchange:cancel",
       [](HyperliquidClient& c, InstrumentId btc, auto cb) {
         c.cancel(OrderRef{"12345", "", btc}, to_error<CancelAck>(cb));
       }},
      {"status", "info:orderStatus",
       [](HyperliquidClient& c, InstrumentId btc, auto cb) {
         c.order_status(OrderRef{"", "0x000000000000000000000000000000a1", btc},
                        to_error<VenueOrder>(cb));
       }},
      {"open_orders", "info:openOrders",
       [](HyperliquidClient& c, InstrumentId, auto cb) {
         c.open_orders(std::nullopt, to_error<std::vector<VenueOrder>>(cb));
       }},
      {"fills", "info:userFillsByTime",
       [](HyperliquidClient& c, InstrumentId, auto cb) {
         c.fills_since(Timestamp::from_seconds(1), std::nullopt,
                       to_error<std::vector<domain::Fill>>(cb));
       }},
      {"balances", "info:clearinghouseState",
       [](HyperliquidClient& c, InstrumentId, auto cb) {
         c.balances(to_error<std::vector<domain::Balance>>(cb));
       }},
      {"metadata", "info:meta",
       [](HyperliquidClient& c, InstrumentId, auto cb) {
         c.load_instruments(to_error<std::vector<Instrument>>(cb));
       }},
      {"server_time", "info:allMids",
       [](HyperliquidClient& c, InstrumentId, auto cb) { c.server_time(to_error<Timestamp>(cb)); }},
      {"candles", "info:candleSnapshot",
       [](HyperliquidClient& c, InstrumentId btc, auto cb) {
         c.candles(btc, std::chrono::minutes(1), 10, to_error<std::vector<market::Candle>>(cb));
       }},
  };
}

class HyperliquidFaultMatrix
    : public HyperliquidClientFixture,
      public ::testing::WithParamInterface<std::tuple<std::size_t, Fault>> {};

TEST_P(HyperliquidFaultMatrix, fault_gives_its_typed_error) {
  const auto op = operations()[std::get<0>(GetParam())];
  const Fault fault = std::get<1>(GetParam());
  sim::hyperliquid::SimFault f;
  f.match = op.match;
  switch (fault) {
    case Fault::http_4xx:
      f.reply.status = 400;
      f.reply.body = R"({"code":400,"msg":"Invalid request from the test","data":null})";
      break;
    case Fault::http_429:
      f.reply.status = 429;
      f.reply.headers.push_back({"Retry-After", "7"});
      f.reply.body = "Too Many Requests";
      break;
    case Fault::http_5xx:
      f.reply.status = 502;
      f.reply.body = "Bad Gateway";
      break;
    case Fault::timeout:
      f.process = true;
      f.reply.fault = testsupport::HttpFault::hold;
      break;
    case Fault::malformed:
      f.reply.status = 200;
      f.reply.body = R"({"status":"ok","response":{"type":"order","data":{"statuses":[)";
      break;
    case Fault::truncated:
      f.process = true;
      f.reply.fault = testsupport::HttpFault::truncate_body;
      f.reply.truncate_at = 1;  // every answer is longer than one byte ("[]" included)
      break;
  }
  sim_->push_fault(f);
  std::promise<std::optional<Error>> p;
  auto fut = p.get_future();
  op.run(*client_, btc_, [&p](std::optional<Error> e) { p.set_value(std::move(e)); });
  if (fault == Fault::timeout) {
    ASSERT_TRUE(testsupport::wait_until([&] { return sim_->server().held() == 1; }));
    clock_.advance(kRequestTimeout);
  }
  ASSERT_EQ(fut.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const auto e = fut.get();
  ASSERT_TRUE(e.has_value()) << op.name << " succeeded despite " << name(fault);
  switch (fault) {
    case Fault::http_4xx:
      EXPECT_EQ(e->code, ErrorCode::rejected) << e->to_string();
      EXPECT_EQ(e->venue_code, "400");
      EXPECT_EQ(e->venue_text, "Invalid request from the test");
      EXPECT_EQ(classify(*e), FailureClass::refused_by_venue) << e->to_string();
      break;
    case Fault::http_429:
      EXPECT_EQ(e->code, ErrorCode::rate_limited) << e->to_string();
      EXPECT_EQ(client_->rate_limiter().retry_after_until(), clock_.now() + 7s);
      EXPECT_EQ(classify(*e), FailureClass::refused_before_sending) << e->to_string();
      break;
    case Fault::http_5xx:
      // A 5xx says nothing of what the venue did: outcome unknown (Hyperliquid documents no
      // 5xx body meaning "not processed"), never a refusal that may be re-routed.
      EXPECT_EQ(e->delivery, Delivery::answer_unknown) << e->to_string();
      EXPECT_EQ(classify(*e), FailureClass::outcome_unknown) << e->to_string();
      EXPECT_FALSE(may_fall_back(*e));
      EXPECT_EQ(e->venue_code, "502");
      EXPECT_EQ(e->venue_text, "Bad Gateway");
      break;
    case Fault::timeout:
      EXPECT_EQ(e->code, ErrorCode::timeout) << e->to_string();
      EXPECT_EQ(e->delivery, Delivery::sent_no_answer) << e->to_string();
      EXPECT_EQ(classify(*e), FailureClass::outcome_unknown) << e->to_string();
      sim_->release_held();
      break;
    case Fault::malformed:
    case Fault::truncated:
      EXPECT_EQ(e->code, ErrorCode::protocol) << e->to_string();
      EXPECT_EQ(e->delivery, Delivery::answer_cut) << e->to_string();
      EXPECT_EQ(classify(*e), FailureClass::outcome_unknown) << e->to_string();
      break;
  }
  expect_no_secrets(*e, secrets_of(*sim_, kTestKey));
}

INSTANTIATE_TEST_SUITE_P(Matrix, HyperliquidFaultMatrix,
                         ::testing::Combine(::testing::Range<std::size_t>(0, 9),
                                            ::testing::Values(Fault::http_4xx, Fault::http_429,
                                                              Fault::http_5xx, Fault::timeout,
                                                              Fault::malformed, Fault::truncated)),
                         [](const auto& info) {
                           return operations()[std::get<0>(info.param)].name + "_" +
                                  std::string(name(std::get<1>(info.param)));
                         });

}  // namespace
}  // namespace nzeza::venues::hyperliquid::testing

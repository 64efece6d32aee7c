// The venue test matrix row for Coinbase: every operation (place, cancel, status, open orders,
// fills, balances, metadata, server time) against every fault the simulator can script
// (4xx with a venue code, 429, 5xx, timeout, malformed body, truncated body). Coinbase has no 418
// ban (that is Binance's): that column is N/A. Each cell asserts the failure class the port's
// contract requires (venue_error.hpp: a 5xx, a timeout, an unreadable or cut answer may have
// executed — outcome_unknown, with the transport's delivery kept; a 4xx or 429 is a refusal),
// the error code, that the venue's code and text are kept verbatim, and that no credential is in
// the error's text. The lost-answer cells of place and cancel, resolved by client id, are in
// coinbase_ambiguous_test.cpp.

#include <functional>

#include "coinbase_fixture.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::coinbase::test {
namespace {

using testsupport::HttpFault;
using testsupport::HttpReply;
using testsupport::wait_until;

enum class Op { place, cancel, status, open_orders, fills, balances, metadata, server_time };
enum class Fault { venue_4xx, too_many, server_5xx, timeout, malformed, truncated };

const char* name(Op op) {
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
  return "?";
}
const char* name(Fault f) {
  switch (f) {
    case Fault::venue_4xx:
      return "venue_4xx";
    case Fault::too_many:
      return "http_429";
    case Fault::server_5xx:
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

// The method and path each operation sends (what the fault is scripted on).
std::pair<std::string, std::string> route(Op op) {
  switch (op) {
    case Op::place:
      return {"POST", "/api/v3/brokerage/orders"};
    case Op::cancel:
      return {"POST", "/api/v3/brokerage/orders/batch_cancel"};
    case Op::status:
      return {"GET", "/api/v3/brokerage/orders/historical/"};
    case Op::open_orders:
      return {"GET", "/api/v3/brokerage/orders/historical/batch"};
    case Op::fills:
      return {"GET", "/api/v3/brokerage/orders/historical/fills"};
    case Op::balances:
      return {"GET", "/api/v3/brokerage/accounts"};
    case Op::metadata:
      return {"GET", "/api/v3/brokerage/products"};
    case Op::server_time:
      return {"GET", "/api/v3/brokerage/time"};
  }
  return {};
}

// A body that parses as JSON but that is cut: what a truncated answer would have carried.
constexpr const char* kValidBody = R"({"orders":[],"fills":[],"accounts":[],"products":[],)"
                                   R"("results":[],"success":true,"epochMillis":"1"})";

class CoinbaseMatrix : public CoinbaseClientFixture,
                       public ::testing::WithParamInterface<std::tuple<Op, Fault>> {
 protected:
  // Runs the operation; the error (nullopt on success).
  std::optional<Error> run(Op op) {
    auto err = [](auto r) -> std::optional<Error> {
      if (r.ok()) return std::nullopt;
      return r.error();
    };
    switch (op) {
      case Op::place:
        return err(place(limit("nz-m-1", Side::buy, "0.01", "49000")));
      case Op::cancel:
        return err(await<CancelAck>([&](auto cb) {
          client_->cancel(OrderRef{"venue-id-1", "", btc_}, cb);
        }));
      case Op::status:
        return err(await<VenueOrder>([&](auto cb) {
          client_->order_status(OrderRef{"venue-id-1", "", btc_}, cb);
        }));
      case Op::open_orders:
        return err(
            await<std::vector<VenueOrder>>([&](auto cb) { client_->open_orders(btc_, cb); }));
      case Op::fills:
        return err(await<std::vector<domain::Fill>>(
            [&](auto cb) { client_->fills_since(clock_.now() - 60s, btc_, cb); }));
      case Op::balances:
        return err(await<std::vector<domain::Balance>>([&](auto cb) { client_->balances(cb); }));
      case Op::metadata:
        return err(await<std::vector<Instrument>>([&](auto cb) { client_->load_instruments(cb); }));
      case Op::server_time:
        return err(await<Timestamp>([&](auto cb) { client_->server_time(cb); }));
    }
    return Error(ErrorCode::internal, "test: unknown op");
  }

  // Like run(), for a held answer: waits for the request to be held, then moves the clock past
  // the request deadline.
  std::optional<Error> run_timeout(Op op) {
    std::optional<Error> out;
    std::atomic<bool> done{false};
    std::thread t([&] {
      out = run(op);
      done = true;
    });
    const bool held = wait_until([&] { return sim_->held() == 1; });
    if (held) clock_.advance(kRequestTimeout);
    t.join();
    EXPECT_TRUE(held);
    return out;
  }
};

TEST_P(CoinbaseMatrix, fault_is_classified_and_keeps_the_venue_text) {
  const auto [op, fault] = GetParam();
  const auto [method, path] = route(op);
  HttpReply reply;
  ErrorCode want = ErrorCode::internal;
  FailureClass want_class = FailureClass::outcome_unknown;
  std::optional<Delivery> want_delivery;
  std::string want_code;
  std::string want_text;
  switch (fault) {
    case Fault::venue_4xx:
      reply.status = 400;
      reply.body = R"({"error":"INVALID_ARGUMENT","message":"sim says no","error_details":"x"})";
      want = ErrorCode::rejected;
      want_class = FailureClass::refused_by_venue;
      want_delivery = Delivery::none;
      want_code = "INVALID_ARGUMENT";
      want_text = "sim says no";
      break;
    case Fault::too_many:
      reply.status = 429;
      reply.headers = {{"Retry-After", "2"}};
      reply.body = R"({"error":"RATE_LIMIT_EXCEEDED","message":"Too many requests"})";
      want = ErrorCode::rate_limited;
      want_class = FailureClass::refused_before_sending;
      want_delivery = Delivery::none;
      want_code = "RATE_LIMIT_EXCEEDED";
      want_text = "Too many requests";
      break;
    case Fault::server_5xx:
      reply.status = 503;
      reply.body = "upstream unavailable";
      // Not "unavailable, nothing executed": Coinbase documents no 5xx body code meaning "not
      // processed", so the transport's answer_unknown stands — the request may have executed.
      want = ErrorCode::unavailable;
      want_delivery = Delivery::answer_unknown;
      want_code = "503";
      want_text = "upstream unavailable";
      break;
    case Fault::timeout:
      reply.fault = HttpFault::hold;
      want = ErrorCode::timeout;
      want_delivery = Delivery::sent_no_answer;
      break;
    case Fault::malformed:
      reply.body = "{\"orders\": [ this is not json";
      want = ErrorCode::protocol;
      want_delivery = Delivery::answer_cut;
      break;
    case Fault::truncated:
      reply.body = kValidBody;
      reply.fault = HttpFault::truncate_body;
      reply.truncate_at = 10;
      want = ErrorCode::protocol;
      want_delivery = Delivery::answer_cut;
      break;
  }
  sim_->script({method, path, reply});
  const auto error = fault == Fault::timeout ? run_timeout(op) : run(op);
  ASSERT_TRUE(error.has_value()) << name(op) << " x " << name(fault) << ": succeeded";
  EXPECT_EQ(error->code, want) << error->to_string();
  EXPECT_EQ(classify(*error), want_class) << error->to_string();
  if (want_delivery) {
    EXPECT_EQ(error->delivery, *want_delivery) << error->to_string();
  }
  if (op == Op::place) {
    EXPECT_NE(error->message.find("nz-m-1"), std::string::npos) << error->message;
  }
  expect_no_credentials(*error);
  if (!want_code.empty()) {
    EXPECT_EQ(error->venue_code, want_code);
    EXPECT_EQ(error->venue_text, want_text);
  }
  EXPECT_NE(error->message.find(std::string("coinbase ")), std::string::npos) << error->message;
  if (fault == Fault::too_many) {
    EXPECT_EQ(client_->rate_limiter().retry_after_until(), clock_.now() + 2s);
  }
  EXPECT_EQ(sim_->requests().size(), 1u);  // no retry of anything
  EXPECT_TRUE(sim_->auth_failures().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Row, CoinbaseMatrix,
    ::testing::Combine(::testing::Values(Op::place, Op::cancel, Op::status, Op::open_orders,
                                         Op::fills, Op::balances, Op::metadata, Op::server_time),
                       ::testing::Values(Fault::venue_4xx, Fault::too_many, Fault::server_5xx,
                                         Fault::timeout, Fault::malformed, Fault::truncated)),
    [](const auto& info) {
      return std::string(name(std::get<0>(info.param))) + "_" + name(std::get<1>(info.param));
    });

}  // namespace
}  // namespace nzeza::venues::coinbase::test

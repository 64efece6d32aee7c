// The dYdX row of the operation x fault matrix (docs/testing/venue_dydx.md): every operation
// of the client against every fault of its endpoint — 4xx with the venue's code and text, 429 +
// Retry-After, 418, 5xx, a held answer past the deadline, malformed JSON, a truncated body.
// Each cell first places a resting long-term order (so cancel and status have a real target),
// scripts the fault on the operation's endpoint (the node's broadcast for place and cancel, the
// Indexer path for the reads), and checks the error's code, its delivery and failure class, the
// venue's code and text, the limiter, and that place/cancel errors name the client order id.

#include <future>

#include "client_fixture.hpp"
#include "support/wait.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::dydx::testing {
namespace {

using testsupport::HttpFault;
using testsupport::HttpReply;

enum class Op {
  place,
  cancel,
  status,
  open_orders,
  fills,
  balances,
  positions,
  metadata,
  server_time,
  candles
};
enum class Fault { http_4xx, http_429, http_418, http_5xx, timeout, malformed, truncated };

struct Cell {
  Op op;
  Fault fault;
};

std::string_view op_name(Op op) {
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
    case Op::positions:
      return "positions";
    case Op::metadata:
      return "metadata";
    case Op::server_time:
      return "server_time";
    case Op::candles:
      return "candles";
  }
  return "?";
}

std::string_view fault_name(Fault f) {
  switch (f) {
    case Fault::http_4xx:
      return "4xx_venue_code";
    case Fault::http_429:
      return "429";
    case Fault::http_418:
      return "418";
    case Fault::http_5xx:
      return "5xx";
    case Fault::timeout:
      return "timeout";
    case Fault::malformed:
      return "malformed";
    case Fault::truncated:
      return "truncated";
  }
  return "?";
}

bool mutating(Op op) {
  return op == Op::place || op == Op::cancel;
}

// The request the fault lands on.
std::string endpoint_of(Op op) {
  switch (op) {
    case Op::place:
    case Op::cancel:
      return "broadcast";
    case Op::status:
    case Op::open_orders:
      return "/v4/orders";
    case Op::fills:
      return "/v4/fills";
    case Op::balances:
    case Op::positions:
      return "/v4/addresses";
    case Op::metadata:
      return "/v4/perpetualMarkets";
    case Op::server_time:
      return "/v4/time";
    case Op::candles:
      return "/v4/candles";
  }
  return {};
}

HttpReply reply(unsigned status, std::string body,
                std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpReply r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  r.headers.push_back({"Content-Type", "application/json"});
  return r;
}

// The venue's 4xx for that endpoint: the node's gateway {"code","message"} for a broadcast, the
// Indexer's {"errors":[{"msg"}]} for a read.
HttpReply venue_4xx(Op op) {
  if (mutating(op)) return reply(400, R"({"code":3,"message":"invalid empty tx","details":[]})");
  return reply(400, R"({"errors":[{"value":"x","msg":"address must be a valid dydx address",)"
                    R"("param":"address","location":"query"}]})");
}

HttpReply fault_reply(Op op, Fault f) {
  switch (f) {
    case Fault::http_4xx:
      return venue_4xx(op);
    case Fault::http_429:
      return reply(429, R"({"errors":[{"msg":"Too many requests"}]})", {{"Retry-After", "7"}});
    case Fault::http_418:
      return reply(418, "I'm a teapot");
    case Fault::http_5xx:
      return reply(503, "upstream down");
    case Fault::timeout: {
      HttpReply r;
      r.fault = HttpFault::hold;
      return r;
    }
    case Fault::malformed:
      return reply(200, R"({"tx_response": {"code": 0, "txhash": )");
    case Fault::truncated: {
      HttpReply r = reply(200, R"({"height":"1000000","time":"2026-01-01T00:00:00.000Z"})");
      r.fault = HttpFault::truncate_body;
      r.truncate_at = 9;
      return r;
    }
  }
  return {};
}

std::vector<Cell> all_cells() {
  std::vector<Cell> out;
  for (Op op : {Op::place, Op::cancel, Op::status, Op::open_orders, Op::fills, Op::balances,
                Op::positions, Op::metadata, Op::server_time, Op::candles})
    for (Fault f : {Fault::http_4xx, Fault::http_429, Fault::http_418, Fault::http_5xx,
                    Fault::timeout, Fault::malformed, Fault::truncated})
      out.push_back({op, f});
  return out;
}

class DydxMatrix : public DydxClientFixture, public ::testing::WithParamInterface<Cell> {
 protected:
  // Starts the operation; the future holds its error (nullopt when it succeeded).
  std::future<std::optional<Error>> start(Op op) {
    auto p = std::make_shared<std::promise<std::optional<Error>>>();
    auto f = p->get_future();
    auto done = [p](const auto& r) {
      p->set_value(r.ok() ? std::nullopt : std::optional<Error>(r.error()));
    };
    switch (op) {
      case Op::place: {
        const auto spec = limit(btc_, Side::buy, "0.001", "58000");
        placing_ = spec.client_order_id.text;
        client_->place(spec, [done](Result<PlaceAck> r) { done(r); });
        break;
      }
      case Op::cancel:
        client_->cancel(OrderRef{{}, resting_, btc_}, [done](Result<CancelAck> r) { done(r); });
        break;
      case Op::status:
        client_->order_status(OrderRef{{}, resting_, btc_},
                              [done](Result<VenueOrder> r) { done(r); });
        break;
      case Op::open_orders:
        client_->open_orders(std::nullopt, [done](Result<std::vector<VenueOrder>> r) { done(r); });
        break;
      case Op::fills:
        client_->fills_since(Timestamp::from_seconds(0), std::nullopt,
                             [done](Result<std::vector<domain::Fill>> r) { done(r); });
        break;
      case Op::balances:
        client_->balances([done](Result<std::vector<domain::Balance>> r) { done(r); });
        break;
      case Op::positions:
        client_->positions([done](Result<std::vector<VenuePosition>> r) { done(r); });
        break;
      case Op::metadata:
        client_->load_instruments([done](Result<std::vector<Instrument>> r) { done(r); });
        break;
      case Op::server_time:
        client_->server_time([done](Result<Timestamp> r) { done(r); });
        break;
      case Op::candles:
        client_->candles(btc_, std::chrono::minutes(1), 10,
                         [done](Result<std::vector<market::Candle>> r) { done(r); });
        break;
    }
    return f;
  }

  std::string resting_;  // client id of the order every cell starts with
  std::string placing_;  // client id of the place under test
};

TEST_P(DydxMatrix, fault_is_reported_with_its_class) {
  const Cell cell = GetParam();
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  const auto placed = place(spec);
  ASSERT_TRUE(placed.ok()) << placed.error().to_string();
  resting_ = spec.client_order_id.text;
  const std::size_t broadcasts_before = sim_->broadcasts();

  sim_->push_fault({endpoint_of(cell.op), false, fault_reply(cell.op, cell.fault)});
  const Timestamp t0 = clock_.now();
  auto fut = start(cell.op);
  if (cell.fault == Fault::timeout) {
    ASSERT_TRUE(testsupport::wait_until([&] { return sim_->server().held() == 1; }));
    clock_.advance(kRequestTimeout);  // the request deadline runs on the client's clock
  }
  ASSERT_EQ(fut.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const std::optional<Error> e = fut.get();
  sim_->release_held();
  ASSERT_TRUE(e.has_value()) << "the fault must surface as an error";
  const std::string text = e->to_string();
  EXPECT_EQ(e->message.rfind("dydx ", 0), 0U) << text;
  if (cell.op == Op::cancel) {
    EXPECT_NE(e->message.find("cancel " + resting_), std::string::npos) << text;
  } else if (cell.op == Op::place) {
    EXPECT_NE(e->message.find("place " + placing_), std::string::npos) << text;
  }
  if (mutating(cell.op)) {
    EXPECT_EQ(sim_->broadcasts(), broadcasts_before + 1) << "sent once, never again";
  }

  switch (cell.fault) {
    case Fault::http_4xx:
      EXPECT_EQ(e->code, ErrorCode::rejected) << text;
      EXPECT_EQ(e->delivery, Delivery::none) << text;
      EXPECT_EQ(classify(*e), FailureClass::refused_by_venue) << text;
      if (mutating(cell.op)) {
        EXPECT_EQ(e->venue_code, "3");
        EXPECT_EQ(e->venue_text, "invalid empty tx");
      } else {
        EXPECT_EQ(e->venue_code, "400");
        EXPECT_EQ(e->venue_text, "address must be a valid dydx address");
      }
      break;
    case Fault::http_429:
      EXPECT_EQ(e->code, ErrorCode::rate_limited) << text;
      EXPECT_EQ(classify(*e), FailureClass::refused_before_sending) << text;
      EXPECT_EQ(e->venue_code, "429");
      EXPECT_EQ(e->venue_text, "Too many requests");
      EXPECT_EQ(client_->rate_limiter().retry_after_until(), t0 + 7s);
      break;
    case Fault::http_418:
      // dYdX documents no 418; a proxy's 418 is a complete refusal, read by its HTTP status.
      EXPECT_EQ(e->code, ErrorCode::banned) << text;
      EXPECT_EQ(e->delivery, Delivery::none) << text;
      EXPECT_EQ(e->venue_code, "418");
      EXPECT_EQ(e->venue_text, "I'm a teapot");
      break;
    case Fault::http_5xx:
      EXPECT_EQ(e->code, ErrorCode::unavailable) << text;
      EXPECT_EQ(e->delivery, Delivery::answer_unknown) << text;
      EXPECT_EQ(e->venue_code, "503");
      if (mutating(cell.op)) {
        EXPECT_TRUE(outcome_unknown(*e)) << text;
      }
      break;
    case Fault::timeout:
      EXPECT_EQ(e->code, ErrorCode::timeout) << text;
      EXPECT_EQ(e->delivery, Delivery::sent_no_answer) << text;
      EXPECT_TRUE(outcome_unknown(*e)) << text;
      break;
    case Fault::malformed:
    case Fault::truncated:
      EXPECT_EQ(e->code, ErrorCode::protocol) << text;
      EXPECT_EQ(e->delivery, Delivery::answer_cut) << text;
      EXPECT_TRUE(outcome_unknown(*e)) << text;
      break;
  }
}

INSTANTIATE_TEST_SUITE_P(Cells, DydxMatrix, ::testing::ValuesIn(all_cells()),
                         [](const ::testing::TestParamInfo<Cell>& i) {
                           return std::string(op_name(i.param.op)) + "_" +
                                  std::string(fault_name(i.param.fault));
                         });

}  // namespace
}  // namespace nzeza::venues::dydx::testing

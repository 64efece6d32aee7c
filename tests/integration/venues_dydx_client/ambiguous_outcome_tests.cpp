// The ambiguous-outcome matrix: place and cancel x {connection reset after the node processed the
// broadcast, 5xx after it, answer cut mid-body after it, garbage instead of an answer after it},
// for short-term and long-term (stateful) orders. In every cell the client's error classifies as
// outcome_unknown and names the client id; the order is then resolved by client id once the
// venue's window (RequestValidity) has passed — a place through OrderTracker, a cancel through
// order_status — and found booked / cancelled; and the simulator saw exactly one place (and one
// cancel) for that client id. No error text carries the mnemonic, the key, a signed tx or its
// signature. Also: the sequence-mismatch retry never re-signs a tx whose outcome is unknown.

#include <algorithm>
#include <iomanip>
#include <mutex>
#include <sstream>

#include "client_fixture.hpp"
#include "sim/dydx/verifier.hpp"
#include "support/wait.hpp"
#include "venues/order_tracker.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::dydx::testing {
namespace {

using domain::TimeInForce;
using domain::VenueOrderStatus;
using testsupport::HttpFault;
using testsupport::HttpReply;

enum class Op { place, cancel };
enum class Fault { reset, http_5xx, cut, garbage };
enum class Kind { short_term, long_term };

struct Cell {
  Op op;
  Fault fault;
  Kind kind;
};

std::string name_of(const Cell& c) {
  std::string n = c.op == Op::place ? "place" : "cancel";
  n += c.fault == Fault::reset      ? "_reset_after_processing"
       : c.fault == Fault::http_5xx ? "_5xx_after_processing"
       : c.fault == Fault::cut      ? "_answer_cut_after_processing"
                                    : "_garbage_after_processing";
  n += c.kind == Kind::short_term ? "_short_term" : "_long_term";
  return n;
}

std::vector<Cell> all_cells() {
  std::vector<Cell> out;
  for (Op op : {Op::place, Op::cancel})
    for (Fault f : {Fault::reset, Fault::http_5xx, Fault::cut, Fault::garbage})
      for (Kind k : {Kind::short_term, Kind::long_term}) out.push_back({op, f, k});
  return out;
}

// The node processes the broadcast (the order is booked / cancelled), then answers badly.
sim::dydx::SimFault after_processing(Fault f) {
  HttpReply r;
  switch (f) {
    case Fault::reset:
      r.fault = HttpFault::reset;
      break;
    case Fault::http_5xx:
      r.status = 502;
      r.body = "<html>502 Bad Gateway</html>";
      break;
    case Fault::cut:
      r.fault = HttpFault::truncate_body;
      r.truncate_at = 20;
      break;
    case Fault::garbage:
      r.fault = HttpFault::garbage;
      break;
  }
  return {"broadcast", true, r};
}

std::string hex(const std::vector<std::uint8_t>& bytes, bool upper) {
  std::ostringstream o;
  o << std::hex << std::setfill('0');
  if (upper) o << std::uppercase;
  for (auto b : bytes) o << std::setw(2) << static_cast<int>(b);
  return o.str();
}

class DydxAmbiguousOutcome : public DydxClientFixture {
 protected:
  struct Outcome {
    std::vector<Error> errors;  // every error the client produced in the cell
  };

  // The secrets a leak would show: the mnemonic, the private key, and every signed tx the node
  // saw (base64 as sent, and its signature in hex and base64).
  std::vector<std::string> secrets() const {
    std::vector<std::string> out{std::string(kTestMnemonic),
                                 std::string(kTestMnemonic.substr(0, 17))};
    const auto wallet = Wallet::from_mnemonic(kTestMnemonic).value();
    const auto& key = wallet.private_key_for_tests();
    const std::vector<std::uint8_t> k(key.begin(), key.end());
    out.push_back(hex(k, false));
    out.push_back(hex(k, true));
    for (const auto& req : sim_->server().requests()) {
      const auto at = req.body.find("\"tx_bytes\":\"");
      if (at == std::string::npos) continue;
      const auto start = at + 12;
      const std::string b64 = req.body.substr(start, req.body.find('"', start) - start);
      out.push_back(b64);
      out.push_back(b64.substr(b64.size() - 40));  // the tail: the signature's base64
      auto raw = sim::dydx::base64_decode(b64);
      if (!raw) continue;
      std::string why;
      auto tx = sim::dydx::decode_tx(*raw, why);
      if (!tx) continue;
      out.push_back(hex(tx->signature, false));
      out.push_back(hex(tx->signature, true));
    }
    return out;
  }

  void expect_no_secret(const std::vector<Error>& errors) const {
    const auto s = secrets();
    ASSERT_GT(s.size(), 4U) << "no signed tx seen: the scan would prove nothing";
    for (const auto& e : errors)
      for (const auto& text : {e.message, e.venue_text, e.venue_code, e.to_string()})
        for (const auto& secret : s)
          EXPECT_EQ(text.find(secret), std::string::npos)
              << "error text leaks a secret: " << e.to_string();
  }

  std::unique_ptr<DydxClient> client_for(Kind kind) {
    DydxClientConfig cfg;
    cfg.short_term_limits = kind == Kind::short_term;
    return make(cfg);
  }

  static std::uint32_t id_of(const std::string& text) {
    return static_cast<std::uint32_t>(std::stoul(text));
  }

  std::size_t order_queries() const {
    std::size_t n = 0;
    for (const auto& r : sim_->server().requests())
      if (r.target.rfind("/v4/orders", 0) == 0) ++n;
    return n;
  }

  // Runs one cell and asserts its three promises; returns the errors it saw.
  Outcome run(const Cell& cell) {
    Outcome out;
    auto c = client_for(cell.kind);
    const auto spec = limit(btc_, Side::buy, "0.001", "59000");  // below the oracle: rests
    const std::string cid = spec.client_order_id.text;
    const std::uint32_t id = id_of(cid);
    const RequestValidity validity = c->request_validity();

    if (cell.op == Op::place) {
      OrderTracker tracker(clock_);
      EXPECT_TRUE(tracker.add_client(*c).ok());
      std::mutex mu;
      std::optional<ResolutionEvent> resolved;
      tracker.on_resolution([&](const ResolutionEvent& e) {
        std::lock_guard lock(mu);
        resolved = e;
      });
      sim_->push_fault(after_processing(cell.fault));
      Waiter<PlaceAck> w;
      tracker.place(spec, w.callback());
      const auto r = w.get();
      EXPECT_FALSE(r.ok());
      if (r.ok()) return out;
      out.errors.push_back(r.error());
      EXPECT_EQ(classify(r.error()), FailureClass::outcome_unknown) << r.error().to_string();
      EXPECT_TRUE(may_have_executed(r.error().delivery)) << r.error().to_string();
      EXPECT_NE(r.error().message.find(cid), std::string::npos) << r.error().message;
      const auto orders = sim_->orders();
      EXPECT_TRUE(std::any_of(orders.begin(), orders.end(), [&](const auto& o) {
        return o.client_id == id && o.status == "OPEN";
      })) << "the node booked it";
      // Nothing is asked before the venue's window (and the query lag) has passed.
      const auto queries = order_queries();
      clock_.advance(validity.window + validity.query_lag - 1ms);
      EXPECT_EQ(order_queries(), queries);
      clock_.advance(1ms);
      EXPECT_TRUE(testsupport::wait_until([&] {
        std::lock_guard lock(mu);
        return resolved.has_value();
      }));
      std::lock_guard lock(mu);
      if (!resolved) return out;
      EXPECT_EQ(resolved->resolution, Resolution::found);
      EXPECT_EQ(resolved->client_order_id, cid);
      EXPECT_TRUE(resolved->venue_order.has_value());
      if (resolved->venue_order) {
        EXPECT_EQ(resolved->venue_order->report.status, VenueOrderStatus::open);
      }
      EXPECT_FALSE(tracker.resend_allowed(cid));
      EXPECT_EQ(tracker.sends(cid), 1U);
      EXPECT_EQ(sim_->place_broadcasts(id), 1U) << "never re-sent";
      return out;
    }

    Waiter<PlaceAck> pw;
    c->place(spec, pw.callback());
    const auto placed = pw.get();
    EXPECT_TRUE(placed.ok()) << placed.error().to_string();
    if (!placed.ok()) return out;
    sim_->push_fault(after_processing(cell.fault));
    const Timestamp sent_at = clock_.now();
    Waiter<CancelAck> cw;
    c->cancel(OrderRef{{}, cid, btc_}, cw.callback());
    const auto r = cw.get();
    EXPECT_FALSE(r.ok());
    if (r.ok()) return out;
    out.errors.push_back(r.error());
    EXPECT_EQ(classify(r.error()), FailureClass::outcome_unknown) << r.error().to_string();
    EXPECT_TRUE(may_have_executed(r.error().delivery)) << r.error().to_string();
    EXPECT_NE(r.error().message.find(cid), std::string::npos) << r.error().message;
    // Resolved by client id once the cancel can no longer be accepted.
    clock_.advance((request_expiry(validity, sent_at) + validity.query_lag) - clock_.now());
    Waiter<VenueOrder> sw;
    c->order_status(OrderRef{{}, cid, btc_}, sw.callback());
    const auto st = sw.get();
    EXPECT_TRUE(st.ok()) << st.error().to_string();
    if (!st.ok()) {
      out.errors.push_back(st.error());
      return out;
    }
    EXPECT_EQ(st->report.status, VenueOrderStatus::cancelled);
    EXPECT_EQ(sim_->cancel_broadcasts(id), 1U) << "the cancel was never re-sent";
    EXPECT_EQ(sim_->place_broadcasts(id), 1U);
    return out;
  }
};

class DydxAmbiguousMatrix : public DydxAmbiguousOutcome,
                            public ::testing::WithParamInterface<Cell> {};

TEST_P(DydxAmbiguousMatrix, is_unknown_then_resolved_by_client_id_and_never_resent) {
  const auto out = run(GetParam());
  ASSERT_EQ(out.errors.size(), 1U);
  expect_no_secret(out.errors);
  sim_->release_held();
}

INSTANTIATE_TEST_SUITE_P(Cells, DydxAmbiguousMatrix, ::testing::ValuesIn(all_cells()),
                         [](const ::testing::TestParamInfo<Cell>& i) { return name_of(i.param); });

TEST_F(DydxAmbiguousOutcome, no_error_text_of_the_matrix_carries_a_secret) {
  std::vector<Error> errors;
  for (const auto& cell : all_cells()) {
    auto out = run(cell);
    errors.insert(errors.end(), out.errors.begin(), out.errors.end());
  }
  ASSERT_EQ(errors.size(), all_cells().size());
  expect_no_secret(errors);
}

// The sequence-mismatch retry follows only a complete answer with "sdk" 32. A 5xx whose body
// says "account sequence mismatch" after the node took the tx is unknown, not a mismatch: the
// tx is neither re-signed nor sent again (no client reads error text).
TEST_F(DydxAmbiguousOutcome, sequence_mismatch_text_in_a_5xx_is_unknown_and_never_resigned) {
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  HttpReply r;
  r.status = 500;
  r.body =
      R"({"code":2,"message":"account sequence mismatch, expected 7, got 0: incorrect account sequence","details":[]})";
  sim_->push_fault({"broadcast", true, r});
  const auto ack = place(spec);
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(classify(ack.error()), FailureClass::outcome_unknown) << ack.error().to_string();
  EXPECT_EQ(sim_->place_broadcasts(id_of(spec.client_order_id.text)), 1U);
  EXPECT_EQ(sim_->broadcasts(), 1U);
  EXPECT_EQ(sim_->orders().size(), 1U);
}

// After an unknown outcome the reserved sequence stays taken; if the tx in fact never landed,
// the NEXT order meets a mismatch, and only that next order is re-signed (its own first answer
// was a refusal) — the unknown one is never sent again.
TEST_F(DydxAmbiguousOutcome, mismatch_after_an_unknown_place_resends_only_the_refused_next_one) {
  ASSERT_TRUE(place(limit(btc_, Side::buy, "0.001", "59000")).ok());  // sequence 1 now
  const auto lost = limit(btc_, Side::buy, "0.001", "58000");
  HttpReply reset;
  reset.fault = HttpFault::reset;
  sim_->push_fault({"broadcast", false, reset});  // never reached the chain
  const auto r1 = place(lost);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(classify(r1.error()), FailureClass::outcome_unknown) << r1.error().to_string();
  EXPECT_EQ(client_->sequence(), 2U) << "the unknown tx keeps its sequence";
  const auto next = limit(btc_, Side::buy, "0.001", "57000");
  const auto r2 = place(next);
  ASSERT_TRUE(r2.ok()) << r2.error().to_string();
  EXPECT_EQ(sim_->place_broadcasts(id_of(lost.client_order_id.text)), 1U);
  EXPECT_EQ(sim_->place_broadcasts(id_of(next.client_order_id.text)), 2U);
  ASSERT_EQ(sim_->tx_errors().size(), 1U);
  EXPECT_EQ(sim_->tx_errors()[0].rfind("sdk:32", 0), 0U) << sim_->tx_errors()[0];
}

// A code the docs do not list as "refused before execution" (here "clob" 2004: an IOC/FOK
// already filled) is an answer that does not say what became of the order: unknown.
TEST_F(DydxAmbiguousOutcome, undocumented_tx_code_is_an_unknown_outcome_with_the_code_kept) {
  sim_->fail_next_broadcasts(
      {{"clob", 2004, "IOC/FOK order is already filled, remaining size is cancelled."}});
  const auto spec = limit(btc_, Side::buy, "0.001", "60100", TimeInForce::ioc);
  const auto ack = place(spec);
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(classify(ack.error()), FailureClass::outcome_unknown) << ack.error().to_string();
  EXPECT_EQ(ack.error().venue_code, "clob:2004");
  EXPECT_EQ(ack.error().venue_text,
            "IOC/FOK order is already filled, remaining size is cancelled.");
  EXPECT_NE(ack.error().message.find(spec.client_order_id.text), std::string::npos);
}

// A documented refusal stays a refusal (nothing placed): "clob" 3005, and "sdk" 13.
TEST_F(DydxAmbiguousOutcome, documented_check_tx_codes_are_refusals_by_the_venue) {
  sim_->fail_next_broadcasts({{"sdk", 13, "insufficient fees; got: 0adydx required: 5adydx"}});
  const auto ack = place(limit(btc_, Side::buy, "0.001", "59000"));
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(classify(ack.error()), FailureClass::refused_by_venue) << ack.error().to_string();
  EXPECT_EQ(ack.error().venue_code, "sdk:13");
  EXPECT_EQ(ack.error().delivery, Delivery::none);
}

// A complete 200 answer whose body is not JSON, after the node booked the order: unknown.
TEST_F(DydxAmbiguousOutcome, unreadable_200_answer_after_booking_is_unknown) {
  HttpReply r;
  r.status = 200;
  r.body = "\x01\x02 not json {";
  sim_->push_fault({"broadcast", true, r});
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  const auto ack = place(spec);
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(classify(ack.error()), FailureClass::outcome_unknown) << ack.error().to_string();
  EXPECT_EQ(ack.error().delivery, Delivery::answer_cut);
  const auto st = status(spec.client_order_id.text, btc_);
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(st->report.status, VenueOrderStatus::open);
  EXPECT_EQ(sim_->place_broadcasts(id_of(spec.client_order_id.text)), 1U);
}

// A failure before the tx was written (the height read answered 503, itself answer_unknown) is
// refused before sending: nothing of the order left.
TEST_F(DydxAmbiguousOutcome, failed_height_read_before_a_short_term_place_is_not_sent) {
  HttpReply down;
  down.status = 503;
  down.body = "upstream down";
  sim_->push_fault({"/v4/height", false, down});
  const auto spec = limit(btc_, Side::buy, "0.001", "59000", TimeInForce::ioc);
  const auto ack = place(spec);
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().delivery, Delivery::not_sent);
  EXPECT_TRUE(may_fall_back(ack.error())) << ack.error().to_string();
  EXPECT_NE(ack.error().message.find(spec.client_order_id.text), std::string::npos);
  EXPECT_EQ(sim_->broadcasts(), 0U);
}

}  // namespace
}  // namespace nzeza::venues::dydx::testing

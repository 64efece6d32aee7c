// The whole order transition table: every state × every kind of event, with the expected
// outcome. docs/domain/orders.md prints the same table; a change to one must change the other.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support.hpp"

namespace nzeza::domain::test {
namespace {

enum class Ev {
  submit,
  ack,
  fill,
  cancel_request,
  cancel_rejected,
  cancelled,
  rejected,
  expired,
  timeout,
  report_open,
  report_partial,
  report_filled
};

std::string name(Ev e) {
  static const char* kNames[] = {
      "submit",   "ack",     "fill",    "cancel_request", "cancel_rejected", "cancelled",
      "rejected", "expired", "timeout", "report_open",    "report_partial",  "report_filled"};
  return kNames[static_cast<int>(e)];
}

// An order of quantity 1 driven into `s`; partially_filled has 0.4 filled.
Order order_in(OrderState s) {
  Order o = new_order();
  const auto must = [](auto r) { ASSERT_TRUE(r.ok()) << r.error().message; };
  switch (s) {
    case OrderState::created:
      break;
    case OrderState::submitted:
      must(o.submit(kT));
      break;
    case OrderState::acknowledged:
      must(o.submit(kT));
      must(o.acknowledge("v-1", kT));
      break;
    case OrderState::partially_filled:
      must(o.submit(kT));
      must(o.acknowledge("v-1", kT));
      must(o.apply_fill(fill("t-0", "0.4"_d)));
      break;
    case OrderState::filled:
      must(o.submit(kT));
      must(o.acknowledge("v-1", kT));
      must(o.apply_fill(fill("t-0", "1"_d)));
      break;
    case OrderState::cancel_requested:
      must(o.submit(kT));
      must(o.acknowledge("v-1", kT));
      must(o.request_cancel(kT));
      break;
    case OrderState::cancelled:
      must(o.submit(kT));
      must(o.acknowledge("v-1", kT));
      must(o.request_cancel(kT));
      must(o.mark_cancelled(kT));
      break;
    case OrderState::rejected:
      must(o.submit(kT));
      must(o.mark_rejected("insufficient funds", kT));
      break;
    case OrderState::expired:
      must(o.submit(kT));
      must(o.acknowledge("v-1", kT));
      must(o.mark_expired(kT));
      break;
    case OrderState::unknown:
      must(o.submit(kT));
      must(o.time_out(kT));
      break;
  }
  EXPECT_EQ(o.state(), s);
  return o;
}

Result<OrderTransition> fire(Order& o, Ev e) {
  switch (e) {
    case Ev::submit:
      return o.submit(kT);
    case Ev::ack:
      return o.acknowledge("v-1", kT);
    case Ev::fill:
      return o.apply_fill(fill("t-m", "0.3"_d));
    case Ev::cancel_request:
      return o.request_cancel(kT);
    case Ev::cancel_rejected:
      return o.reject_cancel("too late", kT);
    case Ev::cancelled:
      return o.mark_cancelled(kT);
    case Ev::rejected:
      return o.mark_rejected("post-only would take", kT);
    case Ev::expired:
      return o.mark_expired(kT);
    case Ev::timeout:
      return o.time_out(kT);
    case Ev::report_open:
      return o.apply_report(report(VenueOrderStatus::open, "0"_d));
    case Ev::report_partial:
      return o.apply_report(report(VenueOrderStatus::partially_filled, "0.6"_d));
    case Ev::report_filled:
      return o.apply_report(report(VenueOrderStatus::filled, "1"_d));
  }
  return fail(ErrorCode::internal, "unreachable");
}

struct Row {
  OrderState from;
  Ev event;
  bool accepted;
  OrderState to;  // the resulting state, or for a refusal the state the error must name
};

using S = OrderState;
constexpr bool ok = true;
constexpr bool no = false;

const std::vector<Row> kTable = {
    // new
    {S::created, Ev::submit, ok, S::submitted},
    {S::created, Ev::ack, no, S::acknowledged},
    {S::created, Ev::fill, no, S::partially_filled},
    {S::created, Ev::cancel_request, no, S::cancel_requested},
    {S::created, Ev::cancel_rejected, no, S::cancel_requested},
    {S::created, Ev::cancelled, ok, S::cancelled},
    {S::created, Ev::rejected, ok, S::rejected},
    {S::created, Ev::expired, no, S::expired},
    {S::created, Ev::timeout, no, S::unknown},
    {S::created, Ev::report_open, no, S::acknowledged},
    {S::created, Ev::report_partial, no, S::partially_filled},
    {S::created, Ev::report_filled, no, S::filled},
    // submitted
    {S::submitted, Ev::submit, no, S::submitted},
    {S::submitted, Ev::ack, ok, S::acknowledged},
    {S::submitted, Ev::fill, ok, S::partially_filled},
    {S::submitted, Ev::cancel_request, ok, S::cancel_requested},
    {S::submitted, Ev::cancel_rejected, ok, S::submitted},
    {S::submitted, Ev::cancelled, ok, S::cancelled},
    {S::submitted, Ev::rejected, ok, S::rejected},
    {S::submitted, Ev::expired, ok, S::expired},
    {S::submitted, Ev::timeout, ok, S::unknown},
    {S::submitted, Ev::report_open, ok, S::acknowledged},
    {S::submitted, Ev::report_partial, ok, S::partially_filled},
    {S::submitted, Ev::report_filled, ok, S::filled},
    // acknowledged
    {S::acknowledged, Ev::submit, no, S::submitted},
    {S::acknowledged, Ev::ack, ok, S::acknowledged},
    {S::acknowledged, Ev::fill, ok, S::partially_filled},
    {S::acknowledged, Ev::cancel_request, ok, S::cancel_requested},
    {S::acknowledged, Ev::cancel_rejected, ok, S::acknowledged},
    {S::acknowledged, Ev::cancelled, ok, S::cancelled},
    {S::acknowledged, Ev::rejected, ok, S::rejected},
    {S::acknowledged, Ev::expired, ok, S::expired},
    {S::acknowledged, Ev::timeout, ok, S::unknown},
    {S::acknowledged, Ev::report_open, ok, S::acknowledged},
    {S::acknowledged, Ev::report_partial, ok, S::partially_filled},
    {S::acknowledged, Ev::report_filled, ok, S::filled},
    // partially_filled (0.4 of 1)
    {S::partially_filled, Ev::submit, no, S::submitted},
    {S::partially_filled, Ev::ack, ok, S::partially_filled},
    {S::partially_filled, Ev::fill, ok, S::partially_filled},
    {S::partially_filled, Ev::cancel_request, ok, S::cancel_requested},
    {S::partially_filled, Ev::cancel_rejected, ok, S::partially_filled},
    {S::partially_filled, Ev::cancelled, ok, S::cancelled},
    {S::partially_filled, Ev::rejected, no, S::rejected},
    {S::partially_filled, Ev::expired, ok, S::expired},
    {S::partially_filled, Ev::timeout, ok, S::unknown},
    {S::partially_filled, Ev::report_open, ok, S::partially_filled},
    {S::partially_filled, Ev::report_partial, ok, S::partially_filled},
    {S::partially_filled, Ev::report_filled, ok, S::filled},
    // filled
    {S::filled, Ev::submit, no, S::submitted},
    {S::filled, Ev::ack, ok, S::filled},
    {S::filled, Ev::fill, no, S::filled},  // overfill
    {S::filled, Ev::cancel_request, no, S::cancel_requested},
    {S::filled, Ev::cancel_rejected, ok, S::filled},
    {S::filled, Ev::cancelled, no, S::cancelled},
    {S::filled, Ev::rejected, no, S::rejected},
    {S::filled, Ev::expired, no, S::expired},
    {S::filled, Ev::timeout, ok, S::filled},
    {S::filled, Ev::report_open, ok, S::filled},
    {S::filled, Ev::report_partial, ok, S::filled},
    {S::filled, Ev::report_filled, ok, S::filled},
    // cancel_requested (nothing filled)
    {S::cancel_requested, Ev::submit, no, S::submitted},
    {S::cancel_requested, Ev::ack, ok, S::cancel_requested},
    {S::cancel_requested, Ev::fill, ok, S::cancel_requested},
    {S::cancel_requested, Ev::cancel_request, ok, S::cancel_requested},
    {S::cancel_requested, Ev::cancel_rejected, ok, S::acknowledged},
    {S::cancel_requested, Ev::cancelled, ok, S::cancelled},
    {S::cancel_requested, Ev::rejected, ok, S::rejected},
    {S::cancel_requested, Ev::expired, ok, S::expired},
    {S::cancel_requested, Ev::timeout, ok, S::unknown},
    {S::cancel_requested, Ev::report_open, ok, S::cancel_requested},
    {S::cancel_requested, Ev::report_partial, ok, S::cancel_requested},
    {S::cancel_requested, Ev::report_filled, ok, S::filled},
    // cancelled (nothing filled)
    {S::cancelled, Ev::submit, no, S::submitted},
    {S::cancelled, Ev::ack, ok, S::cancelled},
    {S::cancelled, Ev::fill, ok, S::cancelled},
    {S::cancelled, Ev::cancel_request, no, S::cancel_requested},
    {S::cancelled, Ev::cancel_rejected, ok, S::cancelled},
    {S::cancelled, Ev::cancelled, ok, S::cancelled},
    {S::cancelled, Ev::rejected, no, S::rejected},
    {S::cancelled, Ev::expired, no, S::expired},
    {S::cancelled, Ev::timeout, ok, S::cancelled},
    {S::cancelled, Ev::report_open, no, S::acknowledged},
    {S::cancelled, Ev::report_partial, no, S::partially_filled},
    {S::cancelled, Ev::report_filled, ok, S::filled},
    // rejected
    {S::rejected, Ev::submit, no, S::submitted},
    {S::rejected, Ev::ack, no, S::acknowledged},
    {S::rejected, Ev::fill, no, S::partially_filled},
    {S::rejected, Ev::cancel_request, no, S::cancel_requested},
    {S::rejected, Ev::cancel_rejected, ok, S::rejected},
    {S::rejected, Ev::cancelled, no, S::cancelled},
    {S::rejected, Ev::rejected, ok, S::rejected},
    {S::rejected, Ev::expired, no, S::expired},
    {S::rejected, Ev::timeout, ok, S::rejected},
    {S::rejected, Ev::report_open, no, S::acknowledged},
    {S::rejected, Ev::report_partial, no, S::partially_filled},
    {S::rejected, Ev::report_filled, no, S::filled},
    // expired (nothing filled)
    {S::expired, Ev::submit, no, S::submitted},
    {S::expired, Ev::ack, ok, S::expired},
    {S::expired, Ev::fill, ok, S::expired},
    {S::expired, Ev::cancel_request, no, S::cancel_requested},
    {S::expired, Ev::cancel_rejected, ok, S::expired},
    {S::expired, Ev::cancelled, no, S::cancelled},
    {S::expired, Ev::rejected, no, S::rejected},
    {S::expired, Ev::expired, ok, S::expired},
    {S::expired, Ev::timeout, ok, S::expired},
    {S::expired, Ev::report_open, no, S::acknowledged},
    {S::expired, Ev::report_partial, no, S::partially_filled},
    {S::expired, Ev::report_filled, ok, S::filled},
    // unknown (timed out after submit)
    {S::unknown, Ev::submit, ok, S::submitted},
    {S::unknown, Ev::ack, ok, S::acknowledged},
    {S::unknown, Ev::fill, ok, S::partially_filled},
    {S::unknown, Ev::cancel_request, ok, S::cancel_requested},
    {S::unknown, Ev::cancel_rejected, ok, S::unknown},
    {S::unknown, Ev::cancelled, ok, S::cancelled},
    {S::unknown, Ev::rejected, ok, S::rejected},
    {S::unknown, Ev::expired, ok, S::expired},
    {S::unknown, Ev::timeout, ok, S::unknown},
    {S::unknown, Ev::report_open, ok, S::acknowledged},
    {S::unknown, Ev::report_partial, ok, S::partially_filled},
    {S::unknown, Ev::report_filled, ok, S::filled},
};

class OrderTransitionTable : public ::testing::TestWithParam<Row> {};

TEST_P(OrderTransitionTable, follows_the_documented_table) {
  const Row& row = GetParam();
  Order o = order_in(row.from);
  const Decimal filled_before = o.filled_quantity();
  auto r = fire(o, row.event);
  if (row.accepted) {
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->from, row.from);
    EXPECT_EQ(r->to, row.to);
    EXPECT_EQ(o.state(), row.to);
    EXPECT_LE(o.filled_quantity(), o.spec().quantity);
    if (is_terminal(row.from)) {
      EXPECT_TRUE(is_terminal(o.state()));
    }
  } else {
    ASSERT_FALSE(r.ok()) << "accepted, moved to " << to_string(o.state());
    EXPECT_EQ(r.error().code, ErrorCode::invalid_state);
    // The message names the state the order is in and the state it was refused.
    EXPECT_NE(r.error().message.find(std::string(to_string(row.from))), std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find(std::string(to_string(row.to))), std::string::npos)
        << r.error().message;
    EXPECT_EQ(o.state(), row.from);  // a refused event changes nothing
    EXPECT_EQ(o.filled_quantity(), filled_before);
  }
}

std::string row_name(const ::testing::TestParamInfo<Row>& info) {
  return std::string(to_string(info.param.from)) + "_on_" + name(info.param.event) +
         (info.param.accepted ? "_accepted" : "_refused");
}

INSTANTIATE_TEST_SUITE_P(EveryStateEveryEvent, OrderTransitionTable, ::testing::ValuesIn(kTable),
                         row_name);

TEST(OrderTransitionTableCoverage, lists_every_state_and_event_exactly_once) {
  EXPECT_EQ(kTable.size(), 10u * 12u);
  for (int s = 0; s < 10; ++s) {
    for (int e = 0; e < 12; ++e) {
      int n = 0;
      for (const Row& r : kTable)
        n += (static_cast<int>(r.from) == s && static_cast<int>(r.event) == e);
      EXPECT_EQ(n, 1) << to_string(static_cast<OrderState>(s)) << " " << name(static_cast<Ev>(e));
    }
  }
}

}  // namespace
}  // namespace nzeza::domain::test

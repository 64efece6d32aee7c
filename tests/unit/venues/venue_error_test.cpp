#include "venues/venue_error.hpp"

#include <gtest/gtest.h>

#include "venue_test_support.hpp"
#include "venues/completion.hpp"

namespace nzeza::venues {
namespace {

using testing::Capture;
using testing::FakeVenueClient;

TEST(VenueErrorClassification, refusals_before_sending_allow_fallback) {
  for (ErrorCode c : {ErrorCode::network, ErrorCode::circuit_open, ErrorCode::unavailable,
                      ErrorCode::rate_limited, ErrorCode::banned}) {
    EXPECT_EQ(classify(c), FailureClass::refused_before_sending) << to_string(c);
    EXPECT_TRUE(may_fall_back(Error{c, "x"})) << to_string(c);
    EXPECT_FALSE(outcome_unknown(Error{c, "x"}));
  }
}

TEST(VenueErrorClassification, timeout_protocol_cancelled_internal_are_outcome_unknown) {
  for (ErrorCode c :
       {ErrorCode::timeout, ErrorCode::protocol, ErrorCode::cancelled, ErrorCode::internal}) {
    EXPECT_EQ(classify(c), FailureClass::outcome_unknown) << to_string(c);
    EXPECT_FALSE(may_fall_back(Error{c, "x"})) << to_string(c);
    EXPECT_TRUE(outcome_unknown(Error{c, "x"}));
  }
}

TEST(VenueErrorClassification, venue_refusals_are_final_and_not_rerouted) {
  for (ErrorCode c : {ErrorCode::rejected, ErrorCode::insufficient_balance, ErrorCode::auth_failed,
                      ErrorCode::invalid_argument, ErrorCode::not_found, ErrorCode::precision}) {
    EXPECT_EQ(classify(c), FailureClass::refused_by_venue) << to_string(c);
    EXPECT_FALSE(may_fall_back(Error{c, "x"}));
  }
}

TEST(VenueErrorClassification, venue_error_keeps_the_venue_code_and_text_verbatim) {
  const Error e =
      venue_error(ErrorCode::rejected, Venue::binance, "place", "order 'nz-t1-1' refused", "-2010",
                  "Account has insufficient balance for requested action.");
  EXPECT_EQ(e.code, ErrorCode::rejected);
  EXPECT_EQ(e.message, "binance place: order 'nz-t1-1' refused");
  EXPECT_EQ(e.venue_code, "-2010");
  EXPECT_EQ(e.venue_text, "Account has insufficient balance for requested action.");
  EXPECT_NE(e.to_string().find("-2010"), std::string::npos);
}

TEST(VenueClientDefaults, amend_and_dead_man_switch_answer_unsupported_once) {
  FakeVenueClient client(Venue::binance);
  Capture<PlaceAck> amend;
  client.amend(AmendRequest{}, amend.callback());
  ASSERT_EQ(amend.results.size(), 1u);
  EXPECT_EQ(amend.get().error().code, ErrorCode::invalid_state);
  EXPECT_EQ(amend.get().error().message,
            "binance amend: not supported by this venue (see capabilities())");
  Capture<Timestamp> dms;
  client.set_dead_man_switch(30s, dms.callback());
  ASSERT_EQ(dms.results.size(), 1u);
  EXPECT_EQ(dms.get().error().code, ErrorCode::invalid_state);
}

TEST(VenueClientDefaults, spot_venue_positions_answer_an_empty_list) {
  FakeVenueClient client(Venue::kraken);
  Capture<std::vector<VenuePosition>> got;
  client.positions(got.callback());
  ASSERT_TRUE(got.has());
  EXPECT_TRUE(got.get()->empty());
}

TEST(CompletionGuard, delivers_the_first_result_only) {
  int calls = 0;
  int value = 0;
  Completion<int> c([&](Result<int> r) {
    ++calls;
    value = *r;
  });
  Completion<int> copy = c;
  EXPECT_TRUE(c.complete(7));
  EXPECT_FALSE(copy.complete(8));
  EXPECT_TRUE(copy.done());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(value, 7);
}

TEST(CompletionGuard, dropping_the_last_copy_unanswered_reports_cancelled) {
  std::optional<Error> got;
  {
    Completion<int> c([&](Result<int> r) { got = r.error(); }, "paper place nz-t1-3");
    Completion<int> copy = c;
  }
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->code, ErrorCode::cancelled);
  EXPECT_EQ(got->message,
            "paper place nz-t1-3: abandoned without an answer (shutdown); outcome unknown");
  EXPECT_TRUE(outcome_unknown(*got));
}

}  // namespace
}  // namespace nzeza::venues

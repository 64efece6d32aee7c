#include "venues/venue_error.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

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

// Every ErrorCode, with the class it has when no transport carried the error (Delivery::none).
// Adding a code fails the static_assert below until it is listed here.
const std::vector<std::pair<ErrorCode, FailureClass>>& codes_by_class() {
  using C = ErrorCode;
  using F = FailureClass;
  static const std::vector<std::pair<ErrorCode, FailureClass>> all = {
      {C::invalid_argument, F::refused_by_venue},  {C::parse_error, F::refused_by_venue},
      {C::overflow, F::refused_by_venue},          {C::precision, F::refused_by_venue},
      {C::not_found, F::refused_by_venue},         {C::already_exists, F::refused_by_venue},
      {C::invalid_state, F::refused_by_venue},     {C::timeout, F::outcome_unknown},
      {C::cancelled, F::outcome_unknown},          {C::rate_limited, F::refused_before_sending},
      {C::banned, F::refused_before_sending},      {C::auth_failed, F::refused_by_venue},
      {C::rejected, F::refused_by_venue},          {C::insufficient_balance, F::refused_by_venue},
      {C::risk_refused, F::refused_by_venue},      {C::network, F::refused_before_sending},
      {C::protocol, F::outcome_unknown},           {C::circuit_open, F::refused_before_sending},
      {C::unavailable, F::refused_before_sending}, {C::stale_data, F::refused_by_venue},
      {C::internal, F::outcome_unknown},
  };
  static_assert(static_cast<int>(ErrorCode::internal) == 20, "list the new ErrorCode above");
  return all;
}

constexpr Delivery kDeliveries[] = {Delivery::none, Delivery::not_sent, Delivery::sent_no_answer,
                                    Delivery::answer_cut, Delivery::answer_unknown};
static_assert(static_cast<int>(Delivery::answer_unknown) == 4, "list the new Delivery above");

TEST(VenueErrorClassification, every_code_with_every_delivery_classifies_by_delivery_first) {
  ASSERT_EQ(codes_by_class().size(), 21u);
  for (const auto& [code, by_code] : codes_by_class()) {
    EXPECT_EQ(classify(code), by_code) << to_string(code);
    for (const Delivery delivery : kDeliveries) {
      Error e{code, "x"};
      e.delivery = delivery;
      FailureClass expected = by_code;
      if (delivery == Delivery::not_sent) expected = FailureClass::refused_before_sending;
      if (delivery == Delivery::sent_no_answer || delivery == Delivery::answer_cut ||
          delivery == Delivery::answer_unknown) {
        expected = FailureClass::outcome_unknown;
      }
      const std::string where =
          std::string(to_string(code)) + " / " + std::string(to_string(delivery));
      EXPECT_EQ(classify(e), expected) << where;
      EXPECT_EQ(may_fall_back(e), expected == FailureClass::refused_before_sending) << where;
      EXPECT_EQ(outcome_unknown(e), expected == FailureClass::outcome_unknown) << where;
      EXPECT_EQ(may_have_executed(delivery),
                delivery != Delivery::none && delivery != Delivery::not_sent)
          << where;
    }
  }
}

TEST(VenueErrorClassification, a_network_error_after_the_first_written_byte_is_never_a_fallback) {
  Error reset{ErrorCode::network, "POST https://api.binance.com:443/api/v3/order: reset"};
  EXPECT_TRUE(may_fall_back(reset));  // built by hand, no transport said anything: by code
  reset.delivery = Delivery::sent_no_answer;
  EXPECT_FALSE(may_fall_back(reset));
  EXPECT_TRUE(outcome_unknown(reset));
  Error http_503{ErrorCode::unavailable, "HTTP 503 Service Unavailable", "503", ""};
  http_503.delivery = Delivery::answer_unknown;
  EXPECT_TRUE(outcome_unknown(http_503));
  Error timeout_before_write{ErrorCode::timeout, "no complete response (nothing was sent)"};
  timeout_before_write.delivery = Delivery::not_sent;
  EXPECT_TRUE(may_fall_back(timeout_before_write));
}

TEST(VenueErrorClassification, venue_error_from_a_cause_keeps_code_delivery_and_venue_fields) {
  for (const auto& [code, by_code] : codes_by_class()) {
    for (const Delivery delivery : kDeliveries) {
      Error cause{code, "HTTP 503 Service Unavailable", "503", "{\"code\":-1001}"};
      cause.delivery = delivery;
      const Error e = venue_error(Venue::kraken, "place nz-t1-5", cause);
      const std::string where =
          std::string(to_string(code)) + " / " + std::string(to_string(delivery));
      EXPECT_EQ(e.code, code) << where;
      EXPECT_EQ(e.delivery, delivery) << where;
      EXPECT_EQ(e.venue_code, "503") << where;
      EXPECT_EQ(e.venue_text, "{\"code\":-1001}") << where;
      EXPECT_EQ(e.message, "kraken place nz-t1-5: HTTP 503 Service Unavailable") << where;
      EXPECT_EQ(classify(e), classify(cause)) << where;
    }
  }
}

TEST(VenueErrorClassification, copying_or_prefixing_an_error_keeps_its_delivery) {
  Error cause{ErrorCode::protocol, "response body truncated"};
  cause.delivery = Delivery::answer_cut;
  const Error copy = cause;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(copy.delivery, Delivery::answer_cut);
  EXPECT_EQ(cause.with_context("binance place").delivery, Delivery::answer_cut);
  EXPECT_EQ(Error(cause).with_delivery(Delivery::not_sent).delivery, Delivery::not_sent);
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

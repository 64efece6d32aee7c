// Resolving an unknown outcome by client id (app/order_resolution): a found order ends it at
// once; "not found" counts only after the venue's window, waited on the clock; a failed query
// leaves it unknown. And the redaction every `nzeza order` output line passes through.
#include "app/order_resolution.hpp"

#include <gtest/gtest.h>

#include <future>

#include "app/order_console.hpp"
#include "support/wait.hpp"
#include "unit/venues/venue_test_support.hpp"

namespace nzeza::app {
namespace {

using venues::testing::FakeVenueClient;

venues::VenueOrder order_with(domain::VenueOrderStatus status) {
  venues::VenueOrder o;
  o.client_order_id = "nz-cli-7";
  o.venue_symbol = "BTCUSDT";
  o.report.status = status;
  o.report.venue_order_id = "V7";
  return o;
}

class Resolve : public ::testing::Test {
 protected:
  // Runs the resolution on another thread (it blocks on the clock) and advances the clock once
  // it waits.
  Resolved run(bool place) {
    const venues::OrderRef ref{{}, "nz-cli-7", {}};
    ResolveOptions options;
    options.call_guard = 5s;
    options.on_wait = [this](Timestamp until) { waited_until_ = until; };
    auto resolved = std::async(std::launch::async, [&] {
      return place ? resolve_place(client_, clock_, ref, sent_at_, options)
                   : resolve_cancel(client_, clock_, ref, sent_at_, options);
    });
    while (resolved.wait_for(std::chrono::milliseconds(1)) != std::future_status::ready) {
      if (clock_.pending_timers() > 0) clock_.advance(10s);
    }
    return resolved.get();
  }
  ManualClock clock_;
  Timestamp sent_at_ = clock_.now();
  FakeVenueClient client_{Venue::binance, venues::RequestValidity{5s, 1s}};
  std::optional<Timestamp> waited_until_;
};

TEST_F(Resolve, found_place_is_done_at_once_without_waiting_out_the_window) {
  client_.push_status(order_with(domain::VenueOrderStatus::open));
  const Resolved r = run(true);
  EXPECT_EQ(r.outcome, Resolution::done);
  ASSERT_TRUE(r.order.has_value());
  EXPECT_EQ(r.order->report.venue_order_id, "V7");
  EXPECT_NE(r.summary.find("nz-cli-7"), std::string::npos) << r.summary;
  EXPECT_FALSE(waited_until_.has_value());
  EXPECT_EQ(client_.status_queries.size(), 1u);
  EXPECT_TRUE(client_.placed.empty()) << "resolution never places again";
}

TEST_F(Resolve, place_not_found_after_the_window_is_not_done_and_asked_twice) {
  const Resolved r = run(true);  // the fake answers not_found
  EXPECT_EQ(r.outcome, Resolution::not_done);
  ASSERT_TRUE(waited_until_.has_value());
  EXPECT_EQ(*waited_until_, sent_at_ + 6s) << "window 5 s + query lag 1 s";
  EXPECT_EQ(client_.status_queries.size(), 2u);
  EXPECT_GE(clock_.now(), sent_at_ + 6s);
  EXPECT_NE(r.summary.find("nz-cli-7"), std::string::npos) << r.summary;
  EXPECT_TRUE(client_.placed.empty());
}

TEST_F(Resolve, place_found_only_after_the_window_is_done) {
  client_.status_answers.emplace_back(Error{ErrorCode::not_found, "unknown order"});
  client_.push_status(order_with(domain::VenueOrderStatus::filled));
  const Resolved r = run(true);
  EXPECT_EQ(r.outcome, Resolution::done);
  EXPECT_TRUE(waited_until_.has_value());
}

TEST_F(Resolve, failed_query_leaves_the_place_unknown) {
  client_.status_answers.emplace_back(
      Error{ErrorCode::timeout, "no answer"}.with_delivery(Delivery::sent_no_answer));
  const Resolved r = run(true);
  EXPECT_EQ(r.outcome, Resolution::still_unknown);
  ASSERT_TRUE(r.query_error.has_value());
  EXPECT_NE(r.summary.find("nz-cli-7"), std::string::npos) << r.summary;
}

TEST_F(Resolve, rejected_order_found_is_not_done) {
  client_.push_status(order_with(domain::VenueOrderStatus::rejected));
  EXPECT_EQ(run(true).outcome, Resolution::not_done);
}

TEST_F(Resolve, cancelled_order_resolves_a_cancel_as_done) {
  client_.push_status(order_with(domain::VenueOrderStatus::cancelled));
  const Resolved r = run(false);
  EXPECT_EQ(r.outcome, Resolution::done);
  EXPECT_FALSE(waited_until_.has_value());
}

TEST_F(Resolve, filled_order_means_the_cancel_did_not_apply) {
  client_.push_status(order_with(domain::VenueOrderStatus::filled));
  EXPECT_EQ(run(false).outcome, Resolution::not_done);
}

TEST_F(Resolve, order_still_open_after_the_window_means_the_cancel_did_not_apply) {
  client_.push_status(order_with(domain::VenueOrderStatus::open));
  client_.push_status(order_with(domain::VenueOrderStatus::open));
  const Resolved r = run(false);
  EXPECT_EQ(r.outcome, Resolution::not_done);
  EXPECT_TRUE(waited_until_.has_value());
  EXPECT_EQ(client_.status_queries.size(), 2u);
}

TEST_F(Resolve, cancel_of_an_order_the_venue_does_not_know_stays_unknown) {
  EXPECT_EQ(run(false).outcome, Resolution::still_unknown);
}

TEST(RedactSecrets, signed_query_strings_signatures_keys_and_jwts_never_survive) {
  const std::string text =
      "binance place: POST http://127.0.0.1:1/api/v3/order?symbol=BTCUSDT&timestamp=1&"
      "signature=abcdef0123 failed; body symbol=BTCUSDT&side=BUY&timestamp=17&signature=deadbeef "
      "Authorization: Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl and "
      "{\"action\":{},\"signature\":{\"r\":\"0x12\",\"s\":\"0x34\",\"v\":27},\"nonce\":1} key "
      "0x4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d";
  const std::string out = redact_secrets(text);
  for (const char* secret :
       {"abcdef0123", "deadbeef", "eyJhbGciOiJFUzI1NiJ9", "c2lnbmF0dXJl", "0x12",
        "4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b2"}) {
    EXPECT_EQ(out.find(secret), std::string::npos) << secret << " in: " << out;
  }
  // What a human needs stays: the venue, the operation, the path.
  EXPECT_NE(out.find("binance place: POST http://127.0.0.1:1/api/v3/order"), std::string::npos)
      << out;
}

TEST(RedactSecrets, ordinary_messages_and_client_ids_are_kept_verbatim) {
  for (const char* text : {"kraken place nz-cli-17: EOrder:Insufficient funds [venue EOrder]",
                           "hyperliquid status 0x6e7a636c69000000000001a24ccf1270: not found"}) {
    EXPECT_EQ(redact_secrets(text), text);
  }
}

}  // namespace
}  // namespace nzeza::app

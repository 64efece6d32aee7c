#include "venues/router.hpp"

#include <gtest/gtest.h>

#include "net/circuit_breaker.hpp"
#include "net/connection_status.hpp"
#include "venue_test_support.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues {
namespace {

using testing::Capture;
using testing::codec;
using testing::d;
using testing::FakeVenueClient;
using testing::Markets;

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : router(m.registry, codec(), health) {
    EXPECT_TRUE(router.add_client(binance));
    EXPECT_TRUE(router.add_client(kraken));
    EXPECT_TRUE(router.add_client(paper));
    EXPECT_TRUE(router.add_route({"BTC-USDT", Venue::binance, {Venue::kraken, Venue::paper}}));
    EXPECT_TRUE(router.add_route({"BTC-USD", Venue::kraken, {}}));
  }
  static PlaceIntent intent(const char* symbol, std::uint64_t seq = 42) {
    PlaceIntent i;
    i.canonical = symbol;
    i.sequence = seq;
    i.side = Side::buy;
    i.type = domain::OrderType::limit;
    i.quantity = d("0.5");
    i.price = d("100");
    return i;
  }

  ManualClock clock;
  Markets m;
  VenueHealth health;
  FakeVenueClient binance{Venue::binance};
  FakeVenueClient kraken{Venue::kraken};
  FakeVenueClient paper{Venue::paper};
  Router router;
};

TEST_F(RouterTest, routes_to_the_primary_when_it_is_healthy) {
  Capture<RoutedAck> got;
  router.place(intent("BTC-USDT"), got.callback());
  ASSERT_TRUE(got.get()) << got.get().error().to_string();
  EXPECT_EQ(got.get()->venue, Venue::binance);
  EXPECT_EQ(got.get()->spec.instrument, m.binance_btc_usdt);
  EXPECT_EQ(got.get()->spec.client_order_id.text, "nz-t1-42");
  EXPECT_TRUE(got.get()->skipped.empty());
  EXPECT_EQ(binance.placed.size(), 1u);
  EXPECT_TRUE(kraken.placed.empty());
}

TEST_F(RouterTest, falls_back_when_the_primary_circuit_is_open) {
  net::CircuitBreaker breaker(clock, {1, 30s, 1}, "binance orders");
  ASSERT_TRUE(breaker.allow());
  breaker.record_failure();
  health.watch_circuit(Venue::binance, breaker);
  Capture<RoutedAck> got;
  router.place(intent("BTC-USDT"), got.callback());
  ASSERT_TRUE(got.get());
  EXPECT_EQ(got.get()->venue, Venue::kraken);
  ASSERT_EQ(got.get()->skipped.size(), 1u);
  EXPECT_EQ(got.get()->skipped[0].error.code, ErrorCode::circuit_open);
  EXPECT_TRUE(binance.placed.empty());
}

TEST_F(RouterTest, fallback_reuses_the_sequence_in_the_fallback_venue_id_form) {
  binance.place_answers.push_back(Error{ErrorCode::network, "connect: connection refused"});
  Capture<RoutedAck> got;
  router.place(intent("BTC-USDT", 77), got.callback());
  ASSERT_TRUE(got.get());
  EXPECT_EQ(got.get()->venue, Venue::kraken);
  ASSERT_EQ(binance.placed.size(), 1u);
  ASSERT_EQ(kraken.placed.size(), 1u);
  EXPECT_EQ(binance.placed[0].client_order_id.sequence, 77u);
  EXPECT_EQ(kraken.placed[0].client_order_id.sequence, 77u);
  EXPECT_EQ(binance.placed[0].client_order_id.text, "nz-t1-77");
  EXPECT_EQ(kraken.placed[0].client_order_id.text, codec().encode(Venue::kraken, 77)->text);
  EXPECT_EQ(kraken.placed[0].client_order_id.venue, Venue::kraken);
  EXPECT_EQ(kraken.placed[0].instrument, m.kraken_btc_usdt);
}

TEST_F(RouterTest, never_falls_back_after_a_timeout) {
  binance.place_answers.push_back(Error{ErrorCode::timeout, "binance place: no answer in 10 s"});
  Capture<RoutedAck> got;
  router.place(intent("BTC-USDT"), got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_EQ(got.get().error().code, ErrorCode::timeout);
  EXPECT_FALSE(route_error_kind(got.get().error()).has_value());
  EXPECT_TRUE(kraken.placed.empty());
  EXPECT_TRUE(paper.placed.empty());
}

TEST_F(RouterTest, never_falls_back_after_an_unreadable_answer) {
  binance.place_answers.push_back(Error{ErrorCode::protocol, "truncated body"});
  Capture<RoutedAck> got;
  router.place(intent("BTC-USDT"), got.callback());
  EXPECT_EQ(got.get().error().code, ErrorCode::protocol);
  EXPECT_TRUE(kraken.placed.empty());
}

TEST_F(RouterTest, an_error_after_the_first_written_byte_is_never_rerouted_whatever_its_code) {
  std::uint64_t seq = 100;
  for (const ErrorCode code : {ErrorCode::network, ErrorCode::unavailable, ErrorCode::rate_limited,
                               ErrorCode::banned, ErrorCode::circuit_open, ErrorCode::timeout}) {
    for (const Delivery delivery :
         {Delivery::sent_no_answer, Delivery::answer_cut, Delivery::answer_unknown}) {
      const std::string where =
          std::string(to_string(code)) + " / " + std::string(to_string(delivery));
      binance.place_answers.push_back(
          Error{code, "binance place: connection reset by the server"}.with_delivery(delivery));
      Capture<RoutedAck> got;
      router.place(intent("BTC-USDT", ++seq), got.callback());
      ASSERT_TRUE(got.has()) << where;
      ASSERT_FALSE(got.get()) << where;
      const Error& e = got.get().error();
      EXPECT_EQ(e.code, code) << where;
      EXPECT_EQ(e.delivery, delivery) << where;  // passed on unchanged
      EXPECT_EQ(classify(e), FailureClass::outcome_unknown) << where;
      EXPECT_FALSE(route_error_kind(e).has_value()) << where;
      ASSERT_EQ(binance.placed.size(), seq - 100) << where;
      EXPECT_EQ(binance.placed.back().client_order_id.sequence, seq) << where;
    }
  }
  EXPECT_TRUE(kraken.placed.empty());
  EXPECT_TRUE(paper.placed.empty());
}

TEST_F(RouterTest, a_network_reset_after_the_write_leaves_the_fallback_venue_untouched) {
  binance.place_answers.push_back(
      Error{ErrorCode::network,
            "binance place nz-t1-42: POST https://api.binance.com:443/api/v3/order: connection "
            "reset by the server after the request was written (it may have been executed)"}
          .with_delivery(Delivery::sent_no_answer));
  Capture<RoutedAck> got;
  router.place(intent("BTC-USDT"), got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_TRUE(outcome_unknown(got.get().error()));
  EXPECT_FALSE(may_fall_back(got.get().error()));
  EXPECT_EQ(binance.placed.size(), 1u);
  EXPECT_TRUE(kraken.placed.empty());
  EXPECT_TRUE(paper.placed.empty());
}

TEST_F(RouterTest, a_timeout_before_anything_was_written_falls_back) {
  binance.place_answers.push_back(
      Error{ErrorCode::timeout, "binance place: no complete response within 10s (nothing was sent)"}
          .with_delivery(Delivery::not_sent));
  Capture<RoutedAck> got;
  router.place(intent("BTC-USDT", 8), got.callback());
  ASSERT_TRUE(got.get()) << got.get().error().to_string();
  EXPECT_EQ(got.get()->venue, Venue::kraken);
  ASSERT_EQ(got.get()->skipped.size(), 1u);
  EXPECT_EQ(got.get()->skipped[0].error.delivery, Delivery::not_sent);
  ASSERT_EQ(kraken.placed.size(), 1u);
  EXPECT_EQ(kraken.placed[0].client_order_id.sequence, 8u);
}

TEST_F(RouterTest, a_venue_rejection_is_passed_through_with_its_code) {
  binance.place_answers.push_back(Error{ErrorCode::insufficient_balance, "binance place: funds",
                                        "-2010", "Account has insufficient balance"});
  Capture<RoutedAck> got;
  router.place(intent("BTC-USDT"), got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_EQ(got.get().error().venue_code, "-2010");
  EXPECT_TRUE(kraken.placed.empty());
}

TEST_F(RouterTest, all_unavailable_names_every_venue_and_reason) {
  health.set_enabled(Venue::binance, false, "maintenance");
  health.set_feed_state(Venue::kraken, FeedState::stale);
  paper.place_answers.push_back(Error{ErrorCode::unavailable, "paper place: stopped"});
  Capture<RoutedAck> got;
  router.place(intent("BTC-USDT"), got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_EQ(got.get().error().code, ErrorCode::unavailable);
  EXPECT_EQ(route_error_kind(got.get().error()), RouteErrorKind::all_unavailable);
  EXPECT_EQ(got.get().error().delivery, Delivery::not_sent);
  EXPECT_EQ(got.get().error().message,
            "all unavailable: BTC-USDT: binance: unavailable: venue binance: disabled "
            "(maintenance); kraken: unavailable: venue kraken: market feed is STALE; paper: "
            "unavailable: paper place: stopped");
}

TEST_F(RouterTest, the_only_candidate_unavailable_is_unavailable) {
  net::ConnectionStatus session(clock, "kraken orders", net::ConnectionState::reconnecting);
  health.watch_session(Venue::kraken, session);
  Capture<RoutedAck> got;
  router.place(intent("BTC-USD"), got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_EQ(route_error_kind(got.get().error()), RouteErrorKind::unavailable);
  EXPECT_NE(got.get().error().message.find("order session is RECONNECTING"), std::string::npos);
}

TEST_F(RouterTest, unknown_symbol_is_a_typed_error) {
  Capture<RoutedAck> got;
  router.place(intent("DOGE-USDT"), got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_EQ(got.get().error().code, ErrorCode::not_found);
  EXPECT_EQ(route_error_kind(got.get().error()), RouteErrorKind::unknown_symbol);
}

TEST_F(RouterTest, a_route_to_a_venue_without_client_is_unknown_venue) {
  ASSERT_TRUE(router.add_route({"ETH-USD", Venue::coinbase, {}}));
  Capture<RoutedAck> got;
  router.place(intent("ETH-USD"), got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_EQ(route_error_kind(got.get().error()), RouteErrorKind::unknown_venue);
  EXPECT_NE(got.get().error().message.find("coinbase"), std::string::npos);
}

TEST_F(RouterTest, exits_go_to_the_venue_holding_the_position) {
  router.set_position_locator([](std::string_view symbol) -> std::optional<Venue> {
    if (symbol == "BTC-USDT") return Venue::paper;
    return std::nullopt;
  });
  PlaceIntent exit = intent("BTC-USDT");
  exit.side = Side::sell;
  exit.reduce_only = true;
  Capture<RoutedAck> got;
  router.place(exit, got.callback());
  ASSERT_TRUE(got.get());
  EXPECT_EQ(got.get()->venue, Venue::paper);
  // A spot instrument: no reduce-only flag goes out (spot venues refuse it); the exit is a plain
  // order to the venue holding the position.
  EXPECT_FALSE(got.get()->spec.reduce_only);
  EXPECT_TRUE(binance.placed.empty());
}

TEST_F(RouterTest, an_exit_never_falls_back_when_the_holding_venue_is_down) {
  router.set_position_locator([](std::string_view) { return std::optional<Venue>(Venue::kraken); });
  health.set_enabled(Venue::kraken, false, "down");
  PlaceIntent exit = intent("BTC-USDT");
  exit.reduce_only = true;
  Capture<RoutedAck> got;
  router.place(exit, got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_EQ(route_error_kind(got.get().error()), RouteErrorKind::unavailable);
  EXPECT_TRUE(binance.placed.empty());
  EXPECT_TRUE(paper.placed.empty());
}

TEST_F(RouterTest, an_exit_without_a_position_is_no_position) {
  PlaceIntent exit = intent("BTC-USDT");
  exit.reduce_only = true;
  Capture<RoutedAck> got;
  router.place(exit, got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_EQ(route_error_kind(got.get().error()), RouteErrorKind::no_position);
}

TEST_F(RouterTest, half_open_circuit_lets_the_trial_through) {
  net::CircuitBreaker breaker(clock, {1, 30s, 1}, "binance orders");
  ASSERT_TRUE(breaker.allow());
  breaker.record_failure();
  health.watch_circuit(Venue::binance, breaker);
  clock.advance(31s);
  ASSERT_EQ(breaker.state(), net::CircuitState::half_open);
  Capture<RoutedAck> got;
  router.place(intent("BTC-USDT"), got.callback());
  ASSERT_TRUE(got.get());
  EXPECT_EQ(got.get()->venue, Venue::binance);
}

TEST_F(RouterTest, routes_are_validated) {
  EXPECT_EQ(router.add_route({"BTC-USDT", Venue::kraken, {}}).error().code,
            ErrorCode::already_exists);
  EXPECT_EQ(router.add_route({"X-Y", Venue::kraken, {Venue::kraken}}).error().code,
            ErrorCode::invalid_argument);
  FakeVenueClient again(Venue::binance);
  EXPECT_EQ(router.add_client(again).error().code, ErrorCode::already_exists);
}

TEST_F(RouterTest, orders_are_rounded_for_the_chosen_venue_before_they_are_sent) {
  PlaceIntent i = intent("BTC-USDT");
  i.side = Side::sell;
  i.quantity = d("0.123456");
  i.price = d("100.001");
  Capture<RoutedAck> got;
  router.place(i, got.callback());
  ASSERT_TRUE(got.get());
  ASSERT_EQ(binance.placed.size(), 1u);
  EXPECT_EQ(binance.placed[0].quantity, d("0.1234"));
  EXPECT_EQ(*binance.placed[0].price, d("100.01"));
  EXPECT_EQ(got.get()->spec.quantity, d("0.1234"));  // what the tracker records = what left
}

TEST_F(RouterTest, a_local_precision_refusal_ends_the_routing_without_fallback) {
  PlaceIntent i = intent("BTC-USDT");
  i.quantity = d("0.05");  // 0.05 x 100 = 5 < min notional 10
  Capture<RoutedAck> got;
  router.place(i, got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_EQ(got.get().error().code, ErrorCode::invalid_argument);
  EXPECT_NE(got.get().error().message.find("below the minimum notional 10"), std::string::npos);
  EXPECT_TRUE(binance.placed.empty());
  EXPECT_TRUE(kraken.placed.empty());
}

TEST_F(RouterTest, a_halted_instrument_or_an_unlisted_symbol_is_skipped_like_an_outage) {
  ASSERT_TRUE(router.add_route({"SOL-USDT", Venue::paper, {Venue::binance}}));
  Capture<RoutedAck> got;
  router.place(intent("SOL-USDT"), got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_EQ(route_error_kind(got.get().error()), RouteErrorKind::all_unavailable);
  EXPECT_NE(got.get().error().message.find("instrument status is halted"), std::string::npos);
  EXPECT_NE(got.get().error().message.find("binance does not list SOL-USDT"), std::string::npos);
  EXPECT_TRUE(paper.placed.empty());
}

TEST_F(RouterTest, market_orders_are_checked_at_the_reference_price) {
  router.set_reference_price([](InstrumentId, Side) { return std::optional<Decimal>(d("100")); });
  PlaceIntent i = intent("BTC-USDT");
  i.type = domain::OrderType::market;
  i.price.reset();
  i.quantity = d("0.01");
  Capture<RoutedAck> got;
  router.place(i, got.callback());
  ASSERT_FALSE(got.get());
  EXPECT_NE(got.get().error().message.find("notional 1 (price 100 x size 0.01)"),
            std::string::npos);
  EXPECT_TRUE(binance.placed.empty());
}

TEST_F(RouterTest, balances_are_reported_per_venue_and_per_currency) {
  binance.balances_answer = {*domain::Balance::create("USDT", d("1000"), d("50")),
                             *domain::Balance::create("BTC", d("0.5"))};
  kraken.balances_answer = {*domain::Balance::create("USD", d("2000")),
                            *domain::Balance::create("USDT", d("300"))};
  paper.balances_error = Error{ErrorCode::timeout, "paper balances: no answer"};
  Capture<BalanceReport> got;
  router.balances(got.callback());
  ASSERT_TRUE(got.get());
  const BalanceReport& r = *got.get();
  ASSERT_EQ(r.per_venue.size(), 3u);
  EXPECT_FALSE(r.complete());
  EXPECT_EQ(r.venue(Venue::paper)->error->code, ErrorCode::timeout);
  EXPECT_EQ(r.currency("USDT")->total, d("1350"));
  EXPECT_EQ(r.currency("USD")->total, d("2000"));
  EXPECT_EQ(r.currency("USDC"), nullptr);
}

}  // namespace
}  // namespace nzeza::venues

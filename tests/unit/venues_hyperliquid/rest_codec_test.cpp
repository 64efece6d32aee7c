// The REST answer and user-stream readers (rest_codec.hpp, responses.hpp) on hand-written
// answers: what is a refusal, what is unreadable, what is listed under the venue's own symbol,
// and the inputs the fuzz targets found (a timestamp past Timestamp's range).
#include "venues/hyperliquid/rest_codec.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "hyperliquid_test_support.hpp"
#include "venues/hyperliquid/responses.hpp"

namespace nzeza::venues::hyperliquid::test {
namespace {

namespace json = boost::json;

TEST(HyperliquidRestCodec, unreadable_body_is_protocol_with_answer_cut) {
  const auto r = parse_answer(R"({"status":"ok","resp)", "place 0xabc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::protocol);
  EXPECT_EQ(r.error().delivery, Delivery::answer_cut);
  EXPECT_TRUE(r.error().message.starts_with("hyperliquid place 0xabc: "));
}

TEST(HyperliquidRestCodec, top_level_err_is_a_refusal_with_the_venue_text) {
  const auto r = read_exchange_answer(
      json::parse(R"({"status":"err","response":"Invalid nonce: duplicate nonce 5"})"), "place");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::rejected);
  EXPECT_EQ(r.error().delivery, Delivery::none);
  EXPECT_EQ(r.error().venue_code, "err");
  EXPECT_EQ(r.error().venue_text, "Invalid nonce: duplicate nonce 5");
}

TEST(HyperliquidRestCodec, top_level_err_not_saying_the_action_was_refused_is_outcome_unknown) {
  const auto r = read_exchange_answer(
      json::parse(R"({"status":"err","response":"Internal error while processing action"})"),
      "place 0xabc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::protocol);
  EXPECT_EQ(r.error().delivery, Delivery::answer_unknown);
  EXPECT_EQ(r.error().venue_code, "err");
  EXPECT_EQ(r.error().venue_text, "Internal error while processing action");
  EXPECT_TRUE(r.error().message.starts_with("hyperliquid place 0xabc: "));
}

TEST(HyperliquidRestCodec, top_level_err_kinds_that_say_nothing_ran_are_typed_refusals) {
  const auto code_of = [](std::string_view text) {
    json::object body{{"status", "err"}, {"response", text}};
    const auto r = read_exchange_answer(body, "place");
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error().delivery, Delivery::none) << text;
    return r.error().code;
  };
  EXPECT_EQ(code_of("User or API Wallet 0x12 does not exist."), ErrorCode::auth_failed);
  EXPECT_EQ(code_of("Invalid signature."), ErrorCode::auth_failed);
  EXPECT_EQ(code_of("Too many cumulative requests sent (2 > 1)"), ErrorCode::rate_limited);
  EXPECT_EQ(code_of("Action expired: expiresAfter 5 < 6"), ErrorCode::rejected);
  EXPECT_EQ(code_of("Insufficient margin to place order. asset=0"),
            ErrorCode::insufficient_balance);
}

TEST(HyperliquidRestCodec, per_item_error_carries_the_docs_error_type) {
  const auto r = read_place_status(
      json::parse(R"({"error":"Order must have minimum value of $10. asset=3"})"), "place");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::rejected);
  EXPECT_EQ(r.error().venue_code, "MinTradeNtl");
  const auto c = read_cancel_status(
      json::parse(R"({"error":"Order was never placed, already canceled, or filled. asset=0"})"),
      "cancel");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::not_found);
  EXPECT_EQ(c.error().venue_code, "MissingOrder");
}

TEST(HyperliquidRestCodec, waiting_statuses_are_accepted_and_an_unknown_word_is_unreadable) {
  const auto w = read_place_status(json::value("waitingForFill"), "place");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->kind, PlaceStatus::Kind::waiting);
  const auto u = read_place_status(json::value("success"), "place");
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.error().code, ErrorCode::protocol);  // outcome unknown, never "accepted"
}

TEST(HyperliquidRestCodec, open_orders_on_coins_not_loaded_keep_their_symbol) {
  Registry reg;
  const auto r = read_open_orders(json::parse(R"([
      {"coin":"BTC","side":"B","limitPx":"50000","sz":"0.01","oid":1,"timestamp":1700000000000},
      {"coin":"@107","side":"A","limitPx":"2.5","sz":"4","oid":2,"timestamp":1700000000000}])"),
                                  reg.registry, "openOrders");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 2U);
  EXPECT_EQ((*r)[0].instrument, reg.btc);
  EXPECT_EQ((*r)[0].venue_symbol, "BTC");
  EXPECT_FALSE((*r)[1].instrument.valid());
  EXPECT_EQ((*r)[1].venue_symbol, "@107");
  EXPECT_EQ((*r)[1].side, Side::sell);
}

TEST(HyperliquidRestCodec, a_side_other_than_b_or_a_is_malformed_not_a_sell) {
  Registry reg;
  const auto r =
      read_open_orders(json::parse(R"([{"coin":"BTC","side":"X","limitPx":"1","sz":"1","oid":1}])"),
                       reg.registry, "openOrders");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::protocol);
}

TEST(HyperliquidRestCodec, a_time_past_timestamps_range_is_malformed_not_an_overflow) {
  Registry reg;
  // 9.7e12 ms is past 2262: from_ms would overflow int64 nanoseconds (found by the fuzz target).
  const auto r = read_fills(json::parse(R"([{"coin":"BTC","px":"1","sz":"1","side":"B",
      "time":9700000000000,"oid":1,"tid":2}])"),
                            reg.registry, "userFills");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::protocol);
  const auto m = read_user_message(
      R"({"channel":"orderUpdates","data":[{"order":{"coin":"BTC","side":"A","limitPx":"1.5",
          "sz":"0","oid":5002,"timestamp":9700000000000,"origSz":"20"},"status":"filled"}]})",
      reg.registry);
  EXPECT_TRUE(m.ok);
  ASSERT_EQ(m.orders.size(), 1U);  // the order is delivered; its bad time is left unset
  EXPECT_TRUE(m.orders[0].report.at.is_zero());
  EXPECT_FALSE(parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT").has_value());
  EXPECT_EQ(parse_http_date("Tue, 14 Nov 2023 22:13:20 GMT"), Timestamp::from_seconds(1700000000));
}

TEST(HyperliquidRestCodec, withdrawable_above_account_value_is_capped) {
  const auto m = read_margin_summary(
      json::parse(R"({"marginSummary":{"accountValue":"100"},"withdrawable":"100.01"})"), "bal");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->withdrawable, Decimal::parse("100").value());
}

TEST(HyperliquidRestCodec, user_stream_delivers_coins_not_loaded_and_counts_bad_items) {
  Registry reg;
  const auto m = read_user_message(
      R"({"channel":"userFills","data":{"user":"0x1","fills":[
          {"coin":"@3","px":"0.5","sz":"10","side":"B","time":1700000000000,"oid":1,"tid":9},
          {"coin":"BTC","px":"-1","sz":"1","side":"B","time":1700000000000,"oid":1,"tid":10}]}})",
      reg.registry);
  EXPECT_TRUE(m.ok);
  ASSERT_EQ(m.fills.size(), 1U);
  EXPECT_EQ(m.fills[0].venue_symbol, "@3");
  EXPECT_FALSE(m.fills[0].instrument.valid());
  EXPECT_EQ(m.malformed, 1U);  // a negative price
  EXPECT_FALSE(read_user_message("{not json", reg.registry).ok);
  EXPECT_TRUE(read_user_message("Websocket connection established.", reg.registry).ok);
}

}  // namespace
}  // namespace nzeza::venues::hyperliquid::test

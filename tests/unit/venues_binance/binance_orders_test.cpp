// Trigger orders in Binance's answers (GET /api/v3/order, /api/v3/openOrders, written here in
// Binance's format): a STOP_LOSS keeps its stopPrice and says whether it fired ("isWorking",
// "workingTime"); an order type nzeza does not map (TAKE_PROFIT_LIMIT) is an error naming it,
// never listed as another type.

#include <gtest/gtest.h>

#include <string>

#include "venues/binance/rest_codec.hpp"

namespace nzeza::venues::binance {
namespace {

Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

constexpr Timestamp kNow = Timestamp::from_ms(1'700'000'100'000);

// One order object as GET /api/v3/order answers it. (Appended piece by piece: g++ 12 reports a
// false -Warray-bounds on a long chain of `literal + std::string`.)
std::string order(const char* type, const char* status, const char* price, const char* stop,
                  const char* executed, const char* quote, bool working,
                  std::int64_t working_time) {
  std::string o = R"({"symbol":"BTCUSDT","orderId":4711,"orderListId":-1,)";
  o += R"("clientOrderId":"nz-sl-7","price":")";
  o += price;
  o += R"(","origQty":"0.10000000","executedQty":")";
  o += executed;
  o += R"(","cummulativeQuoteQty":")";
  o += quote;
  o += R"(","status":")";
  o += status;
  o += R"(","timeInForce":"GTC","type":")";
  o += type;
  o += R"(","side":"SELL","stopPrice":")";
  o += stop;
  o += R"(","icebergQty":"0.00000000","time":1700000000000,"updateTime":1700000050000,)";
  o += R"("isWorking":)";
  o += working ? "true" : "false";
  o += R"(,"workingTime":)";
  o += std::to_string(working_time);
  o += R"(,"origQuoteOrderQty":"0.00000000","selfTradePreventionMode":"EXPIRE_MAKER"})";
  return o;
}

TEST(BinanceOrders, stop_loss_not_yet_reached_has_its_stop_price_and_is_not_triggered) {
  InstrumentRegistry registry;
  const auto r = parse_order_answer(order("STOP_LOSS", "NEW", "0.00000000", "49000.00000000",
                                          "0.00000000", "0.00000000", false, -1),
                                    registry, kNow);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->type, domain::OrderType::stop);
  EXPECT_EQ(r->report.status, domain::VenueOrderStatus::open);
  ASSERT_TRUE(r->stop_price.has_value());
  EXPECT_EQ(*r->stop_price, dec("49000"));
  EXPECT_FALSE(r->price.has_value());  // a STOP_LOSS becomes a MARKET order: no limit
  EXPECT_FALSE(r->triggered);
}

TEST(BinanceOrders, stop_loss_that_fired_and_filled_is_triggered_with_its_average_price) {
  InstrumentRegistry registry;
  const auto r = parse_order_answer(order("STOP_LOSS", "FILLED", "0.00000000", "49000.00000000",
                                          "0.10000000", "4899.00000000", true, 1'700'000'040'000),
                                    registry, kNow);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->report.status, domain::VenueOrderStatus::filled);
  EXPECT_EQ(*r->stop_price, dec("49000"));
  EXPECT_TRUE(r->triggered);
  EXPECT_EQ(r->report.average_price, dec("48990"));
}

TEST(BinanceOrders, stop_limit_working_in_the_book_is_triggered_with_limit_and_stop) {
  InstrumentRegistry registry;
  const auto r =
      parse_open_orders("[" +
                            order("STOP_LOSS_LIMIT", "NEW", "48900.00000000", "49000.00000000",
                                  "0.00000000", "0.00000000", true, 1'700'000'040'000) +
                            "]",
                        registry, kNow);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 1U);
  EXPECT_EQ((*r)[0].type, domain::OrderType::stop_limit);
  EXPECT_EQ((*r)[0].price, dec("48900"));
  EXPECT_EQ((*r)[0].stop_price, dec("49000"));
  EXPECT_TRUE((*r)[0].triggered);
}

TEST(BinanceOrders, take_profit_limit_is_an_error_naming_the_type_not_a_stop_limit) {
  InstrumentRegistry registry;
  const auto r = parse_order_answer(order("TAKE_PROFIT_LIMIT", "NEW", "52100.00000000",
                                          "52000.00000000", "0.00000000", "0.00000000", false, -1),
                                    registry, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::protocol);
  EXPECT_NE(r.error().message.find("'TAKE_PROFIT_LIMIT'"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace nzeza::venues::binance

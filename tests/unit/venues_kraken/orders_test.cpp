// rest::parse_order / parse_orders on QueryOrders / OpenOrders answers written here in Kraken's
// shape: the trigger orders nzeza maps keep their trigger price, and an order type it does not
// map (take-profit-limit, trailing-stop, settle-position...) is an error naming the value and
// the order — never listed as another type.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "venues/kraken/rest_codec.hpp"

namespace nzeza::venues::kraken::rest {
namespace {

Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

constexpr InstrumentId kXbtUsd{7};

OrderContext context() {
  OrderContext ctx;
  ctx.resolve = [](std::string_view pair) -> std::optional<InstrumentId> {
    if (pair == "XBTUSD") return kXbtUsd;
    return std::nullopt;
  };
  ctx.now = Timestamp::from_seconds(1'700'000'000);
  return ctx;
}

// One order as QueryOrders lists it.
std::string order(const std::string& ordertype, const char* price, const char* price2) {
  return R"({"refid":null,"userref":0,"cl_ord_id":"","status":"open","opentm":1700000000.1,
    "starttm":0,"expiretm":0,"descr":{"pair":"XBTUSD","type":"sell","ordertype":")" +
         ordertype + R"(","price":")" + price + R"(","price2":")" + price2 +
         R"(","leverage":"none","order":"sell 0.50000000 XBTUSD","close":""},
    "vol":"0.50000000","vol_exec":"0.00000000","cost":"0.00000","fee":"0.00000",
    "price":"0.00000","stopprice":"0.00000","limitprice":"0.00000","misc":"","oflags":"fciq"})";
}

Result<VenueOrder> parse(const std::string& text) {
  return parse_order("QueryOrders", "OABC12-DEF34-GHI567", boost::json::parse(text), context());
}

TEST(KrakenOrders, stop_loss_and_take_profit_keep_their_trigger_price) {
  auto stop = parse(order("stop-loss", "58000.0", "0"));
  ASSERT_TRUE(stop.ok()) << stop.error().to_string();
  EXPECT_EQ(stop->type, domain::OrderType::stop);
  EXPECT_EQ(stop->stop_price, dec("58000.0"));
  EXPECT_FALSE(stop->price.has_value());
  auto tp = parse(order("take-profit", "65000.0", "0"));
  ASSERT_TRUE(tp.ok()) << tp.error().to_string();
  EXPECT_EQ(tp->type, domain::OrderType::take_profit);
  EXPECT_EQ(tp->stop_price, dec("65000.0"));
}

TEST(KrakenOrders, stop_loss_limit_has_its_trigger_in_price_and_its_limit_in_price2) {
  auto r = parse(order("stop-loss-limit", "58000.0", "57900.0"));
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->type, domain::OrderType::stop_limit);
  EXPECT_EQ(r->stop_price, dec("58000.0"));
  EXPECT_EQ(r->price, dec("57900.0"));
  EXPECT_EQ(r->instrument, kXbtUsd);
  EXPECT_EQ(r->side, Side::sell);
}

TEST(KrakenOrders, an_order_type_nzeza_does_not_map_is_an_error_naming_the_value_and_the_order) {
  for (const char* type : {"take-profit-limit", "trailing-stop", "trailing-stop-limit",
                           "settle-position", "iceberg"}) {
    auto r = parse(order(type, "58000.0", "57900.0"));
    ASSERT_FALSE(r.ok()) << type << " was listed as an order of another type";
    EXPECT_EQ(r.error().code, ErrorCode::protocol) << type;
    EXPECT_NE(r.error().message.find(std::string("\"") + type + "\""), std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find("OABC12-DEF34-GHI567"), std::string::npos)
        << r.error().message;
  }
}

TEST(KrakenOrders, open_orders_with_one_unmapped_order_fail_rather_than_drop_or_retype_it) {
  const std::string list = R"({"OAAAAA-AAAAA-AAAAAA":)" + order("limit", "60000.0", "0") +
                           R"(,"OBBBBB-BBBBB-BBBBBB":)" + order("trailing-stop", "+1.0%", "0") +
                           "}";
  const auto parsed = boost::json::parse(list);
  auto r = parse_orders("OpenOrders", &parsed, context());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("\"trailing-stop\""), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("OBBBBB-BBBBB-BBBBBB"), std::string::npos);
}

}  // namespace
}  // namespace nzeza::venues::kraken::rest

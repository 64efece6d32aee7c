// rest_codec: Coinbase REST bodies both ways, with messages written here, exact decimals, and
// every malformed shape refused as protocol (never taken for a refusal).

#include "venues/coinbase/rest_codec.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace nzeza::venues::coinbase {
namespace {

Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

class RestCodec : public ::testing::Test {
 protected:
  void SetUp() override {
    Instrument i;
    i.venue = Venue::coinbase;
    i.canonical = "ETH-USDC";
    i.venue_symbol = "ETH-USDC";
    i.base = "ETH";
    i.quote = "USDC";
    i.tick_size = dec("0.01");
    i.lot_size = dec("0.0001");
    eth_ = registry_.add(i).value();
  }
  domain::OrderSpec spec(domain::OrderType type, domain::TimeInForce tif) const {
    domain::OrderSpec s;
    s.client_order_id = ClientOrderId{Venue::coinbase, 9, "nz-u-9"};
    s.venue = Venue::coinbase;
    s.instrument = eth_;
    s.side = Side::sell;
    s.type = type;
    s.time_in_force = tif;
    s.quantity = dec("1.2500");
    if (type != domain::OrderType::market) s.price = dec("3100.50");
    return s;
  }
  InstrumentRegistry registry_;
  InstrumentId eth_;
};

TEST_F(RestCodec, order_bodies_for_each_supported_type) {
  using domain::OrderType;
  using domain::TimeInForce;
  EXPECT_EQ(*order_request_body(spec(OrderType::market, TimeInForce::ioc), "ETH-USDC"),
            R"({"client_order_id":"nz-u-9","product_id":"ETH-USDC","side":"SELL",)"
            R"("order_configuration":{"market_market_ioc":{"base_size":"1.25"}}})");
  EXPECT_EQ(*order_request_body(spec(OrderType::limit, TimeInForce::fok), "ETH-USDC"),
            R"({"client_order_id":"nz-u-9","product_id":"ETH-USDC","side":"SELL",)"
            R"("order_configuration":{"limit_limit_fok":{"base_size":"1.25",)"
            R"("limit_price":"3100.5"}}})");
  EXPECT_NE(
      order_request_body(spec(OrderType::limit, TimeInForce::ioc), "X")->find("sor_limit_ioc"),
      std::string::npos);
  EXPECT_NE(order_request_body(spec(OrderType::limit, TimeInForce::post_only), "X")
                ->find(R"("post_only":true)"),
            std::string::npos);
  auto stop = spec(OrderType::stop_limit, TimeInForce::gtc);
  stop.stop_price = dec("3000");
  EXPECT_NE(order_request_body(stop, "X")->find(
                R"({"stop_limit_stop_limit_gtc":{"base_size":"1.25","limit_price":"3100.5",)"
                R"("stop_price":"3000","stop_direction":"STOP_DIRECTION_STOP_DOWN"}})"),
            std::string::npos);
  stop.side = Side::buy;
  EXPECT_NE(order_request_body(stop, "X")->find("STOP_DIRECTION_STOP_UP"), std::string::npos);
}

TEST_F(RestCodec, inexpressible_orders_are_refused) {
  using domain::OrderType;
  using domain::TimeInForce;
  EXPECT_FALSE(order_request_body(spec(OrderType::market, TimeInForce::post_only), "X").ok());
  auto stop_ioc = spec(OrderType::stop_limit, TimeInForce::ioc);
  stop_ioc.stop_price = dec("3000");
  EXPECT_FALSE(order_request_body(stop_ioc, "X").ok());
  EXPECT_FALSE(order_request_body(spec(OrderType::take_profit, TimeInForce::gtc), "X").ok());
  auto ro = spec(OrderType::limit, TimeInForce::gtc);
  ro.reduce_only = true;
  EXPECT_EQ(order_request_body(ro, "X").error().code, ErrorCode::invalid_argument);
}

TEST_F(RestCodec, create_order_success_and_every_failure_shape) {
  auto ok =
      parse_create_order(R"({"success":true,"success_response":{"order_id":"abc",)"
                         R"("product_id":"ETH-USDC","side":"SELL","client_order_id":"nz-u-9"}})");
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->success);
  EXPECT_EQ(ok->order_id, "abc");
  auto preview = parse_create_order(
      R"({"success":false,"failure_reason":"UNKNOWN_FAILURE_REASON","error_response":)"
      R"({"error":"UNKNOWN_FAILURE_REASON","message":"bad size","preview_failure_reason":)"
      R"("PREVIEW_INVALID_SIZE_PRECISION"}})");
  ASSERT_TRUE(preview.ok());
  EXPECT_FALSE(preview->success);
  EXPECT_EQ(preview->refusal.code, ErrorCode::precision);
  EXPECT_EQ(preview->refusal.venue_code, "PREVIEW_INVALID_SIZE_PRECISION");
  EXPECT_EQ(preview->refusal.venue_text, "bad size");
  auto new_order = parse_create_order(
      R"({"success":false,"error_response":{"error":"UNKNOWN_FAILURE_REASON","message":"funds",)"
      R"("preview_failure_reason":"UNKNOWN_PREVIEW_FAILURE_REASON",)"
      R"("new_order_failure_reason":"INSUFFICIENT_FUND"}})");
  ASSERT_TRUE(new_order.ok());
  EXPECT_FALSE(new_order->success);
  EXPECT_EQ(new_order->refusal.code, ErrorCode::insufficient_balance);
  EXPECT_EQ(new_order->refusal.venue_code, "INSUFFICIENT_FUND");
  EXPECT_EQ(new_order->refusal.venue_text, "funds");
  auto unknown =
      parse_create_order(R"({"success":false,"error_response":{"error":"UNKNOWN_FAILURE_REASON",)"
                         R"("new_order_failure_reason":"UNKNOWN_FAILURE_REASON"}})");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->refusal.code, ErrorCode::rejected);
  EXPECT_EQ(unknown->refusal.venue_code, "UNKNOWN_FAILURE_REASON");
  auto bare = parse_create_order(R"({"success":false,"failure_reason":"SOMETHING_NEW"})");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->refusal.code, ErrorCode::rejected);
  EXPECT_EQ(bare->refusal.venue_code, "SOMETHING_NEW");
  EXPECT_EQ(parse_create_order("{").error().code, ErrorCode::protocol);
  EXPECT_EQ(parse_create_order(R"({"success":"yes"})").error().code, ErrorCode::protocol);
  EXPECT_EQ(parse_create_order(R"({"success":true})").error().code, ErrorCode::protocol);
  EXPECT_EQ(
      parse_create_order(R"({"success":true,"success_response":{"order_id":""}})").error().code,
      ErrorCode::protocol);
}

TEST_F(RestCodec, error_bodies_of_http_statuses) {
  auto e = parse_error_body(R"({"error":"NOT_FOUND","code":5,"message":"order not found"})");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, ErrorCode::not_found);
  EXPECT_EQ(e->venue_code, "NOT_FOUND");
  EXPECT_EQ(e->venue_text, "order not found");
  EXPECT_FALSE(parse_error_body("Unauthorized").has_value());
  EXPECT_FALSE(parse_error_body("{}").has_value());
}

TEST_F(RestCodec, order_object_reads_exact_figures_and_state) {
  const char* body =
      R"({"order":{"order_id":"o1","product_id":"ETH-USDC","side":"SELL","client_order_id":"nz-u-9",)"
      R"("status":"CANCELLED","time_in_force":"GOOD_UNTIL_CANCELLED","created_time":"2024-01-02T03:04:05Z",)"
      R"("filled_size":"0.3333","average_filled_price":"3100.55","order_type":"LIMIT",)"
      R"("order_configuration":{"limit_limit_gtc":{"base_size":"1.25","limit_price":"3100.50","post_only":true}},)"
      R"("reject_reason":"REJECT_REASON_UNSPECIFIED","reject_message":"","cancel_message":"User requested",)"
      R"("last_fill_time":"2024-01-02T03:05:00.5Z"}})";
  auto o = parse_order(body, registry_);
  ASSERT_TRUE(o.ok()) << o.error().to_string();
  EXPECT_EQ(o->instrument, eth_);
  EXPECT_EQ(o->side, Side::sell);
  EXPECT_EQ(o->quantity, dec("1.25"));
  EXPECT_EQ(o->price, dec("3100.5"));
  EXPECT_EQ(o->time_in_force, domain::TimeInForce::post_only);
  EXPECT_EQ(o->report.status, domain::VenueOrderStatus::cancelled);
  EXPECT_EQ(o->report.cumulative_filled, dec("0.3333"));
  EXPECT_EQ(o->report.average_price, dec("3100.55"));
  EXPECT_EQ(o->report.reason, "User requested");
  EXPECT_EQ(o->report.at, Timestamp::parse_iso8601("2024-01-02T03:05:00.5Z").value());
  for (const char* status : {"OPEN", "FILLED", "EXPIRED", "FAILED", "PENDING", "QUEUED"})
    EXPECT_TRUE(order_status_from(status, Decimal::zero()).ok()) << status;
  EXPECT_EQ(*order_status_from("OPEN", dec("1")), domain::VenueOrderStatus::partially_filled);
  EXPECT_EQ(order_status_from("WEIRD", Decimal::zero()).error().code, ErrorCode::protocol);
  EXPECT_EQ(parse_order(R"({"order":{"order_id":"o1","product_id":"X","side":"BUY",)"
                        R"("status":"OPEN","filled_size":"1.2.3"}})",
                        registry_)
                .error()
                .code,
            ErrorCode::protocol);
  EXPECT_EQ(parse_order(R"({"orders":[]})", registry_).error().code, ErrorCode::protocol);
}

TEST_F(RestCodec, fills_convert_quote_sizes_and_name_the_fee_currency) {
  auto page = parse_fills_page(
      R"({"fills":[{"trade_id":"t1","order_id":"o1","trade_time":"2024-01-02T03:04:05Z",)"
      R"("price":"2500","size":"100","commission":"0.6","product_id":"ETH-USDC",)"
      R"("liquidity_indicator":"MAKER","size_in_quote":true,"side":"BUY"}],"cursor":""})",
      registry_);
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  ASSERT_EQ(page->items.size(), 1u);
  const auto& f = page->items[0].fill;
  EXPECT_EQ(f.quantity, dec("0.04"));
  EXPECT_EQ(f.fee, dec("0.6"));
  EXPECT_EQ(f.fee_currency, "USDC");
  EXPECT_EQ(f.liquidity, domain::Liquidity::maker);
  EXPECT_EQ(f.instrument, eth_);
  EXPECT_FALSE(page->has_next);
  EXPECT_EQ(parse_fills_page(R"({"fills":[{"trade_id":"t1","product_id":"X","side":"BUY",)"
                             R"("price":"1","size":"abc"}]})",
                             registry_)
                .error()
                .code,
            ErrorCode::protocol);
}

TEST_F(RestCodec, accounts_and_products_and_time) {
  auto a = parse_accounts_page(
      R"({"accounts":[{"currency":"USDC","available_balance":{"value":"10.12345678901234567","currency":"USDC"},)"
      R"("hold":{"value":"1","currency":"USDC"}}],"has_next":true,"cursor":"c2"})");
  // 17 decimals do not fit the 16-decimal Decimal: refused, never rounded silently.
  ASSERT_FALSE(a.ok());
  auto b = parse_accounts_page(
      R"({"accounts":[{"currency":"USDC","available_balance":{"value":"10.5","currency":"USDC"},)"
      R"("hold":{"value":"1","currency":"USDC"}}],"has_next":true,"cursor":"c2"})");
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  EXPECT_EQ(b->items[0].available, dec("10.5"));
  EXPECT_EQ(b->items[0].hold, dec("1"));
  EXPECT_TRUE(b->has_next);
  EXPECT_EQ(b->cursor, "c2");

  auto p = parse_products(
      R"({"products":[{"product_id":"ETH-USDC","base_increment":"0.0001","quote_increment":"0.01",)"
      R"("price_increment":"0.01","base_min_size":"0.001","base_max_size":"5000","quote_min_size":"1",)"
      R"("status":"online","cancel_only":false,"trading_disabled":false,"product_type":"SPOT",)"
      R"("base_currency_id":"ETH","quote_currency_id":"USDC","alias":"ETH-USD"},)"
      R"({"product_id":"BIT-PERP","product_type":"FUTURE","base_increment":"1","price_increment":"1"}]})",
      registry_);
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  ASSERT_EQ(p->size(), 1u);  // futures skipped
  EXPECT_EQ((*p)[0].id, eth_);
  EXPECT_EQ((*p)[0].quote, "USDC");
  EXPECT_EQ((*p)[0].lot_size, dec("0.0001"));
  EXPECT_EQ((*p)[0].min_size, dec("0.001"));
  EXPECT_EQ(parse_products(R"({"products":[{"product_id":"A-B","base_increment":"1"}]})", registry_)
                .error()
                .code,
            ErrorCode::protocol);

  EXPECT_EQ(*parse_server_time(R"({"iso":"x","epochSeconds":"1","epochMillis":"1700000000123"})"),
            Timestamp::from_ms(1'700'000'000'123));
  EXPECT_EQ(*parse_server_time(R"({"iso":"2024-01-02T03:04:05Z"})"),
            Timestamp::parse_iso8601("2024-01-02T03:04:05Z").value());
  EXPECT_FALSE(parse_server_time(R"({"epochMillis":"12a"})").ok());
  EXPECT_FALSE(parse_server_time(R"({"epochMillis":"99999999999999999999"})").ok());
}

TEST_F(RestCodec, cancel_and_edit_answers) {
  auto c = parse_cancel_results(
      R"({"results":[{"success":true,"failure_reason":"UNKNOWN_CANCEL_FAILURE_REASON","order_id":"a"},)"
      R"({"success":false,"failure_reason":"UNKNOWN_CANCEL_ORDER","order_id":"b"}]})");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 2u);
  EXPECT_TRUE((*c)[0].success);
  EXPECT_EQ((*c)[1].failure_reason, "UNKNOWN_CANCEL_ORDER");
  EXPECT_EQ(parse_cancel_results(R"({"results":[{"order_id":"a"}]})").error().code,
            ErrorCode::protocol);
  EXPECT_FALSE(parse_edit(R"({"success":true,"errors":[]})")->has_value());
  auto refused =
      parse_edit(R"({"success":false,"errors":[{"edit_failure_reason":"ORDER_NOT_FOUND"}]})");
  ASSERT_TRUE(refused.ok());
  ASSERT_TRUE(refused->has_value());
  EXPECT_EQ((*refused)->code, ErrorCode::not_found);
  EXPECT_EQ(cancel_request_body({"a", "b"}), R"({"order_ids":["a","b"]})");
  EXPECT_EQ(edit_request_body("a", dec("1.5"), std::nullopt), R"({"order_id":"a","price":"1.5"})");
}

}  // namespace
}  // namespace nzeza::venues::coinbase

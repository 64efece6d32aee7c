// Conformance on the public Coinbase REST samples in ../shared/fixtures/coinbase: our request body
// equals the documented limit-GTC request (decimals compared exactly), and every response sample
// is read with the values it carries.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/fixtures.hpp"
#include "venues/coinbase/rest_codec.hpp"
#include "venues/coinbase/user_stream.hpp"

namespace nzeza::venues::coinbase {
namespace {

std::string sample(const char* name) {
  return nzeza::testing::read_file(nzeza::testing::fixtures_dir() / "coinbase" / name);
}
Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

TEST(CoinbaseRestSamples, limit_gtc_request_matches_the_documented_body) {
  NZEZA_REQUIRE_FIXTURES();
  const auto want =
      boost::json::parse(sample("rest_create_order_request_limit_gtc.json")).as_object();
  domain::OrderSpec s;
  s.client_order_id =
      ClientOrderId{Venue::coinbase, 1, std::string(want.at("client_order_id").as_string())};
  s.venue = Venue::coinbase;
  s.side = Side::buy;
  s.type = domain::OrderType::limit;
  s.time_in_force = domain::TimeInForce::post_only;
  s.quantity = dec("0.001");
  s.price = dec("10000.00");
  auto body = order_request_body(s, "BTC-USD");
  ASSERT_TRUE(body.ok());
  const auto got = boost::json::parse(*body).as_object();
  EXPECT_EQ(got.at("client_order_id"), want.at("client_order_id"));
  EXPECT_EQ(got.at("product_id"), want.at("product_id"));
  EXPECT_EQ(got.at("side"), want.at("side"));
  const auto& g = got.at("order_configuration").at("limit_limit_gtc").as_object();
  const auto& w = want.at("order_configuration").at("limit_limit_gtc").as_object();
  EXPECT_EQ(g.size(), w.size());
  for (const char* k : {"base_size", "limit_price"})
    EXPECT_EQ(Decimal::parse(g.at(k).as_string()).value(),
              Decimal::parse(w.at(k).as_string()).value())
        << k;
  EXPECT_EQ(g.at("post_only"), w.at("post_only"));
}

TEST(CoinbaseRestSamples, create_order_answers) {
  NZEZA_REQUIRE_FIXTURES();
  auto ok = parse_create_order(sample("rest_create_order_response_success_SHAPE.json"));
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_TRUE(ok->success);
  EXPECT_EQ(ok->order_id, "<uuid>");
  EXPECT_EQ(ok->client_order_id, "0000-00000-000000");
  auto refused = parse_create_order(sample("rest_create_order_response_failure_SHAPE.json"));
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->success);
  EXPECT_EQ(refused->refusal.code, ErrorCode::insufficient_balance);
  EXPECT_EQ(refused->refusal.venue_code, "INSUFFICIENT_FUND");
  EXPECT_EQ(refused->refusal.venue_text, "Insufficient balance in source account");
}

TEST(CoinbaseRestSamples, cancel_fills_orders_accounts_products) {
  NZEZA_REQUIRE_FIXTURES();
  InstrumentRegistry registry;
  auto cancel = parse_cancel_results(sample("rest_cancel_orders_response_SHAPE.json"));
  ASSERT_TRUE(cancel.ok());
  EXPECT_TRUE((*cancel)[0].success);
  EXPECT_EQ((*cancel)[0].order_id, "<order_id_1>");

  auto fills = parse_fills_page(sample("rest_fills_response.json"), registry);
  ASSERT_TRUE(fills.ok()) << fills.error().to_string();
  ASSERT_EQ(fills->items.size(), 1u);
  const auto& f = fills->items[0].fill;
  EXPECT_EQ(f.trade_id, "19fc7eee-f4b4-40a7-8104-033da1db5311");
  EXPECT_EQ(f.price, dec("0.392"));
  EXPECT_EQ(f.quantity, dec("10"));
  EXPECT_EQ(f.fee, dec("0.03136"));
  EXPECT_EQ(f.fee_currency, "USDT");
  EXPECT_EQ(f.side, Side::sell);
  EXPECT_EQ(fills->items[0].order_id, "01b6e467-b659-432f-9490-c7cefe949564");

  auto batch =
      parse_orders_page(sample("rest_list_orders_historical_batch_response.json"), registry);
  ASSERT_TRUE(batch.ok()) << batch.error().to_string();
  ASSERT_EQ(batch->items.size(), 1u);
  EXPECT_EQ(batch->items[0].report.status, domain::VenueOrderStatus::filled);
  EXPECT_EQ(batch->items[0].report.cumulative_filled, dec("10"));
  EXPECT_EQ(batch->items[0].type, domain::OrderType::market);
  EXPECT_EQ(batch->items[0].time_in_force, domain::TimeInForce::ioc);
  EXPECT_TRUE(batch->has_next);
  EXPECT_EQ(batch->cursor, "748478308");

  auto order = parse_order(sample("nautilus_http_order.json"), registry);
  ASSERT_TRUE(order.ok()) << order.error().to_string();
  EXPECT_EQ(order->client_order_id, "11111-000000-000000");
  EXPECT_EQ(order->report.status, domain::VenueOrderStatus::partially_filled);
  EXPECT_EQ(order->price, dec("10000"));

  auto accounts = parse_accounts_page(sample("nautilus_http_accounts.json"));
  ASSERT_TRUE(accounts.ok()) << accounts.error().to_string();
  ASSERT_EQ(accounts->items.size(), 2u);
  EXPECT_EQ(accounts->items[0].available, dec("1.23456789"));
  EXPECT_EQ(accounts->items[0].hold, dec("0.005"));
  EXPECT_EQ(accounts->items[1].currency, "USD");
  EXPECT_EQ(accounts->items[1].hold, dec("450"));

  auto product = parse_products(sample("nautilus_http_product.json"), registry);
  ASSERT_TRUE(product.ok()) << product.error().to_string();
  ASSERT_EQ(product->size(), 1u);
  const Instrument& btc = (*product)[0];
  EXPECT_EQ(btc.venue_symbol, "BTC-USD");
  EXPECT_EQ(btc.tick_size, dec("0.01"));
  EXPECT_EQ(btc.lot_size, dec("0.00000001"));
  EXPECT_EQ(btc.min_size, dec("0.00000001"));
  EXPECT_EQ(btc.max_size, dec("3400"));
  EXPECT_EQ(btc.min_notional, dec("1"));
  EXPECT_EQ(btc.status, TradingStatus::trading);
  EXPECT_TRUE(btc.validate().ok());
}

TEST(CoinbaseRestSamples, user_channel_snapshot_sample) {
  NZEZA_REQUIRE_FIXTURES();
  InstrumentRegistry registry;
  auto orders = parse_user_message(sample("nautilus_ws_user.json"), registry);
  ASSERT_TRUE(orders.ok()) << orders.error().to_string();
  ASSERT_EQ(orders->size(), 1u);
  const VenueOrder& o = (*orders)[0];
  EXPECT_EQ(o.report.venue_order_id, "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
  EXPECT_EQ(o.client_order_id, "11111-000000-000001");
  EXPECT_EQ(o.side, Side::buy);
  EXPECT_EQ(o.type, domain::OrderType::limit);
  EXPECT_EQ(o.quantity, dec("0.001"));
  EXPECT_EQ(o.report.status, domain::VenueOrderStatus::open);
  EXPECT_EQ(o.report.cumulative_filled, dec("0"));
  EXPECT_FALSE(o.report.average_price.has_value());
  EXPECT_EQ(o.report.at, Timestamp::parse_iso8601("2026-04-07T14:29:55.123456Z").value());
}

}  // namespace
}  // namespace nzeza::venues::coinbase

// Conformance: Binance's documented REST answers (shared fixtures, read in place) served over
// loopback HTTP and read by BinanceClient — place FULL, query, cancel, account, the error
// bodies, and exchangeInfo filters (the documented filter examples inside a symbol entry).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>

#include "common/fixtures.hpp"
#include "core/clock.hpp"
#include "net/net_context.hpp"
#include "support/http_server.hpp"
#include "venues/binance/client.hpp"

namespace nzeza::venues::binance {
namespace {

namespace json = boost::json;
using testsupport::HttpReply;
using testsupport::HttpSeen;

std::string fixture(const char* name) {
  return nzeza::testing::read_file(nzeza::testing::fixtures_dir() / "binance" / name);
}
Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

class BinanceConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    net_.start();
    server_.on_request([this](const HttpSeen& seen) {
      const std::string path = seen.target.substr(0, seen.target.find('?'));
      HttpReply r;
      r.headers.emplace_back("Content-Type", "application/json");
      const std::string key = seen.method + " " + path;
      std::lock_guard lock(mu_);
      auto it = bodies_.find(key);
      if (it == bodies_.end()) {
        r.status = 404;
        r.body = R"({"code":-1000,"msg":"not scripted"})";
      } else {
        r.status = it->second.first;
        r.body = it->second.second;
      }
      return r;
    });
    for (auto [sym, base, quote] :
         {std::tuple{"BTCUSDT", "BTC", "USDT"}, {"LTCBTC", "LTC", "BTC"}}) {
      Instrument i;
      i.venue = Venue::binance;
      i.venue_symbol = sym;
      i.base = base;
      i.quote = quote;
      i.canonical = std::string(base) + "-" + quote;
      i.tick_size = dec("0.00000001");
      i.lot_size = dec("0.00000001");
      ids_[sym] = registry_.add(i).value();
    }
    BinanceConfig c;
    c.base_url = server_.url("/");
    c.api_key = "conformance-key";
    c.request_timeout = 2s;
    client_ = BinanceClient::create(net_, clock_, registry_, c, "conformance-secret").value();
  }
  void TearDown() override {
    client_.reset();
    server_.stop();
    net_.stop();
  }
  void serve(const std::string& endpoint, unsigned status, std::string body) {
    std::lock_guard lock(mu_);
    bodies_[endpoint] = {status, std::move(body)};
  }
  template <typename T, typename Fn>
  Result<T> await(Fn&& fn) {
    auto p = std::make_shared<std::promise<Result<T>>>();
    auto f = p->get_future();
    fn([p](Result<T> r) { p->set_value(std::move(r)); });
    if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
      return Error(ErrorCode::internal, "test: no answer");
    return f.get();
  }
  domain::OrderSpec market_sell() {
    domain::OrderSpec s;
    s.client_order_id = ClientOrderId{Venue::binance, 1, "6gCrw2kRUAF9CvJDGP16IP"};
    s.venue = Venue::binance;
    s.instrument = ids_["BTCUSDT"];
    s.side = Side::sell;
    s.type = domain::OrderType::market;
    s.quantity = dec("10");
    return s;
  }

  ManualClock clock_{Timestamp::from_ms(1'700'000'000'000)};
  net::NetContext net_;
  testsupport::HttpServer server_;
  InstrumentRegistry registry_;
  std::map<std::string, InstrumentId> ids_;
  std::mutex mu_;
  std::map<std::string, std::pair<unsigned, std::string>> bodies_;
  std::unique_ptr<BinanceClient> client_;
};

TEST_F(BinanceConformance, documented_full_place_answer_gives_status_and_every_fill) {
  NZEZA_REQUIRE_FIXTURES();
  serve("POST /api/v3/order", 200, fixture("rest_order_response_full.json"));
  auto ack = await<PlaceAck>([&](auto cb) { client_->place(market_sell(), cb); });
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(ack->venue_order_id, "28");
  EXPECT_EQ(ack->report.status, domain::VenueOrderStatus::filled);
  EXPECT_EQ(ack->report.cumulative_filled, dec("10"));
  EXPECT_EQ(ack->at, Timestamp::from_ms(1507725176595));
  ASSERT_EQ(ack->fills.size(), 5u);
  EXPECT_EQ(ack->fills[1].trade_id, "57");
  EXPECT_EQ(ack->fills[1].price, dec("3999"));
  EXPECT_EQ(ack->fills[1].quantity, dec("5"));
  EXPECT_EQ(ack->fills[1].fee, dec("19.995"));
  EXPECT_EQ(ack->fills[1].fee_currency, "USDT");
  EXPECT_EQ(ack->fills[1].side, Side::sell);
  Decimal total;
  for (const auto& f : ack->fills) total += f.quantity;
  EXPECT_EQ(total, dec("10"));
}

TEST_F(BinanceConformance, documented_query_and_cancel_answers) {
  NZEZA_REQUIRE_FIXTURES();
  serve("GET /api/v3/order", 200, fixture("rest_query_order_response.json"));
  serve("DELETE /api/v3/order", 200, fixture("rest_cancel_response.json"));
  auto st = await<VenueOrder>([&](auto cb) {
    client_->order_status(OrderRef{"", "myOrder1", ids_["LTCBTC"]}, cb);
  });
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(st->client_order_id, "myOrder1");
  EXPECT_EQ(st->report.venue_order_id, "1");
  EXPECT_EQ(st->report.status, domain::VenueOrderStatus::open);
  EXPECT_EQ(st->quantity, dec("1"));
  EXPECT_EQ(*st->price, dec("0.1"));
  EXPECT_EQ(st->report.at, Timestamp::from_ms(1499827319559));
  auto c = await<CancelAck>([&](auto cb) {
    client_->cancel(OrderRef{"", "myOrder1", ids_["LTCBTC"]}, cb);
  });
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->client_order_id, "myOrder1");  // origClientOrderId, not "cancelMyOrder1"
  EXPECT_EQ(c->venue_order_id, "4");
  EXPECT_EQ(c->report.status, domain::VenueOrderStatus::cancelled);
}

TEST_F(BinanceConformance, documented_account_answer_gives_free_and_locked) {
  NZEZA_REQUIRE_FIXTURES();
  serve("GET /api/v3/account", 200, fixture("rest_account_response.json"));
  auto b = await<std::vector<domain::Balance>>([&](auto cb) { client_->balances(cb); });
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  ASSERT_EQ(b->size(), 2u);
  EXPECT_EQ((*b)[0].currency(), "BTC");
  EXPECT_EQ((*b)[0].available(), dec("4723846.89208129"));
  EXPECT_EQ((*b)[0].locked(), dec("0"));
  EXPECT_EQ((*b)[1].currency(), "LTC");
}

TEST_F(BinanceConformance, documented_error_bodies_keep_code_and_text) {
  NZEZA_REQUIRE_FIXTURES();
  serve("GET /api/v3/openOrders", 400, fixture("rest_error_generic.json"));
  serve("DELETE /api/v3/order", 400, fixture("rest_error_cancel_restrictions.json"));
  auto o = await<std::vector<VenueOrder>>([&](auto cb) { client_->open_orders(std::nullopt, cb); });
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(o.error().venue_code, "-1121");
  EXPECT_EQ(o.error().venue_text, "Invalid symbol.");
  auto c = await<CancelAck>([&](auto cb) {
    client_->cancel(OrderRef{"4", "", ids_["LTCBTC"]}, cb);
  });
  ASSERT_FALSE(c.ok());
  // Not "unknown order": the order exists, the cancel was refused.
  EXPECT_EQ(c.error().code, ErrorCode::rejected);
  EXPECT_EQ(c.error().venue_code, "-2011");
  EXPECT_EQ(c.error().venue_text, "Order was not canceled due to cancel restrictions.");
}

TEST_F(BinanceConformance, documented_filter_examples_give_tick_lot_and_min_notional) {
  NZEZA_REQUIRE_FIXTURES();
  // The documented filters (and rate limits) as an exchangeInfo answer for one symbol.
  const auto examples = json::parse(fixture("exchangeInfo_filters_examples.json")).as_array();
  json::array filters;
  json::array limits;
  for (const auto& e : examples)
    (e.as_object().contains("filterType") ? filters : limits).push_back(e);
  json::object sym{{"symbol", "LTCBTC"},
                   {"status", "TRADING"},
                   {"baseAsset", "LTC"},
                   {"quoteAsset", "BTC"},
                   {"filters", filters}};
  serve("GET /api/v3/exchangeInfo", 200,
        json::serialize(json::object{{"timezone", "UTC"},
                                     {"serverTime", 1700000000000},
                                     {"rateLimits", limits},
                                     {"symbols", json::array{sym}}}));
  auto r = await<std::vector<Instrument>>([&](auto cb) { client_->load_instruments(cb); });
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 1u);
  const Instrument& i = (*r)[0];
  EXPECT_EQ(i.id, ids_["LTCBTC"]);
  EXPECT_EQ(i.tick_size, dec("0.000001"));
  EXPECT_EQ(i.lot_size, dec("0.001"));
  EXPECT_EQ(i.min_size, dec("0.001"));
  EXPECT_EQ(i.max_size, dec("100000"));
  // MIN_NOTIONAL 0.001 and NOTIONAL 10: the stricter one applies.
  EXPECT_EQ(i.min_notional, dec("10"));
}

}  // namespace
}  // namespace nzeza::venues::binance

// The factory (credentials file → client) and the private `user` channel against the
// simulator's WebSocket: order updates pushed, fills fetched once per trade id, the
// subscription's JWT verified by the simulator.

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "coinbase_fixture.hpp"
#include "venues/coinbase/factory.hpp"
#include "venues/coinbase/user_stream.hpp"

namespace nzeza::venues::coinbase::test {
namespace {

using testsupport::wait_until;

class CoinbaseFactoryStream : public CoinbaseClientFixture {
 protected:
  void TearDown() override {
    if (made_) {
      if (auto* s = made_->private_stream()) s->stop();
      made_.reset();
    }
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    CoinbaseClientFixture::TearDown();
  }
  // Writes a 0600 credentials file, the PEM's newlines written as "\n" on one line.
  void write_credentials(const std::string& name, const std::string& private_key) {
    path_ = std::filesystem::temp_directory_path() /
            ("nzeza-coinbase-test-" + std::to_string(::getpid()) + ".cred");
    std::string one_line;
    for (const char c : private_key) {
      if (c == '\n')
        one_line += "\\n";
      else
        one_line.push_back(c);
    }
    std::ofstream(path_) << "api_key_name = " << name << "\napi_private_key = " << one_line << "\n";
    ::chmod(path_.c_str(), 0600);
  }
  Result<std::unique_ptr<VenueClient>> build(std::string ws_url) {
    ClientOptions o;
    o.base_url = sim_->base_url();
    o.ws_url = std::move(ws_url);
    o.credentials.file = path_;
    o.credentials.use_environment = false;
    o.request_timeout = kRequestTimeout;
    ClientDeps d{&net_, &clock_, &registry_};
    return make_client(o, d);
  }

  std::filesystem::path path_;
  std::unique_ptr<VenueClient> made_;
};

TEST_F(CoinbaseFactoryStream, factory_refuses_missing_credentials_naming_the_field) {
  path_ = std::filesystem::temp_directory_path() / "nzeza-coinbase-test-empty.cred";
  std::ofstream(path_) << "api_key_name = organizations/x/apiKeys/y\n";
  ::chmod(path_.c_str(), 0600);
  auto r = build("");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("api_private_key"), std::string::npos) << r.error().message;
}

TEST_F(CoinbaseFactoryStream, factory_refuses_an_unreadable_key_without_printing_it) {
  write_credentials(kKeyName, "not-a-key-at-all");
  auto r = build("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message.find("not-a-key-at-all"), std::string::npos);
}

TEST_F(CoinbaseFactoryStream, factory_client_trades_with_a_one_line_pem_from_the_file) {
  write_credentials(kKeyName, key_.private_key);
  auto r = build("");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  made_ = std::move(r).value();
  EXPECT_EQ(made_->venue(), Venue::coinbase);
  EXPECT_FALSE(made_->capabilities().private_stream);  // a simulator URL and no ws_url
  EXPECT_EQ(made_->private_stream(), nullptr);
  auto ack = await<PlaceAck>(
      [&](auto cb) { made_->place(limit("nz-f-1", Side::buy, "0.01", "49000"), cb); });
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_TRUE(sim_->auth_failures().empty());
}

TEST_F(CoinbaseFactoryStream, user_channel_pushes_orders_and_each_fill_once) {
  write_credentials(kKeyName, key_.private_key);
  auto r = build(sim_->ws_url());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  made_ = std::move(r).value();
  ASSERT_TRUE(made_->capabilities().private_stream);
  std::mutex mu;
  std::vector<VenueOrder> orders;
  std::vector<domain::Fill> fills;
  PrivateStreamHandlers h;
  h.on_order = [&](const VenueOrder& o) {
    std::lock_guard lock(mu);
    orders.push_back(o);
  };
  h.on_fill = [&](const domain::Fill& f) {
    std::lock_guard lock(mu);
    fills.push_back(f);
  };
  made_->private_stream()->start(h);
  ASSERT_TRUE(wait_until([&] { return sim_->ws_subscriptions() == 1; }));
  EXPECT_TRUE(sim_->auth_failures().empty());

  auto ack = await<PlaceAck>(
      [&](auto cb) { made_->place(limit("nz-s-1", Side::buy, "0.02", "49000"), cb); });
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu);
    return !orders.empty();
  }));
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(orders[0].client_order_id, "nz-s-1");
    EXPECT_EQ(orders[0].report.venue_order_id, ack->venue_order_id);
    EXPECT_EQ(orders[0].report.status, domain::VenueOrderStatus::open);
    EXPECT_EQ(orders[0].quantity, dec("0.02"));
    EXPECT_EQ(orders[0].instrument, btc_);
  }
  ASSERT_TRUE(sim_->fill(ack->venue_order_id, dec("0.005")));
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu);
    return fills.size() == 1;
  }));
  ASSERT_TRUE(sim_->fill(ack->venue_order_id, dec("0.015")));
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu);
    return fills.size() == 2 && orders.size() == 3;
  }));
  std::lock_guard lock(mu);
  EXPECT_EQ(orders[1].report.status, domain::VenueOrderStatus::partially_filled);
  EXPECT_EQ(orders[1].report.cumulative_filled, dec("0.005"));
  EXPECT_EQ(orders[2].report.status, domain::VenueOrderStatus::filled);
  EXPECT_EQ(orders[2].report.average_price, dec("49000"));
  EXPECT_EQ(fills[0].quantity, dec("0.005"));
  EXPECT_EQ(fills[1].quantity, dec("0.015"));
  EXPECT_NE(fills[0].trade_id, fills[1].trade_id);
  EXPECT_EQ(fills[0].client_order_id, "nz-s-1");
  EXPECT_EQ(fills[1].liquidity, domain::Liquidity::maker);
  // The same trade ids as the REST fills: the two sources never double count.
  auto rest = await<std::vector<domain::Fill>>(
      [&](auto cb) { made_->fills_since(clock_.now() - 60s, btc_, cb); });
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].trade_id, fills[0].trade_id);
  EXPECT_EQ((*rest)[1].trade_id, fills[1].trade_id);
}

TEST_F(CoinbaseFactoryStream,
       user_channel_delivers_fills_sharing_a_trade_id_on_two_products_and_each_fill_once) {
  sim_->set_trade_ids_per_product(true);
  write_credentials(kKeyName, key_.private_key);
  auto r = build(sim_->ws_url());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  made_ = std::move(r).value();
  std::mutex mu;
  std::vector<domain::Fill> fills;
  PrivateStreamHandlers h;
  h.on_fill = [&](const domain::Fill& f) {
    std::lock_guard lock(mu);
    fills.push_back(f);
  };
  made_->private_stream()->start(h);
  ASSERT_TRUE(wait_until([&] { return sim_->ws_subscriptions() == 1; }));
  auto btc = await<PlaceAck>(
      [&](auto cb) { made_->place(limit("nz-t-1", Side::buy, "0.02", "49000"), cb); });
  ASSERT_TRUE(btc.ok()) << btc.error().to_string();
  auto eth_order = limit("nz-t-2", Side::buy, "0.5", "2900");
  eth_order.instrument = eth_;
  auto eth = await<PlaceAck>([&](auto cb) { made_->place(eth_order, cb); });
  ASSERT_TRUE(eth.ok()) << eth.error().to_string();
  auto count = [&] {
    std::lock_guard lock(mu);
    return fills.size();
  };
  ASSERT_TRUE(sim_->fill(btc->venue_order_id, dec("0.005")));  // BTC-USD trade "1"
  ASSERT_TRUE(wait_until([&] { return count() == 1; }));
  ASSERT_TRUE(sim_->fill(eth->venue_order_id, dec("0.5")));  // ETH-USD trade "1"
  ASSERT_TRUE(wait_until([&] { return count() == 2; }));
  // BTC-USD trade "2": its order's fills are fetched again and delivered as one batch with
  // trade "1" among them, which is not delivered twice.
  ASSERT_TRUE(sim_->fill(btc->venue_order_id, dec("0.015")));
  ASSERT_TRUE(wait_until([&] { return count() == 3; }));
  std::lock_guard lock(mu);
  ASSERT_EQ(fills.size(), 3u);
  EXPECT_EQ(fills[0].trade_id, "1");
  EXPECT_EQ(fills[0].venue_symbol, "BTC-USD");
  EXPECT_EQ(fills[1].trade_id, "1");
  EXPECT_EQ(fills[1].venue_symbol, "ETH-USD");
  EXPECT_EQ(fills[2].trade_id, "2");
  EXPECT_EQ(fills[2].quantity, dec("0.015"));
}

TEST_F(CoinbaseFactoryStream, user_channel_resubscribes_with_a_fresh_jwt_after_a_drop) {
  write_credentials(kKeyName, key_.private_key);
  auto r = build(sim_->ws_url());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  made_ = std::move(r).value();
  std::atomic<int> connected{0};
  PrivateStreamHandlers h;
  h.on_state = [&](net::ConnectionState s) {
    if (s == net::ConnectionState::connected) ++connected;
  };
  made_->private_stream()->start(h);
  ASSERT_TRUE(wait_until([&] { return sim_->ws_subscriptions() == 1; }));
  // Let the first token's whole window pass (the simulator sends no heartbeats, so the idle
  // check may reconnect on the way: each reconnect subscribes with a token of its own time).
  clock_.advance(125s);
  std::size_t before = sim_->ws_subscriptions();
  (void)wait_until([&] { return sim_->ws_subscriptions() > before; },
                   std::chrono::milliseconds(50));
  before = sim_->ws_subscriptions();
  sim_->drop_user_sessions();
  for (int i = 0; i < 200 && sim_->ws_subscriptions() <= before; ++i) {
    clock_.advance(100ms);  // the reconnect backoff runs on the clock
    (void)wait_until([&] { return sim_->ws_subscriptions() > before; },
                     std::chrono::milliseconds(5));
  }
  EXPECT_GT(sim_->ws_subscriptions(), before);
  EXPECT_TRUE(sim_->auth_failures().empty())
      << (sim_->auth_failures().empty() ? "" : sim_->auth_failures()[0]);
  EXPECT_GE(connected.load(), 2);
}

TEST_F(CoinbaseFactoryStream, user_channel_subscription_with_a_foreign_key_is_refused) {
  const KeyPair other = generate_key(/*ed25519=*/true);
  write_credentials(kKeyName, other.private_key);
  auto r = build(sim_->ws_url());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  made_ = std::move(r).value();
  made_->private_stream()->start({});
  ASSERT_TRUE(wait_until([&] { return !sim_->auth_failures().empty(); }));
  EXPECT_EQ(sim_->ws_subscriptions(), 0u);
  EXPECT_EQ(sim_->auth_failures()[0].substr(0, 4), "ws: ");
}

TEST(CoinbaseUserMessage, reads_the_public_sample_shape_and_ignores_other_channels) {
  InstrumentRegistry registry;
  const std::string msg =
      R"({"channel":"user","client_id":"","timestamp":"2026-04-07T14:30:06Z","sequence_num":1,)"
      R"("events":[{"type":"update","orders":[{"order_id":"o-1","client_order_id":"nz-a-1",)"
      R"("cumulative_quantity":"0.004","leaves_quantity":"0.006","avg_price":"68900.5",)"
      R"("total_fees":"1.1","status":"OPEN","product_id":"BTC-USD",)"
      R"("creation_time":"2026-04-07T14:29:55.123456Z","order_side":"SELL","order_type":"Limit",)"
      R"("cancel_reason":"","reject_reason":"","time_in_force":"GOOD_UNTIL_CANCELLED"}]}]})";
  auto r = parse_user_message(msg, registry);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 1u);
  const auto& o = (*r)[0];
  EXPECT_EQ(o.client_order_id, "nz-a-1");
  EXPECT_EQ(o.side, Side::sell);
  EXPECT_EQ(o.quantity, dec("0.01"));
  EXPECT_EQ(o.report.status, domain::VenueOrderStatus::partially_filled);
  EXPECT_EQ(o.report.average_price, dec("68900.5"));
  EXPECT_FALSE(o.instrument.valid());  // not in the registry: kept, with the venue's symbol
  EXPECT_EQ(o.venue_symbol, "BTC-USD");
  auto hb = parse_user_message(R"({"channel":"heartbeats","events":[]})", registry);
  ASSERT_TRUE(hb.ok());
  EXPECT_TRUE(hb->empty());
  auto bad =
      parse_user_message(R"({"channel":"user","events":[{"orders":[{"order_id":"x",)"
                         R"("order_side":"BUY","status":"OPEN","cumulative_quantity":"1e"}]}]})",
                         registry);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::protocol);
}

}  // namespace
}  // namespace nzeza::venues::coinbase::test

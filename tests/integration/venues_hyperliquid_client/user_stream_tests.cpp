// The private stream (orderUpdates + userFills) against the simulator's user WebSocket: acks,
// cancels and fills pushed as VenueOrder / Fill, the userFills snapshot after subscribing, the
// 50 s application ping, orders and fills on coins not loaded delivered (never dropped), and
// malformed messages counted and skipped.

#include <mutex>
#include <vector>

#include "client_fixture.hpp"
#include "venues/hyperliquid/user_stream.hpp"

namespace nzeza::venues::hyperliquid::testing {
namespace {

using domain::VenueOrderStatus;

class HyperliquidUserStreamTest : public HyperliquidClientFixture {
 protected:
  void SetUp() override {
    HyperliquidClientFixture::SetUp();
    HyperliquidClientConfig cfg;
    cfg.ws_url = sim_->ws_url();
    // Same key as the fixture's client: only this one sends actions (one nonce source).
    ws_client_ = make(kTestKey, cfg);
  }
  void TearDown() override {
    ws_client_.reset();
    HyperliquidClientFixture::TearDown();
  }
  void start() {
    PrivateStreamHandlers h;
    h.on_order = [this](const VenueOrder& o) {
      std::lock_guard lock(mu_);
      orders_.push_back(o);
    };
    h.on_fill = [this](const domain::Fill& f) {
      std::lock_guard lock(mu_);
      fills_.push_back(f);
    };
    ws_client_->private_stream()->start(h);
    ASSERT_TRUE(testsupport::wait_until([&] { return sim_->ws_subscriptions() == 2; }));
  }
  std::size_t order_count() {
    std::lock_guard lock(mu_);
    return orders_.size();
  }
  std::size_t fill_count() {
    std::lock_guard lock(mu_);
    return fills_.size();
  }
  Result<PlaceAck> ws_place(const domain::OrderSpec& s) {
    Waiter<PlaceAck> w;
    ws_client_->place(s, w.callback());
    return w.get();
  }

  std::unique_ptr<HyperliquidClient> ws_client_;
  std::mutex mu_;
  std::vector<VenueOrder> orders_;
  std::vector<domain::Fill> fills_;
};

TEST_F(HyperliquidUserStreamTest, subscribes_order_updates_and_user_fills_for_the_account) {
  ASSERT_TRUE(ws_client_->capabilities().private_stream);
  start();
  const auto msgs = sim_->ws_server().messages();
  ASSERT_GE(msgs.size(), 2U);
  EXPECT_EQ(msgs[0], R"({"method":"subscribe","subscription":{"type":"orderUpdates","user":")" +
                         ws_client_->user_address() + R"("}})");
  EXPECT_EQ(msgs[1], R"({"method":"subscribe","subscription":{"type":"userFills","user":")" +
                         ws_client_->user_address() + R"("}})");
  EXPECT_EQ(client_->private_stream(), nullptr);  // no ws_url: no stream
}

TEST_F(HyperliquidUserStreamTest, resting_order_and_its_cancel_arrive_as_venue_orders) {
  start();
  const auto spec = limit(btc_, Side::buy, "0.001", "59000");
  const auto ack = ws_place(spec);
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  ASSERT_TRUE(testsupport::wait_until([&] { return order_count() == 1; }));
  {
    std::lock_guard lock(mu_);
    EXPECT_EQ(orders_[0].client_order_id, spec.client_order_id.text);
    EXPECT_EQ(orders_[0].report.status, VenueOrderStatus::open);
    EXPECT_EQ(orders_[0].report.venue_order_id, ack->venue_order_id);
    EXPECT_EQ(orders_[0].instrument, btc_);
  }
  Waiter<CancelAck> w;
  ws_client_->cancel(OrderRef{ack->venue_order_id, "", btc_}, w.callback());
  ASSERT_TRUE(w.get().ok());
  ASSERT_TRUE(testsupport::wait_until([&] { return order_count() == 2; }));
  std::lock_guard lock(mu_);
  EXPECT_EQ(orders_[1].report.status, VenueOrderStatus::cancelled);
  EXPECT_EQ(orders_[1].report.reason, "canceled");
}

TEST_F(HyperliquidUserStreamTest, a_fill_arrives_with_its_trade_id_and_the_order_as_filled) {
  start();
  const auto spec = limit(eth_, Side::sell, "0.01", "2990", domain::TimeInForce::ioc);
  ASSERT_TRUE(ws_place(spec).ok());
  ASSERT_TRUE(testsupport::wait_until([&] { return fill_count() == 1 && order_count() == 1; }));
  std::lock_guard lock(mu_);
  EXPECT_EQ(fills_[0].trade_id, std::to_string(sim_->fills(ws_client_->user_address())[0].tid));
  EXPECT_EQ(fills_[0].client_order_id, spec.client_order_id.text);
  EXPECT_EQ(fills_[0].side, Side::sell);
  EXPECT_EQ(fills_[0].price, Decimal::parse("3000").value());
  EXPECT_EQ(fills_[0].quantity, Decimal::parse("0.01").value());
  EXPECT_EQ(orders_[0].report.status, VenueOrderStatus::filled);
}

TEST_F(HyperliquidUserStreamTest, fills_made_before_subscribing_come_in_the_snapshot) {
  ASSERT_TRUE(ws_place(limit(btc_, Side::buy, "0.001", "61000", domain::TimeInForce::ioc)).ok());
  start();
  ASSERT_TRUE(testsupport::wait_until([&] { return fill_count() == 1; }));
  std::lock_guard lock(mu_);
  EXPECT_EQ(fills_[0].instrument, btc_);
}

TEST_F(HyperliquidUserStreamTest, orders_and_fills_on_coins_not_loaded_are_delivered_not_dropped) {
  start();
  sim::hyperliquid::SimOrder spot;
  spot.coin = "@107";
  spot.limit_px = Decimal::parse("25.5").value();
  spot.orig_sz = spot.sz = Decimal::parse("3").value();
  spot.cloid = "0x0000000000000000000000000000f107";
  spot.tif = "Gtc";
  const auto oid = sim_->inject_order(ws_client_->user_address(), spot);
  sim::hyperliquid::SimFill f;
  f.coin = "SOL";
  f.px = Decimal::parse("180").value();
  f.sz = Decimal::parse("1").value();
  f.oid = 42;
  sim_->inject_fill(ws_client_->user_address(), f);
  ASSERT_TRUE(testsupport::wait_until([&] { return order_count() == 1 && fill_count() == 1; }));
  std::lock_guard lock(mu_);
  EXPECT_FALSE(orders_[0].instrument.valid());
  EXPECT_EQ(orders_[0].venue_symbol, "@107");
  EXPECT_EQ(orders_[0].client_order_id, spot.cloid);
  EXPECT_EQ(orders_[0].report.venue_order_id, std::to_string(oid));
  EXPECT_FALSE(fills_[0].instrument.valid());
  EXPECT_EQ(fills_[0].venue_symbol, "SOL");
  EXPECT_EQ(fills_[0].price, Decimal::parse("180").value());
  auto* stream = dynamic_cast<HyperliquidUserStream*>(ws_client_->private_stream());
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(stream->malformed(), 0U);
}

TEST_F(HyperliquidUserStreamTest, pings_every_50_seconds_and_ignores_the_pong) {
  start();
  clock_.advance(50s);
  ASSERT_TRUE(testsupport::wait_until([&] {
    for (const auto& m : sim_->ws_server().messages()) {
      if (m == R"({"method":"ping"})") return true;
    }
    return false;
  }));
  auto* stream = dynamic_cast<HyperliquidUserStream*>(ws_client_->private_stream());
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(stream->malformed(), 0U);
  EXPECT_EQ(stream->state(), net::ConnectionState::connected);
}

TEST_F(HyperliquidUserStreamTest, malformed_messages_are_counted_and_skipped) {
  auto* stream = dynamic_cast<HyperliquidUserStream*>(ws_client_->private_stream());
  ASSERT_NE(stream, nullptr);
  EXPECT_TRUE(stream->handle_message("Websocket connection established."));
  EXPECT_FALSE(stream->handle_message("{not json"));
  EXPECT_FALSE(stream->handle_message(R"({"channel":"orderUpdates","data":{}})"));
  EXPECT_TRUE(stream->handle_message(
      R"({"channel":"orderUpdates","data":[{"order":{"coin":"BTC","side":"B"},"status":"open"}]})"));
  EXPECT_TRUE(stream->handle_message(R"({"channel":"pong"})"));
  EXPECT_EQ(stream->malformed(), 3U);
}

}  // namespace
}  // namespace nzeza::venues::hyperliquid::testing

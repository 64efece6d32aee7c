// The user data stream (WS-API userDataStream.subscribe.signature) against the simulator: the
// signed subscribe is verified by the simulator's own HMAC; executionReport becomes VenueOrder
// (+ Fill on a trade) and outboundAccountPosition becomes Balance.
#include <vector>

#include "binance_fixture.hpp"
#include "venues/binance/user_stream.hpp"

namespace nzeza::venues::binance::test {
namespace {

using testsupport::wait_until;

class BinanceUserStreamTest : public BinanceClientFixture {
 protected:
  void start_stream() {
    PrivateStreamHandlers h;
    h.on_order = [this](const VenueOrder& o) {
      std::lock_guard lock(mu_);
      orders_.push_back(o);
    };
    h.on_fill = [this](const domain::Fill& f) {
      std::lock_guard lock(mu_);
      fills_.push_back(f);
    };
    h.on_balance = [this](const domain::Balance& b) {
      std::lock_guard lock(mu_);
      balances_.push_back(b);
    };
    ASSERT_NE(client_->private_stream(), nullptr);
    client_->private_stream()->start(h);
    ASSERT_TRUE(wait_until([&] { return client_->user_stream().subscribed(); }));
  }
  void TearDown() override {
    if (client_) client_->private_stream()->stop();
    BinanceClientFixture::TearDown();
  }
  std::size_t count_orders() {
    std::lock_guard lock(mu_);
    return orders_.size();
  }
  std::mutex mu_;
  std::vector<VenueOrder> orders_;
  std::vector<domain::Fill> fills_;
  std::vector<domain::Balance> balances_;
};

TEST_F(BinanceUserStreamTest, signed_subscribe_is_accepted_by_the_venue) {
  start_stream();
  EXPECT_EQ(sim_->stream_subscriptions(), 1);
  EXPECT_EQ(sim_->bad_signatures(), 0);
  const auto msgs = sim_->ws().messages();
  ASSERT_FALSE(msgs.empty());
  EXPECT_NE(msgs[0].find("\"method\":\"userDataStream.subscribe.signature\""), std::string::npos);
  EXPECT_TRUE(client_->capabilities().private_stream);
}

TEST_F(BinanceUserStreamTest, order_ack_trade_and_balances_are_pushed) {
  start_stream();
  ASSERT_TRUE(place(limit("nz-ws-1", Side::sell, "0.4", "51000")).ok());
  ASSERT_TRUE(wait_until([&] { return count_orders() >= 1; }));
  ASSERT_TRUE(sim_->fill("nz-ws-1", dec("0.1")));
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu_);
    return !fills_.empty() && orders_.size() >= 2;
  }));
  std::lock_guard lock(mu_);
  EXPECT_EQ(orders_[0].client_order_id, "nz-ws-1");
  EXPECT_EQ(orders_[0].report.status, domain::VenueOrderStatus::open);
  EXPECT_EQ(orders_[0].instrument, btc_);
  EXPECT_EQ(orders_[0].quantity, dec("0.4"));
  const auto& f = fills_[0];
  EXPECT_EQ(f.client_order_id, "nz-ws-1");
  EXPECT_EQ(f.quantity, dec("0.1"));
  EXPECT_EQ(f.price, dec("51000"));
  EXPECT_EQ(f.liquidity, domain::Liquidity::maker);
  EXPECT_EQ(f.fee, dec("5.1"));
  EXPECT_EQ(f.fee_currency, "USDT");
  EXPECT_EQ(orders_.back().report.status, domain::VenueOrderStatus::partially_filled);
  EXPECT_EQ(orders_.back().report.cumulative_filled, dec("0.1"));
  ASSERT_FALSE(balances_.empty());
  bool saw_btc = false;
  for (const auto& b : balances_)
    if (b.currency() == "BTC") {
      saw_btc = true;
      EXPECT_EQ(b.total(), b.available() + b.locked());
    }
  EXPECT_TRUE(saw_btc);
}

TEST_F(BinanceUserStreamTest, cancel_report_carries_the_orders_own_client_id) {
  start_stream();
  ASSERT_TRUE(place(limit("nz-ws-2", Side::buy, "0.01", "49000")).ok());
  ASSERT_TRUE(await<CancelAck>([&](auto cb) {
                client_->cancel(OrderRef{"", "nz-ws-2", btc_}, cb);
              }).ok());
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(mu_);
    return !orders_.empty() && orders_.back().report.status == domain::VenueOrderStatus::cancelled;
  }));
  std::lock_guard lock(mu_);
  EXPECT_EQ(orders_.back().client_order_id, "nz-ws-2");
}

TEST_F(BinanceUserStreamTest,
       dropped_connection_reconnects_and_subscribes_again_with_a_fresh_signature) {
  start_stream();
  auto first = sim_->ws().latest_session();
  ASSERT_NE(first, nullptr);
  clock_.advance(10s);  // a later timestamp for the second subscribe
  first->reset();
  // The reconnect waits its backoff on the clock.
  for (int i = 0; i < 100 && sim_->stream_subscriptions() < 2; ++i) {
    clock_.advance(500ms);
    (void)wait_until([&] { return sim_->stream_subscriptions() >= 2; },
                     std::chrono::milliseconds(5));
  }
  ASSERT_EQ(sim_->stream_subscriptions(), 2);
  EXPECT_EQ(sim_->bad_signatures(), 0);
  EXPECT_EQ(sim_->time_rejections(), 0);
  const auto msgs = sim_->ws().messages();
  ASSERT_GE(msgs.size(), 2u);
  EXPECT_NE(msgs[0], msgs[1]);  // new id, timestamp and signature
  ASSERT_TRUE(place(limit("nz-ws-3", Side::buy, "0.01", "49000")).ok());
  EXPECT_TRUE(wait_until([&] {
    std::lock_guard lock(mu_);
    return !orders_.empty() && orders_.back().client_order_id == "nz-ws-3";
  }));
}

TEST_F(BinanceUserStreamTest, order_on_a_symbol_not_loaded_is_pushed_with_its_venue_symbol) {
  add_symbol_client_does_not_load();
  start_stream();
  ASSERT_TRUE(place(sol_limit("nz-ws-sol", Side::buy, "1", "90"), other_.get()).ok());
  ASSERT_TRUE(wait_until([&] { return count_orders() >= 1; }));
  std::lock_guard lock(mu_);
  EXPECT_EQ(orders_[0].client_order_id, "nz-ws-sol");
  EXPECT_FALSE(orders_[0].instrument.valid());
  EXPECT_EQ(orders_[0].venue_symbol, "SOLUSDT");
  EXPECT_EQ(client_->user_stream().rejected_frames(), 0u);
}

TEST_F(BinanceUserStreamTest, unreadable_event_is_counted_and_reported_never_silently_dropped) {
  start_stream();
  auto session = sim_->ws().latest_session();
  ASSERT_NE(session, nullptr);
  session->send(R"({"subscriptionId":0,"event":{"e":"executionReport","s":"BTCUSDT"}})");
  session->send(R"({"subscriptionId":0,"event":{"e":"listStatus","s":"BTCUSDT"}})");
  ASSERT_TRUE(wait_until([&] {
    return client_->user_stream().rejected_frames() == 1 &&
           client_->user_stream().ignored_frames() == 1;
  }));
  EXPECT_NE(client_->user_stream().last_rejected().find("unreadable event"), std::string::npos)
      << client_->user_stream().last_rejected();
  EXPECT_EQ(count_orders(), 0u);
}

TEST(BinanceUserStreamFrames,
     parses_execution_reports_and_keeps_unloaded_symbols_with_their_venue_symbol) {
  const SymbolLookup lookup = [](std::string_view s) -> std::optional<InstrumentId> {
    if (s == "ETHUSDT") return InstrumentId{7};
    return std::nullopt;
  };
  const std::string frame =
      R"({"subscriptionId":0,"event":{"e":"executionReport","E":1700000000100,"s":"ETHUSDT",)"
      R"("c":"nz-q-9","S":"BUY","o":"LIMIT","f":"IOC","q":"2.00000000","p":"2999.50000000",)"
      R"("P":"0.00000000","F":"0.00000000","g":-1,"C":"","x":"TRADE","X":"PARTIALLY_FILLED",)"
      R"("r":"NONE","i":88,"l":"0.50000000","z":"0.50000000","L":"2999.00000000",)"
      R"("n":"0.00050000","N":"ETH","T":1700000000099,"t":4242,"I":1,"w":false,"m":false,)"
      R"("M":true,"O":1700000000000,"Z":"1499.50000000","Y":"1499.50000000","Q":"0.00000000"}})";
  auto ev = parse_user_stream_frame(frame, lookup);
  ASSERT_TRUE(ev.error.empty()) << ev.error;
  ASSERT_TRUE(ev.order.has_value());
  EXPECT_EQ(ev.order->instrument, InstrumentId{7});
  EXPECT_EQ(ev.order->venue_symbol, "ETHUSDT");
  EXPECT_EQ(ev.order->time_in_force, domain::TimeInForce::ioc);
  EXPECT_EQ(ev.order->report.venue_order_id, "88");
  EXPECT_EQ(*ev.order->report.average_price, dec("2999"));
  ASSERT_TRUE(ev.fill.has_value());
  EXPECT_EQ(ev.fill->trade_id, "4242");
  EXPECT_EQ(ev.fill->liquidity, domain::Liquidity::taker);
  EXPECT_EQ(ev.fill->time, Timestamp::from_ms(1700000000099));
  EXPECT_EQ(ev.fill->venue_symbol, "ETHUSDT");
  std::string foreign = frame;
  foreign.replace(foreign.find("ETHUSDT"), 7, "XRPUSDT");
  // A symbol nzeza has not loaded: delivered with an invalid instrument, never dropped.
  auto unloaded = parse_user_stream_frame(foreign, lookup);
  EXPECT_TRUE(unloaded.error.empty()) << unloaded.error;
  ASSERT_TRUE(unloaded.order.has_value());
  EXPECT_FALSE(unloaded.order->instrument.valid());
  EXPECT_EQ(unloaded.order->venue_symbol, "XRPUSDT");
  EXPECT_EQ(unloaded.order->client_order_id, "nz-q-9");
  ASSERT_TRUE(unloaded.fill.has_value());
  EXPECT_FALSE(unloaded.fill->instrument.valid());
  EXPECT_EQ(unloaded.fill->venue_symbol, "XRPUSDT");
  EXPECT_EQ(unloaded.fill->trade_id, "4242");
  auto bad =
      parse_user_stream_frame(R"({"subscriptionId":0,"event":{"e":"executionReport"}})", lookup);
  EXPECT_FALSE(bad.order.has_value());
  EXPECT_FALSE(bad.error.empty());
  auto refused = parse_user_stream_frame(
      R"({"id":"nz-uds-1","status":400,"error":{"code":-1022,"msg":"Signature for this request is not valid."}})",
      lookup);
  EXPECT_TRUE(refused.subscribe_refused);
  EXPECT_NE(refused.error.find("-1022"), std::string::npos);
}

}  // namespace
}  // namespace nzeza::venues::binance::test

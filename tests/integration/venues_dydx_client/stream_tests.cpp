// The private v4_subaccounts stream against the simulator's Indexer WebSocket: an IOC that fills
// arrives as an order update and a fill carrying our client id; a resting order and its cancel
// arrive as open then cancelled; the subscription is the documented frame.

#include <mutex>

#include "client_fixture.hpp"
#include "support/wait.hpp"
#include "venues/dydx/subaccount_stream.hpp"

namespace nzeza::venues::dydx::testing {
namespace {

class DydxStreamTest : public DydxClientFixture {
 protected:
  void start_stream() {
    DydxClientConfig cfg;
    cfg.ws_url = sim_->ws_url();
    streamed_ = make(cfg);
    ASSERT_TRUE(streamed_->capabilities().private_stream);
    ASSERT_NE(streamed_->private_stream(), nullptr);
    PrivateStreamHandlers h;
    h.on_order = [this](const VenueOrder& o) {
      std::lock_guard lock(mu_);
      orders_.push_back(o);
    };
    h.on_fill = [this](const domain::Fill& f) {
      std::lock_guard lock(mu_);
      fills_.push_back(f);
    };
    streamed_->private_stream()->start(h);
    ASSERT_TRUE(testsupport::wait_until([&] { return sim_->ws_subscriptions() == 1; }));
  }
  void TearDown() override {
    streamed_.reset();
    DydxClientFixture::TearDown();
  }
  std::size_t order_count() {
    std::lock_guard lock(mu_);
    return orders_.size();
  }

  std::unique_ptr<DydxClient> streamed_;
  std::mutex mu_;
  std::vector<VenueOrder> orders_;
  std::vector<domain::Fill> fills_;
};

TEST_F(DydxStreamTest, filled_ioc_arrives_as_order_update_and_fill_with_client_id) {
  start_stream();
  const auto spec = limit(btc_, Side::buy, "0.002", "60500", domain::TimeInForce::ioc);
  ASSERT_TRUE(place(spec, streamed_.get()).ok());
  ASSERT_TRUE(testsupport::wait_until([&] {
    std::lock_guard lock(mu_);
    return !orders_.empty() && !fills_.empty();
  }));
  std::lock_guard lock(mu_);
  EXPECT_EQ(orders_[0].client_order_id, spec.client_order_id.text);
  EXPECT_EQ(orders_[0].instrument, btc_);  // found by clobPairId: the channel has no ticker
  EXPECT_EQ(orders_[0].report.status, domain::VenueOrderStatus::filled);
  EXPECT_EQ(orders_[0].report.cumulative_filled, Decimal::parse("0.002").value());
  EXPECT_EQ(fills_[0].client_order_id, spec.client_order_id.text);
  EXPECT_EQ(fills_[0].price, Decimal::parse("60000").value());
  EXPECT_EQ(fills_[0].quantity, Decimal::parse("0.002").value());
}

TEST_F(DydxStreamTest, resting_order_then_cancel_arrive_as_open_then_cancelled) {
  start_stream();
  const auto spec = limit(eth_, Side::buy, "0.01", "2900");
  ASSERT_TRUE(place(spec, streamed_.get()).ok());
  ASSERT_TRUE(testsupport::wait_until([&] { return order_count() == 1; }));
  Waiter<CancelAck> w;
  streamed_->cancel(OrderRef{{}, spec.client_order_id.text, eth_}, w.callback());
  ASSERT_TRUE(w.get().ok());
  ASSERT_TRUE(testsupport::wait_until([&] { return order_count() == 2; }));
  std::lock_guard lock(mu_);
  EXPECT_EQ(orders_[0].report.status, domain::VenueOrderStatus::open);
  EXPECT_EQ(orders_[1].report.status, domain::VenueOrderStatus::cancelled);
  EXPECT_EQ(orders_[1].client_order_id, spec.client_order_id.text);
  EXPECT_TRUE(fills_.empty());
}

TEST_F(DydxStreamTest, subscribe_frame_names_the_subaccount) {
  start_stream();
  const auto* s = dynamic_cast<SubaccountStream*>(streamed_->private_stream());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->subscribe_frame(), R"({"type":"subscribe","channel":"v4_subaccounts","id":")" +
                                      client_->address() + R"(/0"})");
}

}  // namespace
}  // namespace nzeza::venues::dydx::testing

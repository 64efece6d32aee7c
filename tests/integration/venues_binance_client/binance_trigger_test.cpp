// Native trigger orders through the real BinanceClient against the simulator: STOP_LOSS,
// TAKE_PROFIT and STOP_LOSS_LIMIT rest untriggered until the scripted last price reaches their
// stopPrice, then execute; the fill arrives on the user data stream and in fills_since.
#include <mutex>
#include <string>
#include <vector>

#include "binance_fixture.hpp"
#include "venues/binance/user_stream.hpp"

namespace nzeza::venues::binance::test {
namespace {

using domain::OrderType;
using domain::VenueOrderStatus;
using testsupport::wait_until;

class BinanceTriggerTest : public BinanceClientFixture {
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
    ASSERT_NE(client_->private_stream(), nullptr);
    client_->private_stream()->start(h);
    ASSERT_TRUE(wait_until([&] { return client_->user_stream().subscribed(); }));
  }
  void TearDown() override {
    if (client_) client_->private_stream()->stop();
    BinanceClientFixture::TearDown();
  }
  domain::OrderSpec trigger(std::string id, Side side, OrderType type, const char* qty,
                            const char* stop, const char* limit = nullptr) const {
    domain::OrderSpec s;
    s.client_order_id = ClientOrderId{Venue::binance, 3, std::move(id)};
    s.venue = Venue::binance;
    s.instrument = btc_;
    s.side = side;
    s.type = type;
    s.quantity = dec(qty);
    s.stop_price = dec(stop);
    if (limit != nullptr) s.price = dec(limit);
    return s;
  }
  Result<VenueOrder> status(const std::string& id) {
    return await<VenueOrder>([&](auto cb) { client_->order_status(OrderRef{"", id, btc_}, cb); });
  }
  Result<std::vector<VenueOrder>> open_orders() {
    return await<std::vector<VenueOrder>>([&](auto cb) { client_->open_orders(btc_, cb); });
  }
  Result<std::vector<domain::Fill>> fills_since_start() {
    return await<std::vector<domain::Fill>>(
        [&](auto cb) { client_->fills_since(Timestamp::from_ms(1'700'000'000'000), btc_, cb); });
  }
  // The last stream report of `id`, if any.
  std::optional<VenueOrder> last_report(const std::string& id) {
    std::lock_guard lock(mu_);
    for (auto it = orders_.rbegin(); it != orders_.rend(); ++it)
      if (it->client_order_id == id) return *it;
    return std::nullopt;
  }
  std::size_t fill_count() {
    std::lock_guard lock(mu_);
    return fills_.size();
  }

  std::mutex mu_;
  std::vector<VenueOrder> orders_;
  std::vector<domain::Fill> fills_;
};

TEST_F(BinanceTriggerTest,
       stop_loss_sell_rests_until_the_last_price_falls_to_it_and_its_fill_is_streamed_and_listed) {
  start_stream();
  EXPECT_TRUE(client_->capabilities().stop_market);
  auto ack = place(trigger("nz-sl-1", Side::sell, OrderType::stop, "0.1", "49000"));
  ASSERT_TRUE(ack.ok()) << ack.error().to_string();
  EXPECT_EQ(ack->report.status, VenueOrderStatus::open);
  EXPECT_TRUE(ack->fills.empty());
  const auto held = sim_->order("nz-sl-1");
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->type, "STOP_LOSS");
  EXPECT_EQ(held->stop_price, dec("49000"));
  EXPECT_FALSE(held->working);
  EXPECT_EQ(sim_->balance("BTC")->second, dec("0.1"));  // the base it will sell is locked

  auto listed = open_orders();
  ASSERT_TRUE(listed.ok()) << listed.error().to_string();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].type, OrderType::stop);
  EXPECT_EQ((*listed)[0].report.status, VenueOrderStatus::open);
  EXPECT_EQ((*listed)[0].stop_price, dec("49000"));
  EXPECT_FALSE((*listed)[0].triggered);
  ASSERT_TRUE(wait_until([&] { return last_report("nz-sl-1").has_value(); }));
  EXPECT_EQ(last_report("nz-sl-1")->type, OrderType::stop);
  EXPECT_EQ(last_report("nz-sl-1")->stop_price, dec("49000"));
  EXPECT_FALSE(last_report("nz-sl-1")->triggered);

  sim_->set_price("BTCUSDT", dec("49000.01"));  // not yet
  EXPECT_EQ(sim_->order("nz-sl-1")->status, "NEW");
  const auto waiting = status("nz-sl-1");
  ASSERT_TRUE(waiting.ok()) << waiting.error().to_string();
  EXPECT_EQ(waiting->report.status, VenueOrderStatus::open);
  EXPECT_EQ(waiting->stop_price, dec("49000"));
  EXPECT_FALSE(waiting->triggered);

  sim_->set_price("BTCUSDT", dec("48990"));  // through the stop: a MARKET sell at 48990
  ASSERT_TRUE(wait_until([&] {
    const auto r = last_report("nz-sl-1");
    return fill_count() == 1 && r && r->report.status == VenueOrderStatus::filled;
  }));
  domain::Fill streamed;
  {
    std::lock_guard lock(mu_);
    streamed = fills_[0];
  }
  EXPECT_EQ(streamed.client_order_id, "nz-sl-1");
  EXPECT_EQ(streamed.side, Side::sell);
  EXPECT_EQ(streamed.price, dec("48990"));
  EXPECT_EQ(streamed.quantity, dec("0.1"));
  EXPECT_EQ(streamed.liquidity, domain::Liquidity::taker);
  EXPECT_EQ(streamed.fee, dec("4.899"));  // 0.1% of 4899 USDT received
  EXPECT_EQ(streamed.fee_currency, "USDT");
  EXPECT_EQ(last_report("nz-sl-1")->type, OrderType::stop);
  EXPECT_TRUE(last_report("nz-sl-1")->triggered);

  auto listed_fills = fills_since_start();
  ASSERT_TRUE(listed_fills.ok()) << listed_fills.error().to_string();
  ASSERT_EQ(listed_fills->size(), 1u);
  EXPECT_EQ((*listed_fills)[0].trade_id, streamed.trade_id);
  EXPECT_EQ((*listed_fills)[0].price, dec("48990"));
  auto done = status("nz-sl-1");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->report.status, VenueOrderStatus::filled);
  EXPECT_EQ(done->report.cumulative_filled, dec("0.1"));
  EXPECT_EQ(done->stop_price, dec("49000"));
  EXPECT_TRUE(done->triggered);
  EXPECT_TRUE(open_orders()->empty());
  EXPECT_EQ(sim_->balance("BTC")->first, dec("1.9"));
  EXPECT_TRUE(sim_->balance("BTC")->second.is_zero());
}

TEST_F(BinanceTriggerTest, stop_loss_cancelled_before_its_trigger_never_fills) {
  start_stream();
  ASSERT_TRUE(place(trigger("nz-sl-2", Side::sell, OrderType::stop, "0.2", "48000")).ok());
  auto c = await<CancelAck>([&](auto cb) { client_->cancel(OrderRef{"", "nz-sl-2", btc_}, cb); });
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->report.status, VenueOrderStatus::cancelled);
  EXPECT_TRUE(sim_->balance("BTC")->second.is_zero());
  ASSERT_TRUE(wait_until([&] {
    const auto r = last_report("nz-sl-2");
    return r && r->report.status == VenueOrderStatus::cancelled;
  }));

  sim_->set_price("BTCUSDT", dec("47000"));
  EXPECT_EQ(sim_->order("nz-sl-2")->status, "CANCELED");
  EXPECT_EQ(status("nz-sl-2")->report.status, VenueOrderStatus::cancelled);
  auto listed_fills = fills_since_start();
  ASSERT_TRUE(listed_fills.ok());
  EXPECT_TRUE(listed_fills->empty());
  EXPECT_EQ(fill_count(), 0u);
  EXPECT_EQ(sim_->balance("BTC")->first, dec("2"));
}

TEST_F(BinanceTriggerTest, a_stop_the_last_price_has_already_reached_is_refused_by_the_venue) {
  auto r = place(trigger("nz-sl-3", Side::sell, OrderType::stop, "0.1", "50000"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::rejected);
  EXPECT_EQ(r.error().venue_code, "-2010");
  EXPECT_EQ(r.error().venue_text, "Stop price would trigger immediately.");
  EXPECT_FALSE(sim_->order("nz-sl-3").has_value());
  EXPECT_TRUE(sim_->balance("BTC")->second.is_zero());
}

TEST_F(BinanceTriggerTest, take_profit_sell_fills_when_the_last_price_rises_to_it) {
  start_stream();
  ASSERT_TRUE(place(trigger("nz-tp-1", Side::sell, OrderType::take_profit, "0.1", "52000")).ok());
  sim_->set_price("BTCUSDT", dec("51999.99"));
  EXPECT_EQ(sim_->order("nz-tp-1")->status, "NEW");
  sim_->set_price("BTCUSDT", dec("52000"));
  ASSERT_TRUE(wait_until([&] { return fill_count() == 1; }));
  std::lock_guard lock(mu_);
  EXPECT_EQ(fills_[0].client_order_id, "nz-tp-1");
  EXPECT_EQ(fills_[0].price, dec("52000"));
}

TEST_F(BinanceTriggerTest, stop_limit_buy_that_does_not_cross_when_triggered_rests_in_the_book) {
  start_stream();
  EXPECT_TRUE(client_->capabilities().stop_limit);
  ASSERT_TRUE(
      place(trigger("nz-sll-1", Side::buy, OrderType::stop_limit, "0.1", "51000", "50900")).ok());
  EXPECT_EQ(sim_->balance("USDT")->second, dec("5090"));  // 0.1 x the limit price
  sim_->set_price("BTCUSDT", dec("51200"));  // triggered; the 50900 limit is below it: rests
  const auto working = sim_->order("nz-sll-1");
  ASSERT_TRUE(working.has_value());
  EXPECT_TRUE(working->working);
  EXPECT_EQ(working->status, "NEW");
  auto listed = open_orders();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].type, OrderType::stop_limit);
  EXPECT_EQ(*(*listed)[0].price, dec("50900"));
  EXPECT_EQ((*listed)[0].stop_price, dec("51000"));
  EXPECT_TRUE((*listed)[0].triggered);  // working in the book
  EXPECT_EQ(fill_count(), 0u);

  ASSERT_TRUE(sim_->fill("nz-sll-1", dec("0.1")));  // a maker trade at its limit
  ASSERT_TRUE(wait_until([&] {
    const auto r = last_report("nz-sll-1");
    return fill_count() == 1 && r && r->report.status == VenueOrderStatus::filled;
  }));
  std::lock_guard lock(mu_);
  EXPECT_EQ(fills_[0].price, dec("50900"));
  EXPECT_EQ(fills_[0].liquidity, domain::Liquidity::maker);
}

}  // namespace
}  // namespace nzeza::venues::binance::test

#pragma once
// Shared set-up for the Binance client tests: a simulator on loopback whose clock is the test's
// ManualClock, a registry with BTCUSDT and ETHUSDT, and a client with a 2 s request deadline.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/net_context.hpp"
#include "sim/binance/binance_sim.hpp"
#include "support/wait.hpp"
#include "venues/binance/client.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::binance::test {

inline Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

class BinanceClientFixture : public ::testing::Test {
 protected:
  static constexpr Duration kRequestTimeout = 2s;

  void SetUp() override {
    net_.start();
    sim::binance::SimOptions o;
    o.now_ms = [this] { return clock_.now().ms(); };
    sim_ = std::make_unique<sim::binance::BinanceSim>(o);
    sim_->add_symbol(sim::binance::SimSymbol{"BTCUSDT", "BTC", "USDT"});
    sim::binance::SimSymbol eth{"ETHUSDT", "ETH", "USDT"};
    eth.step = dec("0.0001");
    eth.min_qty = dec("0.0001");
    sim_->add_symbol(eth);
    sim_->set_price("BTCUSDT", dec("50000"));
    sim_->set_price("ETHUSDT", dec("3000"));
    sim_->set_balance("USDT", dec("100000"));
    sim_->set_balance("BTC", dec("2"));
    sim_->set_balance("ETH", dec("20"));
    btc_ = add_instrument("BTCUSDT", "BTC", dec("0.00001"));
    eth_ = add_instrument("ETHUSDT", "ETH", dec("0.0001"));
    client_ = make(config());
  }

  void TearDown() override {
    client_.reset();
    sim_->release_held();
    sim_->stop();
    net_.stop();
  }

  InstrumentId add_instrument(const std::string& symbol, const std::string& base, Decimal lot) {
    Instrument i;
    i.venue = Venue::binance;
    i.canonical = base + "-USDT";
    i.venue_symbol = symbol;
    i.base = base;
    i.quote = "USDT";
    i.tick_size = dec("0.01");
    i.lot_size = lot;
    i.min_size = lot;
    i.min_notional = dec("5");
    return registry_.add(i).value();
  }

  BinanceConfig config() const {
    BinanceConfig c;
    c.base_url = sim_->base_url();
    c.api_key = sim_->options().api_key;
    c.request_timeout = kRequestTimeout;
    c.recv_window = 5s;
    c.ws_api_url = sim_->ws_api_url();
    return c;
  }

  std::unique_ptr<BinanceClient> make(BinanceConfig c, std::string secret = {}) {
    if (secret.empty()) secret = sim_->options().api_secret;
    auto r = BinanceClient::create(net_, clock_, registry_, std::move(c), secret);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    return r.ok() ? std::move(*r) : nullptr;
  }

  // Runs one client call and waits (real time, bounded) for its answer.
  template <typename T, typename Fn>
  Result<T> await(Fn&& fn) {
    auto p = std::make_shared<std::promise<Result<T>>>();
    auto f = p->get_future();
    fn([p](Result<T> r) { p->set_value(std::move(r)); });
    if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
      return Error(ErrorCode::internal, "test: no answer within 5 s");
    return f.get();
  }

  domain::OrderSpec limit(std::string id, Side side, const char* qty, const char* price,
                          domain::TimeInForce tif = domain::TimeInForce::gtc) const {
    domain::OrderSpec s;
    s.client_order_id = ClientOrderId{Venue::binance, 1, std::move(id)};
    s.venue = Venue::binance;
    s.instrument = btc_;
    s.side = side;
    s.type = domain::OrderType::limit;
    s.time_in_force = tif;
    s.quantity = dec(qty);
    s.price = dec(price);
    return s;
  }
  domain::OrderSpec market(std::string id, Side side, const char* qty) const {
    domain::OrderSpec s;
    s.client_order_id = ClientOrderId{Venue::binance, 2, std::move(id)};
    s.venue = Venue::binance;
    s.instrument = btc_;
    s.side = side;
    s.type = domain::OrderType::market;
    s.quantity = dec(qty);
    return s;
  }

  Result<PlaceAck> place(const domain::OrderSpec& s, BinanceClient* c = nullptr) {
    c = c ? c : client_.get();
    return await<PlaceAck>([&](auto cb) { c->place(s, cb); });
  }

  ManualClock clock_{Timestamp::from_ms(1'700'000'000'000)};
  net::NetContext net_;
  InstrumentRegistry registry_;
  std::unique_ptr<sim::binance::BinanceSim> sim_;
  std::unique_ptr<BinanceClient> client_;
  InstrumentId btc_;
  InstrumentId eth_;
};

}  // namespace nzeza::venues::binance::test

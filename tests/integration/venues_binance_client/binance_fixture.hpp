#pragma once
// Shared set-up for the Binance client tests: a simulator on loopback whose clock is the test's
// ManualClock, a registry with BTCUSDT and ETHUSDT, and a client with a 2 s request deadline.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

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
    o.order_ids_per_symbol = order_ids_per_symbol_;
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
    other_.reset();
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

  // SOLUSDT at the simulator (price 100, 50 SOL on the account) and other_: a second client on
  // the same account whose registry holds SOLUSDT — the symbol client_ has NOT loaded (another
  // nzeza, or a person, trading it).
  void add_symbol_client_does_not_load() {
    sim::binance::SimSymbol sol{"SOLUSDT", "SOL", "USDT"};
    sol.step = dec("0.01");
    sol.min_qty = dec("0.01");
    sim_->add_symbol(sol);
    sim_->set_price("SOLUSDT", dec("100"));
    sim_->set_balance("SOL", dec("50"));
    Instrument i;
    i.venue = Venue::binance;
    i.canonical = "SOL-USDT";
    i.venue_symbol = "SOLUSDT";
    i.base = "SOL";
    i.quote = "USDT";
    i.tick_size = dec("0.01");
    i.lot_size = dec("0.01");
    i.min_size = dec("0.01");
    i.min_notional = dec("5");
    sol_ = other_registry_.add(i).value();
    auto r =
        BinanceClient::create(net_, clock_, other_registry_, config(), sim_->options().api_secret);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    other_ = std::move(*r);
  }
  domain::OrderSpec sol_limit(std::string id, Side side, const char* qty, const char* price) const {
    auto s = limit(std::move(id), side, qty, price);
    s.instrument = sol_;
    return s;
  }

  // Fails the test when any text of `e` (message, venue code and text, to_string()) carries
  // the API key, the secret, or a signed query the simulator received (the query string, its
  // signature, its timestamp parameter).
  void expect_no_secret_in(const Error& e) const {
    std::vector<std::string> secrets = {sim_->options().api_key, sim_->options().api_secret,
                                        "signature=", "timestamp=", "recvWindow="};
    for (const auto& seen : sim_->requests()) {
      const auto q = seen.target.find('?');
      if (q == std::string::npos || q + 1 == seen.target.size()) continue;
      const std::string query = seen.target.substr(q + 1);
      secrets.push_back(query);
      if (const auto sig = query.find("signature="); sig != std::string::npos)
        secrets.push_back(query.substr(sig + 10));
    }
    for (const std::string& text : {e.message, e.venue_text, e.venue_code, e.to_string()}) {
      for (const auto& s : secrets) {
        EXPECT_EQ(text.find(s), std::string::npos) << "'" << s << "' leaks in: " << text;
      }
    }
  }

  Result<PlaceAck> place(const domain::OrderSpec& s, BinanceClient* c = nullptr) {
    c = c ? c : client_.get();
    return await<PlaceAck>([&](auto cb) { c->place(s, cb); });
  }

  bool order_ids_per_symbol_ = false;  // set before SetUp: the simulator numbers as Binance does
  ManualClock clock_{Timestamp::from_ms(1'700'000'000'000)};
  net::NetContext net_;
  InstrumentRegistry registry_;
  std::unique_ptr<sim::binance::BinanceSim> sim_;
  std::unique_ptr<BinanceClient> client_;
  InstrumentId btc_;
  InstrumentId eth_;
  InstrumentRegistry other_registry_;
  InstrumentId sol_;
  std::unique_ptr<BinanceClient> other_;
};

}  // namespace nzeza::venues::binance::test

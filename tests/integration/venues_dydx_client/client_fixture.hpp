#pragma once
// Shared set-up: a ManualClock, a NetContext, the simulator (same clock) with BTC-USD (oracle
// 60000) and ETH-USD (oracle 3000), a funded account for our own test mnemonic, and a client
// whose instruments come from its own load_instruments().

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>

#include "core/client_id.hpp"
#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/net_context.hpp"
#include "sim/dydx/dydx_sim.hpp"
#include "venues/dydx/client.hpp"

namespace nzeza::venues::dydx::testing {

// Our own test mnemonic (BIP-39 reference entropy 0x7f...; not a venue vector).
inline constexpr std::string_view kTestMnemonic =
    "legal winner thank year wave sausage worth useful legal winner thank yellow";
inline constexpr std::uint64_t kAccountNumber = 4242;
inline constexpr Duration kRequestTimeout = 2s;

template <typename T>
struct Waiter {
  std::shared_ptr<std::promise<Result<T>>> p = std::make_shared<std::promise<Result<T>>>();
  std::future<Result<T>> f = p->get_future();
  Callback<T> callback() {
    auto pp = p;
    return [pp](Result<T> r) { pp->set_value(std::move(r)); };
  }
  Result<T> get() {
    if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
      return Error(ErrorCode::internal, "test: no answer within 5 s");
    return f.get();
  }
};

class DydxClientFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    net_.start();
    sim::dydx::SimOptions so;
    so.now_ms = [this] { return clock_.now().ms(); };
    sim_ = std::make_unique<sim::dydx::DydxSim>(so);
    sim::dydx::SimMarket btc;
    btc.ticker = "BTC-USD";
    btc.oracle_price = Decimal::parse("60000").value();
    sim_->add_market(btc);
    sim::dydx::SimMarket eth;
    eth.ticker = "ETH-USD";
    eth.clob_pair_id = 1;
    eth.atomic_resolution = -9;
    eth.tick_size = "0.1";
    eth.step_size = "0.001";
    eth.oracle_price = Decimal::parse("3000").value();
    sim_->add_market(eth);
    client_ = make();
    sim_->add_account(client_->address(), kAccountNumber, Decimal::parse("25000").value());
    Waiter<std::vector<Instrument>> w;
    client_->load_instruments(w.callback());
    auto list = w.get();
    ASSERT_TRUE(list.ok()) << list.error().to_string();
    for (auto& in : *list) ASSERT_TRUE(registry_.add(in).ok());
    btc_ = registry_.find(Venue::dydx, "BTC-USD")->id;
    eth_ = registry_.find(Venue::dydx, "ETH-USD")->id;
    codec_ = std::make_unique<ClientIdCodec>(ClientIdCodec::create("t1").value());
  }
  void TearDown() override {
    client_.reset();
    sim_->stop();
    net_.stop();
  }

  std::unique_ptr<DydxClient> make(DydxClientConfig config = {}) {
    return make_with(registry_, std::move(config));
  }
  // A client whose instruments live in `registry` (which must outlive it).
  std::unique_ptr<DydxClient> make_with(const InstrumentRegistry& registry,
                                        DydxClientConfig config = {}) {
    config.node_url = sim_->base_url();
    config.indexer_url = sim_->base_url();
    if (config.request_timeout == DydxClientConfig{}.request_timeout)
      config.request_timeout = kRequestTimeout;
    if (config.rate_buckets.empty()) {
      // The venue's buckets, with the per-block stateful allowance widened: these tests send
      // several stateful txs at one instant of the ManualClock (the limit has its own test).
      config.rate_buckets = default_rate_buckets();
      for (auto& b : config.rate_buckets)
        if (b.name == "stateful_block" || b.name == "stateful_100_blocks") b.capacity = 1000;
    }
    return std::make_unique<DydxClient>(net_, clock_, registry,
                                        Wallet::from_mnemonic(kTestMnemonic).value(), config);
  }

  domain::OrderSpec limit(InstrumentId inst, Side side, std::string_view qty,
                          std::string_view price,
                          domain::TimeInForce tif = domain::TimeInForce::gtc) {
    domain::OrderSpec s;
    s.client_order_id = codec_->encode(Venue::dydx, ++seq_).value();
    s.venue = Venue::dydx;
    s.instrument = inst;
    s.side = side;
    s.type = domain::OrderType::limit;
    s.time_in_force = tif;
    s.quantity = Decimal::parse(qty).value();
    s.price = Decimal::parse(price).value();
    return s;
  }

  Result<PlaceAck> place(const domain::OrderSpec& s, DydxClient* c = nullptr) {
    Waiter<PlaceAck> w;
    (c ? c : client_.get())->place(s, w.callback());
    return w.get();
  }
  Result<CancelAck> cancel(const std::string& client_id, InstrumentId inst) {
    Waiter<CancelAck> w;
    client_->cancel(OrderRef{{}, client_id, inst}, w.callback());
    return w.get();
  }
  Result<VenueOrder> status(const std::string& client_id, InstrumentId inst) {
    Waiter<VenueOrder> w;
    client_->order_status(OrderRef{{}, client_id, inst}, w.callback());
    return w.get();
  }

  ManualClock clock_;
  net::NetContext net_;
  InstrumentRegistry registry_;
  std::unique_ptr<sim::dydx::DydxSim> sim_;
  std::unique_ptr<DydxClient> client_;
  std::unique_ptr<ClientIdCodec> codec_;
  InstrumentId btc_;
  InstrumentId eth_;
  std::uint64_t seq_ = 0;
};

}  // namespace nzeza::venues::dydx::testing

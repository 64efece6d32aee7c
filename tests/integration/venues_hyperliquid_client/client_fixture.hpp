#pragma once
// Shared set-up: a ManualClock, a NetContext, the simulator (on the same clock) with BTC
// (szDecimals 5, mark 60000) and ETH (szDecimals 4, mark 3000), a funded account, and a client
// whose instruments come from its own load_instruments().

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <optional>
#include <string>

#include "core/client_id.hpp"
#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/net_context.hpp"
#include "sim/hyperliquid/hyperliquid_sim.hpp"
#include "support/wait.hpp"
#include "venues/hyperliquid/client.hpp"

namespace nzeza::venues::hyperliquid::testing {

// Our own test key (not a venue vector).
inline constexpr std::string_view kTestKey =
    "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
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
    if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      return Error(ErrorCode::internal, "test: no answer within 5 s");
    }
    return f.get();
  }
};

class HyperliquidClientFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    net_.start();
    sim::hyperliquid::SimOptions so;
    so.now_ms = [this] { return clock_.now().ms(); };
    sim_ = std::make_unique<sim::hyperliquid::HyperliquidSim>(so);
    sim_->add_asset({"BTC", 5, Decimal::parse("60000").value(), 50});
    sim_->add_asset({"ETH", 4, Decimal::parse("3000").value(), 50});
    client_ = make(kTestKey);
    sim_->add_account(client_->signer_address(), Decimal::parse("100000").value());
    Waiter<std::vector<Instrument>> w;
    client_->load_instruments(w.callback());
    auto list = w.get();
    ASSERT_TRUE(list.ok()) << list.error().to_string();
    for (auto& in : *list) ASSERT_TRUE(registry_.add(in).ok());
    btc_ = registry_.find(Venue::hyperliquid, "BTC")->id;
    eth_ = registry_.find(Venue::hyperliquid, "ETH")->id;
    codec_ = std::make_unique<ClientIdCodec>(ClientIdCodec::create("t1").value());
  }
  void TearDown() override {
    client_.reset();
    sim_->stop();
    net_.stop();
  }

  std::unique_ptr<HyperliquidClient> make(std::string_view key,
                                          HyperliquidClientConfig config = {}) {
    config.base_url = sim_->base_url();
    config.request_timeout = kRequestTimeout;
    return std::make_unique<HyperliquidClient>(net_, clock_, registry_,
                                               Signer::from_private_key(key).value(), config);
  }

  domain::OrderSpec limit(InstrumentId inst, Side side, std::string_view qty,
                          std::string_view price,
                          domain::TimeInForce tif = domain::TimeInForce::gtc) {
    domain::OrderSpec s;
    s.client_order_id = codec_->encode(Venue::hyperliquid, ++seq_).value();
    s.venue = Venue::hyperliquid;
    s.instrument = inst;
    s.side = side;
    s.type = domain::OrderType::limit;
    s.time_in_force = tif;
    s.quantity = Decimal::parse(qty).value();
    s.price = Decimal::parse(price).value();
    return s;
  }

  Result<PlaceAck> place(const domain::OrderSpec& s) {
    Waiter<PlaceAck> w;
    client_->place(s, w.callback());
    return w.get();
  }

  ManualClock clock_;
  net::NetContext net_;
  InstrumentRegistry registry_;
  std::unique_ptr<sim::hyperliquid::HyperliquidSim> sim_;
  std::unique_ptr<HyperliquidClient> client_;
  std::unique_ptr<ClientIdCodec> codec_;
  InstrumentId btc_;
  InstrumentId eth_;
  std::uint64_t seq_ = 0;
};

}  // namespace nzeza::venues::hyperliquid::testing

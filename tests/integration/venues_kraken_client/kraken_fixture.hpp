#pragma once
// Shared fixture: a KrakenSim on loopback, a KrakenClient against it on a ManualClock, one
// instrument (XXBTZUSD / BTC/USD), and a blocking helper for the asynchronous port.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/net_context.hpp"
#include "sim/kraken/kraken_sim.hpp"
#include "support/wait.hpp"
#include "venues/kraken/client.hpp"
#include "venues/kraken/private_stream.hpp"
#include "venues/venue_error.hpp"

namespace nzeza::venues::kraken::test {

using testsupport::wait_until;
using testsupport::kraken::KrakenSim;
using testsupport::kraken::KrakenSimOptions;
using testsupport::kraken::SimFault;
using testsupport::kraken::SimFaultKind;
using testsupport::kraken::SimPair;

// Our own test secret (64 bytes of "nzeza kraken integration secret...", base64).
inline constexpr const char* kSecret =
    "bnplemEga3Jha2VuIGludGVncmF0aW9uIHNlY3JldCAtIDY0IGJ5dGVzIG9mIGtleSBtYXRlcmlhbCEhISEhIQ==";
inline constexpr const char* kKey = "nzeza-test-key";

inline Decimal D(const char* s) {
  return Decimal::parse(s).value();
}

template <typename T>
struct Waiter {
  std::shared_ptr<std::promise<Result<T>>> p = std::make_shared<std::promise<Result<T>>>();
  std::future<Result<T>> f = p->get_future();
  Callback<T> cb() {
    auto pp = p;
    return [pp](Result<T> r) { pp->set_value(std::move(r)); };
  }
  bool ready() { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }
  Result<T> get() {
    if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready)
      return Error{ErrorCode::internal, "test: no answer within 5 s"};
    return f.get();
  }
};

class KrakenClientTest : public ::testing::Test {
 protected:
  KrakenClientTest() {
    net_.start();
    KrakenSimOptions o;
    o.api_key = kKey;
    o.api_secret_b64 = kSecret;
    o.now = [this] { return clock_.now(); };
    sim_ = std::make_unique<KrakenSim>(o);
    sim_->add_pair(SimPair{});
    SimPair eth;
    eth.key = "XETHZUSD";
    eth.altname = "ETHUSD";
    eth.wsname = "ETH/USD";
    eth.base = "XETH";
    eth.v2_symbol = "ETH/USD";
    eth.tick_size = "0.01";
    eth.pair_decimals = 2;
    eth.ordermin = "0.002";
    eth.market_price = D("3000");
    sim_->add_pair(eth);
    sim_->set_balance("ZUSD", D("100000"));
    sim_->set_balance("XXBT", D("2"));
    btc_ = add_instrument("XXBTZUSD", "BTC/USD", "BTC", "0.1", "0.0001");
    eth_ = add_instrument("XETHZUSD", "ETH/USD", "ETH", "0.01", "0.002");
  }

  InstrumentId add_instrument(const char* venue_symbol, const char* ws, const char* base,
                              const char* tick, const char* min) {
    Instrument i;
    i.venue = Venue::kraken;
    i.canonical = std::string(base) + "-USD";
    i.venue_symbol = venue_symbol;
    i.ws_symbol = ws;
    i.base = base;
    i.quote = "USD";
    i.tick_size = D(tick);
    i.lot_size = D("0.00000001");
    i.min_size = D(min);
    i.min_notional = D("0.5");
    return registry_.add(i).value();
  }

  KrakenClientConfig config() {
    KrakenClientConfig c;
    c.base_url = sim_->base_url();
    c.ws_url = sim_->ws_url();
    c.request_timeout = 2s;
    c.deadline_window = 5s;
    c.query_lag = 1s;
    return c;
  }

  std::unique_ptr<KrakenClient> make(KrakenClientConfig c, const char* secret = kSecret) {
    auto signer = KrakenKeySigner::create(kKey, secret).value();
    return std::make_unique<KrakenClient>(net_, clock_, registry_, signer, std::move(c));
  }

  KrakenClient& client() {
    if (!client_) client_ = make(config());
    return *client_;
  }

  domain::OrderSpec spec(std::uint64_t seq, domain::OrderType type, Side side, const char* qty,
                         const char* price = nullptr) {
    domain::OrderSpec s;
    s.client_order_id = codec_.encode(Venue::kraken, seq).value();
    s.venue = Venue::kraken;
    s.instrument = btc_;
    s.side = side;
    s.type = type;
    s.quantity = D(qty);
    if (price != nullptr) s.price = D(price);
    return s;
  }

  Result<PlaceAck> place(const domain::OrderSpec& s) {
    Waiter<PlaceAck> w;
    client().place(s, w.cb());
    return w.get();
  }

  // A resting limit buy; returns its ack.
  PlaceAck rest_buy(std::uint64_t seq, const char* qty = "0.01", const char* price = "40000") {
    auto r = place(spec(seq, domain::OrderType::limit, Side::buy, qty, price));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    return r.ok() ? *r : PlaceAck{};
  }

  // No credential in any text of `e`: not the API key, the secret, any API-Sign the simulator
  // received, any signed request body ("nonce=...&..."), nor a WebSocket token ("tok<n>sim").
  void expect_no_credentials(const Error& e) {
    const std::string texts[] = {e.message, e.venue_code, e.venue_text, e.to_string()};
    std::vector<std::string> secrets = {kKey, kSecret, "nonce="};
    for (const auto& r : sim_->requests()) {
      if (const std::string sign = r.header("API-Sign"); !sign.empty()) secrets.push_back(sign);
      if (!r.body.empty()) secrets.push_back(r.body);
    }
    for (const auto& text : texts) {
      for (const auto& secret : secrets)
        EXPECT_EQ(text.find(secret), std::string::npos) << "\"" << secret << "\" in: " << text;
      for (auto at = text.find("tok"); at != std::string::npos; at = text.find("tok", at + 1)) {
        auto end = at + 3;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
        EXPECT_FALSE(end > at + 3 && text.compare(end, 3, "sim") == 0) << "token in: " << text;
      }
    }
  }

  ManualClock clock_;
  net::NetContext net_;
  InstrumentRegistry registry_;
  ClientIdCodec codec_ = ClientIdCodec::create("t1").value();
  std::unique_ptr<KrakenSim> sim_;
  InstrumentId btc_;
  InstrumentId eth_;
  std::unique_ptr<KrakenClient> client_;
};

}  // namespace nzeza::venues::kraken::test

#pragma once
// Shared set-up for the Coinbase client tests: a simulator on loopback whose clock is the test's
// ManualClock and whose JWT verifier knows a key pair generated here (OpenSSL), a registry with
// BTC-USD, BTC-USDC (a mirrored USDC book, its own instrument) and ETH-USD, and a client with a
// 2 s request deadline.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/net_context.hpp"
#include "sim/coinbase/coinbase_sim.hpp"
#include "support/wait.hpp"
#include "venues/coinbase/client.hpp"

namespace nzeza::venues::coinbase::test {

inline Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

struct KeyPair {
  std::string private_key;  // PEM (ES256) or base64 seed (Ed25519), as Coinbase issues them
  std::string public_pem;
};

inline KeyPair generate_key(bool ed25519) {
  EVP_PKEY* key = ed25519 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                          : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  KeyPair out;
  auto to_string = [](BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string s(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return s;
  };
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(pub, key);
  out.public_pem = to_string(pub);
  if (ed25519) {
    unsigned char seed[32];
    std::size_t len = sizeof seed;
    EVP_PKEY_get_raw_private_key(key, seed, &len);
    unsigned char b64[64];
    const int n = EVP_EncodeBlock(b64, seed, 32);
    out.private_key.assign(reinterpret_cast<char*>(b64), static_cast<std::size_t>(n));
  } else {
    BIO* priv = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey_traditional(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
    out.private_key = to_string(priv);
  }
  EVP_PKEY_free(key);
  return out;
}

class CoinbaseClientFixture : public ::testing::Test {
 protected:
  static constexpr Duration kRequestTimeout = 2s;
  static constexpr const char* kKeyName = "organizations/test-org/apiKeys/test-key";

  void SetUp() override {
    net_.start();
    key_ = generate_key(/*ed25519=*/false);
    sim::coinbase::SimOptions o;
    o.key_name = kKeyName;
    o.public_key_pem = key_.public_pem;
    o.now_seconds = [this] { return clock_.now().seconds() + sim_skew_s_; };
    sim_ = std::make_unique<sim::coinbase::CoinbaseSim>(o);
    sim_->add_product(product("BTC-USD", "BTC", "USD", "50000"));
    auto usdc = product("BTC-USDC", "BTC", "USDC", "50010");
    usdc.alias = "BTC-USD";
    sim_->add_product(usdc);
    auto eth = product("ETH-USD", "ETH", "USD", "3000");
    eth.base_increment = dec("0.0001");
    eth.base_min_size = dec("0.001");
    sim_->add_product(eth);
    sim_->set_balance("USD", dec("100000"));
    sim_->set_balance("USDC", dec("25000"));
    sim_->set_balance("BTC", dec("2"));
    sim_->set_balance("ETH", dec("20"));
    btc_ = add_instrument("BTC-USD", "BTC", "USD", dec("0.00000001"));
    btc_usdc_ = add_instrument("BTC-USDC", "BTC", "USDC", dec("0.00000001"));
    eth_ = add_instrument("ETH-USD", "ETH", "USD", dec("0.0001"));
    client_ = make(key_.private_key);
  }
  void TearDown() override {
    client_.reset();
    sim_->release_held();
    sim_.reset();
    net_.stop();
  }
  static sim::coinbase::SimProduct product(const char* id, const char* base, const char* quote,
                                           const char* price) {
    sim::coinbase::SimProduct p;
    p.product_id = id;
    p.base = base;
    p.quote = quote;
    p.price_increment = dec("0.01");
    p.base_increment = dec("0.00000001");
    p.base_min_size = dec("0.00001");
    p.base_max_size = dec("3400");
    p.quote_min_size = dec("1");
    p.price = dec(price);
    return p;
  }
  InstrumentId add_instrument(const std::string& symbol, const std::string& base,
                              const std::string& quote, Decimal lot) {
    Instrument i;
    i.venue = Venue::coinbase;
    i.canonical = symbol;
    i.venue_symbol = symbol;
    i.base = base;
    i.quote = quote;
    i.tick_size = dec("0.01");
    i.lot_size = lot;
    i.min_size = lot;
    i.min_notional = dec("1");
    return registry_.add(i).value();
  }
  CoinbaseConfig config() const {
    CoinbaseConfig c;
    c.base_url = sim_->base_url();
    c.request_timeout = kRequestTimeout;
    return c;
  }
  std::unique_ptr<CoinbaseClient> make(const std::string& private_key, std::string name = kKeyName,
                                       std::optional<CoinbaseConfig> c = std::nullopt) {
    auto signer = JwtSigner::create(std::move(name), private_key);
    EXPECT_TRUE(signer.ok()) << (signer.ok() ? "" : signer.error().to_string());
    if (!signer) return nullptr;
    return std::make_unique<CoinbaseClient>(net_, clock_, registry_, std::move(signer).value(),
                                            c.value_or(config()));
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
  domain::OrderSpec spec(std::string id, Side side, domain::OrderType type, const char* qty,
                         const char* price = nullptr,
                         domain::TimeInForce tif = domain::TimeInForce::gtc) const {
    domain::OrderSpec s;
    s.client_order_id = ClientOrderId{Venue::coinbase, 1, std::move(id)};
    s.venue = Venue::coinbase;
    s.instrument = btc_;
    s.side = side;
    s.type = type;
    s.time_in_force = tif;
    s.quantity = dec(qty);
    if (price) s.price = dec(price);
    return s;
  }
  domain::OrderSpec limit(std::string id, Side side, const char* qty, const char* price,
                          domain::TimeInForce tif = domain::TimeInForce::gtc) const {
    return spec(std::move(id), side, domain::OrderType::limit, qty, price, tif);
  }
  Result<PlaceAck> place(const domain::OrderSpec& s, CoinbaseClient* c = nullptr) {
    c = c ? c : client_.get();
    return await<PlaceAck>([&](auto cb) { c->place(s, cb); });
  }

  // The credentials a text must never carry: the key name, every line of the private key, and
  // each JWT the simulator received (whole, and each of its three parts).
  std::vector<std::string> credential_needles() const {
    std::vector<std::string> out{kKeyName};
    std::size_t start = 0;
    while (start < key_.private_key.size()) {
      std::size_t end = key_.private_key.find('\n', start);
      if (end == std::string::npos) end = key_.private_key.size();
      const std::string line = key_.private_key.substr(start, end - start);
      if (line.size() >= 16 && !line.starts_with("-----")) out.push_back(line);
      start = end + 1;
    }
    for (const auto& seen : sim_->requests()) {
      const std::string auth = seen.header("Authorization");
      if (!auth.starts_with("Bearer ")) continue;
      const std::string jwt = auth.substr(7);
      std::size_t from = 0;
      while (from <= jwt.size()) {
        std::size_t dot = jwt.find('.', from);
        if (dot == std::string::npos) dot = jwt.size();
        if (dot - from >= 16) out.push_back(jwt.substr(from, dot - from));
        from = dot + 1;
      }
      out.push_back(jwt);
    }
    return out;
  }
  // The needles found in any text of `e` (message, venue code and text, to_string()).
  std::vector<std::string> credentials_in(const Error& e) const {
    std::vector<std::string> found;
    const std::string texts[] = {e.message, e.venue_code, e.venue_text, e.to_string()};
    for (const auto& needle : credential_needles())
      for (const auto& text : texts)
        if (text.find(needle) != std::string::npos) {
          found.push_back(needle);
          break;
        }
    return found;
  }
  void expect_no_credentials(const Error& e) const {
    const auto found = credentials_in(e);
    EXPECT_TRUE(found.empty()) << found.size() << " credential(s) in: " << e.to_string();
  }

  ManualClock clock_{Timestamp::from_seconds(1'750'000'000)};
  std::atomic<std::int64_t> sim_skew_s_{0};  // the simulator's clock minus ours (JWT window tests)
  net::NetContext net_;
  InstrumentRegistry registry_;
  KeyPair key_;
  std::unique_ptr<sim::coinbase::CoinbaseSim> sim_;
  std::unique_ptr<CoinbaseClient> client_;
  InstrumentId btc_;
  InstrumentId btc_usdc_;
  InstrumentId eth_;
};

}  // namespace nzeza::venues::coinbase::test

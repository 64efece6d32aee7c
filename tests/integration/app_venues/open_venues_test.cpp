// app::open_venues against the Binance and Coinbase simulators: the live start opens every
// configured venue with the configured credentials, loads its metadata into the registry and
// checks a signed read-only call — or refuses the start naming every venue that failed, the
// call and the venue's answer, never a secret.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "app/live_feeds.hpp"
#include "app/venue_set.hpp"
#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "net/net_context.hpp"
#include "sim/binance/binance_sim.hpp"
#include "sim/coinbase/coinbase_sim.hpp"
#include "sim/kraken/kraken_sim.hpp"
#include "support/wait.hpp"

namespace nzeza::app {
namespace {

using namespace std::chrono_literals;

Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

// A P-256 key pair as Coinbase issues them (PEM), generated with OpenSSL.
KeyPair generate_ec_key() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  auto drain = [](BIO* bio) {
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string s(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return s;
  };
  KeyPair out;
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(pub, key);
  out.public_pem = drain(pub);
  BIO* priv = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey_traditional(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
  out.private_pem = drain(priv);
  EVP_PKEY_free(key);
  return out;
}

// Environment variables set by a test, removed at its end.
class ScopedEnv {
 public:
  ScopedEnv() = default;
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    for (const auto& n : names_) ::unsetenv(n.c_str());
  }
  void set(const std::string& name, const std::string& value) {
    ::setenv(name.c_str(), value.c_str(), 1);
    names_.push_back(name);
  }

 private:
  std::vector<std::string> names_;
};

constexpr const char* kCoinbaseKeyName = "organizations/app-test/apiKeys/app-key";
// Prefixes that are not the clients' default NZEZA_<VENUE>: the config's env:PREFIX must be
// what is read.
constexpr const char* kBinancePrefix = "APPTEST_BINANCE_MAIN";
constexpr const char* kCoinbasePrefix = "APPTEST_COINBASE_MAIN";

class OpenVenuesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_.start();
    sim::binance::SimOptions bo;
    bo.now_ms = [this] { return clock_.now().ms(); };
    binance_ = std::make_unique<sim::binance::BinanceSim>(bo);
    sim::binance::SimSymbol btc{"BTCUSDT", "BTC", "USDT"};
    btc.tick = dec("0.01");
    btc.step = dec("0.00001");
    btc.min_qty = dec("0.00002");
    btc.min_notional = dec("5");
    binance_->add_symbol(btc);
    sim::binance::SimSymbol eth{"ETHUSDT", "ETH", "USDT"};
    eth.tick = dec("0.05");
    eth.step = dec("0.0001");
    eth.min_qty = dec("0.0001");
    binance_->add_symbol(eth);
    binance_->set_price("BTCUSDT", dec("50000"));
    binance_->set_price("ETHUSDT", dec("3000"));
    binance_->set_balance("USDT", dec("1234.5"));

    key_ = generate_ec_key();
    sim::coinbase::SimOptions co;
    co.key_name = kCoinbaseKeyName;
    co.public_key_pem = key_.public_pem;
    co.websocket = false;
    co.now_seconds = [this] { return clock_.now().seconds(); };
    coinbase_ = std::make_unique<sim::coinbase::CoinbaseSim>(co);
    sim::coinbase::SimProduct p;
    p.product_id = "BTC-USD";
    p.base = "BTC";
    p.quote = "USD";
    p.price_increment = dec("0.01");
    p.base_increment = dec("0.00000001");
    p.base_min_size = dec("0.00001");
    p.base_max_size = dec("3400");
    p.quote_min_size = dec("1");
    p.price = dec("50000");
    coinbase_->add_product(p);
    coinbase_->set_balance("USD", dec("777"));
  }

  void TearDown() override {
    binance_->release_held();
    binance_->stop();
    coinbase_.reset();
    net_.stop();
    std::error_code ec;
    if (!file_.empty()) std::filesystem::remove(file_, ec);
  }

  VenueConfig binance_venue(std::vector<std::string> symbols = {"BTCUSDT", "ETHUSDT"}) const {
    VenueConfig v;
    v.venue = Venue::binance;
    v.symbols = std::move(symbols);
    v.rest_url = binance_->base_url();
    v.credentials = {CredentialsSource::Kind::env, kBinancePrefix};
    return v;
  }
  VenueConfig coinbase_venue(std::vector<std::string> symbols = {"BTC-USD"}) const {
    VenueConfig v;
    v.venue = Venue::coinbase;
    v.symbols = std::move(symbols);
    v.rest_url = coinbase_->base_url();
    v.credentials = {CredentialsSource::Kind::env, kCoinbasePrefix};
    return v;
  }
  void binance_credentials(const std::string& secret) {
    env_.set(std::string(kBinancePrefix) + "_API_KEY", binance_->options().api_key);
    env_.set(std::string(kBinancePrefix) + "_API_SECRET", secret);
  }
  void coinbase_credentials(const std::string& private_pem) {
    env_.set(std::string(kCoinbasePrefix) + "_API_KEY_NAME", kCoinbaseKeyName);
    env_.set(std::string(kCoinbasePrefix) + "_API_PRIVATE_KEY", private_pem);
  }
  // An owner-only credentials file with the Coinbase key (PEM newlines as "\n").
  std::string coinbase_credentials_file() {
    file_ = std::filesystem::temp_directory_path() /
            ("nzeza-app-venues-" + std::to_string(::getpid()) + ".key");
    std::string pem = key_.private_pem;
    std::string one_line;
    for (char c : pem) one_line += c == '\n' ? std::string("\\n") : std::string(1, c);
    std::ofstream(file_) << "api_key_name = " << kCoinbaseKeyName << "\napi_private_key = \""
                         << one_line << "\"\n";
    ::chmod(file_.c_str(), 0600);
    return file_.string();
  }

  static Config live(std::vector<VenueConfig> venues) {
    Config c;
    c.mode = Mode::live;
    c.venues = std::move(venues);
    return c;
  }
  OpenOptions options() const {
    OpenOptions o;
    o.deadline = 5s;
    o.request_timeout = 60s;  // longer than the deadline: the deadline is what a silent venue hits
    return o;
  }
  Result<std::unique_ptr<VenueSet>> open(const Config& config) {
    return open_venues(config, net_, clock_, registry_, options());
  }

  // Fails when any secret of the test appears in `text`.
  void expect_no_secret(const std::string& text) const {
    const std::vector<std::string> secrets = {binance_->options().api_key,
                                              binance_->options().api_secret, "wrong-secret-0001",
                                              "signature=", "PRIVATE KEY"};
    for (const auto& s : secrets) {
      EXPECT_EQ(text.find(s), std::string::npos) << "'" << s << "' leaks in: " << text;
    }
  }

  static bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  }

  ManualClock clock_{Timestamp::from_ms(1'700'000'000'000)};
  net::NetContext net_;
  InstrumentRegistry registry_;
  std::unique_ptr<sim::binance::BinanceSim> binance_;
  std::unique_ptr<sim::coinbase::CoinbaseSim> coinbase_;
  KeyPair key_;
  ScopedEnv env_;
  std::filesystem::path file_;
};

TEST_F(OpenVenuesTest, opens_every_venue_and_the_registry_holds_each_venues_tick_and_lot) {
  binance_credentials(binance_->options().api_secret);
  VenueConfig cb = coinbase_venue();
  cb.credentials = {CredentialsSource::Kind::file, coinbase_credentials_file()};
  auto set = open(live({binance_venue(), cb}));
  ASSERT_TRUE(set.ok()) << set.error().message;
  ASSERT_EQ((*set)->size(), 2u);
  EXPECT_TRUE((*set)->trading());

  const Instrument* btc = registry_.find(Venue::binance, "BTCUSDT");
  ASSERT_NE(btc, nullptr);
  EXPECT_EQ(btc->tick_size, dec("0.01"));
  EXPECT_EQ(btc->lot_size, dec("0.00001"));
  EXPECT_EQ(btc->min_size, dec("0.00002"));
  EXPECT_EQ(btc->min_notional, dec("5"));
  const Instrument* eth = registry_.find(Venue::binance, "ETHUSDT");
  ASSERT_NE(eth, nullptr);
  EXPECT_EQ(eth->tick_size, dec("0.05"));
  EXPECT_EQ(eth->lot_size, dec("0.0001"));
  const Instrument* cbtc = registry_.find(Venue::coinbase, "BTC-USD");
  ASSERT_NE(cbtc, nullptr);
  EXPECT_EQ(cbtc->tick_size, dec("0.01"));
  EXPECT_EQ(cbtc->lot_size, dec("0.00000001"));

  const OpenVenue* b = (*set)->find(Venue::binance);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->instruments, (std::vector<InstrumentId>{btc->id, eth->id}));
  EXPECT_TRUE(b->metadata_from_venue);
  ASSERT_NE(b->trading_client(), nullptr);
  EXPECT_EQ((*set)->trading_client(Venue::binance), b->trading_client());
  ASSERT_EQ(b->balances.size(), 1u);
  EXPECT_EQ(b->balances[0].currency(), "USDT");
  EXPECT_EQ(b->balances[0].available(), dec("1234.5"));
  EXPECT_EQ(binance_->bad_signatures(), 0);
  const OpenVenue* c = (*set)->find(Venue::coinbase);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->instruments, (std::vector<InstrumentId>{cbtc->id}));
  ASSERT_NE(c->trading_client(), nullptr);
  bool usd = false;
  for (const auto& bal : c->balances)
    usd = usd || (bal.currency() == "USD" && bal.available() == dec("777"));
  EXPECT_TRUE(usd);

  // The feeds of the set: the venues' instruments, the config's URLs.
  auto feeds = live_feeds(**set, registry_);
  ASSERT_TRUE(feeds.ok()) << feeds.error().message;
  ASSERT_EQ(feeds->size(), 2u);
  EXPECT_EQ((*feeds)[0].options.venue, Venue::binance);
  EXPECT_EQ((*feeds)[0].options.instruments, b->instruments);
  EXPECT_EQ((*feeds)[0].options.rest_url, binance_->base_url());
}

TEST_F(OpenVenuesTest, a_wrong_secret_refuses_the_start_naming_the_venue_and_the_signed_call) {
  binance_credentials("wrong-secret-0001");
  auto set = open(live({binance_venue()}));
  ASSERT_FALSE(set.ok());
  const std::string& m = set.error().message;
  EXPECT_TRUE(contains(m, "refusing to start")) << m;
  EXPECT_TRUE(contains(m, "binance: signed read-only call balances()")) << m;
  EXPECT_TRUE(contains(m, "-1022")) << m;  // the venue's answer: bad signature
  expect_no_secret(m);
  expect_no_secret(set.error().to_string());
  EXPECT_EQ(set.error().code, ErrorCode::auth_failed);
  // The metadata was public and fine; the registry is written only by a start that opens.
  EXPECT_EQ(registry_.find(Venue::binance, "BTCUSDT"), nullptr);
}

TEST_F(OpenVenuesTest, a_symbol_the_venue_does_not_list_is_named) {
  binance_credentials(binance_->options().api_secret);
  auto set = open(live({binance_venue({"BTCUSDT", "DOGEUSDT"})}));
  ASSERT_FALSE(set.ok());
  const std::string& m = set.error().message;
  EXPECT_TRUE(contains(m, "binance: load_instruments")) << m;
  EXPECT_TRUE(contains(m, "symbol 'DOGEUSDT' not listed by the venue")) << m;
  EXPECT_FALSE(contains(m, "'BTCUSDT'")) << m;
}

TEST_F(OpenVenuesTest, two_failing_venues_are_both_reported) {
  binance_credentials("wrong-secret-0001");
  coinbase_credentials(key_.private_pem);
  auto set = open(live({binance_venue(), coinbase_venue({"BTC-USD", "XYZ-USD"})}));
  ASSERT_FALSE(set.ok());
  const std::string& m = set.error().message;
  EXPECT_TRUE(contains(m, "2 of 2 venues failed")) << m;
  EXPECT_TRUE(contains(m, "binance: signed read-only call balances()")) << m;
  EXPECT_TRUE(contains(m, "coinbase: load_instruments")) << m;
  EXPECT_TRUE(contains(m, "'XYZ-USD'")) << m;
  EXPECT_LT(m.find("binance:"), m.find("coinbase:")) << "config order: " << m;
  expect_no_secret(m);
}

TEST_F(OpenVenuesTest, missing_credentials_name_the_configured_variables_of_every_venue) {
  // Nothing set under either prefix (the default NZEZA_<VENUE> names are not read).
  env_.set("NZEZA_BINANCE_API_KEY", "default-name-key");
  env_.set("NZEZA_BINANCE_API_SECRET", "default-name-secret");
  auto set = open(live({binance_venue(), coinbase_venue()}));
  ASSERT_FALSE(set.ok());
  const std::string& m = set.error().message;
  EXPECT_TRUE(contains(m, "binance: cannot build the client")) << m;
  EXPECT_TRUE(contains(m, std::string(kBinancePrefix) + "_API_KEY")) << m;
  EXPECT_TRUE(contains(m, "coinbase: cannot build the client")) << m;
  EXPECT_TRUE(contains(m, std::string(kCoinbasePrefix) + "_API_KEY_NAME")) << m;
  EXPECT_FALSE(contains(m, "default-name")) << m;
  EXPECT_EQ(binance_->request_count(), 0u);
}

TEST_F(OpenVenuesTest, a_venue_that_never_answers_is_refused_at_the_deadline) {
  binance_credentials(binance_->options().api_secret);
  coinbase_credentials(key_.private_pem);
  sim::binance::Fault hold;
  hold.kind = sim::binance::FaultKind::hold;
  binance_->script("GET /api/v3/exchangeInfo", hold);
  const Config config = live({binance_venue(), coinbase_venue()});
  std::atomic<bool> coinbase_answered{false};
  OpenOptions o = options();
  o.on_answer = [&](Venue venue, std::string_view call, bool ok) {
    if (venue == Venue::coinbase && call == "load_instruments" && ok) coinbase_answered = true;
  };
  auto result = std::async(std::launch::async,
                           [&] { return open_venues(config, net_, clock_, registry_, o); });
  // Coinbase answered its metadata and Binance's request is held: only the deadline is left.
  ASSERT_TRUE(testsupport::wait_until([&] {
    for (const auto& r : binance_->requests()) {
      if (r.target.rfind("/api/v3/exchangeInfo", 0) == 0) return true;
    }
    return false;
  }));
  ASSERT_TRUE(testsupport::wait_until([&] { return coinbase_answered.load(); }));
  ASSERT_EQ(result.wait_for(0s), std::future_status::timeout);
  clock_.advance(5s);
  ASSERT_EQ(result.wait_for(5s), std::future_status::ready);
  auto set = result.get();
  ASSERT_FALSE(set.ok());
  const std::string& m = set.error().message;
  EXPECT_TRUE(contains(m, "1 of 2 venues failed")) << m;
  EXPECT_TRUE(contains(m, "binance: load_instruments: no answer within 5 s")) << m;
  EXPECT_FALSE(contains(m, "coinbase")) << m;
}

TEST_F(OpenVenuesTest, paper_on_live_prices_needs_no_credentials_and_sends_nothing) {
  Config config;
  config.mode = Mode::paper;
  config.market_data.source = MarketDataSource::live;
  VenueConfig b = binance_venue();
  b.credentials = {};
  VenueConfig c = coinbase_venue();
  c.credentials = {};
  c.ws_url = "ws://127.0.0.1:1/feed";
  config.venues = {b, c};
  auto set = open(config);
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_FALSE((*set)->trading());
  ASSERT_EQ((*set)->size(), 2u);
  EXPECT_EQ((*set)->trading_client(Venue::binance), nullptr);
  const Instrument* btc = registry_.find(Venue::binance, "BTCUSDT");
  ASSERT_NE(btc, nullptr);
  EXPECT_EQ(btc->canonical, "BTC-USDT");
  EXPECT_EQ((*set)->find(Venue::binance)->instruments.size(), 2u);
  EXPECT_NE(registry_.find(Venue::coinbase, "BTC-USD"), nullptr);
  EXPECT_EQ(binance_->request_count(), 0u);
  EXPECT_TRUE(coinbase_->requests().empty());

  auto feeds = live_feeds(**set, registry_);
  ASSERT_TRUE(feeds.ok()) << feeds.error().message;
  ASSERT_EQ(feeds->size(), 2u);
  EXPECT_EQ((*feeds)[1].options.url, "ws://127.0.0.1:1/feed");
  EXPECT_EQ((*feeds)[1].options.instruments.size(), 1u);
}

// Kraken: a base64 secret, nonces and API-Sign checked by the simulator's own code.
class OpenKrakenTest : public ::testing::Test {
 protected:
  static constexpr const char* kPrefix = "APPTEST_KRAKEN_MAIN";
  static constexpr const char* kSecret = "a3Jha2VuLXNpbS1zZWNyZXQtMDAwMS1mb3ItYXBwLXRlc3Rz";

  void SetUp() override {
    net_.start();
    testsupport::kraken::KrakenSimOptions o;
    o.api_secret_b64 = kSecret;
    o.now = [this] { return clock_.now(); };
    sim_ = std::make_unique<testsupport::kraken::KrakenSim>(o);
    sim_->add_pair(testsupport::kraken::SimPair{});  // XXBTZUSD, tick 0.1, 8 lot decimals
    sim_->set_balance("ZUSD", dec("4321"));
  }
  void TearDown() override {
    sim_->release_held();
    sim_.reset();
    net_.stop();
    ::unsetenv((std::string(kPrefix) + "_API_KEY").c_str());
    ::unsetenv((std::string(kPrefix) + "_API_SECRET").c_str());
  }
  Result<std::unique_ptr<VenueSet>> open(const std::string& secret,
                                         std::vector<std::string> symbols) {
    ::setenv((std::string(kPrefix) + "_API_KEY").c_str(), "sim-key", 1);
    ::setenv((std::string(kPrefix) + "_API_SECRET").c_str(), secret.c_str(), 1);
    Config c;
    c.mode = Mode::live;
    VenueConfig v;
    v.venue = Venue::kraken;
    v.symbols = std::move(symbols);
    v.rest_url = sim_->base_url();
    v.credentials = {CredentialsSource::Kind::env, kPrefix};
    c.venues = {v};
    OpenOptions o;
    o.deadline = 5s;
    o.request_timeout = 60s;
    return open_venues(c, net_, clock_, registry_, o);
  }

  ManualClock clock_{Timestamp::from_ms(1'700'000'000'000)};
  net::NetContext net_;
  InstrumentRegistry registry_;
  std::unique_ptr<testsupport::kraken::KrakenSim> sim_;
};

TEST_F(OpenKrakenTest, opens_kraken_and_the_registry_holds_its_tick_and_lot) {
  auto set = open(kSecret, {"BTC/USD"});
  ASSERT_TRUE(set.ok()) << set.error().message;
  const OpenVenue* k = (*set)->find(Venue::kraken);
  ASSERT_NE(k, nullptr);
  ASSERT_EQ(k->instruments.size(), 1u);
  const Instrument* btc = registry_.get(k->instruments[0]);
  ASSERT_NE(btc, nullptr);
  EXPECT_EQ(btc->tick_size, dec("0.1"));
  EXPECT_EQ(btc->lot_size, dec("0.00000001"));
  EXPECT_EQ(btc->min_size, dec("0.0001"));
  bool usd = false;
  for (const auto& b : k->balances) usd = usd || b.available() == dec("4321");
  EXPECT_TRUE(usd);
}

TEST_F(OpenKrakenTest, a_wrong_secret_refuses_the_start_naming_kraken_and_the_signed_call) {
  const std::string wrong = "d3Jvbmctc2VjcmV0LWZvci1rcmFrZW4tYXBwLXRlc3Rz";
  auto set = open(wrong, {"BTC/USD"});
  ASSERT_FALSE(set.ok());
  const std::string& m = set.error().message;
  EXPECT_NE(m.find("kraken: signed read-only call balances()"), std::string::npos) << m;
  EXPECT_NE(m.find("EAPI:Invalid"), std::string::npos) << m;  // the venue's answer
  for (const std::string& s :
       {std::string(kSecret), wrong, std::string("sim-key"), std::string("API-Sign")}) {
    EXPECT_EQ(m.find(s), std::string::npos) << "'" << s << "' leaks in: " << m;
  }
}

TEST_F(OpenKrakenTest, a_pair_kraken_does_not_list_is_named) {
  auto set = open(kSecret, {"BTC/USD", "DOGE/USD"});
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find("'DOGE/USD' not listed by the venue"), std::string::npos)
      << set.error().message;
}

}  // namespace
}  // namespace nzeza::app

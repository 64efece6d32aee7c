// make_client (factory.hpp): credentials from the environment or an owner-only file, refused
// clearly when missing; the client it builds talks to the simulator.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "binance_fixture.hpp"
#include "support/test_pki.hpp"
#include "venues/binance/factory.hpp"

namespace nzeza::venues::binance::test {
namespace {

using BinanceFactory = BinanceClientFixture;

TEST_F(BinanceFactory, builds_a_working_client_from_environment_credentials) {
  ::setenv("NZEZA_BINANCE_API_KEY", sim_->options().api_key.c_str(), 1);
  ::setenv("NZEZA_BINANCE_API_SECRET", sim_->options().api_secret.c_str(), 1);
  ClientOptions o;
  o.base_url = sim_->base_url();
  o.request_timeout = 2s;
  ClientDeps d{&net_, &clock_, &registry_};
  auto c = make_client(o, d);
  ::unsetenv("NZEZA_BINANCE_API_KEY");
  ::unsetenv("NZEZA_BINANCE_API_SECRET");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ((*c)->venue(), Venue::binance);
  auto b = await<std::vector<domain::Balance>>([&](auto cb) { (*c)->balances(cb); });
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  EXPECT_EQ(b->size(), 3u);
  EXPECT_EQ(sim_->bad_signatures(), 0);
}

TEST_F(BinanceFactory, reads_an_owner_only_credentials_file) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("nzeza-binance-creds-" + std::to_string(::getpid()));
  {
    std::ofstream f(path);
    f << "# test credentials\napi_key = " << sim_->options().api_key
      << "\napi_secret = " << sim_->options().api_secret << "\n";
  }
  ::chmod(path.c_str(), 0600);
  ClientOptions o;
  o.base_url = sim_->base_url();
  o.credentials.file = path;
  o.credentials.use_environment = false;
  ClientDeps d{&net_, &clock_, &registry_};
  auto c = make_client(o, d);
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  auto t = await<Timestamp>([&](auto cb) { (*c)->server_time(cb); });
  EXPECT_TRUE(t.ok());
  // A looser file is refused.
  ::chmod(path.c_str(), 0644);
  auto loose = make_client(o, d);
  EXPECT_FALSE(loose.ok());
  std::filesystem::remove(path);
}

TEST_F(BinanceFactory, refuses_missing_credentials_and_missing_services) {
  ClientOptions o;
  o.base_url = sim_->base_url();
  o.credentials.use_environment = false;
  ClientDeps d{&net_, &clock_, &registry_};
  auto c = make_client(o, d);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("api_key"), std::string::npos) << c.error().message;
  auto none = make_client(o, ClientDeps{});
  EXPECT_EQ(none.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace nzeza::venues::binance::test

namespace nzeza::venues::binance::test {
namespace {

TEST_F(BinanceFactory, speaks_https_to_a_venue_trusted_through_ca_file) {
  sim::binance::SimOptions so;
  so.tls = true;
  so.now_ms = [this] { return clock_.now().ms(); };
  sim::binance::BinanceSim tls_sim(so);
  tls_sim.add_symbol(sim::binance::SimSymbol{"BTCUSDT", "BTC", "USDT"});
  tls_sim.set_balance("USDT", dec("10"));
  ::setenv("NZEZA_BINANCE_API_KEY", so.api_key.c_str(), 1);
  ::setenv("NZEZA_BINANCE_API_SECRET", so.api_secret.c_str(), 1);
  ClientOptions o;
  o.base_url = tls_sim.base_url();
  o.ca_file = testsupport::TestPki::shared().ca_file();
  auto c = make_client(o, ClientDeps{&net_, &clock_, &registry_});
  ::unsetenv("NZEZA_BINANCE_API_KEY");
  ::unsetenv("NZEZA_BINANCE_API_SECRET");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(tls_sim.base_url().rfind("https://", 0), 0u);
  auto b = await<std::vector<domain::Balance>>([&](auto cb) { (*c)->balances(cb); });
  ASSERT_TRUE(b.ok()) << b.error().to_string();
  ASSERT_EQ(b->size(), 1u);
  EXPECT_EQ((*b)[0].available(), dec("10"));
  c->reset();
  tls_sim.stop();
}

}  // namespace
}  // namespace nzeza::venues::binance::test

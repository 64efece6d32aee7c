// make_client: credentials from the environment (private_key required; account_address and
// vault_address optional and validated), base URL → network, no contact with the venue.

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/clock.hpp"
#include "net/net_context.hpp"
#include "venues/hyperliquid/client.hpp"
#include "venues/hyperliquid/factory.hpp"

namespace nzeza::venues::hyperliquid {
namespace {

class HyperliquidFactoryTest : public ::testing::Test {
 protected:
  void SetUp() override { clear(); }
  void TearDown() override { clear(); }
  static void clear() {
    ::unsetenv("NZEZA_HYPERLIQUID_PRIVATE_KEY");
    ::unsetenv("NZEZA_HYPERLIQUID_ACCOUNT_ADDRESS");
    ::unsetenv("NZEZA_HYPERLIQUID_VAULT_ADDRESS");
    ::unsetenv("NZEZA_HYPERLIQUID_CREDENTIALS_FILE");
  }
  ClientDeps deps() { return ClientDeps{&net_, &clock_, &registry_}; }
  ManualClock clock_;
  net::NetContext net_;
  InstrumentRegistry registry_;
};

constexpr const char* kKey = "0x0000000000000000000000000000000000000000000000000000000000000001";

TEST_F(HyperliquidFactoryTest, builds_a_client_from_environment_credentials) {
  ::setenv("NZEZA_HYPERLIQUID_PRIVATE_KEY", kKey, 1);
  ::setenv("NZEZA_HYPERLIQUID_ACCOUNT_ADDRESS", "0x00000000000000000000000000000000000000AB", 1);
  ClientOptions o;
  o.base_url = "http://127.0.0.1:1/";
  auto c = make_client(o, deps());
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ((*c)->venue(), Venue::hyperliquid);
  auto* hl = dynamic_cast<HyperliquidClient*>(c->get());
  ASSERT_NE(hl, nullptr);
  EXPECT_EQ(hl->signer_address(), "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
  EXPECT_EQ(hl->user_address(), "0x00000000000000000000000000000000000000ab");
  EXPECT_TRUE((*c)->capabilities().dead_man_switch);
}

TEST_F(HyperliquidFactoryTest, refuses_a_missing_private_key_naming_the_variable) {
  auto c = make_client(ClientOptions{}, deps());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("NZEZA_HYPERLIQUID_PRIVATE_KEY"), std::string::npos)
      << c.error().message;
}

TEST_F(HyperliquidFactoryTest, refuses_a_malformed_key_or_vault_without_echoing_the_key) {
  ::setenv("NZEZA_HYPERLIQUID_PRIVATE_KEY", "0xdeadbeefcafe", 1);
  auto bad_key = make_client(ClientOptions{}, deps());
  ASSERT_FALSE(bad_key.ok());
  EXPECT_EQ(bad_key.error().message.find("deadbeefcafe"), std::string::npos);
  ::setenv("NZEZA_HYPERLIQUID_PRIVATE_KEY", kKey, 1);
  ::setenv("NZEZA_HYPERLIQUID_VAULT_ADDRESS", "0x1234", 1);
  auto bad_vault = make_client(ClientOptions{}, deps());
  ASSERT_FALSE(bad_vault.ok());
  EXPECT_EQ(bad_vault.error().code, ErrorCode::invalid_argument);
}

TEST_F(HyperliquidFactoryTest, refuses_missing_dependencies) {
  ::setenv("NZEZA_HYPERLIQUID_PRIVATE_KEY", kKey, 1);
  auto c = make_client(ClientOptions{}, ClientDeps{});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace nzeza::venues::hyperliquid

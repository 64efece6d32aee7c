// The dYdX key -> address vector from shared/fixtures/dydx/signing_vectors.json (taken from the
// official clients' tests), read in place: mnemonic -> private key -> compressed public key ->
// RIPEMD160(SHA256) -> bech32 address, every intermediate value checked.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/fixtures.hpp"
#include "venues/dydx/hashes.hpp"
#include "venues/dydx/wallet.hpp"

namespace nzeza::venues::dydx {
namespace {

boost::json::object load_vectors() {
  const auto text =
      nzeza::testing::read_file(nzeza::testing::fixtures_dir() / "dydx" / "signing_vectors.json");
  return boost::json::parse(text).as_object();
}

std::string str(const boost::json::object& o, const char* key) {
  return std::string(o.at(key).as_string());
}

TEST(DydxSigningVectors, mnemonic_derives_the_official_key_public_key_and_address) {
  NZEZA_REQUIRE_FIXTURES();
  const auto v = load_vectors();
  auto wallet = Wallet::from_mnemonic(str(v, "mnemonic"));
  ASSERT_TRUE(wallet.ok()) << wallet.error().to_string();
  EXPECT_EQ(to_hex(wallet->private_key_for_tests()), str(v, "private_key_hex"));
  EXPECT_EQ(to_hex(wallet->public_key()), str(v, "compressed_public_key_hex"));
  auto rip = ripemd160(sha256(wallet->public_key()));
  ASSERT_TRUE(rip.ok());
  EXPECT_EQ(to_hex(*rip), str(v, "ripemd160_sha256_pubkey_hex"));
  EXPECT_EQ(wallet->address(), str(v, "address"));
}

TEST(DydxSigningVectors, private_key_alone_gives_the_official_address) {
  NZEZA_REQUIRE_FIXTURES();
  const auto v = load_vectors();
  auto key = parse_hex(str(v, "private_key_hex"));
  ASSERT_TRUE(key.ok());
  ASSERT_EQ(key->size(), 32u);
  Bytes32 k{};
  std::copy(key->begin(), key->end(), k.begin());
  auto wallet = Wallet::from_private_key(k);
  ASSERT_TRUE(wallet.ok());
  EXPECT_EQ(to_hex(wallet->public_key()), str(v, "compressed_public_key_hex"));
  EXPECT_EQ(wallet->address(), str(v, "address"));
}

}  // namespace
}  // namespace nzeza::venues::dydx

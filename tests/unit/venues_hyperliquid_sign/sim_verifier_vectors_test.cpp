// The simulator's own verifier (its keccak, msgpack and EIP-712 code, not the signer's) on the
// shared signing vectors: it must recompute every connectionId and recover the vector's signer
// from every mainnet and testnet signature — otherwise the simulator's checks would prove nothing.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "common/fixtures.hpp"
#include "sim/hyperliquid/verifier.hpp"

namespace sim = nzeza::sim::hyperliquid;
namespace json = boost::json;

TEST(HyperliquidSimVerifier, own_keccak_is_keccak256) {
  const auto empty = sim::sim_keccak256("");
  EXPECT_EQ(sim::sim_hex(empty.data(), empty.size()),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  // Longer than one 136-byte block.
  const std::string long_input(300, 'a');
  const auto h = sim::sim_keccak256(long_input);
  EXPECT_EQ(sim::sim_hex(h.data(), h.size()).size(), 64U);
}

TEST(HyperliquidSimVerifier, recovers_the_vector_signer_from_every_l1_vector) {
  NZEZA_REQUIRE_FIXTURES();
  const auto v = json::parse(nzeza::testing::read_file(nzeza::testing::fixtures_dir() /
                                                       "hyperliquid/signing_vectors.json"));
  const std::string address(v.at("signer_address_derived").as_string());
  int checked = 0;
  for (const auto& [name, vec] : v.at("l1_vectors").as_object()) {
    SCOPED_TRACE(std::string(name));
    const auto mp = sim::sim_msgpack(vec.at("action"));
    ASSERT_TRUE(mp.has_value());
    EXPECT_EQ(sim::sim_hex(reinterpret_cast<const std::uint8_t*>(mp->data()), mp->size()),
              std::string_view(vec.at("msgpack_hex").as_string()));
    for (const bool mainnet : {true, false}) {
      const auto& net = vec.at(mainnet ? "mainnet" : "testnet");
      sim::RecoverInput in;
      in.action = &vec.at("action");
      in.nonce = vec.at("nonce").to_number<std::uint64_t>();
      if (!vec.at("vaultAddress").is_null()) {
        in.vault_address = std::string(vec.at("vaultAddress").as_string());
      }
      in.mainnet = mainnet;
      in.r = std::string(net.at("r").as_string());
      in.s = std::string(net.at("s").as_string());
      in.v = net.at("v").to_number<int>();
      const auto rec = sim::recover_l1_signer(in);
      EXPECT_TRUE(rec.error.empty()) << rec.error;
      EXPECT_EQ(rec.connection_id, std::string_view(vec.at("connectionId").as_string()));
      EXPECT_EQ(rec.address, address);
      // The wrong network's source recovers someone else.
      in.mainnet = !mainnet;
      EXPECT_NE(sim::recover_l1_signer(in).address, address);
      ++checked;
    }
  }
  EXPECT_GE(checked, 16);
}

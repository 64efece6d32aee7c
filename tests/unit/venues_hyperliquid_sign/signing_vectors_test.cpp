// Reproduces every vector of fixtures/hyperliquid/signing_vectors.json byte for byte: msgpack,
// hash preimage, connectionId, domain separator, struct hash, EIP-712 digest, r, s, v — for the
// L1 vectors on mainnet and testnet, the phantom-agent vector, and the user-signed vectors.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "common/fixtures.hpp"
#include "venues/hyperliquid/action_hash.hpp"
#include "venues/hyperliquid/eip712.hpp"
#include "venues/hyperliquid/hash.hpp"
#include "venues/hyperliquid/msgpack.hpp"
#include "venues/hyperliquid/signer.hpp"
#include "venues/hyperliquid/wire.hpp"

namespace hl = nzeza::venues::hyperliquid;
namespace json = boost::json;

namespace {

json::value load_vectors() {
  const auto text = nzeza::testing::read_file(nzeza::testing::fixtures_dir() /
                                              "hyperliquid/signing_vectors.json");
  return json::parse(text);
}

// The SDK prints r/s without leading zeros: pad to 64 hex digits.
std::string padded(std::string_view hex) {
  if (hex.starts_with("0x")) hex.remove_prefix(2);
  return "0x" + std::string(64 - hex.size(), '0') + std::string(hex);
}

hl::Signer test_signer(const json::value& v) {
  auto s = hl::Signer::from_private_key(std::string_view(v.at("private_key").as_string()));
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

}  // namespace

TEST(HyperliquidSigningVectors, derives_the_vector_address_from_the_private_key) {
  NZEZA_REQUIRE_FIXTURES();
  const auto v = load_vectors();
  const auto signer = test_signer(v);
  EXPECT_EQ(signer.address_hex(), std::string_view(v.at("signer_address_derived").as_string()));
}

TEST(HyperliquidSigningVectors, reproduces_every_l1_vector_byte_for_byte) {
  NZEZA_REQUIRE_FIXTURES();
  const auto v = load_vectors();
  const auto signer = test_signer(v);
  const auto& vectors = v.at("l1_vectors").as_object();
  ASSERT_GE(vectors.size(), 8U);
  int checked = 0;
  for (const auto& [name, vec] : vectors) {
    SCOPED_TRACE(std::string(name));
    const auto& action = vec.at("action");
    const auto mp = hl::msgpack_encode(action);
    ASSERT_TRUE(mp.ok()) << mp.error().to_string();
    EXPECT_EQ(hl::to_hex(*mp), std::string_view(vec.at("msgpack_hex").as_string()));

    hl::ActionEnvelope env;
    env.nonce = vec.at("nonce").to_number<std::uint64_t>();
    if (!vec.at("vaultAddress").is_null()) {
      env.vault = hl::parse_address(std::string_view(vec.at("vaultAddress").as_string()));
      ASSERT_TRUE(env.vault.has_value());
    }
    const auto pre = hl::action_preimage(action, env);
    ASSERT_TRUE(pre.ok());
    EXPECT_EQ(hl::to_hex(*pre), std::string_view(vec.at("hash_preimage_hex").as_string()));
    const auto conn = hl::action_hash(action, env);
    ASSERT_TRUE(conn.ok());
    EXPECT_EQ(hl::to_0x(*conn), std::string_view(vec.at("connectionId").as_string()));

    for (const bool mainnet : {true, false}) {
      SCOPED_TRACE(mainnet ? "mainnet" : "testnet");
      const auto& net = vec.at(mainnet ? "mainnet" : "testnet");
      EXPECT_EQ(hl::to_0x(hl::domain_separator(hl::exchange_domain())),
                std::string_view(net.at("domainSeparator").as_string()));
      EXPECT_EQ(hl::to_0x(hl::agent_struct_hash(mainnet, *conn)),
                std::string_view(net.at("structHash").as_string()));
      EXPECT_EQ(hl::to_0x(hl::l1_digest(mainnet, *conn)),
                std::string_view(net.at("eip712_digest").as_string()));
      const auto sig = signer.sign_l1_action(action, env, mainnet);
      ASSERT_TRUE(sig.ok());
      EXPECT_EQ(hl::to_0x(sig->r), padded(net.at("r").as_string()));
      EXPECT_EQ(hl::to_0x(sig->s), padded(net.at("s").as_string()));
      EXPECT_EQ(sig->v, net.at("v").to_number<int>());
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2 * static_cast<int>(vectors.size()));
}

TEST(HyperliquidSigningVectors, phantom_agent_vector_from_the_order_request) {
  NZEZA_REQUIRE_FIXTURES();
  const auto v = load_vectors();
  const auto& vec = v.at("phantom_agent_vector");
  const auto& req = vec.at("order_request");
  // The SDK's float_to_wire on the request's floats; here via Decimal::from_double, which reads
  // a double as its shortest round-trip text (exact for these values).
  hl::OrderWire o;
  o.asset = req.at("asset").to_number<std::uint32_t>();
  o.is_buy = req.at("is_buy").as_bool();
  o.limit_px = nzeza::Decimal::from_double(req.at("limit_px").to_number<double>()).value();
  o.size = nzeza::Decimal::from_double(req.at("sz").to_number<double>()).value();
  o.reduce_only = req.at("reduce_only").as_bool();
  o.tif = hl::Tif::ioc;
  const std::vector<hl::OrderWire> orders{o};
  const auto action = hl::order_action(orders);
  EXPECT_EQ(json::serialize(action), json::serialize(vec.at("action")));
  hl::ActionEnvelope env;
  env.nonce = vec.at("nonce").to_number<std::uint64_t>();
  const auto conn = hl::action_hash(action, env);
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(hl::to_0x(*conn), std::string_view(vec.at("expected_connectionId").as_string()));
}

TEST(HyperliquidSigningVectors, reproduces_the_user_signed_vectors) {
  NZEZA_REQUIRE_FIXTURES();
  const auto v = load_vectors();
  const auto signer = test_signer(v);
  const auto& vectors = v.at("user_signed_vectors").as_object();
  ASSERT_EQ(vectors.size(), 2U);
  for (const auto& [name, vec] : vectors) {
    SCOPED_TRACE(std::string(name));
    hl::Eip712Domain domain{"HyperliquidSignTransaction", "1", 0x66eee, hl::Address{}};
    EXPECT_EQ(hl::to_0x(hl::domain_separator(domain)),
              std::string_view(vec.at("domainSeparator").as_string()));
    // Fields in type-string order, typed from the type string itself.
    const std::string type_string(vec.at("typeString").as_string());
    const auto open = type_string.find('(');
    const auto body = type_string.substr(open + 1, type_string.size() - open - 2);
    const auto& msg = vec.at("message").as_object();
    std::vector<hl::Eip712Value> values;
    std::size_t pos = 0;
    while (pos < body.size()) {
      auto comma = body.find(',', pos);
      if (comma == std::string::npos) comma = body.size();
      const auto field = body.substr(pos, comma - pos);
      const auto space = field.find(' ');
      const auto type = field.substr(0, space);
      const auto fname = field.substr(space + 1);
      const auto& fv = msg.at(fname);
      if (type == "string") {
        values.push_back(hl::Eip712Value::string(std::string_view(fv.as_string())));
      } else {
        ASSERT_EQ(type, "uint64");
        values.push_back(hl::Eip712Value::uint(fv.to_number<std::uint64_t>()));
      }
      pos = comma + 1;
    }
    const auto sh = hl::struct_hash(type_string, values);
    EXPECT_EQ(hl::to_0x(sh), std::string_view(vec.at("structHash").as_string()));
    const auto digest = hl::typed_data_digest(hl::domain_separator(domain), sh);
    EXPECT_EQ(hl::to_0x(digest), std::string_view(vec.at("eip712_digest").as_string()));
    const auto sig = signer.sign_digest(digest);
    ASSERT_TRUE(sig.ok());
    EXPECT_EQ(hl::to_0x(sig->r), padded(vec.at("r").as_string()));
    EXPECT_EQ(hl::to_0x(sig->s), padded(vec.at("s").as_string()));
    EXPECT_EQ(sig->v, vec.at("v").to_number<int>());
  }
}

// Keccak-256 (not SHA3), key → address, deterministic recoverable signatures, the action hash
// envelope (vault, expiresAfter), nonces.

#include "venues/hyperliquid/signer.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>

#include "venues/hyperliquid/action_hash.hpp"
#include "venues/hyperliquid/eip712.hpp"
#include "venues/hyperliquid/hash.hpp"

namespace hl = nzeza::venues::hyperliquid;
namespace json = boost::json;

namespace {
constexpr std::string_view kKeyOne =
    "0x0000000000000000000000000000000000000000000000000000000000000001";
constexpr std::string_view kKeyTwo =
    "0000000000000000000000000000000000000000000000000000000000000002";
}  // namespace

TEST(HyperliquidKeccak, is_keccak256_not_sha3) {
  EXPECT_EQ(hl::to_hex(hl::keccak256("")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(hl::to_hex(hl::keccak256("abc")),
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  EXPECT_EQ(hl::keccak256("ab", "c"), hl::keccak256("abc"));
}

TEST(HyperliquidHex, round_trips_and_refuses_bad_text) {
  EXPECT_EQ(hl::from_hex("0x00ff10").value(), std::string("\x00\xff\x10", 3));
  EXPECT_EQ(hl::from_hex("ABcd").value(), std::string("\xab\xcd", 2));
  EXPECT_FALSE(hl::from_hex("abc").has_value());
  EXPECT_FALSE(hl::from_hex("zz").has_value());
  EXPECT_FALSE(hl::parse_address("0x1234").has_value());
  EXPECT_TRUE(hl::fixed_from_hex<32>("0x1", true).has_value());
  EXPECT_FALSE(hl::fixed_from_hex<32>("0x1", false).has_value());
}

TEST(HyperliquidSigner, derives_the_ethereum_address_of_well_known_keys) {
  auto one = hl::Signer::from_private_key(kKeyOne);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->address_hex(), "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
  auto two = hl::Signer::from_private_key(kKeyTwo);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->address_hex(), "0x2b5ad5c4795c026514f8317c7a215e218dccd6cf");
}

TEST(HyperliquidSigner, refuses_malformed_and_out_of_range_keys_without_echoing_them) {
  for (std::string_view bad :
       {std::string_view("0x12"), std::string_view("not hex at all"),
        std::string_view("0x0000000000000000000000000000000000000000000000000000000000000000"),
        std::string_view("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")}) {
    const auto s = hl::Signer::from_private_key(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, nzeza::ErrorCode::invalid_argument);
    if (bad.size() > 8) {
      EXPECT_EQ(s.error().message.find(bad), std::string::npos);
    }
  }
}

TEST(HyperliquidSigner, signatures_are_deterministic_low_s_and_recover_to_the_signer) {
  auto signer = hl::Signer::from_private_key(kKeyTwo);
  ASSERT_TRUE(signer.ok());
  const auto digest = hl::keccak256("nzeza test digest");
  const auto a = signer->sign_digest(digest);
  const auto b = signer->sign_digest(digest);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->r, b->r);
  EXPECT_EQ(a->s, b->s);
  EXPECT_EQ(a->v, b->v);
  EXPECT_TRUE(a->v == 27 || a->v == 28);
  EXPECT_LT(a->s[0], 0x80);  // low-s: s <= n/2 < 2^255
  const auto rec = hl::recover_address(digest, *a);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(*rec, signer->address());
  // A different digest does not recover this signer.
  const auto other = hl::recover_address(hl::keccak256("other"), *a);
  EXPECT_TRUE(!other.ok() || *other != signer->address());
}

TEST(HyperliquidSigner, signature_json_pads_r_and_s_to_32_bytes) {
  hl::Signature sig;
  sig.r[31] = 0x01;
  sig.s[0] = 0x7f;
  sig.v = 28;
  const auto j = sig.to_json();
  EXPECT_EQ(j.at("r").as_string(),
            "0x0000000000000000000000000000000000000000000000000000000000000001");
  EXPECT_EQ(j.at("s").as_string().size(), 66U);
  EXPECT_EQ(j.at("v").as_int64(), 28);
}

TEST(HyperliquidActionHash, envelope_appends_nonce_vault_flag_and_expires_after) {
  json::object action;
  action["type"] = "scheduleCancel";
  hl::ActionEnvelope env;
  env.nonce = 0x0102030405060708ULL;
  auto pre = hl::action_preimage(action, env);
  ASSERT_TRUE(pre.ok());
  EXPECT_EQ(hl::to_hex(*pre),
            "81a474797065ae7363686564756c6543616e63656c"
            "0102030405060708"
            "00");

  env.vault = hl::parse_address("0x00000000000000000000000000000000000000aa");
  env.expires_after = 0x1000;
  pre = hl::action_preimage(action, env);
  ASSERT_TRUE(pre.ok());
  EXPECT_EQ(hl::to_hex(*pre),
            "81a474797065ae7363686564756c6543616e63656c"
            "0102030405060708"
            "01"
            "00000000000000000000000000000000000000aa"
            "00"
            "0000000000001000");
  // expiresAfter changes the hash: the venue sees a different action.
  const auto with = hl::action_hash(action, env);
  env.expires_after.reset();
  const auto without = hl::action_hash(action, env);
  ASSERT_TRUE(with.ok() && without.ok());
  EXPECT_NE(*with, *without);
}

TEST(HyperliquidEip712, mainnet_and_testnet_sources_give_different_digests) {
  const auto conn = hl::keccak256("x");
  EXPECT_NE(hl::l1_digest(true, conn), hl::l1_digest(false, conn));
  EXPECT_EQ(hl::l1_digest(true, conn),
            hl::typed_data_digest(hl::domain_separator(hl::exchange_domain()),
                                  hl::agent_struct_hash(true, conn)));
}

TEST(HyperliquidSigner, nonces_are_strictly_increasing_even_when_the_clock_stalls_or_steps_back) {
  auto signer = hl::Signer::from_private_key(kKeyOne);
  ASSERT_TRUE(signer.ok());
  std::set<std::uint64_t> seen;
  std::uint64_t last = 0;
  const std::uint64_t clock[] = {1000, 1000, 1000, 999, 500, 2000, 2000, 1500};
  for (auto now : clock) {
    const auto n = signer->next_nonce(now);
    EXPECT_GT(n, last);
    EXPECT_GE(n, now <= last ? last + 1 : now);
    EXPECT_TRUE(seen.insert(n).second);
    last = n;
  }
  EXPECT_EQ(signer->last_nonce(), last);
  EXPECT_EQ(last, 2002U);  // 1000..1004, then 2000, 2001, 2002
}

TEST(HyperliquidSigner, moved_from_signer_refuses_to_sign) {
  auto signer = hl::Signer::from_private_key(kKeyOne);
  ASSERT_TRUE(signer.ok());
  hl::Signer moved = std::move(signer).value();
  EXPECT_TRUE(moved.sign_digest(hl::keccak256("a")).ok());
}

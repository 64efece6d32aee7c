// dYdX wallet: BIP-39 (English list, checksum, seed), BIP-32 (spec test vector 1), bech32
// (BIP-173 vectors), addresses and RFC 6979 low-S signatures.

#include "venues/dydx/wallet.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <secp256k1.h>

#include <string>
#include <vector>

#include "venues/dydx/bech32.hpp"
#include "venues/dydx/bip39_english.hpp"
#include "venues/dydx/hashes.hpp"
#include "venues/dydx/hd_key.hpp"
#include "venues/dydx/mnemonic.hpp"

namespace nzeza::venues::dydx {
namespace {

std::vector<std::uint8_t> hex(std::string_view text) {
  auto r = parse_hex(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : std::vector<std::uint8_t>{};
}

TEST(DydxBip39, english_wordlist_is_the_standard_list) {
  ASSERT_EQ(kBip39English.size(), 2048u);
  EXPECT_EQ(kBip39English.front(), "abandon");
  EXPECT_EQ(kBip39English.back(), "zoo");
  std::string joined;
  for (std::size_t i = 0; i < kBip39English.size(); ++i) {
    if (i > 0) {
      EXPECT_LT(kBip39English[i - 1], kBip39English[i]) << "not sorted at " << i;
    }
    joined += kBip39English[i];
    joined += '\n';
  }
  EXPECT_EQ(to_hex(sha256(joined)), kBip39EnglishSha256);
}

struct Bip39Vector {
  const char* entropy;
  const char* mnemonic;
  const char* seed_with_trezor_passphrase;
};

// BIP-39 reference vectors (trezor/python-mnemonic vectors.json, passphrase "TREZOR").
const Bip39Vector kBip39Vectors[] = {
    {"00000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "about",
     "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2c"
     "f141630c7a3c4ab7c81b2f001698e7463b04"},
    {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
     "legal winner thank year wave sausage worth useful legal winner thank yellow",
     "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1"
     "069be3a3a5bd381ee6260e8d9739fce1f607"},
    {"ffffffffffffffffffffffffffffffff", "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
     "ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b"
     "11c61dee327651a14c34e18231052e48c069"},
    {"9e885d952ad362caeb4efe34a8e91bd2",
     "ozone drill grab fiber curtain grace pudding thank cruise elder eight picnic",
     "274ddc525802f7c828d8ef7ddbcdc5304e87ac3535913611fbbfa986d0c9e5476c91689f9c8a54fd55bd38606aa6"
     "a8595ad213d4c9c9f9aca3fb217069a41028"},
    {"0000000000000000000000000000000000000000000000000000000000000000",
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
     "abandon art",
     "bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561"
     "a7c3de6f5d4a10be8ed2a5e608d68f92fcc8"},
};

TEST(DydxBip39, reference_vectors_entropy_words_and_seed) {
  for (const auto& v : kBip39Vectors) {
    const auto entropy = hex(v.entropy);
    auto words = entropy_to_mnemonic(entropy);
    ASSERT_TRUE(words.ok()) << words.error().to_string();
    EXPECT_EQ(*words, v.mnemonic);
    auto back = mnemonic_to_entropy(v.mnemonic);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, entropy);
    auto seed = mnemonic_to_seed(v.mnemonic, "TREZOR");
    ASSERT_TRUE(seed.ok()) << seed.error().to_string();
    EXPECT_EQ(to_hex(*seed), v.seed_with_trezor_passphrase) << v.mnemonic;
  }
}

TEST(DydxBip39, rejects_mnemonic_with_bad_checksum) {
  // "about" -> "abandon": every word known, 12 words, but the checksum bits are wrong.
  const auto st = validate_mnemonic(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
      "abandon");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(st.error().message.find("checksum mismatch"), std::string::npos) << st.error().message;
  auto wallet = Wallet::from_mnemonic(
      "legal winner thank year wave sausage worth useful legal winner thank thank");
  ASSERT_FALSE(wallet.ok());
  EXPECT_NE(wallet.error().message.find("checksum"), std::string::npos);
}

TEST(DydxBip39, rejects_unknown_word_naming_its_position_not_the_word) {
  const auto st = validate_mnemonic(
      "legal winner thank year wave sausage worth useful legal winnerz thank yellow");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("word 10 of 12"), std::string::npos) << st.error().message;
  EXPECT_EQ(st.error().message.find("winnerz"), std::string::npos) << "leaks the secret word";
}

TEST(DydxBip39, rejects_wrong_word_count) {
  for (const char* m : {"", "zoo",
                        "abandon abandon abandon abandon abandon abandon abandon abandon "
                        "abandon abandon abandon about about"}) {
    const auto st = validate_mnemonic(m);
    ASSERT_FALSE(st.ok()) << m;
    EXPECT_NE(st.error().message.find("12, 15, 18, 21 or 24 words"), std::string::npos)
        << st.error().message;
  }
}

TEST(DydxBip39, normalises_case_and_whitespace_to_the_same_seed) {
  auto a = mnemonic_to_seed(kBip39Vectors[1].mnemonic, "TREZOR");
  auto b = mnemonic_to_seed(
      "  Legal WINNER thank\tyear wave sausage\nworth useful legal winner thank yellow ", "TREZOR");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);
}

TEST(DydxBip39, refuses_non_ascii_passphrase_instead_of_guessing_its_normal_form) {
  auto seed = mnemonic_to_seed(kBip39Vectors[0].mnemonic, "caf\xc3\xa9");
  ASSERT_FALSE(seed.ok());
  EXPECT_NE(seed.error().message.find("non-ASCII"), std::string::npos);
}

TEST(DydxBip39, rejects_entropy_of_unsupported_length) {
  const std::vector<std::uint8_t> e(15, 0);
  EXPECT_FALSE(entropy_to_mnemonic(e).ok());
}

RC_GTEST_PROP(DydxBip39, entropy_round_trips_through_words, ()) {
  const auto len = *rc::gen::element<std::size_t>(16, 20, 24, 28, 32);
  const auto entropy =
      *rc::gen::container<std::vector<std::uint8_t>>(len, rc::gen::arbitrary<std::uint8_t>());
  auto words = entropy_to_mnemonic(entropy);
  RC_ASSERT(words.ok());
  RC_ASSERT(validate_mnemonic(*words).ok());
  auto back = mnemonic_to_entropy(*words);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == entropy);
}

// BIP-32 test vector 1 (the specification's own).
TEST(DydxBip32, specification_test_vector_1) {
  const auto seed = hex("000102030405060708090a0b0c0d0e0f");
  struct Step {
    const char* path;
    const char* chain_code;
    const char* private_key;
  };
  const Step steps[] = {
      {"m", "873dff81c02f525623fd1fe5167eac3a55a049de3d314bb42ee227ffed37d508",
       "e8f32e723decf4051aefac8e2c93c9c5b214313817cdb01a1494b917c8436b35"},
      {"m/0'", "47fdacbd0f1097043b78c63c20c34ef4ed9a111d980047ad16282c7ae6236141",
       "edb2e14f9ee77d26dd93b4ecede8d16ed408ce149b6cd80b0715a2d911a0afea"},
      {"m/0H/1", "2a7857631386ba23dacac34180dd1983734e444fdbf774041578e9b6adb37c19",
       "3c6cb8d0f6a264c91ea8b5030fadaa8e538b020f0a387421a12de9319dc93368"},
      {"m/0'/1/2'", "04466b9cc8e161e966409ca52986c584f07e9dc81f735db683c3ff6ec7b1503f",
       "cbce0d719ecf7431d88e6a89fa1483e02e35092af60c042b1df2ff59fa424dca"},
      {"m/0'/1/2'/2", "cfb71883f01676f587d023cc53a35bc7f88f724b1f8c2892ac1275ac822a3edd",
       "0f479245fb19a38a1954c5c7c0ebab2f9bdfd96a17563ef28a6a4b1a2a764ef4"},
      {"m/0'/1/2'/2/1000000000", "c783e67b921d2beb8f6b389cc646d7263b4145701dadd2161548a8b078e65e9e",
       "471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8"},
  };
  for (const auto& s : steps) {
    auto key = bip32_derive(seed, s.path);
    ASSERT_TRUE(key.ok()) << s.path << ": " << key.error().to_string();
    EXPECT_EQ(to_hex(key->chain_code), s.chain_code) << s.path;
    EXPECT_EQ(to_hex(key->key), s.private_key) << s.path;
  }
  // The spec's public keys for m and m/0H.
  auto m = bip32_derive(seed, "m");
  auto pub = compressed_public_key(m->key);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(to_hex(*pub), "0339a36013301597daef41fbe593a02cc513d0b55527ec2df1050e2e8ff49c85c2");
}

TEST(DydxBip32, parses_cosmos_path_and_rejects_malformed_ones) {
  auto p = parse_derivation_path(kCosmosPath);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (std::vector<std::uint32_t>{44 | kHardened, 118 | kHardened, kHardened, 0, 0}));
  for (const char* bad : {"", "44'/118'", "m/", "m//0", "m/x", "m/2147483648", "m/0'x"}) {
    EXPECT_FALSE(parse_derivation_path(bad).ok()) << bad;
  }
}

// BIP-173 valid and invalid strings.
TEST(DydxBech32, bip173_vectors) {
  for (const char* ok : {"A12UEL5L", "a12uel5l", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
                         "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w"}) {
    EXPECT_TRUE(bech32_decode(ok).ok()) << ok;
  }
  for (const char* bad : {"pzry9x0s0muk", "1pzry9x0s0muk", "x1b4n0q5v", "li1dgmt3", "A1G7SGD8",
                          "10a06t8", "1qzzfhee", "a12UEL5L"}) {
    EXPECT_FALSE(bech32_decode(bad).ok()) << bad;
  }
}

TEST(DydxBech32, encode_decode_round_trip_of_a_20_byte_hash) {
  std::vector<std::uint8_t> data(20);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 13 + 7);
  const std::string enc = bech32_encode("dydx", data);
  EXPECT_EQ(enc.rfind("dydx1", 0), 0u);
  auto dec = bech32_decode(enc);
  ASSERT_TRUE(dec.ok());
  EXPECT_EQ(dec->hrp, "dydx");
  EXPECT_EQ(dec->data, data);
}

TEST(DydxHashes, ripemd160_known_answer) {
  // RIPEMD-160("abc") from the algorithm's reference page.
  const std::string abc = "abc";
  auto d = ripemd160(std::span(reinterpret_cast<const std::uint8_t*>(abc.data()), abc.size()));
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  EXPECT_EQ(to_hex(*d), "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
}

TEST(DydxWallet, signatures_are_deterministic_low_s_and_verify) {
  auto w = Wallet::from_mnemonic(kBip39Vectors[3].mnemonic);
  ASSERT_TRUE(w.ok()) << w.error().to_string();
  EXPECT_EQ(w->address().rfind("dydx1", 0), 0u);
  const std::string msg = "nzeza sign-doc bytes";
  const auto bytes = std::span(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size());
  const Bytes64 a = w->sign(bytes);
  const Bytes64 b = w->sign(bytes);
  EXPECT_EQ(a, b);  // RFC 6979
  auto* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  secp256k1_ecdsa_signature sig;
  ASSERT_EQ(secp256k1_ecdsa_signature_parse_compact(ctx, &sig, a.data()), 1);
  secp256k1_ecdsa_signature normalized;
  EXPECT_EQ(secp256k1_ecdsa_signature_normalize(ctx, &normalized, &sig), 0) << "high S";
  secp256k1_pubkey pub;
  ASSERT_EQ(secp256k1_ec_pubkey_parse(ctx, &pub, w->public_key().data(), 33), 1);
  const Bytes32 digest = sha256(bytes);
  EXPECT_EQ(secp256k1_ecdsa_verify(ctx, &sig, digest.data(), &pub), 1);
  Bytes32 other = digest;
  other[0] ^= 1;
  EXPECT_EQ(secp256k1_ecdsa_verify(ctx, &sig, other.data(), &pub), 0);
  secp256k1_context_destroy(ctx);
}

TEST(DydxWallet, passphrase_and_path_change_the_key) {
  auto a = Wallet::from_mnemonic(kBip39Vectors[3].mnemonic);
  auto b = Wallet::from_mnemonic(kBip39Vectors[3].mnemonic, "extra");
  auto c = Wallet::from_mnemonic(kBip39Vectors[3].mnemonic, "", "m/44'/118'/0'/0/1");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_NE(a->address(), b->address());
  EXPECT_NE(a->address(), c->address());
}

TEST(DydxWallet, rejects_private_key_out_of_range) {
  Bytes32 zero{};
  EXPECT_FALSE(Wallet::from_private_key(zero).ok());
  Bytes32 n{};  // the group order n itself is not a valid key
  const auto order = hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  std::copy(order.begin(), order.end(), n.begin());
  EXPECT_FALSE(Wallet::from_private_key(n).ok());
}

}  // namespace
}  // namespace nzeza::venues::dydx

// JwtSigner unit tests: both key forms, every header field and claim, the raw r||s signature,
// refusals of bad keys. Signatures are checked by the simulator's independent verifier.

#include "venues/coinbase/jwt_signer.hpp"

#include <gtest/gtest.h>

#include <set>

#include "sim/coinbase/jwt_verifier.hpp"
#include "test_keys.hpp"
#include "venues/coinbase/base64url.hpp"

namespace nzeza::venues::coinbase {
namespace {

using sim::coinbase::check_claims;
using sim::coinbase::JwtVerifier;
using testing::generate_ed25519_base64;
using testing::generate_es256_pem;
using testing::generate_pem;

constexpr std::string_view kKeyName = "organizations/org-1/apiKeys/key-7";
constexpr std::string_view kUri = "POST api.coinbase.com/api/v3/brokerage/orders";

std::string part(const std::string& token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  const auto end = token.find('.', start);
  return token.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string decoded(const std::string& b64) {
  auto bytes = base64url_decode(b64);
  EXPECT_TRUE(bytes.ok());
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}

JwtVerifier verifier_for(const JwtSigner& signer) {
  auto pem = signer.public_key_pem();
  EXPECT_TRUE(pem.ok());
  auto v = JwtVerifier::from_public_pem(*pem);
  EXPECT_TRUE(v.ok()) << (v ? "" : v.error().to_string());
  return std::move(v).value();
}

TEST(CoinbaseJwtSigner, es256_token_has_every_header_field_and_claim_and_verifies) {
  auto signer = JwtSigner::create(std::string(kKeyName), generate_es256_pem());
  ASSERT_TRUE(signer.ok()) << signer.error().to_string();
  EXPECT_EQ(signer->algorithm(), KeyAlgorithm::es256);
  auto token = signer->sign(kUri, 1'750'000'000);
  ASSERT_TRUE(token.ok());
  auto v = verifier_for(*signer).verify(*token);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->nonce.size(), 64u);
  EXPECT_EQ(decoded(part(*token, 0)),
            R"({"alg":"ES256","kid":"organizations/org-1/apiKeys/key-7","nonce":")" + v->nonce +
                R"(","typ":"JWT"})");
  EXPECT_EQ(decoded(part(*token, 1)),
            R"({"sub":"organizations/org-1/apiKeys/key-7","iss":"cdp","nbf":1750000000,)"
            R"("exp":1750000120,"uri":"POST api.coinbase.com/api/v3/brokerage/orders"})");
  EXPECT_TRUE(check_claims(*v, kKeyName, kUri, 1'750'000'060).ok());
}

TEST(CoinbaseJwtSigner, es256_signature_is_raw_r_s_of_64_bytes_not_der) {
  auto signer = JwtSigner::create(std::string(kKeyName), generate_es256_pem());
  ASSERT_TRUE(signer.ok());
  for (int i = 0; i < 20; ++i) {  // DER would vary between 70 and 72 bytes
    auto token = signer->sign(kUri, 1'750'000'000 + i);
    ASSERT_TRUE(token.ok());
    const std::string sig = part(*token, 2);
    EXPECT_EQ(sig.size(), 86u);  // 64 bytes in unpadded base64url
    EXPECT_EQ(base64url_decode(sig)->size(), 64u);
    EXPECT_TRUE(verifier_for(*signer).verify(*token).ok());
  }
}

TEST(CoinbaseJwtSigner, es256_is_randomised_and_nonce_is_fresh_per_token) {
  auto signer = JwtSigner::create(std::string(kKeyName), generate_es256_pem());
  ASSERT_TRUE(signer.ok());
  std::set<std::string> nonces;
  std::set<std::string> tokens;
  for (int i = 0; i < 8; ++i) {
    auto token = signer->sign(kUri, 1'750'000'000);
    ASSERT_TRUE(token.ok());
    tokens.insert(*token);
    nonces.insert(verifier_for(*signer).verify(*token)->nonce);
  }
  EXPECT_EQ(nonces.size(), 8u);
  EXPECT_EQ(tokens.size(), 8u);
}

TEST(CoinbaseJwtSigner, ed25519_is_deterministic_for_a_fixed_nonce_and_verifies) {
  const std::string key = generate_ed25519_base64(/*with_public=*/true);
  auto signer = JwtSigner::create(std::string(kKeyName), key);
  ASSERT_TRUE(signer.ok()) << signer.error().to_string();
  EXPECT_EQ(signer->algorithm(), KeyAlgorithm::ed25519);
  const std::string nonce(64, 'a');
  auto a = signer->sign_with_nonce(kUri, 1'750'000'000, nonce);
  auto b = signer->sign_with_nonce(kUri, 1'750'000'000, nonce);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(decoded(part(*a, 0)),
            R"({"alg":"EdDSA","kid":"organizations/org-1/apiKeys/key-7","nonce":")" + nonce +
                R"(","typ":"JWT"})");
  auto v = verifier_for(*signer).verify(*a);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->nonce, nonce);
  EXPECT_TRUE(check_claims(*v, kKeyName, kUri, 1'750'000'119).ok());
}

TEST(CoinbaseJwtSigner, ed25519_seed_alone_and_seed_with_public_sign_identically) {
  const std::string full = generate_ed25519_base64(true);
  // The 32-byte seed is the first 32 bytes: re-encode it.
  auto raw = base64_decode(full);
  ASSERT_TRUE(raw.ok());
  unsigned char out[64];
  const int n = EVP_EncodeBlock(out, raw->data(), 32);
  const std::string seed(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
  auto s1 = JwtSigner::create(std::string(kKeyName), full);
  auto s2 = JwtSigner::create(std::string(kKeyName), seed);
  ASSERT_TRUE(s1.ok());
  ASSERT_TRUE(s2.ok());
  const std::string nonce(64, '0');
  EXPECT_EQ(*s1->sign_with_nonce(kUri, 1, nonce), *s2->sign_with_nonce(kUri, 1, nonce));
}

TEST(CoinbaseJwtSigner, websocket_token_has_no_uri_claim) {
  auto signer = JwtSigner::create(std::string(kKeyName), generate_ed25519_base64(false));
  ASSERT_TRUE(signer.ok());
  auto token = signer->sign(std::nullopt, 1'750'000'000);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(decoded(part(*token, 1)),
            R"({"sub":"organizations/org-1/apiKeys/key-7","iss":"cdp","nbf":1750000000,)"
            R"("exp":1750000120})");
  auto v = verifier_for(*signer).verify(*token);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(check_claims(*v, kKeyName, std::nullopt, 1'750'000'000).ok());
}

TEST(CoinbaseJwtSigner, accepts_pkcs8_pem_and_escaped_newlines) {
  const std::string pkcs8 = generate_pem("EC", "P-256", /*traditional=*/false);
  ASSERT_NE(pkcs8.find("BEGIN PRIVATE KEY"), std::string::npos);
  EXPECT_TRUE(JwtSigner::create(std::string(kKeyName), pkcs8).ok());
  std::string one_line;
  for (const char c : generate_es256_pem()) {
    if (c == '\n')
      one_line += "\\n";
    else
      one_line.push_back(c);
  }
  auto signer = JwtSigner::create(std::string(kKeyName), one_line);
  ASSERT_TRUE(signer.ok()) << signer.error().to_string();
  auto token = signer->sign(kUri, 5);
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(verifier_for(*signer).verify(*token).ok());
}

TEST(CoinbaseJwtSigner, refuses_a_key_on_another_curve) {
  auto r = JwtSigner::create(std::string(kKeyName), generate_pem("EC", "P-384", true));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("P-256"), std::string::npos);
}

TEST(CoinbaseJwtSigner, refuses_a_pem_that_is_not_an_ec_key) {
  auto r = JwtSigner::create(std::string(kKeyName), generate_pem("ED25519", nullptr, false));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

TEST(CoinbaseJwtSigner, refuses_garbage_empty_and_wrong_length_keys_without_echoing_them) {
  const std::string garbage = "not-a-key!!";
  auto a = JwtSigner::create(std::string(kKeyName), garbage);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message.find(garbage), std::string::npos);
  EXPECT_FALSE(JwtSigner::create(std::string(kKeyName), "").ok());
  EXPECT_FALSE(JwtSigner::create(std::string(kKeyName), "   \n").ok());
  auto short_key =
      JwtSigner::create(std::string(kKeyName), "AAAAAAAAAAAAAAAAAAAAAA==");  // 16 bytes
  ASSERT_FALSE(short_key.ok());
  EXPECT_NE(short_key.error().message.find("32 or 64 bytes, got 16"), std::string::npos);
  EXPECT_FALSE(JwtSigner::create("", generate_es256_pem()).ok());
  auto broken_pem =
      JwtSigner::create(std::string(kKeyName),
                        "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
  ASSERT_FALSE(broken_pem.ok());
  EXPECT_EQ(broken_pem.error().code, ErrorCode::invalid_argument);
}

TEST(CoinbaseJwtSigner, refuses_a_64_byte_ed25519_key_whose_public_half_is_foreign) {
  auto a = base64_decode(generate_ed25519_base64(true));
  auto b = base64_decode(generate_ed25519_base64(true));
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<unsigned char> mixed(a->begin(), a->begin() + 32);
  mixed.insert(mixed.end(), b->begin() + 32, b->end());
  unsigned char out[100];
  const int n = EVP_EncodeBlock(out, mixed.data(), 64);
  auto r = JwtSigner::create(std::string(kKeyName), std::string(reinterpret_cast<char*>(out),
                                                                static_cast<std::size_t>(n)));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("does not match"), std::string::npos);
}

TEST(CoinbaseJwtSigner, refuses_a_nonce_that_is_not_64_hex_characters) {
  auto signer = JwtSigner::create(std::string(kKeyName), generate_ed25519_base64(false));
  ASSERT_TRUE(signer.ok());
  EXPECT_FALSE(signer->sign_with_nonce(kUri, 1, "abc").ok());
  EXPECT_FALSE(signer->sign_with_nonce(kUri, 1, std::string(64, 'g')).ok());
}

TEST(CoinbaseJwtSigner, escapes_json_specials_in_the_key_name) {
  auto signer = JwtSigner::create("org/\"quoted\"\\key", generate_ed25519_base64(false));
  ASSERT_TRUE(signer.ok());
  auto token = signer->sign(kUri, 1);
  ASSERT_TRUE(token.ok());
  auto v = verifier_for(*signer).verify(*token);
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  EXPECT_EQ(v->kid, "org/\"quoted\"\\key");
}

TEST(CoinbaseJwtUri, is_method_host_and_path_without_query) {
  EXPECT_EQ(jwt_uri("GET", "api.coinbase.com",
                    "/api/v3/brokerage/orders/historical/batch?order_status=OPEN"),
            "GET api.coinbase.com/api/v3/brokerage/orders/historical/batch");
  EXPECT_EQ(jwt_uri("POST", "127.0.0.1:8443", "/api/v3/brokerage/orders"),
            "POST 127.0.0.1:8443/api/v3/brokerage/orders");
}

TEST(CoinbaseBase64Url, encodes_rfc4648_vectors_without_padding) {
  EXPECT_EQ(base64url_encode(std::string_view("")), "");
  EXPECT_EQ(base64url_encode(std::string_view("f")), "Zg");
  EXPECT_EQ(base64url_encode(std::string_view("fo")), "Zm8");
  EXPECT_EQ(base64url_encode(std::string_view("foo")), "Zm9v");
  EXPECT_EQ(base64url_encode(std::string_view("foob")), "Zm9vYg");
  EXPECT_EQ(base64url_encode(std::string_view("fooba")), "Zm9vYmE");
  EXPECT_EQ(base64url_encode(std::string_view("foobar")), "Zm9vYmFy");
  const unsigned char hi[] = {0xfb, 0xff, 0xfe};
  EXPECT_EQ(base64url_encode(std::span<const unsigned char>(hi, 3)), "-__-");
}

TEST(CoinbaseBase64Url, decode_round_trips_and_refuses_bad_input) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\xff\xfe\xfd\x00zz"}) {
    auto d = base64url_decode(base64url_encode(std::string_view(s)));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(std::string(d->begin(), d->end()), s);
  }
  EXPECT_FALSE(base64url_decode("Zm9v=").ok());
  EXPECT_FALSE(base64url_decode("Zm+v").ok());
  EXPECT_FALSE(base64url_decode("Z").ok());
  EXPECT_FALSE(base64url_decode("Zh").ok());  // non-zero trailing bits
  EXPECT_EQ(base64_decode("Zm8=")->size(), 2u);
  EXPECT_FALSE(base64_decode("Zm-v").ok());
}

}  // namespace
}  // namespace nzeza::venues::coinbase

// Conformance on ../shared/fixtures/coinbase/signing_vectors.json: the EdDSA token reproduced
// byte for byte from the published key; the ES256 token (randomised) accepted by verification,
// its signing input reproduced byte for byte, and our own ES256 token for the same key verified.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "common/fixtures.hpp"
#include "sim/coinbase/jwt_verifier.hpp"
#include "venues/coinbase/jwt_signer.hpp"

namespace nzeza::venues::coinbase {
namespace {

boost::json::object vectors() {
  return boost::json::parse(nzeza::testing::read_file(nzeza::testing::fixtures_dir() / "coinbase" /
                                                      "signing_vectors.json"))
      .as_object();
}
std::string str(const boost::json::value& v, std::string_view k) {
  return std::string(v.as_object().at(k).as_string());
}

std::string signing_input(const std::string& token) {
  return token.substr(0, token.rfind('.'));
}

TEST(CoinbaseSigningVectors, eddsa_token_reproduced_byte_for_byte_from_the_64_byte_key) {
  NZEZA_REQUIRE_FIXTURES();
  const auto v = vectors();
  const auto& ed = v.at("eddsa_ed25519");
  auto signer = JwtSigner::create(str(v, "api_key_name"), str(ed, "private_key_base64_64byte"));
  ASSERT_TRUE(signer.ok()) << signer.error().to_string();
  const auto& claims = ed.at("claims").as_object();
  auto token = signer->sign_with_nonce(std::string(claims.at("uri").as_string()),
                                       claims.at("nbf").as_int64(), str(ed.at("header"), "nonce"));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(signing_input(*token), str(ed, "signing_input"));
  EXPECT_EQ(*token, str(ed, "token"));
}

TEST(CoinbaseSigningVectors, eddsa_token_verifies_under_the_published_public_key) {
  NZEZA_REQUIRE_FIXTURES();
  const auto v = vectors();
  const auto& ed = v.at("eddsa_ed25519");
  auto verifier = sim::coinbase::JwtVerifier::from_ed25519_public(str(ed, "public_key_hex"));
  ASSERT_TRUE(verifier.ok());
  auto jwt = verifier->verify(str(ed, "token"));
  ASSERT_TRUE(jwt.ok()) << jwt.error().to_string();
  EXPECT_TRUE(sim::coinbase::check_claims(*jwt, str(v, "api_key_name"),
                                          "GET api.coinbase.com/api/v3/brokerage/accounts",
                                          1'700'000'000)
                  .ok());
}

TEST(CoinbaseSigningVectors, es256_vector_token_verifies_and_its_signing_input_is_ours) {
  NZEZA_REQUIRE_FIXTURES();
  const auto v = vectors();
  const auto& es = v.at("es256");
  auto verifier = sim::coinbase::JwtVerifier::from_ec_point(str(es, "public_key_x_hex"),
                                                            str(es, "public_key_y_hex"));
  ASSERT_TRUE(verifier.ok()) << verifier.error().to_string();
  auto jwt = verifier->verify(str(es, "token"));
  ASSERT_TRUE(jwt.ok()) << jwt.error().to_string();
  EXPECT_EQ(jwt->alg, "ES256");

  auto signer = JwtSigner::create(str(v, "api_key_name"), str(es, "private_key_pem"));
  ASSERT_TRUE(signer.ok()) << signer.error().to_string();
  const auto& claims = es.at("claims").as_object();
  auto ours = signer->sign_with_nonce(std::string(claims.at("uri").as_string()),
                                      claims.at("nbf").as_int64(), str(es.at("header"), "nonce"));
  ASSERT_TRUE(ours.ok());
  EXPECT_EQ(signing_input(*ours), str(es, "signing_input"));
  EXPECT_NE(*ours, str(es, "token"));  // randomised k: a different, equally valid signature
  auto ours_checked = verifier->verify(*ours);
  ASSERT_TRUE(ours_checked.ok()) << ours_checked.error().to_string();
  EXPECT_TRUE(sim::coinbase::check_claims(*ours_checked, str(v, "api_key_name"),
                                          "GET api.coinbase.com/api/v3/brokerage/accounts",
                                          1'700'000'060)
                  .ok());
}

TEST(CoinbaseSigningVectors, tampered_vector_tokens_fail_verification) {
  NZEZA_REQUIRE_FIXTURES();
  const auto v = vectors();
  const auto& ed = v.at("eddsa_ed25519");
  auto verifier = sim::coinbase::JwtVerifier::from_ed25519_public(str(ed, "public_key_hex"));
  ASSERT_TRUE(verifier.ok());
  std::string token = str(ed, "token");
  token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
  auto r = verifier->verify(token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::auth_failed);
}

}  // namespace
}  // namespace nzeza::venues::coinbase

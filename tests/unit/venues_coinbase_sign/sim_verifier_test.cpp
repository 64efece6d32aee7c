// The simulator's independent JWT checks (tests/sim/coinbase/jwt_verifier): each Coinbase rule
// refuses a token that breaks it, so a simulator that accepts our tokens proves something.
// Plus a property: any key name and nbf round-trip through our signer and its verifier.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "sim/coinbase/jwt_verifier.hpp"
#include "test_keys.hpp"
#include "venues/coinbase/jwt_signer.hpp"

namespace nzeza::venues::coinbase {
namespace {

using sim::coinbase::check_claims;
using sim::coinbase::JwtVerifier;
using sim::coinbase::VerifiedJwt;

constexpr std::string_view kName = "organizations/o/apiKeys/k";
constexpr std::string_view kUri = "GET api.coinbase.com/api/v3/brokerage/accounts";

VerifiedJwt good() {
  VerifiedJwt j;
  j.alg = "ES256";
  j.kid = std::string(kName);
  j.sub = std::string(kName);
  j.iss = "cdp";
  j.typ = "JWT";
  j.nonce = std::string(64, 'a');
  j.nbf = 1000;
  j.exp = 1120;
  j.uri = std::string(kUri);
  return j;
}

std::string reason(const VerifiedJwt& j, std::optional<std::string_view> uri, std::int64_t now) {
  auto s = check_claims(j, kName, uri, now);
  return s.ok() ? std::string("accepted") : s.error().message;
}

TEST(CoinbaseSimVerifier, accepts_a_token_inside_its_window_only) {
  EXPECT_EQ(reason(good(), kUri, 1000), "accepted");
  EXPECT_EQ(reason(good(), kUri, 1119), "accepted");
  EXPECT_NE(reason(good(), kUri, 1120).find("expired"), std::string::npos);
  EXPECT_NE(reason(good(), kUri, 999).find("not valid yet"), std::string::npos);
}

TEST(CoinbaseSimVerifier, refuses_each_broken_claim) {
  auto j = good();
  j.uri = "GET api.coinbase.com/api/v3/brokerage/orders";
  EXPECT_NE(reason(j, kUri, 1000).find("does not match"), std::string::npos);
  EXPECT_NE(reason(good(), std::nullopt, 1000).find("WebSocket"), std::string::npos);
  j = good();
  j.uri.reset();
  EXPECT_NE(reason(j, kUri, 1000).find("no uri"), std::string::npos);
  j = good();
  j.exp = 1200;
  EXPECT_NE(reason(j, kUri, 1000).find("nbf + 120"), std::string::npos);
  j = good();
  j.iss = "coinbase";
  EXPECT_NE(reason(j, kUri, 1000).find("iss"), std::string::npos);
  j = good();
  j.kid = "other";
  EXPECT_NE(reason(j, kUri, 1000).find("kid"), std::string::npos);
  j = good();
  j.sub = "other";
  EXPECT_NE(reason(j, kUri, 1000).find("sub"), std::string::npos);
  j = good();
  j.typ = "JWS";
  EXPECT_NE(reason(j, kUri, 1000).find("typ"), std::string::npos);
  j = good();
  j.nonce = "1234";
  EXPECT_NE(reason(j, kUri, 1000).find("nonce"), std::string::npos);
}

TEST(CoinbaseSimVerifier, refuses_malformed_tokens_and_a_key_of_the_other_algorithm) {
  auto es = JwtSigner::create(std::string(kName), testing::generate_es256_pem());
  auto ed = JwtSigner::create(std::string(kName), testing::generate_ed25519_base64(false));
  ASSERT_TRUE(es.ok() && ed.ok());
  auto es_verifier = JwtVerifier::from_public_pem(*es->public_key_pem());
  ASSERT_TRUE(es_verifier.ok());
  auto ed_token = ed->sign(kUri, 1000);
  ASSERT_TRUE(ed_token.ok());
  auto r = es_verifier->verify(*ed_token);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("alg"), std::string::npos);
  for (const char* bad : {"", "a.b", "a.b.c.d", "!!!.e30.AAAA", "e30.e30.****"})
    EXPECT_EQ(es_verifier->verify(bad).error().code, ErrorCode::auth_failed) << bad;
  auto es_token = es->sign(kUri, 1000);
  ASSERT_TRUE(es_token.ok());
  // Same header and claims, signature of another message: refused.
  auto other = es->sign(kUri, 1001);
  const std::string forged =
      es_token->substr(0, es_token->rfind('.')) + other->substr(other->rfind('.'));
  EXPECT_EQ(es_verifier->verify(forged).error().code, ErrorCode::auth_failed);
}

RC_GTEST_PROP(CoinbaseJwtProperty, any_key_name_and_nbf_round_trip_through_the_verifier,
              (std::string name, std::int32_t nbf)) {
  RC_PRE(!name.empty());
  static const std::string key = testing::generate_ed25519_base64(true);
  auto signer = JwtSigner::create(name, key);
  const bool printable =
      std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
  RC_ASSERT(signer.ok() == printable);  // other names are refused, never signed into bad JSON
  if (!printable) return;
  static const auto verifier = [] {
    auto s = JwtSigner::create("x", key);
    return JwtVerifier::from_public_pem(*s->public_key_pem()).value();
  }();
  const std::int64_t t = nbf < 0 ? -static_cast<std::int64_t>(nbf) : nbf;
  auto token = signer->sign(kUri, t);
  RC_ASSERT(token.ok());
  auto v = verifier.verify(*token);
  RC_ASSERT(v.ok());
  RC_ASSERT(v->kid == name);
  RC_ASSERT(v->sub == name);
  RC_ASSERT(v->nbf == t);
  RC_ASSERT(v->exp == t + 120);
  RC_ASSERT(check_claims(*v, name, kUri, t + 60).ok());
}

}  // namespace
}  // namespace nzeza::venues::coinbase

#pragma once
// JwtVerifier: the simulator's own check of a Coinbase CDP JWT, written independently of
// nzeza's signer (venues/coinbase/jwt_signer.*): OpenSSL's one-shot EVP_DigestVerify, its own
// base64url decoding (EVP_DecodeBlock), Boost.JSON for the header and claims. A simulator that
// reused our signer to check our signer would prove nothing.
//
// verify() checks the signature and reads the token; check_claims() applies Coinbase's rules
// (kid = sub = key name, iss "cdp", typ "JWT", a 64-hex nonce, exp = nbf + 120, now within
// [nbf, exp), and the uri claim equal to "<METHOD> <host><path>" of the request, or absent for
// WebSocket subscriptions).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

struct evp_pkey_st;

namespace nzeza::sim::coinbase {

struct VerifiedJwt {
  std::string alg;
  std::string kid;
  std::string nonce;
  std::string typ;
  std::string sub;
  std::string iss;
  std::int64_t nbf = 0;
  std::int64_t exp = 0;
  std::optional<std::string> uri;
};

class JwtVerifier {
 public:
  // SubjectPublicKeyInfo PEM of a P-256 or Ed25519 key.
  static Result<JwtVerifier> from_public_pem(std::string_view pem);
  // P-256 public point as 32-byte big-endian hex coordinates.
  static Result<JwtVerifier> from_ec_point(std::string_view x_hex, std::string_view y_hex);
  // Ed25519 public key, 32 bytes as hex.
  static Result<JwtVerifier> from_ed25519_public(std::string_view hex);

  JwtVerifier(JwtVerifier&&) noexcept;
  JwtVerifier& operator=(JwtVerifier&&) noexcept;
  ~JwtVerifier();

  // auth_failed when the token is malformed, its alg does not match the key, or the signature
  // does not verify.
  [[nodiscard]] Result<VerifiedJwt> verify(std::string_view token) const;
  [[nodiscard]] bool is_ed25519() const noexcept { return ed25519_; }

 private:
  struct KeyDeleter {
    void operator()(evp_pkey_st* k) const noexcept;
  };
  JwtVerifier(evp_pkey_st* key, bool ed25519) noexcept;
  std::unique_ptr<evp_pkey_st, KeyDeleter> key_;
  bool ed25519_ = false;
};

// auth_failed naming the first rule the token breaks. `expected_uri` nullopt: a WebSocket token
// (must carry no uri).
[[nodiscard]] Status check_claims(const VerifiedJwt& jwt, std::string_view key_name,
                                  std::optional<std::string_view> expected_uri,
                                  std::int64_t now_seconds);

}  // namespace nzeza::sim::coinbase

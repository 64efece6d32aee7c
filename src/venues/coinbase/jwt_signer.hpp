#pragma once
// JwtSigner: the CDP API-key JWT that authenticates every Coinbase Advanced Trade request.
//
// Coinbase issues keys in two forms, both accepted here:
//   ES256    an EC P-256 private key in PEM ("-----BEGIN EC PRIVATE KEY-----", SEC1, or PKCS#8
//            "-----BEGIN PRIVATE KEY-----"); the JWS signature is raw r||s (32 + 32 bytes), not
//            DER. ECDSA is randomised: two tokens for the same input differ.
//   EdDSA    a base64 Ed25519 key: the 32-byte seed, or 64 bytes seed||public key (the public
//            half must match the seed). Deterministic: same input, same token.
// A PEM whose newlines arrive escaped as the two characters "\n" (one-line credentials files,
// environment variables) is accepted.
//
// Token (compact JSON, keys in this order, base64url without padding, dot-joined):
//   header  {"alg":"ES256"|"EdDSA","kid":<key name>,"nonce":<64 hex chars>,"typ":"JWT"}
//   claims  {"sub":<key name>,"iss":"cdp","nbf":<s>,"exp":<nbf+120>,"uri":"<METHOD> <host><path>"}
// `uri` is omitted for WebSocket subscriptions. The nonce is random (RAND_bytes) per token.
//
// Key material: the parsed key lives in an OpenSSL EVP_PKEY (freed with its key zeroised); the
// PEM/base64 text and decoded bytes this class copies are wiped before it returns. The caller
// keeps its own copy (a venues::Secret wipes itself).
//
// Threading: sign() is const and thread-safe (each call uses its own OpenSSL context).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

struct evp_pkey_st;

namespace nzeza::venues::coinbase {

enum class KeyAlgorithm : std::uint8_t { es256, ed25519 };
// "ES256", "EdDSA" (the JWT `alg`).
[[nodiscard]] std::string_view jwt_alg(KeyAlgorithm a) noexcept;

// A JWT lives this long after nbf (Coinbase: 2 minutes).
inline constexpr std::int64_t kJwtLifetimeSeconds = 120;

// The `uri` claim: "<METHOD> <host><path>" with the query string dropped (the SDK signs method,
// host and path only). `host` has no scheme; keep a non-default port ("127.0.0.1:8443").
[[nodiscard]] std::string jwt_uri(std::string_view method, std::string_view host,
                                  std::string_view path_and_query);

class JwtSigner {
 public:
  // `key_name`: "organizations/{org}/apiKeys/{key}" (the JWT kid and sub). `private_key`: PEM
  // (ES256) or base64 (Ed25519). invalid_argument when the name is not printable ASCII, the
  // key is neither, is not P-256, or a 64-byte Ed25519 key whose public half does not belong
  // to its seed; the message never contains key material.
  static Result<JwtSigner> create(std::string key_name, std::string_view private_key);

  JwtSigner(JwtSigner&&) noexcept;
  JwtSigner& operator=(JwtSigner&&) noexcept;
  ~JwtSigner();

  // A fresh token valid from `nbf` (Unix seconds) for kJwtLifetimeSeconds, for a REST request
  // (`uri` from jwt_uri) or a WebSocket subscription (nullopt: no uri claim).
  [[nodiscard]] Result<std::string> sign(std::optional<std::string_view> uri,
                                         std::int64_t nbf) const;
  // Same with a given nonce (64 hex characters): reproducible tokens for tests and vectors.
  [[nodiscard]] Result<std::string> sign_with_nonce(std::optional<std::string_view> uri,
                                                    std::int64_t nbf, std::string_view nonce) const;

  [[nodiscard]] KeyAlgorithm algorithm() const noexcept { return algorithm_; }
  [[nodiscard]] const std::string& key_name() const noexcept { return key_name_; }
  // The public key: SubjectPublicKeyInfo PEM (both algorithms), for a verifier.
  [[nodiscard]] Result<std::string> public_key_pem() const;

 private:
  struct KeyDeleter {
    void operator()(evp_pkey_st* key) const noexcept;
  };
  JwtSigner(std::string key_name, KeyAlgorithm algorithm, evp_pkey_st* key) noexcept;
  [[nodiscard]] Result<std::string> signature(std::string_view signing_input) const;

  std::string key_name_;
  KeyAlgorithm algorithm_ = KeyAlgorithm::es256;
  std::unique_ptr<evp_pkey_st, KeyDeleter> key_;
};

}  // namespace nzeza::venues::coinbase

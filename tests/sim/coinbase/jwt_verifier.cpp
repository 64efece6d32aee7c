#include "sim/coinbase/jwt_verifier.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <boost/json.hpp>
#include <vector>

namespace nzeza::sim::coinbase {
namespace {

Error auth(std::string message) {
  return Error(ErrorCode::auth_failed, "coinbase sim: " + std::move(message));
}

// base64url (no padding) → bytes, through OpenSSL's standard-alphabet decoder.
std::optional<std::vector<unsigned char>> b64url_decode(std::string_view in) {
  std::string s(in);
  for (char& c : s) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (c == '+' || c == '/' || c == '=')
      return std::nullopt;
  }
  const std::size_t pad = (4 - s.size() % 4) % 4;
  if (pad == 3) return std::nullopt;
  s.append(pad, '=');
  std::vector<unsigned char> out(s.size() / 4 * 3 + 1);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()),
                                static_cast<int>(s.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::optional<std::vector<unsigned char>> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::vector<unsigned char> out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    auto nib = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = nib(hex[i]), lo = nib(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return out;
}

std::optional<std::string> str_field(const boost::json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}
std::optional<std::int64_t> int_field(const boost::json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= INT64_MAX)
    return static_cast<std::int64_t>(v->as_uint64());
  return std::nullopt;
}

std::optional<boost::json::object> json_part(std::string_view b64) {
  auto bytes = b64url_decode(b64);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  auto v = boost::json::parse(
      std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

}  // namespace

void JwtVerifier::KeyDeleter::operator()(evp_pkey_st* k) const noexcept {
  EVP_PKEY_free(k);
}
JwtVerifier::JwtVerifier(evp_pkey_st* key, bool ed25519) noexcept : key_(key), ed25519_(ed25519) {}
JwtVerifier::JwtVerifier(JwtVerifier&&) noexcept = default;
JwtVerifier& JwtVerifier::operator=(JwtVerifier&&) noexcept = default;
JwtVerifier::~JwtVerifier() = default;

Result<JwtVerifier> JwtVerifier::from_public_pem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = bio ? PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (key == nullptr)
    return fail(ErrorCode::invalid_argument, "coinbase sim: unreadable public key");
  if (EVP_PKEY_is_a(key, "ED25519") == 1) return JwtVerifier(key, true);
  if (EVP_PKEY_is_a(key, "EC") == 1) return JwtVerifier(key, false);
  EVP_PKEY_free(key);
  return fail(ErrorCode::invalid_argument, "coinbase sim: public key neither P-256 nor Ed25519");
}

Result<JwtVerifier> JwtVerifier::from_ec_point(std::string_view x_hex, std::string_view y_hex) {
  auto x = from_hex(x_hex);
  auto y = from_hex(y_hex);
  if (!x || !y || x->size() != 32 || y->size() != 32)
    return fail(ErrorCode::invalid_argument, "coinbase sim: EC coordinates must be 32-byte hex");
  std::vector<unsigned char> point{0x04};
  point.insert(point.end(), x->begin(), x->end());
  point.insert(point.end(), y->begin(), y->end());
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* key = nullptr;
  const bool ok = ctx != nullptr && params != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
                  EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  if (!ok) return fail(ErrorCode::invalid_argument, "coinbase sim: EC point refused");
  return JwtVerifier(key, false);
}

Result<JwtVerifier> JwtVerifier::from_ed25519_public(std::string_view hex) {
  auto raw = from_hex(hex);
  if (!raw || raw->size() != 32)
    return fail(ErrorCode::invalid_argument, "coinbase sim: Ed25519 public key must be 32 bytes");
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw->data(), 32);
  if (key == nullptr) return fail(ErrorCode::invalid_argument, "coinbase sim: Ed25519 key refused");
  return JwtVerifier(key, true);
}

Result<VerifiedJwt> JwtVerifier::verify(std::string_view token) const {
  const auto d1 = token.find('.');
  const auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
    return auth("JWT is not three dot-separated parts");
  auto header = json_part(token.substr(0, d1));
  auto claims = json_part(token.substr(d1 + 1, d2 - d1 - 1));
  auto sig = b64url_decode(token.substr(d2 + 1));
  if (!header || !claims) return auth("JWT header or claims are not base64url JSON objects");
  if (!sig) return auth("JWT signature is not base64url");

  VerifiedJwt out;
  out.alg = str_field(*header, "alg").value_or("");
  out.kid = str_field(*header, "kid").value_or("");
  out.nonce = str_field(*header, "nonce").value_or("");
  out.typ = str_field(*header, "typ").value_or("");
  out.sub = str_field(*claims, "sub").value_or("");
  out.iss = str_field(*claims, "iss").value_or("");
  out.nbf = int_field(*claims, "nbf").value_or(-1);
  out.exp = int_field(*claims, "exp").value_or(-1);
  if (claims->contains("uri")) {
    auto u = str_field(*claims, "uri");
    if (!u) return auth("JWT uri claim is not a string");
    out.uri = std::move(*u);
  }
  const std::string_view want_alg = ed25519_ ? "EdDSA" : "ES256";
  if (out.alg != want_alg) return auth("JWT alg '" + out.alg + "' does not match the key");

  std::vector<unsigned char> der;
  const unsigned char* sig_data = sig->data();
  std::size_t sig_len = sig->size();
  if (!ed25519_) {
    // JWS raw r||s → the DER ECDSA-Sig-Value OpenSSL verifies.
    if (sig->size() != 64) return auth("ES256 signature is not 64 bytes");
    ECDSA_SIG* es = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(sig->data(), 32, nullptr);
    BIGNUM* s = BN_bin2bn(sig->data() + 32, 32, nullptr);
    ECDSA_SIG_set0(es, r, s);
    unsigned char* p = nullptr;
    const int n = i2d_ECDSA_SIG(es, &p);
    ECDSA_SIG_free(es);
    if (n <= 0) return auth("ES256 signature could not be DER-encoded");
    der.assign(p, p + n);
    OPENSSL_free(p);
    sig_data = der.data();
    sig_len = der.size();
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const std::string_view input = token.substr(0, d2);
  const bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx, nullptr, ed25519_ ? nullptr : EVP_sha256(), nullptr, key_.get()) ==
          1 &&
      EVP_DigestVerify(ctx, sig_data, sig_len, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return auth("JWT signature does not verify");
  return out;
}

Status check_claims(const VerifiedJwt& jwt, std::string_view key_name,
                    std::optional<std::string_view> expected_uri, std::int64_t now_seconds) {
  if (jwt.typ != "JWT") return auth("JWT typ is '" + jwt.typ + "', expected 'JWT'");
  if (jwt.kid != key_name) return auth("JWT kid '" + jwt.kid + "' is not the API key name");
  if (jwt.sub != key_name) return auth("JWT sub '" + jwt.sub + "' is not the API key name");
  if (jwt.iss != "cdp") return auth("JWT iss '" + jwt.iss + "', expected 'cdp'");
  if (jwt.nonce.size() != 64 ||
      jwt.nonce.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
    return auth("JWT nonce is not 64 hex characters");
  if (jwt.nbf < 0 || jwt.exp != jwt.nbf + 120)
    return auth("JWT exp must be nbf + 120 (nbf " + std::to_string(jwt.nbf) + ", exp " +
                std::to_string(jwt.exp) + ")");
  if (now_seconds < jwt.nbf)
    return auth("JWT not valid yet (nbf " + std::to_string(jwt.nbf) + ", now " +
                std::to_string(now_seconds) + ")");
  if (now_seconds >= jwt.exp)
    return auth("JWT expired (exp " + std::to_string(jwt.exp) + ", now " +
                std::to_string(now_seconds) + ")");
  if (expected_uri) {
    if (!jwt.uri) return auth("JWT has no uri claim");
    if (*jwt.uri != *expected_uri)
      return auth("JWT uri '" + *jwt.uri + "' does not match the request '" +
                  std::string(*expected_uri) + "'");
  } else if (jwt.uri) {
    return auth("a WebSocket JWT carries no uri claim");
  }
  return {};
}

}  // namespace nzeza::sim::coinbase

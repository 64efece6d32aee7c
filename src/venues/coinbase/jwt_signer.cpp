#include "venues/coinbase/jwt_signer.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <array>
#include <cstring>
#include <vector>

#include "core/json_text.hpp"
#include "venues/coinbase/base64url.hpp"

namespace nzeza::venues::coinbase {
namespace {

// Overwrites a buffer with zeros in a way the optimiser keeps.
void wipe(std::string& s) noexcept {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}
void wipe(std::vector<unsigned char>& v) noexcept {
  if (!v.empty()) OPENSSL_cleanse(v.data(), v.size());
  v.clear();
}

// The newest OpenSSL error as text (never contains key bytes), and clears the queue.
std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  std::array<char, 256> buf{};
  ERR_error_string_n(code, buf.data(), buf.size());
  return buf.data();
}

// JSON string literal with the escapes RFC 8259 requires.
void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  append_json_escaped(out, s);
  out.push_back('"');
}

bool is_hex(std::string_view s) noexcept {
  for (const char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

std::string random_nonce() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (const unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

// "\n" written as two characters (one-line credential files) back to real newlines.
std::string unescape_newlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n') {
      out.push_back('\n');
      ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

Result<EVP_PKEY*> load_pem(std::string_view text) {
  std::string pem = unescape_newlines(text);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) {
    wipe(pem);
    return fail(ErrorCode::internal, "coinbase key: BIO_new_mem_buf failed");
  }
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  wipe(pem);
  if (key == nullptr)
    return fail(ErrorCode::invalid_argument,
                "coinbase key: the PEM private key could not be read (" + openssl_error() + ")");
  if (EVP_PKEY_is_a(key, "EC") != 1) {
    EVP_PKEY_free(key);
    return fail(ErrorCode::invalid_argument,
                "coinbase key: the PEM key is not an EC key (ES256 needs P-256)");
  }
  std::array<char, 64> group{};
  std::size_t group_len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(),
                                     &group_len) != 1 ||
      std::string_view(group.data(), group_len) != "prime256v1") {
    EVP_PKEY_free(key);
    return fail(ErrorCode::invalid_argument,
                "coinbase key: the EC key is not on curve P-256 (prime256v1), got '" +
                    std::string(group.data(), group_len) + "'");
  }
  return key;
}

Result<EVP_PKEY*> load_ed25519(std::string_view text) {
  auto decoded = base64_decode(text);
  if (!decoded)
    return fail(
        ErrorCode::invalid_argument,
        "coinbase key: neither a PEM nor a base64 Ed25519 key (" + decoded.error().message + ")");
  std::vector<unsigned char> bytes = std::move(decoded).value();
  if (bytes.size() != 32 && bytes.size() != 64) {
    const std::size_t n = bytes.size();
    wipe(bytes);
    return fail(ErrorCode::invalid_argument,
                "coinbase key: a base64 Ed25519 key has 32 or 64 bytes, got " + std::to_string(n));
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes.data(), 32);
  if (key == nullptr) {
    wipe(bytes);
    return fail(ErrorCode::invalid_argument,
                "coinbase key: Ed25519 seed refused (" + openssl_error() + ")");
  }
  if (bytes.size() == 64) {
    std::array<unsigned char, 32> pub{};
    std::size_t pub_len = pub.size();
    const bool ok = EVP_PKEY_get_raw_public_key(key, pub.data(), &pub_len) == 1 && pub_len == 32 &&
                    CRYPTO_memcmp(pub.data(), bytes.data() + 32, 32) == 0;
    if (!ok) {
      wipe(bytes);
      EVP_PKEY_free(key);
      return fail(ErrorCode::invalid_argument,
                  "coinbase key: the 64-byte Ed25519 key's public half does not match its seed");
    }
  }
  wipe(bytes);
  return key;
}

}  // namespace

std::string_view jwt_alg(KeyAlgorithm a) noexcept {
  return a == KeyAlgorithm::es256 ? "ES256" : "EdDSA";
}

std::string jwt_uri(std::string_view method, std::string_view host,
                    std::string_view path_and_query) {
  const auto q = path_and_query.find('?');
  if (q != std::string_view::npos) path_and_query = path_and_query.substr(0, q);
  std::string out;
  out.reserve(method.size() + 1 + host.size() + path_and_query.size());
  out.append(method).push_back(' ');
  out.append(host).append(path_and_query);
  return out;
}

void JwtSigner::KeyDeleter::operator()(evp_pkey_st* key) const noexcept {
  EVP_PKEY_free(key);  // OpenSSL clears private key material when freeing it
}

JwtSigner::JwtSigner(std::string key_name, KeyAlgorithm algorithm, evp_pkey_st* key) noexcept
    : key_name_(std::move(key_name)), algorithm_(algorithm), key_(key) {}
JwtSigner::JwtSigner(JwtSigner&&) noexcept = default;
JwtSigner& JwtSigner::operator=(JwtSigner&&) noexcept = default;
JwtSigner::~JwtSigner() = default;

Result<JwtSigner> JwtSigner::create(std::string key_name, std::string_view private_key) {
  if (key_name.empty())
    return fail(ErrorCode::invalid_argument, "coinbase key: the API key name is empty");
  // CDP key names are "organizations/{uuid}/apiKeys/{uuid}": printable ASCII. Anything else
  // (a control character, invalid UTF-8 from a broken file) would make the JWT's JSON invalid.
  for (const char c : key_name)
    if (c < 0x20 || c > 0x7e)
      return fail(ErrorCode::invalid_argument,
                  "coinbase key: the API key name must be printable ASCII");
  const std::string_view text = trim(private_key);
  if (text.empty())
    return fail(ErrorCode::invalid_argument, "coinbase key: the private key is empty");
  if (text.find("-----BEGIN") != std::string_view::npos) {
    auto key = load_pem(text);
    if (!key) return key.error();
    return JwtSigner(std::move(key_name), KeyAlgorithm::es256, *key);
  }
  auto key = load_ed25519(text);
  if (!key) return key.error();
  return JwtSigner(std::move(key_name), KeyAlgorithm::ed25519, *key);
}

Result<std::string> JwtSigner::sign(std::optional<std::string_view> uri, std::int64_t nbf) const {
  const std::string nonce = random_nonce();
  if (nonce.empty()) return fail(ErrorCode::internal, "coinbase jwt: RAND_bytes failed");
  return sign_with_nonce(uri, nbf, nonce);
}

Result<std::string> JwtSigner::sign_with_nonce(std::optional<std::string_view> uri,
                                               std::int64_t nbf, std::string_view nonce) const {
  if (!key_) return fail(ErrorCode::invalid_state, "coinbase jwt: signer was moved from");
  if (nonce.size() != 64 || !is_hex(nonce))
    return fail(ErrorCode::invalid_argument, "coinbase jwt: the nonce must be 64 hex characters");
  std::string header;
  header.reserve(96 + key_name_.size());
  header += R"({"alg":")";
  header += jwt_alg(algorithm_);
  header += R"(","kid":)";
  append_json_string(header, key_name_);
  header += R"(,"nonce":")";
  header += nonce;
  header += R"(","typ":"JWT"})";

  std::string claims;
  claims.reserve(96 + key_name_.size() + (uri ? uri->size() : 0));
  claims += R"({"sub":)";
  append_json_string(claims, key_name_);
  claims += R"(,"iss":"cdp","nbf":)";
  claims += std::to_string(nbf);
  claims += R"(,"exp":)";
  claims += std::to_string(nbf + kJwtLifetimeSeconds);
  if (uri) {
    claims += R"(,"uri":)";
    append_json_string(claims, *uri);
  }
  claims += '}';

  std::string token = base64url_encode(header);
  token.push_back('.');
  token += base64url_encode(claims);
  auto sig = signature(token);
  if (!sig) return sig.error();
  token.push_back('.');
  token += *sig;
  return token;
}

Result<std::string> JwtSigner::signature(std::string_view signing_input) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return fail(ErrorCode::internal, "coinbase jwt: EVP_MD_CTX_new failed");
  const EVP_MD* md = algorithm_ == KeyAlgorithm::es256 ? EVP_sha256() : nullptr;
  std::array<unsigned char, 80> der{};  // an ECDSA P-256 DER signature is at most 72 bytes
  std::size_t len = der.size();
  const auto* input = reinterpret_cast<const unsigned char*>(signing_input.data());
  const bool ok = EVP_DigestSignInit(ctx, nullptr, md, nullptr, key_.get()) == 1 &&
                  EVP_DigestSign(ctx, der.data(), &len, input, signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok)
    return fail(ErrorCode::internal, "coinbase jwt: signing failed (" + openssl_error() + ")");
  if (algorithm_ == KeyAlgorithm::ed25519) {
    if (len != 64) return fail(ErrorCode::internal, "coinbase jwt: Ed25519 signature not 64 bytes");
    return base64url_encode(std::span<const unsigned char>(der.data(), len));
  }
  // DER ECDSA-Sig-Value → JWS raw r||s, each left-padded to 32 bytes (RFC 7518 §3.4).
  const unsigned char* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  if (sig == nullptr)
    return fail(ErrorCode::internal, "coinbase jwt: unreadable DER signature from OpenSSL");
  std::array<unsigned char, 64> raw{};
  const bool padded = BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw.data(), 32) == 32 &&
                      BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw.data() + 32, 32) == 32;
  ECDSA_SIG_free(sig);
  if (!padded) return fail(ErrorCode::internal, "coinbase jwt: r or s wider than 32 bytes");
  return base64url_encode(std::span<const unsigned char>(raw.data(), raw.size()));
}

Result<std::string> JwtSigner::public_key_pem() const {
  if (!key_) return fail(ErrorCode::invalid_state, "coinbase jwt: signer was moved from");
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return fail(ErrorCode::internal, "coinbase jwt: BIO_new failed");
  if (PEM_write_bio_PUBKEY(bio, key_.get()) != 1) {
    BIO_free(bio);
    return fail(ErrorCode::internal, "coinbase jwt: PEM_write_bio_PUBKEY failed");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

}  // namespace nzeza::venues::coinbase

#include "venues/kraken/sign.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <map>
#include <stdexcept>

#include "venues/credentials.hpp"
#include "venues/percent_encoding.hpp"

namespace nzeza::venues::kraken {

namespace {

constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string sha256_hex_fingerprint(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(md.data()), len);
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{p[i]} << 16;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8);
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0)
    return fail(ErrorCode::invalid_argument,
                "kraken: base64 text must be a non-empty multiple of 4 characters");
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + static_cast<std::size_t>(k)];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0 || (v[k] = b64_value(c)) < 0)
        return fail(ErrorCode::invalid_argument,
                    "kraken: invalid base64 character at offset " +
                        std::to_string(i + static_cast<std::size_t>(k)));
    }
    const std::uint32_t w =
        (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
        (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    out += static_cast<char>((w >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((w >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(w & 0xff);
  }
  return out;
}

std::string form_escape(std::string_view value) {
  return percent_encode(value, SpaceAs::plus);
}

std::string form_encode(const FormParams& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += form_escape(k);
    out += '=';
    out += form_escape(v);
  }
  return out;
}

namespace {

// sha256(nonce || postdata) appended to uri_path: the HMAC message.
std::string hmac_message(std::string_view uri_path, std::string_view nonce,
                         std::string_view postdata, const EVP_MD* sha256) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) throw std::bad_alloc();
  const bool ok = EVP_DigestInit_ex(ctx, sha256, nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, nonce.data(), nonce.size()) == 1 &&
                  EVP_DigestUpdate(ctx, postdata.data(), postdata.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, digest.data(), &len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) throw std::runtime_error("kraken: SHA256 failed");
  std::string msg;
  msg.reserve(uri_path.size() + len);
  msg.append(uri_path);
  msg.append(reinterpret_cast<const char*>(digest.data()), len);
  return msg;
}

std::string finish_mac(EVP_MAC_CTX* ctx, std::string_view msg) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  std::size_t out_len = 0;
  const bool ok =
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1 &&
      EVP_MAC_final(ctx, out.data(), &out_len, out.size()) == 1;
  if (!ok) throw std::runtime_error("kraken: HMAC-SHA512 failed");
  return base64_encode(std::string_view(reinterpret_cast<const char*>(out.data()), out_len));
}

struct MacHandles {
  EVP_MAC* mac = nullptr;
  const EVP_MD* sha256 = nullptr;
  MacHandles() : mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr)), sha256(EVP_sha256()) {
    if (mac == nullptr) throw std::runtime_error("kraken: OpenSSL has no HMAC");
  }
  ~MacHandles() { EVP_MAC_free(mac); }
  MacHandles(const MacHandles&) = delete;
  MacHandles& operator=(const MacHandles&) = delete;
};

const MacHandles& handles() {
  static const MacHandles h;
  return h;
}

EVP_MAC_CTX* keyed_context(std::string_view key) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(handles().mac);
  if (ctx == nullptr) throw std::bad_alloc();
  char digest_name[] = "SHA512";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0), OSSL_PARAM_END};
  if (EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) !=
      1) {
    EVP_MAC_CTX_free(ctx);
    throw std::runtime_error("kraken: HMAC-SHA512 init failed");
  }
  return ctx;
}

}  // namespace

std::string api_sign(std::string_view secret, std::string_view uri_path, std::string_view nonce,
                     std::string_view postdata) {
  const std::string msg = hmac_message(uri_path, nonce, postdata, handles().sha256);
  EVP_MAC_CTX* ctx = keyed_context(secret);
  std::string out;
  try {
    out = finish_mac(ctx, msg);
  } catch (...) {
    EVP_MAC_CTX_free(ctx);
    throw;
  }
  EVP_MAC_CTX_free(ctx);
  return out;
}

// A keyed HMAC context kept per key: each signature duplicates it (no key schedule per call).
struct KrakenKeySigner::Mac {
  EVP_MAC_CTX* keyed = nullptr;
  explicit Mac(std::string_view key) : keyed(keyed_context(key)) {}
  ~Mac() { EVP_MAC_CTX_free(keyed); }
  Mac(const Mac&) = delete;
  Mac& operator=(const Mac&) = delete;
};

KrakenKeySigner::KrakenKeySigner(std::string api_key, std::string secret)
    : api_key_(std::move(api_key)),
      secret_(std::move(secret)),
      secret_fingerprint_(sha256_hex_fingerprint(secret_)),
      mac_(std::make_unique<Mac>(secret_)) {}

KrakenKeySigner::~KrakenKeySigner() {
  wipe_string(secret_);
}

Result<std::shared_ptr<KrakenKeySigner>> KrakenKeySigner::create(std::string api_key,
                                                                 std::string_view secret_base64) {
  if (api_key.empty()) return fail(ErrorCode::invalid_argument, "kraken: empty api_key");
  auto decoded = base64_decode(secret_base64);
  if (!decoded)
    return fail(ErrorCode::invalid_argument,
                "kraken: api_secret is not valid base64 (" + decoded.error().message + ")");
  std::string secret = std::move(decoded).value();
  auto* signer = new KrakenKeySigner(std::move(api_key), std::move(secret));
  return std::shared_ptr<KrakenKeySigner>(signer);
}

Result<std::shared_ptr<KrakenKeySigner>> KrakenKeySigner::shared(std::string api_key,
                                                                 std::string_view secret_base64) {
  static std::mutex registry_mu;
  static std::map<std::string, std::weak_ptr<KrakenKeySigner>, std::less<>> registry;
  std::lock_guard lock(registry_mu);
  auto made = create(api_key, secret_base64);
  if (!made) return made;
  if (auto it = registry.find(api_key); it != registry.end()) {
    if (auto existing = it->second.lock()) {
      if (existing->secret_fingerprint_ != (*made)->secret_fingerprint_)
        return fail(ErrorCode::invalid_argument,
                    "kraken: this API key is already in use with a different secret");
      return existing;
    }
  }
  registry[api_key] = *made;
  return made;
}

SignedRequest KrakenKeySigner::sign(std::string_view uri_path, const FormParams& params,
                                    Timestamp now) {
  SignedRequest out;
  const std::string encoded = form_encode(params);
  std::lock_guard lock(mu_);
  const std::int64_t ms = now.ms();
  out.nonce = nonces_.next(ms > 0 ? static_cast<std::uint64_t>(ms) : 0);
  const std::string nonce = std::to_string(out.nonce);
  out.body.reserve(7 + nonce.size() + 1 + encoded.size());
  out.body.append("nonce=").append(nonce);
  if (!encoded.empty()) out.body.append("&").append(encoded);
  const std::string msg = hmac_message(uri_path, nonce, out.body, handles().sha256);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(mac_->keyed);
  if (ctx == nullptr) throw std::bad_alloc();
  try {
    out.api_sign = finish_mac(ctx, msg);
  } catch (...) {
    EVP_MAC_CTX_free(ctx);
    throw;
  }
  EVP_MAC_CTX_free(ctx);
  return out;
}

void KrakenKeySigner::advance_nonce_to(std::uint64_t floor) {
  std::lock_guard lock(mu_);
  if (nonces_.last() < floor) (void)nonces_.next(floor);
}

}  // namespace nzeza::venues::kraken

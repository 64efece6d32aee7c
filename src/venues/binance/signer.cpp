#include "venues/binance/signer.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <charconv>

namespace nzeza::venues::binance {
namespace {

constexpr char kHexLower[] = "0123456789abcdef";

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace

QueryBuilder& QueryBuilder::add(std::string_view key, std::string_view value) {
  if (!query_.empty()) query_.push_back('&');
  append_percent_encoded(query_, key);
  query_.push_back('=');
  append_percent_encoded(query_, value);
  return *this;
}

QueryBuilder& QueryBuilder::add(std::string_view key, std::int64_t value) {
  // Digits and '-' are unreserved: the encoded text is the number as written.
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  return add(key, std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
}

std::string wsapi_payload(std::vector<std::pair<std::string, std::string>> params) {
  std::sort(params.begin(), params.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(kHexLower[c >> 4]);
    out.push_back(kHexLower[c & 0x0F]);
  }
  return out;
}

struct HmacSha256Signer::Impl {
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* ctx = nullptr;  // initialised with the key; duplicated per signature
  ~Impl() {
    EVP_MAC_CTX_free(ctx);  // OpenSSL cleanses the key material it holds
    EVP_MAC_free(mac);
  }
};

HmacSha256Signer::HmacSha256Signer(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
HmacSha256Signer::HmacSha256Signer(HmacSha256Signer&&) noexcept = default;
HmacSha256Signer& HmacSha256Signer::operator=(HmacSha256Signer&&) noexcept = default;
HmacSha256Signer::~HmacSha256Signer() = default;

Result<HmacSha256Signer> HmacSha256Signer::create(std::string_view secret) {
  if (secret.empty())
    return fail(ErrorCode::invalid_argument, "binance signer: the API secret is empty");
  auto impl = std::make_unique<Impl>();
  impl->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (impl->mac == nullptr)
    return fail(ErrorCode::internal, "binance signer: OpenSSL has no HMAC implementation");
  impl->ctx = EVP_MAC_CTX_new(impl->mac);
  if (impl->ctx == nullptr)
    return fail(ErrorCode::internal, "binance signer: EVP_MAC_CTX_new failed");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(impl->ctx, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                   params) != 1)
    return fail(ErrorCode::internal, "binance signer: EVP_MAC_init (HMAC-SHA256) failed");
  return HmacSha256Signer(std::move(impl));
}

bool HmacSha256Signer::sign_into(std::string_view payload, char (&out)[64]) const noexcept {
  if (!impl_ || impl_->ctx == nullptr) return false;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(impl_->ctx);
  if (ctx == nullptr) return false;
  unsigned char md[32];
  std::size_t len = 0;
  const bool ok = EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(payload.data()),
                                 payload.size()) == 1 &&
                  EVP_MAC_final(ctx, md, &len, sizeof md) == 1 && len == sizeof md;
  EVP_MAC_CTX_free(ctx);
  if (!ok) return false;
  for (std::size_t i = 0; i < sizeof md; ++i) {
    out[2 * i] = kHexLower[md[i] >> 4];
    out[2 * i + 1] = kHexLower[md[i] & 0x0F];
  }
  OPENSSL_cleanse(md, sizeof md);
  return true;
}

Result<std::string> HmacSha256Signer::sign(std::string_view payload) const {
  char hex[64];
  if (!sign_into(payload, hex))
    return fail(ErrorCode::internal, "binance signer: HMAC-SHA256 computation failed");
  return std::string(hex, sizeof hex);
}

Result<std::string> with_timing(std::string query, std::int64_t timestamp_ms,
                                std::int64_t recv_window_ms) {
  if (recv_window_ms < 1 || recv_window_ms > 60000)
    return fail(
        ErrorCode::invalid_argument,
        "binance signer: recvWindow must be 1..60000 ms, got " + std::to_string(recv_window_ms));
  if (timestamp_ms <= 0)
    return fail(ErrorCode::invalid_argument,
                "binance signer: timestamp must be positive, got " + std::to_string(timestamp_ms));
  query.reserve(query.size() + 48 + 75);
  if (!query.empty()) query.push_back('&');
  query += "recvWindow=";
  append_int(query, recv_window_ms);
  query += "&timestamp=";
  append_int(query, timestamp_ms);
  return query;
}

Result<std::string> signed_query(const HmacSha256Signer& signer, std::string query,
                                 std::string_view body, std::int64_t timestamp_ms,
                                 std::int64_t recv_window_ms) {
  auto timed = with_timing(std::move(query), timestamp_ms, recv_window_ms);
  if (!timed) return timed;
  std::string q = std::move(timed).value();
  char hex[64];
  bool ok;
  if (body.empty()) {
    ok = signer.sign_into(q, hex);
  } else {
    std::string payload;
    payload.reserve(q.size() + body.size());
    payload += q;
    payload += body;
    ok = signer.sign_into(payload, hex);
  }
  if (!ok) return fail(ErrorCode::internal, "binance signer: HMAC-SHA256 computation failed");
  q += "&signature=";
  q.append(hex, sizeof hex);
  return q;
}

}  // namespace nzeza::venues::binance

#include "venues/dydx/hashes.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace nzeza::venues::dydx {

Bytes32 sha256(std::span<const std::uint8_t> data) {
  Bytes32 out{};
  SHA256(data.data(), data.size(), out.data());
  return out;
}

Bytes32 sha256(std::string_view data) {
  return sha256(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
}

Result<Bytes20> ripemd160(std::span<const std::uint8_t> data) {
  EVP_MD* md = EVP_MD_fetch(nullptr, "RIPEMD160", nullptr);
  if (md == nullptr)
    return fail(ErrorCode::unavailable,
                "dydx: RIPEMD-160 is not available from OpenSSL's default provider");
  Bytes20 out{};
  unsigned int len = 0;
  const int ok = EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr);
  EVP_MD_free(md);
  if (ok != 1 || len != out.size())
    return fail(ErrorCode::internal, "dydx: RIPEMD-160 digest failed");
  return out;
}

Bytes64 hmac_sha512(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  Bytes64 out{};
  unsigned int len = 0;
  // One-shot HMAC: never fails with a valid digest and in-memory buffers.
  HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(),
       &len);
  return out;
}

Bytes64 pbkdf2_sha512(std::string_view password, std::string_view salt, unsigned iterations) {
  Bytes64 out{};
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha512(),
                    static_cast<int>(out.size()), out.data());
  return out;
}

std::string to_hex(std::span<const std::uint8_t> data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.resize(data.size() * 2);
  for (std::size_t i = 0; i < data.size(); ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Result<std::vector<std::uint8_t>> parse_hex(std::string_view text) {
  if (text.size() % 2 != 0)
    return fail(ErrorCode::parse_error,
                "hex: odd number of digits (" + std::to_string(text.size()) + ")");
  std::vector<std::uint8_t> out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(text[2 * i]);
    const int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return fail(ErrorCode::parse_error,
                  "hex: not a hex digit at position " + std::to_string(hi < 0 ? 2 * i : 2 * i + 1));
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

}  // namespace nzeza::venues::dydx

#include "venues/dydx/hd_key.hpp"

#include <openssl/crypto.h>
#include <secp256k1.h>

#include <charconv>
#include <cstring>

#include "venues/dydx/secp256k1_context.hpp"

namespace nzeza::venues::dydx {

ExtendedKey::~ExtendedKey() {
  OPENSSL_cleanse(key.data(), key.size());
  OPENSSL_cleanse(chain_code.data(), chain_code.size());
}

Result<std::vector<std::uint32_t>> parse_derivation_path(std::string_view path) {
  if (path.empty() || path[0] != 'm')
    return fail(ErrorCode::invalid_argument,
                "bip32: a path starts with 'm', got '" + std::string(path) + "'");
  std::vector<std::uint32_t> out;
  std::size_t pos = 1;
  while (pos < path.size()) {
    if (path[pos] != '/')
      return fail(ErrorCode::invalid_argument, "bip32: expected '/' at position " +
                                                   std::to_string(pos) + " of '" +
                                                   std::string(path) + "'");
    ++pos;
    std::uint32_t index = 0;
    const char* first = path.data() + pos;
    const char* last = path.data() + path.size();
    auto [ptr, ec] = std::from_chars(first, last, index);
    if (ec != std::errc{} || ptr == first || index >= kHardened)
      return fail(ErrorCode::invalid_argument, "bip32: bad index at position " +
                                                   std::to_string(pos) + " of '" +
                                                   std::string(path) + "'");
    pos = static_cast<std::size_t>(ptr - path.data());
    if (pos < path.size() && (path[pos] == '\'' || path[pos] == 'h' || path[pos] == 'H')) {
      index |= kHardened;
      ++pos;
    }
    out.push_back(index);
  }
  return out;
}

Result<PublicKey33> compressed_public_key(const Bytes32& private_key) {
  const auto* ctx = secp256k1_ctx();
  secp256k1_pubkey pub;
  if (secp256k1_ec_pubkey_create(ctx, &pub, private_key.data()) != 1)
    return fail(ErrorCode::invalid_argument, "secp256k1: private key out of range");
  PublicKey33 out{};
  std::size_t len = out.size();
  secp256k1_ec_pubkey_serialize(ctx, out.data(), &len, &pub, SECP256K1_EC_COMPRESSED);
  return out;
}

namespace {
ExtendedKey split(const Bytes64& i) {
  ExtendedKey k;
  std::memcpy(k.key.data(), i.data(), 32);
  std::memcpy(k.chain_code.data(), i.data() + 32, 32);
  return k;
}
}  // namespace

Result<ExtendedKey> bip32_master(std::span<const std::uint8_t> seed) {
  if (seed.size() < 16 || seed.size() > 64)
    return fail(ErrorCode::invalid_argument,
                "bip32: seed is 16..64 bytes, not " + std::to_string(seed.size()));
  static constexpr std::string_view kKey = "Bitcoin seed";
  Bytes64 i =
      hmac_sha512(std::span(reinterpret_cast<const std::uint8_t*>(kKey.data()), kKey.size()), seed);
  ExtendedKey k = split(i);
  OPENSSL_cleanse(i.data(), i.size());
  if (secp256k1_ec_seckey_verify(secp256k1_ctx(), k.key.data()) != 1)
    return fail(ErrorCode::invalid_argument, "bip32: master key out of range for this seed");
  return k;
}

Result<ExtendedKey> bip32_child(const ExtendedKey& parent, std::uint32_t index) {
  // data = 0x00 || k_par || ser32(i) (hardened) or ser_P(K_par) || ser32(i) (normal).
  std::array<std::uint8_t, 37> data{};
  if (index & kHardened) {
    data[0] = 0;
    std::memcpy(data.data() + 1, parent.key.data(), 32);
  } else {
    auto pub = compressed_public_key(parent.key);
    if (!pub.ok()) return pub.error();
    std::memcpy(data.data(), pub->data(), 33);
  }
  data[33] = static_cast<std::uint8_t>(index >> 24);
  data[34] = static_cast<std::uint8_t>(index >> 16);
  data[35] = static_cast<std::uint8_t>(index >> 8);
  data[36] = static_cast<std::uint8_t>(index);
  Bytes64 i = hmac_sha512(parent.chain_code, data);
  OPENSSL_cleanse(data.data(), data.size());
  ExtendedKey child = split(i);  // child.key holds IL for now
  OPENSSL_cleanse(i.data(), i.size());
  Bytes32 il = child.key;
  child.key = parent.key;
  // tweak-add fails when IL >= n or the sum is zero: both make the index invalid (BIP-32).
  const int ok = secp256k1_ec_seckey_tweak_add(secp256k1_ctx(), child.key.data(), il.data());
  OPENSSL_cleanse(il.data(), il.size());
  if (ok != 1)
    return fail(ErrorCode::invalid_argument,
                "bip32: child index " + std::to_string(index & ~kHardened) +
                    " is invalid for this key (IL >= n or zero key); use the next index");
  return child;
}

Result<ExtendedKey> bip32_derive(std::span<const std::uint8_t> seed, std::string_view path) {
  auto indices = parse_derivation_path(path);
  if (!indices.ok()) return indices.error();
  auto key = bip32_master(seed);
  if (!key.ok()) return key.error();
  ExtendedKey cur = *key;
  for (const std::uint32_t idx : *indices) {
    auto next = bip32_child(cur, idx);
    if (!next.ok()) return next.error();
    cur = *next;
  }
  return cur;
}

}  // namespace nzeza::venues::dydx

#include "venues/dydx/wallet.hpp"

#include <openssl/crypto.h>
#include <secp256k1.h>

#include "venues/dydx/bech32.hpp"
#include "venues/dydx/mnemonic.hpp"
#include "venues/dydx/secp256k1_context.hpp"

namespace nzeza::venues::dydx {

Result<std::string> address_from_public_key(const PublicKey33& public_key, std::string_view hrp) {
  const Bytes32 sha = sha256(public_key);
  auto rip = ripemd160(sha);
  if (!rip.ok()) return rip.error();
  return bech32_encode(hrp, *rip);
}

Result<Wallet> Wallet::from_private_key(const Bytes32& private_key) {
  auto pub = compressed_public_key(private_key);
  if (!pub.ok()) return pub.error();
  auto addr = address_from_public_key(*pub);
  if (!addr.ok()) return addr.error();
  Wallet w;
  w.key_ = private_key;
  w.public_key_ = *pub;
  w.address_ = std::move(*addr);
  return w;
}

Result<Wallet> Wallet::from_mnemonic(std::string_view mnemonic, std::string_view passphrase,
                                     std::string_view path) {
  auto seed = mnemonic_to_seed(mnemonic, passphrase);
  if (!seed.ok()) return seed.error();
  auto key = bip32_derive(*seed, path);
  OPENSSL_cleanse(seed->data(), seed->size());
  if (!key.ok()) return key.error();
  return from_private_key(key->key);
}

Wallet::Wallet(Wallet&& other) noexcept
    : key_(other.key_), public_key_(other.public_key_), address_(std::move(other.address_)) {
  OPENSSL_cleanse(other.key_.data(), other.key_.size());
}

Wallet& Wallet::operator=(Wallet&& other) noexcept {
  if (this != &other) {
    key_ = other.key_;
    public_key_ = other.public_key_;
    address_ = std::move(other.address_);
    OPENSSL_cleanse(other.key_.data(), other.key_.size());
  }
  return *this;
}

Wallet::~Wallet() {
  OPENSSL_cleanse(key_.data(), key_.size());
}

Bytes64 Wallet::sign_digest(const Bytes32& digest) const {
  const auto* ctx = secp256k1_ctx();
  secp256k1_ecdsa_signature sig;
  // nullptr nonce function = secp256k1_nonce_function_rfc6979; the key was verified at
  // construction, so signing cannot fail.
  (void)secp256k1_ecdsa_sign(ctx, &sig, digest.data(), key_.data(), nullptr, nullptr);
  (void)secp256k1_ecdsa_signature_normalize(ctx, &sig, &sig);  // low-S (already is; explicit)
  Bytes64 out{};
  secp256k1_ecdsa_signature_serialize_compact(ctx, out.data(), &sig);
  return out;
}

Bytes64 Wallet::sign(std::span<const std::uint8_t> message) const {
  return sign_digest(sha256(message));
}

}  // namespace nzeza::venues::dydx

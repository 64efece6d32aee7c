#pragma once
// A dYdX v4 signing key: secp256k1 private key (from a BIP-39 mnemonic along m/44'/118'/0'/0/0,
// or given directly), its compressed public key and bech32 "dydx1..." address.
//
// Signatures are ECDSA over a 32-byte digest with the RFC 6979 deterministic nonce
// (libsecp256k1's default), low-S normalised, serialised as the 64-byte r||s Cosmos expects.
// Move-only; the private key is wiped when the wallet is destroyed. Thread-safe for const use.

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "venues/dydx/hashes.hpp"
#include "venues/dydx/hd_key.hpp"

namespace nzeza::venues::dydx {

inline constexpr std::string_view kDydxAddressPrefix = "dydx";

// bech32(hrp, RIPEMD160(SHA256(compressed public key))).
[[nodiscard]] Result<std::string> address_from_public_key(
    const PublicKey33& public_key, std::string_view hrp = kDydxAddressPrefix);

class Wallet {
 public:
  [[nodiscard]] static Result<Wallet> from_mnemonic(std::string_view mnemonic,
                                                    std::string_view passphrase = {},
                                                    std::string_view path = kCosmosPath);
  [[nodiscard]] static Result<Wallet> from_private_key(const Bytes32& private_key);

  Wallet(Wallet&& other) noexcept;
  Wallet& operator=(Wallet&& other) noexcept;
  Wallet(const Wallet&) = delete;
  Wallet& operator=(const Wallet&) = delete;
  ~Wallet();

  [[nodiscard]] const PublicKey33& public_key() const noexcept { return public_key_; }
  [[nodiscard]] const std::string& address() const noexcept { return address_; }

  // 64-byte r||s, low-S, RFC 6979 nonce: the same digest always gives the same signature.
  [[nodiscard]] Bytes64 sign_digest(const Bytes32& digest) const;
  // sign_digest(SHA-256(message)) — what SIGN_MODE_DIRECT signs over the SignDoc bytes.
  [[nodiscard]] Bytes64 sign(std::span<const std::uint8_t> message) const;

  // For tests and the key-export check only.
  [[nodiscard]] const Bytes32& private_key_for_tests() const noexcept { return key_; }

 private:
  Wallet() = default;
  Bytes32 key_{};
  PublicKey33 public_key_{};
  std::string address_;
};

}  // namespace nzeza::venues::dydx

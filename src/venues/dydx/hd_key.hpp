#pragma once
// BIP-32 private derivation on secp256k1 (what Cosmos wallets use along m/44'/118'/0'/0/0).
// The private child key is (IL + k_parent) mod n, computed with libsecp256k1's tweak-add; a
// child whose IL >= n or whose key is zero is reported as an error (probability ~2^-127, and
// BIP-32 says to skip such an index — the caller picks another).

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "venues/dydx/hashes.hpp"

namespace nzeza::venues::dydx {

inline constexpr std::uint32_t kHardened = 0x8000'0000u;
inline constexpr std::string_view kCosmosPath = "m/44'/118'/0'/0/0";

using PublicKey33 = std::array<std::uint8_t, 33>;

// A private extended key; wiped when destroyed.
struct ExtendedKey {
  Bytes32 key{};
  Bytes32 chain_code{};
  ExtendedKey() = default;
  ExtendedKey(const ExtendedKey&) = default;
  ExtendedKey& operator=(const ExtendedKey&) = default;
  ~ExtendedKey();
};

// "m/44'/118'/0'/0/0" (also "h" or "H" for hardened) -> indices.
[[nodiscard]] Result<std::vector<std::uint32_t>> parse_derivation_path(std::string_view path);

// Master key from a 16..64-byte seed: HMAC-SHA512(key="Bitcoin seed", seed).
[[nodiscard]] Result<ExtendedKey> bip32_master(std::span<const std::uint8_t> seed);
[[nodiscard]] Result<ExtendedKey> bip32_child(const ExtendedKey& parent, std::uint32_t index);
[[nodiscard]] Result<ExtendedKey> bip32_derive(std::span<const std::uint8_t> seed,
                                               std::string_view path);

// The 33-byte compressed public key of a private key; error when the key is not in [1, n-1].
[[nodiscard]] Result<PublicKey33> compressed_public_key(const Bytes32& private_key);

}  // namespace nzeza::venues::dydx

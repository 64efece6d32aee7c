#pragma once
// BIP-39 mnemonics (English list): validation with the checksum, entropy <-> words, and the
// seed derivation seed = PBKDF2-HMAC-SHA512(mnemonic, "mnemonic" + passphrase, 2048, 64 bytes).
//
// Input normalisation: words may be separated by any run of ASCII whitespace and may be in
// upper or mixed case; they are lower-cased and joined by one space before hashing (for the
// all-ASCII English list that equals the NFKD form BIP-39 specifies). A non-ASCII passphrase is
// refused rather than hashed without NFKD normalisation, which would silently give another seed.
//
// Errors name the word's POSITION, never the word itself: a mnemonic is a secret.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "venues/dydx/hashes.hpp"

namespace nzeza::venues::dydx {

// Checks length (12, 15, 18, 21 or 24 words), that every word is on the list, and the checksum.
[[nodiscard]] Status validate_mnemonic(std::string_view mnemonic);

// The validated, normalised mnemonic ("word word ..."); the caller wipes it when done.
[[nodiscard]] Result<std::string> normalize_mnemonic(std::string_view mnemonic);

// Words for 16, 20, 24, 28 or 32 bytes of entropy.
[[nodiscard]] Result<std::string> entropy_to_mnemonic(std::span<const std::uint8_t> entropy);

// The entropy a valid mnemonic encodes.
[[nodiscard]] Result<std::vector<std::uint8_t>> mnemonic_to_entropy(std::string_view mnemonic);

// Validates, then derives the 64-byte BIP-39 seed.
[[nodiscard]] Result<Bytes64> mnemonic_to_seed(std::string_view mnemonic,
                                               std::string_view passphrase = {});

}  // namespace nzeza::venues::dydx

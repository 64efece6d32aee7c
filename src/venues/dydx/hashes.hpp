#pragma once
// The hash primitives the dYdX wallet and transactions need, on OpenSSL 3 one-shot EVP calls.
// Pure functions, thread-safe; byte strings in and fixed-size arrays out.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace nzeza::venues::dydx {

using Bytes32 = std::array<std::uint8_t, 32>;
using Bytes20 = std::array<std::uint8_t, 20>;
using Bytes64 = std::array<std::uint8_t, 64>;

[[nodiscard]] Bytes32 sha256(std::span<const std::uint8_t> data);
[[nodiscard]] Bytes32 sha256(std::string_view data);
// RIPEMD-160 through OpenSSL's default provider (OpenSSL >= 3.0.7 ships it there); an error, not
// a crash, when the running OpenSSL lacks it.
[[nodiscard]] Result<Bytes20> ripemd160(std::span<const std::uint8_t> data);
[[nodiscard]] Bytes64 hmac_sha512(std::span<const std::uint8_t> key,
                                  std::span<const std::uint8_t> data);
// PBKDF2-HMAC-SHA512 with a 64-byte output (the BIP-39 seed derivation).
[[nodiscard]] Bytes64 pbkdf2_sha512(std::string_view password, std::string_view salt,
                                    unsigned iterations);

// Lower-case hex of `data`; parse_hex accepts either case and refuses odd length or non-hex.
[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> data);
[[nodiscard]] Result<std::vector<std::uint8_t>> parse_hex(std::string_view text);

}  // namespace nzeza::venues::dydx

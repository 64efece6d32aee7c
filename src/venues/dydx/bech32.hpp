#pragma once
// Bech32 (BIP-173, the original constant 1, not bech32m) as Cosmos addresses use it:
// "dydx" + "1" + base32(data) + 6-character checksum, lower case.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace nzeza::venues::dydx {

// Encodes 8-bit `data` (regrouped into 5-bit symbols, zero-padded) under human-readable `hrp`.
[[nodiscard]] std::string bech32_encode(std::string_view hrp, std::span<const std::uint8_t> data);

struct Bech32Decoded {
  std::string hrp;
  std::vector<std::uint8_t> data;  // 8-bit bytes
};
// Decodes and checks the checksum; refuses mixed case, bad characters, bad padding, length > 90.
[[nodiscard]] Result<Bech32Decoded> bech32_decode(std::string_view text);

}  // namespace nzeza::venues::dydx

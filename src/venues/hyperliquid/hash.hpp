#pragma once
// Keccak-256 (Ethereum's hash: the original Keccak padding, NOT NIST SHA3-256) and the small
// byte/hex helpers the Hyperliquid signer uses.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nzeza::venues::hyperliquid {

using Hash32 = std::array<std::uint8_t, 32>;
using Address = std::array<std::uint8_t, 20>;

// Crypto++ Keccak_256 over `bytes`.
[[nodiscard]] Hash32 keccak256(std::string_view bytes) noexcept;
// Over the concatenation of two byte strings (no temporary copy).
[[nodiscard]] Hash32 keccak256(std::string_view a, std::string_view b) noexcept;

// Lower-case hex without prefix.
[[nodiscard]] std::string to_hex(const std::uint8_t* data, std::size_t n);
template <std::size_t N>
[[nodiscard]] std::string to_hex(const std::array<std::uint8_t, N>& a) {
  return to_hex(a.data(), N);
}
[[nodiscard]] std::string to_hex(std::string_view bytes);
// "0x" + lower-case hex.
template <std::size_t N>
[[nodiscard]] std::string to_0x(const std::array<std::uint8_t, N>& a) {
  return "0x" + to_hex(a.data(), N);
}
// Decodes hex with or without "0x" (either case); nullopt on odd length or a non-hex digit.
[[nodiscard]] std::optional<std::string> from_hex(std::string_view hex);
// Exactly N bytes of hex (with or without "0x"); nullopt otherwise. Left-pads shorter text
// only when `left_pad` (an r or s value printed without leading zeros).
template <std::size_t N>
[[nodiscard]] std::optional<std::array<std::uint8_t, N>> fixed_from_hex(std::string_view hex,
                                                                        bool left_pad = false) {
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  if (hex.size() > 2 * N || (!left_pad && hex.size() != 2 * N)) return std::nullopt;
  std::string padded(2 * N - hex.size(), '0');
  padded.append(hex);
  auto bytes = from_hex(padded);
  if (!bytes) return std::nullopt;
  std::array<std::uint8_t, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = static_cast<std::uint8_t>((*bytes)[i]);
  return out;
}
[[nodiscard]] std::optional<Address> parse_address(std::string_view hex);

}  // namespace nzeza::venues::hyperliquid

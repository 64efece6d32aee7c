#include "venues/hyperliquid/hash.hpp"

#include <cryptopp/keccak.h>

namespace nzeza::venues::hyperliquid {

Hash32 keccak256(std::string_view bytes) noexcept {
  return keccak256(bytes, {});
}

Hash32 keccak256(std::string_view a, std::string_view b) noexcept {
  CryptoPP::Keccak_256 k;
  k.Update(reinterpret_cast<const CryptoPP::byte*>(a.data()), a.size());
  if (!b.empty()) k.Update(reinterpret_cast<const CryptoPP::byte*>(b.data()), b.size());
  Hash32 out{};
  k.Final(out.data());
  return out;
}

std::string to_hex(const std::uint8_t* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  return to_hex(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

namespace {
int nibble(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

std::optional<Address> parse_address(std::string_view hex) {
  return fixed_from_hex<20>(hex);
}

}  // namespace nzeza::venues::hyperliquid

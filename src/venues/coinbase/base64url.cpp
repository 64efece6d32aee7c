#include "venues/coinbase/base64url.hpp"

#include <array>
#include <cstdint>

namespace nzeza::venues::coinbase {
namespace {

constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Value of a base64 digit in the url (url=true) or standard alphabet; -1 when not a digit.
constexpr int digit_value(char c, bool url) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (url) {
    if (c == '-') return 62;
    if (c == '_') return 63;
  } else {
    if (c == '+') return 62;
    if (c == '/') return 63;
  }
  return -1;
}

Result<std::vector<unsigned char>> decode(std::string_view text, bool url) {
  if (text.size() % 4 == 1)
    return fail(ErrorCode::parse_error, "base64: impossible length " + std::to_string(text.size()));
  std::vector<unsigned char> out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int v = digit_value(text[i], url);
    if (v < 0)
      return fail(ErrorCode::parse_error,
                  "base64: invalid character at offset " + std::to_string(i));
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<unsigned char>((acc >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero (a canonical encoding).
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    return fail(ErrorCode::parse_error, "base64: non-zero trailing bits");
  return out;
}

}  // namespace

std::string base64url_encode(std::span<const unsigned char> bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) |
                            std::uint32_t{bytes[i + 2]};
    out.push_back(kUrlAlphabet[(v >> 18) & 63]);
    out.push_back(kUrlAlphabet[(v >> 12) & 63]);
    out.push_back(kUrlAlphabet[(v >> 6) & 63]);
    out.push_back(kUrlAlphabet[v & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{bytes[i]} << 16;
    out.push_back(kUrlAlphabet[(v >> 18) & 63]);
    out.push_back(kUrlAlphabet[(v >> 12) & 63]);
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8);
    out.push_back(kUrlAlphabet[(v >> 18) & 63]);
    out.push_back(kUrlAlphabet[(v >> 12) & 63]);
    out.push_back(kUrlAlphabet[(v >> 6) & 63]);
  }
  return out;
}

std::string base64url_encode(std::string_view text) {
  return base64url_encode(
      std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size()));
}

Result<std::vector<unsigned char>> base64url_decode(std::string_view text) {
  return decode(text, /*url=*/true);
}

Result<std::vector<unsigned char>> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  return decode(text, /*url=*/false);
}

}  // namespace nzeza::venues::coinbase

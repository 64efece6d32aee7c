#include "venues/dydx/bech32.hpp"

#include <array>

namespace nzeza::venues::dydx {
namespace {

constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

std::uint32_t polymod(const std::vector<std::uint8_t>& values) {
  static constexpr std::array<std::uint32_t, 5> kGen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
                                                        0x3d4233dd, 0x2a1462b3};
  std::uint32_t chk = 1;
  for (const std::uint8_t v : values) {
    const std::uint32_t top = chk >> 25;
    chk = (chk & 0x1ffffff) << 5 ^ v;
    for (std::size_t i = 0; i < 5; ++i)
      if ((top >> i) & 1) chk ^= kGen[i];
  }
  return chk;
}

std::vector<std::uint8_t> hrp_expand(std::string_view hrp) {
  std::vector<std::uint8_t> out;
  out.reserve(hrp.size() * 2 + 1);
  for (const char c : hrp) out.push_back(static_cast<std::uint8_t>(c) >> 5);
  out.push_back(0);
  for (const char c : hrp) out.push_back(static_cast<std::uint8_t>(c) & 31);
  return out;
}

// Regroups bits; `pad` adds zero bits at the end (encoding), otherwise leftover bits must be
// fewer than `from` and zero (decoding).
bool convert_bits(std::span<const std::uint8_t> in, int from, int to, bool pad,
                  std::vector<std::uint8_t>& out) {
  std::uint32_t acc = 0;
  int bits = 0;
  const std::uint32_t maxv = (1u << to) - 1;
  for (const std::uint8_t v : in) {
    if ((v >> from) != 0) return false;
    acc = acc << from | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & maxv));
    }
  }
  if (pad) {
    if (bits > 0) out.push_back(static_cast<std::uint8_t>((acc << (to - bits)) & maxv));
  } else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) {
    return false;
  }
  return true;
}

}  // namespace

std::string bech32_encode(std::string_view hrp, std::span<const std::uint8_t> data) {
  std::vector<std::uint8_t> five;
  five.reserve(data.size() * 8 / 5 + 1);
  convert_bits(data, 8, 5, true, five);
  std::vector<std::uint8_t> values = hrp_expand(hrp);
  values.insert(values.end(), five.begin(), five.end());
  values.insert(values.end(), 6, 0);
  const std::uint32_t mod = polymod(values) ^ 1;
  std::string out(hrp);
  out.push_back('1');
  for (const std::uint8_t v : five) out.push_back(kCharset[v]);
  for (int i = 0; i < 6; ++i) out.push_back(kCharset[(mod >> (5 * (5 - i))) & 31]);
  return out;
}

Result<Bech32Decoded> bech32_decode(std::string_view text) {
  if (text.size() > 90) return fail(ErrorCode::parse_error, "bech32: longer than 90 characters");
  bool lower = false;
  bool upper = false;
  for (const char c : text) {
    if (c < 33 || c > 126) return fail(ErrorCode::parse_error, "bech32: non-printable character");
    lower = lower || (c >= 'a' && c <= 'z');
    upper = upper || (c >= 'A' && c <= 'Z');
  }
  if (lower && upper) return fail(ErrorCode::parse_error, "bech32: mixed case");
  const auto sep = text.rfind('1');
  if (sep == std::string_view::npos || sep == 0 || sep + 7 > text.size())
    return fail(ErrorCode::parse_error, "bech32: missing separator or checksum");
  Bech32Decoded out;
  for (const char c : text.substr(0, sep))
    out.hrp.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  std::vector<std::uint8_t> five;
  for (char c : text.substr(sep + 1)) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const auto pos = kCharset.find(c);
    if (pos == std::string_view::npos)
      return fail(ErrorCode::parse_error, std::string("bech32: invalid character '") + c + "'");
    five.push_back(static_cast<std::uint8_t>(pos));
  }
  std::vector<std::uint8_t> values = hrp_expand(out.hrp);
  values.insert(values.end(), five.begin(), five.end());
  if (polymod(values) != 1) return fail(ErrorCode::parse_error, "bech32: checksum mismatch");
  five.resize(five.size() - 6);
  if (!convert_bits(five, 5, 8, false, out.data))
    return fail(ErrorCode::parse_error, "bech32: bad padding");
  return out;
}

}  // namespace nzeza::venues::dydx

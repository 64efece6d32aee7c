#pragma once
// base64url (RFC 4648 §5) without padding, as JWS compact serialisation uses it, and standard
// base64 decoding (with or without padding) for Ed25519 private keys as Coinbase issues them.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace nzeza::venues::coinbase {

[[nodiscard]] std::string base64url_encode(std::span<const unsigned char> bytes);
[[nodiscard]] std::string base64url_encode(std::string_view text);
// Refuses characters outside the url alphabet, '=' padding and an impossible length (4n+1).
[[nodiscard]] Result<std::vector<unsigned char>> base64url_decode(std::string_view text);
// Standard alphabet ('+', '/'); trailing '=' padding optional; whitespace refused.
[[nodiscard]] Result<std::vector<unsigned char>> base64_decode(std::string_view text);

}  // namespace nzeza::venues::coinbase

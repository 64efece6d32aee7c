#pragma once
// Url: the parts of a ws://, wss://, http:// or https:// address the network clients need.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace nzeza::net {

struct Url {
  std::string scheme;      // "ws", "wss", "http" or "https" (lower case)
  std::string host;        // name or address, without IPv6 brackets
  std::uint16_t port = 0;  // explicit, or the scheme's default (80/443)
  std::string target;      // path and query, at least "/"

  [[nodiscard]] bool tls() const noexcept { return scheme == "wss" || scheme == "https"; }
  // "host:port" (IPv6 in brackets), the key for connection pools and the text for messages.
  [[nodiscard]] std::string authority() const;
  // Value of the Host header: the port is omitted when it is the scheme's default.
  [[nodiscard]] std::string host_header() const;
};

// Parses an absolute URL; errors (invalid_argument) say what is wrong with which URL. Userinfo
// and fragments are refused: credentials never travel in URLs here.
[[nodiscard]] Result<Url> parse_url(std::string_view text);

}  // namespace nzeza::net

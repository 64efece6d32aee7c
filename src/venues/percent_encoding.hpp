#pragma once
// Percent-encoding of URL query and form values, as the venues sign and send them: the
// unreserved characters of RFC 3986 ([A-Za-z0-9-._~], ASCII whatever the locale) as they are,
// every other byte as %XX with upper-case hex, so UTF-8 text is encoded byte by byte
// ("１" → "%EF%BC%91"). A form body (application/x-www-form-urlencoded, Kraken) writes a space
// as '+'. What is encoded here is exactly what goes on the wire and into a signature.
//
// Threading: pure functions.

#include <cstdint>
#include <string>
#include <string_view>

namespace nzeza::venues {

[[nodiscard]] constexpr bool url_unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

enum class SpaceAs : std::uint8_t { percent, plus };

inline void append_percent_encoded(std::string& out, std::string_view text,
                                   SpaceAs space = SpaceAs::percent) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (url_unreserved(c)) {
      out.push_back(ch);
    } else if (c == ' ' && space == SpaceAs::plus) {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
}

[[nodiscard]] inline std::string percent_encode(std::string_view text,
                                                SpaceAs space = SpaceAs::percent) {
  std::string out;
  out.reserve(text.size());
  append_percent_encoded(out, text, space);
  return out;
}

}  // namespace nzeza::venues

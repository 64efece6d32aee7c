#include "core/json_text.hpp"

namespace nzeza {

std::string json_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void append_json_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[(c >> 4) & 0xF]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(c);
    }
  }
}

std::string escape_chars(std::string_view s, std::initializer_list<CharEscape> escapes) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    const CharEscape* e = escapes.begin();
    while (e != escapes.end() && e->c != c) ++e;
    if (e == escapes.end()) {
      out.push_back(c);
    } else {
      out.append(e->with);
    }
  }
  return out;
}

}  // namespace nzeza

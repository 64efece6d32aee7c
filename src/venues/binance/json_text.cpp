#include "venues/binance/json_text.hpp"

namespace nzeza::venues::binance {

std::string excerpt(std::string_view frame) {
  if (frame.size() <= kExcerptChars) return std::string(frame);
  std::string out(frame.substr(0, kExcerptChars));
  out += "...";
  return out;
}

std::string_view scalar_text(simdjson::ondemand::value value) noexcept {
  std::string_view token = value.raw_json_token();
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t')) {
    token.remove_suffix(1);
  }
  if (token.empty()) return {};
  if (token.front() == '"') {
    if (token.size() < 2 || token.back() != '"') return {};
    return token.substr(1, token.size() - 2);
  }
  const char c = token.front();
  if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) return token;
  return {};
}

bool parse_decimal(simdjson::ondemand::value value, Decimal& out) noexcept {
  const std::string_view text = scalar_text(value);
  if (text.empty()) return false;
  auto parsed = Decimal::parse(text);
  if (!parsed.ok()) return false;
  out = *parsed;
  return true;
}

}  // namespace nzeza::venues::binance

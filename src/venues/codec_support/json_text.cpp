#include "venues/codec_support/json_text.hpp"

#include <bit>
#include <cstring>

#include "venues/codec_support/codec_support.hpp"

namespace nzeza::venues::json_text {
namespace {

// The fast paths count in 10^-8 (8 fractional digits fit an int64 with 10 integer digits);
// finer text takes the general route, Decimal::parse.
constexpr int kFastScale = 8;

// Eight ASCII digits at `p` as a number (SWAR, little-endian), false when any is not a digit.
bool take_eight_digits(const char* p, std::uint64_t& out) noexcept {
  if constexpr (std::endian::native != std::endian::little) {
    return false;
  } else {
    return codec::leading_digits8(p, out) == 8;
  }
}

}  // namespace

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

bool parse_plain_decimal(std::string_view text, Decimal& out) noexcept {
  // Fast path for the form venues send nearly always: digits, an optional '.', up to 8
  // fractional digits, at most 10 integer digits (so the count of 10^-8 fits an int64). Anything
  // else goes to Decimal::parse, which is the reference for the result.
  std::int64_t raw = 0;
  std::size_t i = 0;
  std::size_t int_digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (int_digits < 10) raw = raw * 10 + (text[i] - '0');  // beyond: slow path, no overflow
    ++i;
    ++int_digits;
  }
  int frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && frac_digits < kFastScale) {
      raw = raw * 10 + (text[i] - '0');
      ++i;
      ++frac_digits;
    }
    if (frac_digits == 0 && int_digits == 0) i = text.size() + 1;  // "." alone: slow path
  }
  if (i == text.size() && int_digits > 0 && int_digits <= 10) {
    static constexpr std::int64_t kPow10[] = {1,      10,      100,      1000,     10000,
                                              100000, 1000000, 10000000, 100000000};
    out = Decimal::from_raw8(raw * kPow10[kFastScale - frac_digits]);
    return true;
  }
  auto parsed = Decimal::parse(text);
  if (!parsed.ok()) return false;
  out = *parsed;
  return true;
}

bool parse_decimal(simdjson::ondemand::value value, Decimal& out) noexcept {
  // Fast path straight on the raw token of a quoted plain decimal ("3150.12000000"): no
  // trimming pass, no unescaping copy. Anything else takes the general route.
  const std::string_view token = value.raw_json_token();
  if (token.size() > 2 && token.front() == '"') {
    std::int64_t raw = 0;
    std::size_t i = 1;
    std::size_t int_digits = 0;
    while (token[i] >= '0' && token[i] <= '9') {  // a string token always ends with '"'
      if (int_digits < 10) raw = raw * 10 + (token[i] - '0');  // beyond: slow path
      ++i;
      ++int_digits;
    }
    int frac_digits = 0;
    if (token[i] == '.') {
      ++i;
      // Venues mostly send exactly 8 fractional digits: take them in one step. Reading 8 bytes
      // past the '.' stays inside the simdjson padding even at the end of the document.
      std::uint64_t eight = 0;
      if (take_eight_digits(token.data() + i, eight)) {
        raw = raw * 100'000'000 + static_cast<std::int64_t>(eight);
        i += 8;
        frac_digits = 8;
      }
      while (token[i] >= '0' && token[i] <= '9' && frac_digits < kFastScale) {
        raw = raw * 10 + (token[i] - '0');
        ++i;
        ++frac_digits;
      }
    }
    if (token[i] == '"' && int_digits > 0 && int_digits <= 10) {
      static constexpr std::int64_t kPow10[] = {1,      10,      100,      1000,     10000,
                                                100000, 1000000, 10000000, 100000000};
      out = Decimal::from_raw8(raw * kPow10[kFastScale - frac_digits]);
      return true;
    }
  }
  const std::string_view text = scalar_text(value);
  if (text.empty()) return false;
  return parse_plain_decimal(text, out);
}

Error malformed_error(std::string_view venue, std::string_view type, std::string_view what,
                      std::string_view frame) {
  std::string message(venue);
  message += ' ';
  message += type;
  message += ": ";
  message += what;
  message += " in: ";
  message += excerpt(frame);
  return Error{ErrorCode::parse_error, std::move(message)};
}

FrameParser::FrameParser(std::size_t max_bytes)
    : max_bytes_(max_bytes),
      buffer_size_(max_bytes + simdjson::SIMDJSON_PADDING),
      buffer_(std::make_unique<char[]>(buffer_size_)) {
  // Failure (out of memory) surfaces at the first iterate() as an error.
  if (parser_.allocate(max_bytes) != simdjson::SUCCESS) buffer_size_ = 0;
}

std::string_view FrameParser::padded_copy(std::string_view frame) noexcept {
  std::memcpy(buffer_.get(), frame.data(), frame.size());
  std::memset(buffer_.get() + frame.size(), 0, simdjson::SIMDJSON_PADDING);
  return {buffer_.get(), frame.size()};
}

Status FrameParser::open(std::string_view frame, const FrameNames& names, std::uint64_t& oversized,
                         std::uint64_t& malformed) {
  if (frame.size() > max_bytes_) {
    ++oversized;
    return Error{ErrorCode::protocol, std::string(names.venue) + " frame of " +
                                          std::to_string(frame.size()) + " bytes exceeds the " +
                                          std::to_string(max_bytes_) +
                                          "-byte limit: " + excerpt(frame)};
  }
  std::memcpy(buffer_.get(), frame.data(), frame.size());
  std::memset(buffer_.get() + frame.size(), 0, simdjson::SIMDJSON_PADDING);
  const char* what = nullptr;
  if (parser_.iterate(buffer_.get(), frame.size(), buffer_size_).get(doc_) != simdjson::SUCCESS) {
    what = "not JSON";
  } else if (doc_.get_object().get(object_) != simdjson::SUCCESS) {
    what = "not a JSON object";
  }
  if (what == nullptr) return {};
  ++malformed;
  return malformed_error(names.venue, names.type, what, frame);
}

namespace {

std::string missing_or_not(const char* key, const char* kind) {
  return std::string("field '") + key + "' missing or not " + kind;
}

}  // namespace

std::string required(simdjson::ondemand::object& object, const char* key, std::string_view& out) {
  if (field(object, key).get_string().get(out) == simdjson::SUCCESS) return {};
  return missing_or_not(key, "a string");
}

std::string required(simdjson::ondemand::object& object, const char* key, std::uint64_t& out) {
  if (field(object, key).get_uint64().get(out) == simdjson::SUCCESS) return {};
  return missing_or_not(key, "an integer");
}

std::string required(simdjson::ondemand::object& object, const char* key, Decimal& out) {
  simdjson::ondemand::value value;
  if (field(object, key).get(value) == simdjson::SUCCESS && parse_decimal(value, out)) return {};
  return missing_or_not(key, "a decimal");
}

std::string required(simdjson::ondemand::object& object, const char* key, bool& out) {
  if (field(object, key).get_bool().get(out) == simdjson::SUCCESS) return {};
  return missing_or_not(key, "a boolean");
}

std::string required(simdjson::ondemand::object& object, const char* key,
                     simdjson::ondemand::array& out) {
  if (field(object, key).get_array().get(out) == simdjson::SUCCESS) return {};
  return missing_or_not(key, "an array");
}

std::string required_trade_id(simdjson::ondemand::object& object, const char* key, TradeId& out) {
  simdjson::ondemand::value value;
  if (field(object, key).get(value) != simdjson::SUCCESS)
    return std::string("field '") + key + "' missing";
  const std::string_view text = scalar_text(value);
  if (text.empty() || !TradeId::assign(out, text))
    return std::string("field '") + key + "' is not a trade id";
  return {};
}

std::string read_quote(simdjson::ondemand::object& object, const QuoteKeys& keys, Quote& out) {
  struct Field {
    const char* key;
    Decimal* out;
  };
  const Field fields[] = {{keys.bid, &out.bid},
                          {keys.bid_size, &out.bid_size},
                          {keys.ask, &out.ask},
                          {keys.ask_size, &out.ask_size}};
  for (const Field& field : fields) {
    simdjson::ondemand::value value;
    if (json_text::field(object, field.key).get(value) != simdjson::SUCCESS)
      return std::string("field '") + field.key + "' missing";
    if (!parse_decimal(value, *field.out))
      return std::string("field '") + field.key + "' is not a decimal";
  }
  if (!out.bid.is_positive() || !out.ask.is_positive()) return keys.bad_prices;
  if (out.bid_size.is_negative() || out.ask_size.is_negative()) return keys.bad_sizes;
  if (out.bid >= out.ask) return keys.crossed;
  return {};
}

}  // namespace nzeza::venues::json_text

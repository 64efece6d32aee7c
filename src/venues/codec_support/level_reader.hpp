#pragma once
// The one reader of a book level written as a JSON object ({"px":"2.1","sz":"3"},
// {"price":..,"qty":..}), shared by the Kraken, Hyperliquid and dYdX codecs: the venue names
// the two members and the texts of its errors; the reading and the checks are the same.
// Hot path: one pass over the object's members in wire order, keys compared on their raw text
// with one masked 8-byte compare (no strlen, no memcmp call, no unescaping), numbers read
// straight from the raw token by plain_decimal_token (general route only for other forms).
// No allocation. Threading: none; the codec's owner thread.

#include <simdjson.h>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string_view>

#include "core/decimal.hpp"
#include "venues/codec_support/codec_support.hpp"

namespace nzeza::venues::codec {

// A member name known at compile time, compared against a key's raw text (the bytes after its
// opening quote in a simdjson document): the name and its closing quote in one masked 8-byte
// compare when the name has at most 7 characters. A key spelled with JSON escapes does not
// match, which no venue sends for these names.
struct RawKey {
  const char* text = "";
  std::size_t size = 0;
  std::uint64_t word = 0;  // the name and its closing quote, little-endian
  std::uint64_t mask = 0;  // the bytes of `word` that count

  consteval RawKey(const char* name) : text(name) {  // NOLINT(google-explicit-constructor)
    while (name[size] != '\0') ++size;
    if (size > 7) return;
    for (std::size_t i = 0; i <= size; ++i) {
      const auto byte = static_cast<std::uint64_t>(i < size ? name[i] : '"');
      word |= byte << (8 * i);
      mask |= std::uint64_t{0xFF} << (8 * i);
    }
  }
  // Precondition: 8 bytes from `raw` are readable (a key inside a padded simdjson document).
  [[nodiscard]] bool matches(const char* raw) const noexcept {
    if (std::endian::native == std::endian::little && size <= 7) {
      std::uint64_t w = 0;
      std::memcpy(&w, raw, 8);
      return (w & mask) == word;
    }
    return std::memcmp(raw, text, size) == 0 && raw[size] == '"';
  }
};

// A string literal as a template argument, for texts joined at compile time.
template <std::size_t N>
struct Literal {
  char text[N]{};
  consteval Literal(const char (&s)[N]) {  // NOLINT(google-explicit-constructor)
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
};

// The texts `Parts` written one after the other, NUL-terminated, in static storage.
template <Literal... Parts>
inline constexpr auto joined = [] {
  std::array<char, (sizeof(Parts.text) + ...) - sizeof...(Parts) + 1> out{};
  std::size_t n = 0;
  for (const std::string_view part : {std::string_view(Parts.text)...}) {
    for (const char c : part) out[n++] = c;
  }
  return out;
}();

// How a venue writes a level object, and what its errors say.
struct LevelKeys {
  RawKey price;           // "px"
  RawKey size;            // "sz"
  const char* missing;    // "level without px or sz"
  const char* bad_price;  // "px must be > 0"
  const char* bad_size;   // "sz must be >= 0"
};

// The keys of a venue whose level objects name their members `Price` and `Size`, every error
// text derived from the names ("level without px or sz", "px must be > 0", "sz must be >= 0").
template <Literal Price, Literal Size>
consteval LevelKeys level_keys() {
  return LevelKeys{.price = Price.text,
                   .size = Size.text,
                   .missing = joined<"level without ", Price, " or ", Size>.data(),
                   .bad_price = joined<Price, " must be > 0">.data(),
                   .bad_size = joined<Size, " must be >= 0">.data()};
}

// One level as read: exact price and size, and their count of fractional digits as the
// decoder's parse_decimal reports them (-1 when it does not).
struct LevelRead {
  Decimal price;
  Decimal size;
  int price_decimals = -1;
  int size_decimals = -1;
};

// Reads the level object `obj` into `out`: price > 0, size >= 0, both present; other members
// are ignored (a repeated member: the last wins). `Decoder` is a codec's FrameDecoder: a
// number that is not a plain decimal goes through its parse_decimal(value, Decimal&, where,
// int* decimals) and failures through its fail(), so the texts and the decimals rule stay the
// venue's.
template <class Decoder>
bool read_level(Decoder& d, simdjson::ondemand::object& obj, const LevelKeys& keys, LevelRead& out,
                const char* where) {
  namespace od = simdjson::ondemand;
  unsigned seen = 0;
  for (auto f : obj) {
    od::raw_json_string key;
    od::value val;
    if (f.key().get(key) != simdjson::SUCCESS || f.value().get(val))
      return d.fail("bad level member", where);
    if (keys.price.matches(key.raw())) {
      if (!plain_decimal_token(val.raw_json_token(), out.price, out.price_decimals) &&
          !d.parse_decimal(val, out.price, where, &out.price_decimals))
        return false;
      seen |= 1;
    } else if (keys.size.matches(key.raw())) {
      if (!plain_decimal_token(val.raw_json_token(), out.size, out.size_decimals) &&
          !d.parse_decimal(val, out.size, where, &out.size_decimals))
        return false;
      seen |= 2;
    }
  }
  if (seen != 3) return d.fail(keys.missing, where);
  if (!out.price.is_positive()) return d.fail(keys.bad_price, where);
  if (out.size.is_negative()) return d.fail(keys.bad_size, where);
  return true;
}

// The same for a level value `v` that must be an object (else fails "level is not an object"
// at `where`).
template <class Decoder>
bool read_level(Decoder& d, simdjson::ondemand::value& v, const LevelKeys& keys, LevelRead& out,
                const char* where) {
  simdjson::ondemand::object obj;
  if (v.get_object().get(obj) != simdjson::SUCCESS) return d.fail("level is not an object", where);
  return read_level(d, obj, keys, out, where);
}

}  // namespace nzeza::venues::codec

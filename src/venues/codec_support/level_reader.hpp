#pragma once
// The one reader of a book level written as a JSON object ({"px":"2.1","sz":"3"},
// {"price":..,"qty":..}), shared by the Kraken, Hyperliquid and dYdX codecs: the venue names
// the two members and the texts of its errors; the reading and the checks are the same.
// Hot path: no allocation; the fast path reads the two members in the venue's order as plain
// decimals, anything else takes the general loop over every member.
// Threading: none; the codec's owner thread.

#include <simdjson.h>

#include "core/decimal.hpp"

namespace nzeza::venues::codec {

// How a venue writes a level object, and what its errors say.
struct LevelKeys {
  const char* price;      // "px"
  const char* size;       // "sz"
  const char* bad_level;  // the object cannot be read again for the general loop
  const char* missing;    // "level without px or sz"
  const char* bad_price;  // "px must be > 0"
  const char* bad_size;   // "sz must be >= 0"
};

// One level as read: exact price and size, and their count of fractional digits as the
// decoder's parse_decimal reports them (-1 when it does not).
struct LevelRead {
  Decimal price;
  Decimal size;
  int price_decimals = -1;
  int size_decimals = -1;
};

// Reads the level object `obj` into `out`: price > 0, size >= 0, both present; other members
// are ignored. `Decoder` is a codec's FrameDecoder: the general loop parses through its
// parse_decimal(value, Decimal&, where, int* decimals) and failures go through its fail(), so
// the texts and the decimals rule stay the venue's.
template <class Decoder>
bool read_level(Decoder& d, simdjson::ondemand::object& obj, const LevelKeys& keys, LevelRead& out,
                const char* where) {
  namespace od = simdjson::ondemand;
  od::value pv;
  od::value sv;
  if (obj.find_field(keys.price).get(pv) == simdjson::SUCCESS &&
      plain_decimal_token(pv.raw_json_token(), out.price, out.price_decimals) &&
      obj.find_field(keys.size).get(sv) == simdjson::SUCCESS &&
      plain_decimal_token(sv.raw_json_token(), out.size, out.size_decimals)) {
    if (!out.price.is_positive()) return d.fail(keys.bad_price, where);
    return true;  // a plain decimal is never negative
  }
  if (obj.reset().error() != simdjson::SUCCESS) return d.fail(keys.bad_level, where);
  out = LevelRead{};
  unsigned seen = 0;
  for (auto f : obj) {
    // Keys compared on their raw text (no unescaping copy): no venue escapes these names.
    od::raw_json_string key;
    od::value val;
    if (f.key().get(key) != simdjson::SUCCESS || f.value().get(val))
      return d.fail("bad level member", where);
    if (key.unsafe_is_equal(keys.price)) {
      if (!d.parse_decimal(val, out.price, where, &out.price_decimals)) return false;
      seen |= 1;
    } else if (key.unsafe_is_equal(keys.size)) {
      if (!d.parse_decimal(val, out.size, where, &out.size_decimals)) return false;
      seen |= 2;
    }
  }
  if (seen != 3) return d.fail(keys.missing, where);
  if (!out.price.is_positive()) return d.fail(keys.bad_price, where);
  if (out.size.is_negative()) return d.fail(keys.bad_size, where);
  return true;
}

}  // namespace nzeza::venues::codec

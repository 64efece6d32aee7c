#pragma once
// Small helpers shared by the Binance, Coinbase and generic codecs: the padded parse of a frame,
// exact decimals from raw JSON tokens and short excerpts of a bad frame for error messages.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/decimal.hpp"
#include "core/market_event.hpp"
#include "core/result.hpp"

namespace nzeza::venues::json_text {

// At most this many characters of a bad frame are quoted in an error message.
inline constexpr std::size_t kExcerptChars = 160;

// The frame's text cut to kExcerptChars (with "..." when cut), for error messages.
[[nodiscard]] std::string excerpt(std::string_view frame);

// The exact text of a JSON scalar: raw token without surrounding whitespace and, for a string,
// without its quotes. Numbers keep their text (no round trip through double). Empty when the
// token is neither a string nor a number.
[[nodiscard]] std::string_view scalar_text(simdjson::ondemand::value value) noexcept;

// Exact decimal from text, identical to Decimal::parse (which it falls back to) but fast for
// plain "12345.6789" text.
[[nodiscard]] bool parse_plain_decimal(std::string_view text, Decimal& out) noexcept;

// Exact decimal from a JSON string ("25.35190000") or number token (45000.50).
[[nodiscard]] bool parse_decimal(simdjson::ondemand::value value, Decimal& out) noexcept;

// The error of a frame a codec refuses: parse_error "<venue> <type>: <what> in: <excerpt>".
[[nodiscard]] Error malformed_error(std::string_view venue, std::string_view type,
                                    std::string_view what, std::string_view frame);

// How a codec names itself in the errors of a frame it cannot open.
struct FrameNames {
  const char* venue;  // "binance": "binance frame of N bytes exceeds the M-byte limit: ..."
  const char* type;   // "frame": "binance frame: not JSON in: ..."
};

// A codec's simdjson parser with the zero-padded copy of the frame being decoded, both sized
// once for `max_bytes` (nothing allocates per frame). One owner thread.
class FrameParser {
 public:
  explicit FrameParser(std::size_t max_bytes);
  // Counts the frame in stats.frames, copies it and opens it as a JSON object (object(), valid
  // until the next open). Errors, also counted in `stats`: protocol "<venue> frame of N bytes
  // exceeds the M-byte limit: <excerpt>" (++oversized); malformed_error "not JSON" or "not a
  // JSON object" of names.venue and names.type (++malformed).
  template <class Stats>
  Status open(std::string_view frame, const FrameNames& names, Stats& stats) {
    ++stats.frames;
    return open(frame, names, stats.oversized, stats.malformed);
  }
  [[nodiscard]] simdjson::ondemand::object& object() noexcept { return object_; }
  // The frame copied into the padded buffer, for a codec's raw fast path (codec::RawCursor):
  // its bytes are followed by zeros. Precondition: frame.size() <= max_bytes.
  [[nodiscard]] std::string_view padded_copy(std::string_view frame) noexcept;

 private:
  Status open(std::string_view frame, const FrameNames& names, std::uint64_t& oversized,
              std::uint64_t& malformed);

  std::size_t max_bytes_;
  std::size_t buffer_size_;
  std::unique_ptr<char[]> buffer_;
  simdjson::ondemand::parser parser_;
  simdjson::ondemand::document doc_;
  simdjson::ondemand::object object_;
};

// `object[key]` without simdjson 3.0.1's unchecked wrap-around. find_field_unordered searches
// forward, then from the object's start back to where it began, and on that second leg it
// *assumes* the separators it meets are well formed (SIMDJSON_ASSUME: undefined behaviour when
// they are not). Members the caller already walked are not re-validated by simdjson, so a
// malformed frame whose broken part the caller read past (a ':' inside a level array) reached
// that assumption — found by fuzz_binance_codec on a depth snapshot. This searches forward, then
// rewinds the object and searches forward again: every step checked, the same members found.
[[nodiscard]] inline simdjson::simdjson_result<simdjson::ondemand::value> field(
    simdjson::ondemand::object& object, std::string_view key) noexcept {
  auto forward = object.find_field(key);
  if (forward.error() != simdjson::NO_SUCH_FIELD) return forward;
  bool has_members = false;
  if (const auto error = object.reset().get(has_members); error != simdjson::SUCCESS) return error;
  if (!has_members) return simdjson::NO_SUCH_FIELD;
  return object.find_field(key);
}

// Required members of `object`, read by the type of `out`: empty on success, else what was
// wrong, "field '<key>' missing or not a string" (an integer, a decimal, a boolean, an array) —
// the text every codec's errors quote. Allocates only on failure.
[[nodiscard]] std::string required(simdjson::ondemand::object& object, const char* key,
                                   std::string_view& out);
[[nodiscard]] std::string required(simdjson::ondemand::object& object, const char* key,
                                   std::uint64_t& out);
[[nodiscard]] std::string required(simdjson::ondemand::object& object, const char* key,
                                   Decimal& out);
[[nodiscard]] std::string required(simdjson::ondemand::object& object, const char* key, bool& out);
[[nodiscard]] std::string required(simdjson::ondemand::object& object, const char* key,
                                   simdjson::ondemand::array& out);
// A trade id from a string or number member: empty on success, else "field '<key>' missing" or
// "field '<key>' is not a trade id".
[[nodiscard]] std::string required_trade_id(simdjson::ondemand::object& object, const char* key,
                                            TradeId& out);
// Several required members read in the order given (key, out, key, out, ...): empty when all
// were read, else what was wrong with the first that was not (the later ones are not read).
template <class T, class... Rest>
requires(sizeof...(Rest) > 0) [[nodiscard]] std::string
    required(simdjson::ondemand::object& object, const char* key, T& out, Rest&&... rest) {
  std::string what = required(object, key, out);
  if (!what.empty()) return what;
  return required(object, std::forward<Rest>(rest)...);
}

// Walks an array of objects: on_object(object) for each element, in order. The first non-empty
// text on_object returns, or `not_object` when an element is not an object, ends the walk and is
// returned; empty when every element was read.
template <class OnObject>
[[nodiscard]] std::string for_each_object(simdjson::ondemand::array& array, const char* not_object,
                                          OnObject&& on_object) {
  for (auto element : array) {
    simdjson::ondemand::object object;
    if (element.get_object().get(object) != simdjson::SUCCESS) return not_object;
    if (std::string what = on_object(object); !what.empty()) return what;
  }
  return {};
}

// How a codec's best bid/offer message names its four decimals, and what its errors say.
struct QuoteKeys {
  const char* bid;         // "b"
  const char* bid_size;    // "B"
  const char* ask;         // "a"
  const char* ask_size;    // "A"
  const char* bad_prices;  // "bid and ask must be > 0"
  const char* bad_sizes;   // "sizes must be >= 0"
  const char* crossed;     // "bid must be < ask"
};

// Reads a quote from `object` (members in any order): bid and ask > 0, sizes >= 0, bid < ask.
// Empty on success; otherwise what was wrong ("field 'b' missing", "field 'b' is not a
// decimal", or one of the texts of `keys`). Allocates only on failure.
[[nodiscard]] std::string read_quote(simdjson::ondemand::object& object, const QuoteKeys& keys,
                                     Quote& out);

}  // namespace nzeza::venues::json_text

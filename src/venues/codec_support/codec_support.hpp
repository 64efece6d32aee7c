#pragma once
// Pieces every venue WebSocket codec (Kraken, Hyperliquid, dYdX) needs in the same form: the
// exact text of a JSON number token, JSON string output for subscribe messages, the texts of
// refused frames and configs, the venue-symbol cache and the per-frame decoder state (simdjson
// parser, padded copy, pending events, first failure).
// Hot path: nothing here allocates on a good frame after warm-up; error texts allocate.
// Threading: none; one owner thread per codec.

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::codec {

// Bytes of a refused frame quoted in its error.
inline constexpr std::size_t kErrorExcerpt = 160;

// Without trailing JSON whitespace (simdjson's raw tokens keep what follows them).
[[nodiscard]] std::string_view trim_token(std::string_view t) noexcept;
// Without JSON whitespace at either end.
[[nodiscard]] std::string_view trim(std::string_view t) noexcept;

// The text of a number token (or of a quoted decimal string), never parsed through a double.
[[nodiscard]] std::string_view number_text(simdjson::ondemand::value& v) noexcept;

// Appends `s` as a JSON string (quotes, backslashes and control characters escaped).
void append_json_string(std::string& out, std::string_view s);

// The frame itself, or its first kErrorExcerpt bytes and its size.
[[nodiscard]] std::string excerpt(std::string_view frame);

// "<codec> codec: max_frame_bytes must be >= 1024, got N", or ok.
[[nodiscard]] Status check_max_frame_bytes(std::string_view codec, std::size_t max_frame_bytes);
// "<venue>: frame of N bytes exceeds the limit of M: <excerpt>".
[[nodiscard]] Error oversized_frame(std::string_view venue, std::size_t limit,
                                    std::string_view frame);
// "<venue>: <what> at <where> in frame: <excerpt>".
[[nodiscard]] Error malformed_frame(std::string_view venue, const char* what, const char* where,
                                    std::string_view frame);

// A frame copied into `buf` with `padding` readable bytes after it (for decode_unpadded).
[[nodiscard]] std::string_view padded_copy(std::string& buf, std::string_view frame,
                                           std::size_t padding);

// One venue symbol as seen on the wire, and what the codec keeps for it.
struct SymbolEntry {
  std::string name;
  const Instrument* instrument = nullptr;  // null: not in the registry (negative cache)
  int book = -1;                           // index of the codec's book, -1 before a snapshot
  int oracle = -1;                         // index of the codec's oracle price, -1 before one
};

// Wire symbol -> instrument of one venue, looked up in the registry once. Unknown symbols are
// remembered too (negative cache) until `max_entries`; past it they are not cached.
// A returned pointer stays valid until the next resolve().
class SymbolCache {
 public:
  // The registry must outlive the cache.
  SymbolCache(const InstrumentRegistry& registry, Venue venue, std::size_t max_entries,
              std::size_t reserve);
  // Null only for an unknown symbol once the cache is full.
  SymbolEntry* resolve(std::string_view name);

 private:
  const InstrumentRegistry& registry_;
  Venue venue_;
  std::size_t max_entries_;
  std::vector<SymbolEntry> entries_;
};

// The state of a codec that decodes one frame at a time into pending events, handed to the
// sink all at once when the frame is good. A codec's Impl derives from it.
struct FrameDecoder {
  explicit FrameDecoder(Venue v) noexcept : venue(v) {}

  Venue venue;
  simdjson::ondemand::parser parser;
  std::string padded;  // decode_unpadded's copy
  std::vector<MarketEvent> pending;
  Timestamp receive_time;
  const char* fail_what = nullptr;
  const char* fail_where = "";

  // Records the first failure of the frame; returns false to unwind the parse.
  bool fail(const char* what, const char* where) noexcept {
    fail_what = what;
    fail_where = where;
    return false;
  }
  // Before each frame: no pending event, no failure.
  void begin_frame(Timestamp rt) noexcept {
    pending.clear();
    receive_time = rt;
    fail_what = nullptr;
    fail_where = "";
  }
  // Parses an exact decimal from a number token or a quoted string; fails "not an exact
  // decimal" at `where`.
  bool parse_decimal(simdjson::ondemand::value& v, Decimal& out, const char* where);
  // Parses an RFC 3339 time string; fails "not a string" / "not an RFC 3339 time" at `where`.
  bool parse_time(simdjson::ondemand::value& v, Timestamp& out, const char* where);
  // An event of this venue for `inst`, received with the current frame.
  [[nodiscard]] MarketEvent event_for(const Instrument& inst, Timestamp venue_time) const noexcept;
  // Parses the (padded) frame as a JSON object into doc/obj; false (with fail) otherwise.
  bool open_object(std::string_view frame, simdjson::ondemand::document& doc,
                   simdjson::ondemand::object& obj);
  // Hands the pending events to the sink; returns how many.
  std::size_t emit(MarketEventSink& sink);
};

}  // namespace nzeza::venues::codec

#pragma once
// Pieces every venue WebSocket codec (Kraken, Hyperliquid, dYdX) needs in the same form: the
// exact text of a JSON number token, JSON string output for subscribe messages, the texts of
// refused frames and configs, the venue-symbol cache (every codec's) and the per-frame decoder
// state (simdjson parser, padded copy, pending events, first failure). Hot path: nothing here
// allocates on a good frame after warm-up; error texts allocate. Threading: none; one owner thread
// per codec.

#include <simdjson.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::codec {

// Errors after which a simdjson on-demand document may still be read (a missing field, a wrong
// type). Any other error abandons the document: touching it again is undefined behaviour.
[[nodiscard]] inline bool recoverable(simdjson::error_code error) noexcept {
  return error == simdjson::SUCCESS || error == simdjson::NO_SUCH_FIELD ||
         error == simdjson::INCORRECT_TYPE;
}

// How many wire symbols the codec of a venue that lists thousands of products caches.
inline constexpr std::size_t kManySymbols = 4096;

// Bytes of a refused frame quoted in its error.
inline constexpr std::size_t kErrorExcerpt = 160;

// Without trailing JSON whitespace (simdjson's raw tokens keep what follows them).
[[nodiscard]] std::string_view trim_token(std::string_view t) noexcept;
// Without JSON whitespace at either end.
[[nodiscard]] std::string_view trim(std::string_view t) noexcept;

// The text of a number token (or of a quoted decimal string), never parsed through a double.
[[nodiscard]] std::string_view number_text(simdjson::ondemand::value& v) noexcept;

// Up to 8 leading ASCII digits of p[0..8) as a number (SWAR, little-endian hosts): returns how
// many leading bytes are digits (0..8) and their value in `value`. Reads exactly 8 bytes.
[[nodiscard, gnu::always_inline]] inline int leading_digits8(const char* p,
                                                             std::uint64_t& value) noexcept {
  std::uint64_t v = 0;
  std::memcpy(&v, p, 8);
  // A byte is a digit iff its high nibble is 3 and adding 6 keeps it 3. A carry out of a
  // non-digit byte only reaches later bytes, which are past the first non-digit anyway.
  const std::uint64_t t =
      (v & 0xF0F0F0F0F0F0F0F0ULL) | (((v + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4);
  const std::uint64_t bad = t ^ 0x3333333333333333ULL;
  const int n = bad == 0 ? 8 : std::countr_zero(bad) / 8;
  if (n == 0) return 0;
  v -= 0x3030303030303030ULL;    // no borrow reaches the first n bytes
  if (n < 8) v <<= 8 * (8 - n);  // the n digits to the top, zero digits below (leading zeros)
  v = (v * 10) + (v >> 8);
  v = (((v & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((v >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  value = v;
  return n;
}

// Fast path for the number form venues send nearly always. From a raw JSON token (a number,
// or a quoted string; trailing JSON whitespace allowed) of the plain form `digits[.digits]` with
// 1..10 integer digits and 1..8 fractional digits when a point is present (more take the
// general route): the
// exact value and its count of fractional digits as written ("45285.20" -> 2, "7" -> 0).
// False for anything else (sign, exponent, more digits, junk); the caller then takes the
// general route (Decimal::parse), which is the reference and gives the same value whenever
// this succeeds. One pass, no allocation.
// Precondition: 8 bytes past the token's end are readable (true of every raw_json_token of a
// simdjson document, whose buffer carries SIMDJSON_PADDING); they never change the result.
[[nodiscard]] inline bool plain_decimal_token(std::string_view token, Decimal& out,
                                              int& decimals) noexcept {
  if constexpr (std::endian::native != std::endian::little) {
    return false;
  } else {
    // The token's bounds first (trailing whitespace, then the quotes), so each part below is
    // checked against a known end: one SWAR read per part, no byte loop on the usual form.
    const char* p = token.data();
    const char* end = p + token.size();
    while (end != p && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\r' || end[-1] == '\t'))
      --end;
    if (p == end) return false;
    if (*p == '"') {
      if (end - p < 2 || end[-1] != '"') return false;
      ++p;
      --end;
    }
    std::uint64_t raw = 0;
    const int n = leading_digits8(p, raw);
    if (n == 0 || n > end - p) return false;  // no digit, or digits past the token
    p += n;
    if (n == 8) {  // 9 or 10 integer digits
      int more = 0;
      while (p != end && static_cast<unsigned>(*p - '0') < 10u) {
        if (++more > 2) return false;  // beyond 10 integer digits the raw count may overflow
        raw = raw * 10 + static_cast<std::uint64_t>(*p - '0');
        ++p;
      }
    }
    int frac = 0;
    if (p == end) {
      raw *= 100'000'000;
    } else {
      if (*p != '.') return false;
      ++p;
      std::uint64_t chunk = 0;
      frac = leading_digits8(p, chunk);
      if (frac == 0 || frac != end - p) return false;  // "5.", junk, > 8 digits: general route
      static constexpr std::uint64_t kPow10[] = {1,      10,      100,      1000,     10000,
                                                 100000, 1000000, 10000000, 100000000};
      raw = (raw * kPow10[frac] + chunk) * kPow10[8 - frac];  // a count of 10^-8
    }
    out = Decimal::from_raw8(static_cast<std::int64_t>(raw));
    decimals = frac;
    return true;
  }
}

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

// The name a venue's stream knows an instrument by: its ws_symbol, else its venue_symbol.
[[nodiscard]] inline const std::string& wire_symbol(const Instrument& inst) noexcept {
  return inst.ws_symbol.empty() ? inst.venue_symbol : inst.ws_symbol;
}

// An event of `venue` for `inst`, its body to be set.
[[nodiscard]] inline MarketEvent market_event(Venue venue, const Instrument& inst,
                                              Timestamp venue_time,
                                              Timestamp receive_time) noexcept {
  MarketEvent e;
  e.venue = venue;
  e.instrument = inst.id;
  e.symbol = inst.symbol;
  e.venue_time = venue_time;
  e.receive_time = receive_time;
  return e;
}

// What a codec keeps for one venue symbol as seen on the wire.
struct SymbolEntry {
  const Instrument* instrument = nullptr;  // null: not in the registry (negative cache)
  int book = -1;                           // index of the codec's book, -1 before a snapshot
  int oracle = -1;                         // index of the codec's oracle price, -1 before one
};

// The one wire symbol -> instrument cache of every venue codec, so the hot path does not
// allocate (InstrumentRegistry::find builds a std::string key per call). A miss asks the
// registry once and remembers the answer, "unknown" too (negative cache) until `max_entries`
// entries; past it unknown symbols go to the registry every time instead of growing the cache.
// Streams repeat the same symbol, so the last hit is compared before hashing.
// Entries are stable (node-based map): a returned pointer stays valid for the cache's life.
// The registry must outlive the cache and keep its instruments (its pointers are stable).
// Threading: none; one codec, one thread.
class SymbolCache {
 public:
  SymbolCache(const InstrumentRegistry& registry, Venue venue, std::size_t max_entries,
              std::size_t reserve);
  // Null only for an unknown symbol once the cache is full. The last hit is compared inline,
  // by words (no libc memcmp call for a symbol of up to 16 bytes); anything else is out of
  // line.
  SymbolEntry* resolve(std::string_view name) {
    if (last_ != nullptr && same_text(last_->first, name)) [[likely]]
      return &last_->second;
    return resolve_slow(name);
  }
  // The instrument of a wire symbol, null when unknown.
  [[nodiscard]] const Instrument* find(std::string_view name) {
    const SymbolEntry* e = resolve(name);
    return e == nullptr ? nullptr : e->instrument;
  }
  // The entry of a symbol of the registry; null, counted in `unknown` (a codec's
  // stats.unknown_symbol), for any other.
  [[nodiscard]] SymbolEntry* resolve_known(std::string_view name, std::uint64_t& unknown) {
    SymbolEntry* e = resolve(name);
    if (e != nullptr && e->instrument != nullptr) return e;
    ++unknown;
    return nullptr;
  }
  // Its instrument, null (counted) when unknown.
  [[nodiscard]] const Instrument* find(std::string_view name, std::uint64_t& unknown) {
    const SymbolEntry* e = resolve_known(name, unknown);
    return e == nullptr ? nullptr : e->instrument;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using Map = std::unordered_map<std::string, SymbolEntry, Hash, std::equal_to<>>;

  // a == b, for texts of 4 to 16 bytes by two (overlapping) loads of each: only bytes within
  // both texts are read.
  static bool same_text(const std::string& a, std::string_view b) noexcept {
    const std::size_t n = b.size();
    if (a.size() != n) return false;
    const char* const p = a.data();
    const char* const q = b.data();
    if (n >= 8 && n <= 16)
      return (load<std::uint64_t>(p) ^ load<std::uint64_t>(q)) == 0 &&
             (load<std::uint64_t>(p + n - 8) ^ load<std::uint64_t>(q + n - 8)) == 0;
    if (n >= 4 && n < 8)
      return load<std::uint32_t>(p) == load<std::uint32_t>(q) &&
             load<std::uint32_t>(p + n - 4) == load<std::uint32_t>(q + n - 4);
    return std::memcmp(p, q, n) == 0;
  }
  template <class Word>
  static Word load(const char* p) noexcept {
    Word w;
    std::memcpy(&w, p, sizeof w);
    return w;
  }
  SymbolEntry* resolve_slow(std::string_view name);

  const InstrumentRegistry& registry_;
  Venue venue_;
  std::size_t max_entries_;
  Map entries_;
  Map::value_type* last_ = nullptr;
};

// The decode() of a codec with a raw fast path: when config.raw_fast_path and the frame fits
// config.max_message_bytes, `(codec.*raw)(padded, receive_time, sink, info)` reads the frame's
// padded copy (json.padded_copy) and, when it decoded the frame, its info is the result (counted
// in stats.frames and stats.raw_frames); else the frame is opened by `json` (its error when it
// cannot be, counted by json) and `(codec.*general)(object, frame, receive_time, sink)` decodes
// it. `Parser` is json_text::FrameParser.
template <class Codec, class Info, class Config, class Parser, class Names, class Stats>
Result<Info> decode_frame(Codec& codec,
                          bool (Codec::*raw)(std::string_view, Timestamp, MarketEventSink&, Info&),
                          Result<Info> (Codec::*general)(simdjson::ondemand::object&,
                                                         std::string_view, Timestamp,
                                                         MarketEventSink&),
                          const Config& config, Parser& json, const Names& names, Stats& stats,
                          std::string_view frame, Timestamp receive_time, MarketEventSink& sink) {
  if (config.raw_fast_path && frame.size() <= config.max_message_bytes) {
    Info info;
    if ((codec.*raw)(json.padded_copy(frame), receive_time, sink, info)) {
      ++stats.frames;
      ++stats.raw_frames;
      return info;
    }
  }
  if (Status opened = json.open(frame, names, stats); !opened.ok())
    return std::move(opened).error();
  return (codec.*general)(json.object(), frame, receive_time, sink);
}

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
  // decimal" at `where`. `decimals` (when given) gets the count of fractional digits of a
  // plain token and is left alone otherwise.
  bool parse_decimal(simdjson::ondemand::value& v, Decimal& out, const char* where,
                     int* decimals = nullptr);
  // Parses an RFC 3339 time string; fails "not a string" / "not an RFC 3339 time" at `where`.
  bool parse_time(simdjson::ondemand::value& v, Timestamp& out, const char* where);
  // Parses a time in milliseconds since the epoch (an unsigned integer up to the year 2100);
  // fails "not a time in milliseconds" at `where`.
  bool parse_ms(simdjson::ondemand::value& v, Timestamp& out, const char* where) {
    std::uint64_t ms = 0;
    if (v.get_uint64().get(ms) != simdjson::SUCCESS || ms > 4'102'444'800'000ull)
      return fail("not a time in milliseconds", where);
    out = Timestamp::from_ms(static_cast<std::int64_t>(ms));
    return true;
  }
  // An event of this venue for `inst`, received with the current frame (inline: one per
  // book level on the hot path).
  [[nodiscard]] MarketEvent event_for(const Instrument& inst, Timestamp venue_time) const noexcept {
    return market_event(venue, inst, venue_time, receive_time);
  }
  // Calls on_member(key, value) for each member of `obj`, keys as raw text (the names venues
  // send never need escapes); fails "bad member" at `where` when a member cannot be read.
  // Stops at, and returns, the first false of on_member.
  template <class OnMember>
  bool for_each_member(simdjson::ondemand::object& obj, const char* where, OnMember&& on_member) {
    for (auto f : obj) {
      simdjson::ondemand::raw_json_string key;
      simdjson::ondemand::value val;
      if (f.key().get(key) != simdjson::SUCCESS || f.value().get(val))
        return fail("bad member", where);
      if (!on_member(key, val)) return false;
    }
    return true;
  }
  // Calls on_object(object) for each element of the array `v`; fails "not an array" at `where`
  // or "entry is not an object" at `entry_where`. Stops at, and returns, the first false of
  // on_object.
  template <class OnObject>
  bool for_each_object(simdjson::ondemand::value& v, const char* where, const char* entry_where,
                       OnObject&& on_object) {
    simdjson::ondemand::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) return fail("not an array", where);
    for (auto item : arr) {
      simdjson::ondemand::object obj;
      if (item.get_object().get(obj) != simdjson::SUCCESS)
        return fail("entry is not an object", entry_where);
      if (!on_object(obj)) return false;
    }
    return true;
  }
  // The same for the members of a value that must be an object; fails "not an object" at
  // `where`.
  template <class OnMember>
  bool for_each_member(simdjson::ondemand::value& v, const char* where, OnMember&& on_member) {
    simdjson::ondemand::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return fail("not an object", where);
    return for_each_member(obj, where, std::forward<OnMember>(on_member));
  }
  // Calls on_item(index, value) for the two elements of the array `v` (a [bid, ask] pair, a
  // [[bids], [asks]] book); fails "not an array" at `where`, or `not_pair` at `where` when it
  // holds other than two readable elements. Stops at, and returns, the first false of on_item.
  template <class OnItem>
  bool for_each_of_pair(simdjson::ondemand::value& v, const char* not_pair, const char* where,
                        OnItem&& on_item) {
    simdjson::ondemand::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) return fail("not an array", where);
    int index = 0;
    for (auto item : arr) {
      simdjson::ondemand::value value;
      if (index > 1 || item.get(value) != simdjson::SUCCESS) return fail(not_pair, where);
      if (!on_item(index, value)) return false;
      ++index;
    }
    if (index != 2) return fail(not_pair, where);
    return true;
  }
  // A string value; fails "not a string" at `where`.
  bool parse_string(simdjson::ondemand::value& v, std::string_view& out, const char* where) {
    if (v.get_string().get(out) != simdjson::SUCCESS) return fail("not a string", where);
    return true;
  }
  // A side written as one of two strings (the aggressor of a trade): `buy` or `sell`; fails
  // "not a string" or `bad` at `where`.
  bool parse_side(simdjson::ondemand::value& v, std::string_view buy, std::string_view sell,
                  Side& out, const char* bad, const char* where) {
    std::string_view text;
    if (!parse_string(v, text, where)) return false;
    if (text == buy) {
      out = Side::buy;
    } else if (text == sell) {
      out = Side::sell;
    } else {
      return fail(bad, where);
    }
    return true;
  }
  // Queues an event carrying `body` for the instrument of `sym`; false (nothing queued) when
  // the symbol is unknown (null entry or negative cache).
  template <class Body>
  bool queue_event(const SymbolEntry* sym, Timestamp venue_time, const Body& body) {
    if (sym == nullptr || sym->instrument == nullptr) return false;
    MarketEvent e = event_for(*sym->instrument, venue_time);
    e.body = body;
    pending.push_back(e);
    return true;
  }
  // Parses the (padded) frame as a JSON object into doc/obj; false (with fail) otherwise.
  bool open_object(std::string_view frame, simdjson::ondemand::document& doc,
                   simdjson::ondemand::object& obj);
  // Hands the pending events to the sink; returns how many.
  std::size_t emit(MarketEventSink& sink);
  // Counts a frame in stats.frames; false (counted in stats.oversized) when it is over `limit`
  // bytes, whose error is oversized_frame(name, limit, frame).
  template <class Stats>
  bool admit(std::string_view frame, std::size_t limit, Stats& stats) noexcept {
    ++stats.frames;
    if (frame.size() <= limit) return true;
    ++stats.oversized;
    return false;
  }
  // A good frame: its pending events go to the sink, counted in r.events and stats.events.
  template <class Stats, class Decoded>
  Decoded deliver(MarketEventSink& sink, Stats& stats, Decoded& r) {
    const std::size_t emitted = emit(sink);
    r.events = static_cast<std::uint32_t>(emitted);
    stats.events += emitted;
    return r;
  }
  // A refused frame, after the caller queued what it still must say (a resync status): those
  // events go to the sink (counted in stats.events); the frame's error is returned.
  template <class Stats>
  Error refuse(std::string_view name, std::string_view frame, MarketEventSink& sink, Stats& stats) {
    stats.events += emit(sink);
    return malformed_frame(name, fail_what, fail_where, frame);
  }
};

}  // namespace nzeza::venues::codec

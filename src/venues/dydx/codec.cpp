#include "venues/dydx/codec.hpp"

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <bit>
#include <cstring>
#include <utility>

#include "core/enum_names.hpp"
#include "venues/codec_support/book_codec_state.hpp"
#include "venues/codec_support/codec_support.hpp"
#include "venues/codec_support/level_reader.hpp"
#include "venues/codec_support/raw_levels.hpp"

namespace nzeza::venues::dydx {
namespace {

namespace od = simdjson::ondemand;

// 10^(8 - d): a number of d fractional digits to 10^-8 units.
constexpr std::uint64_t kRaw8Scale[8] = {100000000, 10000000, 1000000, 100000,
                                         10000,     1000,     100,     10};

static_assert(kFramePadding >= simdjson::SIMDJSON_PADDING, "frames need simdjson's padding");

constexpr std::size_t kMaxCachedSymbols = 512;  // v4_markets names every market

using codec::number_text;

// `text` as a raw::Literal (at most 16 bytes), built at compile time.
consteval codec::raw::Literal literal(std::string_view text) {
  codec::raw::Literal l;
  l.append(text.data(), text.size());
  return l;
}

// The literal `lit` (a string literal) is at p: compared 8 bytes at a time (the literal's words
// are immediates), the last word overlapping the one before (frames are padded by
// kFramePadding, so a literal shorter than 8 bytes reads past it safely). No bounds check: for
// a scanner behind a sentinel (the frame's last byte is a '}' that `lit` does not hold, and p is
// before it, so a match ends before the frame does; the bytes compared past it are padding).
template <std::size_t N>
[[gnu::always_inline]] inline bool at_literal(const char* p, const char (&lit)[N]) noexcept {
  constexpr std::size_t n = N - 1;
  static_assert(n >= 1 && n <= kFramePadding);
  auto word = [](const char* at) {
    std::uint64_t w = 0;
    std::memcpy(&w, at, 8);
    return w;
  };
  if constexpr (n < 8) {
    constexpr std::uint64_t mask = (std::uint64_t{1} << (8 * n)) - 1;
    // The literal's word from shifts (folded to an immediate): a memcpy of its n bytes made GCC
    // build it on the stack with two overlapping 4-byte stores and load it back as 8 bytes, a
    // load that store forwarding cannot serve (~13 % of fast_update's samples at each one).
    std::uint64_t l = 0;
    for (std::size_t i = 0; i < n; ++i)
      l |= std::uint64_t{static_cast<unsigned char>(lit[i])} << (8 * i);
    return ((word(p) ^ l) & mask) == 0;
  } else {
    // Every word compared unrolled (a loop was kept for the 38- and 40-byte literals).
    std::uint64_t diff = [&]<std::size_t... I>(std::index_sequence<I...>) {
      return ((word(p + 8 * I) ^ word(lit + 8 * I)) | ... | std::uint64_t{0});
    }
    (std::make_index_sequence<n / 8>{});
    if constexpr (n % 8 != 0) diff |= word(p + n - 8) ^ word(lit + n - 8);
    return diff == 0;
  }
}

// at_literal, the literal before `end`.
template <std::size_t N>
[[gnu::always_inline]] inline bool starts_with(const char* p, const char* end,
                                               const char (&lit)[N]) noexcept {
  if (static_cast<std::size_t>(end - p) < N - 1) return false;
  return at_literal(p, lit);
}

// The byte after the closing quote of a string whose content starts at p, when the content is
// printable ASCII without escapes (what raw::read_string takes), else null. 16 bytes per step
// (SSE2: a quote, a backslash, a control or non-ASCII byte found with one movemask); the
// overread stays within the frame's padding.
[[gnu::always_inline]] inline const char* string_end(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  for (;;) {
    if (p >= end) return nullptr;
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i stop =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmplt_epi8(v, space));  // signed: < 0x20 or >= 0x80
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
    if (mask == 0) {
      p += 16;
      continue;
    }
    p += std::countr_zero(mask);
    if (p >= end || *p != '"') return nullptr;
    return p + 1;
  }
#else
  return codec::raw::detail::compact_string(p - 1, end);
#endif
}

// Past a run of spaces at p (16 per step with SSE2), at most to `end`; other whitespace is left
// to the reader that follows.
[[gnu::always_inline]] inline const char* skip_spaces(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' ');
  while (p < end) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const auto other =
        ~static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space))) & 0xFFFFu;
    if (other != 0) {
      p += std::countr_zero(other);
      break;
    }
    p += 16;
  }
  return p < end ? p : end;
#else
  while (p != end && *p == ' ') ++p;
  return p;
#endif
}

// `at` (a reader's answer past p, null: not taken) as p + memo when it is, memo the offset it
// had in the last frame (updated when not): what follows then waits for memo's load, not for
// the reader's scan (the header's values, a connection id, a market id, a version, rarely
// change length between frames). The comparison is a predicted branch, off that chain; the
// guess is made opaque to the compiler, which would otherwise fold it back into `at`.
[[gnu::always_inline]] inline const char* as_before(const char* p, const char* at,
                                                    std::uint32_t& memo) noexcept {
  if (at == nullptr) return nullptr;
  const char* guess = p + memo;
  if (at != guess) [[unlikely]] {
    memo = static_cast<std::uint32_t>(at - p);
    return at;
  }
  asm("" : "+r"(guess));
  return guess;
}

// raw::detail::quoted_decimal's value (in 10^-8 units) of the quoted token at p (after its
// opening quote), the same tokens taken and the same bytes read with the closing quote (0: not
// taken), in fewer instructions behind update_levels' sentinel: the usual token of at most 7
// bytes (`D+` or `D+.D+`, no leading zero before another digit) from one 8-byte classification
// worked in bit positions (8 x a byte's index), without the reader's bounds check (a token's
// digits, point and quote are not the sentinel '}', so its quote is before end); any other
// token is the reader's.
[[gnu::always_inline]] inline int level_decimal(const char* p, const char* end,
                                                std::int64_t& raw8) noexcept {
  namespace raw = codec::raw;
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::uint64_t w = 0;
  std::memcpy(&w, p, 8);
  const std::uint64_t x = w ^ (kOnes * '0');  // a digit byte: its value, 0..9
  const std::uint64_t other = (x | ((x & ~kHigh) + kOnes * 0x76)) & kHigh;  // not a digit
  const std::uint64_t rest = other & (other - 1);
  // 8 x the index of the first non-digit (the point, or the closing quote) and of the second.
  const int fb = std::countr_zero(other) - 7;
  const int sb = rest != 0 ? std::countr_zero(rest) - 7 : 64;
  const bool has_dot = ((w >> (fb & 63)) & 0xFF) == '.';
  const int lb = has_dot ? sb : fb;  // 8 x the closing quote's index
  if (other == 0 || lb == 64) [[unlikely]] {
    raw::RawDecimal out;
    const int n = raw::detail::quoted_decimal(p, end, out);
    raw8 = out.raw8;
    return n;
  }
  bool bad = ((w >> lb) & 0xFF) != '"';
  bad |= fb == 0;                       // no integer digit
  bad |= has_dot & (sb == fb + 8);      // no fractional digit
  bad |= (fb > 8) & ((x & 0xFF) == 0);  // a leading zero
  if (bad) return 0;
  const std::uint64_t below = (std::uint64_t{1} << fb) - 1;  // fb <= 56
  const std::uint64_t digits = has_dot ? (x & below) | ((x >> 8) & ~below) : x;
  const int cb = has_dot ? lb - 8 : lb;   // 8 x the digits, 8..56
  std::uint64_t v = digits << (64 - cb);  // the digits to the top, zeros below
  v = codec::raw::detail::swar_digits8(v);
  const int fd = has_dot ? (lb - fb - 8) >> 3 : 0;  // 0..5
  raw8 = static_cast<std::int64_t>(v * kRaw8Scale[fd]);
  return (lb >> 3) + 1;
}

// known_decimal's other lengths: level_decimal's value, -1 when not taken (out of line: rare;
// the value returned, not stored through a pointer, so the caller's stays in a register).
[[gnu::noinline]] std::int64_t long_decimal(const char* t, int len, const char* end) noexcept {
  std::int64_t raw8 = 0;
  return level_decimal(t, end, raw8) == len + 1 ? raw8 : -1;
}

// The value (10^-8 units) of the decimal token of `len` bytes at t whose closing quote is
// t[len] (found by the caller), as level_decimal reads it: the usual token of 1..7 bytes (`D+`
// or `D+.D+`, no leading zero before another digit) from one 8-byte classification, the quote's
// position not searched for; any other length is level_decimal's. The token's bytes must be
// ASCII (below 0x80). False: not taken (the caller's sequential reader decides).
[[gnu::always_inline]] inline bool known_decimal(const char* t, int len, const char* end,
                                                 std::int64_t& raw8) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  if (len < 1 || len > 7) [[unlikely]] {
    raw8 = long_decimal(t, len, end);
    return raw8 >= 0;
  }
  std::uint64_t w = 0;
  std::memcpy(&w, t, 8);
  const int tb = 8 * len;                     // 8 x the token's bytes, 8..56
  const std::uint64_t x = w ^ (kOnes * '0');  // a digit byte: its value, 0..9
  // The token's non-digits. Its bytes are ASCII (quoted_level found no stop byte in the level),
  // so adding 0x76 carries out of none of them; a carry out of a byte past the token only reaches
  // higher bytes, which the mask drops.
  const std::uint64_t other = (x | (x + kOnes * 0x76)) & kHigh & ((std::uint64_t{1} << tb) - 1);
  const bool lead0 = (x & 0xFF) == 0;
  // Two shapes, each its own branch (each call site is inlined on its own, and a site's tokens
  // mostly keep one shape: the branch is predicted, fewer instructions than selecting).
  std::uint64_t v = 0;
  int fd = 0;  // fractional digits
  if (other == 0) {
    if (tb > 8 && lead0) return false;  // a leading zero
    v = x << (64 - tb);                 // the digits to the top, zeros below
  } else {
    const int fb = std::countr_zero(other) - 7;  // 8 x the integer digits
    if ((other & (other - 1)) != 0 || ((w >> fb) & 0xFF) != '.' || fb == 0 || fb == tb - 8 ||
        (fb > 8 && lead0))
      return false;  // two non-digits, not a point, no integer or fractional digit, a lead 0
    const std::uint64_t below = (std::uint64_t{1} << fb) - 1;
    v = ((x & below) | ((x >> 8) & ~below)) << (72 - tb);
    fd = (tb - fb - 8) >> 3;  // 1..5
  }
  v = codec::raw::detail::swar_digits8(v);
  raw8 = static_cast<std::int64_t>(v * kRaw8Scale[fd]);
  return true;
}

#if defined(__SSE2__)
// The level at p (its '[') as the indexer writes it with a quoted offset,
// `["<price>","<size>","<offset>"]` within 32 bytes: its six quotes found at once (two 16-byte
// compares) rather than token after token, so the next level's position does not wait for the
// decimals (the loop was bound by that chain: each token's length, then the offset's scan).
// Past its ']', price and size set; null on any other form (the sequential reader decides).
// Reads 32 bytes at p (within the frame's padding); every byte it takes is before end.
[[gnu::always_inline]] inline const char* quoted_level(const char* p, const char* end,
                                                       std::int64_t& price,
                                                       std::int64_t& size) noexcept {
  static_assert(kFramePadding >= 32);
  const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  auto bits = [](__m128i m) { return static_cast<std::uint32_t>(_mm_movemask_epi8(m)); };
  // string_end's stops other than the quote: a backslash, a control or non-ASCII byte.
  auto stops = [&](__m128i v) {
    return bits(_mm_or_si128(_mm_cmpeq_epi8(v, backslash), _mm_cmplt_epi8(v, space)));
  };
  const std::uint32_t q = bits(_mm_cmpeq_epi8(a, quote)) | (bits(_mm_cmpeq_epi8(b, quote)) << 16);
  std::uint32_t m = q & (q - 1);  // the price's opening quote (bit 1) dropped
  const int q1 = std::countr_zero(m);
  m &= m - 1;
  const int q2 = std::countr_zero(m);
  m &= m - 1;
  const int q3 = std::countr_zero(m);
  m &= m - 1;
  const int q4 = std::countr_zero(m);
  m &= m - 1;
  const int q5 = std::countr_zero(m);  // 32: fewer than six quotes
  if (!at_literal(p, "[\"") || q5 > 30 || p + q5 + 1 >= end) return nullptr;
  const std::uint32_t bad = stops(a) | (stops(b) << 16);
  if (q2 != q1 + 2 || q4 != q3 + 2 || p[q1 + 1] != ',' || p[q3 + 1] != ',' || p[q5 + 1] != ']' ||
      (bad & ((2u << q5) - 1)) != 0)
    return nullptr;
  if (!known_decimal(p + 2, q1 - 2, end, price) ||
      !known_decimal(p + q2 + 1, q3 - q2 - 1, end, size))
    return nullptr;
  return p + q5 + 2;
}
#endif

// A level read by sequential_level: past its ']' (null: not taken), its price and size.
struct ReadLevel {
  const char* next = nullptr;
  std::int64_t price = 0;
  std::int64_t size = 0;
};

// The level at p (its '[') read token after token, `["<price>","<size>"(,<digits or
// string>)*]`: any level quoted_level does not take (out of line: the hot loop keeps its
// registers).
[[gnu::noinline]] ReadLevel sequential_level(const char* p, const char* end) noexcept {
  ReadLevel lv;
  if (!at_literal(p, "[\"")) return lv;
  p += 2;
  int n = level_decimal(p, end, lv.price);
  if (n == 0) return lv;
  p += n;
  if (!at_literal(p, ",\"")) return lv;
  p += 2;
  n = level_decimal(p, end, lv.size);
  if (n == 0) return lv;
  p += n;
  while (*p == ',') {  // the offset, and any other element
    ++p;
    if (*p == '"') {
      if ((p = string_end(p + 1, end)) == nullptr) return lv;
    } else {
      const char* const s = p;
      while (static_cast<unsigned>(*p - '0') < 10u) ++p;
      if (p == s) return lv;
    }
  }
  if (*p != ']') return lv;
  lv.next = p + 1;
  return lv;
}

// An update's level array at p as the indexer writes it: `[["<price>","<size>"(,<digits or
// string>)*],...]` without whitespace, each decimal a quoted short decimal (what
// raw::scan_levels' compact loop takes for an array level: level_decimal takes the same
// tokens), price > 0: on_level(price, size) per level (their values in 10^-8 units; false: give
// up), p past the closing bracket. False (p anywhere) on anything else: the caller gives up to
// the general scanner, which decides.
// Behind a sentinel: the frame's last byte (end[-1]) is '}' and p is before it. No step takes a
// '}' (the brackets, commas, quotes and digits it matches; the readers stop before one), so p
// stays before end[-1] without a bounds check of its own (the string reader keeps its own).
template <class OnLevel>
[[gnu::always_inline]] inline bool update_levels(const char*& at, const char* end,
                                                 OnLevel&& on_level) noexcept {
  namespace raw = codec::raw;
  const char* p = at;  // a local cursor (kept in a register), `at` set on success
  if (*p != '[') return false;
  if (p[1] == ']') {
    at = p + 2;
    return true;
  }
  ++p;
  for (;;) {
    std::int64_t price = 0;
    std::int64_t size = 0;
#if defined(__SSE2__)
    if (const char* const next = quoted_level(p, end, price, size); next != nullptr) [[likely]] {
      p = next;
    } else
#endif
    {
      const ReadLevel lv = sequential_level(p, end);
      if (lv.next == nullptr) return false;
      p = lv.next;
      price = lv.price;
      size = lv.size;
    }
    if (price <= 0 || !on_level(price, size)) return false;
    if (*p == ',') {
      ++p;
      continue;
    }
    if (*p != ']') return false;
    at = p + 1;
    return true;
  }
}

}  // namespace

constexpr EnumNames kChannelNames{Channel::markets, {"v4_orderbook", "v4_trades", "v4_markets"}};

std::string_view to_string(Channel c) noexcept {
  return kChannelNames.name(c);
}

// A book and the last Quote emitted from its top.
struct DydxBookSlot : codec::BookSlot {
  Quote last_top{};
};

struct DydxCodecImpl : codec::BookCodecState<DydxCodecConfig, DydxCodecStats, DydxBookSlot> {
  struct OracleSlot {
    InstrumentId id;
    OraclePrice price;
  };
  struct PendingOracle {
    std::string_view market;
    Decimal price;
    Timestamp effective_at;
  };

  DydxCodecImpl(const InstrumentRegistry& r, const DydxCodecConfig& c)
      : BookCodecState(Venue::dydx, r, c, kMaxCachedSymbols, 64), stage(c.max_book_depth) {
    oracles.reserve(64);
    levels.reserve(256);
    changes.reserve(256);
    pending.reserve(256);
    pending_oracles.reserve(256);
  }

  std::vector<OracleSlot> oracles;
  std::optional<std::uint64_t> last_message_id;
  // What parse_frame learnt of the frame before it failed (a rejected frame still counts in the
  // message_id sequence, and a rejected book update leaves that book unsynchronised).
  std::optional<std::uint64_t> seen_message_id;
  int seen_book = -1;
  // Per-frame scratch.
  std::vector<PendingLevel> levels;
  // fast_update's changes, written as it reads the levels (an update with more gives up to
  // fast_book), and applied in place by apply_written; delivered from here when
  // `from_written`, else from `changes`.
  static constexpr std::size_t kMaxFastLevels = 64;
  std::array<BookChange, kMaxFastLevels> written{};
  std::array<std::int64_t, kMaxFastLevels> written_raw8{};  // each change's price, 10^-8 units
  std::size_t written_count = 0;
  bool from_written = false;
  // fast_update's last market: its id as read (1..16 bytes, two little-endian words, zero past
  // the id) and its symbol-cache entry, whose instrument's wire symbol is that id. Entries of
  // the cache are never moved or dropped, so the pointer stays valid; a frame of that id skips
  // the cache's lookup and apply_book's wire-symbol compare.
  std::array<std::uint64_t, 2> fast_id{};
  std::size_t fast_id_len = 0;  // 0: none
  // fast_update's header: the offsets past the connection id, the message_id, the market id and
  // the version in the last frame (as_before).
  std::array<std::uint32_t, 4> memo{};
  SymbolEntry* fast_sym = nullptr;
  std::vector<PendingOracle> pending_oracles;
  MarketEvent change_tmpl;  // apply_book's event template of the frame's book
  // A snapshot frame's levels as the raw scanner reads them, taken by the book when the frame
  // is whole (a frame given up on half-way leaves the book as it was).
  market::BookStage stage;
  // The frame's book events, handed to the sink at delivery after pending[0, book_events_at)
  // and before the rest of pending (a Quote): the changes of an update, each written once
  // (not a MarketEvent each), or a staged snapshot's levels read back from its book in wire
  // order (`snapshot_first`'s side first), not copied per level.
  std::vector<BookChange> changes;
  std::size_t book_events_at = kNoBookEvents;
  DydxBookSlot* snapshot_from = nullptr;
  Side snapshot_first = Side::buy;
  static constexpr std::size_t kNoBookEvents = ~std::size_t{0};

  // A level is {"price":"..","size":".."} (snapshot) or ["price","size"(,"offset")] (update).
  bool parse_levels(od::value& v, Side side, const char* where) {
    od::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) return fail("not an array", where);
    for (auto item : arr) {
      od::value lv;
      if (item.get(lv) != simdjson::SUCCESS) return fail("bad level", where);
      PendingLevel pl{side, Decimal::zero(), Decimal::zero()};
      od::json_type type;
      if (lv.type().get(type) != simdjson::SUCCESS) return fail("bad level", where);
      if (type == od::json_type::array) {
        od::array parts;
        if (lv.get_array().get(parts) != simdjson::SUCCESS) return fail("bad level", where);
        int index = 0;
        for (auto part : parts) {
          od::value pv;
          if (part.get(pv) != simdjson::SUCCESS) return fail("bad level", where);
          if (index == 0 && !parse_decimal(pv, pl.price, where)) return false;
          if (index == 1 && !parse_decimal(pv, pl.size, where)) return false;
          ++index;
        }
        if (index < 2) return fail("level needs price and size", where);
      } else if (type == od::json_type::object) {
        // The indexer sends {"price":"..","size":".."} in that order with plain decimals.
        static constexpr codec::LevelKeys kKeys{.price = "price",
                                                .size = "size",
                                                .missing = "level needs price and size",
                                                .bad_price = "price must be > 0",
                                                .bad_size = "size must be >= 0"};
        od::object obj;
        if (lv.get_object().get(obj) != simdjson::SUCCESS) return fail("bad level", where);
        codec::LevelRead lr;
        if (!codec::read_level(*this, obj, kKeys, lr, where)) return false;
        levels.push_back(PendingLevel{side, lr.price, lr.size});
        continue;
      } else {
        return fail("level must be an array or an object", where);
      }
      if (!pl.price.is_positive()) return fail("price must be > 0", where);
      if (pl.size.is_negative()) return fail("size must be >= 0", where);
      levels.push_back(pl);
    }
    return true;
  }

  // contents: {"bids":[...],"asks":[...]} (either may be absent in an update).
  bool parse_book_contents(od::value& v) {
    return for_each_member(v, "v4_orderbook.contents",
                           [&](od::raw_json_string key, od::value& val) {
                             if (key == "bids")
                               return parse_levels(val, Side::buy, "v4_orderbook.contents.bids");
                             if (key == "asks")
                               return parse_levels(val, Side::sell, "v4_orderbook.contents.asks");
                             return true;
                           });
  }

  // contents: {"trades":[{"id","side","size","price","type","createdAt",...}]}
  bool parse_trade_contents(od::value& v, const Instrument* inst, bool live) {
    if (!for_each_member(v, "v4_trades.contents", [&](od::raw_json_string key, od::value& val) {
          if (key != "trades") return true;
          od::array arr;
          if (val.get_array().get(arr) != simdjson::SUCCESS)
            return fail("not an array", "v4_trades.contents.trades");
          for (auto item : arr) {
            od::object tobj;
            if (item.get_object().get(tobj) != simdjson::SUCCESS)
              return fail("trade is not an object", "v4_trades.contents.trades[]");
            Trade t;
            Timestamp venue_time;
            unsigned seen = 0;
            for (auto tf : tobj) {
              std::string_view tkey;
              od::value tval;
              if (tf.unescaped_key().get(tkey) != simdjson::SUCCESS || tf.value().get(tval))
                return fail("bad member", "v4_trades.contents.trades[]");
              if (tkey == "id") {
                if (!TradeId::assign(t.trade_id, number_text(tval)) || t.trade_id.size == 0)
                  return fail("not an id of at most 40 chars", "v4_trades.contents.trades[].id");
              } else if (tkey == "side") {
                if (!parse_side(tval, "BUY", "SELL", t.aggressor, "side must be BUY or SELL",
                                "v4_trades.contents.trades[].side"))
                  return false;
                seen |= 1;
              } else if (tkey == "size") {
                if (!parse_decimal(tval, t.size, "v4_trades.contents.trades[].size")) return false;
                seen |= 2;
              } else if (tkey == "price") {
                if (!parse_decimal(tval, t.price, "v4_trades.contents.trades[].price"))
                  return false;
                seen |= 4;
              } else if (tkey == "createdAt") {
                if (!parse_time(tval, venue_time, "v4_trades.contents.trades[].createdAt"))
                  return false;
              }
            }
            if (seen != 7) return fail("trade without side, size or price", "v4_trades.contents");
            if (!t.price.is_positive()) return fail("price must be > 0", "v4_trades.contents");
            if (!t.size.is_positive()) return fail("size must be > 0", "v4_trades.contents");
            if (inst == nullptr) continue;
            if (!live) {
              ++stats.history_trades_skipped;
              continue;
            }
            MarketEvent e = event_for(*inst, venue_time);
            e.body = t;
            pending.push_back(e);
          }
          return true;
        }))
      return false;
    return true;
  }

  // One market's object: the oracle price is "oraclePrice"; "effectiveAt" when present.
  bool parse_oracle_entry(od::value& v, std::string_view market, const char* where) {
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return fail("market is not an object", where);
    PendingOracle po{market, Decimal::zero(), Timestamp{}};
    bool has_price = false;
    if (!for_each_member(obj, where, [&](od::raw_json_string key, od::value& val) {
          if (key == "oraclePrice") {
            bool is_null = false;
            if (val.is_null().get(is_null) == simdjson::SUCCESS && is_null) return true;
            if (!parse_decimal(val, po.price, where)) return false;
            has_price = true;
          } else if (key == "effectiveAt") {
            if (!parse_time(val, po.effective_at, where)) return false;
          }
          return true;
        }))
      return false;
    if (has_price) {
      if (!po.price.is_positive()) return fail("oraclePrice must be > 0", where);
      pending_oracles.push_back(po);
    }
    return true;
  }

  // subscribed: {"markets":{"BTC-USD":{...},...}}; channel_data: {"oraclePrices":{...}} and/or
  // {"trading":{...}}. Every market of the map is read.
  bool parse_markets_contents(od::value& v) {
    if (!for_each_member(v, "v4_markets.contents", [&](od::raw_json_string key, od::value& val) {
          const char* where = key == "markets"        ? "v4_markets.contents.markets"
                              : key == "oraclePrices" ? "v4_markets.contents.oraclePrices"
                                                      : nullptr;
          if (where == nullptr) return true;  // "trading" etc.: market metadata, not prices
          od::object map;
          if (val.get_object().get(map) != simdjson::SUCCESS) return fail("not an object", where);
          for (auto m : map) {
            std::string_view market;
            od::value mv;
            if (m.unescaped_key().get(market) != simdjson::SUCCESS || m.value().get(mv))
              return fail("bad market", where);
            if (!parse_oracle_entry(mv, market, where)) return false;
          }
          return true;
        }))
      return false;
    return true;
  }

  bool parse_contents(od::value& v, std::string_view channel, std::string_view type,
                      const Instrument* inst) {
    const bool live = type != "subscribed";
    if (channel == "v4_orderbook") return parse_book_contents(v);
    if (channel == "v4_trades") return parse_trade_contents(v, inst, live);
    return parse_markets_contents(v);
  }

  // Queues `c` as an event of the book's instrument, written at delivery into a copy of the
  // frame's change template (set by apply_book) after pending[0, book_events_at).
  void emit_change(const BookChange& c) { changes.push_back(c); }
  // Queues `c` in pending now (a copy of the change template, the change written in place):
  // the uncrossing of a snapshot, whose levels are in pending already.
  void queue_change(const BookChange& c) {
    *std::get_if<BookChange>(&pending.emplace_back(change_tmpl).body) = c;
  }

  // The newest change wins: remove levels of the other side that `c` crosses.
  void uncross(BookSlot& slot, const BookChange& c, std::uint64_t sequence) {
    if (c.size.is_zero() || !slot.book.crossed()) return;
    const Side other = opposite(c.side);
    while (slot.book.crossed()) {
      const auto best = other == Side::sell ? slot.book.best_ask() : slot.book.best_bid();
      if (!best) break;
      const bool crosses = other == Side::sell ? best->price <= c.price : best->price >= c.price;
      if (!crosses) break;
      BookChange del;
      del.side = other;
      del.price = best->price;
      del.size = Decimal::zero();
      del.sequence = sequence;
      (void)slot.book.try_apply(del);
      emit_change(del);
      ++stats.uncrossed_levels;
    }
  }

  // The update fast_update wrote into `written` (each price > 0, size >= 0, sequence the
  // frame's; the book synced: book_for), applied as apply_book's loop applies `levels`, and
  // delivered from there. Only a change that set its side's best (apply_update's answer) can
  // cross a book that was not crossed, so crossed() is asked for those only (for every change
  // of a book crossed before the frame). A change that crossed it: the changes so far copied to
  // `changes`, and the rest of the frame as apply_book's loop (uncross()'s deletes right after
  // the change that crossed).
  void apply_written(BookSlot& slot, std::uint64_t message_id) {
    const bool crossed_before = slot.book.crossed();
    const std::size_t n = written_count;
    std::size_t i = 0;
    for (; i < n; ++i) {
      const BookChange& c = written[i];
      const bool top = slot.book.apply_update_raw8(c.side, written_raw8[i], c.price, c.size);
      if ((top || crossed_before) && !c.size.is_zero() && slot.book.crossed()) [[unlikely]]
        break;
    }
    if (i == n) [[likely]] {
      from_written = true;
      if (message_id != 0 && n != 0) slot.book.set_last_sequence(message_id);
      return;
    }
    changes.assign(written.begin(), written.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    uncross(slot, written[i], message_id);
    for (++i; i < n; ++i) {
      const BookChange& c = written[i];
      slot.book.apply_update_raw8(c.side, written_raw8[i], c.price, c.size);
      emit_change(c);
      uncross(slot, c, message_id);
    }
    if (message_id != 0) slot.book.set_last_sequence(message_id);
  }

  // Applies the frame's book: a snapshot from `levels` or, `staged`, from `stage`; an update
  // from `levels`. `sym` is the cache entry of the frame's market name `name` (null: resolved
  // here); the book belongs to the instrument's wire symbol.
  // `fast`: an update whose changes fast_update has written into `written` already.
  void apply_book(const Instrument* inst, bool snapshot, bool staged, std::uint64_t message_id,
                  SymbolEntry* sym = nullptr, std::string_view name = {}, bool fast = false) {
    if (inst == nullptr) return;
    const std::string& wire = codec::wire_symbol(*inst);
    if (sym == nullptr || name != wire) sym = symbols.resolve(wire);
    if (sym == nullptr) return;
    BookSlot* found = codec::book_for(books, *sym, *inst, snapshot, config.max_book_depth);
    if (found == nullptr) {
      ++stats.updates_while_unsynced;
      return;
    }
    apply_to(*found, inst, snapshot, staged, message_id, fast);
  }

  // apply_book's work on the book of the frame's instrument `inst`, `slot`.
  void apply_to(BookSlot& slot, const Instrument* inst, bool snapshot, bool staged,
                std::uint64_t message_id, bool fast) {
    // The template of this instrument's changes (the frame's receive time, a default
    // BookChange): the last frame's when it was the same instrument's, else built anew.
    BookChange* const tmpl_change = std::get_if<BookChange>(&change_tmpl.body);
    if (tmpl_change != nullptr && change_tmpl.instrument == slot.instrument->id &&
        change_tmpl.symbol == slot.instrument->symbol && change_tmpl.venue == venue &&
        change_tmpl.venue_time.is_zero()) [[likely]] {
      change_tmpl.receive_time = receive_time;
      *tmpl_change = BookChange{};
    } else {
      change_tmpl = event_for(*slot.instrument, Timestamp{});
      change_tmpl.body.emplace<BookChange>();
    }
    if (snapshot && staged) {
      // Checked by fast_book: not empty, not crossed.
      BookChange& tmpl = *std::get_if<BookChange>(&change_tmpl.body);
      tmpl.sequence = message_id;
      tmpl.snapshot = true;
      slot.book.load_staged(stage, message_id);
      snapshot_from = &slot;
      book_events_at = pending.size();
    } else if (snapshot) {
      std::get_if<BookChange>(&change_tmpl.body)->sequence = message_id;
      if (!codec::load_snapshot(*this, slot.book, std::span<const PendingLevel>(levels),
                                change_tmpl))
        return;
      // A crossed snapshot: uncross by the same rule, later levels winning over earlier ones
      // cannot be told apart here, so the bids (listed first) yield to the asks.
      while (slot.book.crossed()) {
        const auto bid = slot.book.best_bid();
        BookChange del;
        del.side = Side::buy;
        del.price = bid->price;
        del.sequence = message_id;
        (void)slot.book.try_apply(del);
        queue_change(del);
        ++stats.uncrossed_levels;
      }
    } else if (fast) {
      book_events_at = pending.size();
      apply_written(slot, message_id);
    } else {
      book_events_at = pending.size();
      for (const auto& pl : levels) {
        BookChange c;
        c.side = pl.side;
        c.price = pl.price;
        c.size = pl.size;
        c.sequence = message_id;
        // Validated: price > 0, size >= 0, the book synced (book_for): as try_apply(c), the
        // sequence set once below (try_apply sets a sequence other than 0).
        slot.book.apply_update(c.side, c.price, c.size);
        emit_change(c);
        uncross(slot, c, message_id);
      }
      if (message_id != 0 && !changes.empty()) slot.book.set_last_sequence(message_id);
    }
    if (config.emit_book_quotes && slot.book.synced()) {
      // The top levels compared where they are, not copied first: their sizes were just
      // written 8 bytes at a time, and a 16-byte copy would wait for those stores to retire
      // (no store forwarding across two stores).
      const auto bids = slot.book.bids();
      const auto asks = slot.book.asks();
      if (!bids.empty() && !asks.empty()) {
        const market::BookLevel& bid = bids.front();
        const market::BookLevel& ask = asks.front();
        if (bid.price != slot.last_top.bid || bid.size != slot.last_top.bid_size ||
            ask.price != slot.last_top.ask || ask.size != slot.last_top.ask_size) {
          const Quote q{bid.price, bid.size, ask.price, ask.size};
          slot.last_top = q;
          MarketEvent e = event_for(*inst, Timestamp{});
          e.body = q;
          pending.push_back(e);
        }
      }
    }
  }

  void on_gap(DecodeResult& r) {
    ++stats.gaps;
    r.gap = true;
    for (auto& slot : books) {
      if (slot.book.synced()) mark_resync(slot, r);
    }
  }

  // The fast path of the frames that carry a book, v4_orderbook `subscribed` and `channel_data`
  // ({"type":..,"connection_id":..,"message_id":N,"channel":..,"id":..,"contents":{"bids":[..],
  // "asks":[..]}}; members in any order but contents last of type, channel and id; other
  // members scalar), read by the raw scanner without simdjson: keys compared on their raw text
  // (the indexer's spelling matched as one literal each), no copy. A snapshot's levels go
  // straight to `stage`, an update's to `levels`. False, with nothing changed but that scratch,
  // on anything else (another channel or type, a member repeated, a form the scanner does not
  // take, a snapshot the stage does not take as it comes: parse_frame decides).
  bool fast_book(std::string_view frame, DecodeResult& r) {
    namespace raw = codec::raw;
    enum : unsigned { kType = 1, kChannel = 2, kId = 4, kMessageId = 8, kContents = 16 };
    enum class Key : std::uint8_t { type, channel, id, message_id, contents, message, other };
    static constexpr raw::Literal kTypeKey = literal("\"type\":");
    static constexpr raw::Literal kConnectionKey = literal("\"connection_id\":");
    static constexpr raw::Literal kMessageIdKey = literal("\"message_id\":");
    static constexpr raw::Literal kChannelKey = literal("\"channel\":");
    static constexpr raw::Literal kIdKey = literal("\"id\":");
    static constexpr raw::Literal kContentsKey = literal("\"contents\":");
    static constexpr raw::Literal kVersionKey = literal("\"version\":");
    raw::Cursor c(frame);
    if (!c.eat('{')) return false;
    std::string_view type;
    std::string_view channel;
    std::string_view id;
    std::uint64_t message_id = 0;
    unsigned seen = 0;
    bool snapshot = false;
    auto at = [&c](const raw::Literal& l) {
      if (!l.at(c.p, c.end)) return false;
      c.p += l.size;
      return true;
    };
    // The member's key and its colon: the indexer's keys as literals first (no whitespace, its
    // spelling), else the key's raw text compared.
    auto next_key = [&](Key& k) {
      if (c.p != c.end && *c.p == '"') {
        switch (c.p[1]) {
          case 't':
            if (at(kTypeKey)) return k = Key::type, true;
            break;
          case 'c':
            if (at(kConnectionKey)) return k = Key::other, true;
            if (at(kChannelKey)) return k = Key::channel, true;
            if (at(kContentsKey)) return k = Key::contents, true;
            break;
          case 'm':
            if (at(kMessageIdKey)) return k = Key::message_id, true;
            break;
          case 'i':
            if (at(kIdKey)) return k = Key::id, true;
            break;
          case 'v':
            if (at(kVersionKey)) return k = Key::other, true;
            break;
          default:
            break;
        }
      }
      std::string_view key;
      if (!raw::read_key(c, key)) return false;
      k = key == "type"         ? Key::type
          : key == "channel"    ? Key::channel
          : key == "id"         ? Key::id
          : key == "message_id" ? Key::message_id
          : key == "contents"   ? Key::contents
          : key == "message"    ? Key::message
                                : Key::other;
      return true;
    };
    // A string member read once: false (give up) when repeated or not a plain string.
    auto once = [&](unsigned bit, std::string_view& out) {
      if ((seen & bit) != 0 || !raw::read_string(c, out)) return false;
      seen |= bit;
      return true;
    };
    do {
      Key key = Key::other;
      if (!next_key(key)) return false;
      switch (key) {
        case Key::type:
          if (!once(kType, type)) return false;
          break;
        case Key::channel:
          if (!once(kChannel, channel)) return false;
          break;
        case Key::id:
          if (!once(kId, id)) return false;
          break;
        case Key::message_id:
          if ((seen & kMessageId) != 0 || !raw::read_uint(c, message_id)) return false;
          seen |= kMessageId;
          break;
        case Key::contents:
          if ((seen & (kType | kChannel | kId | kContents)) != (kType | kChannel | kId) ||
              channel != "v4_orderbook" || (type != "subscribed" && type != "channel_data") ||
              id.empty())
            return false;
          snapshot = type == "subscribed";
          if (!fast_book_contents(c, snapshot)) return false;
          seen |= kContents;
          break;
        case Key::message: {
          std::string_view ignored;  // a string, as parse_frame reads it
          if (!raw::read_string(c, ignored)) return false;
          break;
        }
        case Key::other:
          if (!raw::skip_scalar(c)) return false;
          break;
      }
    } while (c.eat(','));
    if ((seen & kContents) == 0 || !c.eat('}') || !c.at_end()) return false;
    // A snapshot the stage holds whole (sorted, nothing dropped), not empty and not crossed:
    // its book events can be read back from the book. Any other: the reference path.
    if (snapshot && (stage.empty() || stage.crossed())) return false;

    deliver_book(r, id, (seen & kMessageId) != 0, message_id, snapshot, false);
    return true;
  }

  // A raw-read book frame, every check passed: its message_id checked for a gap (when it has
  // one), its market looked up, its levels applied (`fast`: an update's changes are in
  // `written`; else its levels in `levels`, a snapshot's in the stage).
  void deliver_book(DecodeResult& r, std::string_view id, bool has_message_id,
                    std::uint64_t message_id, bool snapshot, bool fast) {
    if (has_message_id) {
      if (last_message_id && message_id != *last_message_id + 1) on_gap(r);
      last_message_id = message_id;
    }
    r.kind = FrameKind::market_data;
    if (fast && id.size() == fast_id_len && id_words(id) == fast_id) [[likely]] {
      // apply_book of an update, its market's entry known (book_for without a snapshot).
      const int book = fast_sym->book;
      BookSlot* const slot = book >= 0 ? &books[static_cast<std::size_t>(book)] : nullptr;
      if (slot == nullptr || !slot->book.synced()) [[unlikely]] {
        ++stats.updates_while_unsynced;
        return;
      }
      apply_to(*slot, fast_sym->instrument, false, false, message_id, true);
      return;
    }
    SymbolEntry* sym = symbols.resolve(id);
    const Instrument* inst = sym != nullptr ? sym->instrument : nullptr;
    if (inst == nullptr) {
      ++stats.unknown_symbol;
      return;
    }
    if (fast && id.size() <= 16 && id == codec::wire_symbol(*inst)) {
      fast_id = id_words(id);
      fast_id_len = id.size();
      fast_sym = sym;
    }
    apply_book(inst, snapshot, snapshot, message_id, sym, id, fast);
  }

  // The first 16 bytes at id.data() (within a padded frame), the bytes past id.size() zeroed.
  static std::array<std::uint64_t, 2> id_words(std::string_view id) noexcept {
    std::array<std::uint64_t, 2> w{};
    std::memcpy(w.data(), id.data(), 16);
    const std::size_t n = id.size() < 16 ? id.size() : 16;
    const auto keep = [](std::size_t bytes) {
      return bytes >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * bytes)) - 1;
    };
    w[0] &= keep(n);
    w[1] &= n > 8 ? keep(n - 8) : 0;
    return w;
  }

  // The update frame exactly as the indexer writes it, members in its order, no whitespace
  // (`{"type":"channel_data","connection_id":"..","message_id":N,"id":"..","channel":
  // "v4_orderbook","version":"..","contents":{"bids":[["p","s"(,..)],..],"asks":[..]}}`, either
  // side may be absent): the header matched as literals, the values only skipped to their
  // closing quote; the changes into `written`. A strict subset of what fast_book takes, with the
  // same result; false (only `written` touched) on anything else, which fast_book then decides.
  bool fast_update(std::string_view frame, DecodeResult& r) {
    namespace raw = codec::raw;
    const char* p = frame.data();
    const char* const end = p + frame.size();
    // The sentinel the header and update_levels read behind: the last byte a '}' (the frame's
    // "}}" is checked at the end), taken by none of the literals before it.
    if (frame.size() < 2 || end[-1] != '}') return false;
    auto eat = [&]<std::size_t N>(const char(&lit)[N]) {
      if (!at_literal(p, lit)) return false;
      p += N - 1;
      return true;
    };
    if (!eat(R"({"type":"channel_data","connection_id":")")) return false;
    if ((p = as_before(p, string_end(p, end), memo[0])) == nullptr || !eat(R"(,"message_id":)"))
      return false;
    const char* const mid_begin = p;
    p = skip_spaces(p, end);  // (the bench pads message_id with spaces)
    std::uint64_t message_id = 0;
    {
      // The usual message_id, 1..7 digits (no leading zero) then the comma, from one 8-byte
      // classification (a byte is a digit when its value xor '0' is below 10); any other form
      // is raw::read_uint's, which decides.
      constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
      constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
      std::uint64_t w = 0;
      std::memcpy(&w, p, 8);  // within the frame's padding
      const std::uint64_t x = w ^ (kOnes * '0');
      const std::uint64_t other = (x | ((x & ~kHigh) + kOnes * 0x76)) & kHigh;  // not a digit
      const int k = std::countr_zero(other | (kHigh << 56)) / 8;  // the digits (7: or more)
      if (k >= 1 && k < end - p && ((w >> (8 * k)) & 0xFF) == ',' && !(k > 1 && (w & 0xFF) == '0'))
          [[likely]] {
        message_id =
            raw::detail::swar_digits8((x & ((std::uint64_t{1} << (8 * k)) - 1)) << (8 * (8 - k)));
        p += k;
      } else {
        raw::Cursor c(p, end);
        if (!raw::read_uint(c, message_id)) return false;
        p = c.p;
      }
      p = as_before(mid_begin, p, memo[1]);
    }
    if (!eat(R"(,"id":")")) return false;
    const char* const id_begin = p;
    if ((p = as_before(p, string_end(p, end), memo[2])) == nullptr || p - 1 == id_begin)
      return false;
    const std::string_view id(id_begin, static_cast<std::size_t>(p - 1 - id_begin));
    if (!eat(R"(,"channel":"v4_orderbook","version":")")) return false;
    if ((p = as_before(p, string_end(p, end), memo[3])) == nullptr || !eat(R"(,"contents":{)"))
      return false;
    std::size_t n = 0;  // changes in `written`
    // The count, the sequence and the arrays held in locals over a side's levels (the lambda is
    // called twice, not inlined: captured by reference, they were reloaded and stored per level).
    auto scan = [&](Side side) {
      std::size_t k = n;
      const std::uint64_t seq = message_id;
      BookChange* const out = written.data();
      std::int64_t* const out_raw8 = written_raw8.data();
      const bool ok = update_levels(p, end, [&](std::int64_t price, std::int64_t size) {
        if (k == kMaxFastLevels) return false;
        BookChange& c = out[k];
        c.side = side;
        c.price = Decimal::from_raw8(price);
        c.size = Decimal::from_raw8(size);
        c.sequence = seq;
        out_raw8[k++] = price;
        return true;
      });
      n = k;
      return ok;
    };
    const bool bids = eat(R"("bids":)");
    if (bids && !scan(Side::buy)) return false;
    if (!bids || eat(",")) {
      if (!eat(R"("asks":)") || !scan(Side::sell)) return false;
    }
    if (!eat("}}") || p != end) return false;
    snapshot_first = bids ? Side::buy : Side::sell;
    written_count = n;

    deliver_book(r, id, true, message_id, false, true);
    return true;
  }

  // contents: {"bids":[..],"asks":[..]} (each at most once, either may be absent; other members
  // scalar): a snapshot's levels into `stage` (false when it does not take one), an update's
  // into `levels`.
  bool fast_book_contents(codec::raw::Cursor& c, bool snapshot) {
    namespace raw = codec::raw;
    // The indexer writes a snapshot's levels as objects and an update's as arrays: the compact
    // loop tries that form only (the other gives up to the reference path, which takes both).
    static constexpr raw::LevelNames kSnapshotNames{
        .price = "price", .size = "size", .form = raw::LevelForm::object};
    static constexpr raw::LevelNames kUpdateNames{
        .price = "price", .size = "size", .form = raw::LevelForm::array};
    if (!c.eat('{')) return false;
    if (c.eat('}')) return true;
    unsigned sides = 0;
    do {
      std::string_view key;
      if (!raw::read_key(c, key)) return false;
      const Side side = key == "bids" ? Side::buy : Side::sell;
      if (key == "bids" || key == "asks") {
        const unsigned bit = side == Side::buy ? 1 : 2;
        if ((sides & bit) != 0) return false;
        if (sides == 0) snapshot_first = side;
        sides |= bit;
        const bool ok =
            snapshot ? raw::scan_levels(c, kSnapshotNames,
                                        [&](const raw::RawLevel& lv) {
                                          return stage.append(side, lv.price.value, lv.size.value);
                                        })
                     : raw::scan_levels(c, kUpdateNames, [&](const raw::RawLevel& lv) {
                         levels.push_back(PendingLevel{side, lv.price.value, lv.size.value});
                         return true;
                       });
        if (!ok) return false;
      } else if (!raw::skip_scalar(c)) {
        return false;
      }
    } while (c.eat(','));
    return c.eat('}');
  }

  bool parse_frame(std::string_view frame, DecodeResult& r) {
    od::document doc;
    od::object obj;
    if (!open_object(frame, doc, obj)) return false;
    std::string_view type;
    std::string_view channel;
    std::string_view id;
    std::string_view message;
    std::optional<std::uint64_t> message_id;
    const Instrument* inst = nullptr;
    bool has_contents = false;
    bool known_channel = false;
    bool unknown_market = false;
    if (!for_each_member(obj, "top level", [&](od::raw_json_string key, od::value& val) {
          if (key == "type") {
            if (val.get_string().get(type) != simdjson::SUCCESS)
              return fail("not a string", "type");
          } else if (key == "channel") {
            if (!parse_string(val, channel, "channel")) return false;
          } else if (key == "id") {
            if (val.get_string().get(id) != simdjson::SUCCESS) return fail("not a string", "id");
          } else if (key == "message_id") {
            std::uint64_t m = 0;
            if (val.get_uint64().get(m) != simdjson::SUCCESS)
              return fail("not an unsigned integer", "message_id");
            message_id = m;
            seen_message_id = m;
          } else if (key == "message") {
            if (!parse_string(val, message, "message")) return false;
          } else if (key == "contents") {
            has_contents = true;
            if (type.empty() || channel.empty())
              return fail("contents before type or channel", "contents");
            known_channel =
                channel == "v4_orderbook" || channel == "v4_trades" || channel == "v4_markets";
            if (!known_channel) return true;
            if (channel != "v4_markets") {
              if (id.empty()) return fail("contents before id", "contents");
              SymbolEntry* sym = symbols.resolve(id);
              inst = sym != nullptr ? sym->instrument : nullptr;
              unknown_market = inst == nullptr;
              if (sym != nullptr && channel == "v4_orderbook") seen_book = sym->book;
            }
            if (type == "channel_batch_data") {
              od::array batch;
              if (val.get_array().get(batch) != simdjson::SUCCESS)
                return fail("batch contents is not an array", "contents");
              for (auto item : batch) {
                od::value bv;
                if (item.get(bv) != simdjson::SUCCESS) return fail("bad batch item", "contents");
                if (!parse_contents(bv, channel, type, inst)) return false;
              }
            } else if (!parse_contents(val, channel, type, inst)) {
              return false;
            }
          }
          return true;
        }))
      return false;

    if (type == "connected") {
      last_message_id = message_id.value_or(0);
      for (auto& slot : books) slot.book.clear();
      r.kind = FrameKind::connected;
      return true;
    }
    // Gap rule: message_id increments by one per message on the connection.
    if (message_id) {
      if (last_message_id && *message_id != *last_message_id + 1) on_gap(r);
      last_message_id = *message_id;
    }
    if (type == "error") {
      ++stats.venue_errors;
      last_venue_error.assign(message);
      r.kind = FrameKind::venue_error;
      return true;
    }
    if (type == "unsubscribed") {
      r.kind = FrameKind::unsubscribed;
      return true;
    }
    const bool data =
        type == "subscribed" || type == "channel_data" || type == "channel_batch_data";
    if (!data || !known_channel) {
      if (data && !has_contents) return fail("message without contents", "contents");
      ++stats.unknown_type;
      r.kind = FrameKind::ignored;
      return true;
    }
    r.kind = FrameKind::market_data;
    if (unknown_market) {
      ++stats.unknown_symbol;
      return true;
    }
    if (channel == "v4_orderbook") {
      apply_book(inst, type == "subscribed", false, message_id.value_or(0));
    } else if (channel == "v4_markets") {
      for (const auto& po : pending_oracles) {
        SymbolEntry* sym = symbols.resolve_known(po.market, stats.unknown_symbol);
        if (sym == nullptr) continue;
        if (sym->oracle < 0) {
          oracles.push_back(OracleSlot{sym->instrument->id, {}});
          sym->oracle = static_cast<int>(oracles.size() - 1);
        }
        oracles[static_cast<std::size_t>(sym->oracle)].price =
            OraclePrice{po.price, po.effective_at, receive_time};
        ++stats.oracle_prices;
        ++r.oracle_prices;
      }
    }
    return true;
  }

  Result<DecodeResult> decode(std::string_view frame, Timestamp rt, MarketEventSink& sink) {
    if (!admit(frame, config.max_frame_bytes, stats))
      return codec::oversized_frame("dydx", config.max_frame_bytes, frame);
    levels.clear();
    pending_oracles.clear();
    begin_frame(rt);
    changes.clear();
    written_count = 0;
    from_written = false;
    book_events_at = kNoBookEvents;
    snapshot_from = nullptr;
    stage.clear();
    DecodeResult r;
    seen_message_id.reset();
    seen_book = -1;
    if (fast_update(frame, r)) {
      ++stats.raw_frames;
      return deliver_frame(sink, r);
    }
    if (fast_book(frame, r)) {
      ++stats.raw_frames;
      return deliver_frame(sink, r);
    }
    levels.clear();
    stage.clear();
    if (!parse_frame(frame, r)) {
      ++stats.malformed;
      pending.clear();
      // The frame still took its place in the sequence: no false gap on the next one. A book
      // update that could not be applied leaves its book behind: resync that book only (its
      // RESYNCING status is delivered even though the frame is refused).
      if (seen_message_id) {
        if (last_message_id && *seen_message_id != *last_message_id + 1) on_gap(r);
        last_message_id = *seen_message_id;
      }
      if (seen_book >= 0) {
        BookSlot& slot = books[static_cast<std::size_t>(seen_book)];
        if (slot.book.synced()) mark_resync(slot, r);
      }
      return refuse("dydx", frame, sink, stats);
    }
    return deliver_frame(sink, r);
  }

  // A good frame: pending[0, book_events_at), the book's events, the rest of pending, to the
  // sink; counted in r.events and stats.events.
  DecodeResult deliver_frame(MarketEventSink& sink, DecodeResult& r) {
    if (book_events_at == kNoBookEvents) return deliver(sink, stats, r);
    for (std::size_t i = 0; i < book_events_at; ++i) sink.on_event(pending[i]);
    std::size_t book_events = 0;
    // The frame's template itself (apply_book sets it anew for the next frame).
    MarketEvent& e = change_tmpl;
    BookChange& body = *std::get_if<BookChange>(&e.body);
    if (snapshot_from != nullptr) {
      // The staged snapshot, read back: the first change resets, the last completes it.
      book_events = codec::emit_staged_snapshot(sink, snapshot_from->book, snapshot_first, e);
    } else {
      const std::span<const BookChange> list =
          from_written ? std::span<const BookChange>(written.data(), written_count)
                       : std::span<const BookChange>(changes);
      for (const BookChange& c : list) {
        body = c;
        sink.on_event(e);
      }
      book_events = list.size();
    }
    for (std::size_t i = book_events_at; i < pending.size(); ++i) sink.on_event(pending[i]);
    const std::size_t emitted = pending.size() + book_events;
    r.events = static_cast<std::uint32_t>(emitted);
    stats.events += emitted;
    return r;
  }

  // A new connection: books await their snapshot, the message_id count restarts.
  void on_reconnect() noexcept {
    BookCodecState::on_reconnect();
    last_message_id.reset();
  }

  Result<std::string> sub_message(std::string_view verb, Channel channel, InstrumentId id) const {
    std::string out = "{\"type\":\"";
    out += verb;
    out += "\",\"channel\":\"";
    out += to_string(channel);
    out += '"';
    if (channel != Channel::markets) {
      auto inst = venue_instrument(id);
      if (!inst.ok()) return std::move(inst).error();
      out += ",\"id\":";
      codec::append_json_string(out, codec::wire_symbol(**inst));
    }
    if (verb == "subscribe") out += config.batched ? ",\"batched\":true" : ",\"batched\":false";
    out += '}';
    return out;
  }
};

std::optional<OraclePrice> DydxCodec::oracle_price(InstrumentId id) const noexcept {
  for (const auto& o : impl_->oracles) {
    if (o.id == id) return o.price;
  }
  return std::nullopt;
}

}  // namespace nzeza::venues::dydx

namespace nzeza::venues::codec {
template class BookCodec<dydx::DydxCodec, dydx::DydxCodecImpl, dydx::DydxCodecConfig,
                         dydx::DydxCodecStats, dydx::DecodeResult, dydx::Channel>;
}  // namespace nzeza::venues::codec

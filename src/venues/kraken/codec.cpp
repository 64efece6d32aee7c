#include "venues/kraken/codec.hpp"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/enum_names.hpp"
#include "venues/codec_support/book_codec_state.hpp"
#include "venues/codec_support/codec_support.hpp"
#include "venues/codec_support/level_reader.hpp"
#include "venues/codec_support/raw_levels.hpp"
#include "venues/codec_support/trade_reader.hpp"
#include "venues/kraken/checksum.hpp"

namespace nzeza::venues::kraken {
namespace {

namespace od = simdjson::ondemand;
namespace raw = codec::raw;

static_assert(kFramePadding >= simdjson::SIMDJSON_PADDING, "frames need simdjson's padding");

constexpr std::size_t kMaxCachedSymbols = 256;

// trade data: [{"symbol":"BTC/USD","side":"buy","price":..,"qty":..,"trade_id":..,
// "timestamp":RFC 3339}, ...]; side: the taker's.
constexpr codec::TradeKeys kTradeKeys =
    codec::trade_keys<"trade.data", "symbol", "side", "price", "qty", "trade_id", "timestamp">(
        "buy", "sell", "side must be buy or sell", codec::TimeForm::rfc3339);

using codec::number_text;

// raw::read_uint (1..19 digits, no leading zero, a delimiter after) for a frame's checksum (up
// to 10 digits): a SWAR read of 8 bytes and the 9th and 10th digits (or a second SWAR read)
// instead of a loop a digit; the byte loop for a text of 16 digits and more or near the text's
// end. Same result, same cursor, on every text.
bool read_checksum(raw::Cursor& c, std::uint64_t& out) noexcept {
  static constexpr std::uint64_t kPow[8] = {1,      10,      100,       1'000,
                                            10'000, 100'000, 1'000'000, 10'000'000};
  c.skip_space();
  const char* const s = c.p;
  if (c.end - s < 16) return raw::read_uint(c, out);
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  int n = codec::leading_digits8(s, high);
  if (n == 8) {
    // Kraken's checksums have 9 or 10 digits: up to two more read one by one; three and more
    // by a second SWAR read.
    const auto d8 = static_cast<unsigned>(s[8] - '0');
    const auto d9 = static_cast<unsigned>(s[9] - '0');
    const auto d10 = static_cast<unsigned>(s[10] - '0');
    if (d8 >= 10) {
    } else if (d9 >= 10) {
      high = high * 10 + d8;
      n = 9;
    } else if (d10 >= 10) {
      high = high * 100 + d8 * 10 + d9;
      n = 10;
    } else {
      const int m = codec::leading_digits8(s + 8, low);
      if (m == 8) return raw::read_uint(c, out);
      high = high * kPow[m] + low;
      n += m;
    }
  }
  if (n == 0 || (n > 1 && *s == '0')) return false;
  c.p = s + n;
  if (!raw::at_delimiter(c)) return false;
  out = high;
  return true;
}

// The per-entry readers of the raw scan, their usual case inline (GCC kept raw::read_string
// and raw::next_member out of line: a call each, six a frame). Same results, same cursor.

// raw::read_string: a string right at the cursor (Kraken writes no whitespace) read inline;
// anything else through read_string.
[[nodiscard, gnu::always_inline]] inline bool read_string_at(raw::Cursor& c,
                                                             std::string_view& out) noexcept {
  if (c.p == c.end || *c.p != '"') return raw::read_string(c, out);
  const char* after = raw::detail::compact_string(c.p, c.end);
  if (after == nullptr) return false;
  out = std::string_view(c.p + 1, static_cast<std::size_t>(after - c.p - 2));
  c.p = after;
  return true;
}

// Cursor::eat, the byte right at the cursor compared inline.
[[nodiscard, gnu::always_inline]] inline bool eat_at(raw::Cursor& c, char ch) noexcept {
  if (c.p != c.end && *c.p == ch) {
    ++c.p;
    return true;
  }
  return c.eat(ch);
}

// raw::next_member, its compact literal compared inline.
[[nodiscard, gnu::always_inline]] inline bool member_at(raw::Cursor& c, const raw::Literal& compact,
                                                        char separator,
                                                        const codec::RawKey& name) noexcept {
  if (compact.at(c.p, c.end)) {
    c.p += compact.size;
    return true;
  }
  return raw::next_member(c, compact, separator, name);
}

// memcmp(p, head, N - 1) == 0 for a head known at compile time (N - 1 >= 8 bytes, all of them
// before the text's end): 16-byte SSE2 compares (8-byte words against immediates without SSE2
// or below 16 bytes), the last one overlapping, one branch. GCC called libc's memcmp for the
// 42- and 44-byte frame heads.
template <std::size_t N>
[[nodiscard, gnu::always_inline]] inline bool head_is(const char* p,
                                                      const char (&head)[N]) noexcept {
  constexpr std::size_t n = N - 1;
  static_assert(n >= 8);
#if defined(__SSE2__)
  if constexpr (n >= 16) {
    // 16 bytes a compare (the last one overlapping): three for a frame head, not six words.
    const auto block = [&](std::size_t i) __attribute__((always_inline)) {
      return _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)),
                            _mm_loadu_si128(reinterpret_cast<const __m128i*>(head + i)));
    };
    __m128i eq = block(0);
    for (std::size_t i = 16; i + 16 <= n; i += 16) eq = _mm_and_si128(eq, block(i));
    if (n % 16 != 0) eq = _mm_and_si128(eq, block(n - 16));
    return _mm_movemask_epi8(eq) == 0xFFFF;
  }
#endif
  std::uint64_t diff = 0;
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::memcpy(&a, p + i, 8);
    std::memcpy(&b, head + i, 8);
    diff |= a ^ b;
  }
  if (n % 8 != 0) {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::memcpy(&a, p + n - 8, 8);
    std::memcpy(&b, head + n - 8, 8);
    diff |= a ^ b;
  }
  return diff == 0;
}

// A level's two bare numbers as the compact bare form writes them, `<price>,"qty":<qty>}` at
// a (after `{"price":`), found from masks of 64 bytes instead of number after number: one pass
// of SSE2 compares gives the digit and point bytes, and each number's end is the first byte
// that is neither (a tzcnt on a register, not a load whose address waited on the last number's
// end). Accepts only what raw::detail::short_bare_digits accepts there (1..7 integer digits, no
// leading zero before another digit, an optional point with 1..8 digits after it) with
// `,"qty":` between and '}' after, the whole level before `end`: the digits and texts it gives
// are short_bare_digits'. nullptr for anything else (the caller then reads the level number by
// number). Reads 48 bytes at a (a frame's padding covers them).
[[nodiscard, gnu::always_inline]] inline const char* bare_level_by_masks(
    const char* a, const char* end, raw::detail::BareDigits& px, int& px_decimals,
    std::string_view& px_text, raw::detail::BareDigits& qty, int& qty_decimals,
    std::string_view& qty_text) noexcept {
#if defined(__SSE2__)
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  // 48 bytes cover every level accepted here (at most 16 + 7 + 16 bytes, then '}'): a number
  // reaching past them is longer than 16 bytes, refused by `number` whatever the bytes after
  // (the masks' bits from 48 up are 0: those bytes count as neither digit nor point). Three
  // blocks written out (GCC kept a loop over four: a variable shift and a branch a block).
  const auto block = [a](int i, std::uint64_t& digit_bits, std::uint64_t& point_bits)
      __attribute__((always_inline)) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + 16 * i));
    const __m128i x = _mm_sub_epi8(v, _mm_set1_epi8('0'));
    const __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(9)), x);
    const __m128i point = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
    digit_bits = static_cast<unsigned>(_mm_movemask_epi8(digit));
    point_bits = static_cast<unsigned>(_mm_movemask_epi8(point));
  };
  std::uint64_t d0 = 0;
  std::uint64_t d1 = 0;
  std::uint64_t d2 = 0;
  std::uint64_t p0 = 0;
  std::uint64_t p1 = 0;
  std::uint64_t p2 = 0;
  block(0, d0, p0);
  block(1, d1, p1);
  block(2, d2, p2);
  const std::uint64_t digits = d0 | (d1 << 16) | (d2 << 32);
  const std::uint64_t points = p0 | (p1 << 16) | (p2 << 32);
  const std::uint64_t other = ~(digits | points);
  // One number over bytes [s, e): its digit groups as short_bare_digits leaves them.
  const auto number = [&](unsigned s, unsigned e, raw::detail::BareDigits& d, int& decimals,
                          std::string_view& text) __attribute__((always_inline)) {
    const std::uint64_t in = (~std::uint64_t{0} >> (64 - (e - s))) << s;  // 1 <= e - s <= 63
    const std::uint64_t point = points & in;
    unsigned n = e - s;
    unsigned frac = 0;
    if (point != 0) {
      if ((point & (point - 1)) != 0) return false;
      const auto at = static_cast<unsigned>(std::countr_zero(point));
      n = at - s;
      frac = e - at - 1;
      if (frac == 0 || frac > 8) return false;
    }
    if (n == 0 || n > 7 || (n > 1 && a[s] == '0')) return false;
    std::uint64_t w = 0;
    std::memcpy(&w, a + s, 8);
    d.integer = (w ^ (kOnes * '0')) << (64 - 8 * n);
    d.fraction = 0;
    if (frac != 0) {
      std::uint64_t f = 0;
      std::memcpy(&f, a + s + n + 1, 8);
      d.fraction = (f ^ (kOnes * '0')) & (~std::uint64_t{0} >> (64 - 8 * frac));
    }
    decimals = static_cast<int>(frac);
    text = std::string_view(a + s, e - s);
    return true;
  };
  constexpr raw::Literal kQtyMember = raw::literal_of(",\"", codec::RawKey{"qty"}, "\":");
  if (other == 0) return nullptr;
  const auto px_end = static_cast<unsigned>(std::countr_zero(other));
  const unsigned qty_start = px_end + static_cast<unsigned>(kQtyMember.size);
  if (px_end == 0 || qty_start >= 64) return nullptr;
  const std::uint64_t after_qty = other >> qty_start;
  if (after_qty == 0) return nullptr;
  const unsigned qty_end = qty_start + static_cast<unsigned>(std::countr_zero(after_qty));
  if (qty_end == qty_start || end - a <= static_cast<std::ptrdiff_t>(qty_end) ||
      a[qty_end] != '}' || !kQtyMember.at(a + px_end, end) ||
      !number(0, px_end, px, px_decimals, px_text) ||
      !number(qty_start, qty_end, qty, qty_decimals, qty_text))
    return nullptr;
  return a + qty_end + 1;
#else
  (void)a, (void)end, (void)px, (void)px_decimals, (void)px_text, (void)qty, (void)qty_decimals,
      (void)qty_text;
  return nullptr;
#endif
}

// A book change event with every field at its default: each update level's event starts as a
// copy of it (read from memory no one writes) and gets its fields.
MarketEvent blank_book_event() noexcept {
  MarketEvent e;
  e.body.emplace<BookChange>();
  return e;
}
const MarketEvent kBlankBookEvent = blank_book_event();

TradingStatus trading_status_of(std::string_view system) noexcept {
  if (system == "online") return TradingStatus::trading;
  // post_only: only resting orders accepted; our orders may take liquidity, so treat it like
  // cancel_only (conservative).
  if (system == "cancel_only" || system == "post_only") return TradingStatus::cancel_only;
  return TradingStatus::halted;  // maintenance and anything unknown
}

}  // namespace

constexpr EnumNames kChannelNames{Channel::book, {"ticker", "trade", "book"}};

std::string_view to_string(Channel c) noexcept {
  return kChannelNames.name(c);
}

Status KrakenCodecConfig::validate() const {
  if (book_depth != 10 && book_depth != 25 && book_depth != 100 && book_depth != 500 &&
      book_depth != 1000) {
    return fail(ErrorCode::invalid_argument,
                "kraken codec: book_depth must be 10, 25, 100, 500 or 1000, got " +
                    std::to_string(book_depth));
  }
  return codec::check_max_frame_bytes("kraken", max_frame_bytes);
}

// A book and the decimals its checksum text is written with, learnt from the wire.
struct KrakenBookSlot : codec::BookSlot {
  int price_decimals = -1;
  int qty_decimals = -1;
  ChecksumCache checksum_cache{};  // the top levels' text, for the checksum after an update
  // checksum_cache's last call saw the book as it is now, but for the sides of the update
  // applied since (false after a snapshot or a frame that left the book wrong).
  bool cache_current = false;
};

struct KrakenCodecImpl
    : codec::BookCodecState<KrakenCodecConfig, KrakenCodecStats, KrakenBookSlot> {
  // A level read from the wire, with its two wire tokens (the pointers and lengths fill what
  // would be padding: 64 bytes either way). The checksum cache reads an update entry's levels
  // in place as its WireLevels (no copy a level into another array).
  using PendingLevel = WireLevel;
  // Only the first kTokenSlots levels of a frame offer their tokens to the checksum cache.
  static constexpr std::uint32_t kTokenSlots = 64;
  struct BookEntry {
    std::string_view symbol;
    std::uint32_t first = 0;  // levels[first, end)
    std::uint32_t end = 0;
    std::uint32_t checksum = 0;
    Timestamp venue_time;
    bool raw_text = false;  // checksum_text holds this entry's checksum text (see scan_entry)
    bool tokens = false;    // the raw scan kept its levels' tokens (in the levels)
  };
  // Kraken's checksum text of a snapshot's top levels, built from the wire tokens while
  // scanning: asks then bids, each price then qty (room for 10 levels of 2 tokens of at most
  // 18 digits, plus the 16 bytes append_checksum_digits may write past its end).
  static constexpr std::size_t kTextBytes = kChecksumDepth * 2 * 18 + 16;
  struct ChecksumText {
    char asks[kTextBytes];
    char bids[kTextBytes];
    std::size_t ask_size = 0;
    std::size_t bid_size = 0;
  };

  KrakenCodecImpl(const InstrumentRegistry& r, const KrakenCodecConfig& c)
      : BookCodecState(Venue::kraken, r, c, kMaxCachedSymbols, 32) {
    levels.reserve(2 * config.book_depth + 16);
    entries.reserve(8);
    pending.reserve(2 * config.book_depth + 16);
  }

  // A frame's levels: a vector's interface for what the codec uses of it, with the append
  // inline (GCC kept std::vector<WireLevel>::emplace_back out of line: a call a level). The
  // slots are made once (and grown, rarely, out of line) and reused; next() hands the next
  // slot without resetting it (its caller writes every field).
  class LevelBuffer {
   public:
    void reserve(std::size_t n) {
      if (n > slots_.size()) slots_.resize(n);
    }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] const PendingLevel* data() const noexcept { return slots_.data(); }
    [[nodiscard]] const PendingLevel* begin() const noexcept { return slots_.data(); }
    [[nodiscard]] const PendingLevel* end() const noexcept { return slots_.data() + size_; }
    [[nodiscard]] PendingLevel& operator[](std::size_t i) noexcept { return slots_[i]; }
    [[nodiscard]] const PendingLevel& operator[](std::size_t i) const noexcept { return slots_[i]; }
    void clear() noexcept { size_ = 0; }
    // Only ever shrinks here (a side's levels dropped); a larger n gives default levels.
    void resize(std::size_t n) {
      if (n > slots_.size()) grow(n);
      for (std::size_t i = size_; i < n; ++i) slots_[i] = PendingLevel{};
      size_ = n;
    }
    [[gnu::always_inline]] PendingLevel& next() {
      if (size_ == slots_.size()) [[unlikely]]
        grow(size_ + 1);
      return slots_[size_++];
    }
    void push_back(const PendingLevel& level) { next() = level; }

   private:
    [[gnu::noinline]] void grow(std::size_t n) { slots_.resize(std::max(n, 2 * slots_.size())); }
    std::vector<PendingLevel> slots_;
    std::size_t size_ = 0;
  };

  // Per-frame scratch, reused.
  LevelBuffer levels;
  std::vector<BookEntry> entries;
  std::string_view failing_book_symbol;  // a book frame's symbol, to resync it when malformed
  ChecksumText checksum_text;            // of the frame's first entry, when raw_text
  MarketEvent book_template;             // the event each level of a book entry copies
  // frame_time's last minute: its text and its time at :00.
  char minute_text[16] = {};
  std::int64_t minute_ns = 0;
  bool minute_known = false;

  bool parse_decimal(od::value& v, Decimal& out, const char* where, int* decimals = nullptr) {
    // One pass over the raw token for the plain form Kraken sends; the general route (and the
    // separate count of wire decimals) only for anything else.
    int plain_decimals = 0;
    if (codec::plain_decimal_token(v.raw_json_token(), out, plain_decimals)) {
      if (decimals != nullptr) *decimals = plain_decimals;
      return true;
    }
    const std::string_view text = number_text(v);
    auto parsed = Decimal::parse(text);
    if (!parsed.ok()) return fail("not an exact decimal number", where);
    out = *parsed;
    if (decimals != nullptr) {
      const int d = wire_decimals(text);
      *decimals = d >= 0 ? d : out.decimal_places();
    }
    return true;
  }

  // ---- book -------------------------------------------------------------------------------

  bool parse_levels(od::value& v, Side side, const char* where) {
    od::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) return fail("not an array", where);
    for (auto item : arr) {
      od::object level;
      if (item.get_object().get(level) != simdjson::SUCCESS)
        return fail("level is not an object", where);
      // Kraken sends {"price":...,"qty":...} in that order with plain numbers.
      static constexpr codec::LevelKeys kKeys = codec::level_keys<"price", "qty">();
      codec::LevelRead lr;
      if (!codec::read_level(*this, level, kKeys, lr, where)) return false;
      levels.push_back(PendingLevel{.side = side,
                                    .price = lr.price,
                                    .qty = lr.size,
                                    .price_decimals = lr.price_decimals,
                                    .qty_decimals = lr.size_decimals});
    }
    return true;
  }

  bool parse_book_data(od::value& data) {
    return for_each_object(data, "book.data", "book.data[]", [&](od::object& obj) {
      BookEntry entry;
      entry.first = static_cast<std::uint32_t>(levels.size());
      bool has_checksum = false;
      if (!for_each_member(obj, "book.data[]", [&](od::raw_json_string key, od::value& val) {
            if (key == "symbol") {
              if (!parse_string(val, entry.symbol, "book.data[].symbol")) return false;
              failing_book_symbol = entry.symbol;
            } else if (key == "bids") {
              if (!parse_levels(val, Side::buy, "book.data[].bids")) return false;
            } else if (key == "asks") {
              if (!parse_levels(val, Side::sell, "book.data[].asks")) return false;
            } else if (key == "checksum") {
              std::uint64_t c = 0;
              if (val.get_uint64().get(c) != simdjson::SUCCESS || c > 0xFFFFFFFFull)
                return fail("not a 32-bit unsigned integer", "book.data[].checksum");
              entry.checksum = static_cast<std::uint32_t>(c);
              has_checksum = true;
            } else if (key == "timestamp") {
              if (!parse_time(val, entry.venue_time, "book.data[].timestamp")) return false;
            }
            return true;
          }))
        return false;
      if (entry.symbol.empty()) return fail("entry without symbol", "book.data[]");
      if (!has_checksum) return fail("entry without checksum", "book.data[]");
      entry.end = static_cast<std::uint32_t>(levels.size());
      entries.push_back(entry);
      return true;
    });
  }

  // ---- book frames, fast path ---------------------------------------------------------------

  // Reads a book frame written exactly as Kraken writes it ({"channel":"book","type":...,
  // "data":[{"symbol","bids","asks","checksum","timestamp"}...]}, levels {"price":n,"qty":n}
  // with plain numbers) into `levels` and `entries` in one pass over the bytes, without
  // simdjson. False on any other form, before anything is applied: the caller clears the
  // scratch and the general path decodes the frame (and owns every error).
  bool scan_book_frame(std::string_view frame, bool& snapshot) {
    static constexpr codec::RawKey kChannel{"channel"};
    static constexpr codec::RawKey kType{"type"};
    static constexpr codec::RawKey kData{"data"};
    static constexpr codec::RawKey kBook{"book"};
    static constexpr codec::RawKey kSnapshot{"snapshot"};
    static constexpr codec::RawKey kUpdate{"update"};
    // The head as Kraken writes it, compared at once (8-byte compares of constants); any other
    // spelling (whitespace) through the member-by-member reader below.
    static constexpr char kUpdateHead[] = R"({"channel":"book","type":"update","data":[)";
    static constexpr char kSnapshotHead[] = R"({"channel":"book","type":"snapshot","data":[)";
    raw::Cursor c(frame);
    // The update head first: updates are nearly all of a book's frames.
    if (frame.size() >= sizeof kUpdateHead - 1 && head_is(frame.data(), kUpdateHead)) {
      snapshot = false;
      c.p += sizeof kUpdateHead - 1;
    } else if (frame.size() >= sizeof kSnapshotHead - 1 && head_is(frame.data(), kSnapshotHead)) {
      snapshot = true;
      c.p += sizeof kSnapshotHead - 1;
    } else {
      std::string_view text;
      if (!c.eat('{') || !raw::read_key_named(c, kChannel) || !raw::read_string(c, text) ||
          !raw::key_is(text, kBook))
        return false;
      if (!c.eat(',') || !raw::read_key_named(c, kType) || !raw::read_string(c, text)) return false;
      snapshot = raw::key_is(text, kSnapshot);
      if (!snapshot && !raw::key_is(text, kUpdate)) return false;
      if (!c.eat(',') || !raw::read_key_named(c, kData) || !c.eat('[')) return false;
    }
    for (;;) {
      if (!scan_entry(c, snapshot && entries.empty())) return false;
      // The frame's end as Kraken writes it (`]}` and nothing after), else with any whitespace.
      if (c.end - c.p == 2 && c.p[0] == ']' && c.p[1] == '}') return true;
      if (!eat_at(c, ',')) break;
    }
    return c.eat(']') && c.eat('}') && c.at_end();
  }

  // A Kraken timestamp ("2024-03-01T10:00:00.123456Z"): Timestamp::parse_iso8601's value. The
  // minute ("2024-03-01T10:00") changes once a minute, so the time of the last one parsed is
  // kept; a text of the same minute, written `:SS.f..fZ` after it (1..9 fractional digits),
  // adds its seconds to it. Anything else is parsed in full.
  bool frame_time(std::string_view text, Timestamp& out) noexcept {
    constexpr std::size_t kMinute = 16;  // "YYYY-MM-DDTHH:MM"
    if (text.size() >= kMinute + 6 && text.size() <= kMinute + 14 && minute_known &&
        std::memcmp(text.data(), minute_text, kMinute) == 0) {
      const char* t = text.data() + kMinute;
      const auto digit = [](char ch) { return static_cast<unsigned>(ch - '0'); };
      const unsigned s0 = digit(t[1]);
      const unsigned s1 = digit(t[2]);
      const std::size_t frac_digits = text.size() - kMinute - 5;  // ":SS." and "Z"
      // The fraction by one SWAR read of 8 bytes (the text is in a padded frame), its ninth
      // digit after it; the 'Z' at its end stops the digits.
      std::uint64_t frac8 = 0;
      const int n = codec::leading_digits8(t + 4, frac8);
      const unsigned ninth = digit(t[12]);
      bool ok = t[0] == ':' && s0 < 10 && s1 < 10 && t[3] == '.' && text.back() == 'Z' &&
                (static_cast<std::size_t>(n) == frac_digits ||
                 (frac_digits == 9 && n == 8 && ninth < 10));
      const std::int64_t frac =
          static_cast<std::int64_t>(frac_digits == 9 ? frac8 * 10 + ninth : frac8);
      const std::int64_t seconds = s0 * 10 + s1;
      if (ok && seconds <= 60) {
        static constexpr std::int64_t kScale[] = {
            1, 100'000'000, 10'000'000, 1'000'000, 100'000, 10'000, 1'000, 100, 10, 1};
        out = Timestamp::from_ns(minute_ns + seconds * 1'000'000'000 + frac * kScale[frac_digits]);
        return true;
      }
    }
    auto t = Timestamp::parse_iso8601(text);
    if (!t.ok()) return false;
    out = *t;
    // Keep the minute of a text in the form above (years 2000..2199: far from the ends of the
    // nanosecond range, so its seconds never overflow it).
    minute_known = false;
    if (text.size() >= kMinute + 6 && text.size() <= kMinute + 14 && text[kMinute] == ':' &&
        text[kMinute + 3] == '.' && text.back() == 'Z' && text[10] == 'T' && text[0] == '2' &&
        text[1] <= '1') {
      const std::int64_t seconds = (text[kMinute + 1] - '0') * 10 + (text[kMinute + 2] - '0');
      std::int64_t frac = 0;
      const std::size_t frac_digits = text.size() - kMinute - 5;
      for (std::size_t k = 0; k < 9; ++k)
        frac = frac * 10 + (k < frac_digits ? text[kMinute + 4 + k] - '0' : 0);
      minute_ns = out.ns() - seconds * 1'000'000'000 - frac;
      std::memcpy(minute_text, text.data(), kMinute);
      minute_known = true;
    }
    return true;
  }

  // The timestamp string at the cursor, `"YYYY-MM-DDTHH:MM:SS.f..fZ"` (1..9 fractional digits)
  // of frame_time's kept minute, and the entry's closing `}` right after it, read in place: the
  // minute by two 8-byte compares, the fraction by one SWAR read, then `"}`. The cursor goes
  // past the `}`. Same value as read_string_at, eat_at('}') then frame_time (the string holds
  // no quote, escape or control byte: its bytes are the minute's, digits, ':', '.' and 'Z');
  // anything else through them, in that order.
  [[gnu::always_inline]] bool timestamp_entry_end_at(raw::Cursor& c, Timestamp& out) noexcept {
    constexpr std::size_t kMinute = 16;  // "YYYY-MM-DDTHH:MM"
    const char* const q = c.p;
    // `"`, the minute, `:SS.`, one digit, `Z"}`: 25 bytes at least (the frame's padding covers
    // the reads past its end: the closing `}`'s place is checked against it below).
    if (minute_known && c.end - q >= 25 && *q == '"') {
      std::uint64_t a0 = 0;
      std::uint64_t a1 = 0;
      std::uint64_t b0 = 0;
      std::uint64_t b1 = 0;
      std::memcpy(&a0, q + 1, 8);
      std::memcpy(&a1, q + 9, 8);
      std::memcpy(&b0, minute_text, 8);
      std::memcpy(&b1, minute_text + 8, 8);
      const char* const t = q + 1 + kMinute;
      const auto s0 = static_cast<unsigned>(t[1] - '0');
      const auto s1 = static_cast<unsigned>(t[2] - '0');
      std::uint64_t frac8 = 0;
      const int n = codec::leading_digits8(t + 4, frac8);
      const auto ninth = static_cast<unsigned>(t[12] - '0');
      const std::size_t frac_digits = n == 8 && ninth < 10 ? 9 : static_cast<std::size_t>(n);
      const char* const z = t + 4 + frac_digits;  // 'Z', the closing quote, '}'
      const std::int64_t seconds = s0 * 10 + s1;
      if (((a0 ^ b0) | (a1 ^ b1)) == 0 && t[0] == ':' && s0 < 10 && s1 < 10 && t[3] == '.' &&
          n != 0 && c.end - z >= 3 && z[0] == 'Z' && z[1] == '"' && z[2] == '}' && seconds <= 60) {
        static constexpr std::int64_t kScale[] = {
            1, 100'000'000, 10'000'000, 1'000'000, 100'000, 10'000, 1'000, 100, 10, 1};
        const std::int64_t frac =
            static_cast<std::int64_t>(frac_digits == 9 ? frac8 * 10 + ninth : frac8);
        out = Timestamp::from_ns(minute_ns + seconds * 1'000'000'000 + frac * kScale[frac_digits]);
        c.p = z + 3;
        return true;
      }
    }
    std::string_view time;
    return read_string_at(c, time) && eat_at(c, '}') && frame_time(time, out);
  }

  // A book level as Kraken writes it: {"price":n,"qty":n}.
  static constexpr raw::LevelNames kBookLevel{
      .price = "price", .size = "qty", .form = raw::LevelForm::object, .bare = true};

  // The state of an entry's side scans (see scan_entry): whether its checksum text is still
  // usable and the decimals learnt (over both sides), the side's first level, its text cursor
  // and previous price.
  struct SideScan {
    bool usable = false;
    Side side = Side::buy;
    int price_decimals = -1;
    int qty_decimals = -1;
    std::uint32_t side_first = 0;
    std::int64_t last_price8 = 0;  // the side's previous price, in 10^-8 units
    char* text = nullptr;
    char* w = nullptr;
    std::size_t text_size = 0;
  };

  // One level of a side, from its two numbers' raw8, decimals and wire text. Inlined into both
  // readers of a side so the level stays in registers (a RawLevel or PendingLevel built on the
  // stack and copied cost store-forwarding stalls on every level).
  [[gnu::always_inline]] void add_level(SideScan& s, std::int64_t px8, int px_decimals,
                                        std::string_view px_text, std::int64_t qty8,
                                        int qty_decimals_seen, std::string_view qty_text) {
    if (s.usable) {
      const std::uint32_t index = static_cast<std::uint32_t>(levels.size()) - s.side_first;
      if (s.price_decimals < 0) s.price_decimals = px_decimals;
      if (s.qty_decimals < 0) s.qty_decimals = qty_decimals_seen;
      s.usable = px_decimals == s.price_decimals && qty_decimals_seen == s.qty_decimals &&
                 qty8 != 0 &&
                 (index == 0 || (s.side == Side::buy ? px8 < s.last_price8 : px8 > s.last_price8));
      s.last_price8 = px8;
      if (s.usable && index < kChecksumDepth) {
        s.w = plain_checksum_digits(px_text, px_decimals, s.w);
        s.w = plain_checksum_digits(qty_text, qty_decimals_seen, s.w);
      }
    }
    PendingLevel& pl = levels.next();  // every field written below
    pl.side = s.side;
    pl.price_size = WireLevel::token_size(px_text);
    pl.qty_size = WireLevel::token_size(qty_text);
    pl.price_token = px_text.data();
    pl.price = Decimal::from_raw8(px8);
    pl.qty = Decimal::from_raw8(qty8);
    pl.price_decimals = px_decimals;
    pl.qty_decimals = qty_decimals_seen;
    pl.qty_token = qty_text.data();
    if (s.usable) s.text_size = static_cast<std::size_t>(s.w - s.text);
  }

  // A side in any form raw::scan_levels reads (the general reader), out of line: the compact
  // loop of scan_entry gave up on it.
  [[gnu::noinline]] bool scan_side_general(raw::Cursor& c, SideScan& s) {
    return raw::scan_levels(
        c, kBookLevel, [&](const raw::RawLevel& level) __attribute__((always_inline)) {
          add_level(s, level.price.raw8, level.price.decimals, level.price.text, level.size.raw8,
                    level.size.decimals, level.size.text);
          return true;
        });
  }

  // One entry of a book frame. With `raw_text` (a snapshot's first entry) the checksum text is
  // built from the wire tokens, and kept when it is what book_checksum would print: each side
  // strictly sorted best first (so its first levels are the book's top), no size-0 level, and
  // one count of decimals for every price and one for every qty of the entry (the precision
  // the slot learns from the entry).
  [[gnu::always_inline]] bool scan_entry(raw::Cursor& c, bool raw_text) {
    static constexpr codec::RawKey kSymbol{"symbol"};
    static constexpr codec::RawKey kBids{"bids"};
    static constexpr codec::RawKey kAsks{"asks"};
    static constexpr codec::RawKey kChecksum{"checksum"};
    static constexpr codec::RawKey kTimestamp{"timestamp"};
    // Each member as Kraken writes it (one compare of constants), else with any whitespace.
    static constexpr raw::Literal kSymbolHead = raw::literal_of("{\"", kSymbol, "\":");
    static constexpr raw::Literal kBidsMember = raw::literal_of(",\"", kBids, "\":");
    static constexpr raw::Literal kAsksMember = raw::literal_of(",\"", kAsks, "\":");
    static constexpr raw::Literal kChecksumMember = raw::literal_of(",\"", kChecksum, "\":");
    static constexpr raw::Literal kTimestampMember = raw::literal_of(",\"", kTimestamp, "\":");
    // Built in place (a local copied by push_back at the end was read back in 16-byte loads
    // of fields just stored in other widths: a store-forwarding stall a frame). On false the
    // caller drops the scratch, this entry with it.
    BookEntry& entry = entries.emplace_back();
    entry.first = static_cast<std::uint32_t>(levels.size());
    if (kSymbolHead.at(c.p, c.end)) {
      c.p += kSymbolHead.size;
    } else if (!c.eat('{') || !raw::read_key_named(c, kSymbol)) {
      return false;
    }
    if (!read_string_at(c, entry.symbol) || entry.symbol.empty()) return false;
    // The sides' state in registers: only its copy given to the general reader (out of line)
    // lives in memory.
    SideScan st;
    st.usable = raw_text;
    // Inlined into scan_entry (its two calls a frame cost a prologue and epilogue each).
    const auto scan_side = [&](Side side, char* text) __attribute__((always_inline)) {
      st.side = side;
      st.side_first = static_cast<std::uint32_t>(levels.size());
      st.text = text;
      st.w = text;
      st.last_price8 = 0;
      st.text_size = 0;  // an empty side has no text (not the previous frame's)
      // The side as Kraken writes it: `[]`, or levels `{"price":<bare>,"qty":<bare>}` joined by
      // commas (scan_levels' compact bare branch with nothing after the qty), read here without
      // a RawLevel (no 96-byte local zeroed and kept in memory, no Decimal value per number).
      // Anything else: the levels this loop took are dropped, the state is put back, and
      // scan_levels reads the side from its start (the same levels, the same refusals).
      const char* p = c.p;
      const char* const end = c.end;
      if (end - p >= 2 && p[0] == '[') {
        if (p[1] == ']') {
          c.p = p + 2;
          return true;
        }
        ++p;
        const bool usable_at_start = st.usable;
        const int price_decimals_at_start = st.price_decimals;
        const int qty_decimals_at_start = st.qty_decimals;
        for (;;) {
          if (!kBookLevel.bare_open.at(p, end)) break;
          const char* q = p + kBookLevel.bare_open.size;
          raw::detail::BareDigits px_digits;
          raw::detail::BareDigits qty_digits;
          int px_decimals = 0;
          int qty_decimals_seen = 0;
          std::string_view px_text;
          std::string_view qty_text;
          if (const char* after = bare_level_by_masks(q, end, px_digits, px_decimals, px_text,
                                                      qty_digits, qty_decimals_seen, qty_text)) {
            q = after;
          } else {
            raw::RawDecimal px;
            raw::RawDecimal qty;
            int n = raw::detail::short_bare_digits(q, end, px_digits, px);
            if (n == 0) break;
            q += n;
            if (!kBookLevel.bare_mid.at(q, end)) break;
            q += kBookLevel.bare_mid.size;
            n = raw::detail::short_bare_digits(q, end, qty_digits, qty);
            if (n == 0) break;
            q += n;
            if (q == end || *q != '}') break;
            ++q;
            px_decimals = px.decimals;
            px_text = px.text;
            qty_decimals_seen = qty.decimals;
            qty_text = qty.text;
          }
          std::int64_t px8 = 0;
          std::int64_t qty8 = 0;
          raw::detail::bare_pair_raw8(px_digits, qty_digits, px8, qty8);
          if (px8 <= 0) return false;  // scan_levels: a price <= 0 gives up
          add_level(st, px8, px_decimals, px_text, qty8, qty_decimals_seen, qty_text);
          if (q != end && *q == ',') {
            p = q + 1;
            continue;
          }
          if (q != end && *q == ']') {
            c.p = q + 1;
            return true;
          }
          break;
        }
        levels.resize(st.side_first);
        st.usable = usable_at_start;
        st.price_decimals = price_decimals_at_start;
        st.qty_decimals = qty_decimals_at_start;
        st.w = text;
        st.last_price8 = 0;
        st.text_size = 0;
      }
      SideScan copy = st;
      const bool ok = scan_side_general(c, copy);
      st = copy;
      return ok;
    };
    if (!member_at(c, kBidsMember, ',', kBids) || !scan_side(Side::buy, checksum_text.bids))
      return false;
    // Only a raw_text entry writes the frame's text (and its sizes).
    if (raw_text) checksum_text.bid_size = st.text_size;
    if (!member_at(c, kAsksMember, ',', kAsks) || !scan_side(Side::sell, checksum_text.asks))
      return false;
    if (raw_text) checksum_text.ask_size = st.text_size;
    std::uint64_t checksum = 0;
    if (!member_at(c, kChecksumMember, ',', kChecksum) || !read_checksum(c, checksum) ||
        checksum > 0xFFFFFFFFull)
      return false;
    if (!member_at(c, kTimestampMember, ',', kTimestamp) ||
        !timestamp_entry_end_at(c, entry.venue_time))
      return false;
    entry.checksum = static_cast<std::uint32_t>(checksum);
    entry.end = static_cast<std::uint32_t>(levels.size());
    entry.raw_text = st.usable;
    entry.tokens = !raw_text;
    return true;
  }

  // The levels of an update entry with their wire tokens (the first kMaxWire of those among
  // the frame's first kTokenSlots levels), for the checksum cache: the levels themselves.
  static constexpr std::uint32_t kMaxWire = 16;
  std::span<const WireLevel> wire_levels(const BookEntry& entry) const noexcept {
    if (!entry.tokens) return {};
    const std::uint32_t stop = std::min(entry.end, kTokenSlots);
    if (entry.first >= stop) return {};
    return {levels.data() + entry.first, std::min(stop - entry.first, kMaxWire)};
  }

  // The entry's checksum: from the wire text when the scan kept it, else printed from the book.
  // `touched`: the sides (ChecksumCache::kAsks, kBids) the entry's levels changed.
  std::uint32_t entry_checksum(const BookEntry& entry, BookSlot& slot, unsigned touched) noexcept {
    if (!entry.raw_text) {
      const unsigned sides =
          slot.cache_current ? touched : ChecksumCache::kAsks | ChecksumCache::kBids;
      slot.cache_current = true;
      return slot.checksum_cache.checksum(slot.book, slot.price_decimals, slot.qty_decimals,
                                          wire_levels(entry), sides);
    }
    Crc32 crc;
    crc.update(std::string_view(checksum_text.asks, checksum_text.ask_size));
    crc.update(std::string_view(checksum_text.bids, checksum_text.bid_size));
    return crc.value();
  }

  void learn_precision(int& learned, int seen) noexcept {
    if (learned >= 0 && learned != seen) ++stats.precision_changes;
    learned = seen;
  }

  // A snapshot entry's levels (n >= 1, sorted: validated by the reader) bulk-loaded into the
  // slot's book, one event each after `tmpl`'s (reset on the first, last on the last). The n
  // events are copies of the template made in one fill (no capacity check a level), the
  // learnt precision stays in registers until the end, and the book's snapshot is begun and
  // ended outside the loop.
  void apply_snapshot_levels(const BookEntry& entry, BookSlot& slot, const MarketEvent& tmpl) {
    const std::uint32_t n = entry.end - entry.first;
    const std::size_t first_event = pending.size();
    pending.insert(pending.end(), n, tmpl);
    MarketEvent* ev = pending.data() + first_event;
    int price_decimals = slot.price_decimals;
    int qty_decimals = slot.qty_decimals;
    slot.book.begin_snapshot();
    for (std::uint32_t i = entry.first; i < entry.end; ++i, ++ev) {
      const PendingLevel& pl = levels[i];
      learn_precision(price_decimals, pl.price_decimals);
      learn_precision(qty_decimals, pl.qty_decimals);
      BookChange& change = *std::get_if<BookChange>(&ev->body);
      change.side = pl.side;
      change.price = pl.price;
      change.size = pl.qty;
      (void)slot.book.load_level(change.side, change.price, change.size);
    }
    slot.price_decimals = price_decimals;
    slot.qty_decimals = qty_decimals;
    std::get_if<BookChange>(&pending[first_event].body)->reset = true;
    std::get_if<BookChange>(&pending.back().body)->last = true;
    slot.book.end_snapshot(0);
  }

  // An update entry's levels: each applied to the book from its PendingLevel (as
  // OrderBook::apply of the change would) and its event written field by field in `pending`
  // (a copy of a blank event that is never written, so no store is read back; no zeroed
  // temporary). False where apply() refuses (the
  // caller drops the entry's events); `touched` gets the sides changed.
  // The learnt precision stays in registers until the end (or the refusal).
  [[gnu::always_inline]] bool apply_update_levels(const BookEntry& entry, BookSlot& slot,
                                                  unsigned& touched) noexcept {
    const Instrument& inst = *slot.instrument;
    int price_decimals = slot.price_decimals;
    int qty_decimals = slot.qty_decimals;
    unsigned sides = 0;
    for (std::uint32_t i = entry.first; i < entry.end; ++i) {
      const PendingLevel& pl = levels[i];
      learn_precision(price_decimals, pl.price_decimals);
      learn_precision(qty_decimals, pl.qty_decimals);
      if (!slot.book.try_update(pl.side, pl.price, pl.qty)) [[unlikely]] {
        slot.price_decimals = price_decimals;
        slot.qty_decimals = qty_decimals;
        touched |= sides;
        return false;
      }
      sides |= pl.side == Side::sell ? ChecksumCache::kAsks : ChecksumCache::kBids;
      MarketEvent& e = pending.emplace_back(kBlankBookEvent);
      e.venue = venue;
      e.instrument = inst.id;
      e.symbol = inst.symbol;
      e.venue_time = entry.venue_time;
      e.receive_time = receive_time;
      BookChange& change = *std::get_if<BookChange>(&e.body);
      change.side = pl.side;
      change.price = pl.price;
      change.size = pl.qty;
    }
    slot.price_decimals = price_decimals;
    slot.qty_decimals = qty_decimals;
    touched |= sides;
    return true;
  }

  void apply_book_entries(bool snapshot, DecodeResult& r) {
    for (const BookEntry& entry : entries) {
      SymbolEntry* sym = symbols.resolve(entry.symbol);
      if (sym == nullptr || sym->instrument == nullptr) {
        ++stats.unknown_symbol;
        continue;
      }
      BookSlot* found = codec::book_for(books, *sym, *sym->instrument, snapshot, config.book_depth);
      if (found == nullptr) {
        ++stats.updates_while_unsynced;
        continue;
      }
      BookSlot& slot = *found;
      const std::size_t first_event = pending.size();
      bool ok = true;
      const std::uint32_t n = entry.end - entry.first;
      if (snapshot) slot.cache_current = false;  // the book reloaded: every side compared
      if (snapshot && n == 0) {
        slot.book.clear();  // an empty snapshot: nothing to trust until the next one
        continue;
      }
      unsigned touched = 0;
      if (snapshot) {
        // One event template per entry; the entry's events are copies of it made in one fill.
        MarketEvent& tmpl = book_template;
        tmpl = event_for(*slot.instrument, entry.venue_time);
        tmpl.body.emplace<BookChange>().snapshot = true;
        apply_snapshot_levels(entry, slot, tmpl);
      } else {
        ok = apply_update_levels(entry, slot, touched);
      }
      if (ok && slot.book.crossed()) {
        ++stats.crossed_books;
        ok = false;
      }
      if (ok && entry_checksum(entry, slot, touched) != entry.checksum) {
        ++stats.checksum_mismatches;
        ok = false;
      }
      if (!ok) {
        slot.cache_current = false;
        // The consumer never sees the changes of a frame that left the book wrong; it sees
        // that the book is resyncing.
        pending.resize(first_event);
        mark_resync(slot, r);
      }
    }
  }

  // ---- ticker / trade / status -------------------------------------------------------------

  // The four decimals of a ticker entry: its key, the Quote field it fills, where it failed.
  struct QuoteMember {
    const char* key;
    Decimal Quote::*field;
    const char* where;
  };
  static constexpr QuoteMember kQuoteMembers[] = {
      {"bid", &Quote::bid, "ticker.data[].bid"},
      {"bid_qty", &Quote::bid_size, "ticker.data[].bid_qty"},
      {"ask", &Quote::ask, "ticker.data[].ask"},
      {"ask_qty", &Quote::ask_size, "ticker.data[].ask_qty"}};

  bool parse_ticker_data(od::value& data) {
    return for_each_object(data, "ticker.data", "ticker.data[]", [&](od::object& obj) {
      std::string_view symbol;
      Quote q;
      Timestamp venue_time;
      unsigned seen = 0;  // bit i: kQuoteMembers[i] read
      if (!for_each_member(obj, "ticker.data[]", [&](od::raw_json_string key, od::value& val) {
            if (key == "symbol") return parse_string(val, symbol, "ticker.data[].symbol");
            if (key == "timestamp") return parse_time(val, venue_time, "ticker.data[].timestamp");
            for (unsigned i = 0; i < std::size(kQuoteMembers); ++i) {
              const QuoteMember& m = kQuoteMembers[i];
              if (key == m.key) {
                seen |= 1u << i;
                return parse_decimal(val, q.*m.field, m.where);
              }
            }
            return true;
          }))
        return false;
      if (symbol.empty()) return fail("entry without symbol", "ticker.data[]");
      if (seen != 15) return fail("entry without bid, bid_qty, ask or ask_qty", "ticker.data[]");
      if (!q.bid.is_positive() || !q.ask.is_positive())
        return fail("bid and ask must be > 0", "ticker.data[]");
      if (q.bid_size.is_negative() || q.ask_size.is_negative())
        return fail("bid_qty and ask_qty must be >= 0", "ticker.data[]");
      if (q.bid >= q.ask) return fail("bid must be < ask", "ticker.data[]");
      if (!queue_event(symbols.resolve(symbol), venue_time, q)) ++stats.unknown_symbol;
      return true;
    });
  }

  bool parse_status_data(od::value& data) {
    return for_each_object(data, "status.data", "status.data[]", [&](od::object& obj) {
      std::string_view system;
      if (!for_each_member(obj, "status.data[]", [&](od::raw_json_string key, od::value& val) {
            if (key == "system" && val.get_string().get(system) != simdjson::SUCCESS)
              return fail("not a string", "status.data[].system");
            return true;
          }))
        return false;
      if (system.empty()) return fail("entry without system", "status.data[]");
      MarketEvent e;
      e.venue = Venue::kraken;
      e.receive_time = receive_time;
      e.body = VenueStatus{FeedState::connected, trading_status_of(system)};
      pending.push_back(e);
      return true;
    });
  }

  // ---- frame ------------------------------------------------------------------------------

  bool parse_frame(std::string_view frame, DecodeResult& r) {
    std::string_view channel;
    std::string_view type;
    std::string_view method;
    std::string_view error_text;
    bool has_success = false;
    bool success = false;
    bool has_data = false;
    if (!for_each_top_member(frame, [&](od::raw_json_string key, od::value& val) {
          if (key == "channel") {
            if (!parse_string(val, channel, "channel")) return false;
          } else if (key == "type") {
            if (val.get_string().get(type) != simdjson::SUCCESS)
              return fail("not a string", "type");
          } else if (key == "method") {
            if (!parse_string(val, method, "method")) return false;
          } else if (key == "success") {
            if (val.get_bool().get(success) != simdjson::SUCCESS)
              return fail("not a boolean", "success");
            has_success = true;
          } else if (key == "req_id") {
            std::uint64_t id = 0;
            if (val.get_uint64().get(id) != simdjson::SUCCESS)
              return fail("not an unsigned integer", "req_id");
            r.req_id = id;
          } else if (key == "error") {
            if (!parse_string(val, error_text, "error")) return false;
          } else if (key == "data") {
            has_data = true;
            if (channel == "book") {
              if (!parse_book_data(val)) return false;
            } else if (channel == "ticker") {
              if (!parse_ticker_data(val)) return false;
            } else if (channel == "trade") {
              if (!codec::read_trades(*this, val, kTradeKeys, symbols, stats.unknown_symbol))
                return false;
            } else if (channel == "status") {
              if (!parse_status_data(val)) return false;
            } else if (channel.empty()) {
              return fail("data before channel", "data");
            }
          }
          return true;
        }))
      return false;

    if (!channel.empty()) {
      if (channel == "heartbeat") {
        r.kind = FrameKind::heartbeat;
        ++stats.heartbeats;
        return true;
      }
      const bool is_book = channel == "book";
      if (is_book || channel == "ticker" || channel == "trade" || channel == "status") {
        if (!has_data) return fail("message without data", "data");
        if (is_book) {
          if (type != "snapshot" && type != "update")
            return fail("type must be snapshot or update", "type");
          apply_book_entries(type == "snapshot", r);
        }
        r.kind = channel == "status" ? FrameKind::status : FrameKind::market_data;
        return true;
      }
      return ignore_unknown(r);
    }
    if (!method.empty()) {
      if (has_success && !success) {
        ++stats.request_failures;
        last_venue_error.assign(error_text);
        r.kind = FrameKind::venue_error;
        return true;
      }
      if (method == "pong") {
        ++stats.pongs;
        r.kind = FrameKind::pong;
      } else if (method == "subscribe") {
        r.kind = FrameKind::subscribed;
      } else if (method == "unsubscribe") {
        r.kind = FrameKind::unsubscribed;
      } else {
        ignore_unknown(r);
      }
      return true;
    }
    return ignore_unknown(r);
  }

  Result<DecodeResult> decode(std::string_view frame, Timestamp rt, MarketEventSink& sink) {
    if (auto error = oversized("kraken", frame)) return *error;
    begin_frame(rt);
    DecodeResult r;
    return read_frame(
        "kraken", frame, r, sink,
        [&] {
          levels.clear();
          entries.clear();
          bool snapshot = false;
          if (!config.raw_fast_path || !scan_book_frame(frame, snapshot)) return false;
          apply_book_entries(snapshot, r);
          r.kind = FrameKind::market_data;
          return true;
        },
        [&] {
          levels.clear();
          entries.clear();
          failing_book_symbol = {};
          return parse_frame(frame, r);
        },
        // A book frame we could not read may have carried changes: the book is no longer known.
        [&] { resync_symbol(failing_book_symbol, r, true); });
  }

  Result<std::string> sub_message(std::string_view verb, Channel channel,
                                  std::span<const InstrumentId> ids, std::uint64_t req_id,
                                  bool subscribe) const {
    if (ids.empty()) {
      return nzeza::fail(ErrorCode::invalid_argument, std::string("kraken: ") + std::string(verb) +
                                                          " needs at least one instrument");
    }
    std::string out = "{\"method\":\"";
    out += verb;
    out += "\",\"params\":{\"channel\":\"";
    out += to_string(channel);
    out += "\",\"symbol\":[";
    bool first = true;
    for (const InstrumentId id : ids) {
      auto inst = venue_instrument(id);
      if (!inst.ok()) return std::move(inst).error();
      if (!first) out += ',';
      first = false;
      codec::append_json_string(out, codec::wire_symbol(**inst));
    }
    out += ']';
    if (channel == Channel::book) {
      out += ",\"depth\":";
      out += std::to_string(config.book_depth);
    }
    if (subscribe) {
      // Ticker and book start from a snapshot; trades do not replay history as live trades.
      out += channel == Channel::trade ? ",\"snapshot\":false" : ",\"snapshot\":true";
    }
    out += "},\"req_id\":";
    out += std::to_string(req_id);
    out += '}';
    return out;
  }
};

Result<std::string> KrakenCodec::subscribe_message(Channel channel,
                                                   std::span<const InstrumentId> instruments,
                                                   std::uint64_t req_id) const {
  return impl_->sub_message("subscribe", channel, instruments, req_id, true);
}

Result<std::string> KrakenCodec::unsubscribe_message(Channel channel,
                                                     std::span<const InstrumentId> instruments,
                                                     std::uint64_t req_id) const {
  return impl_->sub_message("unsubscribe", channel, instruments, req_id, false);
}

std::string KrakenCodec::ping_message(std::uint64_t req_id) {
  return "{\"method\":\"ping\",\"req_id\":" + std::to_string(req_id) + "}";
}

}  // namespace nzeza::venues::kraken

namespace nzeza::venues::codec {
template class BookCodec<kraken::KrakenCodec, kraken::KrakenCodecImpl, kraken::KrakenCodecConfig,
                         kraken::KrakenCodecStats, kraken::DecodeResult>;
}  // namespace nzeza::venues::codec

#pragma once
// A raw scanner for the JSON text venues write their book levels in, shared by every codec's
// fast path: [["p","s"],...], [["p","s","offset"],...], [{"price":"p","size":"s"},...] and
// Hyperliquid's [{"px":"p","sz":"s","n":3},...] (numbers quoted or bare, whitespace allowed
// between tokens). One forward pass over the bytes: SWAR digit runs, quote/comma/bracket
// checks, exact Decimals; no simdjson call, no allocation.
//
// The one rule: the scanner accepts a strict subset of JSON whose meaning is certain, and gives
// up (returns false) on anything else — an escape, a non-ASCII byte, an exponent, a sign, more
// than 10 integer or 8 fractional digits, a leading zero, a nested value where a scalar was
// expected, a missing member, price <= 0, a truncated text. A codec that gets false decodes the
// frame again through its simdjson on-demand path, which is the reference: it accepts what it
// accepts and its errors stay what they are. So whenever the scanner succeeds, its values are
// exactly those of the on-demand path (plain_decimal_token's) on the same text.
//
// Bounds: a Cursor never moves past `end`, and reads at most 16 bytes from a position before
// `end`: the text needs 16 readable bytes after `end` (every frame of a codec has simdjson's 64
// bytes of padding). Those bytes never change a result. Any bytes are safe (fuzzed through the
// codecs' fuzz targets). Threading: none.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/decimal.hpp"
#include "venues/codec_support/codec_support.hpp"
#include "venues/codec_support/level_reader.hpp"

namespace nzeza::venues::codec::raw {

// JSON whitespace: ' ', '\t', '\n', '\r'.
[[nodiscard]] constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// A read position in a text whose last byte is end[-1] (16 readable bytes follow it).
struct Cursor {
  const char* p;
  const char* end;

  Cursor(const char* begin, const char* stop) noexcept : p(begin), end(stop) {}
  explicit Cursor(std::string_view text) noexcept
      : p(text.data()), end(text.data() + text.size()) {}

  // Past JSON whitespace; the usual case (no whitespace) costs one compare.
  void skip_space() noexcept {
    while (p != end && static_cast<unsigned char>(*p) <= ' ' && is_space(*p)) ++p;
  }
  // The next byte after whitespace is `c`: consumed, true.
  [[nodiscard]] bool eat(char c) noexcept {
    skip_space();
    if (p == end || *p != c) return false;
    ++p;
    return true;
  }
  // The next byte after whitespace (0 at the end), not consumed.
  [[nodiscard]] char peek() noexcept {
    skip_space();
    return p == end ? '\0' : *p;
  }
  // Only whitespace is left.
  [[nodiscard]] bool at_end() noexcept {
    skip_space();
    return p == end;
  }
};

// The bytes of an 8-byte word (little-endian) that are a quote, a backslash, a control
// character or not ASCII: the lowest flagged byte is exact (flags above it may be spurious).
[[nodiscard]] inline std::uint64_t string_stops(std::uint64_t w) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const std::uint64_t q = w ^ (kOnes * '"');
  const std::uint64_t b = w ^ (kOnes * '\\');
  return ((q - kOnes) & ~q) | ((b - kOnes) & ~b) | ((w - kOnes * 0x20) & ~w) | (w & kHigh);
}

namespace detail {

// A quoted string at q (its opening quote) of printable ASCII without escapes: the byte after
// its closing quote, or null.
[[gnu::always_inline]] inline const char* compact_string(const char* q, const char* end) noexcept {
  ++q;
#if defined(__SSE2__)
  // 16 bytes a step (SSE2 is in every x86-64): the same stops as string_stops. A signed compare
  // below 0x20 flags the control characters and every byte >= 0x80 at once.
  for (;;) {
    if (q >= end) return nullptr;
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i stops = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
        _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stops));
    if (mask == 0) {
      q += 16;
      continue;
    }
    q += std::countr_zero(mask);
    if (q >= end || *q != '"') return nullptr;  // past the text, an escape or a bad byte
    return q + 1;
  }
#else
  for (;;) {
    if (q >= end) return nullptr;
    std::uint64_t w = 0;
    std::memcpy(&w, q, 8);
    const std::uint64_t stops = string_stops(w) & 0x8080808080808080ULL;
    if (stops == 0) {
      q += 8;
      continue;
    }
    q += std::countr_zero(stops) / 8;
    if (q >= end || *q != '"') return nullptr;  // past the text, an escape or a bad byte
    return q + 1;
  }
#endif
}

}  // namespace detail

// A JSON string of printable ASCII without escapes, at the cursor (after whitespace): its
// content (between the quotes) in `out`, the cursor past the closing quote. False otherwise.
[[nodiscard]] inline bool read_string(Cursor& c, std::string_view& out) noexcept {
  c.skip_space();
  if (c.p == c.end || *c.p != '"') return false;
  const char* after = detail::compact_string(c.p, c.end);
  if (after == nullptr) return false;
  out = std::string_view(c.p + 1, static_cast<std::size_t>(after - c.p - 2));
  c.p = after;
  return true;
}

// A member name and its colon: `"name"` `:`; the name's raw text in `key`.
[[nodiscard]] inline bool read_key(Cursor& c, std::string_view& key) noexcept {
  return read_string(c, key) && c.eat(':');
}

// True when the next byte ends a scalar: whitespace, ',', ']', '}' or the end of the text.
[[nodiscard]] inline bool at_delimiter(const Cursor& c) noexcept {
  if (c.p == c.end) return true;
  const char ch = *c.p;
  return ch == ',' || ch == ']' || ch == '}' || is_space(ch);
}

// An unsigned integer written as a bare JSON number of 1..19 digits, no leading zero.
[[nodiscard]] inline bool read_uint(Cursor& c, std::uint64_t& out) noexcept {
  c.skip_space();
  const char* s = c.p;
  std::uint64_t v = 0;
  while (c.p != c.end && static_cast<unsigned>(*c.p - '0') < 10u) {
    v = v * 10 + static_cast<std::uint64_t>(*c.p - '0');
    ++c.p;
  }
  const auto n = c.p - s;
  if (n == 0 || n > 19 || (n > 1 && *s == '0') || !at_delimiter(c)) return false;
  out = v;
  return true;
}

// A string right at the cursor (no whitespace before it), as read_string reads it, skipped:
// the usual value of a member a fast path does not read; false for anything else (the caller
// then tries skip_scalar). Inline: one SWAR pass, no call.
[[nodiscard, gnu::always_inline]] inline bool skip_compact_string(Cursor& c) noexcept {
  if (c.p == c.end || *c.p != '"') return false;
  const char* after = detail::compact_string(c.p, c.end);
  if (after == nullptr) return false;
  c.p = after;
  return true;
}

// skip_compact_string, the same results, for a walk that skips string after string (each
// string's position depends on where the last one ended): 16 bytes a step (SSE2), the closing
// quote found by a quote-only compare, so the chain from one string to the next is a load, a
// compare, a movemask and a tzcnt; the other stops (backslash, control or non-ASCII bytes) are
// checked beside it, off that chain. Shared by the codecs' member walks.
[[nodiscard, gnu::always_inline]] inline bool skip_string(Cursor& c) noexcept {
#if defined(__SSE2__)
  if (c.p == c.end || *c.p != '"') return false;
  const char* q = c.p + 1;
  for (;;) {
    if (q >= c.end) return false;
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const auto quotes =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
    const auto others = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')), _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)))));
    if (quotes == 0) {
      if (others != 0) return false;  // an escape or a bad byte first
      q += 16;
      continue;
    }
    const int at = std::countr_zero(quotes);
    if ((others & ((1u << at) - 1)) != 0 || at >= c.end - q) return false;
    c.p = q + at + 1;
    return true;
  }
#else
  return skip_compact_string(c);
#endif
}

// read_uint, the same results, its digits read 8 at a time (SWAR) rather than one by one: for
// the long counters venues number their frames with (Coinbase's sequence_num).
[[nodiscard]] inline bool read_uint_swar(Cursor& c, std::uint64_t& out) noexcept {
  c.skip_space();
  const char* s = c.p;
  std::uint64_t v = 0;
  int n = leading_digits8(s, v);  // reads 8 bytes: within the 16 readable past the end
  if (n == 8) {
    std::uint64_t low = 0;
    const int m = leading_digits8(s + 8, low);
    if (m == 8) return read_uint(c, out);  // 16 digits or more
    static constexpr std::uint64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
    v = v * kPow10[m] + low;
    n += m;
  }
  if (n == 0 || n > c.end - s) return read_uint(c, out);  // it decides
  c.p = s + n;
  if ((n > 1 && *s == '0') || !at_delimiter(c)) {
    c.p = s;
    return false;
  }
  out = v;
  return true;
}

// Skips a scalar value: a string (as read_string), a number (JSON's grammar), true, false or
// null. False on anything else (an object or array included: the caller gives up).
[[nodiscard]] inline bool skip_scalar(Cursor& c) noexcept {
  const char first = c.peek();
  if (static_cast<unsigned>(first - '0') < 10u) {  // the usual case: a small count
    ++c.p;
    while (c.p != c.end && static_cast<unsigned>(*c.p - '0') < 10u) ++c.p;
    if (c.p != c.end && (*c.p == ',' || *c.p == '}' || *c.p == ']')) return true;
  } else if (first == '"') {
    std::string_view ignored;
    return read_string(c, ignored);
  }
  auto literal = [&c](std::string_view word) {
    if (static_cast<std::size_t>(c.end - c.p) < word.size() ||
        std::memcmp(c.p, word.data(), word.size()) != 0)
      return false;
    c.p += word.size();
    return at_delimiter(c);
  };
  if (first == 't') return literal("true");
  if (first == 'f') return literal("false");
  if (first == 'n') return literal("null");
  auto digits = [&c] {  // (also resumes a number the first branch did not finish)
    const char* s = c.p;
    while (c.p != c.end && static_cast<unsigned>(*c.p - '0') < 10u) ++c.p;
    return c.p != s;
  };
  if (c.p != c.end && *c.p == '-') ++c.p;
  if (!digits() && static_cast<unsigned>(first - '0') >= 10u) return false;
  if (c.p != c.end && *c.p == '.') {
    ++c.p;
    if (!digits()) return false;
  }
  if (c.p != c.end && (*c.p == 'e' || *c.p == 'E')) {
    ++c.p;
    if (c.p != c.end && (*c.p == '+' || *c.p == '-')) ++c.p;
    if (!digits()) return false;
  }
  return at_delimiter(c);
}

// One decimal as read: the exact value, its count of fractional digits as written, and its text
// without quotes (a Kraken-style checksum hashes it).
struct RawDecimal {
  Decimal value;
  int decimals = 0;
  std::string_view text;
  // value in 10^-8 units (every token the scanner accepts fits): a consumer that builds its
  // own Decimal from it reads 8 bytes where value was just written in two halves (a 16-byte
  // load of those halves stalls on store forwarding).
  std::int64_t raw8 = 0;
};

namespace detail {

// The end of the short token readers: `v` holds the token's 1..8 digits (a digit's value per
// byte, the most significant first) in its top bytes and zeros below, `frac` of them after the
// point. Fills `out` for the `len` bytes at p; answers the bytes read with the closing quote.
[[nodiscard, gnu::always_inline]] inline int short_decimal_result(std::uint64_t v, int frac,
                                                                  const char* p, int len,
                                                                  RawDecimal& out) noexcept {
  v = (v * 10) + (v >> 8);
  v = (((v & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((v >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  static constexpr std::uint64_t kPow10[] = {1,      10,      100,      1000,     10000,
                                             100000, 1000000, 10000000, 100000000};
  out.raw8 = static_cast<std::int64_t>(v * kPow10[8 - frac]);
  out.value = Decimal::from_raw8(out.raw8);
  out.decimals = frac;
  out.text = std::string_view(p, static_cast<std::size_t>(len));
  return len + 1;
}

// The quoted token at p (after its opening quote) when it has at most 8 bytes, one optional
// point with digits on both sides, no leading zero before another digit: one SWAR pass over
// the whole token. Returns the bytes read including the closing quote, 0 for anything else
// (the caller takes the digit-run reader, which decides).
[[nodiscard, gnu::always_inline]] inline int short_quoted_decimal(const char* p, const char* end,
                                                                  RawDecimal& out) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::uint64_t w = 0;
  std::memcpy(&w, p, 8);
  const std::uint64_t q = w ^ (kOnes * '"');
  const std::uint64_t zq = (q - kOnes) & ~q & kHigh;
  int len = 8;
  if (zq != 0) [[likely]] {
    len = std::countr_zero(zq) / 8;
  } else if (p[8] != '"') {
    return 0;
  }
  // Branch-free from here to the one check below: whether a point is there and where varies
  // from token to token, and a mispredicted branch cost more than the arithmetic.
  static constexpr std::uint64_t kLow[9] = {0,
                                            0xFFULL,
                                            0xFFFFULL,
                                            0xFFFFFFULL,
                                            0xFFFFFFFFULL,
                                            0xFFFFFFFFFFULL,
                                            0xFFFFFFFFFFFFULL,
                                            0xFFFFFFFFFFFFFFULL,
                                            ~std::uint64_t{0}};
  const std::uint64_t d = w ^ (kOnes * '.');
  const std::uint64_t zd = (d - kOnes) & ~d & kHigh & kLow[len];
  const bool has_dot = zd != 0;
  const int dot = has_dot ? std::countr_zero(zd) / 8 : len;  // the integer part is [0, dot)
  bool bad = (len == 0) | (len >= end - p);                  // empty, or the quote is past the text
  bad |= has_dot & ((dot == 0) | (dot == len - 1));
  bad |= (dot > 1) & (p[0] == '0');  // a leading zero
  const std::uint64_t below = kLow[dot];
  const std::uint64_t digits = (w & below) | ((w >> 8) & ~below);  // without the point
  const int count = len - static_cast<int>(has_dot);
  const int frac = has_dot ? len - 1 - dot : 0;
  // Every one of the `count` low bytes a digit (a second point is not).
  const std::uint64_t cmask = kLow[count];
  const std::uint64_t padded = (digits & cmask) | (~cmask & (kOnes * '0'));
  const std::uint64_t t = (padded & 0xF0F0F0F0F0F0F0F0ULL) |
                          (((padded + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4);
  if (bad | (t != 0x3333333333333333ULL)) return 0;
  // The digits to the top; zero digits below count as leading zeros.
  return short_decimal_result((padded - kOnes * '0') << (8 * (8 - count)), frac, p, len, out);
}

// Eight ASCII digits, the first the most significant (a digit minus '0' per byte, little-endian
// load), as a number.
[[nodiscard, gnu::always_inline]] inline std::uint64_t swar_digits8(std::uint64_t v) noexcept {
  v = (v * 10) + (v >> 8);
  return (((v & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
          (((v >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
         32;
}

// The quoted token at p (after its opening quote) of 9..15 bytes written `I.F` with 1..8
// integer digits (no leading zero before another digit) and 1..8 fractional digits: the form
// Binance writes every price and size in ("3150.12000000", "0.00000000"), which is too long
// for short_quoted_decimal. Two 8-byte loads and one more for the fraction, branch-free after
// the bounds check. Returns the bytes read including the closing quote, 0 for anything else
// (the caller takes the digit-run reader, which decides).
[[nodiscard, gnu::always_inline]] inline int medium_quoted_decimal(const char* p, const char* end,
                                                                   RawDecimal& out) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  constexpr std::uint64_t kZeros = kOnes * '0';
  std::uint64_t w0 = 0;
  std::uint64_t w1 = 0;
  std::memcpy(&w0, p, 8);
  std::memcpy(&w1, p + 8, 8);
  const std::uint64_t q0 = w0 ^ (kOnes * '"');
  const std::uint64_t q1 = w1 ^ (kOnes * '"');
  const std::uint64_t zq1 = (q1 - kOnes) & ~q1 & kHigh;
  // The closing quote in the second word and before the end (so the fraction's load below
  // stays within the 16 readable bytes past the end).
  if ((((q0 - kOnes) & ~q0 & kHigh) != 0) | (zq1 == 0)) return 0;
  const int len = 8 + std::countr_zero(zq1) / 8;
  if (len >= end - p) return 0;
  const std::uint64_t d0 = w0 ^ (kOnes * '.');
  const std::uint64_t zd0 = (d0 - kOnes) & ~d0 & kHigh;
  const int dot = zd0 != 0 ? std::countr_zero(zd0) / 8 : 8;  // p[8] checked below
  const int frac = len - 1 - dot;
  const int fc = frac < 1 ? 1 : (frac > 8 ? 8 : frac);  // 1..8 for the masks, checked below
  const int ic = dot == 0 ? 1 : dot;
  bool bad = (dot == 0) | (frac != fc) | (p[dot] != '.');
  bad |= (dot > 1) & (p[0] == '0');  // a leading zero
  std::uint64_t fw = 0;
  std::memcpy(&fw, p + dot + 1, 8);
  const std::uint64_t imask = ~std::uint64_t{0} >> (8 * (8 - ic));  // the low ic bytes
  const std::uint64_t fmask = ~std::uint64_t{0} >> (8 * (8 - fc));
  const std::uint64_t ipad = (w0 & imask) | (~imask & kZeros);
  const std::uint64_t fpad = (fw & fmask) | (~fmask & kZeros);
  const auto digits_only = [](std::uint64_t x) {
    return ((x & 0xF0F0F0F0F0F0F0F0ULL) |
            (((x + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) == 0x3333333333333333ULL;
  };
  const bool integer_digits = digits_only(ipad);
  const bool fraction_digits = digits_only(fpad);
  if (bad | !integer_digits | !fraction_digits) return 0;
  // The integer digits to the top (zero digits below count as leading zeros); the fraction's
  // padding zeros are its trailing zeros, so it reads as a count of 10^-8.
  const std::uint64_t integer = swar_digits8((ipad - kZeros) << (8 * (8 - ic)));
  const std::uint64_t fraction = swar_digits8(fpad - kZeros);
  out.raw8 = static_cast<std::int64_t>(integer * 100'000'000 + fraction);
  out.value = Decimal::from_raw8(out.raw8);
  out.decimals = fc;
  out.text = std::string_view(p, static_cast<std::size_t>(len));
  return len + 1;
}

// A quoted token of 8 bytes (short_quoted_decimal) or of 9..15 bytes in the form `I.F`
// (medium_quoted_decimal), 0 for anything else.
[[nodiscard, gnu::always_inline]] inline int long_quoted_decimal(const char* p, const char* end,
                                                                 RawDecimal& out) noexcept {
  if (const int n = short_quoted_decimal(p, end, out); n != 0) return n;
  return medium_quoted_decimal(p, end, out);
}

// short_quoted_decimal, the same results on every input, in fewer instructions for a token of
// at most 7 bytes (the usual price or size): the 8 bytes are classified once (a byte is a digit
// when its value xor '0' is below 10: one masked add, no carry between bytes), the point and
// the closing quote are the first two non-digits (two tzcnt), and the point is dropped with one
// shift. A longer token is long_quoted_decimal's (Binance's "3150.12000000" among them).
[[nodiscard, gnu::always_inline]] inline int quoted_decimal(const char* p, const char* end,
                                                            RawDecimal& out) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::uint64_t w = 0;
  std::memcpy(&w, p, 8);
  const std::uint64_t x = w ^ (kOnes * '0');  // a digit byte: its value, 0..9
  const std::uint64_t other = (x | ((x & ~kHigh) + kOnes * 0x76)) & kHigh;  // not a digit
  if (other == 0) [[unlikely]]
    return long_quoted_decimal(p, end, out);
  const int first = std::countr_zero(other) / 8;  // the point, or the closing quote
  const std::uint64_t rest = other & (other - 1);
  const bool has_dot = ((w >> (8 * first)) & 0xFF) == '.';
  const int second = rest != 0 ? std::countr_zero(rest) / 8 : 8;
  const int len = has_dot ? second : first;  // where the closing quote must be
  if (len == 8) [[unlikely]]
    return long_quoted_decimal(p, end, out);
  bool bad = ((w >> (8 * len)) & 0xFF) != '"';
  bad |= (first == 0) | (len >= end - p);    // no integer digit, or the quote past the text
  bad |= has_dot & (second == first + 1);    // no fractional digit
  bad |= (first > 1) & ((w & 0xFF) == '0');  // a leading zero
  if (bad) return 0;
  const std::uint64_t below = (std::uint64_t{1} << (8 * first)) - 1;  // first <= 7
  const std::uint64_t digits = has_dot ? (x & below) | ((x >> 8) & ~below) : x;
  const int count = len - static_cast<int>(has_dot);  // 1..7
  const int frac = has_dot ? len - 1 - first : 0;
  // The digits to the top, zeros below.
  return short_decimal_result(digits << (8 * (8 - count)), frac, p, len, out);
}

}  // namespace detail

// A plain decimal `digits[.digits]` (1..10 integer digits, no leading zero before another
// digit, 1..8 fractional digits when a point is present), quoted or bare: the same value and
// decimals as plain_decimal_token gives for the same token. False for any other form.
[[nodiscard]] inline bool read_decimal(Cursor& c, RawDecimal& out) noexcept {
  if constexpr (std::endian::native != std::endian::little) {
    return false;
  } else {
    c.skip_space();
    if (c.p == c.end) return false;
    const bool quoted = *c.p == '"';
    if (quoted) {
      if (const int n = detail::quoted_decimal(c.p + 1, c.end, out); n != 0) {
        c.p += 1 + n;
        return true;
      }
    }
    const char* p = c.p + (quoted ? 1 : 0);
    const char* const end = c.end;
    const char* const s = p;
    std::uint64_t raw = 0;
    const int n = leading_digits8(p, raw);
    if (n == 0 || n > end - p || (n > 1 && *p == '0')) return false;
    p += n;
    if (n == 8) {  // 9 or 10 integer digits
      int more = 0;
      while (p != end && static_cast<unsigned>(*p - '0') < 10u) {
        if (++more > 2) return false;
        raw = raw * 10 + static_cast<std::uint64_t>(*p - '0');
        ++p;
      }
    }
    int frac = 0;
    if (p != end && *p == '.') {
      ++p;
      std::uint64_t chunk = 0;
      frac = leading_digits8(p, chunk);
      if (frac == 0 || frac > end - p) return false;
      p += frac;
      if (frac == 8 && p != end && static_cast<unsigned>(*p - '0') < 10u) return false;
      static constexpr std::uint64_t kPow10[] = {1,      10,      100,      1000,     10000,
                                                 100000, 1000000, 10000000, 100000000};
      raw = (raw * kPow10[frac] + chunk) * kPow10[8 - frac];
    } else {
      raw *= 100'000'000;
    }
    const char* const e = p;
    if (quoted) {
      if (p == end || *p != '"') return false;
      ++p;
    }
    c.p = p;
    if (!quoted && !at_delimiter(c)) return false;
    out.raw8 = static_cast<std::int64_t>(raw);
    out.value = Decimal::from_raw8(out.raw8);
    out.decimals = frac;
    out.text = std::string_view(s, static_cast<std::size_t>(e - s));
    return true;
  }
}

// read_decimal for a venue that writes 8 fractional digits (see LevelNames::long_decimals):
// the same results, the long form tried first.
[[nodiscard]] inline bool read_long_decimal(Cursor& c, RawDecimal& out) noexcept {
  if (c.p != c.end && *c.p == '"') {
    if (const int n = detail::long_quoted_decimal(c.p + 1, c.end, out); n != 0) {
      c.p += 1 + n;
      return true;
    }
  }
  return read_decimal(c, out);
}

// One level as scanned.
struct RawLevel {
  RawDecimal price;
  RawDecimal size;
};

// Which level forms a venue writes (the other is given up on, as its reader refuses it).
enum class LevelForm : std::uint8_t { object, array, either };

// Up to 16 bytes known at compile time, compared with two masked 8-byte loads.
struct Literal {
  std::uint64_t word[2] = {0, 0};
  std::uint64_t mask[2] = {0, 0};
  std::size_t size = 0;  // > 16: never matches

  constexpr void append(const char* text, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
      if (size < 16) {
        word[size / 8] |= static_cast<std::uint64_t>(static_cast<unsigned char>(text[i]))
                          << (8 * (size % 8));
        mask[size / 8] |= std::uint64_t{0xFF} << (8 * (size % 8));
      }
      ++size;
    }
  }
  // The literal is at p and ends before `end`. Reads 16 bytes from p. Always inlined: with a
  // constant literal (the level loop's names), one load and compares against immediates; GCC
  // otherwise made it a call, three per level.
  [[nodiscard, gnu::always_inline]] bool at(const char* p, const char* end) const noexcept {
    std::uint64_t w[2];
    std::memcpy(w, p, 16);
    return size <= 16 && static_cast<std::size_t>(end - p) >= size &&
           (((w[0] & mask[0]) ^ word[0]) | ((w[1] & mask[1]) ^ word[1])) == 0;
  }
};

// `before` + the name + `after` as a Literal.
[[nodiscard]] constexpr Literal literal_of(const char* before, const RawKey& name,
                                           const char* after) noexcept {
  Literal l;
  l.append(before, std::char_traits<char>::length(before));
  l.append(name.text, name.size);
  l.append(after, std::char_traits<char>::length(after));
  return l;
}

// How a venue writes a level: the member names of the object form ({"px":..,"sz":..}); a level
// written as an array is [price, size, scalars...] whatever the names; which forms it sends.
// Declare it static constexpr (the compact form's texts are built at compile time).
struct LevelNames {
  RawKey price;
  RawKey size;
  LevelForm form = LevelForm::either;
  // The venue writes its decimals with 8 fractional digits (Binance: "3150.12000000"): the
  // level loop reads them with long_quoted_decimal first, not after quoted_decimal gave up.
  bool long_decimals = false;
  Literal object_open = literal_of("{\"", price, "\":\"");  // {"price":"
  Literal object_mid = literal_of(",\"", size, "\":\"");    // ,"size":"
  // The venue writes the object form's numbers bare ({"price":45285.2,"qty":0.001}, Kraken):
  // the compact loop takes that form too.
  bool bare = false;
  Literal bare_open = literal_of("{\"", price, "\":");  // {"price":
  Literal bare_mid = literal_of(",\"", size, "\":");    // ,"qty":
};

// Matches a key's raw text (as read_key gives it) against a RawKey.
[[nodiscard]] inline bool key_is(std::string_view key, const RawKey& name) noexcept {
  return key.size() == name.size && name.matches(key.data());
}

// The member `name` next (`"name":`, whitespace allowed): consumed, true. Otherwise false
// with the cursor where it was, so a caller can try another member.
[[nodiscard]] inline bool read_key_named(Cursor& c, const RawKey& name) noexcept {
  const Cursor at = c;
  std::string_view key;
  if (read_key(c, key) && key_is(key, name)) return true;
  c = at;
  return false;
}

// The next member of an object whose name is known: `compact` (as literal_of(",\"", name,
// "\":") builds it) when written without whitespace, else `separator` and the name with any.
[[nodiscard]] inline bool next_member(Cursor& c, const Literal& compact, char separator,
                                      const RawKey& name) noexcept {
  if (compact.at(c.p, c.end)) {
    c.p += compact.size;
    return true;
  }
  return c.eat(separator) && read_key_named(c, name);
}

namespace detail {

// The general reader of one level (whitespace, any member order, bare numbers), at the cursor.
inline bool object_members(Cursor& c, const LevelNames& names, RawLevel& lv,
                           unsigned seen) noexcept {
  do {
    std::string_view key;
    if (!read_key(c, key)) return false;
    if (key_is(key, names.price)) {
      if (!read_decimal(c, lv.price)) return false;
      seen |= 1;
    } else if (key_is(key, names.size)) {
      if (!read_decimal(c, lv.size)) return false;
      seen |= 2;
    } else if (!skip_scalar(c)) {
      return false;
    }
  } while (c.eat(','));
  return seen == 3 && c.eat('}');
}

[[gnu::noinline]] inline bool general_level(Cursor& c, const LevelNames& names,
                                            RawLevel& lv) noexcept {
  const char open = c.peek();
  if (open == '{' && names.form != LevelForm::array) {
    ++c.p;
    if (c.eat('}')) return false;  // no member
    return object_members(c, names, lv, 0);
  }
  if (open != '[' || names.form == LevelForm::object) return false;
  ++c.p;
  if (!read_decimal(c, lv.price) || !c.eat(',') || !read_decimal(c, lv.size)) return false;
  while (c.eat(',')) {
    if (!skip_scalar(c)) return false;
  }
  return c.eat(']');
}

// A bare number's digits as short_bare_digits reads them, not yet converted: each an 8-digit
// group (a digit's value per byte, the most significant first in memory order).
struct BareDigits {
  std::uint64_t integer = 0;   // the integer digits at the top, zeros below (leading zeros)
  std::uint64_t fraction = 0;  // the fraction's digits where they are, zeros after (0: none)
};

// A bare plain decimal at p (`digits[.digits]`, 1..7 integer digits, no leading zero before
// another digit, 1..8 fractional digits when a point is present) and the byte after it, which
// is not a digit (the caller checks what it is): the bytes read, 0 for anything else (the
// general reader decides). On success `out`'s decimals and text are set and `digits` holds its
// two digit groups; its value is `bare_raw8(digits)` (or `bare_pair_raw8`'s), read_decimal's
// on the same token. Reads 8 bytes at p and, after a point, 8 bytes after it.
//
// In few instructions (Kraken's level loop reads two a level): the digits are classified with
// one xor and one masked add (quoted_decimal's test), the integer digits go to the top of the
// word with one shift, and the fraction's digits stay where they are, so with zeros after them
// their value is already in 10^-8 units (no power-of-ten table, no shift by the fraction's
// length, no multiply by it).
[[nodiscard, gnu::always_inline]] inline int short_bare_digits(const char* p, const char* end,
                                                               BareDigits& digits,
                                                               RawDecimal& out) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::uint64_t w = 0;
  std::memcpy(&w, p, 8);
  const std::uint64_t x = w ^ (kOnes * '0');  // a digit byte: its value, 0..9
  const std::uint64_t other = (x | ((x & ~kHigh) + kOnes * 0x76)) & kHigh;  // not a digit
  const int n = std::countr_zero(other) / 8;  // the integer digits (8: refused)
  if (n == 0 || n == 8 || n >= end - p || (n > 1 && (w & 0xFF) == '0')) return 0;
  // The n digits to the top, zeros below (leading zeros).
  digits.integer = x << (64 - 8 * n);
  digits.fraction = 0;
  int frac = 0;
  const char* q = p + n;
  if (*q == '.') {
    ++q;
    std::uint64_t f = 0;
    std::memcpy(&f, q, 8);
    const std::uint64_t fx = f ^ (kOnes * '0');
    const std::uint64_t fother = (fx | ((fx & ~kHigh) + kOnes * 0x76)) & kHigh;
    frac = std::countr_zero(fother) / 8;  // 0..8
    if (frac == 0 || frac >= end - q) return 0;
    q += frac;
    if (static_cast<unsigned>(*q - '0') < 10u) return 0;  // a 9th fractional digit
    // The fraction's digits where they are, zeros after them: its value in 10^-8 units.
    digits.fraction = fx & (~std::uint64_t{0} >> (64 - 8 * frac));
  }
  out.decimals = frac;
  out.text = std::string_view(p, static_cast<std::size_t>(q - p));
  return static_cast<int>(q - p);
}

// A short_bare_digits number's value in 10^-8 units (scalar SWAR).
[[nodiscard, gnu::always_inline]] inline std::int64_t bare_raw8(const BareDigits& d) noexcept {
  return static_cast<std::int64_t>(swar_digits8(d.integer) * 100'000'000 +
                                   swar_digits8(d.fraction));
}

// Two short_bare_digits numbers' values in 10^-8 units (bare_raw8's), converted together: with
// SSE2 the four 8-digit groups in three rounds of pmaddwd (digit pairs, then 4-digit and 8-digit
// groups; every partial sum fits its lane), then one pmuludq by 10^8 and one add (the integer
// part is below 10^7, so a value is below 2^63). No 64-bit constants in general registers.
[[gnu::always_inline]] inline void bare_pair_raw8(const BareDigits& a, const BareDigits& b,
                                                  std::int64_t& a8, std::int64_t& b8) noexcept {
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  const __m128i k10 = _mm_set1_epi32(0x0001000A);     // words (10, 1)
  const __m128i k100 = _mm_set1_epi32(0x00010064);    // words (100, 1)
  const __m128i k10000 = _mm_set1_epi32(0x00012710);  // words (10000, 1)
  const __m128i va =
      _mm_set_epi64x(static_cast<long long>(a.fraction), static_cast<long long>(a.integer));
  const __m128i vb =
      _mm_set_epi64x(static_cast<long long>(b.fraction), static_cast<long long>(b.integer));
  // Each dword: two digits (0..99).
  const __m128i ai = _mm_madd_epi16(_mm_unpacklo_epi8(va, zero), k10);
  const __m128i af = _mm_madd_epi16(_mm_unpackhi_epi8(va, zero), k10);
  const __m128i bi = _mm_madd_epi16(_mm_unpacklo_epi8(vb, zero), k10);
  const __m128i bf = _mm_madd_epi16(_mm_unpackhi_epi8(vb, zero), k10);
  // Each dword: four digits (0..9999, so the packs below do not saturate).
  const __m128i a4 = _mm_madd_epi16(_mm_packs_epi32(ai, af), k100);
  const __m128i b4 = _mm_madd_epi16(_mm_packs_epi32(bi, bf), k100);
  // The dwords: a's integer, a's fraction, b's integer, b's fraction (each 0..99999999).
  const __m128i v = _mm_madd_epi16(_mm_packs_epi32(a4, b4), k10000);
  const __m128i r =
      _mm_add_epi64(_mm_mul_epu32(v, _mm_set1_epi64x(100'000'000)), _mm_srli_epi64(v, 32));
  a8 = static_cast<std::int64_t>(_mm_cvtsi128_si64(r));
  b8 = static_cast<std::int64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(r, r)));
#else
  a8 = bare_raw8(a);
  b8 = bare_raw8(b);
#endif
}

// short_bare_digits and its value: `out` in full (raw8 and value too).
[[nodiscard, gnu::always_inline]] inline int short_bare_decimal(const char* p, const char* end,
                                                                RawDecimal& out) noexcept {
  BareDigits digits;
  const int n = short_bare_digits(p, end, digits, out);
  if (n == 0) return 0;
  out.raw8 = bare_raw8(digits);
  out.value = Decimal::from_raw8(out.raw8);
  return n;
}

// What follows a compact level's price and size at q: members `,"key":<digits or string>` (or
// elements `,<digits or string>`) other than the price and size, and the closing bracket. True
// with p past the level; false (p unchanged) otherwise.
[[gnu::always_inline]] inline bool compact_rest(const char*& p, const char* q, const char* end,
                                                const LevelNames& names, bool object) noexcept {
  while (q != end && *q == ',') {
    ++q;
    if (object) {
      if (q == end || *q != '"') return false;
      const char* key = q + 1;
      q = compact_string(q, end);
      if (q == nullptr || q == end || *q != ':') return false;
      const std::string_view k(key, static_cast<std::size_t>(q - 1 - key));
      if (key_is(k, names.price) || key_is(k, names.size)) return false;
      ++q;
    }
    if (q == end) return false;
    if (*q == '"') {
      q = compact_string(q, end);
      if (q == nullptr) return false;
    } else {
      const char* s = q;
      while (q != end && static_cast<unsigned>(*q - '0') < 10u) ++q;
      if (q == s) return false;
    }
  }
  if (q == end || *q != (object ? '}' : ']')) return false;
  p = q + 1;
  return true;
}

// One level in its compact form at p: `{"<price>":"` or `["`, a short quoted decimal,
// `,"<size>":"` or `,"`, a short quoted decimal, then members `,"key":<digits or string>` (or
// elements `,<digits or string>`) other than the price and size, and the closing bracket.
// True with p past the level; false (p unchanged) for anything else, which the general reader
// then reads from the same place. A non-empty `count_member` (scan_levels' four-argument form) is
// tried before compact_rest.
[[gnu::always_inline]] inline bool compact_level(const char*& p, const char* end,
                                                 const LevelNames& names, RawLevel& lv,
                                                 const Literal& count_member) noexcept {
  const char* q = p;
  bool object = false;
  if (names.bare && names.bare_open.at(q, end) && q[names.bare_open.size] != '"') {
    // {"price":<bare>,"qty":<bare>: the numbers end where a non-digit starts.
    q += names.bare_open.size;
    BareDigits price;
    BareDigits size;
    int n = short_bare_digits(q, end, price, lv.price);
    if (n == 0) return false;
    q += n;
    if (!names.bare_mid.at(q, end)) return false;
    q += names.bare_mid.size;
    n = short_bare_digits(q, end, size, lv.size);
    if (n == 0) return false;
    q += n;
    if (!compact_rest(p, q, end, names, true)) return false;
    // The level's four digit groups converted together.
    bare_pair_raw8(price, size, lv.price.raw8, lv.size.raw8);
    lv.price.value = Decimal::from_raw8(lv.price.raw8);
    lv.size.value = Decimal::from_raw8(lv.size.raw8);
    return true;
  }
  if (names.form != LevelForm::array && names.object_open.at(q, end)) {
    q += names.object_open.size;
    object = true;
  } else if (names.form != LevelForm::object && end - q >= 2 && q[0] == '[' && q[1] == '"') {
    q += 2;
  } else {
    return false;
  }
  int n = names.long_decimals ? long_quoted_decimal(q, end, lv.price)
                              : quoted_decimal(q, end, lv.price);
  if (n == 0) return false;
  q += n;
  if (object) {
    if (!names.object_mid.at(q, end)) return false;
    q += names.object_mid.size;
  } else {
    if (end - q < 2 || q[0] != ',' || q[1] != '"') return false;
    q += 2;
  }
  n = names.long_decimals ? long_quoted_decimal(q, end, lv.size) : quoted_decimal(q, end, lv.size);
  if (n == 0) return false;
  q += n;
  if (count_member.size != 0 && object && count_member.at(q, end)) {
    const char* const digits = q + count_member.size;
    const char* d = digits;
    while (d != end && static_cast<unsigned>(*d - '0') < 10u) ++d;
    if (d != digits && d != end && *d == '}') {
      p = d + 1;
      return true;
    }
  }
  return compact_rest(p, q, end, names, object);
}

}  // namespace detail

// Scans a JSON array of levels at the cursor (after whitespace: '['): each level an object with
// `names` (other members scalar, skipped; a repeated member: the last wins) or an array
// [price, size, scalars...], as names.form allows. Calls on_level(const RawLevel&) per level in
// wire order (a false return stops the scan and gives up). Gives up (false) on anything the
// header comment lists, and on price <= 0 (sizes cannot be negative: no sign is accepted). On
// success the cursor is past the closing ']'. On false the cursor is anywhere: the caller drops
// the text. The compact form goes through a tight loop; anything else (whitespace, another
// member order, bare or long numbers) through the general reader, level by level.
//
// The one level loop of every codec. Always inlined into its caller, with on_level: pass a
// `static constexpr LevelNames` and its literal compares and form checks fold into immediates
// (no load of a name per level), and a level stays in registers (a RawLevel built on the stack
// and read back by an out-of-line on_level stalls on store forwarding).
//
// `count_member`: for a venue that writes one more member after the size of every object level,
// with a bare count as its value (Hyperliquid's `,"n":3`): as literal_of(",\"", name, "\":")
// builds it, matched in one compare and its digits skipped when it closes the level (what
// compact_rest accepts there: the same levels); anything else goes to compact_rest.
template <class OnLevel>
[[nodiscard, gnu::always_inline]] inline bool scan_levels(Cursor& c, const LevelNames& names,
                                                          const Literal& count_member,
                                                          OnLevel&& on_level) {
  if (!c.eat('[')) return false;
  if (c.eat(']')) return true;
  const char* p = c.p;
  const char* const end = c.end;
  // The compact level is a local the compiler keeps in registers when its address never
  // escapes; declared out of the loop, so when it does (an on_level not inlined) it is zeroed
  // once, not by a rep stos per level that cost more than the rest of the level.
  RawLevel compact;
  for (;;) {
    if (detail::compact_level(p, end, names, compact, count_member)) {
      if (!compact.price.value.is_positive()) return false;
      if (!on_level(static_cast<const RawLevel&>(compact))) return false;
    } else {
      RawLevel general;
      Cursor slow(p, end);
      if (!detail::general_level(slow, names, general)) return false;
      p = slow.p;
      if (!general.price.value.is_positive()) return false;
      if (!on_level(static_cast<const RawLevel&>(general))) return false;
    }
    if (p != end && *p == ',') {
      ++p;
      continue;
    }
    if (p != end && *p == ']') {
      c.p = p + 1;
      return true;
    }
    Cursor slow(p, end);
    if (slow.eat(',')) {
      p = slow.p;
      continue;
    }
    if (!slow.eat(']')) return false;
    c.p = slow.p;
    return true;
  }
}

// The same without a count member.
template <class OnLevel>
[[nodiscard, gnu::always_inline]] inline bool scan_levels(Cursor& c, const LevelNames& names,
                                                          OnLevel&& on_level) {
  return scan_levels(c, names, Literal{}, on_level);
}

// The same over a text that holds exactly one level array (whitespace around it allowed).
template <class OnLevel>
[[nodiscard]] bool scan_levels(std::string_view text, const LevelNames& names, OnLevel&& on_level) {
  Cursor c(text);
  return scan_levels(c, names, on_level) && c.at_end();
}

}  // namespace nzeza::venues::codec::raw

#pragma once
// A forward reader over the raw bytes of a JSON frame of a shape the codec knows, for the fast
// paths of the venue codecs (Kraken, Binance, Coinbase): the codec walks the frame once in wire
// order (keys compared on raw text, numbers read straight into exact Decimals) without
// simdjson's structural pass or on-demand calls.
//
// The rule that keeps it honest: the cursor accepts only a strict subset of JSON (no escapes,
// printable ASCII in strings, plain numbers, no duplicate or unknown structure unless the
// codec skips it explicitly). Any other byte makes the step return false, and the codec then
// decodes the whole frame again on its general simdjson path, which owns every error text.
// A fast path therefore changes nothing but speed: it never refuses a frame and never has side
// effects before the frame is read to its end.
//
// Precondition: 16 bytes past `end` are readable (a padded frame); what they hold never
// changes a result. No allocation. Threading: none.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/decimal.hpp"
#include "venues/codec_support/codec_support.hpp"
#include "venues/codec_support/level_reader.hpp"

namespace nzeza::venues::codec {

// Whether `text` is `name` (a literal): a size check and a memcmp of a constant size, which
// the compiler inlines (string_view's == calls memcmp with a run-time size).
template <std::size_t N>
[[nodiscard]] inline bool equals(std::string_view text, const char (&name)[N]) noexcept {
  return text.size() == N - 1 && std::memcmp(text.data(), name, N - 1) == 0;
}

// Up to 16 bytes known at compile time (`{"price":`), compared with two masked 8-byte loads:
// the fast form of a level's fixed punctuation, tried before the whitespace-tolerant steps.
struct RawLiteral {
  std::uint64_t word[2] = {0, 0};
  std::uint64_t mask[2] = {0, 0};
  std::size_t size = 0;

  consteval RawLiteral(const char* text) {  // NOLINT(google-explicit-constructor)
    while (text[size] != '\0') ++size;
    if (size > 16) throw "a RawLiteral holds at most 16 bytes";
    for (std::size_t i = 0; i < size; ++i) {
      word[i / 8] |= static_cast<std::uint64_t>(static_cast<unsigned char>(text[i]))
                     << (8 * (i % 8));
      mask[i / 8] |= std::uint64_t{0xFF} << (8 * (i % 8));
    }
  }
  // Precondition: 16 bytes from `at` are readable.
  [[nodiscard]] bool matches(const char* at) const noexcept {
    if constexpr (std::endian::native != std::endian::little) {
      for (std::size_t i = 0; i < size; ++i) {
        if (static_cast<unsigned char>(at[i]) != ((word[i / 8] >> (8 * (i % 8))) & 0xFF))
          return false;
      }
      return true;
    } else {
      std::uint64_t a = 0;
      std::uint64_t b = 0;
      std::memcpy(&a, at, 8);
      std::memcpy(&b, at + 8, 8);
      return ((a & mask[0]) ^ word[0]) == 0 && ((b & mask[1]) ^ word[1]) == 0;
    }
  }
};

// A number as read from the wire: its exact value and where its digits are, so a checksum
// text can be built from the bytes as sent ("0.00100000": int "0", frac "00100000").
struct RawNumber {
  Decimal value;
  const char* int_digits = nullptr;
  const char* frac_digits = nullptr;
  int int_count = 0;
  int frac_count = 0;  // the count of wire decimals (0 without a point)
};

// Appends the digits of `n` as Kraken's checksum rule writes a wire token (the point removed,
// leading zeros stripped: "0.00100000" -> "100000") at `out`; returns one past the end.
// `out` needs int_count + frac_count + 16 writable bytes.
inline char* append_checksum_digits(const RawNumber& n, char* out) noexcept {
  const char* digits = n.int_digits;
  int count = n.int_count;
  while (count != 0 && *digits == '0') {
    ++digits;
    --count;
  }
  std::memcpy(out, digits, 16);  // <= 10 digits; the excess is overwritten or past the end
  out += count;
  digits = n.frac_digits;
  int frac = n.frac_count;
  if (count == 0) {  // no integer digit left: the fraction's leading zeros go too
    while (frac != 0 && *digits == '0') {
      ++digits;
      --frac;
    }
  }
  std::memcpy(out, digits, 8);  // <= 8 digits
  return out + frac;
}

struct RawCursor {
  const char* p;
  const char* end;

  RawCursor(std::string_view text) noexcept  // NOLINT(google-explicit-constructor)
      : p(text.data()), end(text.data() + text.size()) {}

  static bool is_ws(char c) noexcept {
    // One compare for every byte that is not a control character or a space.
    return static_cast<unsigned char>(c) <= ' ' &&
           (c == ' ' || c == '\n' || c == '\r' || c == '\t');
  }

  void skip_ws() noexcept {
    while (p != end && is_ws(*p)) ++p;
  }
  // The exact bytes of `lit` next (no whitespace skipped): consumed.
  bool lit(const RawLiteral& l) noexcept {
    if (end - p < static_cast<std::ptrdiff_t>(l.size) || !l.matches(p)) return false;
    p += l.size;
    return true;
  }
  // The next non-whitespace byte is `c`: consumed.
  bool eat(char c) noexcept {
    skip_ws();
    if (p == end || *p != c) return false;
    ++p;
    return true;
  }
  // The next non-whitespace byte is `c` (not consumed).
  bool peek(char c) noexcept {
    skip_ws();
    return p != end && *p == c;
  }
  // Only whitespace is left.
  bool at_end() noexcept {
    skip_ws();
    return p == end;
  }
  // `"name":` with the name spelled without escapes.
  bool key(const RawKey& k) noexcept {
    skip_ws();
    if (end - p < static_cast<std::ptrdiff_t>(k.size) + 2 || *p != '"') return false;
    if (!k.matches(p + 1)) return false;
    p += k.size + 2;
    return eat(':');
  }
  // The next member's key: `compact` (its separator, the quoted name and the colon, as
  // `,"price_level":`) when it is written so, else `sep` and the key with any whitespace.
  bool member(const RawLiteral& compact, char sep, const RawKey& k) noexcept {
    return lit(compact) || (eat(sep) && key(k));
  }
  // Any key without escapes; `out` is its text.
  bool any_key(std::string_view& out) noexcept { return string(out) && eat(':'); }
  // A string of printable ASCII without escapes; `out` is its text without the quotes.
  // Sixteen bytes at a time where SSE2 is there (every x86-64): the first byte that is a
  // quote, a backslash, a control character, DEL or not ASCII ends the run.
  bool string(std::string_view& out) noexcept {
    skip_ws();
    if (p == end || *p != '"') return false;
    const char* s = ++p;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i del = _mm_set1_epi8(0x7F);
    const __m128i space = _mm_set1_epi8(0x20);
    for (;;) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i stop = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
          _mm_or_si128(_mm_cmpeq_epi8(v, del), _mm_cmplt_epi8(v, space)));  // < 0x20 or >= 0x80
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
      if (mask == 0) {
        p += 16;
        if (p >= end) return false;  // 16 bytes past end are readable, never more
        continue;
      }
      p += std::countr_zero(mask);
      if (p >= end || *p != '"') return false;
      out = std::string_view(s, static_cast<std::size_t>(p - s));
      ++p;
      return true;
    }
#else
    while (p != end) {
      const auto c = static_cast<unsigned char>(*p);
      if (c == '"') {
        out = std::string_view(s, static_cast<std::size_t>(p - s));
        ++p;
        return true;
      }
      if (c < 0x20 || c >= 0x7F || c == '\\') return false;
      ++p;
    }
    return false;
#endif
  }
  // An unsigned integer of 1..19 digits (no sign, no point, no exponent).
  bool uint(std::uint64_t& out) noexcept {
    skip_ws();
    std::uint64_t v = 0;
    int n = 0;
    while (p != end && static_cast<unsigned>(*p - '0') < 10u) {
      if (++n > 19) return false;
      v = v * 10 + static_cast<std::uint64_t>(*p - '0');
      ++p;
    }
    if (n == 0 || (p != end && !ends_value(*p))) return false;
    out = v;
    return true;
  }
  // A decimal written plainly, as a JSON number or a quoted string: digits[.digits] with
  // 1..10 integer digits and 1..8 fractional digits (plain_decimal_token's form, same value).
  // The usual token (up to 7 integer digits) is classified with two 8-byte loads and
  // converted without a loop; longer integer parts take decimal_general.
  [[gnu::always_inline]] bool decimal(RawNumber& out) noexcept {
    if constexpr (std::endian::native != std::endian::little) {
      return decimal_general(out);
    } else {
      skip_ws();
      if (p == end) return false;
      const bool quoted = *p == '"';
      const char* s = p + (quoted ? 1 : 0);
      std::uint64_t a = 0;
      std::uint64_t b = 0;
      std::memcpy(&a, s, 8);
      std::memcpy(&b, s + 8, 8);
      const std::uint64_t na = non_digits(a);
      if (na == 0) return decimal_general(out);  // 8 or more integer digits
      const int n = std::countr_zero(na) / 8;
      const std::ptrdiff_t avail = end - s;
      if (n == 0 || n > avail) return false;
      std::uint64_t raw = digits_value(a, n) * 100'000'000;
      out.int_digits = s;
      out.int_count = n;
      int pos = n;  // the byte after the number's digits
      int frac = 0;
      if (n < avail && s[n] == '.') {
        // The fraction's bytes, from the two words loaded (n <= 7: its first 8 are there).
        const unsigned shift = 8 * static_cast<unsigned>(n + 1);
        const std::uint64_t nb = non_digits(b);
        const std::uint64_t f = shift == 64 ? b : (a >> shift) | (b << (64 - shift));
        const std::uint64_t nf = shift == 64 ? nb : (na >> shift) | (nb << (64 - shift));
        frac = nf == 0 ? 8 : std::countr_zero(nf) / 8;
        if (frac == 0 || n + 1 + frac > avail) return false;
        static constexpr std::uint64_t kPow10[] = {1,      10,      100,      1000,     10000,
                                                   100000, 1000000, 10000000, 100000000};
        raw += digits_value(f, frac) * kPow10[8 - frac];
        pos = n + 1 + frac;
        if (frac == 8 && pos < avail && static_cast<unsigned>(s[pos] - '0') < 10u)
          return false;  // more than 8 decimals
      }
      out.frac_digits = s + pos - frac;
      out.frac_count = frac;
      if (quoted) {
        if (pos >= avail || s[pos] != '"') return false;
        ++pos;
      } else if (pos < avail && !ends_value(s[pos])) {
        return false;
      }
      p = s + pos;
      out.value = Decimal::from_raw8(static_cast<std::int64_t>(raw));
      return true;
    }
  }
  // decimal() for any length (9 or 10 integer digits too), a byte at a time past the first 8.
  bool decimal_general(RawNumber& out) noexcept {
    skip_ws();
    if (p == end) return false;
    const bool quoted = *p == '"';
    if (quoted) ++p;
    std::uint64_t raw = 0;
    int n = leading_digits8(p, raw);
    if (n == 0 || n > end - p) return false;
    out.int_digits = p;
    p += n;
    if (n == 8) {
      while (p != end && static_cast<unsigned>(*p - '0') < 10u) {
        if (++n > 10) return false;
        raw = raw * 10 + static_cast<std::uint64_t>(*p - '0');
        ++p;
      }
    }
    out.int_count = n;
    int frac = 0;
    if (p != end && *p == '.') {
      ++p;
      std::uint64_t chunk = 0;
      frac = leading_digits8(p, chunk);
      if (frac == 0 || frac > end - p) return false;
      out.frac_digits = p;
      p += frac;
      if (p != end && static_cast<unsigned>(*p - '0') < 10u) return false;  // > 8 decimals
      static constexpr std::uint64_t kPow10[] = {1,      10,      100,      1000,     10000,
                                                 100000, 1000000, 10000000, 100000000};
      raw = (raw * kPow10[frac] + chunk) * kPow10[8 - frac];
    } else {
      out.frac_digits = p;
      raw *= 100'000'000;
    }
    out.frac_count = frac;
    if (quoted) {
      if (p == end || *p != '"') return false;
      ++p;
    } else if (p != end && !ends_value(*p)) {
      return false;
    }
    out.value = Decimal::from_raw8(static_cast<std::int64_t>(raw));
    return true;
  }
  // Skips a scalar value: a string as string() reads it, a plain number, true, false or null.
  // Objects and arrays are not skipped (false).
  bool skip_scalar() noexcept {
    skip_ws();
    if (p == end) return false;
    if (*p == '"') {
      std::string_view ignored;
      return string(ignored);
    }
    const char* s = p;
    while (p != end && !ends_value(*p)) ++p;
    const auto word = std::string_view(s, static_cast<std::size_t>(p - s));
    if (word == "true" || word == "false" || word == "null") return true;
    if (word.empty() || !(word.front() == '-' || (word.front() >= '0' && word.front() <= '9')))
      return false;
    for (const char c : word) {
      if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'))
        return false;
    }
    return true;  // a number (its grammar is not checked further)
  }

 private:
  // A non-zero byte for each byte of `v` that is not an ASCII digit, exact up to the first one
  // (a carry out of a non-digit byte only reaches the bytes after it).
  static std::uint64_t non_digits(std::uint64_t v) noexcept {
    return ((v & 0xF0F0F0F0F0F0F0F0ULL) |
            (((v + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) ^
           0x3333333333333333ULL;
  }
  // The value of the first n (1..8) bytes of `v`, all digits (SWAR).
  static std::uint64_t digits_value(std::uint64_t v, int n) noexcept {
    v -= 0x3030303030303030ULL;  // a borrow only reaches the bytes after the digits
    v <<= (8 * (8 - n)) & 63;    // the digits to the top (n == 8: no shift)
    v = (v * 10) + (v >> 8);
    return (((v & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
            (((v >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
           32;
  }
  static bool ends_value(char c) noexcept {
    return c == ',' || c == '}' || c == ']' || is_ws(c);
  }
};

// How a venue writes a level object with two numbers: the member names, and the same as
// literals for the compact form (`{"price":` and `,"qty":`), which is tried first.
struct ObjectLevelForm {
  RawKey price;
  RawKey size;
  RawLiteral open_price;  // {"price":
  RawLiteral size_key;    // ,"qty":
};

// Reads an array of level objects {"<price>":number,"<size>":number} (those two members, in
// that order, nothing else) and calls on_level(price, size) for each; false (stop) on any other
// form or when on_level returns false. An empty array calls nothing.
template <class OnLevel>
bool scan_object_levels(RawCursor& c, const ObjectLevelForm& form, OnLevel&& on_level) {
  if (!c.eat('[')) return false;
  if (c.eat(']')) return true;
  do {
    RawNumber px;
    RawNumber sz;
    if (c.lit(form.open_price)) {  // compact: no whitespace before the numbers' ends
      if (!c.decimal(px) || !c.lit(form.size_key) || !c.decimal(sz) || !c.eat('}')) return false;
    } else if (!c.eat('{') || !c.key(form.price) || !c.decimal(px) || !c.eat(',') ||
               !c.key(form.size) || !c.decimal(sz) || !c.eat('}')) {
      return false;
    }
    if (!on_level(px, sz)) return false;
  } while (c.eat(','));
  return c.eat(']');
}

// Reads an array of [price, size] pairs and calls on_level(price, size) for each, as above.
template <class OnLevel>
bool scan_pair_levels(RawCursor& c, OnLevel&& on_level) {
  if (!c.eat('[')) return false;
  if (c.eat(']')) return true;
  do {
    RawNumber px;
    RawNumber sz;
    if (!c.eat('[') || !c.decimal(px) || !c.eat(',') || !c.decimal(sz) || !c.eat(']')) return false;
    if (!on_level(px, sz)) return false;
  } while (c.eat(','));
  return c.eat(']');
}

}  // namespace nzeza::venues::codec

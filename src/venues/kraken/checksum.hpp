#pragma once
// Kraken spot WebSocket v2 book checksum (docs.kraken.com, "Book checksum (WebSocket v2)").
//
// The checksum is CRC32 (IEEE 802.3, as zlib's crc32) over the top 10 levels: asks from the
// lowest price up, then bids from the highest price down; for each level the price text then
// the qty text, each with the decimal point removed and leading zeros stripped. The text is
// the exact wire text ("0.10000000" is not "0.1"): Kraken prints every price of a pair with
// the pair's price precision and every qty with its qty precision, so a level's wire text is
// its exact Decimal value written with that number of fractional digits. The codec learns the
// two precisions from the raw JSON tokens it receives (see KrakenCodec).
//
// Nothing here allocates.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "core/decimal.hpp"
#include "market/order_book.hpp"

namespace nzeza::venues::kraken {

// Incremental CRC32 (reflected polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF).
class Crc32 {
 public:
  void update(std::string_view bytes) noexcept;
  [[nodiscard]] std::uint32_t value() const noexcept { return ~state_; }

 private:
  std::uint32_t state_ = 0xFFFFFFFFu;
};

[[nodiscard]] std::uint32_t crc32(std::string_view bytes) noexcept;

// Longest text checksum_digits writes: the 23 integer digits of Decimal::max() plus 18 decimals.
inline constexpr std::size_t kMaxChecksumDigits = 41;
// Largest number of fractional digits a wire token may have for the checksum (Kraken uses at
// most 9; past 16 a token can only add trailing zeros because Decimal refuses more).
inline constexpr int kMaxWireDecimals = 18;

// Writes `value` as Kraken's checksum text of a wire token with `decimals` fractional digits:
// the digits of value * 10^decimals, without leading zeros ("0.00100000", 8 → "100000";
// "45285.2", 1 → "452852"). `value` must be >= 0 and 0 <= decimals <= kMaxWireDecimals.
// Returns one past the last char written (at most kMaxChecksumDigits chars).
char* checksum_digits(Decimal value, int decimals, char* out) noexcept;

// Same rule applied directly to a wire token's text ("0.00100000" → "100000"); for tests and
// for checking the rule against published examples.
// Returns one past the last char written; `out` needs token.size() chars.
char* checksum_digits(std::string_view wire_token, char* out) noexcept;

// checksum_digits(token) for a plain token `digits[.digits]` (at most 10 integer digits, no
// leading zero before another digit, at most 8 after its point, value > 0) that has `decimals`
// digits after its point, in a few word copies instead of a byte loop (a codec's raw path
// holds such tokens). Reads up to 24 bytes from token.data() (a padded frame has them);
// writes up to 16 bytes past out, and returns one past the last digit of the text.
inline char* plain_checksum_digits(std::string_view token, int decimals, char* out) noexcept {
  const char* s = token.data();
  const std::size_t int_len =
      token.size() - (decimals > 0 ? static_cast<std::size_t>(decimals) + 1 : 0);
  if (int_len != 1 || s[0] != '0') {
    std::memcpy(out, s, 16);
    out += int_len;
    std::memcpy(out, s + int_len + 1, 8);  // the fraction, when there is one
    return out + decimals;
  }
  // "0.00123": the fraction without its leading zeros.
  std::uint64_t w = 0;
  std::memcpy(&w, s + 2, 8);
  const std::uint64_t not_zero = w ^ 0x3030303030303030ULL;
  int zeros = not_zero == 0 ? 8 : std::countr_zero(not_zero) / 8;
  if (zeros > decimals) zeros = decimals;
  std::memcpy(out, s + 2 + zeros, 8);
  return out + (decimals - zeros);
}

// Number of fractional digits of a plain wire number ("45285.20" → 2, "7" → 0); -1 when the
// token is not a plain decimal (exponent, sign, junk) or has more than kMaxWireDecimals.
[[nodiscard]] int wire_decimals(std::string_view token) noexcept;

// Kraken's checksum of the book's top 10 levels per side, prices written with
// `price_decimals` and sizes with `qty_decimals` fractional digits.
[[nodiscard]] std::uint32_t book_checksum(const market::OrderBook& book, int price_decimals,
                                          int qty_decimals) noexcept;

// Levels per side that enter the checksum.
inline constexpr std::size_t kChecksumDepth = 10;

// crc32(A + B) from crc32(A), crc32(B) and the length of B, without reading either text
// (zlib's crc32_combine): CRC32 is linear, so crc(A + B) = crc(A) * x^(8 * |B|) mod P ^ crc(B).
[[nodiscard]] std::uint32_t crc32_combine(std::uint32_t crc_a, std::uint32_t crc_b,
                                          std::size_t size_b) noexcept;

namespace detail {
// a * b mod P for two bit-reflected polynomials (the CRC's own representation): by one
// carry-less multiply when `clmul` and the CPU has PCLMULQDQ, else bit by bit. For tests.
[[nodiscard]] std::uint32_t crc_multiply(std::uint32_t a, std::uint32_t b, bool clmul) noexcept;
// The CRC from state 0 (no initial value, no final xor) of a text of at most two
// kMaxChecksumDigits, as ChecksumCache computes a level's: by carry-less multiplies when
// `clmul` and the CPU has PCLMULQDQ, else by the tables. For tests.
[[nodiscard]] std::uint32_t text_crc0(std::string_view text, bool clmul) noexcept;
}  // namespace detail

// A level of a book frame as read from the wire: price_text and qty_text are its tokens (empty
// when not known), with price_decimals and qty_decimals decimals, in a frame padded as
// plain_checksum_digits reads it. ChecksumCache uses a level's tokens only when plain_token
// says plain_checksum_digits takes both.
struct WireLevel {
  // Laid out so the two token pointers fill what would be padding (64 bytes, as without them).
  Side side = Side::buy;
  std::uint8_t price_size = 0;  // the tokens' lengths (255: longer)
  std::uint8_t qty_size = 0;
  const char* price_token = nullptr;
  Decimal price;
  Decimal qty;
  int price_decimals = 0;
  int qty_decimals = 0;
  const char* qty_token = nullptr;

  [[nodiscard]] std::string_view price_text() const noexcept { return {price_token, price_size}; }
  [[nodiscard]] std::string_view qty_text() const noexcept { return {qty_token, qty_size}; }
  // Length as kept: 255 stands for any longer token (which plain_token refuses).
  [[nodiscard]] static std::uint8_t token_size(std::string_view token) noexcept {
    return static_cast<std::uint8_t>(token.size() < 255 ? token.size() : 255);
  }
};

// Whether plain_checksum_digits takes `token`, a token with `decimals` decimals (0..8).
[[nodiscard]] inline bool plain_token(std::string_view token, int decimals) noexcept {
  const std::size_t int_len =
      token.size() - (decimals > 0 ? static_cast<std::size_t>(decimals) + 1 : 0);
  return decimals >= 0 && decimals <= 8 && int_len >= 1 && int_len <= 10 && token.size() <= 19 &&
         (token[0] != '0' || int_len == 1) && (decimals == 0 || token[int_len] == '.');
}

// book_checksum for a book checked after every update, without printing or re-reading the
// text of unchanged levels. Each top level keeps its price, qty, and the CRC and length of its
// text (computed once, when the level appears or changes); each side keeps the CRC (from state
// 0) and length of its whole text. An update that replaces, inserts or deletes one level of a
// side (a new best bid pushing the tenth out, a deletion pulling the eleventh in, a qty change)
// moves that side's CRC by CRC32's linearity: a few carry-less multiplies (bit by bit on a CPU
// without PCLMULQDQ), whatever the lengths, without touching the other levels' entries (they
// stay in their slots; a byte order names them). A level whose price and qty are those of one
// of the last two entries that left the side's top (a qty put back, a level back from below
// the tenth) takes that entry's text CRC and length without printing it. Any other change of a
// side: its entries are rebuilt (kept entries of the same price and qty reused) and its CRC
// summed from them. The checksum is then the two sides'
// CRCs combined (two multiplies); an update that changes no top level returns the kept value.
// The text of a new top level is read from the update's wire tokens when `wire` holds that
// level with the cache's decimals (its frame must still be in memory), else printed from the
// Decimals. Always the value book_checksum gives for the same arguments. Fixed storage, no
// allocation. Threading: none.
class ChecksumCache {
 public:
  // Sides the book may have changed on since the last call (a caller that knows which sides an
  // update touched): kAsks | kBids unless the book is the one the last call saw, with the
  // side left out exactly as it was then (its top is not compared again).
  static constexpr unsigned kAsks = 1;
  static constexpr unsigned kBids = 2;

  [[nodiscard]] std::uint32_t checksum(const market::OrderBook& book, int price_decimals,
                                       int qty_decimals, std::span<const WireLevel> wire = {},
                                       unsigned changed_sides = kAsks | kBids) noexcept;

  // A level's text: its CRC from state 0 (no initial value, no final xor) and its length.
  struct Entry {
    Decimal price;
    Decimal qty;
    std::uint32_t crc = 0;
    std::uint32_t size = 0;
  };

 private:
  template <class Product>
  std::uint32_t update(const market::OrderBook& book, std::span<const WireLevel> wire,
                       unsigned changed_sides) noexcept;
  // `edit`: the book's one change of that side since the kept entries were its top (taken
  // without comparing), or null (the kept entries compared with the side's top).
  // `one_edit`: the top changed by one edit at most (the book's versions say so), its kind
  // and place found by compares.
  template <class Product, bool Asks>
  bool update_side(std::span<const market::BookLevel> levels, std::span<const WireLevel> wire,
                   const market::OrderBook::SideEdit* edit, bool one_edit = false) noexcept;

  // Per side (asks, bids): the kept top levels' entries in slots, best first in order_ (the
  // slot of each place: an insert or a delete moves bytes of order_, not entries). used_: the
  // slots order_ names. spare_: the slots of the last two entries that left the top (0xFF:
  // none), their text kept for a level that comes back with the same price and qty (a qty put
  // back, a level that went below the tenth and returns); a free slot is taken for a new entry
  // only when it is not one of them. A rebuild needs the kept entries and the new ones at once:
  // kSlots has room for both and the spares.
  static constexpr std::size_t kSlots = 24;
  static constexpr std::uint8_t kNoSlot = 0xFF;
  Entry slots_[2][kSlots];
  alignas(16) std::uint8_t order_[2][16] = {};
  std::uint32_t used_[2] = {};
  std::uint8_t spare_[2][2] = {{kNoSlot, kNoSlot}, {kNoSlot, kNoSlot}};
  std::uint32_t count_[2] = {};
  std::uint32_t side_crc_[2] = {};  // CRC from state 0 of the side's text (0 when empty)
  std::uint32_t side_size_[2] = {};
  std::uint32_t value_ = 0;  // the last checksum, when valid_
  bool valid_ = false;
  int price_decimals_ = -1;
  int qty_decimals_ = -1;
  // The stamp (OrderBook::stamp, never 0) of the book the kept entries are the top of, and the
  // side_version of each side (asks, bids) then; 0: none (every side compared).
  std::uint64_t seen_stamp_ = 0;
  std::uint64_t seen_version_[2] = {};
};

}  // namespace nzeza::venues::kraken

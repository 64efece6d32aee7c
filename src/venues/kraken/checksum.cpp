#include "venues/kraken/checksum.hpp"

#include <array>
#include <cstring>

namespace nzeza::venues::kraken {
namespace {

// Slicing-by-8 tables: kTables[0] is the classic byte table; kTables[k][i] is the CRC of byte i
// followed by k zero bytes, so eight input bytes fold in with eight lookups and no dependency
// chain between them.
using CrcTables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr CrcTables make_tables() noexcept {
  CrcTables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[0][i] = c;
  }
  for (std::uint32_t i = 0; i < 256; ++i) {
    for (std::size_t k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFFu];
  }
  return t;
}

constexpr CrcTables kTables = make_tables();

// "00".."99": two digits per division.
constexpr std::array<char, 200> make_pairs() noexcept {
  std::array<char, 200> p{};
  for (int i = 0; i < 100; ++i) {
    p[static_cast<std::size_t>(2 * i)] = static_cast<char>('0' + i / 10);
    p[static_cast<std::size_t>(2 * i + 1)] = static_cast<char>('0' + i % 10);
  }
  return p;
}
constexpr std::array<char, 200> kPairs = make_pairs();

// Number of decimal digits of n (0 for n == 0).
int digit_count(std::uint64_t n) noexcept {
  int d = 0;
  while (n >= 10'000) {
    n /= 10'000;
    d += 4;
  }
  return n == 0 ? d : d + (n >= 1'000 ? 4 : n >= 100 ? 3 : n >= 10 ? 2 : 1);
}

// Writes the decimal digits of n > 0 (no sign, no leading zeros); nothing for n == 0.
char* write_digits(std::uint64_t n, char* out) noexcept {
  char* end = out + digit_count(n);
  char* p = end;
  while (n >= 100) {
    const auto pair = static_cast<std::size_t>(n % 100) * 2;
    n /= 100;
    p -= 2;
    p[0] = kPairs[pair];
    p[1] = kPairs[pair + 1];
  }
  if (n >= 10) {
    p[-2] = kPairs[static_cast<std::size_t>(n) * 2];
    p[-1] = kPairs[static_cast<std::size_t>(n) * 2 + 1];
  } else if (n != 0) {
    p[-1] = static_cast<char>('0' + n);
  }
  return end;
}

// n / d when the quotient fits 64 bits ((n >> 64) < d, which the caller checks).
std::uint64_t narrow_quotient(uint128 n, std::uint64_t d) noexcept {
#if defined(__x86_64__)
  std::uint64_t q = 0;
  std::uint64_t r = 0;
  asm("divq %4"
      : "=a"(q), "=d"(r)
      : "a"(static_cast<std::uint64_t>(n)), "d"(static_cast<std::uint64_t>(n >> 64)), "r"(d));
  return q;
#else
  return static_cast<std::uint64_t>(n / d);
#endif
}

// The digits of n > 0 (nothing for 0), in 19-digit chunks when it does not fit 64 bits.
char* write_wide_digits(uint128 n, char* out) noexcept {
  constexpr std::uint64_t kChunk = 10'000'000'000'000'000'000U;  // 10^19
  if ((n >> 64) == 0) return write_digits(static_cast<std::uint64_t>(n), out);
  out = write_wide_digits(n / kChunk, out);
  std::uint64_t low = static_cast<std::uint64_t>(n % kChunk);
  for (int k = 18; k >= 0; --k) {
    out[k] = static_cast<char>('0' + low % 10);
    low /= 10;
  }
  return out + 19;
}

}  // namespace

void Crc32::update(std::string_view bytes) noexcept {
  std::uint32_t c = state_;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  while (n >= 8) {
    // Little-endian byte order, written out so it holds on any host.
    const std::uint32_t lo =
        (static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24) ^
        c;
    c = kTables[7][lo & 0xFFu] ^ kTables[6][(lo >> 8) & 0xFFu] ^ kTables[5][(lo >> 16) & 0xFFu] ^
        kTables[4][lo >> 24] ^ kTables[3][p[4]] ^ kTables[2][p[5]] ^ kTables[1][p[6]] ^
        kTables[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n-- != 0) c = kTables[0][(c ^ *p++) & 0xFFu] ^ (c >> 8);
  state_ = c;
}

std::uint32_t crc32(std::string_view bytes) noexcept {
  Crc32 c;
  c.update(bytes);
  return c.value();
}

char* checksum_digits(Decimal value, int decimals, char* out) noexcept {
  if (value.is_negative() || decimals < 0 || decimals > kMaxWireDecimals) return out;
  const auto raw = static_cast<uint128>(value.raw16());
  if (decimals <= Decimal::kScale) {
    // Exact when the value has no more than `decimals` fractional digits, which holds for a
    // level whose wire token had that many.
    static constexpr std::uint64_t kPow10[] = {1,
                                               10,
                                               100,
                                               1'000,
                                               10'000,
                                               100'000,
                                               1'000'000,
                                               10'000'000,
                                               100'000'000,
                                               1'000'000'000,
                                               10'000'000'000,
                                               100'000'000'000,
                                               1'000'000'000'000,
                                               10'000'000'000'000,
                                               100'000'000'000'000,
                                               1'000'000'000'000'000,
                                               10'000'000'000'000'000};
    const std::uint64_t divisor = kPow10[Decimal::kScale - decimals];
    if ((raw >> 64) == 0) return write_digits(static_cast<std::uint64_t>(raw) / divisor, out);
    if (static_cast<std::uint64_t>(raw >> 64) < divisor) {
      // The quotient fits 64 bits (every price and qty of a book does): one hardware 128/64
      // divide instead of the library's 128-bit division.
      return write_digits(narrow_quotient(raw, divisor), out);
    }
    return write_wide_digits(raw / divisor, out);
  }
  char* end = write_wide_digits(raw, out);
  if (end == out) return out;  // zero: no digits at all
  for (int i = Decimal::kScale; i < decimals; ++i) *end++ = '0';
  return end;
}

char* checksum_digits(std::string_view wire_token, char* out) noexcept {
  bool leading = true;
  for (const char c : wire_token) {
    if (c == '.') continue;
    if (leading && c == '0') continue;
    leading = false;
    *out++ = c;
  }
  return out;
}

int wire_decimals(std::string_view token) noexcept {
  int decimals = -1;  // -1 until the point is seen
  bool digit = false;
  for (const char c : token) {
    if (c >= '0' && c <= '9') {
      digit = true;
      if (decimals >= 0) ++decimals;
    } else if (c == '.' && decimals < 0) {
      decimals = 0;
    } else {
      return -1;
    }
  }
  if (!digit || decimals > kMaxWireDecimals) return -1;
  return decimals < 0 ? 0 : decimals;
}

std::uint32_t book_checksum(const market::OrderBook& book, int price_decimals,
                            int qty_decimals) noexcept {
  // The whole text first, then one CRC pass (the CRC of a concatenation is the CRC of its
  // parts fed in order).
  char buf[2 * kChecksumDepth * 2 * kMaxChecksumDigits];
  char* end = buf;
  const auto add_side = [&](Side side) {
    for (const auto& level : book.top(side, kChecksumDepth)) {
      end = checksum_digits(level.price, price_decimals, end);
      end = checksum_digits(level.size, qty_decimals, end);
    }
  };
  add_side(Side::sell);  // asks, lowest first
  add_side(Side::buy);   // bids, highest first
  Crc32 crc;
  crc.update(std::string_view(buf, static_cast<std::size_t>(end - buf)));
  return crc.value();
}

}  // namespace nzeza::venues::kraken

#include "venues/kraken/checksum.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <type_traits>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define NZEZA_KRAKEN_CRC_CLMUL 1
#endif

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

// The table CRC of `n` bytes at p from state c.
std::uint32_t crc_tables(std::uint32_t c, const unsigned char* p, std::size_t n) noexcept {
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
  if (n >= 4) {  // four bytes in four lookups (slicing by 4)
    const std::uint32_t lo =
        (static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24) ^
        c;
    c = kTables[3][lo & 0xFFu] ^ kTables[2][(lo >> 8) & 0xFFu] ^ kTables[1][(lo >> 16) & 0xFFu] ^
        kTables[0][lo >> 24];
    p += 4;
    n -= 4;
  }
  while (n-- != 0) c = kTables[0][(c ^ *p++) & 0xFFu] ^ (c >> 8);
  return c;
}

#if defined(NZEZA_KRAKEN_CRC_CLMUL)
// x's two halves multiplied by k's (carry-less), added (xor) to `next`: one fold step.
__attribute__((target("pclmul,sse2"), always_inline)) inline __m128i fold(__m128i x, __m128i k,
                                                                          __m128i next) noexcept {
  const __m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
  const __m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(hi, lo), next);
}

// A folded 128-bit remainder to the 32-bit CRC state: 128 bits to 64, then to 32 (Barrett).
__attribute__((target("pclmul,sse2"), always_inline)) inline std::uint32_t reduce128(
    __m128i x1, __m128i k3k4) noexcept {
  const __m128i k5k0 = _mm_set_epi64x(0, 0x0163cd6124);
  const __m128i poly = _mm_set_epi64x(0x01f7011641, 0x01db710641);
  const __m128i mask32 = _mm_setr_epi32(~0, 0, ~0, 0);
  __m128i x2b = _mm_clmulepi64_si128(x1, k3k4, 0x10);
  x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x2b);
  x2b = _mm_srli_si128(x1, 4);
  x1 = _mm_and_si128(x1, mask32);
  x1 = _mm_clmulepi64_si128(x1, k5k0, 0x00);
  x1 = _mm_xor_si128(x1, x2b);
  x2b = _mm_and_si128(x1, mask32);
  x2b = _mm_clmulepi64_si128(x2b, poly, 0x10);
  x2b = _mm_and_si128(x2b, mask32);
  x2b = _mm_clmulepi64_si128(x2b, poly, 0x00);
  x1 = _mm_xor_si128(x1, x2b);
  return static_cast<std::uint32_t>(_mm_cvtsi128_si32(_mm_srli_si128(x1, 4)));
}

// The CRC state after `n` bytes at p (n >= 64, a multiple of 16) from state c, by carry-less
// multiplication: four 16-byte lanes folded 64 bytes a step, then into one lane, then Barrett
// reduction (Gopal et al., "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ",
// Intel 2009; the bit-reflected constants of the IEEE polynomial, as zlib and Linux use them).
// A CPU without PCLMULQDQ never calls it (clmul_ok). About 0.1 cycle a byte against the
// tables' 1: a checksum text is 200..400 bytes.
__attribute__((target("pclmul,sse2"))) std::uint32_t crc_clmul(std::uint32_t c,
                                                               const unsigned char* p,
                                                               std::size_t n) noexcept {
  const auto load = [](const unsigned char* q) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  };
  const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
  const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
  __m128i x1 = _mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(c)));
  __m128i x2 = load(p + 16);
  __m128i x3 = load(p + 32);
  __m128i x4 = load(p + 48);
  p += 64;
  n -= 64;
  while (n >= 64) {
    x1 = fold(x1, k1k2, load(p));
    x2 = fold(x2, k1k2, load(p + 16));
    x3 = fold(x3, k1k2, load(p + 32));
    x4 = fold(x4, k1k2, load(p + 48));
    p += 64;
    n -= 64;
  }
  x1 = fold(x1, k3k4, x2);
  x1 = fold(x1, k3k4, x3);
  x1 = fold(x1, k3k4, x4);
  while (n >= 16) {
    x1 = fold(x1, k3k4, load(p));
    p += 16;
    n -= 16;
  }
  return reduce128(x1, k3k4);
}

// The CRC from state 0 of `n` bytes at p (n a multiple of 16, 16..96): the 16-byte blocks
// folded into one as crc_clmul's tail does, then its reduction; a level's text, zero padded in
// front to whole blocks (from state 0 a zero byte leaves the CRC at 0): one fold a block past
// the first and four multiplies, instead of eight table lookups each 8 bytes.
__attribute__((target("pclmul,sse2"))) std::uint32_t crc_short_clmul(const unsigned char* p,
                                                                     std::size_t n) noexcept {
  const auto load = [](const unsigned char* q) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  };
  const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
  __m128i x1 = load(p);
  for (std::size_t i = 16; i < n; i += 16) x1 = fold(x1, k3k4, load(p + i));
  return reduce128(x1, k3k4);
}

// Whether this CPU runs crc_clmul (checked once).
bool clmul_ok() noexcept {
  static const bool ok = __builtin_cpu_supports("pclmul") != 0;
  return ok;
}
#endif

// One level's text at most: a price and a qty of kMaxChecksumDigits each.
constexpr std::size_t kMaxLevelText = 2 * kMaxChecksumDigits;

// A product of two bit-reflected 32-bit polynomials as a 64-bit one (bit m is the coefficient
// of x^(63 - m)) reduced mod P: its high-degree half H (the low 32 bits) is H * x^32 mod P, the
// state after four zero bytes, which the slicing tables give in four lookups.
constexpr std::uint32_t reduce64(std::uint64_t v) noexcept {
  const auto h = static_cast<std::uint32_t>(v);
  return kTables[3][h & 0xFFu] ^ kTables[2][(h >> 8) & 0xFFu] ^ kTables[1][(h >> 16) & 0xFFu] ^
         kTables[0][h >> 24] ^ static_cast<std::uint32_t>(v >> 32);
}

// a * b mod P bit by bit (the integer carry-less product of two reflected polynomials is the
// reflected product shifted right by one).
// The product not yet reduced (64 bits, bit m the coefficient of x^(63 - m)); reduce64 is
// linear, so a sum of such products is reduced once.
constexpr std::uint64_t product_portable(std::uint32_t a, std::uint32_t b) noexcept {
  std::uint64_t r = 0;
  for (int i = 0; i < 32; ++i) {
    r ^= (static_cast<std::uint64_t>(a) << i) & (0 - static_cast<std::uint64_t>((b >> i) & 1u));
  }
  return r << 1;
}
constexpr std::uint32_t multiply_portable(std::uint32_t a, std::uint32_t b) noexcept {
  return reduce64(product_portable(a, b));
}

// The longest checksum text: every top level of both sides at its longest.
constexpr std::size_t kMaxBookText = 2 * kChecksumDepth * kMaxLevelText;

// kBytePowers[n] = x^(8n) mod P (reflected; x^0 is 0x80000000) for any text of a checksum: the
// state after a zero byte is the state times x^8.
constexpr std::array<std::uint32_t, kMaxBookText + 1> make_byte_powers() noexcept {
  std::array<std::uint32_t, kMaxBookText + 1> p{};
  p[0] = 0x80000000u;
  for (std::size_t n = 0; n < kMaxBookText; ++n) p[n + 1] = kTables[0][p[n] & 0xFFu] ^ (p[n] >> 8);
  return p;
}
constexpr auto kBytePowers = make_byte_powers();

// kInvBytePowers[n] = x^(-8n) mod P, for a level whose text got shorter by n bytes (x is
// invertible mod P: P's constant term is 1). Dividing by x: add P when the x^0 coefficient (bit
// 31) is set, then every coefficient moves one degree down (one bit up).
constexpr std::array<std::uint32_t, kMaxLevelText + 1> make_inverse_byte_powers() noexcept {
  std::array<std::uint32_t, kMaxLevelText + 1> p{};
  p[0] = 0x80000000u;
  for (std::size_t n = 0; n < kMaxLevelText; ++n) {
    std::uint32_t c = p[n];
    for (int k = 0; k < 8; ++k) c = (c & 0x80000000u) != 0 ? ((c ^ 0xEDB88320u) << 1) | 1u : c << 1;
    p[n + 1] = c;
  }
  return p;
}
constexpr auto kInvBytePowers = make_inverse_byte_powers();
static_assert(multiply_portable(kBytePowers[1], kInvBytePowers[1]) == 0x80000000u);
static_assert(multiply_portable(kBytePowers[kMaxLevelText], kInvBytePowers[kMaxLevelText]) ==
              0x80000000u);

// kSquarePowers[k] = x^(8 * 2^k) mod P, for a length of any size.
constexpr std::array<std::uint32_t, 64> make_square_powers() noexcept {
  std::array<std::uint32_t, 64> q{};
  q[0] = kBytePowers[1];
  for (std::size_t k = 1; k < q.size(); ++k) q[k] = multiply_portable(q[k - 1], q[k - 1]);
  return q;
}
constexpr auto kSquarePowers = make_square_powers();

#if defined(NZEZA_KRAKEN_CRC_CLMUL)
// a * b mod P by one carry-less multiply, written as inline assembly so it inlines into code
// built without PCLMULQDQ (called only where clmul_ok()).
inline std::uint64_t product_clmul(std::uint32_t a, std::uint32_t b) noexcept {
  __m128i x = _mm_cvtsi32_si128(static_cast<int>(a));
  const __m128i y = _mm_cvtsi32_si128(static_cast<int>(b));
  asm("pclmulqdq $0x00, %1, %0" : "+x"(x) : "x"(y));
  return static_cast<std::uint64_t>(_mm_cvtsi128_si64(x)) << 1;
}
inline std::uint32_t multiply_clmul(std::uint32_t a, std::uint32_t b) noexcept {
  return reduce64(product_clmul(a, b));
}
#endif

}  // namespace

namespace detail {
std::uint32_t crc_multiply(std::uint32_t a, std::uint32_t b, bool clmul) noexcept {
#if defined(NZEZA_KRAKEN_CRC_CLMUL)
  if (clmul && clmul_ok()) return multiply_clmul(a, b);
#else
  (void)clmul;
#endif
  return multiply_portable(a, b);
}
}  // namespace detail

std::uint32_t crc32_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::size_t size_b) noexcept {
  std::uint32_t a = crc_a;
  for (std::size_t k = 0; size_b != 0; ++k, size_b >>= 1) {
    if ((size_b & 1u) != 0) a = detail::crc_multiply(a, kSquarePowers[k], true);
  }
  return a ^ crc_b;
}

void Crc32::update(std::string_view bytes) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  std::uint32_t c = state_;
#if defined(NZEZA_KRAKEN_CRC_CLMUL)
  if (n >= 64 && clmul_ok()) {
    const std::size_t bulk = n & ~std::size_t{15};
    c = crc_clmul(c, p, bulk);
    p += bulk;
    n -= bulk;
  }
#endif
  state_ = crc_tables(c, p, n);
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

namespace {

// The 8 decimal digits of x < 10^8, most significant in the lowest byte (0..9, not yet ASCII):
// two halves of 4, their pairs, their digits, each step a multiply by a reciprocal in every
// lane at once.
constexpr std::uint64_t digits8(std::uint32_t x) noexcept {
  std::uint64_t v = x / 10'000 | static_cast<std::uint64_t>(x % 10'000) << 32;
  std::uint64_t q = ((v * 10'486) >> 20) & 0x0000'007F'0000'007FULL;  // v / 100, v < 10^4
  v = q | (v - q * 100) << 16;
  q = ((v * 103) >> 10) & 0x000F'000F'000F'000FULL;  // v / 10, v < 100
  return q | (v - q * 10) << 8;
}
static_assert(digits8(12'345'678) == 0x0807'0605'0403'0201ULL);
static_assert(digits8(90'000'009) == 0x0900'0000'0000'0009ULL);

// checksum_digits(value, decimals, out) for a value with at most 8 decimals of at most 16
// digits once scaled (every price and qty of a book): its count of 10^-8 units by an exact
// division (a multiply by the inverse of 5^8 mod 2^64, checked), the scaling by a constant
// division, the digits by digits8. May write up to 8 bytes past the text's end. Anything else
// through checksum_digits.
char* level_digits(Decimal value, int decimals, char* out) noexcept {
  constexpr std::uint64_t kInverse5Pow8 = 0xC767'074B'22E9'0E21ULL;  // 390625^-1 mod 2^64
  static_assert(kInverse5Pow8 * 390'625ULL == 1);
  const auto raw = static_cast<uint128>(value.raw16());
  const std::uint64_t raw8 = static_cast<std::uint64_t>(raw >> 8) * kInverse5Pow8;
  if (value.is_negative() || decimals < 0 || decimals > 8 ||
      static_cast<uint128>(raw8) * 100'000'000 != raw) {
    return checksum_digits(value, decimals, out);
  }
  std::uint64_t n = 0;
  switch (decimals) {  // constant divisors: multiplies
    case 0:
      n = raw8 / 100'000'000;
      break;
    case 1:
      n = raw8 / 10'000'000;
      break;
    case 2:
      n = raw8 / 1'000'000;
      break;
    case 3:
      n = raw8 / 100'000;
      break;
    case 4:
      n = raw8 / 10'000;
      break;
    case 5:
      n = raw8 / 1'000;
      break;
    case 6:
      n = raw8 / 100;
      break;
    case 7:
      n = raw8 / 10;
      break;
    default:
      n = raw8;
      break;
  }
  if (n == 0) return out;  // no digits at all, as checksum_digits
  if (n >= 10'000'000'000'000'000ULL) return checksum_digits(value, decimals, out);
  constexpr std::uint64_t kAscii = 0x3030'3030'3030'3030ULL;
  const auto high = static_cast<std::uint32_t>(n / 100'000'000);
  const std::uint64_t low = digits8(static_cast<std::uint32_t>(n % 100'000'000));
  if (high == 0) {
    const int zeros = std::countr_zero(low) / 8;  // leading zero digits
    const std::uint64_t text = (low >> (8 * zeros)) | kAscii;
    std::memcpy(out, &text, 8);
    return out + (8 - zeros);
  }
  const std::uint64_t top = digits8(high);
  const int zeros = std::countr_zero(top) / 8;
  const std::uint64_t text = (top >> (8 * zeros)) | kAscii;
  std::memcpy(out, &text, 8);
  out += 8 - zeros;
  const std::uint64_t rest = low | kAscii;
  std::memcpy(out, &rest, 8);
  return out + 8;
}

// The CRC from state 0 of the `size` bytes before `end`, which has 16 zero bytes or more before
// its text: by carry-less multiplies (whole 16-byte blocks) when `Clmul`, else by the tables
// (whole 8-byte steps: no 4-byte step, no byte loop).
template <bool Clmul>
std::uint32_t text_crc(const char* end, std::size_t size) noexcept {
#if defined(NZEZA_KRAKEN_CRC_CLMUL)
  if constexpr (Clmul) {
    const std::size_t whole = size == 0 ? 16 : (size + 15) & ~std::size_t{15};
    return crc_short_clmul(reinterpret_cast<const unsigned char*>(end - whole), whole);
  }
#endif
  const std::size_t whole = (size + 7) & ~std::size_t{7};
  return crc_tables(0, reinterpret_cast<const unsigned char*>(end - whole), whole);
}

// `e` for `level`: its text (from its wire tokens when `wire` has them with the cache's
// decimals and plain_token takes them, else printed from the Decimals) and that text's CRC.
template <bool Asks, bool Clmul>
void fill_entry(const market::BookLevel& level, ChecksumCache::Entry& e, int price_decimals,
                int qty_decimals, std::span<const WireLevel> wire) noexcept {
  // Sixteen zero bytes, then room for a printed text, or for two plain token texts and the 16
  // bytes each may write past its end. From state 0 a zero byte leaves the CRC at 0, so the
  // text's CRC is that of the text with up to 15 of those zeros before it (text_crc).
  char buf[16 + kMaxLevelText + 16];
  std::memset(buf, 0, 16);
  char* const text = buf + 16;
  const WireLevel* token = nullptr;
  for (const WireLevel& l : wire) {
    if (l.side == (Asks ? Side::sell : Side::buy) && l.price == level.price &&
        l.qty == level.size && l.price_decimals == price_decimals &&
        l.qty_decimals == qty_decimals && plain_token(l.price_text(), price_decimals) &&
        plain_token(l.qty_text(), qty_decimals)) {
      token = &l;
      break;
    }
  }
  char* w = text;
  if (token != nullptr) {
    w = plain_checksum_digits(token->price_text(), price_decimals, w);
    w = plain_checksum_digits(token->qty_text(), qty_decimals, w);
  } else {
    w = level_digits(level.price, price_decimals, w);
    w = level_digits(level.size, qty_decimals, w);
  }
  e.price = level.price;
  e.qty = level.size;
  e.size = static_cast<std::uint32_t>(w - text);
  e.crc = text_crc<Clmul>(w, e.size);
}

}  // namespace

namespace {
// The unreduced product by PCLMULQDQ when the CPU has it, else bit by bit (function objects,
// so combine_levels inlines them).
#if defined(NZEZA_KRAKEN_CRC_CLMUL)
struct ProductClmul {
  static constexpr bool kClmul = true;
  std::uint64_t operator()(std::uint32_t a, std::uint32_t b) const noexcept {
    return product_clmul(a, b);
  }
};
#endif
struct ProductPortable {
  static constexpr bool kClmul = false;
  std::uint64_t operator()(std::uint32_t a, std::uint32_t b) const noexcept {
    return product_portable(a, b);
  }
};
}  // namespace

namespace {

// A side's CRC after one of its levels changed, by CRC32's linearity. The side's text is
// A + M + B: A the text of the kept places [0, k), M the changed level's (before: `old_crc` and
// `old_size`, 0 and 0 for an insertion; after: `new_crc` and `new_size`, 0 and 0 for a
// deletion), B the text of the places [b, n), the levels after it, `a` bytes long (place i's
// entry: slots[order[i]]):
//   crc(A M' B) = crc(A M B) ^ (crc(M) ^ crc(M')) x^(8a)
//                 ^ crc(A) (x^(8(|M| + a)) ^ x^(8(|M'| + a)))
// The last term is 0 when both texts have one length or A is empty. When B is empty,
// crc(A) x^(8|M|) = crc(A M) ^ crc(M), so crc(A M') = (crc(A M) ^ crc(M)) x^(8(|M'| - |M|)) ^
// crc(M'). Else crc(A) is summed from A's k entries, or, when B has fewer, the term is taken
// from B's: crc(A) x^(8(|M| + a)) is W = crc(A M B) ^ crc(M) x^(8a) ^ crc(B), and the term is
// W (1 ^ x^(8(|M'| - |M|))).
template <class Product>
__attribute__((always_inline)) inline std::uint32_t edit_side_crc(
    std::uint32_t side_crc, const ChecksumCache::Entry* slots, const std::uint8_t* order,
    std::size_t k, std::size_t b, std::size_t n, std::size_t a, std::uint32_t old_crc,
    std::uint32_t old_size, std::uint32_t new_crc, std::uint32_t new_size,
    Product product) noexcept {
  if (old_size == new_size || k == 0) {
    return side_crc ^ reduce64(product(old_crc ^ new_crc, kBytePowers[a]));
  }
  const std::uint32_t shift =
      new_size > old_size ? kBytePowers[new_size - old_size] : kInvBytePowers[old_size - new_size];
  if (b == n) return reduce64(product(side_crc ^ old_crc, shift)) ^ new_crc;
  const std::uint64_t moved = product(old_crc ^ new_crc, kBytePowers[a]);
  if (k <= n - b) {
    std::uint64_t prefix = 0;
    std::size_t after = 0;
    for (std::size_t i = k; i-- > 0;) {
      const ChecksumCache::Entry& e = slots[order[i]];
      prefix ^= product(e.crc, kBytePowers[after]);
      after += e.size;
    }
    return side_crc ^ reduce64(moved ^ product(reduce64(prefix), kBytePowers[old_size + a] ^
                                                                     kBytePowers[new_size + a]));
  }
  std::uint64_t suffix = product(old_crc, kBytePowers[a]);
  std::size_t after = 0;
  for (std::size_t i = n; i-- > b;) {
    const ChecksumCache::Entry& e = slots[order[i]];
    suffix ^= product(e.crc, kBytePowers[after]);
    after += e.size;
  }
  const std::uint32_t w = side_crc ^ reduce64(suffix);
  return side_crc ^ reduce64(moved ^ product(w, 0x80000000u ^ shift));
}

// order[] as one 128-bit word (byte i: place i's slot), with `slot` put at place `at` (the
// places from `at` on one further), or place `at` taken out (the places after it one nearer).
inline void order_insert(std::uint8_t* order, std::size_t at, std::uint8_t slot) noexcept {
  if constexpr (std::endian::native != std::endian::little) {  // byte i is not bits 8i..8i+7
    for (std::size_t i = 15; i > at; --i) order[i] = order[i - 1];
    order[at] = slot;
    return;
  }
  uint128 o = 0;
  std::memcpy(&o, order, 16);
  const uint128 low = (uint128{1} << (8 * at)) - 1;
  o = (o & low) | ((o << 8) & ~((low << 8) | 0xFF)) | (uint128{slot} << (8 * at));
  std::memcpy(order, &o, 16);
}
inline void order_erase(std::uint8_t* order, std::size_t at) noexcept {
  if constexpr (std::endian::native != std::endian::little) {
    for (std::size_t i = at; i < 15; ++i) order[i] = order[i + 1];
    order[15] = 0;
    return;
  }
  uint128 o = 0;
  std::memcpy(&o, order, 16);
  const uint128 low = (uint128{1} << (8 * at)) - 1;
  o = (o & low) | ((o >> 8) & ~low);
  std::memcpy(order, &o, 16);
}

}  // namespace

namespace {

// Whether a kept entry is `level` (same price and qty): their 32 bytes compared at once (a
// Decimal is its 128-bit count, one representation a value).
inline bool same_level(const ChecksumCache::Entry& e, const market::BookLevel& level) noexcept {
#if defined(NZEZA_KRAKEN_CRC_CLMUL)
  static_assert(sizeof(Decimal) == 16);
  const auto load = [](const Decimal& d) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(&d));
  };
  const __m128i eq = _mm_and_si128(_mm_cmpeq_epi8(load(e.price), load(level.price)),
                                   _mm_cmpeq_epi8(load(e.qty), load(level.size)));
  return _mm_movemask_epi8(eq) == 0xFFFF;
#else
  return e.price == level.price && e.qty == level.size;
#endif
}

}  // namespace

template <class Product, bool Asks>
bool ChecksumCache::update_side(std::span<const market::BookLevel> levels,
                                std::span<const WireLevel> wire,
                                const market::OrderBook::SideEdit* edit, bool one_edit) noexcept {
  constexpr int side = Asks ? 0 : 1;
  const std::size_t n = levels.size() < kChecksumDepth ? levels.size() : kChecksumDepth;
  Entry* const slots = slots_[side];
  std::uint8_t* const order = order_[side];
  std::uint8_t* const spare = spare_[side];
  const std::size_t old_n = count_[side];
  const Product product{};
  std::uint32_t& crc = side_crc_[side];
  std::uint32_t& size = side_size_[side];
  std::uint32_t& count = count_[side];
  std::uint32_t& used = used_[side];
  const auto kept = [&](std::size_t i) -> const Entry& { return slots[order[i]]; };
  const auto bit = [](std::uint8_t slot) { return std::uint32_t{1} << slot; };
  // A slot holding `level`'s entry: a spare one of the same price and qty (no longer a spare),
  // else a free one (not in `busy`, not a spare) filled.
  const auto take = [&](const market::BookLevel& level, std::uint32_t busy)
      __attribute__((always_inline)) {
    if (spare[0] != kNoSlot && same_level(slots[spare[0]], level)) {
      const std::uint8_t s = spare[0];
      spare[0] = spare[1];
      spare[1] = kNoSlot;
      return s;
    }
    if (spare[1] != kNoSlot && same_level(slots[spare[1]], level)) {
      const std::uint8_t s = spare[1];
      spare[1] = kNoSlot;
      return s;
    }
    std::uint32_t taken = busy;
    if (spare[0] != kNoSlot) taken |= bit(spare[0]);
    if (spare[1] != kNoSlot) taken |= bit(spare[1]);
    const auto s = static_cast<std::uint8_t>(std::countr_one(taken));
    fill_entry<Asks, Product::kClmul>(level, slots[s], price_decimals_, qty_decimals_, wire);
    return s;
  };
  // A slot whose entry left the top: the newest spare.
  const auto release = [&](std::uint8_t s) __attribute__((always_inline)) {
    used &= ~bit(s);
    spare[1] = spare[0];
    spare[0] = s;
  };
  // One level's change, its order moves, and the side's CRC and length; `a`: the bytes of the
  // kept levels after it (found by the compares that chose the change).
  const auto replace_at = [&](std::size_t at, std::size_t a) __attribute__((always_inline)) {
    const std::uint8_t old_slot = order[at];
    const std::uint8_t s = take(levels[at], used);
    const Entry& e = slots[s];
    const std::uint32_t old_size = slots[old_slot].size;
    crc = edit_side_crc(crc, slots, order, at, at + 1, count, a, slots[old_slot].crc, old_size,
                        e.crc, e.size, product);
    size += e.size - old_size;
    used |= bit(s);
    release(old_slot);
    order[at] = s;
  };
  const auto insert_at = [&](std::size_t at, std::size_t a)
      __attribute__((always_inline)) {  // levels[at] before place at
    const std::uint8_t s = take(levels[at], used);
    const Entry& e = slots[s];
    crc = edit_side_crc(crc, slots, order, at, at, count, a, 0, 0, e.crc, e.size, product);
    size += e.size;
    used |= bit(s);
    order_insert(order, at, s);
    ++count;
  };
  const auto delete_at = [&](std::size_t at, std::size_t a) __attribute__((always_inline)) {
    const std::uint8_t s = order[at];
    crc = edit_side_crc(crc, slots, order, at, at + 1, count, a, slots[s].crc, slots[s].size, 0, 0,
                        product);
    size -= slots[s].size;
    release(s);
    order_erase(order, at);
    --count;
  };
  // The bytes of the places [from, count): summed over those places, or over the others when
  // they are fewer.
  const auto bytes_from = [&](std::size_t from) __attribute__((always_inline)) {
    std::uint32_t a = 0;
    if (2 * from < count) {
      for (std::size_t i = 0; i < from; ++i) a += kept(i).size;
      return static_cast<std::size_t>(size - a);
    }
    for (std::size_t i = from; i < count; ++i) a += kept(i).size;
    return static_cast<std::size_t>(a);
  };
  if (edit != nullptr) {
    // The book's one change since the kept entries were its top (OrderBook::last_edit): the
    // same moves the compares below would find, without comparing. `index` is the level's
    // place before an erase or a replace, after an insert.
    const std::size_t at = edit->index;
    switch (edit->kind) {
      case market::OrderBook::SideEdit::Kind::replace:
        if (at >= old_n) return false;  // below the top
        replace_at(at, bytes_from(at + 1));
        return true;
      case market::OrderBook::SideEdit::Kind::erase:
        if (at >= old_n) return false;
        delete_at(at, bytes_from(at + 1));
        if (n == old_n) insert_at(n - 1, 0);  // the next level up into the top
        return true;
      case market::OrderBook::SideEdit::Kind::insert:
        if (at >= kChecksumDepth) return false;
        if (n == old_n) delete_at(old_n - 1, 0);  // the last one out of the top
        insert_at(at, bytes_from(at));
        return true;
      case market::OrderBook::SideEdit::Kind::unknown:
        break;
    }
  }
  const auto same = [&](std::size_t kept_i, std::size_t level_i) {
    return same_level(kept(kept_i), levels[level_i]);
  };
  // The kept levels that are still the side's first ones.
  const std::size_t common = n < old_n ? n : old_n;
  std::size_t k = 0;
  while (k < common && same(k, k)) ++k;
  if (k == n && n == old_n) return false;
  if (one_edit && k < common) {
    // One edit of the top, at k: its kind from the prices at k alone (the same price: a qty
    // change; a better one: a new level; a worse one: level k gone), checked by one compare of
    // the places it moves (the last ones), not a walk over every place after k.
    const Decimal kept_price = kept(k).price;
    const Decimal price = levels[k].price;
    if (kept_price == price) {
      if (n == old_n && (k + 1 == n || same(n - 1, n - 1))) {
        replace_at(k, bytes_from(k + 1));
        return true;
      }
    } else if (Asks ? price < kept_price : price > kept_price) {
      if ((n == old_n || n == old_n + 1) && (k + 1 == n || same(n - 2, n - 1))) {
        if (n == old_n) delete_at(old_n - 1, 0);  // the last one out of the top
        insert_at(k, bytes_from(k));
        return true;
      }
    } else if ((n == old_n || n + 1 == old_n) && (k + 1 == old_n || same(old_n - 1, old_n - 2))) {
      delete_at(k, bytes_from(k + 1));
      if (n == old_n) insert_at(n - 1, 0);  // the next level up into the top
      return true;
    }
  }
  if (n == old_n) {
    // Only level k differs (the kept levels after it all still in place)?
    std::size_t last = n - 1;
    std::size_t a = 0;
    while (last > k && same(last, last)) a += kept(last--).size;
    if (last == k) {
      replace_at(k, a);
      return true;
    }
  }
  if (old_n != 0 && (n == old_n || n == old_n + 1)) {
    // A level inserted at k (the kept levels from k on one place lower; the last one out of the
    // top when the side had all of them)?
    std::size_t i = k;
    std::size_t a = 0;
    while (i + 1 < n && same(i, i + 1)) a += kept(i++).size;
    if (i + 1 >= n) {
      if (n == old_n) delete_at(old_n - 1, 0);
      insert_at(k, a);
      return true;
    }
  }
  if (n == old_n || n + 1 == old_n) {
    // Level k deleted (the kept levels after it one place higher; the next one below them in
    // at the end when the side keeps its count)?
    std::size_t i = k;
    std::size_t a = 0;
    while (i + 1 < old_n && same(i + 1, i)) a += kept(++i).size;
    if (i + 1 >= old_n) {
      delete_at(k, a);
      if (n == old_n) insert_at(n - 1, 0);
      return true;
    }
  }
  // Anything else: the places from k on rebuilt, each the kept entry of the same price and qty
  // (the kept levels after the unchanged first k are sorted best first like `levels`), else a
  // new one; the kept slots stay busy until the end (a later place may reuse one), then the
  // side's CRC is summed from its entries.
  alignas(16) std::uint8_t fresh[16] = {};
  std::memcpy(fresh, order, k);
  std::uint32_t fresh_used = 0;
  for (std::size_t i = 0; i < k; ++i) fresh_used |= bit(order[i]);
  std::size_t j = k;
  for (std::size_t i = k; i < n; ++i) {
    const market::BookLevel& level = levels[i];
    const Decimal price = level.price;
    // The kept entry of this price, skipping the kept levels better than it (gone).
    bool same_price = false;
    while (j < old_n) {
      const Decimal kept_price = kept(j).price;
      if (kept_price == price) {
        same_price = true;
        break;
      }
      if (Asks ? kept_price > price : kept_price < price) break;  // a new level
      ++j;
    }
    std::uint8_t s = kNoSlot;
    if (same_price && kept(j).qty == level.size) {
      s = order[j++];
    } else {
      s = take(level, used | fresh_used);
      j += same_price ? 1 : 0;  // its qty changed
    }
    fresh[i] = s;
    fresh_used |= bit(s);
  }
  std::memcpy(order, fresh, 16);
  used = fresh_used;
  count = static_cast<std::uint32_t>(n);
  std::uint64_t sum = 0;
  std::size_t after = 0;
  for (std::size_t i = n; i-- > 0;) {
    const Entry& e = kept(i);
    sum ^= product(e.crc, kBytePowers[after]);
    after += e.size;
  }
  crc = reduce64(sum);
  size = static_cast<std::uint32_t>(after);
  return true;
}

template <class Product>
std::uint32_t ChecksumCache::update(const market::OrderBook& book, std::span<const WireLevel> wire,
                                    unsigned changed_sides) noexcept {
  // A side of the book the kept entries were taken from (same stamp: no other book, nor a copy,
  // has it) is skipped when its version is the one seen then, and takes its one edit when it
  // moved by one.
  const bool same_book = seen_stamp_ == book.stamp();
  const auto side_changed = [&](auto asks, unsigned flag) {
    constexpr bool kAsksSide = decltype(asks)::value;
    constexpr Side book_side = kAsksSide ? Side::sell : Side::buy;
    std::uint64_t& seen = seen_version_[kAsksSide ? 0 : 1];
    const std::uint64_t version = book.side_version(book_side);
    const market::OrderBook::SideEdit edit = book.last_edit(book_side);
    bool changed = false;
    if (same_book && version == seen) {
      changed = false;
    } else if (same_book && version == seen + 1 &&
               edit.kind != market::OrderBook::SideEdit::Kind::unknown) {
      changed = update_side<Product, kAsksSide>(book.levels(book_side), wire, &edit);
    } else if (same_book && version == seen + 2 &&
               edit.kind != market::OrderBook::SideEdit::Kind::unknown &&
               edit.index >= kChecksumDepth) {
      // Two edits, the last one below the top (a deletion and the level sent to keep the
      // depth): the top changed by the first one alone.
      changed = update_side<Product, kAsksSide>(book.levels(book_side), wire, nullptr, true);
    } else {
      changed = (changed_sides & flag) != 0 &&
                update_side<Product, kAsksSide>(book.levels(book_side), wire, nullptr);
    }
    seen = version;
    return changed;
  };
  const bool asks_changed = side_changed(std::true_type{}, kAsks);
  const bool bids_changed = side_changed(std::false_type{}, kBids);
  seen_stamp_ = book.stamp();
  if (!asks_changed && !bids_changed && valid_) return value_;
  // The CRC state of asks + bids from 0xFFFFFFFF, by linearity:
  // 0xFFFFFFFF x^(8 (|asks| + |bids|)) ^ crc(asks) x^(8 |bids|) ^ crc(bids).
  const Product product{};
  const std::uint32_t state =
      reduce64(product(0xFFFFFFFFu, kBytePowers[side_size_[0] + side_size_[1]]) ^
               product(side_crc_[0], kBytePowers[side_size_[1]])) ^
      side_crc_[1];
  value_ = ~state;
  valid_ = true;
  return value_;
}

std::uint32_t ChecksumCache::checksum(const market::OrderBook& book, int price_decimals,
                                      int qty_decimals, std::span<const WireLevel> wire,
                                      unsigned changed_sides) noexcept {
  if (price_decimals != price_decimals_ || qty_decimals != qty_decimals_) {
    changed_sides = kAsks | kBids;
    for (int side = 0; side < 2; ++side) {  // every text changes: no entry kept
      count_[side] = 0;
      used_[side] = 0;
      spare_[side][0] = kNoSlot;
      spare_[side][1] = kNoSlot;
      side_crc_[side] = 0;
      side_size_[side] = 0;
    }
    price_decimals_ = price_decimals;
    qty_decimals_ = qty_decimals;
    valid_ = false;
    seen_stamp_ = 0;  // no book's stamp: every side compared
  }
#if defined(NZEZA_KRAKEN_CRC_CLMUL)
  if (clmul_ok()) return update<ProductClmul>(book, wire, changed_sides);
#endif
  return update<ProductPortable>(book, wire, changed_sides);
}

namespace detail {
std::uint32_t text_crc0(std::string_view text, bool clmul) noexcept {
  char buf[16 + kMaxLevelText];
  if (text.size() > kMaxLevelText) return 0;
  std::memset(buf, 0, 16);
  std::memcpy(buf + 16, text.data(), text.size());
  const char* end = buf + 16 + text.size();
#if defined(NZEZA_KRAKEN_CRC_CLMUL)
  if (clmul && clmul_ok()) return text_crc<true>(end, text.size());
#else
  (void)clmul;
#endif
  return text_crc<false>(end, text.size());
}
}  // namespace detail

}  // namespace nzeza::venues::kraken

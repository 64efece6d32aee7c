#include "venues/kraken/checksum.hpp"

#include <array>

namespace nzeza::venues::kraken {
namespace {

constexpr std::array<std::uint32_t, 256> make_table() noexcept {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kTable = make_table();

constexpr std::array<std::int64_t, 9> kPow10 = {1,       10,        100,        1'000,      10'000,
                                                100'000, 1'000'000, 10'000'000, 100'000'000};

// Writes the decimal digits of n > 0 (no sign, no leading zeros); nothing for n == 0.
char* write_digits(std::uint64_t n, char* out) noexcept {
  char tmp[20];
  int len = 0;
  while (n != 0) {
    tmp[len++] = static_cast<char>('0' + n % 10);
    n /= 10;
  }
  while (len > 0) *out++ = tmp[--len];
  return out;
}

}  // namespace

void Crc32::update(std::string_view bytes) noexcept {
  std::uint32_t c = state_;
  for (const char ch : bytes) c = kTable[(c ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (c >> 8);
  state_ = c;
}

std::uint32_t crc32(std::string_view bytes) noexcept {
  Crc32 c;
  c.update(bytes);
  return c.value();
}

char* checksum_digits(Decimal value, int decimals, char* out) noexcept {
  if (value.is_negative() || decimals < 0 || decimals > kMaxWireDecimals) return out;
  const auto raw = static_cast<std::uint64_t>(value.raw());
  if (decimals <= Decimal::kScale) {
    // Exact when the value has no more than `decimals` fractional digits, which holds for a
    // level whose wire token had that many.
    return write_digits(raw / static_cast<std::uint64_t>(kPow10[Decimal::kScale - decimals]), out);
  }
  char* end = write_digits(raw, out);
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
  Crc32 crc;
  char buf[2 * kMaxChecksumDigits];
  const auto add_side = [&](Side side) {
    for (const auto& level : book.top(side, kChecksumDepth)) {
      char* end = checksum_digits(level.price, price_decimals, buf);
      end = checksum_digits(level.size, qty_decimals, end);
      crc.update(std::string_view(buf, static_cast<std::size_t>(end - buf)));
    }
  };
  add_side(Side::sell);  // asks, lowest first
  add_side(Side::buy);   // bids, highest first
  return crc.value();
}

}  // namespace nzeza::venues::kraken

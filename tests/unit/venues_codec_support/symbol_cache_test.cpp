// SymbolCache::resolve: the last hit compared inline by words, every length and every byte.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/instrument.hpp"
#include "venues/codec_support/codec_support.hpp"

namespace nzeza::venues::codec {
namespace {

TEST(SymbolCache, the_last_hit_is_a_hit_only_for_the_same_symbol_at_every_length_and_byte) {
  // Symbols of 1 to 40 bytes; after each, a symbol of its length differing in one byte (each
  // byte in turn, by one bit) is not the last hit: it is unknown, and the symbol again is its
  // instrument. A symbol one byte shorter or longer is not the last hit either.
  InstrumentRegistry reg;
  std::vector<std::string> names;
  for (std::size_t n = 1; n <= 40; ++n) {
    std::string name;
    for (std::size_t i = 0; i < n; ++i) name += static_cast<char>('A' + (i * 7 + n) % 26);
    Instrument inst;
    inst.venue = Venue::kraken;
    inst.canonical = "C" + std::to_string(n);
    inst.venue_symbol = name;
    inst.base = "B";
    inst.quote = "Q";
    inst.tick_size = Decimal::from_raw8(1);
    inst.lot_size = Decimal::from_raw8(1);
    ASSERT_TRUE(reg.add(inst).ok());
    names.push_back(name);
  }
  SymbolCache cache(reg, Venue::kraken, 10'000, 64);
  for (const std::string& name : names) {
    SymbolEntry* const hit = cache.resolve(name);
    ASSERT_NE(hit, nullptr);
    ASSERT_NE(hit->instrument, nullptr);
    ASSERT_EQ(hit->instrument->venue_symbol, name);
    for (std::size_t i = 0; i < name.size(); ++i) {
      std::string other = name;
      other[i] = static_cast<char>(other[i] ^ 0x20);
      SymbolEntry* const miss = cache.resolve(other);
      ASSERT_NE(miss, nullptr) << other;
      EXPECT_EQ(miss->instrument, nullptr) << other;
      EXPECT_EQ(cache.resolve(name), hit) << name;
    }
    const std::string longer = name + "X";
    EXPECT_EQ(cache.resolve(longer)->instrument, nullptr) << longer;
    EXPECT_EQ(cache.resolve(name), hit);
    const std::string_view shorter(name.data(), name.size() - 1);
    SymbolEntry* const s = cache.resolve(shorter);
    ASSERT_NE(s, nullptr);
    EXPECT_NE(s, hit);
    EXPECT_EQ(cache.resolve(name), hit);
  }
}

}  // namespace
}  // namespace nzeza::venues::codec

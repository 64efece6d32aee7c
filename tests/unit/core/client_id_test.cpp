#include "core/client_id.hpp"

#include <gtest/gtest.h>

#include <set>

namespace nzeza {
namespace {

ClientIdCodec codec() {
  return *ClientIdCodec::create("a1");
}

TEST(ClientIdCodec, binance_ids_fit_36_chars_of_the_allowed_alphabet) {
  const auto id = *codec().encode(Venue::binance, UINT64_MAX);
  EXPECT_EQ(id.text, "nz-a1-18446744073709551615");
  EXPECT_TRUE(is_valid_binance_client_id(id.text));
  EXPECT_LE(id.text.size(), 36U);
  EXPECT_EQ(codec().decode(Venue::binance, id.text), UINT64_MAX);
  EXPECT_FALSE(is_valid_binance_client_id("has space"));
  EXPECT_FALSE(is_valid_binance_client_id(std::string(37, 'a')));
}

TEST(ClientIdCodec, kraken_ids_fit_18_chars) {
  const auto max = *ClientIdCodec::create("abcd");
  const auto id = *max.encode(Venue::kraken, UINT64_MAX);
  EXPECT_LE(id.text.size(), 18U);
  EXPECT_TRUE(is_valid_kraken_client_id(id.text));
  EXPECT_EQ(max.decode(Venue::kraken, id.text), UINT64_MAX);
  EXPECT_EQ(codec().encode(Venue::kraken, 36)->text, "na110");
  EXPECT_TRUE(is_valid_kraken_client_id("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_FALSE(is_valid_kraken_client_id("1234567890123456789"));
}

TEST(ClientIdCodec, hyperliquid_cloid_is_128_bit_hex) {
  const auto id = *codec().encode(Venue::hyperliquid, 255);
  EXPECT_EQ(id.text,
            "0x6e7a613100000000"
            "00000000000000ff");
  EXPECT_TRUE(is_valid_hyperliquid_cloid(id.text));
  EXPECT_EQ(codec().decode(Venue::hyperliquid, id.text), 255U);
  EXPECT_FALSE(is_valid_hyperliquid_cloid("0x1234"));
}

TEST(ClientIdCodec, dydx_ids_are_uint32) {
  EXPECT_EQ(codec().encode(Venue::dydx, 42)->text, "42");
  EXPECT_EQ(codec().encode(Venue::dydx, (1ULL << 32) + 7)->text, "7");
  EXPECT_EQ(codec().decode(Venue::dydx, "4294967295"), 4294967295U);
  EXPECT_EQ(codec().decode(Venue::dydx, "4294967296"), std::nullopt);
}

TEST(ClientIdCodec, recognises_external_ids_as_not_ours) {
  const auto c = codec();
  EXPECT_EQ(c.decode(Venue::binance, "web_abcdef"), std::nullopt);
  EXPECT_EQ(c.decode(Venue::binance, "nz-zz-5"), std::nullopt);  // other instance
  EXPECT_EQ(c.decode(Venue::coinbase, "nz-a1-"), std::nullopt);
  EXPECT_EQ(c.decode(Venue::coinbase, "nz-a1-0012"), std::nullopt);
  EXPECT_EQ(c.decode(Venue::kraken, "na1!"), std::nullopt);
  EXPECT_EQ(c.decode(Venue::hyperliquid, "0x00000000000000000000000000000001"), std::nullopt);
}

TEST(ClientIdCodec, refuses_bad_tags) {
  EXPECT_FALSE(ClientIdCodec::create("").ok());
  EXPECT_FALSE(ClientIdCodec::create("toolong").ok());
  EXPECT_FALSE(ClientIdCodec::create("A-").ok());
}

TEST(ClientIdCounter, continues_from_a_persisted_high_water_mark) {
  ClientIdCounter counter(41);
  EXPECT_EQ(counter.next(), 42U);
  EXPECT_EQ(counter.next(), 43U);
  EXPECT_EQ(counter.last(), 43U);
}

TEST(DydxClientIdAllocator, skips_ids_that_may_still_be_live) {
  ClientIdCounter counter(0);
  DydxClientIdAllocator alloc(counter);
  std::set<std::uint32_t> live{1, 2, 4};
  EXPECT_EQ(*alloc.next([&](std::uint32_t id) { return live.count(id) != 0; }), 3U);
  EXPECT_EQ(*alloc.next([&](std::uint32_t id) { return live.count(id) != 0; }), 5U);
}

TEST(DydxClientIdAllocator, wraps_at_2_pow_32_without_reusing_a_live_id) {
  ClientIdCounter counter(UINT32_MAX - 1);
  DydxClientIdAllocator alloc(counter);
  EXPECT_EQ(*alloc.next({}), UINT32_MAX);
  EXPECT_EQ(*alloc.next([](std::uint32_t id) { return id == 0; }), 1U);
}

TEST(NonceSource, follows_the_clock_and_stays_strictly_increasing) {
  NonceSource nonces(0);
  EXPECT_EQ(nonces.next(1000), 1000U);
  EXPECT_EQ(nonces.next(1000), 1001U);  // two calls in one millisecond
  EXPECT_EQ(nonces.next(999), 1002U);   // clock stepped back
  EXPECT_EQ(nonces.next(5000), 5000U);
}

}  // namespace
}  // namespace nzeza

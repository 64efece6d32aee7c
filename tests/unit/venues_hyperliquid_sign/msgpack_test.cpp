// The msgpack encoder writes what Python's msgpack.packb writes: narrowest int widths, str8 and
// str16, array16/map16, insertion-ordered maps, and refuses floats.

#include "venues/hyperliquid/msgpack.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "venues/hyperliquid/hash.hpp"

namespace hl = nzeza::venues::hyperliquid;
namespace json = boost::json;

namespace {
std::string hex_of(const json::value& v) {
  auto r = hl::msgpack_encode(v);
  EXPECT_TRUE(r.ok());
  return r.ok() ? hl::to_hex(*r) : std::string("<error>");
}
}  // namespace

TEST(HyperliquidMsgpack, unsigned_integers_take_the_narrowest_width) {
  EXPECT_EQ(hex_of(json::value(0)), "00");
  EXPECT_EQ(hex_of(json::value(127)), "7f");
  EXPECT_EQ(hex_of(json::value(128)), "cc80");
  EXPECT_EQ(hex_of(json::value(255)), "ccff");
  EXPECT_EQ(hex_of(json::value(256)), "cd0100");
  EXPECT_EQ(hex_of(json::value(65535)), "cdffff");
  EXPECT_EQ(hex_of(json::value(65536)), "ce00010000");
  EXPECT_EQ(hex_of(json::value(4294967295LL)), "ceffffffff");
  EXPECT_EQ(hex_of(json::value(4294967296LL)), "cf0000000100000000");
  EXPECT_EQ(hex_of(json::value(std::uint64_t{18446744073709551615ULL})), "cfffffffffffffffff");
}

TEST(HyperliquidMsgpack, negative_integers_use_signed_forms) {
  EXPECT_EQ(hex_of(json::value(-1)), "ff");
  EXPECT_EQ(hex_of(json::value(-32)), "e0");
  EXPECT_EQ(hex_of(json::value(-33)), "d0df");
  EXPECT_EQ(hex_of(json::value(-128)), "d080");
  EXPECT_EQ(hex_of(json::value(-129)), "d1ff7f");
  EXPECT_EQ(hex_of(json::value(-32769)), "d2ffff7fff");
  EXPECT_EQ(hex_of(json::value(-2147483649LL)), "d3ffffffff7fffffff");
}

TEST(HyperliquidMsgpack, strings_use_fixstr_then_str8_then_str16) {
  EXPECT_EQ(hex_of(json::value("")), "a0");
  EXPECT_EQ(hex_of(json::value("Gtc")), "a3477463");
  const std::string s31(31, 'x');
  EXPECT_EQ(hex_of(json::value(s31)).substr(0, 2), "bf");
  const std::string s32(32, 'x');
  EXPECT_EQ(hex_of(json::value(s32)).substr(0, 4), "d920");
  const std::string s255(255, 'y');
  EXPECT_EQ(hex_of(json::value(s255)).substr(0, 4), "d9ff");
  const std::string s256(256, 'z');
  const auto h = hex_of(json::value(s256));
  EXPECT_EQ(h.substr(0, 6), "da0100");
  EXPECT_EQ(h.size(), 2U * (3 + 256));
}

TEST(HyperliquidMsgpack, bools_and_null) {
  EXPECT_EQ(hex_of(json::value(true)), "c3");
  EXPECT_EQ(hex_of(json::value(false)), "c2");
  EXPECT_EQ(hex_of(json::value(nullptr)), "c0");
}

TEST(HyperliquidMsgpack, arrays_and_maps_switch_to_16_bit_headers_at_16_entries) {
  json::array a15(15, json::value(1));
  EXPECT_EQ(hex_of(a15).substr(0, 2), "9f");
  json::array a16(16, json::value(1));
  EXPECT_EQ(hex_of(a16).substr(0, 6), "dc0010");
  json::object m;
  for (int i = 0; i < 16; ++i) m[std::string(1, static_cast<char>('a' + i))] = i;
  EXPECT_EQ(hex_of(m).substr(0, 6), "de0010");
}

TEST(HyperliquidMsgpack, maps_keep_insertion_order_not_sorted_order) {
  json::object m;
  m["zeta"] = 1;
  m["alpha"] = 2;
  EXPECT_EQ(hex_of(m), "82a47a65746101a5616c70686102");
}

TEST(HyperliquidMsgpack, refuses_floating_point_values) {
  json::object m;
  m["p"] = 1.5;
  const auto r = hl::msgpack_encode(m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, nzeza::ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("floating-point"), std::string::npos);
}

TEST(HyperliquidMsgpack, refuses_nesting_deeper_than_32_levels) {
  json::value v = 1;
  for (int i = 0; i < 40; ++i) {
    json::array a;
    a.push_back(std::move(v));
    v = std::move(a);
  }
  EXPECT_FALSE(hl::msgpack_encode(v).ok());
}

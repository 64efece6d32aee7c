// Action wire forms: SDK key order, float_to_wire strings, the /exchange body.

#include "venues/hyperliquid/wire.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <vector>

#include "venues/hyperliquid/hash.hpp"
#include "venues/hyperliquid/msgpack.hpp"
#include "venues/hyperliquid/signer.hpp"

namespace hl = nzeza::venues::hyperliquid;
namespace json = boost::json;
using nzeza::operator""_d;

TEST(HyperliquidWire, decimal_to_wire_strips_trailing_zeros_and_never_uses_an_exponent) {
  EXPECT_EQ(hl::decimal_to_wire("100"_d), "100");
  EXPECT_EQ(hl::decimal_to_wire("100.00"_d), "100");
  EXPECT_EQ(hl::decimal_to_wire("1670.10"_d), "1670.1");
  EXPECT_EQ(hl::decimal_to_wire("0.0147"_d), "0.0147");
  EXPECT_EQ(hl::decimal_to_wire("0.00000001"_d), "0.00000001");
  EXPECT_EQ(hl::decimal_to_wire("120000"_d), "120000");
  EXPECT_EQ(hl::decimal_to_wire("0"_d), "0");
}

TEST(HyperliquidWire, limit_order_keys_follow_the_sdk_order_with_cloid_last) {
  hl::OrderWire o;
  o.asset = 3;
  o.is_buy = false;
  o.limit_px = "2500.5"_d;
  o.size = "0.25"_d;
  o.reduce_only = true;
  o.tif = hl::Tif::alo;
  o.cloid = "0x000000000000000000000000000000ff";
  const std::vector<hl::OrderWire> orders{o};
  EXPECT_EQ(json::serialize(hl::order_action(orders)),
            R"({"type":"order","orders":[{"a":3,"b":false,"p":"2500.5","s":"0.25","r":true,)"
            R"("t":{"limit":{"tif":"Alo"}},"c":"0x000000000000000000000000000000ff"}],)"
            R"("grouping":"na"})");
}

TEST(HyperliquidWire, trigger_order_keys_are_is_market_trigger_px_tpsl) {
  hl::OrderWire o;
  o.asset = 0;
  o.limit_px = "31000"_d;
  o.size = "0.001"_d;
  o.trigger = hl::OrderWire::Trigger{false, "30500"_d, hl::TpSl::tp};
  const std::vector<hl::OrderWire> orders{o};
  EXPECT_EQ(json::serialize(hl::order_action(orders, "normalTpsl")),
            R"({"type":"order","orders":[{"a":0,"b":true,"p":"31000","s":"0.001","r":false,)"
            R"("t":{"trigger":{"isMarket":false,"triggerPx":"30500","tpsl":"tp"}}}],)"
            R"("grouping":"normalTpsl"})");
}

TEST(HyperliquidWire, cancel_forms) {
  const std::vector<hl::CancelWire> c{{7, 123456789012ULL}};
  EXPECT_EQ(json::serialize(hl::cancel_action(c)),
            R"({"type":"cancel","cancels":[{"a":7,"o":123456789012}]})");
  const std::vector<hl::CancelByCloidWire> cc{{2, "0x0000000000000000000000000000000a"}};
  EXPECT_EQ(json::serialize(hl::cancel_by_cloid_action(cc)),
            R"({"type":"cancelByCloid","cancels":[{"asset":2,)"
            R"("cloid":"0x0000000000000000000000000000000a"}]})");
  EXPECT_EQ(json::serialize(hl::schedule_cancel_action(std::nullopt)),
            R"({"type":"scheduleCancel"})");
  EXPECT_EQ(json::serialize(hl::schedule_cancel_action(1700000000000ULL)),
            R"({"type":"scheduleCancel","time":1700000000000})");
}

TEST(HyperliquidWire, order_action_msgpack_uses_str8_for_a_cloid) {
  hl::OrderWire o;
  o.limit_px = "1"_d;
  o.size = "1"_d;
  o.cloid = "0x0000000000000000000000000000abcd";
  const std::vector<hl::OrderWire> orders{o};
  const auto mp = hl::msgpack_encode(hl::order_action(orders));
  ASSERT_TRUE(mp.ok());
  // "c" then str8 of 34 bytes.
  EXPECT_NE(hl::to_hex(*mp).find("a163d922"), std::string::npos);
}

TEST(HyperliquidWire, exchange_body_carries_action_nonce_signature_vault_and_expiry) {
  hl::Signature sig;
  sig.v = 27;
  const auto action = hl::schedule_cancel_action(std::nullopt);
  auto body = json::parse(hl::exchange_body(action, 42, sig, std::nullopt, std::nullopt));
  EXPECT_EQ(body.at("nonce").as_int64(), 42);
  EXPECT_TRUE(body.at("vaultAddress").is_null());
  EXPECT_TRUE(body.at("expiresAfter").is_null());
  EXPECT_EQ(body.at("signature").at("v").as_int64(), 27);
  body = json::parse(hl::exchange_body(action, 43, sig,
                                       std::string("0x00000000000000000000000000000000000000aa"),
                                       1700000060000ULL));
  EXPECT_EQ(body.at("vaultAddress").as_string(), "0x00000000000000000000000000000000000000aa");
  EXPECT_EQ(body.at("expiresAfter").as_int64(), 1700000060000);
  EXPECT_EQ(json::serialize(body.at("action")), R"({"type":"scheduleCancel"})");
}

// Order shape checks, good-til windows and exact quantums/subticks conversion.

#include "venues/dydx/transaction.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "venues/dydx/quantums.hpp"

namespace nzeza::venues::dydx {
namespace {

PerpetualMarket btc() {
  return {"BTC-USD", 0, -10, -9, 1'000'000, 100'000};
}

Decimal dec(const char* s) {
  return Decimal::parse(s).value();
}

TEST(DydxQuantums, converts_exact_size_and_price) {
  EXPECT_EQ(size_to_quantums(btc(), dec("0.0001")).value(), 1'000'000u);
  EXPECT_EQ(size_to_quantums(btc(), dec("1.5")).value(), 15'000'000'000u);
  EXPECT_EQ(price_to_subticks(btc(), dec("64123")).value(), 6'412'300'000u);
  EXPECT_EQ(quantums_to_size(btc(), 15'000'000'000u).value(), dec("1.5"));
  EXPECT_EQ(subticks_to_price(btc(), 6'412'300'000u).value(), dec("64123"));
}

TEST(DydxQuantums, refuses_size_off_the_step_instead_of_truncating) {
  auto q = size_to_quantums(btc(), dec("0.00015"));
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, ErrorCode::precision);
  EXPECT_NE(q.error().message.find("nearest valid: 1000000 or 2000000"), std::string::npos)
      << q.error().message;
}

TEST(DydxQuantums, refuses_price_off_the_tick_instead_of_truncating) {
  auto s = price_to_subticks(btc(), dec("64123.5"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::precision);
  EXPECT_NE(s.error().message.find("6412350000 subticks"), std::string::npos) << s.error().message;
}

TEST(DydxQuantums, refuses_value_finer_than_one_quantum) {
  // atomicResolution -5: one quantum is 0.00001; 0.000001 is not a whole number
  // of quantums.
  PerpetualMarket m{"X-USD", 9, -5, -9, 1, 1};
  auto q = size_to_quantums(m, dec("0.000001"));
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, ErrorCode::precision);
  EXPECT_EQ(size_to_quantums(m, dec("0.00002")).value(), 2u);
}

TEST(DydxQuantums, refuses_non_positive_values_and_bad_metadata) {
  EXPECT_EQ(size_to_quantums(btc(), dec("0")).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(price_to_subticks(btc(), dec("-1")).error().code, ErrorCode::invalid_argument);
  PerpetualMarket bad = btc();
  bad.step_base_quantums = 0;
  EXPECT_FALSE(size_to_quantums(bad, dec("1")).ok());
}

TEST(DydxQuantums, reports_overflow_past_uint64) {
  // 92233720368 BTC = 9.2e20 quantums > 2^64.
  EXPECT_EQ(size_to_quantums(btc(), dec("92233720368")).error().code, ErrorCode::overflow);
}

RC_GTEST_PROP(DydxQuantums, whole_steps_round_trip_exactly, ()) {
  const auto steps = *rc::gen::inRange<std::uint64_t>(1, 10'000'000);
  const auto ticks = *rc::gen::inRange<std::uint64_t>(1, 100'000'000);
  const auto size = quantums_to_size(btc(), steps * 1'000'000);
  const auto price = subticks_to_price(btc(), ticks * 100'000);
  RC_ASSERT(size.ok());
  RC_ASSERT(price.ok());
  RC_ASSERT(size_to_quantums(btc(), *size).value() == steps * 1'000'000);
  RC_ASSERT(price_to_subticks(btc(), *price).value() == ticks * 100'000);
}

PlaceOrderSpec short_term() {
  PlaceOrderSpec s;
  s.id = {"dydx1owner", 0, 42, kOrderFlagsShortTerm, 0};
  s.quantums = 1'000'000;
  s.subticks = 100'000;
  s.good_til.block = 120;
  return s;
}

TEST(DydxOrderShape, short_term_needs_good_til_block_and_long_term_good_til_block_time) {
  EXPECT_TRUE(validate_place_order(short_term()).ok());
  auto s = short_term();
  s.good_til = {0, 1'767'225'600};
  EXPECT_FALSE(validate_place_order(s).ok());
  s.id.order_flags = kOrderFlagsLongTerm;
  EXPECT_TRUE(validate_place_order(s).ok());
  s.good_til = {120, 1'767'225'600};
  EXPECT_FALSE(validate_place_order(s).ok()) << "both set";
  s.good_til = {120, 0};
  EXPECT_FALSE(validate_place_order(s).ok());
}

TEST(DydxOrderShape, ioc_must_be_short_term_and_flags_must_be_known) {
  auto s = short_term();
  s.time_in_force = TimeInForce::ioc;
  EXPECT_TRUE(validate_place_order(s).ok());
  s.id.order_flags = kOrderFlagsLongTerm;
  s.good_til = {0, 1'767'225'600};
  EXPECT_FALSE(validate_place_order(s).ok());
  s.id.order_flags = 7;
  EXPECT_FALSE(validate_place_order(s).ok());
}

TEST(DydxOrderShape, good_til_block_window_is_height_plus_20) {
  EXPECT_TRUE(check_good_til_block(120, 100).ok());
  EXPECT_TRUE(check_good_til_block(101, 100).ok());
  EXPECT_FALSE(check_good_til_block(121, 100).ok());
  EXPECT_FALSE(check_good_til_block(100, 100).ok());
}

TEST(DydxOrderShape, good_til_block_time_is_at_most_95_days_ahead) {
  const std::int64_t now = 1'767'000'000;
  EXPECT_TRUE(check_good_til_block_time(static_cast<std::uint32_t>(now + 60), now).ok());
  EXPECT_TRUE(check_good_til_block_time(static_cast<std::uint32_t>(now + 95 * 86400), now).ok());
  EXPECT_FALSE(
      check_good_til_block_time(static_cast<std::uint32_t>(now + 95 * 86400 + 1), now).ok());
  EXPECT_FALSE(check_good_til_block_time(static_cast<std::uint32_t>(now), now).ok());
}

TEST(DydxOrderShape, signer_refuses_an_order_owned_by_another_address) {
  auto w = Wallet::from_mnemonic(
      "legal winner thank year wave sausage worth "
      "useful legal winner thank yellow");
  ASSERT_TRUE(w.ok());
  TxParams p;
  p.chain_id = "dydx-testnet-4";
  auto tx = sign_place_order(*w, short_term(), p);
  ASSERT_FALSE(tx.ok());
  EXPECT_NE(tx.error().message.find("not the signing wallet"), std::string::npos);
  auto s = short_term();
  s.id.owner = w->address();
  EXPECT_TRUE(sign_place_order(*w, s, p).ok());
  p.chain_id.clear();
  EXPECT_FALSE(sign_place_order(*w, s, p).ok());
}

TEST(DydxOrderShape, tx_hash_is_upper_case_sha256_of_tx_raw) {
  SignedTx tx;
  tx.tx_raw = "abc";
  EXPECT_EQ(tx.tx_hash(), "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
}

}  // namespace
}  // namespace nzeza::venues::dydx

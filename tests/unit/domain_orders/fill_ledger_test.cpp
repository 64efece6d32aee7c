#include "domain/fill_ledger.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace nzeza::domain::test {
namespace {

TEST(FillLedger, records_a_new_fill_once) {
  FillLedger ledger;
  auto r = ledger.record(fill("t1", "0.5"_d));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, FillOutcome::applied);
  EXPECT_EQ(ledger.size(), 1u);
  EXPECT_TRUE(ledger.contains(FillKey{Venue::coinbase, kSpotId, "t1"}));
}

TEST(FillLedger, same_trade_twice_is_a_duplicate_and_changes_nothing) {
  FillLedger ledger;
  ASSERT_TRUE(ledger.record(fill("t1", "0.5"_d)).ok());
  auto again = ledger.record(fill("t1", "0.5"_d));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, FillOutcome::duplicate);
  EXPECT_EQ(to_string(*again), "duplicate");
  EXPECT_EQ(ledger.size(), 1u);
  EXPECT_EQ(ledger.duplicates_seen(), 1u);
}

TEST(FillLedger, same_trade_id_on_another_instrument_or_venue_is_a_different_fill) {
  FillLedger ledger;
  ASSERT_TRUE(ledger.record(fill("42", "0.5"_d)).ok());
  EXPECT_EQ(*ledger.record(fill("42", "0.5"_d, "100"_d, Side::buy, "0"_d, "USD", kPerpId)),
            FillOutcome::applied);
  EXPECT_EQ(*ledger.record(
                fill("42", "0.5"_d, "100"_d, Side::buy, "0"_d, "USD", kSpotId, Venue::binance)),
            FillOutcome::applied);
  EXPECT_EQ(ledger.size(), 3u);
}

TEST(FillLedger, same_key_with_different_figures_is_an_error_not_a_duplicate) {
  FillLedger ledger;
  ASSERT_TRUE(ledger.record(fill("t1", "0.5"_d)).ok());
  auto r = ledger.record(fill("t1", "0.6"_d));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::invalid_state);
  EXPECT_NE(r.error().message.find("0.6"), std::string::npos);
  EXPECT_EQ(ledger.find(FillKey{Venue::coinbase, kSpotId, "t1"})->quantity, "0.5"_d);
}

TEST(FillValidation, refuses_missing_trade_id_non_positive_price_and_fee_without_currency) {
  Fill f = fill("", "1"_d);
  EXPECT_EQ(validate(f).error().code, ErrorCode::invalid_argument);
  f = fill("t", "1"_d, "0"_d);
  EXPECT_NE(validate(f).error().message.find("price must be > 0"), std::string::npos);
  f = fill("t", "1"_d, "100"_d, Side::buy, "0.1"_d, "");
  EXPECT_NE(validate(f).error().message.find("has no currency"), std::string::npos);
  FillLedger ledger;
  EXPECT_FALSE(ledger.record(f).ok());
  EXPECT_EQ(ledger.size(), 0u);
}

TEST(FillValidation, notional_is_exact_and_overflow_is_an_error) {
  EXPECT_EQ(*notional(fill("t", "0.00012345"_d, "45000.5"_d)), "5.555311725"_d);
  EXPECT_EQ(*notional(fill("t", "0.0000000000000025"_d, "0.1"_d)),
            "0.0000000000000002"_d);                          // 2.5e-16 → even
  Fill huge = fill("t", "200000000000"_d, "100000000000"_d);  // 2e22 > 1.7e22
  EXPECT_FALSE(notional(huge).ok());
  EXPECT_EQ(validate(huge).error().code, ErrorCode::overflow);
}

}  // namespace
}  // namespace nzeza::domain::test

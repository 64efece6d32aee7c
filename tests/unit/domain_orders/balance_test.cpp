#include "domain/balance.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace nzeza::domain::test {
namespace {

Balance usd(Decimal available, Decimal locked = "0"_d) {
  return Balance::create("USD", available, locked).value();
}

TEST(Balance, total_is_available_plus_locked_exactly) {
  Balance b = usd("100.1"_d, "0.2"_d);
  EXPECT_EQ(b.total(), "100.3"_d);
}

TEST(Balance, snapshot_must_add_up_exactly_with_no_float_tolerance) {
  EXPECT_TRUE(Balance::from_snapshot("USD", "0.3"_d, "0.1"_d, "0.2"_d).ok());
  auto off = Balance::from_snapshot("USD", "0.30000001"_d, "0.1"_d, "0.2"_d);
  ASSERT_FALSE(off.ok());
  EXPECT_EQ(off.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(off.error().message.find("!= available"), std::string::npos);
}

TEST(Balance, negative_parts_and_empty_currency_are_refused) {
  EXPECT_FALSE(Balance::create("USD", "-1"_d).ok());
  EXPECT_FALSE(Balance::create("USD", "1"_d, "-0.5"_d).ok());
  EXPECT_FALSE(Balance::create("", "1"_d).ok());
}

TEST(Balance, lock_unlock_and_spend_from_locked_keep_the_invariant) {
  Balance b = usd("100"_d);
  ASSERT_TRUE(b.lock("30"_d).ok());
  EXPECT_EQ(b.available(), "70"_d);
  EXPECT_EQ(b.locked(), "30"_d);
  EXPECT_EQ(b.total(), "100"_d);
  ASSERT_TRUE(b.debit_locked("20"_d).ok());
  EXPECT_EQ(b.total(), "80"_d);
  ASSERT_TRUE(b.unlock("10"_d).ok());
  EXPECT_EQ(b.available(), "80"_d);
  EXPECT_EQ(b.locked(), "0"_d);
}

TEST(Balance, shortfalls_are_insufficient_balance_and_change_nothing) {
  Balance b = usd("10"_d, "5"_d);
  const Balance before = b;
  auto l = b.lock("10.00000001"_d);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error().code, ErrorCode::insufficient_balance);
  EXPECT_NE(l.error().message.find("USD"), std::string::npos);
  EXPECT_FALSE(b.unlock("6"_d).ok());
  EXPECT_FALSE(b.debit("11"_d).ok());
  EXPECT_FALSE(b.debit_locked("5.1"_d).ok());
  EXPECT_EQ(b, before);
}

TEST(Balance, each_shortfall_names_the_operation_the_amount_and_the_part_that_was_short) {
  Balance b = usd("10"_d, "5"_d);
  EXPECT_EQ(b.debit("11"_d).error().message, "debit 11 USD: only 10 available");
  EXPECT_EQ(b.lock("10.5"_d).error().message, "lock 10.5 USD: only 10 available");
  EXPECT_EQ(b.unlock("6"_d).error().message, "unlock 6 USD: only 5 locked");
  EXPECT_EQ(b.debit_locked("5.1"_d).error().message, "debit_locked 5.1 USD: only 5 locked");
  EXPECT_EQ(b.unlock("-1"_d).error().message, "balance USD: unlock of negative amount -1");
}

TEST(Balance, negative_amounts_are_invalid_not_reversed_operations) {
  Balance b = usd("10"_d);
  EXPECT_EQ(b.credit("-1"_d).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(b.debit("-1"_d).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(b.lock("-1"_d).error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(b.available(), "10"_d);
}

TEST(Balance, credit_and_debit_move_available_only) {
  Balance b = usd("10"_d, "1"_d);
  ASSERT_TRUE(b.credit("0.5"_d).ok());
  ASSERT_TRUE(b.debit("10.5"_d).ok());
  EXPECT_EQ(b.available(), "0"_d);
  EXPECT_EQ(b.locked(), "1"_d);
  EXPECT_TRUE(b.can_debit("0"_d));
  EXPECT_FALSE(b.can_debit("0.00000001"_d));
}

}  // namespace
}  // namespace nzeza::domain::test

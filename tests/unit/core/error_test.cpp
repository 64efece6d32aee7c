#include <gtest/gtest.h>

#include "core/result.hpp"

namespace nzeza {
namespace {

Result<int> half(int v) {
  if (v % 2 != 0) return fail(ErrorCode::invalid_argument, "odd value " + std::to_string(v));
  return v / 2;
}

TEST(Error, keeps_code_message_and_venue_text) {
  Error e{ErrorCode::rejected, "order refused", "-2010", "Account has insufficient balance"};
  EXPECT_EQ(e.to_string(),
            "rejected: order refused [venue -2010: Account has insufficient balance]");
  EXPECT_EQ(e.with_context("binance place BTCUSDT").message,
            "binance place BTCUSDT: order refused");
  EXPECT_EQ(Error(ErrorCode::timeout, "no reply").to_string(), "timeout: no reply");
}

TEST(Result, carries_a_value_or_an_error) {
  auto ok = half(4);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 2);
  auto bad = half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(bad.error().message, "odd value 3");
  EXPECT_EQ(bad.value_or(-1), -1);
  Status s;
  EXPECT_TRUE(s.ok());
  Status f = Error{ErrorCode::internal, "x"};
  EXPECT_FALSE(f.ok());
  EXPECT_EQ(to_string(ErrorCode::circuit_open), "circuit_open");
}

}  // namespace
}  // namespace nzeza

namespace nzeza {
namespace {
TEST(Result, reading_the_wrong_side_throws_instead_of_undefined_behaviour) {
  Result<int> ok = 3;
  EXPECT_THROW((void)ok.error(), BadResultAccess);
  Result<int> bad = Error{ErrorCode::timeout, "late"};
  EXPECT_THROW((void)bad.value(), BadResultAccess);
  Status s;
  EXPECT_THROW((void)s.error(), BadResultAccess);
}
}  // namespace
}  // namespace nzeza

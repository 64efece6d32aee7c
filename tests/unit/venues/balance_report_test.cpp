#include "venues/balance_report.hpp"

#include <gtest/gtest.h>

#include "venue_test_support.hpp"

namespace nzeza::venues {
namespace {

using testing::d;

domain::Balance bal(const char* currency, const char* available, const char* locked = "0") {
  return *domain::Balance::create(currency, d(available), d(locked));
}

TEST(BalanceReport, usd_usdc_and_usdt_are_never_summed) {
  auto r = build_balance_report({
      {Venue::coinbase, {bal("USD", "100"), bal("USDC", "200")}, std::nullopt},
      {Venue::binance, {bal("USDT", "300")}, std::nullopt},
  });
  ASSERT_TRUE(r);
  ASSERT_EQ(r->per_currency.size(), 3u);
  EXPECT_EQ(r->per_currency[0].currency, "USD");
  EXPECT_EQ(r->per_currency[0].total, d("100"));
  EXPECT_EQ(r->per_currency[1].currency, "USDC");
  EXPECT_EQ(r->per_currency[1].total, d("200"));
  EXPECT_EQ(r->per_currency[2].currency, "USDT");
  EXPECT_EQ(r->per_currency[2].total, d("300"));
}

TEST(BalanceReport, the_same_currency_adds_up_across_venues_exactly) {
  auto r = build_balance_report({
      {Venue::binance, {bal("USDT", "0.1", "0.2")}, std::nullopt},
      {Venue::kraken, {bal("USDT", "0.3", "0.00000001")}, std::nullopt},
  });
  ASSERT_TRUE(r);
  const CurrencyTotal* usdt = r->currency("USDT");
  ASSERT_NE(usdt, nullptr);
  EXPECT_EQ(usdt->available, d("0.4"));
  EXPECT_EQ(usdt->locked, d("0.20000001"));
  EXPECT_EQ(usdt->total, d("0.60000001"));
  EXPECT_EQ(usdt->venues, (std::vector<Venue>{Venue::binance, Venue::kraken}));
}

TEST(BalanceReport, a_failed_venue_is_reported_and_left_out_of_the_totals) {
  auto r = build_balance_report({
      {Venue::binance, {bal("USDT", "10")}, std::nullopt},
      {Venue::kraken, {}, Error{ErrorCode::rate_limited, "kraken balances: EAPI:Rate limit"}},
  });
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->complete());
  EXPECT_EQ(r->currency("USDT")->total, d("10"));
  EXPECT_EQ(r->venue(Venue::kraken)->error->code, ErrorCode::rate_limited);
  EXPECT_EQ(r->per_venue.size(), 2u);
}

TEST(BalanceReport, an_empty_report_is_complete) {
  auto r = build_balance_report({});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->complete());
  EXPECT_TRUE(r->per_currency.empty());
}

}  // namespace
}  // namespace nzeza::venues

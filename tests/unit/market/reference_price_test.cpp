#include "market/reference_price.hpp"

#include <gtest/gtest.h>

namespace nzeza::market {
namespace {

using namespace std::chrono_literals;

const Timestamp kNow = Timestamp::from_seconds(1'700'000'000);
const SymbolId kBtcUsd{1};
const SymbolId kBtcUsdt{2};

Quote quote(const char* bid, const char* ask) {
  return Quote{Decimal::parse(bid).value(), "1"_d, Decimal::parse(ask).value(), "1"_d};
}

ReferencePriceAggregator make(std::size_t min_venues = 1) {
  ReferencePriceConfig cfg;
  cfg.symbol = kBtcUsd;
  cfg.min_venues = min_venues;
  return std::move(ReferencePriceAggregator::create(cfg)).value();
}

TEST(ReferencePrice, median_of_fresh_venue_mids) {
  auto agg = make();
  agg.on_quote(Venue::binance, kBtcUsd, kNow, quote("100", "102"));         // 101
  agg.on_quote(Venue::coinbase, kBtcUsd, kNow, quote("101.01", "101.03"));  // 101.02
  agg.on_quote(Venue::kraken, kBtcUsd, kNow, quote("101.04", "101.06"));    // 101.05
  const auto p = agg.compute(kNow + 1s);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.price, "101.02"_d);
  EXPECT_EQ(p.used, 3U);
}

TEST(ReferencePrice, even_count_takes_the_mean_of_the_middle_two) {
  auto agg = make();
  agg.on_quote(Venue::binance, kBtcUsd, kNow, quote("100", "100"));
  agg.on_quote(Venue::coinbase, kBtcUsd, kNow, quote("100.01", "100.01"));
  const auto p = agg.compute(kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.price, "100.005"_d);
}

TEST(ReferencePrice, rejects_an_outlier_by_median_absolute_deviation) {
  auto agg = make();
  agg.on_quote(Venue::binance, kBtcUsd, kNow, quote("100", "100"));
  agg.on_quote(Venue::coinbase, kBtcUsd, kNow, quote("100.2", "100.2"));
  agg.on_quote(Venue::kraken, kBtcUsd, kNow, quote("99.9", "99.9"));
  agg.on_quote(Venue::hyperliquid, kBtcUsd, kNow, quote("120", "120"));  // bad print
  const auto p = agg.compute(kNow);
  ASSERT_TRUE(p.ok());
  // median of 4 = 100.1; deviations 0.1, 0.1, 0.2, 19.9 → MAD 0.15; 3·MAD = 0.45: 120 out.
  EXPECT_EQ(p.median_all, "100.1"_d);
  EXPECT_EQ(p.mad, "0.15"_d);
  EXPECT_EQ(p.outliers, 1U);
  EXPECT_EQ(p.outlier_mask, 1U << static_cast<int>(Venue::hyperliquid));
  EXPECT_EQ(p.price, "100"_d);  // median of 99.9, 100, 100.2
  // A plain mean (the reference) would have said 105.025.
}

TEST(ReferencePrice, mad_floor_keeps_a_one_tick_difference_when_two_venues_agree_exactly) {
  auto agg = make();
  agg.on_quote(Venue::binance, kBtcUsd, kNow, quote("50000", "50000"));
  agg.on_quote(Venue::coinbase, kBtcUsd, kNow, quote("50000", "50000"));
  agg.on_quote(Venue::kraken, kBtcUsd, kNow, quote("50000.1", "50000.1"));
  const auto p = agg.compute(kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.mad, Decimal::zero());
  EXPECT_EQ(p.outliers, 0U);  // floor 5 bp · 50000 = 25, threshold 75
  EXPECT_EQ(p.used, 3U);
}

TEST(ReferencePrice, configurable_k_changes_what_is_an_outlier) {
  ReferencePriceConfig cfg;
  cfg.symbol = kBtcUsd;
  cfg.min_mad_fraction = Decimal::zero();
  cfg.mad_k = "1"_d;
  auto agg = std::move(ReferencePriceAggregator::create(cfg)).value();
  agg.on_quote(Venue::binance, kBtcUsd, kNow, quote("100", "100"));
  agg.on_quote(Venue::coinbase, kBtcUsd, kNow, quote("101", "101"));
  agg.on_quote(Venue::kraken, kBtcUsd, kNow, quote("103", "103"));
  // median 101, deviations 1, 0, 2 → MAD 1; k = 1 rejects 103 (deviation 2 > 1).
  const auto p = agg.compute(kNow);
  EXPECT_EQ(p.outliers, 1U);
  EXPECT_EQ(p.price, "100.5"_d);
}

TEST(ReferencePrice, stale_venue_is_excluded_by_its_own_max_age) {
  ReferencePriceConfig cfg;
  cfg.symbol = kBtcUsd;
  cfg.max_age = 5s;
  cfg.venue_max_age[static_cast<std::size_t>(Venue::kraken)] = 30s;
  auto agg = std::move(ReferencePriceAggregator::create(cfg)).value();
  agg.on_quote(Venue::binance, kBtcUsd, kNow - 6s, quote("90", "90"));    // 6 s > 5 s
  agg.on_quote(Venue::kraken, kBtcUsd, kNow - 20s, quote("100", "100"));  // 20 s < 30 s
  const auto p = agg.compute(kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.price, "100"_d);
  EXPECT_EQ(p.stale, 1U);
  EXPECT_EQ(p.stale_mask, 1U << static_cast<int>(Venue::binance));
}

TEST(ReferencePrice, none_fresh_gives_no_price_with_reason) {
  auto agg = make();
  EXPECT_EQ(agg.compute(kNow).reason, NoPriceReason::no_quotes);
  agg.on_quote(Venue::binance, kBtcUsd, kNow - 10s, quote("100", "100"));
  const auto p = agg.compute(kNow);
  EXPECT_FALSE(p.ok());
  EXPECT_FALSE(p.value().has_value());
  EXPECT_EQ(p.reason, NoPriceReason::all_stale);
  EXPECT_EQ(to_string(p.reason), "all_stale");
  EXPECT_EQ(agg.stats().no_price, 2U);
}

TEST(ReferencePrice, fewer_than_min_venues_gives_no_price) {
  auto agg = make(2);
  agg.on_quote(Venue::binance, kBtcUsd, kNow, quote("100", "100"));
  EXPECT_EQ(agg.compute(kNow).reason, NoPriceReason::too_few_venues);
  agg.on_quote(Venue::coinbase, kBtcUsd, kNow, quote("100", "100"));
  EXPECT_TRUE(agg.compute(kNow).ok());
}

TEST(ReferencePrice, usdt_quote_never_enters_a_usd_price) {
  auto agg = make();
  EXPECT_EQ(agg.on_quote(Venue::binance, kBtcUsdt, kNow, quote("100", "100")),
            QuoteVerdict::wrong_symbol);
  EXPECT_EQ(agg.stats().wrong_symbol, 1U);
  EXPECT_EQ(agg.compute(kNow).reason, NoPriceReason::no_quotes);
}

TEST(ReferencePrice, invalid_and_out_of_order_quotes_are_refused) {
  auto agg = make();
  EXPECT_EQ(agg.on_quote(Venue::binance, kBtcUsd, kNow, quote("101", "100")),
            QuoteVerdict::invalid_quote);
  EXPECT_EQ(agg.on_quote(Venue::binance, kBtcUsd, kNow, quote("0", "100")),
            QuoteVerdict::invalid_quote);
  EXPECT_EQ(agg.on_quote(Venue::binance, kBtcUsd, kNow, quote("100", "100")),
            QuoteVerdict::accepted);
  EXPECT_EQ(agg.on_quote(Venue::binance, kBtcUsd, kNow - 1s, quote("50", "50")),
            QuoteVerdict::out_of_order);
  EXPECT_EQ(agg.compute(kNow).price, "100"_d);
}

TEST(ReferencePrice, disconnected_feed_is_stale_until_its_next_quote) {
  auto agg = make();
  agg.on_quote(Venue::binance, kBtcUsd, kNow, quote("100", "100"));
  MarketEvent status;
  status.venue = Venue::binance;
  status.symbol = kBtcUsd;
  status.body = VenueStatus{FeedState::reconnecting, TradingStatus::trading};
  EXPECT_EQ(agg.on_event(status), QuoteVerdict::ignored);
  EXPECT_EQ(agg.compute(kNow).reason, NoPriceReason::all_stale);
  MarketEvent q;
  q.venue = Venue::binance;
  q.symbol = kBtcUsd;
  q.receive_time = kNow + 1s;
  q.body = quote("101", "101");
  EXPECT_EQ(agg.on_event(q), QuoteVerdict::accepted);
  EXPECT_EQ(agg.compute(kNow + 1s).price, "101"_d);
}

TEST(ReferencePrice, config_validation_names_the_field) {
  ReferencePriceConfig cfg;
  auto r = ReferencePriceAggregator::create(cfg);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("symbol"), std::string::npos);
  cfg.symbol = kBtcUsd;
  cfg.mad_k = Decimal::zero();
  EXPECT_FALSE(ReferencePriceAggregator::create(cfg).ok());
  cfg.mad_k = "3"_d;
  cfg.min_venues = 0;
  EXPECT_FALSE(ReferencePriceAggregator::create(cfg).ok());
  cfg.min_venues = 1;
  cfg.max_age = Duration::zero();
  EXPECT_FALSE(ReferencePriceAggregator::create(cfg).ok());
}

}  // namespace
}  // namespace nzeza::market

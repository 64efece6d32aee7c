// Stop-loss, take-profit and trailing stop produce exit intents; nothing is deleted.

#include "domain/position_exit.hpp"

#include <gtest/gtest.h>

#include "support.hpp"

namespace nzeza::domain::test {
namespace {

Position long_perp(Decimal qty = "2"_d, Decimal price = "100"_d) {
  Position p = Position::for_instrument(perp_btc_usdc()).value();
  EXPECT_TRUE(p.apply(PositionFill{Side::buy, price, qty, {}, {}, kT}).ok());
  return p;
}
Position short_perp(Decimal qty = "2"_d, Decimal price = "100"_d) {
  Position p = Position::for_instrument(perp_btc_usdc()).value();
  EXPECT_TRUE(p.apply(PositionFill{Side::sell, price, qty, {}, {}, kT}).ok());
  return p;
}
ExitMonitor monitor(ExitRules rules) {
  return ExitMonitor::create(rules).value();
}

TEST(ExitRules, percentages_follow_the_reference_for_long_and_short) {
  auto l = ExitRules::from_fractions(PositionSide::long_side, "100"_d, "0.02"_d, "0.05"_d);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->stop_loss, "98"_d);
  EXPECT_EQ(l->take_profit, "105"_d);
  auto s = ExitRules::from_fractions(PositionSide::short_side, "100"_d, "0.02"_d, "0.05"_d);
  EXPECT_EQ(s->stop_loss, "102"_d);
  EXPECT_EQ(s->take_profit, "95"_d);
  EXPECT_FALSE(ExitRules::from_fractions(PositionSide::flat, "100"_d, "0.02"_d, {}).ok());
  EXPECT_FALSE(ExitRules::from_fractions(PositionSide::long_side, "100"_d, "1.5"_d, {}).ok());
}

TEST(ExitMonitor,
     long_stop_loss_at_the_level_emits_a_reduce_only_market_sell_of_the_whole_position) {
  ExitMonitor m = monitor(ExitRules{"98"_d, "105"_d, {}});
  Position p = long_perp();
  auto none = m.on_price(p, "99"_d);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto hit = m.on_price(p, "98"_d);
  ASSERT_TRUE(hit.ok() && hit->has_value());
  const ExitIntent& i = **hit;
  EXPECT_EQ(i.reason, ExitReason::stop_loss);
  EXPECT_EQ(i.side, Side::sell);
  EXPECT_EQ(i.quantity, "2"_d);
  EXPECT_EQ(i.type, OrderType::market);
  EXPECT_TRUE(i.reduce_only);
  EXPECT_EQ(i.trigger_price, "98"_d);
  EXPECT_EQ(i.mark_price, "98"_d);
  EXPECT_EQ(p.quantity(), "2"_d);  // the position is untouched until the exit fills
}

TEST(ExitMonitor, long_take_profit_emits_a_limit_at_the_target) {
  ExitMonitor m = monitor(ExitRules{"98"_d, "105"_d, {}});
  auto hit = m.on_price(long_perp(), "106"_d);
  ASSERT_TRUE(hit.ok() && hit->has_value());
  EXPECT_EQ((*hit)->reason, ExitReason::take_profit);
  EXPECT_EQ((*hit)->type, OrderType::limit);
  EXPECT_EQ((*hit)->limit_price, "105"_d);
}

TEST(ExitMonitor, short_stop_loss_triggers_above_and_buys_back) {
  ExitMonitor m = monitor(ExitRules{"102"_d, "95"_d, {}});
  Position p = short_perp();
  EXPECT_FALSE(m.on_price(p, "101"_d)->has_value());
  auto hit = m.on_price(p, "102.5"_d);
  ASSERT_TRUE(hit.ok() && hit->has_value());
  EXPECT_EQ((*hit)->reason, ExitReason::stop_loss);
  EXPECT_EQ((*hit)->side, Side::buy);
  auto tp = monitor(ExitRules{"102"_d, "95"_d, {}}).on_price(p, "95"_d);
  EXPECT_EQ((*tp)->reason, ExitReason::take_profit);
}

TEST(ExitMonitor, stop_loss_wins_over_take_profit_when_both_trigger) {
  ExitMonitor m = monitor(ExitRules{"100"_d, "95"_d, {}});  // long: SL above TP, both hit at 95
  auto hit = m.on_price(long_perp(), "95"_d);
  ASSERT_TRUE(hit.ok() && hit->has_value());
  EXPECT_EQ((*hit)->reason, ExitReason::stop_loss);
}

TEST(ExitMonitor, trailing_stop_follows_the_highest_price_and_never_moves_back) {
  ExitMonitor m = monitor(ExitRules{{}, {}, TrailingStop{TrailingStop::Kind::fraction, "0.05"_d}});
  Position p = long_perp();
  for (Decimal px : {"100"_d, "110"_d, "120"_d, "116"_d})
    EXPECT_FALSE(m.on_price(p, px)->has_value());
  EXPECT_EQ(m.best_price(), "120"_d);
  EXPECT_EQ(m.trailing_level(), "114"_d);
  auto hit = m.on_price(p, "114"_d);
  ASSERT_TRUE(hit.ok() && hit->has_value());
  EXPECT_EQ((*hit)->reason, ExitReason::trailing_stop);
  EXPECT_EQ((*hit)->trigger_price, "114"_d);
}

TEST(ExitMonitor, trailing_distance_on_a_short_follows_the_lowest_price) {
  ExitMonitor m = monitor(ExitRules{{}, {}, TrailingStop{TrailingStop::Kind::distance, "3"_d}});
  Position p = short_perp();
  for (Decimal px : {"100"_d, "92"_d, "94"_d}) EXPECT_FALSE(m.on_price(p, px)->has_value());
  EXPECT_EQ(m.trailing_level(), "95"_d);
  auto hit = m.on_price(p, "95"_d);
  ASSERT_TRUE(hit.ok() && hit->has_value());
  EXPECT_EQ((*hit)->side, Side::buy);
}

TEST(ExitMonitor, pending_exit_orders_reduce_the_intent_and_a_covered_position_emits_nothing) {
  ExitMonitor m = monitor(ExitRules{"98"_d, {}, {}});
  Position p = long_perp("2"_d);
  auto partial = m.on_price(p, "97"_d, "0.5"_d);
  EXPECT_EQ((*partial)->quantity, "1.5"_d);
  EXPECT_FALSE(m.on_price(p, "97"_d, "2"_d)->has_value());
  EXPECT_FALSE(m.on_price(p, "97"_d, "-1"_d).ok());
}

TEST(ExitMonitor, flat_position_emits_nothing_and_a_flip_restarts_the_trailing_reference) {
  ExitMonitor m = monitor(ExitRules{{}, {}, TrailingStop{TrailingStop::Kind::distance, "5"_d}});
  Position p = long_perp("1"_d);
  EXPECT_FALSE(m.on_price(p, "130"_d)->has_value());
  EXPECT_EQ(m.best_price(), "130"_d);
  ASSERT_TRUE(p.apply(PositionFill{Side::sell, "130"_d, "2"_d, {}, {}, kT}).ok());  // now short 1
  EXPECT_FALSE(m.on_price(p, "128"_d)->has_value());
  EXPECT_EQ(m.best_price(), "128"_d);
  Position flat = Position::for_instrument(perp_btc_usdc()).value();
  EXPECT_FALSE(m.on_price(flat, "1"_d)->has_value());
  EXPECT_FALSE(m.best_price().has_value());
}

TEST(ExitMonitor, spot_holding_exits_with_a_sell_no_larger_than_the_holding) {
  Position p = Position::for_instrument(spot_btc_usd()).value();
  ASSERT_TRUE(p.apply(PositionFill{Side::buy, "100"_d, "0.7"_d, {}, {}, kT}).ok());
  auto hit = monitor(ExitRules{"90"_d, {}, {}}).on_price(p, "89"_d);
  ASSERT_TRUE(hit.ok() && hit->has_value());
  EXPECT_EQ((*hit)->side, Side::sell);
  EXPECT_EQ((*hit)->quantity, "0.7"_d);
}

TEST(ExitIntent, converts_to_a_valid_reduce_only_order_spec) {
  ExitMonitor m = monitor(ExitRules{"98"_d, "105"_d, {}});
  auto tp = m.on_price(long_perp(), "105"_d);
  auto spec = to_order_spec(**tp, ClientOrderId{Venue::dydx, 7, "7"});
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_TRUE(spec->reduce_only);
  EXPECT_EQ(spec->type, OrderType::limit);
  EXPECT_EQ(spec->price, "105"_d);
  EXPECT_EQ(spec->side, Side::sell);
  EXPECT_TRUE(Order::create(*spec, kT).ok());
}

TEST(ExitRules, invalid_levels_are_refused) {
  EXPECT_FALSE(ExitMonitor::create(ExitRules{"0"_d, {}, {}}).ok());
  EXPECT_FALSE(
      ExitMonitor::create(ExitRules{{}, {}, TrailingStop{TrailingStop::Kind::fraction, "1"_d}})
          .ok());
  EXPECT_FALSE(
      ExitMonitor::create(ExitRules{{}, {}, TrailingStop{TrailingStop::Kind::distance, "0"_d}})
          .ok());
  ExitMonitor m = monitor(ExitRules{"98"_d, {}, {}});
  EXPECT_FALSE(m.on_price(long_perp(), "0"_d).ok());
}

TEST(ExitMonitor, position_closed_and_reopened_between_prices_restarts_the_trailing_reference) {
  ExitMonitor m = monitor(ExitRules{{}, {}, TrailingStop{TrailingStop::Kind::distance, "5"_d}});
  Position p = Position::for_instrument(perp_btc_usdc()).value();
  ASSERT_TRUE(
      p.apply(PositionFill{Side::buy, "100"_d, "1"_d, {}, {}, Timestamp::from_seconds(1)}).ok());
  EXPECT_FALSE(m.on_price(p, "150"_d)->has_value());
  ASSERT_TRUE(
      p.apply(PositionFill{Side::sell, "150"_d, "1"_d, {}, {}, Timestamp::from_seconds(2)}).ok());
  ASSERT_TRUE(
      p.apply(PositionFill{Side::buy, "120"_d, "1"_d, {}, {}, Timestamp::from_seconds(3)}).ok());
  auto r = m.on_price(p, "121"_d);  // the old best 150 would put the stop at 145 and fire
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(m.best_price(), "121"_d);
}

}  // namespace
}  // namespace nzeza::domain::test

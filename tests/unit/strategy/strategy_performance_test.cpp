#include "strategy/strategy_performance.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "fixed_strategy.hpp"
#include "strategy/signal_combiner.hpp"

namespace nzeza::strategy {
namespace {

TEST(StrategyPerformance, starts_neutral_at_0_5) {
  StrategyPerformance p;
  EXPECT_DOUBLE_EQ(p.score(), 0.5);
}

TEST(StrategyPerformance, reference_score_formula_for_profit_and_execution_rate) {
  StrategyPerformance p;
  p.record_signal();
  p.record_signal();
  p.record_execution();  // execution rate 50 %
  p.record_realised_pnl("250"_d);
  // pnl_score = 0.6 + 250/1000·0.4 = 0.7; + 50/100·0.4 = 0.9
  EXPECT_NEAR(p.score(), 0.9, 1e-12);
  EXPECT_DOUBLE_EQ(p.execution_rate(), 50.0);
}

TEST(StrategyPerformance, losses_lower_the_score_and_clamp_at_the_scale) {
  StrategyPerformance p;
  p.record_realised_pnl("-500"_d);
  EXPECT_NEAR(p.score(), 0.2, 1e-12);  // 0.4 - 0.5·0.4
  p.record_realised_pnl("-5000"_d);
  EXPECT_NEAR(p.score(), 0.0, 1e-12);  // clamp: 0.4 - 0.4
  EXPECT_EQ(p.realised_pnl(), "-5500"_d);
}

TEST(StrategyPerformance, zero_pnl_scores_0_4_plus_execution_term) {
  // The reference recorded pnl 0 for every strategy: all scores equal, weights drift to equal.
  StrategyPerformance p;
  p.record_signal();
  p.record_execution();
  EXPECT_NEAR(p.score(), 0.8, 1e-12);  // 0.4 + 100/100·0.4
}

TEST(StrategyScoreboard, realised_pnl_shifts_combiner_weight_to_the_winner) {
  std::vector<std::unique_ptr<Strategy>> s;
  s.push_back(std::make_unique<test::FixedStrategy>());
  s.push_back(std::make_unique<test::FixedStrategy>());
  auto c = std::move(SignalCombiner::create(std::move(s), {0.5, 0.5})).value();
  StrategyScoreboard board(2);
  ASSERT_TRUE(board.record_realised_pnl(0, "400"_d).ok());
  ASSERT_TRUE(board.record_realised_pnl(1, "-400"_d).ok());
  // scores 0.76 and 0.24 → targets 0.76, 0.24 → each moves by the 20 % cap (0.1).
  ASSERT_TRUE(c.adjust_weights(board.scores()).ok());
  EXPECT_NEAR(c.weights()[0], 0.6, 1e-12);
  EXPECT_NEAR(c.weights()[1], 0.4, 1e-12);
}

TEST(StrategyScoreboard, out_of_range_index_is_an_error) {
  StrategyScoreboard board(2);
  const auto s = board.record_signal(2);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::invalid_argument);
  EXPECT_FALSE(board.record_execution(5).ok());
  EXPECT_FALSE(board.record_realised_pnl(9, "1"_d).ok());
}

}  // namespace
}  // namespace nzeza::strategy

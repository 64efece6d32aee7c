#include "strategy/signal_combiner.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <memory>
#include <numeric>
#include <vector>

#include "fixed_strategy.hpp"

namespace nzeza::strategy {
namespace {

using test::FixedStrategy;
constexpr TradingSignal kBuy8{SignalKind::buy, 0.8};
constexpr TradingSignal kBuy9{SignalKind::buy, 0.9};
constexpr TradingSignal kBuy7{SignalKind::buy, 0.7};
constexpr TradingSignal kHold6{SignalKind::hold, 0.6};
constexpr TradingSignal kHold5{SignalKind::hold, 0.5};

// Fast 0.4, Momentum 0.4, Conservative 0.2: the reference's runtime weights.
SignalCombiner make(std::optional<TradingSignal> fast, std::optional<TradingSignal> momentum,
                    std::optional<TradingSignal> conservative,
                    std::vector<double> weights = {0.4, 0.4, 0.2}) {
  std::vector<std::unique_ptr<Strategy>> s;
  s.push_back(std::make_unique<FixedStrategy>(fast));
  s.push_back(std::make_unique<FixedStrategy>(momentum));
  s.push_back(std::make_unique<FixedStrategy>(conservative));
  return std::move(SignalCombiner::create(std::move(s), std::move(weights))).value();
}

TEST(SignalCombiner, fast_and_conservative_agree_while_momentum_warms_up_gives_0_77) {
  // Reference §2.2: (0.32 + 0.14)/0.6 = 0.7667, above the 0.7 threshold.
  const auto c = make(kBuy8, std::nullopt, kBuy7).combine();
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->signal.kind, SignalKind::buy);
  EXPECT_NEAR(c->signal.confidence, 0.46 / 0.6, 1e-12);
  EXPECT_NEAR(c->total_weight, 0.6, 1e-12);
  EXPECT_EQ(c->voters, 2U);
}

TEST(SignalCombiner, all_three_agreeing_gives_0_82) {
  const auto c = make(kBuy8, kBuy9, kBuy7).combine();
  EXPECT_EQ(c->signal.kind, SignalKind::buy);
  EXPECT_NEAR(c->signal.confidence, 0.82, 1e-12);
}

TEST(SignalCombiner, two_of_three_with_a_hold_give_at_most_0_68) {
  // Hold adds its weight to the total but nothing to the score: (0.32 + 0.36)/1.0.
  const auto c = make(kBuy8, kBuy9, kHold6).combine();
  EXPECT_EQ(c->signal.kind, SignalKind::buy);
  EXPECT_NEAR(c->signal.confidence, 0.68, 1e-12);
}

TEST(SignalCombiner, weak_majority_holds_at_0_5) {
  // buy 0.32/1.0 = 0.32 is not above 0.5.
  const auto c = make(kBuy8, kHold5, kHold6).combine();
  EXPECT_EQ(c->signal, (TradingSignal{SignalKind::hold, 0.5}));
  EXPECT_NEAR(c->buy_score, 0.32, 1e-12);
}

TEST(SignalCombiner, opposite_votes_cancel_to_hold) {
  const auto c =
      make(kBuy8, TradingSignal{SignalKind::sell, 0.8}, std::nullopt, {0.5, 0.5, 0.0}).combine();
  EXPECT_EQ(c->signal.kind, SignalKind::hold);
}

TEST(SignalCombiner, sell_majority_sells) {
  const TradingSignal sell{SignalKind::sell, 0.9};
  const auto c = make(sell, sell, kHold6).combine();
  EXPECT_EQ(c->signal.kind, SignalKind::sell);
  EXPECT_NEAR(c->signal.confidence, 0.72, 1e-12);
}

TEST(SignalCombiner, no_signal_while_every_strategy_warms_up) {
  EXPECT_FALSE(make(std::nullopt, std::nullopt, std::nullopt).combine().has_value());
}

TEST(SignalCombiner, construction_errors_use_reference_messages) {
  std::vector<std::unique_ptr<Strategy>> one;
  one.push_back(std::make_unique<FixedStrategy>());
  auto r = SignalCombiner::create(std::move(one), {0.5, 0.5});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "Strategies count (1) must match weights count (2)");
  auto empty = SignalCombiner::create({}, {});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "At least one strategy is required");
}

TEST(SignalCombiner, rejects_negative_nan_and_all_zero_weights) {
  for (std::vector<double> w :
       {std::vector<double>{-0.1, 0.5, 0.6}, std::vector<double>{NAN, 0.5, 0.5},
        std::vector<double>{0.0, 0.0, 0.0}}) {
    std::vector<std::unique_ptr<Strategy>> s;
    for (int i = 0; i < 3; ++i) s.push_back(std::make_unique<FixedStrategy>());
    EXPECT_FALSE(SignalCombiner::create(std::move(s), w).ok());
  }
  std::vector<std::unique_ptr<Strategy>> with_null;
  with_null.push_back(nullptr);
  EXPECT_FALSE(SignalCombiner::create(std::move(with_null), {1.0}).ok());
}

TEST(SignalCombiner, adjust_weights_moves_at_most_twenty_percent_and_renormalises) {
  auto c = make(kBuy8, kBuy8, kBuy8, {0.4, 0.4, 0.2});
  // scores 0.9, 0.1, 0.5 → targets 0.6, 0.0667, 0.3333 → floors none (all > 0.05).
  // steps: +0.08 (cap), -0.08 (cap), +0.04 (cap) → 0.48, 0.32, 0.24 → sum 1.04 → renormalised.
  const std::vector<double> scores = {0.9, 0.1, 0.5};
  ASSERT_TRUE(c.adjust_weights(scores).ok());
  EXPECT_NEAR(c.weights()[0], 0.48 / 1.04, 1e-12);
  EXPECT_NEAR(c.weights()[1], 0.32 / 1.04, 1e-12);
  EXPECT_NEAR(c.weights()[2], 0.24 / 1.04, 1e-12);
}

TEST(SignalCombiner, adjust_weights_floors_targets_at_five_percent) {
  auto c = make(kBuy8, kBuy8, kBuy8, {0.5, 0.49, 0.01});
  // scores 1, 1, 0 → targets 0.5, 0.5, 0 → floored 0.05 → /1.05. Weight 0.01 may grow by 0.002.
  const std::vector<double> scores = {1.0, 1.0, 0.0};
  ASSERT_TRUE(c.adjust_weights(scores).ok());
  const double w0 = 0.5 - std::min(0.1, 0.5 - 0.5 / 1.05);
  const double w1 = 0.49 + std::min(0.098, 0.5 / 1.05 - 0.49);
  const double w2 = 0.012;
  const double sum = w0 + w1 + w2;
  EXPECT_NEAR(c.weights()[0], w0 / sum, 1e-12);
  EXPECT_NEAR(c.weights()[1], w1 / sum, 1e-12);
  EXPECT_NEAR(c.weights()[2], w2 / sum, 1e-12);
}

TEST(SignalCombiner, adjust_weights_leaves_weights_when_scores_sum_to_zero) {
  auto c = make(kBuy8, kBuy8, kBuy8);
  const std::vector<double> zeros = {0.0, 0.0, 0.0};
  ASSERT_TRUE(c.adjust_weights(zeros).ok());
  EXPECT_DOUBLE_EQ(c.weights()[0], 0.4);
  EXPECT_DOUBLE_EQ(c.weights()[2], 0.2);
}

TEST(SignalCombiner, adjust_weights_count_mismatch_is_an_error) {
  auto c = make(kBuy8, kBuy8, kBuy8);
  const std::vector<double> two = {0.5, 0.5};
  const auto s = c.adjust_weights(two);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "Strategy metrics count (2) must match strategies count (3)");
  const std::vector<double> negative = {0.5, -0.5, 0.5};
  EXPECT_FALSE(c.adjust_weights(negative).ok());
}

TEST(SignalCombiner, equal_scores_drift_weights_toward_equal) {
  auto c = make(kBuy8, kBuy8, kBuy8);
  const std::vector<double> same = {0.5, 0.5, 0.5};
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(c.adjust_weights(same).ok());
  for (double w : c.weights()) EXPECT_NEAR(w, 1.0 / 3.0, 1e-6);
}

TEST(SignalCombiner, on_candle_and_reset_reach_every_strategy) {
  auto c = make(kBuy8, kBuy8, kBuy8);
  market::Candle candle;
  c.on_candle(candle);
  c.reset();
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto& f = static_cast<const FixedStrategy&>(c.strategy(i));
    EXPECT_EQ(f.candles, 1);
    EXPECT_EQ(f.resets, 1);
  }
}

RC_GTEST_PROP(SignalCombinerProperty, confidence_in_unit_range_and_weights_stay_normalised, ()) {
  const auto n = *rc::gen::inRange(1, 6);
  std::vector<std::unique_ptr<Strategy>> s;
  std::vector<double> w;
  for (int i = 0; i < n; ++i) {
    const int kind = *rc::gen::inRange(0, 4);
    const double conf = *rc::gen::inRange(0, 101) / 100.0;
    std::optional<TradingSignal> sig;
    if (kind < 3) sig = TradingSignal{static_cast<SignalKind>(kind), conf};
    s.push_back(std::make_unique<FixedStrategy>(sig));
    w.push_back(*rc::gen::inRange(1, 1000) / 1000.0);
  }
  auto c = std::move(SignalCombiner::create(std::move(s), w)).value();
  if (const auto out = c.combine()) {
    RC_ASSERT(out->signal.confidence >= 0.0);
    RC_ASSERT(out->signal.confidence <= 1.0 + 1e-12);
  }
  std::vector<double> scores;
  for (int i = 0; i < n; ++i) scores.push_back(*rc::gen::inRange(0, 101) / 100.0);
  const std::vector<double> before(c.weights().begin(), c.weights().end());
  RC_ASSERT(c.adjust_weights(scores).ok());
  const double sum = std::accumulate(c.weights().begin(), c.weights().end(), 0.0);
  const double score_sum = std::accumulate(scores.begin(), scores.end(), 0.0);
  if (score_sum > 0.0) {
    RC_ASSERT(std::fabs(sum - 1.0) < 1e-9);
    for (double x : c.weights()) RC_ASSERT(x > 0.0);
  } else {
    RC_ASSERT(std::vector<double>(c.weights().begin(), c.weights().end()) == before);
  }
}

}  // namespace
}  // namespace nzeza::strategy

// SimulatedMarket::history: the warm-up candles the generator makes before its first tick.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "app/simulated_market.hpp"
#include "unit/app/simulated_market_support.hpp"

namespace nzeza::app {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

using test::two_instruments;

// ETH on a 0.05 tick: candles must land on each instrument's own tick.
InstrumentRegistry registry() {
  return test::two_paper_instruments("0.05"_d);
}

// 12:34:56.7 on some day: not aligned to any candle interval.
Timestamp unaligned_now() {
  return Timestamp::from_seconds(1'700'000'000 / 86'400 * 86'400 + 12 * 3600 + 34 * 60 + 56) +
         std::chrono::milliseconds(700);
}

struct Fixture {
  explicit Fixture(std::uint64_t seed = 42, Timestamp now = unaligned_now()) : clock(now) {
    SimulatedMarketConfig cfg;
    cfg.seed = seed;
    auto m = SimulatedMarket::create(clock, reg, two_instruments(), cfg,
                                     [this](const MarketEvent& e) { events.push_back(e); });
    EXPECT_TRUE(m.ok());
    market.emplace(std::move(m).value());
  }
  ManualClock clock;
  InstrumentRegistry reg = registry();
  std::vector<MarketEvent> events;
  std::optional<SimulatedMarket> market;
};

bool same(const market::Candle& a, const market::Candle& b) {
  return a.start == b.start && a.interval == b.interval && a.open == b.open && a.high == b.high &&
         a.low == b.low && a.close == b.close && a.volume == b.volume && a.trades == b.trades &&
         a.price_updates == b.price_updates && a.gap == b.gap;
}

TEST(SimulatedMarketHistory,
     gives_count_contiguous_candles_per_instrument_aligned_to_the_interval) {
  Fixture f;
  auto h = f.market->history(minutes(1), 30);
  ASSERT_TRUE(h.ok()) << h.error().message;
  ASSERT_EQ(h->size(), 2U);
  const Timestamp end = f.clock.now().floor_to(minutes(1));
  for (std::size_t i = 0; i < h->size(); ++i) {
    const SimulatedHistory& one = (*h)[i];
    EXPECT_EQ(one.instrument, InstrumentId{static_cast<std::uint32_t>(i)});
    EXPECT_EQ(one.symbol, f.reg.get(one.instrument)->symbol);
    ASSERT_EQ(one.candles.size(), 30U);
    EXPECT_EQ(one.candles.back().end(), end);  // the last closed candle ends at floor(now)
    EXPECT_LE(one.candles.back().end(), f.clock.now());
    for (std::size_t k = 0; k < one.candles.size(); ++k) {
      const market::Candle& c = one.candles[k];
      EXPECT_EQ(c.interval, Duration(minutes(1)));
      EXPECT_EQ(c.start, c.start.floor_to(minutes(1)));
      EXPECT_EQ(c.start, end - minutes(1) * static_cast<std::int64_t>(30 - k));
      EXPECT_FALSE(c.gap);
      EXPECT_EQ(c.price_updates, 240U);  // 250 ms steps
      EXPECT_GE(c.high, std::max(c.open, c.close));
      EXPECT_LE(c.low, std::min(c.open, c.close));
      EXPECT_TRUE(c.low.is_positive());
    }
  }
  EXPECT_TRUE(f.events.empty());  // history publishes nothing
}

TEST(SimulatedMarketHistory, candles_are_on_the_tick_and_volumes_on_the_lot) {
  Fixture f;
  auto h = f.market->history(seconds(10), 100);
  ASSERT_TRUE(h.ok());
  const Decimal ticks[] = {"0.01"_d, "0.05"_d};
  for (std::size_t i = 0; i < 2; ++i) {
    std::uint32_t trades = 0;
    for (const market::Candle& c : (*h)[i].candles) {
      for (Decimal p : {c.open, c.high, c.low, c.close}) {
        EXPECT_TRUE(p.is_multiple_of(ticks[i])) << p;
      }
      EXPECT_TRUE(c.volume.is_multiple_of("0.001"_d)) << c.volume;  // min_size, a lot multiple
      EXPECT_TRUE(c.volume.is_multiple_of("0.0001"_d));
      EXPECT_EQ(c.volume.is_positive(), c.trades > 0);
      EXPECT_LE(c.volume, "0.05"_d * Decimal::from_integer(c.trades));  // <= 50 lots each
      trades += c.trades;
    }
    // 4000 steps at a 60 % chance of a trade.
    EXPECT_GT(trades, 2000U);
    EXPECT_LT(trades, 2800U);
  }
}

TEST(SimulatedMarketHistory, last_close_is_the_current_price_and_the_first_live_step_continues_it) {
  Fixture f;
  auto h = f.market->history(minutes(1), 26);
  ASSERT_TRUE(h.ok());
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ((*h)[i].candles.back().close, f.market->price(i));
  }
  EXPECT_EQ((*h)[0].candles.back().close, "45000"_d);  // the configured start price is "now"
  f.market->start();
  f.clock.advance(std::chrono::milliseconds(250));
  ASSERT_EQ(f.market->steps(), 1U);
  for (std::size_t i = 0; i < 2; ++i) {
    const Decimal close = (*h)[i].candles.back().close;
    const Quote* first = nullptr;
    for (const auto& e : f.events) {
      if (e.instrument == InstrumentId{static_cast<std::uint32_t>(i)}) {
        first = std::get_if<Quote>(&e.body);
        break;
      }
    }
    ASSERT_NE(first, nullptr);
    // One step of volatility 0.001 moves < 6 sigma (plus drift and a tick of rounding).
    const double move = std::abs((first->bid - close).to_double()) / close.to_double();
    EXPECT_LT(move, 6 * 0.001 + 0.0001) << first->bid << " after close " << close;
  }
  f.market->stop();
}

TEST(SimulatedMarketHistory, history_moves_like_the_live_walk) {
  // The history's candle ranges and the live walk's are of the same order: no frozen past.
  Fixture f;
  auto h = f.market->history(minutes(1), 60);
  ASSERT_TRUE(h.ok());
  double sum_range = 0;
  for (const auto& c : (*h)[0].candles) {
    sum_range += ((c.high - c.low) / c.close).to_double();
  }
  const double mean_range = sum_range / 60;
  // 240 steps of sigma 0.001: a range of roughly 0.001 * sqrt(240) * 1.6 ~ 0.025.
  EXPECT_GT(mean_range, 0.005);
  EXPECT_LT(mean_range, 0.08);
}

TEST(SimulatedMarketHistory, same_seed_gives_the_same_history_and_another_seed_another) {
  auto candles = [](std::uint64_t seed) {
    Fixture f(seed);
    return f.market->history(minutes(1), 20).value();
  };
  const auto a = candles(7);
  const auto b = candles(7);
  const auto c = candles(8);
  for (std::size_t i = 0; i < 2; ++i) {
    ASSERT_EQ(a[i].candles.size(), b[i].candles.size());
    for (std::size_t k = 0; k < a[i].candles.size(); ++k) {
      EXPECT_TRUE(same(a[i].candles[k], b[i].candles[k])) << "instrument " << i << " candle " << k;
    }
  }
  bool differs = false;
  for (std::size_t k = 0; k + 1 < a[0].candles.size(); ++k) {
    differs = differs || !same(a[0].candles[k], c[0].candles[k]);
  }
  EXPECT_TRUE(differs);
}

TEST(SimulatedMarketHistory, a_longer_history_ends_with_the_shorter_one) {
  Fixture f;
  const auto shorter = f.market->history(minutes(1), 10).value();
  const auto longer = f.market->history(minutes(1), 40).value();
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t k = 0; k < 10; ++k) {
      EXPECT_TRUE(same(shorter[i].candles[k], longer[i].candles[30 + k])) << k;
    }
  }
}

TEST(SimulatedMarketHistory, asking_for_history_does_not_change_the_live_market) {
  auto live = [](bool with_history) {
    Fixture f(11);
    if (with_history) {
      EXPECT_TRUE(f.market->history(minutes(5), 50).ok());
    }
    for (int i = 0; i < 200; ++i) f.market->step();
    std::vector<Decimal> bids;
    for (const auto& e : f.events) {
      if (const auto* q = std::get_if<Quote>(&e.body)) bids.push_back(q->bid);
    }
    return bids;
  };
  EXPECT_EQ(live(true), live(false));
}

TEST(SimulatedMarketHistory, an_interval_shorter_than_a_step_gives_gap_candles_at_the_last_close) {
  ManualClock clock(Timestamp::from_seconds(1'700'000'000));  // aligned to 1 s and 10 s
  auto reg = registry();
  SimulatedMarketConfig cfg;
  cfg.step_interval = seconds(3);
  auto m = SimulatedMarket::create(clock, reg, two_instruments(), cfg, [](const MarketEvent&) {});
  ASSERT_TRUE(m.ok());
  const auto h = m->history(seconds(1), 9).value();
  const auto& candles = h[0].candles;
  ASSERT_EQ(candles.size(), 9U);
  // Steps at now - 3 s, now - 6 s, now - 9 s: candles 6, 3 and 0 hold one step each.
  for (std::size_t k = 0; k < 9; ++k) {
    EXPECT_EQ(candles[k].gap, k % 3 != 0) << k;
    if (candles[k].gap && k > 0) {
      EXPECT_EQ(candles[k].open, candles[k - 1].close);
      EXPECT_EQ(candles[k].close, candles[k - 1].close);
    }
  }
  EXPECT_EQ(candles.back().close, m->price(0));
}

TEST(SimulatedMarketHistory, refuses_a_bad_interval_a_huge_count_and_a_late_request) {
  Fixture f;
  auto odd = f.market->history(seconds(7), 10);  // does not divide a day
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(odd.error().message.find("history"), std::string::npos);
  EXPECT_FALSE(f.market->history(std::chrono::milliseconds(500), 10).ok());
  auto huge = f.market->history(minutes(1), 1'000'000);
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.error().message.find("steps per instrument"), std::string::npos);
  EXPECT_TRUE(f.market->history(minutes(1), 0).value().front().candles.empty());

  f.market->step();
  auto late = f.market->history(minutes(1), 10);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::invalid_state);
}

}  // namespace
}  // namespace nzeza::app

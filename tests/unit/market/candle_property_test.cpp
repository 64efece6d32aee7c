// Candle builder properties over random tick streams, and the owner's timer contract driven by
// a ManualClock.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "core/clock.hpp"
#include "market/candle_builder.hpp"
#include "market/reference_price.hpp"

namespace nzeza::market {
namespace {

using namespace std::chrono_literals;

const Timestamp kT0 = Timestamp::from_seconds(1'700'000'040);

// Random trades (time steps 0..25 s, prices, sizes) into 10 s candles, with on_time calls
// mixed in. Whatever the stream:
// - every candle starts on a 10 s boundary, and consecutive candles are contiguous unless the
//   later one carries series_break;
// - the volume of all closed candles plus the open one equals the sum of accepted sizes;
// - high >= max(open, close) and low <= min(open, close); gap candles are flat, volume 0.
RC_GTEST_PROP(CandleProperty, candles_are_aligned_contiguous_and_conserve_volume, ()) {
  const auto steps = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 25'000));
  CandleBuilderConfig cfg;
  cfg.max_gap_candles = static_cast<std::size_t>(*rc::gen::inRange(0, 5));
  CandleBuilder b(cfg);
  Timestamp t = kT0;
  Decimal sizes;
  std::vector<Candle> out;
  Candle c;
  std::uint64_t i = 0;
  for (int step : steps) {
    t += std::chrono::milliseconds(step);
    if (step % 3 == 0) {
      b.on_time(t);
    } else {
      const Decimal price = Decimal::from_integer(static_cast<std::int64_t>(100 + step % 97));
      const Decimal size = Decimal::from_raw8(static_cast<std::int64_t>(1 + i % 7) * 1'000'000);
      b.on_trade(t, price, size);
      sizes += size;
    }
    ++i;
    while (b.pop(c)) out.push_back(c);
  }
  Decimal volume;
  for (std::size_t k = 0; k < out.size(); ++k) {
    const Candle& x = out[k];
    RC_ASSERT(x.start.floor_to(10s) == x.start);
    RC_ASSERT(x.high >= x.open && x.high >= x.close && x.low <= x.open && x.low <= x.close);
    if (x.gap) RC_ASSERT(x.open == x.close && x.high == x.low && x.volume.is_zero());
    if (k > 0 && !x.series_break) RC_ASSERT(x.start == out[k - 1].end());
    if (k > 0) RC_ASSERT(x.start >= out[k - 1].end());
    volume += x.volume;
  }
  if (const auto open = b.current()) volume += open->volume;
  RC_ASSERT(volume == sizes);
  RC_ASSERT(b.stats().late_ticks == 0U);
}

TEST(CandleBuilder, owner_timer_on_a_manual_clock_closes_every_interval) {
  // The owner's contract: schedule on_time at next_close() on the Clock, re-arm after each.
  ManualClock clock(kT0);
  CandleBuilder b({});
  std::vector<Candle> closed;
  std::function<void()> arm = [&] {
    clock.schedule_at(b.next_close(), [&] {
      b.on_time(clock.now());
      Candle c;
      while (b.pop(c)) closed.push_back(c);
      arm();
    });
  };
  b.on_trade(clock.now() + 3s, "100"_d, "1"_d);
  arm();
  clock.advance(35s);  // no more ticks: the timer alone closes the candles
  ASSERT_EQ(closed.size(), 3U);
  EXPECT_FALSE(closed[0].gap);
  EXPECT_EQ(closed[0].end(), kT0 + 10s);
  EXPECT_TRUE(closed[1].gap);
  EXPECT_TRUE(closed[2].gap);
  EXPECT_EQ(closed[2].end(), kT0 + 30s);
}

TEST(ReferencePrice, mad_floor_still_rejects_a_far_venue_when_others_agree_exactly) {
  ReferencePriceConfig cfg;
  cfg.symbol = SymbolId{1};
  auto agg = std::move(ReferencePriceAggregator::create(cfg)).value();
  const Timestamp now = kT0;
  agg.on_quote(Venue::binance, SymbolId{1}, now, Quote{"50000"_d, "1"_d, "50000"_d, "1"_d});
  agg.on_quote(Venue::coinbase, SymbolId{1}, now, Quote{"50000"_d, "1"_d, "50000"_d, "1"_d});
  agg.on_quote(Venue::kraken, SymbolId{1}, now, Quote{"50500"_d, "1"_d, "50500"_d, "1"_d});  // +1 %
  const auto p = agg.compute(now);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.outliers, 1U);  // 500 > 3 · 25 (5 bp floor)
  EXPECT_EQ(p.price, "50000"_d);
}

// The reference price always lies within the range of the fresh mids, at least half of them
// are used, and with one or two fresh venues nothing is rejected.
RC_GTEST_PROP(ReferencePriceProperty, price_within_used_mids_and_small_sets_never_reject, ()) {
  ReferencePriceConfig cfg;
  cfg.symbol = SymbolId{1};
  ReferencePriceAggregator agg(cfg);
  const auto n = static_cast<std::size_t>(*rc::gen::inRange(1, 8));
  const auto cents = *rc::gen::container<std::vector<int>>(n, rc::gen::inRange(1, 10'000'000));
  Decimal lo = Decimal::max();
  Decimal hi = Decimal::zero();
  for (std::size_t i = 0; i < n; ++i) {
    const Decimal mid = Decimal::from_raw8(static_cast<std::int64_t>(cents[i]) * 1'000'000);
    agg.on_quote(kAllVenues[i], SymbolId{1}, kT0, Quote{mid, Decimal::one(), mid, Decimal::one()});
    if (mid < lo) lo = mid;
    if (mid > hi) hi = mid;
  }
  const auto p = agg.compute(kT0);
  RC_ASSERT(p.ok());
  RC_ASSERT(p.price >= lo && p.price <= hi);
  RC_ASSERT(p.used + p.outliers == n);
  // At least half the deviations are <= MAD <= the threshold (k >= 1): half are always kept.
  RC_ASSERT(p.used * 2U >= n);
  if (n <= 2) RC_ASSERT(p.outliers == 0U);
}

}  // namespace
}  // namespace nzeza::market

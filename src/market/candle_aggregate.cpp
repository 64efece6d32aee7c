#include "market/candle_aggregate.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "market/candle_check.hpp"

namespace nzeza::market {

namespace {

Error bad(std::string what) {
  return Error(ErrorCode::invalid_argument, std::move(what));
}

std::uint32_t saturating_add(std::uint32_t a, std::uint32_t b) noexcept {
  const std::uint64_t sum = static_cast<std::uint64_t>(a) + b;
  return sum > std::numeric_limits<std::uint32_t>::max() ? std::numeric_limits<std::uint32_t>::max()
                                                         : static_cast<std::uint32_t>(sum);
}

std::string at(std::size_t index, const Candle& c) {
  return "candle " + std::to_string(index) + " (" + c.start.to_iso8601() + ")";
}

// The input's promises: one fine interval, each candle valid, strictly ascending, inside the
// window.
Status check_input(std::span<const Candle> fine, Duration coarse, const CandleWindow& window) {
  const Duration step = fine.front().interval;
  if (coarse <= Duration::zero() || step <= Duration::zero() || coarse % step != Duration::zero()) {
    return bad("coarse interval " + interval_text(coarse) +
               " is not a positive whole multiple of the fine interval " + interval_text(step));
  }
  if (window.to < window.from) {
    return bad("window ends (" + window.to.to_iso8601() + ") before it starts (" +
               window.from.to_iso8601() + ")");
  }
  for (std::size_t i = 0; i < fine.size(); ++i) {
    const Candle& c = fine[i];
    if (c.interval != step) {
      return bad(at(i, c) + ": interval " + interval_text(c.interval) + " differs from the first " +
                 interval_text(step));
    }
    if (auto s = check_candle(c); !s) return bad(at(i, c) + ": " + s.error().message);
    if (i > 0 && c.start <= fine[i - 1].start) {
      return bad(at(i, c) + ": not after the previous candle (" + fine[i - 1].start.to_iso8601() +
                 "); candles must be strictly ascending");
    }
  }
  for (std::size_t i = 0; i < fine.size(); ++i) {
    const Candle& c = fine[i];
    if (c.start < window.from || c.end() > window.to) {
      return bad(at(i, c) + ": outside the window [" + window.from.to_iso8601() + ", " +
                 window.to.to_iso8601() + ")");
    }
  }
  return {};
}

Candle flat(Timestamp start, Duration interval, Decimal price) {
  Candle c;
  c.start = start;
  c.interval = interval;
  c.open = c.high = c.low = c.close = price;
  c.gap = true;
  return c;
}

}  // namespace

Result<std::vector<Candle>> aggregate_candles(std::span<const Candle> fine, Duration coarse,
                                              std::optional<CandleWindow> window) {
  std::vector<Candle> out;
  if (fine.empty()) return out;
  const CandleWindow w = window.value_or(CandleWindow{fine.front().start, fine.back().end()});
  if (auto s = check_input(fine, coarse, w); !s) return s.error();

  // Complete buckets: [first, last) in steps of `coarse`, wholly inside the window.
  Timestamp first = w.from.floor_to(coarse);
  if (first < w.from) first += coarse;
  const Timestamp last = w.to.floor_to(coarse);
  if (last <= first) return out;

  bool have_close = false;
  Decimal last_close;
  std::size_t i = 0;
  // Fine candles before the first complete bucket still give the price a leading gap needs.
  for (; i < fine.size() && fine[i].start < first; ++i) {
    last_close = fine[i].close;
    have_close = true;
  }
  out.reserve(static_cast<std::size_t>((last - first) / coarse));
  for (Timestamp b = first; b < last; b += coarse) {
    const Timestamp end = b + coarse;
    Candle agg;
    agg.start = b;
    agg.interval = coarse;
    bool traded = false;
    bool series_break = false;
    for (; i < fine.size() && fine[i].start < end; ++i) {
      const Candle& c = fine[i];
      series_break = series_break || c.series_break;
      last_close = c.close;
      have_close = true;
      if (c.gap) continue;
      if (!traded) {
        agg.open = c.open;
        agg.high = c.high;
        agg.low = c.low;
        traded = true;
      } else {
        agg.high = std::max(agg.high, c.high);
        agg.low = std::min(agg.low, c.low);
      }
      agg.close = c.close;
      auto v = agg.volume.checked_add(c.volume);
      if (!v) {
        return Error(ErrorCode::overflow, "volume of the bucket at " + b.to_iso8601() + " (" +
                                              interval_text(coarse) +
                                              ") does not fit: " + v.error().message);
      }
      agg.volume = *v;
      agg.trades = saturating_add(agg.trades, c.trades);
      agg.price_updates = saturating_add(agg.price_updates, c.price_updates);
    }
    if (!traded) {
      if (!have_close) continue;  // no price yet: nothing to be flat at
      agg = flat(b, coarse, last_close);
    }
    agg.series_break = series_break;
    out.push_back(agg);
  }
  return out;
}

std::size_t WarmUpPlan::fetch_count(std::size_t wanted_count) const noexcept {
  const std::size_t f = std::max<std::size_t>(factor, 1);
  if (wanted_count > (std::numeric_limits<std::size_t>::max() - (f - 1)) / f) {
    return std::numeric_limits<std::size_t>::max();
  }
  return wanted_count * f + (f - 1);
}

Result<WarmUpPlan> warm_up_plan(Duration wanted, std::span<const Duration> offered) {
  if (wanted <= Duration::zero()) {
    return bad("wanted candle interval " + interval_text(wanted) + " is not positive");
  }
  if (offered.empty()) return bad("venue offers no candle history");
  std::optional<Duration> best;
  std::optional<Duration> smallest;
  for (const Duration d : offered) {
    if (d <= Duration::zero()) {
      return bad("offered candle interval " + interval_text(d) + " is not positive");
    }
    if (!smallest || d < *smallest) smallest = d;
    if (wanted % d == Duration::zero() && (!best || d > *best)) best = d;
  }
  if (!best) {
    return bad("venue offers no interval that divides " + interval_text(wanted) + "; smallest is " +
               interval_text(*smallest));
  }
  WarmUpPlan plan;
  plan.fetch = *best;
  plan.factor = static_cast<std::size_t>(wanted / *best);
  return plan;
}

}  // namespace nzeza::market

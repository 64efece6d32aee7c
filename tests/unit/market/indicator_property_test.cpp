// Properties: every incremental indicator equals a naive full recomputation over the whole
// series (the reference's vector algorithms, re-written plainly here, MACD aligned) after every
// input, for random series and periods.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "market/bollinger.hpp"
#include "market/ema.hpp"
#include "market/macd.hpp"
#include "market/rsi.hpp"
#include "market/stochastic.hpp"
#include "market/vwap.hpp"

namespace nzeza::market {
namespace {

using Series = std::vector<double>;

// Prices in cents from 0.01 to 100 000.00, the range of real quotes.
rc::Gen<Series> gen_series(int min_len) {
  return rc::gen::mapcat(rc::gen::inRange(min_len, 120), [](int n) {
    return rc::gen::map(rc::gen::container<std::vector<int>>(static_cast<std::size_t>(n),
                                                             rc::gen::inRange(1, 10'000'000)),
                        [](const std::vector<int>& cents) {
                          Series s;
                          for (int c : cents) s.push_back(c / 100.0);
                          return s;
                        });
  });
}

bool close_enough(double a, double b) {
  return std::fabs(a - b) <= 1e-7 * std::max({1.0, std::fabs(a), std::fabs(b)});
}

std::optional<double> naive_ema_last(const Series& xs, std::size_t p) {
  if (xs.size() < p) return std::nullopt;
  double e = 0;
  for (std::size_t i = 0; i < p; ++i) e += xs[i];
  e /= static_cast<double>(p);
  const double k = 2.0 / (static_cast<double>(p) + 1.0);
  for (std::size_t i = p; i < xs.size(); ++i) e = (xs[i] - e) * k + e;
  return e;
}

std::optional<double> naive_rsi_last(const Series& xs, std::size_t p, RsiMethod m) {
  if (xs.size() < p + 1) return std::nullopt;
  std::vector<double> g, l;
  for (std::size_t i = 1; i < xs.size(); ++i) {
    const double d = xs[i] - xs[i - 1];
    g.push_back(d > 0 ? d : 0);
    l.push_back(d > 0 ? 0 : -d);
  }
  double ag = 0, al = 0;
  if (m == RsiMethod::cutler_reference) {
    for (std::size_t i = g.size() - p; i < g.size(); ++i) {
      ag += g[i];
      al += l[i];
    }
    ag /= static_cast<double>(p);
    al /= static_cast<double>(p);
    const double rs = al == 0.0 ? 100.0 : ag / al;
    return 100.0 - 100.0 / (1.0 + rs);
  }
  for (std::size_t i = 0; i < p; ++i) {
    ag += g[i];
    al += l[i];
  }
  ag /= static_cast<double>(p);
  al /= static_cast<double>(p);
  for (std::size_t i = p; i < g.size(); ++i) {
    ag = (ag * (p - 1.0) + g[i]) / static_cast<double>(p);
    al = (al * (p - 1.0) + l[i]) / static_cast<double>(p);
  }
  if (al == 0.0) return ag == 0.0 ? 50.0 : 100.0;
  return 100.0 - 100.0 / (1.0 + ag / al);
}

RC_GTEST_PROP(IndicatorProperty, ema_equals_naive_recomputation, ()) {
  const auto p = static_cast<std::size_t>(*rc::gen::inRange(1, 30));
  const Series xs = *gen_series(1);
  Ema ema(p);
  Series seen;
  for (double x : xs) {
    seen.push_back(x);
    const auto inc = ema.update(x);
    const auto naive = naive_ema_last(seen, p);
    RC_ASSERT(inc.has_value() == naive.has_value());
    if (inc) RC_ASSERT(close_enough(*inc, *naive));
  }
}

RC_GTEST_PROP(IndicatorProperty, rsi_both_methods_equal_naive_recomputation, ()) {
  const auto p = static_cast<std::size_t>(*rc::gen::inRange(1, 30));
  const Series xs = *gen_series(2);
  for (RsiMethod m : {RsiMethod::wilder, RsiMethod::cutler_reference}) {
    Rsi rsi(p, m);
    Series seen;
    for (double x : xs) {
      seen.push_back(x);
      const auto inc = rsi.update(x);
      const auto naive = naive_rsi_last(seen, p, m);
      RC_ASSERT(inc.has_value() == naive.has_value());
      // RSI is in [0, 100]: compare absolutely (a near-zero loss makes RS huge either way).
      if (inc) RC_ASSERT(std::fabs(*inc - *naive) < 1e-6);
    }
  }
}

RC_GTEST_PROP(IndicatorProperty, bollinger_equals_naive_recomputation, ()) {
  const auto p = static_cast<std::size_t>(*rc::gen::inRange(2, 30));
  const bool sample = *rc::gen::arbitrary<bool>();
  const Series xs = *gen_series(1);
  Bollinger bb(p, 2.0, sample ? SigmaKind::sample : SigmaKind::population);
  for (std::size_t n = 1; n <= xs.size(); ++n) {
    const auto inc = bb.update(xs[n - 1]);
    RC_ASSERT(inc.has_value() == (n >= p));
    if (!inc) continue;
    double mean = 0;
    for (std::size_t i = n - p; i < n; ++i) mean += xs[i];
    mean /= static_cast<double>(p);
    double ss = 0;
    for (std::size_t i = n - p; i < n; ++i) ss += (xs[i] - mean) * (xs[i] - mean);
    const double sigma = std::sqrt(ss / static_cast<double>(sample ? p - 1 : p));
    RC_ASSERT(close_enough(inc->middle, mean));
    // σ is compared relative to the price scale: it is a difference of prices.
    RC_ASSERT(std::fabs(inc->sigma - sigma) <= 1e-6 * std::max(1.0, mean));
  }
}

RC_GTEST_PROP(IndicatorProperty, macd_equals_aligned_naive_recomputation, ()) {
  const auto fast = static_cast<std::size_t>(*rc::gen::inRange(1, 12));
  const auto slow = fast + static_cast<std::size_t>(*rc::gen::inRange(1, 15));
  const auto sig = static_cast<std::size_t>(*rc::gen::inRange(1, 10));
  const Series xs = *gen_series(1);
  Macd macd(fast, slow, sig);
  Series seen;
  Series line;  // aligned MACD line, one value per close from the slow-th close
  for (double x : xs) {
    seen.push_back(x);
    const auto inc = macd.update(x);
    const auto f = naive_ema_last(seen, fast);
    const auto s = naive_ema_last(seen, slow);
    if (f && s) line.push_back(*f - *s);
    const auto signal = naive_ema_last(line, sig);
    RC_ASSERT(inc.has_value() == signal.has_value());
    if (!inc) continue;
    const double scale = std::max(1.0, x) * 1e-7;
    RC_ASSERT(std::fabs(inc->line - line.back()) <= scale);
    RC_ASSERT(std::fabs(inc->signal - *signal) <= scale);
    RC_ASSERT(std::fabs(inc->histogram - (line.back() - *signal)) <= scale);
  }
}

RC_GTEST_PROP(IndicatorProperty, stochastic_equals_naive_recomputation, ()) {
  const auto kp = static_cast<std::size_t>(*rc::gen::inRange(1, 20));
  const auto dp = static_cast<std::size_t>(*rc::gen::inRange(1, 6));
  const Series mid = *gen_series(1);
  Stochastic st(kp, dp);
  Series hi, lo, cl, ks;
  for (double m : mid) {
    hi.push_back(m * 1.01);
    lo.push_back(m * 0.99);
    cl.push_back(m);
    const auto inc = st.update(hi.back(), lo.back(), cl.back());
    const std::size_t n = cl.size();
    if (n >= kp) {
      const double hh = *std::max_element(hi.end() - static_cast<long>(kp), hi.end());
      const double ll = *std::min_element(lo.end() - static_cast<long>(kp), lo.end());
      const double range = hh - ll;
      ks.push_back(range > std::numeric_limits<double>::epsilon() ? 100.0 * (cl.back() - ll) / range
                                                                  : 50.0);
    }
    RC_ASSERT(inc.has_value() == (ks.size() >= dp));
    if (!inc) continue;
    double d = 0;
    for (std::size_t i = ks.size() - dp; i < ks.size(); ++i) d += ks[i];
    d /= static_cast<double>(dp);
    RC_ASSERT(std::fabs(inc->k - ks.back()) < 1e-7);
    RC_ASSERT(std::fabs(inc->d - d) < 1e-7);
  }
}

RC_GTEST_PROP(IndicatorProperty, vwap_equals_naive_recomputation_per_session, ()) {
  const Series xs = *gen_series(1);
  const auto vols = *rc::gen::container<std::vector<int>>(xs.size(), rc::gen::inRange(0, 1000));
  Vwap vwap(std::chrono::seconds(60));
  for (std::size_t n = 1; n <= xs.size(); ++n) {
    // Candles every 7 s: sessions of 60 s start at multiples of 60.
    const auto t = Timestamp::from_seconds(static_cast<std::int64_t>(7 * (n - 1)));
    const double inc = vwap.update(t, xs[n - 1] * 1.01, xs[n - 1] * 0.99, xs[n - 1], vols[n - 1]);
    const std::int64_t session = (t.seconds() / 60) * 60;
    double pv = 0, v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (static_cast<std::int64_t>(7 * i) < session) continue;
      const double tp = (xs[i] * 1.01 + xs[i] * 0.99 + xs[i]) / 3.0;
      pv += tp * vols[i];
      v += vols[i];
    }
    const double tp_now = (xs[n - 1] * 1.01 + xs[n - 1] * 0.99 + xs[n - 1]) / 3.0;
    const double naive = v > std::numeric_limits<double>::epsilon() ? pv / v : tp_now;
    RC_ASSERT(close_enough(inc, naive));
  }
}

}  // namespace
}  // namespace nzeza::market

#include "domain/screening.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/enum_names.hpp"

namespace nzeza::domain {
namespace {

bool finite(double v) noexcept {
  return std::isfinite(v);
}

Error bad(const std::string& field, const std::string& rule) {
  return Error{ErrorCode::invalid_argument, "screening config: " + field + " " + rule};
}

bool unit_interval(double v) noexcept {
  return finite(v) && v >= 0.0 && v <= 1.0;
}

bool valid_range_candle(const ScreeningCandle& c) noexcept {
  return finite(c.high) && finite(c.low) && finite(c.close) && c.close > 0.0 && c.low >= 0.0 &&
         c.high >= c.low;
}

std::span<const ScreeningCandle> tail(std::span<const ScreeningCandle> all, std::size_t n) {
  return all.size() > n ? all.subspan(all.size() - n) : all;
}

double clamp01(double v) noexcept {
  if (!finite(v)) return 0.0;
  return std::clamp(v, 0.0, 1.0);
}

}  // namespace

Status ScreeningWeights::validate() const {
  const double w[] = {volatility, volume, spread, momentum};
  const char* names[] = {"weights.volatility", "weights.volume", "weights.spread",
                         "weights.momentum"};
  double sum = 0.0;
  for (int i = 0; i < 4; ++i) {
    if (!finite(w[i]) || w[i] < 0.0) return bad(names[i], "must be finite and >= 0");
    sum += w[i];
  }
  if (std::fabs(sum - 1.0) > 1e-9) {
    return bad("weights", "must sum to 1, got " + std::to_string(sum));
  }
  return {};
}

Status ScreeningConfig::validate() const {
  if (auto st = weights.validate(); !st) return st;
  if (volatility_window == 0) return bad("volatility_window", "must be >= 1");
  if (min_candles == 0 || min_candles > volatility_window) {
    return bad("min_candles", "must be in [1, volatility_window]");
  }
  if (!finite(volatility_midpoint_pct) || volatility_midpoint_pct <= 0.0) {
    return bad("volatility_midpoint_pct", "must be finite and > 0");
  }
  if (!finite(volatility_steepness) || volatility_steepness <= 0.0) {
    return bad("volatility_steepness", "must be finite and > 0");
  }
  if (volume_window == 0) return bad("volume_window", "must be >= 1");
  if (!finite(volume_reference) || volume_reference <= 0.0) {
    return bad("volume_reference", "must be finite and > 0");
  }
  if (!finite(spread_cap_pct) || spread_cap_pct <= 0.0) {
    return bad("spread_cap_pct", "must be finite and > 0");
  }
  if (!unit_interval(no_book_spread_score)) return bad("no_book_spread_score", "must be in [0, 1]");
  if (!finite(rsi_oversold) || !finite(rsi_overbought) || rsi_oversold < 0.0 ||
      rsi_overbought > 100.0 || rsi_oversold >= rsi_overbought) {
    return bad("rsi_oversold/rsi_overbought", "must satisfy 0 <= oversold < overbought <= 100");
  }
  if (!unit_interval(rsi_low_score) || !unit_interval(rsi_mid_score) ||
      !unit_interval(rsi_high_score)) {
    return bad("rsi_*_score", "must be in [0, 1]");
  }
  if (!finite(macd_step) || macd_step < 0.0 || macd_step > 0.5) {
    return bad("macd_step", "must be in [0, 0.5]");
  }
  if (!finite(rsi_weight) || !finite(macd_weight) || rsi_weight < 0.0 || macd_weight < 0.0 ||
      rsi_weight + macd_weight <= 0.0) {
    return bad("rsi_weight/macd_weight", "must be finite, >= 0 and not both 0");
  }
  if (!unit_interval(ema_adjustment)) return bad("ema_adjustment", "must be in [0, 1]");
  if (!unit_interval(neutral_momentum)) return bad("neutral_momentum", "must be in [0, 1]");
  if (!unit_interval(candidate_threshold)) return bad("candidate_threshold", "must be in [0, 1]");
  return {};
}

constexpr EnumNames kScreeningCategoryNames{
    ScreeningCategory::avoid,
    {"BestCandidate", "GoodCandidate", "FairCandidate", "Avoid"},
    "Avoid"};

std::string_view to_string(ScreeningCategory c) noexcept {
  return kScreeningCategoryNames.name(c);
}

ScreeningCategory categorize(double score) noexcept {
  if (!finite(score)) return ScreeningCategory::avoid;
  if (score >= 0.75) return ScreeningCategory::best_candidate;
  if (score >= 0.60) return ScreeningCategory::good_candidate;
  if (score >= 0.50) return ScreeningCategory::fair_candidate;
  return ScreeningCategory::avoid;
}

Result<Screener> Screener::create(ScreeningConfig config) {
  if (auto st = config.validate(); !st) return st.error();
  return Screener(config);
}

std::optional<double> Screener::volatility_score(std::span<const ScreeningCandle> candles,
                                                 double* mean_range_pct,
                                                 std::size_t* used) const noexcept {
  double sum = 0.0;
  std::size_t n = 0;
  for (const auto& c : tail(candles, config_.volatility_window)) {
    if (!valid_range_candle(c)) continue;
    const double range_pct = (c.high - c.low) / c.close * 100.0;
    if (!finite(range_pct)) continue;
    sum += range_pct;
    ++n;
  }
  if (used != nullptr) *used = n;
  if (n < config_.min_candles) return std::nullopt;
  const double mean = sum / static_cast<double>(n);
  if (mean_range_pct != nullptr) *mean_range_pct = mean;
  const double x = config_.volatility_steepness * (mean - config_.volatility_midpoint_pct);
  return clamp01(1.0 / (1.0 + std::exp(-x)));
}

double Screener::volume_score(std::span<const ScreeningCandle> candles,
                              double* quote_volume) const noexcept {
  double total = 0.0;
  for (const auto& c : tail(candles, config_.volume_window)) {
    if (!finite(c.volume) || !finite(c.close) || c.volume < 0.0 || c.close <= 0.0) continue;
    const double q = c.close * c.volume;
    if (finite(q)) total += q;
  }
  if (!finite(total)) total = config_.volume_reference;  // overflowed: more than enough
  if (quote_volume != nullptr) *quote_volume = total;
  return clamp01(std::min(total, config_.volume_reference) / config_.volume_reference);
}

double Screener::spread_score(const std::optional<ScreeningBook>& book) const noexcept {
  if (!book) return config_.no_book_spread_score;
  const double bid = book->bid;
  const double ask = book->ask;
  // A present but doubtful book (NaN, non-positive, crossed) earns nothing.
  if (!finite(bid) || !finite(ask) || bid <= 0.0 || ask < bid) return 0.0;
  const double mid = (bid + ask) / 2.0;
  const double spread_pct = (ask - bid) / mid * 100.0;
  if (!finite(spread_pct)) return 0.0;
  return clamp01(1.0 - std::min(spread_pct, config_.spread_cap_pct) / config_.spread_cap_pct);
}

double Screener::momentum_score(const MomentumInputs& m) const noexcept {
  double weighted = 0.0;
  double weight = 0.0;
  if (finite(m.rsi) && m.rsi >= 0.0 && m.rsi <= 100.0) {
    double part = config_.rsi_mid_score;
    if (m.rsi < config_.rsi_oversold) part = config_.rsi_low_score;
    if (m.rsi > config_.rsi_overbought) part = config_.rsi_high_score;
    weighted += config_.rsi_weight * part;
    weight += config_.rsi_weight;
  }
  if (finite(m.macd_histogram)) {
    const double h = m.macd_histogram;
    const double p = m.previous_macd_histogram;
    const bool crossed = finite(p) && ((p < 0.0 && h > 0.0) || (p > 0.0 && h < 0.0));
    double part = 0.5;
    if (!crossed && h > 0.0) part = 0.5 + config_.macd_step;
    if (!crossed && h < 0.0) part = 0.5 - config_.macd_step;
    weighted += config_.macd_weight * part;
    weight += config_.macd_weight;
  }
  double score = weight > 0.0 ? weighted / weight : config_.neutral_momentum;
  if (finite(m.ema_fast) && finite(m.ema_slow)) {
    if (m.ema_fast > m.ema_slow) score += config_.ema_adjustment;
    if (m.ema_fast < m.ema_slow) score -= config_.ema_adjustment;
  }
  return clamp01(score);
}

double Screener::overall_score(double volatility, double volume, double spread,
                               double momentum) const noexcept {
  const auto& w = config_.weights;
  const auto safe = [](double v) { return std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : 0.0; };
  return clamp01(w.volatility * safe(volatility) + w.volume * safe(volume) +
                 w.spread * safe(spread) + w.momentum * safe(momentum));
}

Result<ScreeningScore> Screener::screen(const ScreeningInput& in) const {
  ScreeningScore s;
  s.symbol = in.symbol;
  s.venue = in.venue;
  auto vol = volatility_score(in.candles, &s.mean_range_pct, &s.candles_used);
  if (!vol) {
    return Error{ErrorCode::invalid_argument, in.symbol +
                                                  ": insufficient candles for volatility (have " +
                                                  std::to_string(s.candles_used) + ", need " +
                                                  std::to_string(config_.min_candles) + ")"};
  }
  s.volatility = *vol;
  s.volume = volume_score(in.candles, &s.quote_volume);
  s.spread = spread_score(in.book);
  s.momentum = momentum_score(in.momentum);
  s.overall = overall_score(s.volatility, s.volume, s.spread, s.momentum);
  s.category = categorize(s.overall);
  return s;
}

std::vector<ScreeningScore> Screener::rank(std::vector<ScreeningScore> scores) {
  // Non-finite overall scores (only possible in hand-built values) sort last, never compared
  // as NaN: the comparator is a strict weak ordering for every input.
  const auto key = [](const ScreeningScore& s) {
    return std::isfinite(s.overall) ? s.overall : -std::numeric_limits<double>::infinity();
  };
  std::stable_sort(scores.begin(), scores.end(),
                   [&](const ScreeningScore& a, const ScreeningScore& b) {
                     const double ka = key(a);
                     const double kb = key(b);
                     if (ka != kb) return ka > kb;
                     if (a.symbol != b.symbol) return a.symbol < b.symbol;
                     return a.venue < b.venue;
                   });
  for (std::size_t i = 0; i < scores.size(); ++i) {
    scores[i].rank = i + 1;
    scores[i].category = categorize(scores[i].overall);
  }
  return scores;
}

std::vector<ScreeningScore> Screener::top_candidates(std::vector<ScreeningScore> scores,
                                                     std::size_t limit) const {
  auto ranked = rank(std::move(scores));
  std::vector<ScreeningScore> out;
  for (auto& s : ranked) {
    if (!std::isfinite(s.overall) || s.overall < config_.candidate_threshold) break;
    if (limit != 0 && out.size() == limit) break;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace nzeza::domain

#pragma once
// Symbol screening for scalping potential: four scores in [0, 1] and their weighted sum.
// Formulas are the reference SPEC's (openspec screen-symbols-scalping-potential, reference
// §8), not the reference code's (§2.10); docs/domain/risk.md §5 gives each formula and the
// differences.
//
//   volatility = sigmoid(k × (mean over the last 20 valid candles of (H−L)/C×100 − m)),
//                k = 2 per percentage point, m = 1.5 %; fewer than 10 valid candles: no score
//   volume     = min(V, 1 000 000) / 1 000 000, V = Σ close×volume over the last 60 candles
//                (quote currency; one hour of 1-minute candles)
//   spread     = 1 − min(spread%, 1 %) / 1 %, spread% = (ask−bid)/mid×100; 0.5 without a book
//   momentum   = 0.6 × rsi_part + 0.4 × macd_part, ± 0.1 from EMA(3) vs EMA(5), clamped
//                rsi_part: RSI < 30 → 0.1, 30..70 → 0.5, > 70 → 0.9
//                macd_part: histogram > 0 → 0.8, < 0 → 0.2, crossing zero or 0 → 0.5
//   overall    = 0.3 × volatility + 0.3 × volume + 0.2 × spread + 0.2 × momentum
//
// NaN-safe by construction: a candle with a non-finite or impossible field is skipped, a
// non-finite indicator is left out of the momentum average, a bad book scores 0; no score is
// ever NaN and ranking never compares NaN. Indicator maths, so double, not Decimal.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/venue.hpp"

namespace nzeza::domain {

// One OHLCV candle; volume in base units. The caller converts its market-layer candles.
struct ScreeningCandle {
  double open = 0.0;
  double high = 0.0;
  double low = 0.0;
  double close = 0.0;
  double volume = 0.0;
};

struct ScreeningBook {
  double bid = 0.0;
  double ask = 0.0;
};

// Indicator values computed by the market layer; NaN = not available.
struct MomentumInputs {
  static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  double rsi = kNone;                      // RSI(14), 0..100
  double macd_histogram = kNone;           // MACD(12, 26, 9) line − signal, latest
  double previous_macd_histogram = kNone;  // the one before, to detect a zero crossing
  double ema_fast = kNone;                 // EMA(3)
  double ema_slow = kNone;                 // EMA(5)
};

struct ScreeningInput {
  std::string symbol;
  Venue venue = Venue::paper;
  std::span<const ScreeningCandle> candles;  // oldest first; not owned
  std::optional<ScreeningBook> book;         // nullopt: no order book
  MomentumInputs momentum;
};

struct ScreeningWeights {
  double volatility = 0.3;
  double volume = 0.3;
  double spread = 0.2;
  double momentum = 0.2;
  // Each finite and >= 0, sum 1 (within 1e-9). The reference ignored its SCREENING_*_WEIGHT
  // settings; here they are used, and checked.
  [[nodiscard]] Status validate() const;
};

struct ScreeningConfig {
  ScreeningWeights weights;
  std::size_t volatility_window = 20;     // candles looked at
  std::size_t min_candles = 10;           // valid candles needed in that window
  double volatility_midpoint_pct = 1.5;   // mean range (%) scoring 0.5
  double volatility_steepness = 2.0;      // sigmoid slope per percentage point
  std::size_t volume_window = 60;         // candles summed for the volume
  double volume_reference = 1'000'000.0;  // quote volume that scores 1
  double spread_cap_pct = 1.0;            // spread (%) that scores 0
  double no_book_spread_score = 0.5;
  double rsi_oversold = 30.0;
  double rsi_overbought = 70.0;
  double rsi_low_score = 0.1;
  double rsi_mid_score = 0.5;
  double rsi_high_score = 0.9;
  double macd_step = 0.3;  // added to / taken from 0.5 by the histogram's sign
  double rsi_weight = 0.6;
  double macd_weight = 0.4;
  double ema_adjustment = 0.1;
  double neutral_momentum = 0.5;     // no indicator available
  double candidate_threshold = 0.5;  // top candidates: overall >= this

  [[nodiscard]] Status validate() const;
};

enum class ScreeningCategory : std::uint8_t {
  best_candidate,
  good_candidate,
  fair_candidate,
  avoid
};
// "BestCandidate", "GoodCandidate", "FairCandidate", "Avoid".
[[nodiscard]] std::string_view to_string(ScreeningCategory c) noexcept;
// >= 0.75 best, >= 0.60 good, >= 0.50 fair, else (and NaN) avoid.
[[nodiscard]] ScreeningCategory categorize(double score) noexcept;

struct ScreeningScore {
  std::string symbol;
  Venue venue = Venue::paper;
  double volatility = 0.0;
  double volume = 0.0;
  double spread = 0.0;
  double momentum = 0.0;
  double overall = 0.0;  // not rounded: rounding could move a score across a category edge
  ScreeningCategory category = ScreeningCategory::avoid;
  std::size_t rank = 0;  // 1-based after rank(); 0 before
  // Supporting data.
  double mean_range_pct = 0.0;
  double quote_volume = 0.0;
  std::size_t candles_used = 0;
};

class Screener {
 public:
  [[nodiscard]] static Result<Screener> create(ScreeningConfig config);
  [[nodiscard]] const ScreeningConfig& config() const noexcept { return config_; }

  // nullopt when fewer than min_candles valid candles are in the window.
  [[nodiscard]] std::optional<double> volatility_score(std::span<const ScreeningCandle> candles,
                                                       double* mean_range_pct = nullptr,
                                                       std::size_t* used = nullptr) const noexcept;
  [[nodiscard]] double volume_score(std::span<const ScreeningCandle> candles,
                                    double* quote_volume = nullptr) const noexcept;
  [[nodiscard]] double spread_score(const std::optional<ScreeningBook>& book) const noexcept;
  [[nodiscard]] double momentum_score(const MomentumInputs& m) const noexcept;
  // Weighted sum; a non-finite component counts as 0.
  [[nodiscard]] double overall_score(double volatility, double volume, double spread,
                                     double momentum) const noexcept;

  // All four scores; error (invalid_argument) "<symbol>: insufficient candles for volatility
  // (have n, need m)" so the caller skips the symbol this cycle.
  [[nodiscard]] Result<ScreeningScore> screen(const ScreeningInput& input) const;
  // Sorted by overall descending (ties: symbol, then venue), ranks 1..n assigned.
  [[nodiscard]] static std::vector<ScreeningScore> rank(std::vector<ScreeningScore> scores);
  // The ranked scores with overall >= candidate_threshold, at most `limit` (0 = all).
  [[nodiscard]] std::vector<ScreeningScore> top_candidates(std::vector<ScreeningScore> scores,
                                                           std::size_t limit = 0) const;

 private:
  explicit Screener(ScreeningConfig config) : config_(config) {}
  ScreeningConfig config_;
};

}  // namespace nzeza::domain

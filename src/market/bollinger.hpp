#pragma once
// Bollinger bands over closes: middle = SMA(p), upper/lower = middle ± k·σ, O(1) per close.
//
// σ is the population standard deviation (divide by p) by default, as the reference and
// Bollinger himself use; the sample σ (divide by p-1) is an option for tools that use it.

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/result.hpp"
#include "market/rolling_stats.hpp"

namespace nzeza::market {

enum class SigmaKind : std::uint8_t { population, sample };

struct BollingerValue {
  double upper = 0.0;
  double middle = 0.0;
  double lower = 0.0;
  double sigma = 0.0;
};

class Bollinger {
 public:
  // Error for a bad period, k not finite or negative, or sample σ with period 1.
  [[nodiscard]] static Result<Bollinger> create(std::size_t period, double k,
                                                SigmaKind sigma = SigmaKind::population);
  Bollinger(std::size_t period, double k, SigmaKind sigma = SigmaKind::population);

  std::optional<BollingerValue> update(double close) noexcept;
  void reset() noexcept { stats_.reset(); }

  [[nodiscard]] bool ready() const noexcept { return stats_.full(); }
  [[nodiscard]] std::optional<BollingerValue> value() const noexcept;
  // (close - middle)/σ for the last window, 0 when σ is 0; nullopt before ready.
  [[nodiscard]] std::optional<double> z_score(double close) const noexcept;
  [[nodiscard]] std::size_t period() const noexcept { return stats_.period(); }
  [[nodiscard]] double k() const noexcept { return k_; }

 private:
  [[nodiscard]] double sigma() const noexcept;

  RollingStats stats_;
  double k_;
  SigmaKind kind_;
};

}  // namespace nzeza::market

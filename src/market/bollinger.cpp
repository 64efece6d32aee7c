#include "market/bollinger.hpp"

#include <cmath>
#include <string>

#include "market/indicator_params.hpp"

namespace nzeza::market {

Result<Bollinger> Bollinger::create(std::size_t period, double k, SigmaKind sigma) {
  if (auto s = validate_period("Bollinger period", period); !s) return s.error();
  if (!std::isfinite(k) || k < 0.0) {
    return fail(ErrorCode::invalid_argument,
                "Bollinger k must be finite and >= 0, got " + std::to_string(k));
  }
  if (sigma == SigmaKind::sample && period < 2) {
    return fail(ErrorCode::invalid_argument, "Bollinger sample sigma needs period >= 2, got 1");
  }
  return Bollinger(period, k, sigma);
}

Bollinger::Bollinger(std::size_t period, double k, SigmaKind sigma)
    : stats_(period), k_(k), kind_(sigma) {}

std::optional<BollingerValue> Bollinger::update(double close) noexcept {
  stats_.push(close);
  return value();
}

double Bollinger::sigma() const noexcept {
  return std::sqrt(kind_ == SigmaKind::population ? stats_.population_variance()
                                                  : stats_.sample_variance());
}

std::optional<BollingerValue> Bollinger::value() const noexcept {
  if (!ready()) return std::nullopt;
  const double m = stats_.mean();
  const double s = sigma();
  return BollingerValue{m + k_ * s, m, m - k_ * s, s};
}

std::optional<double> Bollinger::z_score(double close) const noexcept {
  if (!ready()) return std::nullopt;
  const double s = sigma();
  return s > 0.0 ? (close - stats_.mean()) / s : 0.0;
}

}  // namespace nzeza::market

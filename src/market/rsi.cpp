#include "market/rsi.hpp"

#include "market/indicator_params.hpp"

namespace nzeza::market {
namespace {
constexpr std::uint32_t kResyncEvery = 4096;
}

Result<Rsi> Rsi::create(std::size_t period, RsiMethod method) {
  if (auto s = validate_period("RSI period", period); !s) return s.error();
  return Rsi(period, method);
}

Rsi::Rsi(std::size_t period, RsiMethod method)
    : period_(period == 0 ? 1 : period),
      method_(method),
      window_(method == RsiMethod::cutler_reference ? period_ : 1) {}

std::optional<double> Rsi::update(double close) noexcept {
  if (!has_prev_) {
    has_prev_ = true;
    prev_ = close;
    return std::nullopt;
  }
  const double change = close - prev_;
  prev_ = close;
  // The reference counts a zero change as a loss of |0| = 0; both sides get 0 here too.
  const Change c{change > 0.0 ? change : 0.0, change > 0.0 ? 0.0 : -change};
  const double p = static_cast<double>(period_);
  if (method_ == RsiMethod::wilder) {
    if (changes_ < period_) {
      avg_gain_ += c.gain;
      avg_loss_ += c.loss;
      ++changes_;
      if (changes_ < period_) return std::nullopt;
      avg_gain_ /= p;
      avg_loss_ /= p;
    } else {
      ++changes_;
      avg_gain_ = (avg_gain_ * (p - 1.0) + c.gain) / p;
      avg_loss_ = (avg_loss_ * (p - 1.0) + c.loss) / p;
    }
  } else {
    Change evicted;
    if (window_.push(c, &evicted)) {
      sum_gain_ -= evicted.gain;
      sum_loss_ -= evicted.loss;
      nonzero_gains_ -= evicted.gain != 0.0;
      nonzero_losses_ -= evicted.loss != 0.0;
    }
    sum_gain_ += c.gain;
    sum_loss_ += c.loss;
    nonzero_gains_ += c.gain != 0.0;
    nonzero_losses_ += c.loss != 0.0;
    // An all-zero side restarts from an exact 0 so rounding drift cannot outlive it.
    if (nonzero_gains_ == 0) sum_gain_ = 0.0;
    if (nonzero_losses_ == 0) sum_loss_ = 0.0;
    if (++since_resync_ >= kResyncEvery) {
      since_resync_ = 0;
      sum_gain_ = 0.0;
      sum_loss_ = 0.0;
      for (std::size_t i = 0; i < window_.size(); ++i) {
        sum_gain_ += window_[i].gain;
        sum_loss_ += window_[i].loss;
      }
    }
    if (changes_ < period_) ++changes_;
    if (changes_ < period_) return std::nullopt;
  }
  compute();
  return value_;
}

double Rsi::average_gain() const noexcept {
  if (method_ == RsiMethod::wilder) return avg_gain_;
  return nonzero_gains_ == 0 ? 0.0 : sum_gain_ / static_cast<double>(period_);
}

double Rsi::average_loss() const noexcept {
  if (method_ == RsiMethod::wilder) return avg_loss_;
  return nonzero_losses_ == 0 ? 0.0 : sum_loss_ / static_cast<double>(period_);
}

void Rsi::compute() noexcept {
  const double gain = average_gain();
  const double loss = average_loss();
  if (method_ == RsiMethod::cutler_reference) {
    const double rs = loss == 0.0 ? 100.0 : gain / loss;
    value_ = 100.0 - 100.0 / (1.0 + rs);
    return;
  }
  if (loss == 0.0) {
    value_ = gain == 0.0 ? 50.0 : 100.0;
    return;
  }
  value_ = 100.0 - 100.0 / (1.0 + gain / loss);
}

void Rsi::reset() noexcept {
  has_prev_ = false;
  prev_ = 0.0;
  changes_ = 0;
  avg_gain_ = avg_loss_ = 0.0;
  window_.clear();
  sum_gain_ = sum_loss_ = 0.0;
  nonzero_gains_ = nonzero_losses_ = 0;
  since_resync_ = 0;
  value_ = 0.0;
}

}  // namespace nzeza::market

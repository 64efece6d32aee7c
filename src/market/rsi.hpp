#pragma once
// Rsi: relative strength index over closes, O(1) per close, no allocation after construction.
//
// Two methods:
// - wilder (default): J. Welles Wilder's original — the first average gain/loss is the simple
//   mean of the first p changes, then avg = (avg*(p-1) + current)/p. RSI = 100 - 100/(1+RS);
//   RSI is 100 when the average loss is 0 and the average gain is not, and 50 when both are 0
//   (no movement at all: neither overbought nor oversold).
// - cutler_reference: the reference's variant (nzeza-reference §2.1) — simple p-window means of
//   gains and losses, and RS = 100 when the average loss is 0, so RSI caps at 99.0099 (also for
//   a flat window). Kept bit-for-bit for parity; the quirk is deliberate.
// Both are ready after p+1 closes (p changes).

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/result.hpp"
#include "market/ring_buffer.hpp"

namespace nzeza::market {

enum class RsiMethod : std::uint8_t { wilder, cutler_reference };

class Rsi {
 public:
  [[nodiscard]] static Result<Rsi> create(std::size_t period, RsiMethod method = RsiMethod::wilder);
  explicit Rsi(std::size_t period, RsiMethod method = RsiMethod::wilder);

  std::optional<double> update(double close) noexcept;
  void reset() noexcept;

  [[nodiscard]] bool ready() const noexcept { return changes_ >= period_; }
  [[nodiscard]] std::optional<double> value() const noexcept {
    return ready() ? std::optional<double>(value_) : std::nullopt;
  }
  [[nodiscard]] std::size_t period() const noexcept { return period_; }
  [[nodiscard]] RsiMethod method() const noexcept { return method_; }
  [[nodiscard]] double average_gain() const noexcept;
  [[nodiscard]] double average_loss() const noexcept;

 private:
  struct Change {
    double gain = 0.0;
    double loss = 0.0;
  };
  void compute() noexcept;

  std::size_t period_;
  RsiMethod method_;
  bool has_prev_ = false;
  double prev_ = 0.0;
  std::size_t changes_ = 0;
  // wilder: running sums during the seed phase, then the smoothed averages.
  double avg_gain_ = 0.0;
  double avg_loss_ = 0.0;
  // cutler_reference: the window of changes, their sums and how many losses are non-zero (so a
  // window without losses gives an exact 0, which the reference's `== 0` test needs).
  RingBuffer<Change> window_;
  double sum_gain_ = 0.0;
  double sum_loss_ = 0.0;
  std::size_t nonzero_losses_ = 0;
  std::size_t nonzero_gains_ = 0;
  std::uint32_t since_resync_ = 0;
  double value_ = 0.0;
};

}  // namespace nzeza::market

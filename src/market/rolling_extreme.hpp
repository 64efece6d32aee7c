#pragma once
// RollingExtreme: maximum (or minimum) of the last `period` values with a monotonic deque,
// amortised O(1) per value (each value enters and leaves the deque once). The deque lives in a
// fixed ring sized at construction: no allocation afterwards.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nzeza::market {

enum class Extreme : std::uint8_t { max, min };

class RollingExtreme {
 public:
  RollingExtreme(std::size_t period, Extreme which);

  void push(double value) noexcept;
  void reset() noexcept;
  // Extreme of the values in the window (precondition: at least one value pushed).
  [[nodiscard]] double value() const noexcept { return slots_[head_].value; }
  [[nodiscard]] std::size_t count() const noexcept { return seen_ < period_ ? seen_ : period_; }
  [[nodiscard]] bool full() const noexcept { return seen_ >= period_; }

 private:
  struct Slot {
    std::uint64_t index = 0;
    double value = 0.0;
  };
  [[nodiscard]] bool dominates(double a, double b) const noexcept {
    return which_ == Extreme::max ? a >= b : a <= b;
  }
  [[nodiscard]] std::size_t next(std::size_t i) const noexcept {
    return i + 1 == slots_.size() ? 0 : i + 1;
  }
  [[nodiscard]] std::size_t prev(std::size_t i) const noexcept {
    return i == 0 ? slots_.size() - 1 : i - 1;
  }

  std::size_t period_;
  Extreme which_;
  std::vector<Slot> slots_;  // capacity period_ (a window never holds more)
  std::size_t head_ = 0;     // oldest kept candidate
  std::size_t size_ = 0;
  std::uint64_t seen_ = 0;
};

}  // namespace nzeza::market

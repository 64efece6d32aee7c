#include "market/rolling_extreme.hpp"

namespace nzeza::market {

RollingExtreme::RollingExtreme(std::size_t period, Extreme which)
    : period_(period == 0 ? 1 : period), which_(which), slots_(period_) {}

void RollingExtreme::push(double value) noexcept {
  // Drop the candidate that left the window.
  if (size_ > 0 && seen_ >= period_ && slots_[head_].index <= seen_ - period_) {
    head_ = next(head_);
    --size_;
  }
  // Drop candidates the new value dominates; they can never be the extreme again.
  while (size_ > 0) {
    std::size_t tail = head_ + size_ - 1;
    if (tail >= slots_.size()) tail -= slots_.size();
    if (!dominates(value, slots_[tail].value)) break;
    --size_;
  }
  std::size_t slot = head_ + size_;
  if (slot >= slots_.size()) slot -= slots_.size();
  slots_[slot] = Slot{seen_, value};
  ++size_;
  ++seen_;
}

void RollingExtreme::reset() noexcept {
  head_ = 0;
  size_ = 0;
  seen_ = 0;
}

}  // namespace nzeza::market

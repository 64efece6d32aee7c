#pragma once
// SeqRing<T>: a growable ring addressed by absolute sequence numbers (seq & mask), so a position
// handed out by push() stays valid while the ring grows — conflation finds a queued message by
// its sequence number in O(1). Not thread-safe: the owning mailbox's lock guards it.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

namespace nzeza::actor {

template <typename T>
class SeqRing {
 public:
  explicit SeqRing(std::size_t initial = 16)
      : mask_(std::bit_ceil(initial < 2 ? std::size_t{2} : initial) - 1),
        buf_(std::make_unique<T[]>(mask_ + 1)) {}

  [[nodiscard]] bool empty() const noexcept { return head_ == tail_; }
  [[nodiscard]] std::size_t span() const noexcept {
    return static_cast<std::size_t>(tail_ - head_);
  }
  [[nodiscard]] std::uint64_t head() const noexcept { return head_; }
  [[nodiscard]] std::uint64_t tail() const noexcept { return tail_; }
  T& at(std::uint64_t seq) noexcept { return buf_[seq & mask_]; }
  const T& at(std::uint64_t seq) const noexcept { return buf_[seq & mask_]; }
  T& front() noexcept { return at(head_); }
  void pop_front() noexcept { ++head_; }  // the caller has already moved the value out

  std::uint64_t push(T&& v) {
    if (span() == mask_ + 1) grow();
    at(tail_) = std::move(v);
    return tail_++;
  }
  // Fills the next slot in place: `fill(T&)` gets the slot (holding a moved-from or empty T).
  template <typename F>
  std::uint64_t push_with(F&& fill) {
    if (span() == mask_ + 1) grow();
    fill(at(tail_));
    return tail_++;
  }

 private:
  void grow() {
    const std::uint64_t mask = 2 * (mask_ + 1) - 1;
    auto bigger = std::make_unique<T[]>(mask + 1);
    for (std::uint64_t s = head_; s != tail_; ++s) bigger[s & mask] = std::move(buf_[s & mask_]);
    buf_ = std::move(bigger);
    mask_ = mask;
  }
  // 32 bytes, so it fits the owning cell's hot cache line (see CellBase::mu_).
  std::uint64_t mask_;
  std::unique_ptr<T[]> buf_;
  std::uint64_t head_ = 0;
  std::uint64_t tail_ = 0;
};

}  // namespace nzeza::actor

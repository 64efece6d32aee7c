#pragma once
// RingBuffer<T>: a fixed-capacity circular buffer. Storage is allocated once, in the
// constructor; push() never allocates (when full it overwrites the oldest element).
// Index 0 is the oldest element, size()-1 the newest. Not thread-safe.

#include <cstddef>
#include <vector>

namespace nzeza::market {

template <typename T>
class RingBuffer {
 public:
  // capacity 0 is treated as 1 so the buffer is always usable.
  explicit RingBuffer(std::size_t capacity) : data_(capacity == 0 ? 1 : capacity) {}

  [[nodiscard]] std::size_t capacity() const noexcept { return data_.size(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] bool full() const noexcept { return size_ == data_.size(); }

  // Appends `value`; when full the oldest element is overwritten. Returns true when an element
  // was overwritten (and stores it in `evicted` when given).
  bool push(const T& value, T* evicted = nullptr) noexcept {
    const std::size_t cap = data_.size();
    if (size_ == cap) {
      if (evicted != nullptr) *evicted = data_[head_];
      data_[head_] = value;
      head_ = head_ + 1 == cap ? 0 : head_ + 1;
      return true;
    }
    std::size_t slot = head_ + size_;
    if (slot >= cap) slot -= cap;
    data_[slot] = value;
    ++size_;
    return false;
  }

  // Removes the oldest element into `out`; false when empty.
  bool pop_front(T& out) noexcept {
    if (size_ == 0) return false;
    out = data_[head_];
    head_ = head_ + 1 == data_.size() ? 0 : head_ + 1;
    --size_;
    return true;
  }

  // i = 0 is the oldest element; precondition i < size().
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept {
    std::size_t slot = head_ + i;
    if (slot >= data_.size()) slot -= data_.size();
    return data_[slot];
  }
  [[nodiscard]] const T& front() const noexcept { return (*this)[0]; }
  [[nodiscard]] const T& back() const noexcept { return (*this)[size_ - 1]; }

  void clear() noexcept {
    head_ = 0;
    size_ = 0;
  }

 private:
  std::vector<T> data_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace nzeza::market

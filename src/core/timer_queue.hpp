#pragma once
// TimerQueue: the pending timers of a clock, ordered by deadline then by scheduling order.
// Not thread-safe: the owning clock holds its lock around every call.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>

namespace nzeza {

using TimerId = std::uint64_t;
using TimerCallback = std::function<void()>;

template <typename TimePoint>
class TimerQueue {
 public:
  // Returns the new timer's id and whether it is now the earliest.
  std::pair<TimerId, bool> add(TimePoint deadline, TimerCallback callback) {
    const TimerId id = next_id_++;
    auto it = timers_.emplace(Key{deadline, id}, std::move(callback)).first;
    index_.emplace(id, deadline);
    return {id, it == timers_.begin()};
  }
  bool cancel(TimerId id) {
    auto it = index_.find(id);
    if (it == index_.end()) return false;
    timers_.erase(Key{it->second, id});
    index_.erase(it);
    return true;
  }
  [[nodiscard]] std::size_t size() const noexcept { return timers_.size(); }
  [[nodiscard]] bool empty() const noexcept { return timers_.empty(); }
  // Deadline of the earliest timer; precondition: !empty().
  [[nodiscard]] TimePoint next_deadline() const { return timers_.begin()->first.deadline; }
  // Removes and returns the earliest timer if its deadline is <= limit.
  std::optional<std::pair<TimePoint, TimerCallback>> pop_due(TimePoint limit) {
    if (timers_.empty() || timers_.begin()->first.deadline > limit) return std::nullopt;
    auto it = timers_.begin();
    std::pair<TimePoint, TimerCallback> out{it->first.deadline, std::move(it->second)};
    index_.erase(it->first.id);
    timers_.erase(it);
    return out;
  }

 private:
  struct Key {
    TimePoint deadline;
    TimerId id = 0;
    auto operator<=>(const Key&) const = default;
  };
  TimerId next_id_ = 1;
  std::map<Key, TimerCallback> timers_;
  std::map<TimerId, TimePoint> index_;
};

}  // namespace nzeza

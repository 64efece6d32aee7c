#pragma once
// OrderedNotifier<Event>: subscriber callbacks for state transitions, delivered in the order the
// transitions happened and never under the owner's lock.
//
// Contract for an owner (CircuitBreaker, ConnectionStatus, ...):
//   1. under its own mutex, change state and call enqueue(event) — so events queue in the
//      order the state changed;
//   2. after releasing its mutex, call drain().
// drain() delivers every queued event to every subscriber. Only one thread delivers at a time:
// a thread that finds another one delivering returns at once and the deliverer takes its event
// too. So callbacks are serialised and in order, may call back into the owner (the new event is
// delivered after the current callback returns, never recursively), and an owner's method may
// return before a concurrent thread has delivered its event.
//
// Threading: all methods thread-safe. Lock order: owner mutex -> notifier mutex; the notifier
// never calls out while holding its mutex. A callback unsubscribed while another thread is
// delivering may still receive the event being delivered. Callbacks should not throw; if one
// does, the exception propagates to the drain() caller and later events stay queued for the
// next drain().

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace nzeza::net {

using SubscriptionId = std::uint64_t;

template <typename Event>
class OrderedNotifier {
 public:
  using Callback = std::function<void(const Event&)>;

  SubscriptionId subscribe(Callback callback) {
    std::lock_guard lock(mu_);
    const SubscriptionId id = next_id_++;
    subscribers_.emplace_back(id, std::move(callback));
    return id;
  }

  // True when the subscription existed.
  bool unsubscribe(SubscriptionId id) {
    std::lock_guard lock(mu_);
    for (auto it = subscribers_.begin(); it != subscribers_.end(); ++it) {
      if (it->first == id) {
        subscribers_.erase(it);
        return true;
      }
    }
    return false;
  }

  void enqueue(Event event) {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(event));
  }

  void drain() {
    std::unique_lock lock(mu_);
    if (delivering_) return;
    delivering_ = true;
    while (!queue_.empty()) {
      Event event = std::move(queue_.front());
      queue_.pop_front();
      auto subscribers = subscribers_;  // a callback may (un)subscribe
      lock.unlock();
      try {
        for (auto& [id, callback] : subscribers) {
          if (callback) callback(event);
        }
      } catch (...) {
        // A throwing callback must not leave delivery blocked forever; the rest of the queue
        // goes to the next drain().
        lock.lock();
        delivering_ = false;
        throw;
      }
      lock.lock();
    }
    delivering_ = false;
  }

 private:
  std::mutex mu_;
  SubscriptionId next_id_ = 1;
  std::vector<std::pair<SubscriptionId, Callback>> subscribers_;
  std::deque<Event> queue_;
  bool delivering_ = false;
};

}  // namespace nzeza::net

#include "actor/ask_timeouts.hpp"

#include <chrono>
#include <mutex>
#include <string>

#include "actor/cell.hpp"

namespace nzeza::actor {

AskTimeouts::~AskTimeouts() {
  // Unreachable while a node is linked (it holds this service); nothing left to release.
}

void AskTimeouts::add(std::shared_ptr<AskTimeoutNode> node) {
  AskTimeoutNode& n = *node;
  const Timestamp deadline = n.deadline_;
  std::uint64_t generation = 0;
  TimerId superseded = 0;
  bool arm_now = false;
  {
    std::lock_guard lock(mu_);
    // A reply that came first claimed the ask before taking this lock, so it is visible here.
    if (n.done_.load(std::memory_order_relaxed)) return;
    std::size_t li = kLanes - 1;  // the shared last lane when every other is taken
    for (std::size_t i = 0; i < kLanes; ++i) {
      if (lanes_[i].head != nullptr && lanes_[i].timeout == n.timeout_) {
        li = i;
        break;
      }
      if (lanes_[i].head == nullptr && li == kLanes - 1) li = i;  // first free lane
    }
    Lane& lane = lanes_[li];
    if (lane.head == nullptr) lane.timeout = n.timeout_;
    // Sorted insert from the tail: O(1) unless the wall clock stepped back or lanes are shared.
    AskTimeoutNode* after = lane.tail;
    while (after != nullptr && after->deadline_ > n.deadline_) after = after->prev_;
    n.prev_ = after;
    n.next_ = after != nullptr ? after->next_ : lane.head;
    if (n.next_ != nullptr) {
      n.next_->prev_ = &n;
    } else {
      lane.tail = &n;
    }
    if (after != nullptr) {
      after->next_ = &n;
    } else {
      lane.head = &n;
    }
    n.lane_ = static_cast<std::uint8_t>(li);
    n.self_ = std::move(node);
    ++linked_;
    arm_now = want_arm_locked(deadline, generation, superseded);
  }
  if (arm_now)
    arm(generation, deadline, superseded);  // `n` may be gone: a reply may have unlinked it
}

void AskTimeouts::remove(AskTimeoutNode& node) noexcept {
  std::shared_ptr<AskTimeoutNode> self;  // released after the lock (never the last reference
                                         // while the caller completes the ask it holds)
  {
    std::lock_guard lock(mu_);
    if (!node.self_) return;
    self = std::move(node.self_);
    unlink_locked(node);
  }
}

std::size_t AskTimeouts::pending() const noexcept {
  std::lock_guard lock(mu_);
  return linked_;
}

void AskTimeouts::unlink_locked(AskTimeoutNode& n) noexcept {
  Lane& lane = lanes_[n.lane_];
  if (n.prev_ != nullptr) {
    n.prev_->next_ = n.next_;
  } else {
    lane.head = n.next_;
  }
  if (n.next_ != nullptr) {
    n.next_->prev_ = n.prev_;
  } else {
    lane.tail = n.prev_;
  }
  n.prev_ = n.next_ = nullptr;
  --linked_;
}

bool AskTimeouts::earliest_locked(Timestamp& out) const noexcept {
  bool any = false;
  for (const Lane& lane : lanes_) {
    if (lane.head == nullptr) continue;
    if (!any || lane.head->deadline_ < out) out = lane.head->deadline_;
    any = true;
  }
  return any;
}

bool AskTimeouts::want_arm_locked(Timestamp deadline, std::uint64_t& generation,
                                  TimerId& superseded) noexcept {
  if (armed_ && armed_at_ <= deadline) return false;  // an earlier tick will look at it
  superseded = armed_ ? armed_id_ : 0;
  armed_id_ = 0;
  armed_ = true;
  armed_at_ = deadline;
  generation = ++armed_generation_;
  return true;
}

void AskTimeouts::arm(std::uint64_t generation, Timestamp deadline, TimerId superseded) {
  // Outside the lock: the clock may run the tick at once on its own thread. A superseded tick
  // (a shorter timeout armed an earlier one) is cancelled when its id is known; if it fires
  // anyway it only does the same work early.
  if (superseded != 0) clock_.cancel(superseded);
  std::weak_ptr<AskTimeouts> weak = weak_from_this();
  const TimerId id = clock_.schedule_at(deadline, [weak = std::move(weak), generation, deadline] {
    if (auto self = weak.lock()) self->on_tick(generation, deadline);
  });
  std::lock_guard lock(mu_);
  if (armed_ && armed_generation_ == generation) armed_id_ = id;
}

void AskTimeouts::on_tick(std::uint64_t generation, Timestamp armed_for) {
  std::vector<std::shared_ptr<AskTimeoutNode>> due;
  Timestamp next{};
  std::uint64_t next_generation = 0;
  TimerId superseded = 0;
  bool rearm = false;
  {
    std::lock_guard lock(mu_);
    if (generation == armed_generation_) {
      armed_ = false;
      armed_id_ = 0;
    }
    // The clock fired for `armed_for`; its own now() may read a hair earlier (SystemClock fires
    // on the steady clock), which must not re-arm the same deadline in a loop.
    Timestamp limit = clock_.now();
    if (limit < armed_for) limit = armed_for;
    for (Lane& lane : lanes_) {
      while (lane.head != nullptr && lane.head->deadline_ <= limit) {
        AskTimeoutNode& n = *lane.head;
        due.push_back(std::move(n.self_));
        unlink_locked(n);
      }
    }
    if (earliest_locked(next)) rearm = want_arm_locked(next, next_generation, superseded);
  }
  if (rearm) arm(next_generation, next, superseded);
  for (auto& n : due) {
    if (!n->claim()) continue;  // the reply won the race after all
    auto target = n->target_.lock();
    n->expire(
        Error(ErrorCode::timeout,
              "ask " + std::string(n->type_) + " to '" +
                  (target ? target->name() : std::string("?")) + "' timed out after " +
                  std::to_string(
                      std::chrono::duration_cast<std::chrono::milliseconds>(n->timeout_).count()) +
                  " ms"));
  }
}

}  // namespace nzeza::actor

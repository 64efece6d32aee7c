#pragma once
// AskTimeouts: the deadlines of every open ask of one actor system, behind a single Clock timer.
//
// Why: a Clock timer per ask cost a lock, two map nodes, a std::function and — because the
// previous ask's timer had just been cancelled — a wake-up of the clock's thread on every ask
// (SystemClock notifies its thread whenever a new earliest deadline appears). Here an ask links
// its deadline into a list (O(1) for the usual case of equal timeouts) and a reply unlinks it in
// O(1); the Clock sees one timer for the earliest deadline, re-armed only when it fires or when
// a shorter timeout comes first. With a steady stream of 1 s asks the clock fires about once a
// second, whatever the ask rate.
//
// Ordering: deadlines are kept sorted per lane (one lane per distinct timeout, a few lanes, the
// last one shared); equal timeouts arrive in deadline order, so insertion is at the tail. A lane
// whose list empties is reused for another timeout.
//
// Lifetime: a linked node holds itself alive (its ask is still open) and holds this service
// (AskTimeoutNode::timeouts_); unlinking — reply, failure or expiry — drops the self reference.
// An ask that never completes (its request and promise leaked) keeps both alive.
//
// Threading: every method is thread-safe; expiries run on the clock's firing thread, outside
// the lock. The service must not outlive nothing it calls: it touches its Clock only from add()
// (an ask on a live system) and from the clock's own callback.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "actor/spin_lock.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"

namespace nzeza::actor {

class CellBase;
class AskTimeouts;

// The timeout half of an ask: AskState<R> derives from it.
class AskTimeoutNode {
 public:
  AskTimeoutNode() = default;
  AskTimeoutNode(const AskTimeoutNode&) = delete;
  AskTimeoutNode& operator=(const AskTimeoutNode&) = delete;
  virtual ~AskTimeoutNode() = default;

  // Records what a timeout error names and when it falls due. Call before the request is
  // published (the replier reads timeouts_), then AskTimeouts::add once it is.
  void prepare_timeout(std::shared_ptr<AskTimeouts> timeouts, Timestamp deadline, Duration timeout,
                       std::string_view type, std::weak_ptr<CellBase> target) noexcept {
    timeouts_ = std::move(timeouts);
    deadline_ = deadline;
    timeout_ = timeout;
    type_ = type;
    target_ = std::move(target);
  }
  [[nodiscard]] bool done() const noexcept { return done_.load(std::memory_order_acquire); }

 protected:
  // Claims the ask's single completion; false when a reply or a timeout already did.
  bool claim() noexcept { return !done_.exchange(true, std::memory_order_acq_rel); }
  // After a claim by a reply: the deadline no longer matters.
  void disarm_timeout() noexcept;
  // The timeout fired first (clock thread).
  virtual void expire(Error e) = 0;

 private:
  friend class AskTimeouts;
  std::atomic<bool> done_{false};
  std::shared_ptr<AskTimeouts> timeouts_;  // set by prepare_timeout; immutable afterwards
  // Guarded by the service's lock.
  std::shared_ptr<AskTimeoutNode> self_;  // non-null while linked
  AskTimeoutNode* prev_ = nullptr;
  AskTimeoutNode* next_ = nullptr;
  std::uint8_t lane_ = 0;
  // Immutable once prepared.
  Timestamp deadline_{};
  Duration timeout_{};
  std::string_view type_;
  std::weak_ptr<CellBase> target_;
};

class AskTimeouts : public std::enable_shared_from_this<AskTimeouts> {
 public:
  static constexpr std::size_t kLanes = 8;

  explicit AskTimeouts(Clock& clock) noexcept : clock_(clock) {}
  AskTimeouts(const AskTimeouts&) = delete;
  AskTimeouts& operator=(const AskTimeouts&) = delete;
  ~AskTimeouts();

  // Links a prepared node, unless its ask has completed already. Arms the clock when the node
  // is now the earliest deadline and no earlier clock timer is pending.
  void add(std::shared_ptr<AskTimeoutNode> node);
  // Unlinks `node` if linked (a reply won).
  void remove(AskTimeoutNode& node) noexcept;
  // Open asks with a deadline (tests and metrics).
  [[nodiscard]] std::size_t pending() const noexcept;

 private:
  struct Lane {
    Duration timeout{};
    AskTimeoutNode* head = nullptr;
    AskTimeoutNode* tail = nullptr;
  };
  void on_tick(std::uint64_t generation, Timestamp armed_for);
  void unlink_locked(AskTimeoutNode& n) noexcept;
  // The earliest linked deadline; false when none.
  bool earliest_locked(Timestamp& out) const noexcept;
  // Decides under the lock whether the clock needs a new timer for `deadline`; `superseded` is
  // the pending later timer to cancel (0 when none or not yet known).
  bool want_arm_locked(Timestamp deadline, std::uint64_t& generation, TimerId& superseded) noexcept;
  void arm(std::uint64_t generation, Timestamp deadline, TimerId superseded);

  Clock& clock_;
  mutable SpinLock mu_;
  std::array<Lane, kLanes> lanes_{};    // mu_
  std::size_t linked_ = 0;              // mu_
  bool armed_ = false;                  // mu_: a clock timer for armed_at_ is pending
  Timestamp armed_at_{};                // mu_
  std::uint64_t armed_generation_ = 0;  // mu_
  TimerId armed_id_ = 0;                // mu_: 0 until schedule_at returned
};

inline void AskTimeoutNode::disarm_timeout() noexcept {
  if (timeouts_) timeouts_->remove(*this);
}

}  // namespace nzeza::actor

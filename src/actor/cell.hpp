#pragma once
// CellBase: the untyped half of an actor — its lifecycle, its control queue, its scheduling and
// its place in the supervision tree. TypedCell adds the typed, bounded mailbox; BehaviorCell the
// user's behaviour object.
//
// Execution: a cell is "scheduled" at most once at a time (a flag under the mailbox lock), so a
// single turn runs at any moment — the cell is its own strand. A turn handles control messages
// first (start, stop, kill, restart, supervision events, reply continuations), then up to
// `throughput` user messages in batches, then either goes idle or re-queues itself behind other
// actors. Every state change below happens on the cell's own turn; other threads only post.
//
// Lifecycle: created → running ⇄ failed/suspended (supervision) → stopping (mailbox closed,
// draining) → stopping_children (reverse start order, one at a time) → stopped. A kill jumps to
// stopped at once, discarding what is queued (counted as dead letters).

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actor/actor_metrics.hpp"
#include "actor/dispatcher.hpp"
#include "actor/spawn_options.hpp"
#include "actor/spin_lock.hpp"
#include "actor/unique_function.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace nzeza::actor {

class CellBase;
class SystemCore;
class Dispatcher;

// What happened to one offered message.
enum class Offer : std::uint8_t { accepted, full, rejected, dead };

// The non-template half of an actor's context, handed to every handler.
class ActorContext {
 public:
  explicit ActorContext(CellBase& cell) noexcept : cell_(cell) {}
  [[nodiscard]] const std::string& name() const noexcept;
  [[nodiscard]] Clock& clock() const noexcept;
  [[nodiscard]] Timestamp now() const noexcept { return clock().now(); }
  // Graceful stop of this actor: nothing new is accepted; what is queued is still handled.
  void stop();
  bool cancel_timer(TimerId id) { return clock().cancel(id); }
  [[nodiscard]] CellBase& cell() const noexcept { return cell_; }

  // Defined in actor/actor.hpp (they need the typed cells).
  template <typename B, typename Factory>
  auto spawn(SpawnOptions options, Factory factory);
  // on_reply(Result<Req::Reply>) runs later on this actor's turn (never after a restart).
  template <typename Ref, typename Req, typename F>
  void ask(const Ref& target, Req request, Duration timeout, F on_reply);
  // Tells `m` to `target` after `delay` on the system clock (timeouts arrive as messages).
  template <typename Ref, typename M>
  TimerId tell_after(Duration delay, Ref target, M m);

 private:
  CellBase& cell_;
};

struct CellInit {
  std::shared_ptr<SystemCore> core;
  std::weak_ptr<CellBase> parent;
  std::string name;
  Dispatcher* dispatcher = nullptr;
  SpawnOptions options;
};

class CellBase : public std::enable_shared_from_this<CellBase> {
 public:
  enum class State : std::uint8_t {
    created,
    running,
    failed,
    suspended,
    stopping,
    stopping_children,
    stopped
  };

  explicit CellBase(CellInit init);
  virtual ~CellBase();
  CellBase(const CellBase&) = delete;
  CellBase& operator=(const CellBase&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] SystemCore& core() const noexcept { return *core_; }
  [[nodiscard]] const std::shared_ptr<SystemCore>& core_ptr() const noexcept { return core_; }
  [[nodiscard]] Dispatcher& dispatcher() const noexcept { return *dispatcher_; }
  [[nodiscard]] ActorMetrics& metrics() const noexcept { return *metrics_; }
  [[nodiscard]] const std::shared_ptr<ActorMetrics>& metrics_ptr() const noexcept {
    return metrics_;
  }
  [[nodiscard]] ActorContext& context() noexcept { return ctx_; }
  [[nodiscard]] bool stopped() const noexcept { return stopped_.load(std::memory_order_acquire); }
  // A stop or kill was requested: the name may be reused by a new actor.
  [[nodiscard]] bool closing() const noexcept { return closing_.load(std::memory_order_acquire); }
  [[nodiscard]] std::uint64_t generation() const noexcept { return generation_; }  // own turn only
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  // Messages queued now, the hand-off included (read racily: a metric).
  [[nodiscard]] std::size_t depth() const noexcept {
    return live() + (handoff_full_.load(std::memory_order_relaxed) ? 1 : 0);
  }
  // The metrics with the current depth.
  [[nodiscard]] ActorMetricsSnapshot metrics_snapshot() const noexcept {
    ActorMetricsSnapshot s = metrics_->snapshot();
    s.depth = depth();
    return s;
  }

  // Thread-safe controls.
  void request_stop();  // graceful: closes the mailbox now, drains, then stops children
  void request_kill();  // overtakes everything queued
  // Runs `fn` on this actor's turn if the behaviour instance of `generation` is still alive.
  void post_closure(std::uint64_t generation, UniqueFunction<void()> fn);

  // Block policy: calls `wake` once space may have appeared since `epoch` (returned by a full
  // offer), or at once if it already has or the mailbox closed. wait_for_space parks a plain
  // thread the same way; never call it from an actor's turn.
  void when_space(std::uint64_t epoch, UniqueFunction<void()> wake);
  void wait_for_space(std::uint64_t epoch);

  // Turns an offer outcome into a Status, counting rejections and dead letters.
  Status settle(Offer offer, std::string_view type);

  // Registers `child`, attaches it under `parent` and starts it.
  static Status launch(CellBase& parent, const std::shared_ptr<CellBase>& child);

  // Starts the cell that roots a system's supervision tree (it has no parent).
  void start_as_root();

  // One turn. Called by the Dispatcher only.
  void run();

 protected:
  // Hooks for the typed layers; all run on the cell's own turn.
  virtual void create_behavior() = 0;  // factory + on_start; may throw
  virtual void destroy_behavior() noexcept = 0;
  [[nodiscard]] virtual bool has_behavior() const noexcept = 0;
  virtual void call_on_stop() = 0;  // may throw (logged)
  // Handles up to `budget` user messages; true when one failed (the reason in failure_).
  virtual bool drain_user(std::size_t budget) = 0;
  virtual std::size_t discard_user() = 0;  // drops everything queued; returns how many

  // User messages waiting: in the ring, in the hand-off slot, or left in the turn's batch.
  [[nodiscard]] bool user_pending_locked() const noexcept {
    return live() > 0 || handoff_full_.load(std::memory_order_relaxed) || batch_left_ > 0;
  }
  [[nodiscard]] std::size_t live() const noexcept { return live_.load(std::memory_order_relaxed); }
  void set_live(std::size_t n) noexcept { live_.store(n, std::memory_order_relaxed); }

  void schedule() { dispatcher_->schedule(*this); }

  std::vector<UniqueFunction<void()>> space_waiters_;  // mu_
  std::atomic<bool> kill_flag_{false};
  const std::size_t capacity_;
  const std::size_t throughput_;
  std::shared_ptr<ActorMetrics> metrics_;
  // Own turn only: why drain_user failed; how many messages its batch still holds; whether it
  // took the hand-off message without the lock (finish_run then tells parked senders).
  std::string failure_;
  std::size_t batch_left_ = 0;
  bool handoff_taken_ = false;

 private:
  enum class SysKind : std::uint8_t {
    start,
    stop,
    kill,
    restart,
    suspend,
    adopt,
    child_failed,
    child_stopped,
    closure
  };
  struct SysMsg {
    SysKind kind;
    std::shared_ptr<CellBase> cell;
    std::string text;
    std::uint64_t generation = 0;
    UniqueFunction<void()> fn;
  };
  void post_sys(SysMsg m);
  void handle_sys(SysMsg& m);
  void start_behavior();
  void restart();
  void on_failure(const std::string& reason);
  void supervise(const std::shared_ptr<CellBase>& child, const std::string& reason);
  void kill_children();
  void begin_children_stop();
  void stop_next_child();
  void finalize();
  void finish_run();
  [[gnu::cold, gnu::noinline]] void finish_run_waking();
  std::vector<UniqueFunction<void()>> close_mailbox_locked();
  // Closes the mailbox (waking blocked senders) and posts `kind`; nothing once system messages
  // are closed.
  void close_and_post(SysKind kind);

  std::shared_ptr<SystemCore> core_;
  std::weak_ptr<CellBase> parent_;
  const std::string name_;
  Dispatcher* const dispatcher_;
  const SupervisionOptions supervision_;
  ActorContext ctx_;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> closing_{false};
  bool is_root_ = false;

  std::vector<SysMsg> sys_;               // mu_
  std::atomic<bool> sys_pending_{false};  // sys_ non-empty; lets a turn skip the lock
  bool sys_closed_ = false;               // mu_

  // Own turn only.
  State state_ = State::created;
  std::uint64_t generation_ = 0;
  std::vector<SysMsg> sys_work_;
  std::vector<std::shared_ptr<CellBase>> children_;  // start order
  std::shared_ptr<CellBase> stopping_child_;
  std::deque<Timestamp> group_restarts_;  // all_for_one history (this cell as parent)
  // Touched only by the parent's turn: this cell's one_for_one restart history.
  std::deque<Timestamp> restart_history_;

 protected:
  // The hot line: every push and every batch refill takes mu_ and touches these, and
  // TypedCell's first member (its ring) follows them in the same 64-byte line, so a contended
  // push moves one cache line, not four. Nothing written per message by only one side (turn
  // state, metrics) may share it.
  alignas(64) mutable SpinLock mu_;
  bool accepting_ = true;       // mu_
  bool scheduled_ = false;      // mu_
  bool user_runnable_ = false;  // mu_
  // A message waits in TypedCell's hand-off slot: set under mu_ by the sender that found the
  // actor idle, cleared by the turn that takes it (without the lock: a sender that reads it
  // stale just sees the mailbox one message fuller for an instant).
  std::atomic<bool> handoff_full_{false};
  std::uint64_t space_epoch_ = 0;     // mu_
  std::atomic<std::size_t> live_{0};  // ring messages; written under mu_, read racily by depth()
};

}  // namespace nzeza::actor

#include "actor/cell.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>

#include "actor/system_core.hpp"

namespace nzeza::actor {

namespace {
std::string ms_text(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}
void wake_all(std::vector<UniqueFunction<void()>>& waiters) {
  for (auto& w : waiters) w();
  waiters.clear();
}
}  // namespace

// ---- ActorContext (non-template part) ----

const std::string& ActorContext::name() const noexcept {
  return cell_.name();
}
Clock& ActorContext::clock() const noexcept {
  return cell_.core().clock();
}
void ActorContext::stop() {
  cell_.request_stop();
}

// ---- CellBase ----

CellBase::CellBase(CellInit init)
    : capacity_(init.options.mailbox.capacity == 0 ? 1 : init.options.mailbox.capacity),
      throughput_(init.options.throughput == 0 ? 1 : init.options.throughput),
      metrics_(std::make_shared<ActorMetrics>()),
      core_(std::move(init.core)),
      parent_(std::move(init.parent)),
      name_(std::move(init.name)),
      dispatcher_(init.dispatcher),
      supervision_(init.options.supervision),
      ctx_(*this) {}

CellBase::~CellBase() = default;

void CellBase::post_sys(SysMsg m) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (sys_closed_) return;  // `m` is destroyed after the lock is released
    sys_.push_back(std::move(m));
    sys_pending_.store(true, std::memory_order_relaxed);
    if (!scheduled_) {
      scheduled_ = true;
      wake = true;
    }
  }
  if (wake) schedule();
}

std::vector<UniqueFunction<void()>> CellBase::close_mailbox_locked() {
  accepting_ = false;
  closing_.store(true, std::memory_order_release);
  ++space_epoch_;
  std::vector<UniqueFunction<void()>> waiters;
  waiters.swap(space_waiters_);
  return waiters;
}

void CellBase::request_stop() {
  close_and_post(SysKind::stop);
}

void CellBase::request_kill() {
  kill_flag_.store(true, std::memory_order_relaxed);
  close_and_post(SysKind::kill);
}

void CellBase::close_and_post(SysKind kind) {
  std::vector<UniqueFunction<void()>> waiters;
  {
    std::lock_guard lock(mu_);
    if (sys_closed_) return;
    waiters = close_mailbox_locked();
  }
  wake_all(waiters);
  post_sys(SysMsg{kind, nullptr, {}, 0, {}});
}

void CellBase::post_closure(std::uint64_t generation, UniqueFunction<void()> fn) {
  post_sys(SysMsg{SysKind::closure, nullptr, {}, generation, std::move(fn)});
}

void CellBase::when_space(std::uint64_t epoch, UniqueFunction<void()> wake) {
  {
    std::lock_guard lock(mu_);
    if (accepting_ && space_epoch_ == epoch) {
      space_waiters_.push_back(std::move(wake));
      return;
    }
  }
  wake();
}

void CellBase::wait_for_space(std::uint64_t epoch) {
  struct Gate {
    std::mutex mu;
    std::condition_variable cv;
    bool open = false;
  };
  auto gate = std::make_shared<Gate>();
  when_space(epoch, [gate] {
    {
      std::lock_guard lock(gate->mu);
      gate->open = true;
    }
    gate->cv.notify_one();
  });
  std::unique_lock lock(gate->mu);
  gate->cv.wait(lock, [&] { return gate->open; });
}

Status CellBase::settle(Offer offer, std::string_view type) {
  switch (offer) {
    case Offer::accepted:
      return {};
    case Offer::full:
    case Offer::rejected:
      metrics_->rejected.fetch_add(1, std::memory_order_relaxed);
      return fail(ErrorCode::rejected, "actor '" + name_ + "': mailbox full (capacity " +
                                           std::to_string(capacity_) + "), " + std::string(type) +
                                           " rejected");
    case Offer::dead:
      break;
  }
  metrics_->dead_letters.fetch_add(1, std::memory_order_relaxed);
  core_->dead_letter(name_, type, "actor stopped");
  return fail(ErrorCode::unavailable,
              "actor '" + name_ + "' is stopped: " + std::string(type) + " went to dead letters");
}

Status CellBase::launch(CellBase& parent, const std::shared_ptr<CellBase>& child) {
  SystemCore& core = parent.core();
  if (!core.accepting_spawns())
    return fail(ErrorCode::invalid_state, "actor system '" + core.name() +
                                              "' is shutting down: cannot spawn '" + child->name() +
                                              "'");
  if (parent.stopped())
    return fail(ErrorCode::invalid_state,
                "actor '" + parent.name() + "' is stopped: cannot spawn '" + child->name() + "'");
  if (auto st = core.register_cell(child->name(), child); !st) return st;
  parent.post_sys(SysMsg{SysKind::adopt, child, {}, parent.generation_, {}});
  child->post_sys(SysMsg{SysKind::start, nullptr, {}, 0, {}});
  return {};
}

void CellBase::start_as_root() {
  is_root_ = true;
  post_sys(SysMsg{SysKind::start, nullptr, {}, 0, {}});
}

void CellBase::run() {
  // A control message posted after this check is seen by finish_run (under the lock).
  if (sys_pending_.load(std::memory_order_relaxed)) {
    {
      std::lock_guard lock(mu_);
      sys_work_.swap(sys_);
      sys_pending_.store(false, std::memory_order_relaxed);
    }
    for (auto& m : sys_work_) handle_sys(m);
    sys_work_.clear();
  }

  if (state_ == State::running || state_ == State::stopping) {
    if (drain_user(throughput_)) on_failure(failure_);
  }
  if (state_ == State::stopping) {
    bool pending = false;
    {
      std::lock_guard lock(mu_);
      pending = user_pending_locked();
    }
    if (!pending) begin_children_stop();
  }
  finish_run();
}

void CellBase::finish_run() {
  bool more = false;
  bool parked = false;
  {
    std::lock_guard lock(mu_);
    if (handoff_taken_) {  // the hand-off left the mailbox this turn: space for parked senders
      handoff_taken_ = false;
      ++space_epoch_;
      parked = !space_waiters_.empty();
    }
    if (!parked) {
      more = !sys_.empty() || (user_runnable_ && user_pending_locked());
      if (!more) scheduled_ = false;
    }
  }
  if (parked) {
    finish_run_waking();
    return;
  }
  // Once scheduled_ is false another thread may start a turn: touch nothing but immutables.
  if (more) dispatcher_->post(shared_from_this());
}

void CellBase::finish_run_waking() {
  bool more = false;
  std::vector<UniqueFunction<void()>> waiters;
  {
    std::lock_guard lock(mu_);
    waiters.swap(space_waiters_);
    more = !sys_.empty() || (user_runnable_ && user_pending_locked());
    if (!more) scheduled_ = false;
  }
  wake_all(waiters);
  if (more) dispatcher_->post(shared_from_this());
}

void CellBase::handle_sys(SysMsg& m) {
  switch (m.kind) {
    case SysKind::start:
      if (state_ == State::created) start_behavior();
      return;
    case SysKind::restart:
      if (state_ == State::running || state_ == State::failed || state_ == State::suspended)
        restart();
      return;
    case SysKind::suspend:
      if (state_ == State::running) {
        state_ = State::suspended;
        std::lock_guard lock(mu_);
        user_runnable_ = false;
      }
      return;
    case SysKind::stop:
      if (state_ == State::stopping || state_ == State::stopping_children ||
          state_ == State::stopped)
        return;
      if (state_ == State::running) {
        state_ = State::stopping;  // the turn drains, then stops the children
        return;
      }
      // No live behaviour to drain into: what is queued becomes dead letters.
      if (const std::size_t n = discard_user(); n > 0)
        core_->dead_letter(name_, "queued messages", "stopped while not running", n);
      begin_children_stop();
      return;
    case SysKind::kill: {
      if (state_ == State::stopped) return;
      if (const std::size_t n = discard_user(); n > 0)
        core_->dead_letter(name_, "queued messages", "killed", n);
      kill_children();
      finalize();
      return;
    }
    case SysKind::adopt:
      if (state_ == State::stopping_children || state_ == State::stopped ||
          state_ == State::failed || m.generation != generation_) {
        m.cell->request_kill();  // spawned by an instance that is gone, or too late
      } else {
        children_.push_back(std::move(m.cell));
      }
      return;
    case SysKind::child_failed:
      supervise(m.cell, m.text);
      return;
    case SysKind::child_stopped: {
      auto it = std::find(children_.begin(), children_.end(), m.cell);
      if (it != children_.end()) children_.erase(it);
      if (state_ == State::stopping_children && m.cell == stopping_child_) stop_next_child();
      return;
    }
    case SysKind::closure:
      if (m.generation != generation_ || !has_behavior() ||
          (state_ != State::running && state_ != State::stopping)) {
        metrics_->dead_letters.fetch_add(1, std::memory_order_relaxed);
        return;  // a continuation for an instance that no longer exists
      }
      try {
        m.fn();
      } catch (const std::exception& e) {
        on_failure(std::string("reply continuation threw: ") + e.what());
      } catch (...) {
        on_failure("reply continuation threw a non-std exception");
      }
      return;
  }
}

void CellBase::start_behavior() {
  try {
    create_behavior();
  } catch (const std::exception& e) {
    on_failure(std::string("start failed: ") + e.what());
    return;
  } catch (...) {
    on_failure("start failed: non-std exception");
    return;
  }
  state_ = State::running;
  std::lock_guard lock(mu_);
  user_runnable_ = true;
}

void CellBase::restart() {
  kill_children();
  destroy_behavior();
  ++generation_;
  metrics_->restarts.fetch_add(1, std::memory_order_relaxed);
  core_->log(LogLevel::info, name_,
             "restarting with fresh state (restart " +
                 std::to_string(metrics_->restarts.load(std::memory_order_relaxed)) + ")");
  state_ = State::created;
  start_behavior();
}

void CellBase::on_failure(const std::string& reason) {
  metrics_->failures.fetch_add(1, std::memory_order_relaxed);
  core_->log(LogLevel::error, name_, "failed: " + reason);
  destroy_behavior();
  kill_children();
  state_ = State::failed;
  {
    std::lock_guard lock(mu_);
    user_runnable_ = false;
  }
  if (auto parent = parent_.lock()) {
    parent->post_sys(SysMsg{SysKind::child_failed, shared_from_this(), reason, 0, {}});
  } else if (!is_root_) {
    request_kill();  // orphan: nobody will restart it
  }
}

void CellBase::supervise(const std::shared_ptr<CellBase>& child, const std::string& reason) {
  if (std::find(children_.begin(), children_.end(), child) == children_.end()) return;  // stale
  if (state_ != State::running) {
    child->request_kill();  // a parent that is stopping or failed restarts nobody
    return;
  }
  const SupervisionOptions& s = supervision_;
  const bool one = s.strategy == RestartStrategy::one_for_one;
  std::deque<Timestamp>& history = one ? child->restart_history_ : group_restarts_;
  const Timestamp now = core_->clock().now();
  while (!history.empty() && now - history.front() >= s.window) history.pop_front();

  if (static_cast<int>(history.size()) >= s.max_restarts) {
    metrics_->escalations.fetch_add(1, std::memory_order_relaxed);
    const bool escalate = s.on_limit == OnRestartLimit::escalate && !is_root_;
    const std::string what = "child '" + child->name() + "' failed more than " +
                             std::to_string(s.max_restarts) + " times within " + ms_text(s.window) +
                             " (last: " + reason + ")";
    core_->log(LogLevel::error, name_,
               what + (escalate ? "; escalating" : "; stopping its subtree"));
    if (escalate) {
      on_failure(what);
    } else if (one) {
      child->request_kill();
    } else {
      for (auto& c : children_) c->request_kill();
    }
    return;
  }

  history.push_back(now);
  const Duration delay = s.backoff(static_cast<int>(history.size()) - 1);
  core_->log(LogLevel::warn, name_,
             "child '" + child->name() + "' failed (" + reason + "); restart " +
                 std::to_string(history.size()) + "/" + std::to_string(s.max_restarts) + " in " +
                 ms_text(delay));
  std::vector<std::weak_ptr<CellBase>> targets;
  if (one) {
    targets.push_back(child);
  } else {
    for (auto& c : children_) {
      if (c != child) c->post_sys(SysMsg{SysKind::suspend, nullptr, {}, 0, {}});
      targets.push_back(c);
    }
  }
  core_->clock().schedule_after(delay, [targets = std::move(targets)] {
    for (const auto& w : targets)
      if (auto c = w.lock()) c->post_sys(SysMsg{SysKind::restart, nullptr, {}, 0, {}});
  });
}

void CellBase::kill_children() {
  for (auto& c : children_) c->request_kill();
  children_.clear();
  stopping_child_.reset();
}

void CellBase::begin_children_stop() {
  state_ = State::stopping_children;
  {
    std::lock_guard lock(mu_);
    user_runnable_ = false;
  }
  stop_next_child();
}

void CellBase::stop_next_child() {
  if (children_.empty()) {
    finalize();
    return;
  }
  stopping_child_ = children_.back();  // reverse start order, one at a time
  stopping_child_->request_stop();
}

void CellBase::finalize() {
  if (has_behavior()) {
    try {
      call_on_stop();
    } catch (const std::exception& e) {
      core_->log(LogLevel::error, name_, std::string("on_stop threw: ") + e.what());
    } catch (...) {
      core_->log(LogLevel::error, name_, "on_stop threw a non-std exception");
    }
    destroy_behavior();
  }
  state_ = State::stopped;
  stopping_child_.reset();
  children_.clear();
  std::vector<UniqueFunction<void()>> waiters;
  std::vector<SysMsg> leftover;
  {
    std::lock_guard lock(mu_);
    waiters = close_mailbox_locked();
    user_runnable_ = false;
    sys_closed_ = true;
    leftover.swap(sys_);
  }
  if (const std::size_t n = discard_user(); n > 0)
    core_->dead_letter(name_, "queued messages", "actor stopped", n);
  stopped_.store(true, std::memory_order_release);
  wake_all(waiters);
  leftover.clear();
  core_->log(LogLevel::debug, name_, "stopped");
  core_->unregister_cell(name_, this);
  if (auto parent = parent_.lock())
    parent->post_sys(SysMsg{SysKind::child_stopped, shared_from_this(), {}, 0, {}});
}

}  // namespace nzeza::actor

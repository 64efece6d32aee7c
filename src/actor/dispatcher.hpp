#pragma once
// Dispatcher: where actors run — one Boost.Asio io_context and the threads that run it. Chosen
// by whoever spawns an actor (SpawnOptions::dispatcher), never by the actor.
//
// Hand-offs are the expensive part (waking a sleeping thread ~20 µs, an in-process hand-off
// ~0.1 µs here), so a turn that wakes another actor of the same dispatcher does not post it: the
// woken actor runs next on the same thread (a "run next" slot, as in Go's scheduler), for up to
// kMaxChain hops before it goes through the io_context queue like everyone else. The chain keeps
// the cell that ran last alive, so a ping-pong between two actors hands the same two references
// back and forth instead of counting references on every hop.
//
// threads == 0 makes a manual dispatcher: nothing runs until the owner calls poll() — tests drive
// actors deterministically on their own thread together with a ManualClock.

#include <cstddef>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace nzeza::actor {

class CellBase;

class Dispatcher {
 public:
  static constexpr int kMaxChain = 64;

  Dispatcher(std::string name, unsigned threads);
  ~Dispatcher();  // stops and joins its threads
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Makes `cell` run a turn soon (thread-safe). From a turn of this dispatcher it takes the
  // run-next slot when free. The cell must be alive for the call (the caller holds a ref).
  // Inline: a ping-pong wakes the actor that ran last, which is a pointer swap.
  void schedule(CellBase& cell);
  // Queues `cell` behind everything already queued (a turn that used up its throughput).
  void post(std::shared_ptr<CellBase> cell);
  // Runs queued work on the calling thread until none is left; returns the handlers run.
  std::size_t poll();
  // Stops the threads (idempotent). Work still queued is dropped.
  void stop();

  [[nodiscard]] boost::asio::io_context& io_context() noexcept;
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] unsigned threads() const noexcept { return threads_; }

 private:
  struct Impl;
  void schedule_slow(CellBase& cell);
  void run_chain(std::shared_ptr<CellBase> cell);
  std::string name_;
  unsigned threads_;
  std::unique_ptr<Impl> impl_;
};

namespace detail {
// The turn chain running on this thread: its dispatcher, the actor to run next, and the one that
// ran last (kept, so waking it again needs no new reference). Null outside a chain.
struct TurnChain {
  Dispatcher* owner;
  std::shared_ptr<CellBase> next;
  std::shared_ptr<CellBase> last;
};
extern constinit thread_local TurnChain* tl_chain;
}  // namespace detail

inline void Dispatcher::schedule(CellBase& cell) {
  detail::TurnChain* chain = detail::tl_chain;
  if (chain != nullptr && chain->owner == this && !chain->next && chain->last.get() == &cell) {
    chain->next = std::move(chain->last);
    return;
  }
  schedule_slow(cell);
}

}  // namespace nzeza::actor

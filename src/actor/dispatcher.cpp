#include "actor/dispatcher.hpp"

#include <atomic>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <mutex>
#include <new>
#include <optional>
#include <thread>
#include <vector>

#include "actor/cell.hpp"
#include "actor/seq_ring.hpp"
#include "actor/spin_lock.hpp"

namespace nzeza::actor {
namespace asio = boost::asio;

namespace {

// Memory for the posted turn handlers: fixed blocks recycled through a free list, so waking an
// actor from any thread allocates nothing once the pool is warm (Asio's own recycling only
// serves threads that run the io_context, not a feed thread telling an actor).
class HandlerPool {
 public:
  static constexpr std::size_t kBlock = 256;
  static constexpr std::size_t kMaxFree = 4096;
  HandlerPool() = default;
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;
  ~HandlerPool() {
    for (void* p : free_) ::operator delete(p);
  }
  void* allocate(std::size_t n) {
    if (n <= kBlock) {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        void* p = free_.back();
        free_.pop_back();
        return p;
      }
    }
    return ::operator new(n <= kBlock ? kBlock : n);
  }
  void deallocate(void* p, std::size_t n) noexcept {
    if (n <= kBlock) {
      std::lock_guard lock(mu_);
      if (free_.size() < kMaxFree) {
        if (free_.capacity() == free_.size()) free_.reserve(kMaxFree);
        free_.push_back(p);
        return;
      }
    }
    ::operator delete(p);
  }

 private:
  std::mutex mu_;
  std::vector<void*> free_;
};

template <typename T>
struct PoolAllocator {
  using value_type = T;
  HandlerPool* pool;
  explicit PoolAllocator(HandlerPool* p) noexcept : pool(p) {}
  template <typename U>
  PoolAllocator(const PoolAllocator<U>& o) noexcept : pool(o.pool) {}  // NOLINT
  T* allocate(std::size_t n) { return static_cast<T*>(pool->allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept { pool->deallocate(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const PoolAllocator<U>& o) const noexcept {
    return pool == o.pool;
  }
  template <typename U>
  bool operator!=(const PoolAllocator<U>& o) const noexcept {
    return pool != o.pool;
  }
};

}  // namespace

struct Dispatcher::Impl {
  explicit Impl(unsigned threads) : ioc(static_cast<int>(threads == 0 ? 1 : threads)) {}
  HandlerPool pool;  // outlives ioc's queued handlers (declared first: destroyed last)
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  std::vector<std::thread> threads;
  // Manual dispatchers: the cells to run, first in first out, popped by poll(). A backtest
  // posts a turn or two per event; through the io_context each cost a handler allocation, its
  // pool's mutex and the scheduler's mutex, restart() and poll() two more (a third of the
  // runtime's share of a backtest). Same order as the io_context gave: posts run in the order
  // they were made, those made by a running turn after everything already queued.
  SpinLock run_mu;
  SeqRing<std::shared_ptr<CellBase>> run_queue{64};  // run_mu
  // io_context() was handed out: poll() also runs whatever was posted to it.
  std::atomic<bool> ioc_used{false};
};

constinit thread_local detail::TurnChain* detail::tl_chain = nullptr;

Dispatcher::Dispatcher(std::string name, unsigned threads)
    : name_(std::move(name)), threads_(threads), impl_(std::make_unique<Impl>(threads)) {
  if (threads == 0) return;
  impl_->guard.emplace(asio::make_work_guard(impl_->ioc));
  impl_->threads.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
}

Dispatcher::~Dispatcher() {
  stop();
}

void Dispatcher::stop() {
  if (impl_->guard) impl_->guard.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
}

asio::io_context& Dispatcher::io_context() noexcept {
  impl_->ioc_used.store(true, std::memory_order_relaxed);
  return impl_->ioc;
}

void Dispatcher::schedule_slow(CellBase& cell) {
  detail::TurnChain* chain = detail::tl_chain;
  if (chain != nullptr && chain->owner == this && !chain->next) {
    chain->next = cell.shared_from_this();
    return;
  }
  post(cell.shared_from_this());
}

void Dispatcher::post(std::shared_ptr<CellBase> cell) {
  if (threads_ == 0) {
    std::lock_guard lock(impl_->run_mu);
    impl_->run_queue.push(std::move(cell));
    return;
  }
  asio::post(impl_->ioc, asio::bind_allocator(
                             PoolAllocator<void>(&impl_->pool),
                             [this, c = std::move(cell)]() mutable { run_chain(std::move(c)); }));
}

void Dispatcher::run_chain(std::shared_ptr<CellBase> cell) {
  detail::TurnChain chain{this, nullptr, nullptr};
  detail::TurnChain* const saved = detail::tl_chain;
  detail::tl_chain = &chain;
  for (int hops = 0;; ++hops) {
    cell->run();
    if (!chain.next) break;
    if (hops >= kMaxChain) {
      post(std::move(chain.next));
      break;
    }
    chain.last = std::move(cell);
    cell = std::move(chain.next);
  }
  detail::tl_chain = saved;
  // `cell` and chain.last are released here, after the chain stopped running turns.
}

std::size_t Dispatcher::poll() {
  std::size_t total = 0;
  if (threads_ == 0) {
    for (;;) {
      std::shared_ptr<CellBase> cell;
      {
        std::lock_guard lock(impl_->run_mu);
        if (!impl_->run_queue.empty()) {
          cell = std::move(impl_->run_queue.front());
          impl_->run_queue.pop_front();
        }
      }
      if (cell) {
        run_chain(std::move(cell));
        ++total;
        continue;
      }
      if (!impl_->ioc_used.load(std::memory_order_relaxed)) return total;
      impl_->ioc.restart();
      const std::size_t n = impl_->ioc.poll();
      total += n;
      if (n == 0) return total;
    }
  }
  for (;;) {
    impl_->ioc.restart();
    const std::size_t n = impl_->ioc.poll();
    total += n;
    if (n == 0) return total;
  }
}

}  // namespace nzeza::actor

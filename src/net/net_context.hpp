#pragma once
// NetContext: the event loop (one Boost.Asio io_context) and the thread that runs it, behind a
// header free of Asio so that only the few network .cpp files pay Asio's compile cost.
//
// Contract: every WsClient/HttpClient built on a NetContext runs its socket work and its user
// callbacks on this context's thread. The NetContext must outlive those clients. stop() joins the
// thread; a stopped context can be started again.

#include <memory>

namespace nzeza::net {

class NetContext {
 public:
  NetContext();
  ~NetContext();  // stops and joins
  NetContext(const NetContext&) = delete;
  NetContext& operator=(const NetContext&) = delete;

  // Starts the event-loop thread (idempotent).
  void start();
  // Stops the loop and joins its thread; pending handlers are dropped. Must not be called from
  // the loop's own thread.
  void stop();
  [[nodiscard]] bool running() const noexcept;
  // True when the caller is the loop's thread (blocking calls refuse to run there).
  [[nodiscard]] bool on_loop_thread() const noexcept;

  // Opaque access for the network .cpp files (see net/detail/asio_context.hpp).
  struct Impl;
  [[nodiscard]] Impl& impl() noexcept { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace nzeza::net

#pragma once
// Completion<T>: the "called exactly once" half of every asynchronous venue call.
//
// A VenueClient receives a plain std::function<void(Result<T>)> and wraps it in a Completion.
// Copies share one state, so a Completion can sit in several places (a timer, a pending-request
// table, a shutdown list) and whichever finishes first wins; later complete() calls return false
// and do nothing. When the last copy is destroyed without an answer (a client torn down, a timer
// cancelled by stop()), the callback receives ErrorCode::cancelled — outcome unknown — so no
// caller ever waits forever.
//
// Threading: complete() is thread-safe; the callback runs on the thread that completes (or that
// drops the last copy), outside any lock of this type.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "core/result.hpp"

namespace nzeza::venues {

template <typename T>
using Callback = std::function<void(Result<T>)>;

namespace detail {
// Delivers the shutdown error; out of line so the template stays small.
void deliver_abandoned(const std::function<void(Error)>& deliver, const std::string& what) noexcept;
}  // namespace detail

template <typename T>
class Completion {
 public:
  Completion() = default;
  // `what` names the call for the shutdown message: "paper place nz-a-7".
  explicit Completion(Callback<T> callback, std::string what = {})
      : state_(std::make_shared<State>(std::move(callback), std::move(what))) {}

  // Delivers `result` if nothing was delivered yet; true when this call delivered it.
  bool complete(Result<T> result) const {
    if (!state_) return false;
    Callback<T> fn;
    {
      std::lock_guard lock(state_->mu);
      fn = std::exchange(state_->fn, nullptr);
    }
    if (!fn) return false;
    fn(std::move(result));
    return true;
  }
  [[nodiscard]] bool done() const {
    if (!state_) return true;
    std::lock_guard lock(state_->mu);
    return !state_->fn;
  }

 private:
  struct State {
    State(Callback<T> f, std::string w) : fn(std::move(f)), what(std::move(w)) {}
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ~State() {
      if (!fn) return;
      Callback<T> f = std::move(fn);
      detail::deliver_abandoned([&f](Error e) { f(Result<T>(std::move(e))); }, what);
    }
    std::mutex mu;
    Callback<T> fn;
    std::string what;
  };
  std::shared_ptr<State> state_;
};

}  // namespace nzeza::venues

#pragma once
// SystemCore: what every actor of one ActorSystem shares — the clock, the default dispatcher,
// the ask deadlines, the name registry, dead-letter accounting and the log. Cells hold it by
// shared_ptr so a stray ActorRef that outlives the system still counts its dead letters safely.
//
// Threading: every method is thread-safe.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "actor/ask_timeouts.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace nzeza::actor {

class CellBase;
class Dispatcher;

enum class LogLevel : std::uint8_t { debug, info, warn, error };

class SystemCore {
 public:
  SystemCore(Clock& clock, Dispatcher& default_dispatcher, std::string name);

  [[nodiscard]] Clock& clock() const noexcept { return clock_; }
  [[nodiscard]] Dispatcher& default_dispatcher() const noexcept { return dispatcher_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  // The deadlines of this system's open asks (one clock timer for all of them).
  [[nodiscard]] const std::shared_ptr<AskTimeouts>& ask_timeouts() const noexcept {
    return ask_timeouts_;
  }

  // A message that reached no actor: `count` messages of `type` to `target` (stopped, killed or
  // unknown). Counted always; logged for the first few and then every 1024th, since a log line
  // costs about a microsecond.
  void dead_letter(std::string_view target, std::string_view type, std::string_view why,
                   std::uint64_t count = 1);
  [[nodiscard]] std::uint64_t dead_letters() const noexcept {
    return dead_letters_.load(std::memory_order_relaxed);
  }

  Status register_cell(const std::string& name, const std::shared_ptr<CellBase>& cell);
  void unregister_cell(const std::string& name, const CellBase* cell);
  [[nodiscard]] std::shared_ptr<CellBase> find(std::string_view name) const;
  [[nodiscard]] std::vector<std::shared_ptr<CellBase>> cells() const;
  [[nodiscard]] std::size_t live_cells() const;
  [[nodiscard]] std::string auto_name();
  // Blocks (real time, up to `limit`) until every registered actor has stopped.
  bool wait_all_stopped(std::chrono::milliseconds limit) const;

  [[nodiscard]] bool accepting_spawns() const noexcept {
    return accepting_spawns_.load(std::memory_order_acquire);
  }
  void close_spawns() noexcept { accepting_spawns_.store(false, std::memory_order_release); }

  void log(LogLevel level, std::string_view actor, std::string_view text) const;

 private:
  Clock& clock_;
  Dispatcher& dispatcher_;
  const std::string name_;
  const std::shared_ptr<AskTimeouts> ask_timeouts_;
  std::atomic<std::uint64_t> dead_letters_{0};
  std::atomic<std::uint64_t> auto_names_{0};
  std::atomic<bool> accepting_spawns_{true};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<std::string, std::weak_ptr<CellBase>, std::less<>> registry_;
};

}  // namespace nzeza::actor

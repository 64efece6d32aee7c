#include "actor/system_core.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <iterator>

#include "actor/cell.hpp"

namespace nzeza::actor {
namespace {

// The runtime's diagnostics go to stderr: stdout belongs to the commands' output (a backtest's
// --json report, `nzeza run`'s status lines), which a warning must never corrupt.
spdlog::logger& actor_log() {
  static const std::shared_ptr<spdlog::logger> log = [] {
    auto existing = spdlog::get("actor");
    return existing ? existing : spdlog::stderr_color_mt("actor");
  }();
  return *log;
}

}  // namespace

SystemCore::SystemCore(Clock& clock, Dispatcher& default_dispatcher, std::string name)
    : clock_(clock),
      dispatcher_(default_dispatcher),
      name_(std::move(name)),
      ask_timeouts_(std::make_shared<AskTimeouts>(clock)) {}

void SystemCore::dead_letter(std::string_view target, std::string_view type, std::string_view why,
                             std::uint64_t count) {
  if (count == 0) return;
  const std::uint64_t before = dead_letters_.fetch_add(count, std::memory_order_relaxed);
  if (before < 16 || (before / 1024) != ((before + count) / 1024)) {
    actor_log().warn("actor '{}': {} dead letter(s) of {} ({}); {} in total", target, count, type,
                     why, before + count);
  }
}

Status SystemCore::register_cell(const std::string& name, const std::shared_ptr<CellBase>& cell) {
  std::lock_guard lock(mu_);
  auto it = registry_.find(name);
  if (it != registry_.end() && !it->second.expired()) {
    auto existing = it->second.lock();
    if (existing && !existing->closing())
      return fail(ErrorCode::already_exists,
                  "actor system '" + name_ + "': an actor named '" + name + "' is already running");
  }
  registry_[name] = cell;
  return {};
}

void SystemCore::unregister_cell(const std::string& name, const CellBase* cell) {
  {
    std::lock_guard lock(mu_);
    auto it = registry_.find(name);
    if (it == registry_.end()) return;
    auto current = it->second.lock();
    if (current && current.get() != cell) return;  // the name was taken over by a new actor
    registry_.erase(it);
  }
  cv_.notify_all();
}

std::shared_ptr<CellBase> SystemCore::find(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = registry_.find(name);
  return it == registry_.end() ? nullptr : it->second.lock();
}

std::vector<std::shared_ptr<CellBase>> SystemCore::cells() const {
  std::vector<std::shared_ptr<CellBase>> out;
  std::lock_guard lock(mu_);
  for (const auto& [name, weak] : registry_)
    if (auto c = weak.lock()) out.push_back(std::move(c));
  return out;
}

std::size_t SystemCore::live_cells() const {
  std::lock_guard lock(mu_);
  return registry_.size();
}

std::string SystemCore::auto_name() {
  return "actor-" + std::to_string(auto_names_.fetch_add(1, std::memory_order_relaxed) + 1);
}

bool SystemCore::wait_all_stopped(std::chrono::milliseconds limit) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, limit, [&] { return registry_.empty(); });
}

void SystemCore::log(LogLevel level, std::string_view actor, std::string_view text) const {
  static constexpr spdlog::level::level_enum kLevels[] = {spdlog::level::debug, spdlog::level::info,
                                                          spdlog::level::warn, spdlog::level::err};
  const auto i = static_cast<std::size_t>(level);
  actor_log().log(i < std::size(kLevels) ? kLevels[i] : spdlog::level::err, "actor '{}': {}", actor,
                  text);
}

}  // namespace nzeza::actor

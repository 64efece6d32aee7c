#include "actor/actor_system.hpp"

namespace nzeza::actor {

namespace {
constexpr const char* kRootName = "/";

// The root of the supervision tree: no mailbox traffic of its own, only children.
class RootCell final : public CellBase {
 public:
  explicit RootCell(CellInit init) : CellBase(std::move(init)) {}

 protected:
  void create_behavior() override {}
  void destroy_behavior() noexcept override {}
  [[nodiscard]] bool has_behavior() const noexcept override { return false; }
  void call_on_stop() override {}
  bool drain_user(std::size_t) override { return false; }
  std::size_t discard_user() override { return 0; }
};
}  // namespace

ActorSystem::ActorSystem(Clock& clock, ActorSystemOptions options)
    : dispatcher_(std::make_unique<Dispatcher>(options.name, options.threads)),
      core_(std::make_shared<SystemCore>(clock, *dispatcher_, options.name)) {
  SpawnOptions root_options;
  root_options.name = kRootName;
  root_options.supervision = options.supervision;
  root_ = std::make_shared<RootCell>(
      CellInit{core_, {}, kRootName, dispatcher_.get(), std::move(root_options)});
  (void)core_->register_cell(kRootName, root_);
  root_->start_as_root();
}

ActorSystem::~ActorSystem() {
  if (!root_->stopped()) {
    core_->close_spawns();
    root_->request_kill();
  }
  if (dispatcher_->threads() == 0) {
    for (int i = 0; i < 10'000 && core_->live_cells() > 0; ++i)
      if (dispatcher_->poll() == 0) break;
  } else if (!core_->wait_all_stopped(std::chrono::seconds(5))) {
    core_->log(LogLevel::error, kRootName, "actors still running at system destruction");
  }
  if (deadline_timer_ != 0) core_->clock().cancel(deadline_timer_);
  dispatcher_->stop();
}

void ActorSystem::shutdown(Duration deadline) {
  core_->close_spawns();
  root_->request_stop();
  if (deadline == kNoTimeout || deadline_timer_ != 0) return;
  std::weak_ptr<CellBase> root = root_;
  deadline_timer_ = core_->clock().schedule_after(deadline, [root] {
    if (auto r = root.lock()) r->request_kill();
  });
}

bool ActorSystem::stopped() const noexcept {
  return root_->stopped();
}

bool ActorSystem::await_stopped(std::chrono::milliseconds limit) {
  return core_->wait_all_stopped(limit);
}

std::vector<std::pair<std::string, ActorMetricsSnapshot>> ActorSystem::metrics() const {
  std::vector<std::pair<std::string, ActorMetricsSnapshot>> out;
  for (const auto& cell : core_->cells())
    if (cell != root_) out.emplace_back(cell->name(), cell->metrics_snapshot());
  return out;
}

}  // namespace nzeza::actor

#pragma once
// Small behaviours shared by the actor tests. Each records what it sees into a Journal the test
// owns, so assertions read observable state after the dispatcher ran (no sleeps).

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "actor/actor.hpp"
#include "core/clock.hpp"

namespace nzeza::actor::testing {

// Thread-safe list of events ("counter:start", "counter:add 2", ...).
class Journal {
 public:
  void add(std::string e) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(e));
  }
  [[nodiscard]] std::vector<std::string> events() const {
    std::lock_guard lock(mu_);
    return events_;
  }
  [[nodiscard]] std::size_t count(const std::string& e) const {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& x : events_) n += x == e ? 1 : 0;
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> events_;
};

struct Add {
  int n;
};
struct Boom {};  // the handler throws
struct Get {
  using Reply = int;
};
struct BoomGet {  // a request whose handler throws
  using Reply = int;
};
struct SlowGet {  // answered only when Release arrives (Promise form)
  using Reply = int;
};
struct Release {
  int value;
};

// Sums Add messages; Get answers the sum; Boom throws. Journals start/stop with its name.
class Counter {
 public:
  using Messages = actor::Messages<Add, Boom, Get, BoomGet, SlowGet, Release>;
  Counter(std::string name, std::shared_ptr<Journal> j)
      : name_(std::move(name)), j_(std::move(j)) {}

  void on_start(ActorContext&) { j_->add(name_ + ":start"); }
  void on_stop(ActorContext&) { j_->add(name_ + ":stop"); }
  void on(Add& m, ActorContext&) {
    sum_ += m.n;
    j_->add(name_ + ":add " + std::to_string(m.n));
  }
  void on(Boom&, ActorContext&) { throw std::runtime_error(name_ + " exploded"); }
  int on(Get&, ActorContext&) { return sum_; }
  int on(BoomGet&, ActorContext&) { throw std::runtime_error(name_ + " cannot answer"); }
  void on(SlowGet&, Promise<int> p, ActorContext&) { pending_.push_back(std::move(p)); }
  void on(Release& r, ActorContext&) {
    for (auto& p : pending_) p.deliver(r.value);
    pending_.clear();
  }

 private:
  std::string name_;
  std::shared_ptr<Journal> j_;
  int sum_ = 0;
  std::vector<Promise<int>> pending_;
};
using CounterRef = RefOf<Counter>;

inline auto counter_factory(std::string name, std::shared_ptr<Journal> j) {
  return [name = std::move(name), j = std::move(j)] { return std::make_unique<Counter>(name, j); };
}

}  // namespace nzeza::actor::testing

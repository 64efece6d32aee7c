#pragma once
// SupervisionOptions: how a parent treats its failed children (set where the parent is spawned).
//
// A child fails when one of its handlers (or on_start) throws. The parent then restarts it with
// fresh state from its factory after an exponential backoff measured on the system Clock:
//   one_for_one  only the failed child restarts;
//   all_for_one  every child of the parent is suspended and restarts with fresh state.
// More than max_restarts restarts within `window` exceeds the limit: `escalate` fails the parent
// itself (its own parent then decides; at the top level the subtree stops), `stop` stops the
// failed child's subtree. Every failure is logged with the actor's name and counted.

#include <cstdint>

#include "core/time.hpp"

namespace nzeza::actor {

enum class RestartStrategy : std::uint8_t { one_for_one, all_for_one };
enum class OnRestartLimit : std::uint8_t { escalate, stop };

struct SupervisionOptions {
  RestartStrategy strategy = RestartStrategy::one_for_one;
  int max_restarts = 3;
  Duration window = std::chrono::seconds(60);
  Duration backoff_initial = std::chrono::milliseconds(100);
  Duration backoff_max = std::chrono::seconds(10);
  OnRestartLimit on_limit = OnRestartLimit::escalate;

  // Delay before the n-th restart within the window (n from 0): initial * 2^n, capped.
  [[nodiscard]] Duration backoff(int n) const noexcept {
    Duration d = backoff_initial;
    for (int i = 0; i < n && d < backoff_max; ++i) d *= 2;
    return d < backoff_max ? d : backoff_max;
  }
};

}  // namespace nzeza::actor

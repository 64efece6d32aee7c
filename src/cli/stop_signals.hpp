#pragma once
// SIGINT and SIGTERM as a command's request to stop in order, in one of two ways:
//   - taken by the main loop (`nzeza run`, `nzeza record`): block_stop_signals() before any
//     thread starts, so every thread inherits the mask, then take_stop_signal() polls or waits
//     for one with sigtimedwait — the signal is an ordinary event of the loop;
//   - a flag (`nzeza feed`, `nzeza screen`): stop_flag_on_signal() installs a handler that sets
//     the flag, which the command's wait loop reads.

#include <signal.h>

#include <atomic>
#include <chrono>

namespace nzeza::cli {

// {SIGINT, SIGTERM}.
[[nodiscard]] sigset_t stop_signals();

// Blocks the stop signals in the calling thread (and the threads it starts afterwards).
void block_stop_signals();

// A blocked stop signal that arrived within `timeout` (0 = just look), or 0.
[[nodiscard]] int take_stop_signal(std::chrono::nanoseconds timeout);

// From now on SIGINT and SIGTERM set the returned flag (one per process).
[[nodiscard]] std::atomic<bool>& stop_flag_on_signal();

}  // namespace nzeza::cli

#include "cli/stop_signals.hpp"

#include <pthread.h>

#include <csignal>
#include <ctime>

namespace nzeza::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int /*signal*/) {
  g_stop.store(true);
}

}  // namespace

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void block_stop_signals() {
  const sigset_t set = stop_signals();
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int take_stop_signal(std::chrono::nanoseconds timeout) {
  const sigset_t set = stop_signals();
  timespec ts{};
  ts.tv_sec = static_cast<std::time_t>(timeout.count() / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(timeout.count() % 1'000'000'000);
  const int sig = ::sigtimedwait(&set, nullptr, &ts);
  return sig > 0 ? sig : 0;
}

std::atomic<bool>& stop_flag_on_signal() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  return g_stop;
}

}  // namespace nzeza::cli

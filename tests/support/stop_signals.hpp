#pragma once
// StopSignals: how the simulator servers (tests/sim/*/..._main.cpp) end — at SIGTERM/SIGINT or
// when their stdin reaches EOF (the test that started them closed the pipe or died).
// Construct it first in main, before any thread starts, so every thread inherits the blocked
// signals and wait() receives them.

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

namespace nzeza::testsupport {

class StopSignals {
 public:
  StopSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  }
  // Returns once SIGTERM or SIGINT arrives; stdin EOF sends SIGTERM to this process.
  void wait() {
    std::thread([] {
      char buf[256];
      while (::read(STDIN_FILENO, buf, sizeof buf) > 0) {
      }
      ::kill(::getpid(), SIGTERM);
    }).detach();
    int sig = 0;
    sigwait(&set_, &sig);
  }

 private:
  sigset_t set_{};
};

}  // namespace nzeza::testsupport

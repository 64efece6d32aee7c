#pragma once
// Shared by the nzeza and CAF actor benchmarks: a completion latch and process CPU time.

#include <benchmark/benchmark.h>
#include <time.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>

namespace nzeza::bench {

// Message counts per benchmark iteration (identical for both runtimes).
inline constexpr std::int64_t kPingPongMessages = 200'000;
inline constexpr std::int64_t kPingPongBalls = 64;  // the pipelined variant
inline constexpr std::int64_t kFanInProducers = 4;
inline constexpr std::int64_t kFanInMessages = 400'000;  // in total
inline constexpr std::int64_t kFanInChunk = 256;         // sends per producer turn
inline constexpr std::int64_t kAskRoundTrips = 100'000;

// One-shot latch the benchmark thread waits on (sleeping, so it costs no CPU).
class Finish {
 public:
  void arm(std::int64_t parts) {
    std::lock_guard lock(mu_);
    left_ = parts;
  }
  void signal() {
    std::lock_guard lock(mu_);
    if (--left_ == 0) cv_.notify_all();
  }
  bool wait_for(std::chrono::seconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return left_ <= 0; });
  }
  void wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return left_ <= 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::int64_t left_ = 0;
};

inline double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Runs `once` (one measured round of `messages` messages) per iteration and reports
// messages/s (wall clock) and CPU-seconds per million messages (whole process).
template <typename F>
void measure(benchmark::State& state, std::int64_t messages, F&& once) {
  double cpu = 0;
  for (auto _ : state) {
    const double c0 = process_cpu_seconds();
    once();
    cpu += process_cpu_seconds() - c0;
  }
  const auto total = static_cast<double>(messages) * static_cast<double>(state.iterations());
  state.counters["msgs_per_s"] = benchmark::Counter(total, benchmark::Counter::kIsRate);
  state.counters["cpu_s_per_M_msgs"] = cpu / total * 1e6;
  state.counters["cpu_s"] = cpu;
}

}  // namespace nzeza::bench

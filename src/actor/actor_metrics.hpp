#pragma once
// ActorMetrics: per-actor counters, readable from any thread while the actor runs.
//
// Counters are relaxed atomics written by the actor's own drain (or by senders for losses).
// Processing time is sampled (1 message in kSampleEvery) into a log2 histogram of nanoseconds:
// timing every message would cost more than handling it.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace nzeza::actor {

inline constexpr std::uint32_t kSampleEvery = 64;  // power of two

struct ActorMetricsSnapshot {
  static constexpr std::size_t kBuckets = 40;  // bucket i: [2^i, 2^(i+1)) ns; bucket 0 holds < 2 ns
  std::uint64_t depth = 0;
  std::uint64_t processed = 0;
  std::uint64_t dropped = 0;
  std::uint64_t rejected = 0;
  std::uint64_t conflated = 0;
  std::uint64_t dead_letters = 0;  // sent after stop, or discarded by a kill
  std::uint64_t failures = 0;
  std::uint64_t restarts = 0;
  std::uint64_t late_replies = 0;
  std::uint64_t escalations = 0;  // children that exceeded their restart limit
  std::array<std::uint64_t, kBuckets> processing_ns{};
  [[nodiscard]] std::uint64_t samples() const noexcept;
  // Upper bound (ns) of the bucket holding quantile q in [0, 1]; 0 without samples.
  [[nodiscard]] std::uint64_t quantile_ns(double q) const noexcept;
};

class ActorMetrics {
 public:
  using Counter = std::atomic<std::uint64_t>;
  Counter processed{0};  // written by the cell's own turns only (load + store, no RMW)
  Counter dropped{0};
  Counter rejected{0};
  Counter conflated{0};
  Counter dead_letters{0};
  Counter failures{0};
  Counter restarts{0};
  Counter late_replies{0};
  Counter escalations{0};

  void record_processing(std::uint64_t ns) noexcept;
  [[nodiscard]] ActorMetricsSnapshot snapshot() const noexcept;

 private:
  std::array<Counter, ActorMetricsSnapshot::kBuckets> buckets_{};
};

}  // namespace nzeza::actor

#pragma once
// LatencyHistogram: a fixed-bucket histogram of durations for the Prometheus exposition
// (`_bucket{le=...}`, `_sum`, `_count`), cheap enough for the order path.
//
// The contract:
//   - the buckets are fixed (kBoundsNs, 10 µs to 10 s, then +Inf): every histogram of the process
//     has the same ones, so dashboards can aggregate them;
//   - record() is lock-free (relaxed atomic increments) and never allocates; a negative duration
//     counts as zero;
//   - snapshot() may run on any thread while others record: each counter is read once, so a
//     snapshot taken during a record may miss that one sample (never a torn value).
// The durations are whatever the caller measured: wall time on the steady clock for a disk or a
// network call, Clock time for what the Clock decided (a rate limiter's wait).

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "core/time.hpp"

namespace nzeza {

class LatencyHistogram {
 public:
  // Upper bounds (inclusive, as Prometheus' `le`) in nanoseconds.
  static constexpr std::array<std::int64_t, 19> kBoundsNs{
      10'000,        25'000,        50'000,        100'000,       250'000,
      500'000,       1'000'000,     2'500'000,     5'000'000,     10'000'000,
      25'000'000,    50'000'000,    100'000'000,   250'000'000,   500'000'000,
      1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};
  // Buckets of a snapshot: one per bound, then the +Inf bucket.
  static constexpr std::size_t kBuckets = kBoundsNs.size() + 1;

  struct Snapshot {
    std::array<std::uint64_t, kBuckets> counts{};  // per bucket, NOT cumulative
    std::uint64_t sum_ns = 0;
    [[nodiscard]] std::uint64_t count() const noexcept {
      std::uint64_t n = 0;
      for (const auto c : counts) n += c;
      return n;
    }
    // Upper bound (ns) of the bucket holding quantile q in [0, 1]; 0 without samples, -1 when it
    // is the +Inf bucket.
    [[nodiscard]] std::int64_t quantile_upper_ns(double q) const noexcept {
      const std::uint64_t n = count();
      if (n == 0) return 0;
      const std::uint64_t rank = std::max<std::uint64_t>(
          1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(n))));
      std::uint64_t seen = 0;
      for (std::size_t i = 0; i < kBuckets; ++i) {
        seen += counts[i];
        if (seen >= rank) return i < kBoundsNs.size() ? kBoundsNs[i] : -1;
      }
      return -1;
    }
  };

  void record(Duration d) noexcept {
    const std::int64_t ns = std::max<std::int64_t>(d.count(), 0);
    const auto it = std::lower_bound(kBoundsNs.begin(), kBoundsNs.end(), ns);
    counts_[static_cast<std::size_t>(it - kBoundsNs.begin())].fetch_add(1,
                                                                        std::memory_order_relaxed);
    sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
  }

  [[nodiscard]] Snapshot snapshot() const noexcept {
    Snapshot s;
    for (std::size_t i = 0; i < kBuckets; ++i)
      s.counts[i] = counts_[i].load(std::memory_order_relaxed);
    s.sum_ns = sum_ns_.load(std::memory_order_relaxed);
    return s;
  }

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets> counts_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

}  // namespace nzeza

#include "actor/actor_metrics.hpp"

#include <bit>

namespace nzeza::actor {

std::uint64_t ActorMetricsSnapshot::samples() const noexcept {
  std::uint64_t n = 0;
  for (auto b : processing_ns) n += b;
  return n;
}

std::uint64_t ActorMetricsSnapshot::quantile_ns(double q) const noexcept {
  const std::uint64_t n = samples();
  if (n == 0) return 0;
  const auto target = static_cast<std::uint64_t>(q * static_cast<double>(n - 1)) + 1;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += processing_ns[i];
    if (seen >= target) return (std::uint64_t{1} << (i + 1)) - 1;
  }
  return ~std::uint64_t{0};
}

void ActorMetrics::record_processing(std::uint64_t ns) noexcept {
  std::size_t bucket = ns < 2 ? 0 : static_cast<std::size_t>(std::bit_width(ns) - 1);
  if (bucket >= buckets_.size()) bucket = buckets_.size() - 1;
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
}

ActorMetricsSnapshot ActorMetrics::snapshot() const noexcept {
  constexpr auto r = std::memory_order_relaxed;
  ActorMetricsSnapshot s;
  s.processed = processed.load(r);
  s.dropped = dropped.load(r);
  s.rejected = rejected.load(r);
  s.conflated = conflated.load(r);
  s.dead_letters = dead_letters.load(r);
  s.failures = failures.load(r);
  s.restarts = restarts.load(r);
  s.late_replies = late_replies.load(r);
  s.escalations = escalations.load(r);
  for (std::size_t i = 0; i < buckets_.size(); ++i) s.processing_ns[i] = buckets_[i].load(r);
  return s;
}

}  // namespace nzeza::actor

#include "api/request_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace nzeza::api {

RequestLimiter::RequestLimiter(Clock& clock, BucketLimits limits, std::size_t max_callers)
    : clock_(clock), limits_(limits), max_callers_(std::max<std::size_t>(max_callers, 1)) {
  if (!(limits_.burst > 0)) limits_.burst = 1;
  if (!(limits_.per_second > 0)) limits_.per_second = 1;
}

void RequestLimiter::refill(Bucket& b, Timestamp now) const {
  if (now > b.at) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(limits_.burst, b.tokens + elapsed * limits_.per_second);
    b.at = now;
  }
}

void RequestLimiter::forget_full(Timestamp now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    it = it->second.tokens >= limits_.burst ? buckets_.erase(it) : std::next(it);
  }
}

std::optional<Duration> RequestLimiter::take(std::string_view caller) {
  const Timestamp now = clock_.now();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(std::string(caller));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_callers_) forget_full(now);
    it = buckets_.emplace(std::string(caller), Bucket{limits_.burst, now}).first;
  }
  Bucket& b = it->second;
  refill(b, now);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::nullopt;
  }
  const double wait_s = (1.0 - b.tokens) / limits_.per_second;
  return std::max<Duration>(Duration{1},
                            Duration{static_cast<std::int64_t>(std::ceil(wait_s * 1e9))});
}

std::size_t RequestLimiter::callers() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace nzeza::api

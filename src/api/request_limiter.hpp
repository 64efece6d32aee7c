#pragma once
// RequestLimiter: a token bucket per caller of the operator API — one per key, one per source
// address for requests without a valid key — so one noisy script cannot starve another (the
// earlier nzeza had one global limit; nzeza-reference.md §5).
//
// A bucket holds up to `burst` requests and refills at `per_second`; a request takes one token.
// When none is left, take() says how long until one will be (the Retry-After of the 429). Time is
// the injected Clock's. Buckets are forgotten once full again when the table exceeds
// max_callers, so a flood of source addresses cannot grow memory without bound.
//
// Threading: thread-safe (one mutex).

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/time.hpp"

namespace nzeza::api {

struct BucketLimits {
  double burst = 20;       // requests allowed at once (> 0)
  double per_second = 10;  // refill rate (> 0)
};

class RequestLimiter {
 public:
  RequestLimiter(Clock& clock, BucketLimits limits, std::size_t max_callers = 10'000);

  // nullopt: allowed (a token taken). Otherwise the wait before the next token (> 0).
  [[nodiscard]] std::optional<Duration> take(std::string_view caller);
  [[nodiscard]] std::size_t callers() const;

 private:
  struct Bucket {
    double tokens = 0;
    Timestamp at;
  };
  void refill(Bucket& b, Timestamp now) const;
  void forget_full(Timestamp now);

  Clock& clock_;
  BucketLimits limits_;
  std::size_t max_callers_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace nzeza::api

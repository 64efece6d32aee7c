#pragma once
// RateLimiter: weighted token buckets for one venue (one per IP / API key as the venue counts).
//
// Buckets are named pools: each holds up to `capacity` tokens and refills continuously at
// `refill_per_second`. An endpoint class ("order", "depth", "account") takes a weight from one
// or more buckets at once, so pools are shared. Examples:
//   Binance spot: REQUEST_WEIGHT 6000/min shared by every endpoint (capacity 6000, refill 100/s);
//                 ORDERS 50/10 s (capacity 50, refill 5/s) and 160000/day (capacity 160000,
//                 refill 160000/86400 per s); class "order" = {REQUEST_WEIGHT 1, ORDERS_10S 1,
//                 ORDERS_1D 1}; class "depth" = {REQUEST_WEIGHT 5}, ...
//   Kraken:       the decaying call counter (max 15/20, decays 0.33/s or 0.5/s) is a bucket with
//                 capacity = max counter and refill = decay rate.
// A bucket allows at most capacity + refill * W over any interval of length W. A venue counting
// in fixed windows (Binance: L per window W) is therefore safe with capacity + refill * W <= L,
// e.g. capacity L/2 and refill L/(2W). Configured with capacity L and refill L/W (as above), a
// bucket may send up to 2L within one aligned window unless the server's own count
// (on_server_usage, sent with every REST response) tightens ours — which it does in practice.
//
// reserve() says how long the caller must wait before sending (0 = now) and commits the send
// at that time in every bucket of the class, atomically. Each bucket serves its reservations in
// the order they were made (fair, no starvation) and takes a reservation's tokens at its send
// time, so over any interval [t0, t1] of send times a bucket sends at most
// capacity + refill * (t1 - t0), even when a request is held back by another pool or a
// Retry-After. The price of that order: a request queued behind one that waits for another pool
// waits too (head-of-line). A reservation whose wait would exceed max_wait is refused with
// rate_limited and takes nothing.
//
// Venue feedback: on_retry_after (HTTP 429 Retry-After) holds every request until now + d;
// on_banned_until (Binance 418) refuses every reservation with `banned` until that time, then
// recovers by itself; on_server_usage aligns a bucket with the server's count
// (X-MBX-USED-WEIGHT-1M, X-MBX-ORDER-COUNT-10S ...).
//
// Threading: all methods thread-safe (one mutex; no callbacks, no timers).

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace nzeza::net {

inline constexpr Duration kMaxRetryAfter = std::chrono::hours(24 * 7);

struct BucketConfig {
  std::string name;              // unique within a limiter, e.g. "REQUEST_WEIGHT_1M"
  double capacity = 0;           // tokens when full; > 0. A bucket starts full.
  double refill_per_second = 0;  // >= 0 (0: a fixed allowance that never refills)
};

struct RateLimiterOptions {
  std::string name = "rate limiter";  // used in error messages, e.g. "binance"
  Duration max_wait = 10s;            // longer waits are refused with rate_limited
};

class RateLimiter {
 public:
  // A bad bucket (empty or duplicate name, capacity <= 0, negative or non-finite refill) does
  // not crash: status() reports it and every reserve() returns that error.
  RateLimiter(Clock& clock, std::vector<BucketConfig> buckets, RateLimiterOptions options = {});
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // ok, or the configuration error found by the constructor.
  [[nodiscard]] Status status() const;

  // Defines (or redefines) an endpoint class as weights taken from named buckets.
  // invalid_argument for an empty class name, an empty list, an unknown bucket, a bucket listed
  // twice, or a weight that is negative, non-finite, or above the bucket's capacity.
  Status add_endpoint(std::string endpoint_class,
                      std::vector<std::pair<std::string, double>> bucket_weights);

  // Takes weight * weight_multiplier from every bucket of the class; returns the wait before
  // sending (0 = now). Errors: not_found (unknown class), invalid_argument (multiplier <= 0 or
  // non-finite, or a weight above a bucket's capacity), banned (until the ban time),
  // rate_limited (the wait would exceed max_wait; nothing is taken).
  Result<Duration> reserve(std::string_view endpoint_class, double weight_multiplier = 1);

  // HTTP 429 with Retry-After: nothing leaves before now + d (extends, never shortens). A d
  // above kMaxRetryAfter counts as kMaxRetryAfter (a hostile header cannot overflow time).
  void on_retry_after(Duration d);
  // HTTP 418 (Binance IP ban): every reservation is refused until `until` (extends only).
  void on_banned_until(Timestamp until);
  // The server says `used` tokens of `bucket` are spent in its current window. Tightens our
  // level to capacity - used when the server counts more than we do (another process on the same
  // IP, a restart); never loosens it (our count includes requests still in flight). False for an
  // unknown bucket or a negative/non-finite `used`.
  bool on_server_usage(std::string_view bucket, double used);

  // Tokens available in `bucket` now: negative while reservations are queued (the refill they
  // are waiting for); not_found if unknown.
  [[nodiscard]] Result<double> available(std::string_view bucket) const;
  // Zero Timestamp when not banned.
  [[nodiscard]] Timestamp banned_until() const;
  [[nodiscard]] Timestamp retry_after_until() const;
  [[nodiscard]] Duration max_wait() const;
  void set_max_wait(Duration max_wait);
  [[nodiscard]] const std::string& name() const noexcept { return options_name_; }

 private:
  struct Bucket {
    BucketConfig config;
    double level = 0;      // tokens at updated_at (negative only after on_server_usage)
    Timestamp updated_at;  // time of `level`: now, or the send time of the last reservation
  };
  struct Use {
    std::size_t bucket;
    double weight;
  };
  static void refill_locked(Bucket& bucket, Timestamp now);

  Clock& clock_;
  const std::string options_name_;
  mutable std::mutex mu_;
  Duration max_wait_;
  Status init_status_;
  std::vector<Bucket> buckets_;
  std::map<std::string, std::vector<Use>, std::less<>> endpoints_;
  Timestamp banned_until_;
  Timestamp retry_after_until_;
};

}  // namespace nzeza::net

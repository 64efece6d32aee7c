#include "net/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace nzeza::net {
namespace {

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string seconds_text(Duration d) {
  return number_text(std::chrono::duration<double>(d).count()) + " s";
}

// Time for `deficit` tokens to refill at `rate` per second, rounded up to the nanosecond so that
// after the wait the bucket is back to >= 0.
Duration refill_time(double deficit, double rate) {
  const double ns = std::ceil(deficit / rate * 1e9);
  if (!(ns < static_cast<double>(std::numeric_limits<Duration::rep>::max() / 2))) {
    return Duration::max() / 2;
  }
  return Duration(static_cast<Duration::rep>(ns));
}

}  // namespace

RateLimiter::RateLimiter(Clock& clock, std::vector<BucketConfig> buckets,
                         RateLimiterOptions options)
    : clock_(clock), options_name_(std::move(options.name)), max_wait_(options.max_wait) {
  const Timestamp now = clock_.now();
  for (auto& config : buckets) {
    const std::string where =
        "rate limiter '" + options_name_ + "': bucket '" + config.name + "': ";
    if (config.name.empty()) {
      init_status_ = fail(ErrorCode::invalid_argument,
                          "rate limiter '" + options_name_ + "': a bucket has an empty name");
    } else if (std::any_of(buckets_.begin(), buckets_.end(),
                           [&](const Bucket& b) { return b.config.name == config.name; })) {
      init_status_ = fail(ErrorCode::invalid_argument, where + "defined twice");
    } else if (!std::isfinite(config.capacity) || config.capacity <= 0) {
      init_status_ = fail(ErrorCode::invalid_argument,
                          where + "capacity must be > 0, got " + number_text(config.capacity));
    } else if (!std::isfinite(config.refill_per_second) || config.refill_per_second < 0) {
      init_status_ =
          fail(ErrorCode::invalid_argument, where + "refill_per_second must be >= 0, got " +
                                                number_text(config.refill_per_second));
    }
    if (!init_status_) break;
    const double capacity = config.capacity;
    buckets_.push_back(Bucket{std::move(config), capacity, now});
  }
  if (init_status_ && max_wait_ < Duration::zero()) max_wait_ = Duration::zero();
}

Status RateLimiter::status() const {
  std::lock_guard lock(mu_);
  return init_status_;
}

Status RateLimiter::add_endpoint(std::string endpoint_class,
                                 std::vector<std::pair<std::string, double>> bucket_weights) {
  std::lock_guard lock(mu_);
  const std::string where =
      "rate limiter '" + options_name_ + "': endpoint class '" + endpoint_class + "': ";
  if (!init_status_) return init_status_;
  if (endpoint_class.empty()) {
    return fail(ErrorCode::invalid_argument,
                "rate limiter '" + options_name_ + "': endpoint class name is empty");
  }
  if (bucket_weights.empty()) {
    return fail(ErrorCode::invalid_argument, where + "takes from no bucket");
  }
  std::vector<Use> uses;
  for (const auto& [bucket_name, weight] : bucket_weights) {
    auto it = std::find_if(buckets_.begin(), buckets_.end(),
                           [&](const Bucket& b) { return b.config.name == bucket_name; });
    if (it == buckets_.end()) {
      return fail(ErrorCode::invalid_argument, where + "unknown bucket '" + bucket_name + "'");
    }
    const auto index = static_cast<std::size_t>(it - buckets_.begin());
    if (std::any_of(uses.begin(), uses.end(), [&](const Use& u) { return u.bucket == index; })) {
      return fail(ErrorCode::invalid_argument, where + "bucket '" + bucket_name + "' listed twice");
    }
    if (!std::isfinite(weight) || weight < 0) {
      return fail(ErrorCode::invalid_argument, where + "weight for bucket '" + bucket_name +
                                                   "' must be >= 0, got " + number_text(weight));
    }
    if (weight > it->config.capacity) {
      return fail(ErrorCode::invalid_argument,
                  where + "weight " + number_text(weight) + " exceeds the capacity " +
                      number_text(it->config.capacity) + " of bucket '" + bucket_name + "'");
    }
    uses.push_back(Use{index, weight});
  }
  endpoints_.insert_or_assign(std::move(endpoint_class), std::move(uses));
  return {};
}

void RateLimiter::refill_locked(Bucket& bucket, Timestamp now) {
  if (now <= bucket.updated_at) return;  // time did not move (or the wall clock stepped back)
  const double elapsed = std::chrono::duration<double>(now - bucket.updated_at).count();
  bucket.level =
      std::min(bucket.config.capacity, bucket.level + bucket.config.refill_per_second * elapsed);
  bucket.updated_at = now;
}

Result<Duration> RateLimiter::reserve(std::string_view endpoint_class, double weight_multiplier) {
  std::lock_guard lock(mu_);
  if (!init_status_) return init_status_.error();
  // Built only on an error path: the granted path allocates nothing.
  const auto where = [this] { return "rate limiter '" + options_name_ + "'"; };
  auto endpoint = endpoints_.find(endpoint_class);
  if (endpoint == endpoints_.end()) {
    return fail(ErrorCode::not_found,
                where() + ": unknown endpoint class '" + std::string(endpoint_class) + "'");
  }
  if (!std::isfinite(weight_multiplier) || weight_multiplier <= 0) {
    return fail(ErrorCode::invalid_argument,
                where() + ": weight multiplier must be > 0, got " + number_text(weight_multiplier));
  }
  const Timestamp now = clock_.now();
  if (now < banned_until_) {
    return fail(ErrorCode::banned,
                where() + " is banned by the venue until " + banned_until_.to_iso8601());
  }
  // Each bucket serves its reservations in order: a new one is sent no earlier than the
  // bucket's last one (updated_at may lie in the future), and its tokens are taken at its send
  // time. Taking them at reservation time instead would let a request held back (by another
  // pool or a Retry-After) leave its pool refilling meanwhile, and others would burst into it.
  Timestamp send_at = std::max(now, retry_after_until_);
  for (const Use& use : endpoint->second) {
    Bucket& bucket = buckets_[use.bucket];
    refill_locked(bucket, now);
    const double weight = use.weight * weight_multiplier;
    if (weight > bucket.config.capacity) {
      return fail(ErrorCode::invalid_argument,
                  where() + ": weight " + number_text(weight) + " of endpoint class '" +
                      std::string(endpoint_class) + "' exceeds the capacity " +
                      number_text(bucket.config.capacity) + " of bucket '" + bucket.config.name +
                      "'");
    }
    const Timestamp ready = std::max(now, bucket.updated_at);
    if (bucket.level >= weight) {
      send_at = std::max(send_at, ready);
      continue;
    }
    if (bucket.config.refill_per_second <= 0) {
      return fail(ErrorCode::rate_limited, where() + ": bucket '" + bucket.config.name +
                                               "' is exhausted and does not refill");
    }
    send_at = std::max(send_at,
                       ready + refill_time(weight - bucket.level, bucket.config.refill_per_second));
  }
  const Duration wait = send_at - now;
  if (wait > max_wait_) {
    return fail(ErrorCode::rate_limited,
                where() + ": endpoint class '" + std::string(endpoint_class) + "' would wait " +
                    seconds_text(wait) + " (max " + seconds_text(max_wait_) + ")");
  }
  for (const Use& use : endpoint->second) {
    Bucket& bucket = buckets_[use.bucket];
    refill_locked(bucket, send_at);
    bucket.level -= use.weight * weight_multiplier;
  }
  return wait;
}

void RateLimiter::on_retry_after(Duration d) {
  if (d < Duration::zero()) return;
  d = std::min(d, kMaxRetryAfter);
  std::lock_guard lock(mu_);
  retry_after_until_ = std::max(retry_after_until_, clock_.now() + d);
}

void RateLimiter::on_banned_until(Timestamp until) {
  std::lock_guard lock(mu_);
  banned_until_ = std::max(banned_until_, until);
}

bool RateLimiter::on_server_usage(std::string_view bucket_name, double used) {
  if (!std::isfinite(used) || used < 0) return false;
  std::lock_guard lock(mu_);
  auto it = std::find_if(buckets_.begin(), buckets_.end(),
                         [&](const Bucket& b) { return b.config.name == bucket_name; });
  if (it == buckets_.end()) return false;
  // Applied at the bucket's own time (after its queued reservations): an approximation that
  // can only make us slower, never faster.
  refill_locked(*it, clock_.now());
  it->level = std::min(it->level, it->config.capacity - used);
  return true;
}

Result<double> RateLimiter::available(std::string_view bucket_name) const {
  std::lock_guard lock(mu_);
  auto it = std::find_if(buckets_.begin(), buckets_.end(),
                         [&](const Bucket& b) { return b.config.name == bucket_name; });
  if (it == buckets_.end()) {
    return fail(ErrorCode::not_found, "rate limiter '" + options_name_ + "': unknown bucket '" +
                                          std::string(bucket_name) + "'");
  }
  // Expressed at `now`: a bucket whose state lies in the future (queued reservations) reports
  // the refill still to come as a debt.
  const Timestamp now = clock_.now();
  Bucket copy = *it;
  refill_locked(copy, now);
  if (copy.updated_at <= now) return copy.level;
  return copy.level - copy.config.refill_per_second *
                          std::chrono::duration<double>(copy.updated_at - now).count();
}

Timestamp RateLimiter::banned_until() const {
  std::lock_guard lock(mu_);
  return clock_.now() < banned_until_ ? banned_until_ : Timestamp{};
}

Timestamp RateLimiter::retry_after_until() const {
  std::lock_guard lock(mu_);
  return clock_.now() < retry_after_until_ ? retry_after_until_ : Timestamp{};
}

Duration RateLimiter::max_wait() const {
  std::lock_guard lock(mu_);
  return max_wait_;
}

void RateLimiter::set_max_wait(Duration max_wait) {
  std::lock_guard lock(mu_);
  max_wait_ = std::max(max_wait, Duration::zero());
}

}  // namespace nzeza::net

#include "net/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace nzeza::net {
namespace {

__extension__ typedef unsigned __int128 uint128;

const BackoffConfig kDefaults{};

std::string seconds_text(Duration d) {
  return std::to_string(std::chrono::duration<double>(d).count()) + " s";
}

}  // namespace

Status Backoff::validate(const BackoffConfig& config) {
  if (config.initial <= Duration::zero()) {
    return fail(ErrorCode::invalid_argument,
                "backoff: initial must be > 0, got " + seconds_text(config.initial));
  }
  if (config.max > kMaxBackoff) {
    return fail(ErrorCode::invalid_argument,
                "backoff: max must be <= " + seconds_text(kMaxBackoff) + ", got " +
                    seconds_text(config.max));
  }
  if (config.max < config.initial) {
    return fail(ErrorCode::invalid_argument, "backoff: max (" + seconds_text(config.max) +
                                                 ") must be >= initial (" +
                                                 seconds_text(config.initial) + ")");
  }
  if (!std::isfinite(config.multiplier) || config.multiplier < 1.0) {
    return fail(ErrorCode::invalid_argument,
                "backoff: multiplier must be a finite number >= 1, got " +
                    std::to_string(config.multiplier));
  }
  return {};
}

Result<Backoff> Backoff::create(const BackoffConfig& config) {
  if (auto status = validate(config); !status) return status.error();
  return Backoff(config);
}

Backoff::Backoff(BackoffConfig config) : config_(config), rng_state_(config.seed) {
  if (config_.initial <= Duration::zero()) config_.initial = kDefaults.initial;
  config_.initial = std::min(config_.initial, kMaxBackoff);
  config_.max = std::min(config_.max, kMaxBackoff);
  if (config_.max < config_.initial) config_.max = std::max(config_.initial, kDefaults.max);
  if (!std::isfinite(config_.multiplier) || config_.multiplier < 1.0) {
    config_.multiplier = kDefaults.multiplier;
  }
}

Duration Backoff::next_ceiling() const {
  // In double: initial * multiplier^attempts overflows int64 long before attempts does, and
  // comparing the double with max first keeps the conversion in range.
  const double ceiling = static_cast<double>(config_.initial.count()) *
                         std::pow(config_.multiplier, static_cast<double>(attempts_));
  const auto max_ns = static_cast<double>(config_.max.count());
  if (!(ceiling < max_ns)) return config_.max;
  return Duration(static_cast<Duration::rep>(std::llround(ceiling)));
}

Duration Backoff::next_delay() {
  const Duration ceiling = next_ceiling();
  if (attempts_ < std::numeric_limits<int>::max()) ++attempts_;
  if (!config_.jitter) return ceiling;
  // Full jitter: uniform over the integers [0, ceiling] ns (multiply-shift: no modulo bias
  // worth the name, no division).
  const auto span = static_cast<std::uint64_t>(ceiling.count()) + 1;
  const auto draw = static_cast<std::uint64_t>((static_cast<uint128>(next_random()) * span) >> 64);
  return Duration(static_cast<Duration::rep>(draw));
}

void Backoff::reset() {
  attempts_ = 0;
}

// splitmix64: tiny, fast, passes BigCrush, and the same on every platform (std distributions
// are not), so a seed's sequence is reproducible everywhere.
std::uint64_t Backoff::next_random() {
  std::uint64_t z = (rng_state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace nzeza::net

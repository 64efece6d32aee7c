#pragma once
// Timestamp: nanoseconds since the Unix epoch (UTC), as an int64; Duration: std::chrono ns.

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace nzeza {

using Duration = std::chrono::nanoseconds;
using namespace std::chrono_literals;  // NOLINT: 5s, 100ms read better than Duration{...}

class Timestamp {
 public:
  constexpr Timestamp() noexcept = default;
  [[nodiscard]] static constexpr Timestamp from_ns(std::int64_t ns) noexcept {
    return Timestamp(ns);
  }
  [[nodiscard]] static constexpr Timestamp from_us(std::int64_t us) noexcept {
    return Timestamp(us * 1000);
  }
  [[nodiscard]] static constexpr Timestamp from_ms(std::int64_t ms) noexcept {
    return Timestamp(ms * 1'000'000);
  }
  [[nodiscard]] static constexpr Timestamp from_seconds(std::int64_t s) noexcept {
    return Timestamp(s * 1'000'000'000);
  }
  // RFC 3339 / ISO 8601 UTC text: "2024-01-02T03:04:05Z", "...05.123456789Z", "+00:00" offsets.
  // The venues' layout (`YYYY-MM-DDTHH:MM:SS(.f{1,9})?Z`) is read by a fixed-offset fast path
  // (SWAR digits, the day number of the last date seen cached per thread); anything else, and
  // every error, by the general reader (parse_iso8601_general): same results, same errors.
  [[nodiscard]] static Result<Timestamp> parse_iso8601(std::string_view text) noexcept;
  // The general reader alone (what the fast path is tested against).
  [[nodiscard]] static Result<Timestamp> parse_iso8601_general(std::string_view text) noexcept;

  [[nodiscard]] constexpr std::int64_t ns() const noexcept { return ns_; }
  [[nodiscard]] constexpr std::int64_t us() const noexcept { return ns_ / 1000; }
  [[nodiscard]] constexpr std::int64_t ms() const noexcept { return ns_ / 1'000'000; }
  [[nodiscard]] constexpr std::int64_t seconds() const noexcept { return ns_ / 1'000'000'000; }
  [[nodiscard]] constexpr bool is_zero() const noexcept { return ns_ == 0; }
  // "2024-01-02T03:04:05.123456789Z" (fraction trimmed of trailing zeros, omitted when zero).
  [[nodiscard]] std::string to_iso8601() const;

  // Start of the interval of length `step` that contains this time (epoch-aligned).
  [[nodiscard]] constexpr Timestamp floor_to(Duration step) const noexcept {
    const std::int64_t s = step.count();
    std::int64_t q = ns_ / s;
    if (ns_ % s < 0) --q;
    return Timestamp(q * s);
  }

  constexpr Timestamp& operator+=(Duration d) noexcept {
    ns_ += d.count();
    return *this;
  }
  constexpr Timestamp& operator-=(Duration d) noexcept {
    ns_ -= d.count();
    return *this;
  }
  friend constexpr Timestamp operator+(Timestamp t, Duration d) noexcept { return t += d; }
  friend constexpr Timestamp operator-(Timestamp t, Duration d) noexcept { return t -= d; }
  friend constexpr Duration operator-(Timestamp a, Timestamp b) noexcept {
    return Duration(a.ns_ - b.ns_);
  }
  friend constexpr bool operator==(Timestamp, Timestamp) noexcept = default;
  friend constexpr std::strong_ordering operator<=>(Timestamp, Timestamp) noexcept = default;

 private:
  constexpr explicit Timestamp(std::int64_t ns) noexcept : ns_(ns) {}
  std::int64_t ns_ = 0;
};

}  // namespace nzeza

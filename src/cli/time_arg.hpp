#pragma once
// Times and durations given on the command line: a time in unix seconds ("1704164400") or
// ISO 8601 ("2024-01-02T03:00:00Z"); a duration in (fractional) seconds.

#include <charconv>
#include <chrono>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"

namespace nzeza::cli {

inline Result<Timestamp> parse_time_arg(std::string_view text, std::string_view option) {
  std::int64_t seconds = 0;
  const auto* end = text.data() + text.size();
  if (auto [p, ec] = std::from_chars(text.data(), end, seconds);
      ec == std::errc{} && p == end && seconds >= 0)
    return Timestamp::from_seconds(seconds);
  if (auto t = Timestamp::parse_iso8601(text); t) return *t;
  return Error{ErrorCode::invalid_argument,
               std::string(option) + " \"" + std::string(text) +
                   "\": expected unix seconds or an ISO 8601 time such as 2024-01-02T03:00:00Z"};
}

// `s` seconds (such as --duration 2.5) as a Duration.
inline Duration seconds_arg(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

}  // namespace nzeza::cli

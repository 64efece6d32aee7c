#pragma once
// A time given on the command line: unix seconds ("1704164400") or ISO 8601
// ("2024-01-02T03:00:00Z").

#include <charconv>
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

}  // namespace nzeza::cli

#pragma once
// Shared limits for indicator parameters. Periods are bounded so ring buffers stay small and a
// config typo (period 1e9) is an error, not an out-of-memory.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace nzeza::market {

inline constexpr std::size_t kMaxIndicatorPeriod = 10'000;

// Error when `period` is outside [1, kMaxIndicatorPeriod]; `what` names the parameter
// ("EMA period").
[[nodiscard]] Status validate_period(std::string_view what, std::size_t period);

}  // namespace nzeza::market

#pragma once
// Validation helpers shared by the strategy configs; each error names the field.

#include <string_view>

#include "core/result.hpp"

namespace nzeza::strategy {

// Error unless value is finite and within [lo, hi].
[[nodiscard]] Status check_range(std::string_view field, double value, double lo, double hi);

}  // namespace nzeza::strategy

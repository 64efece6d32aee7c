#pragma once
// Validation helpers shared by the strategy configs; each error names the field.

#include <cstddef>
#include <string_view>

#include "core/result.hpp"

namespace nzeza::strategy {

// Error unless value is finite and within [lo, hi].
[[nodiscard]] Status check_range(std::string_view field, double value, double lo, double hi);

// Error unless value < bound: "<field> (<value>) must be below <bound_field> (<bound>)".
[[nodiscard]] Status check_below(std::string_view field, double value, std::string_view bound_field,
                                 double bound);
[[nodiscard]] Status check_below(std::string_view field, std::size_t value,
                                 std::string_view bound_field, std::size_t bound);

}  // namespace nzeza::strategy

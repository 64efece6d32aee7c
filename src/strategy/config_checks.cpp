#include "strategy/config_checks.hpp"

#include <cmath>
#include <string>

namespace nzeza::strategy {

Status check_range(std::string_view field, double value, double lo, double hi) {
  if (!std::isfinite(value) || value < lo || value > hi) {
    return fail(ErrorCode::invalid_argument, std::string(field) + " must be in [" +
                                                 std::to_string(lo) + ", " + std::to_string(hi) +
                                                 "], got " + std::to_string(value));
  }
  return {};
}

}  // namespace nzeza::strategy

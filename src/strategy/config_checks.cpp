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

namespace {

template <typename T>
Status below(std::string_view field, T value, std::string_view bound_field, T bound) {
  if (value < bound) return {};
  return fail(ErrorCode::invalid_argument, std::string(field) + " (" + std::to_string(value) +
                                               ") must be below " + std::string(bound_field) +
                                               " (" + std::to_string(bound) + ")");
}

}  // namespace

Status check_below(std::string_view field, double value, std::string_view bound_field,
                   double bound) {
  return below(field, value, bound_field, bound);
}

Status check_below(std::string_view field, std::size_t value, std::string_view bound_field,
                   std::size_t bound) {
  return below(field, value, bound_field, bound);
}

}  // namespace nzeza::strategy

#include "market/indicator_params.hpp"

namespace nzeza::market {

Status validate_period(std::string_view what, std::size_t period) {
  if (period == 0 || period > kMaxIndicatorPeriod) {
    return fail(ErrorCode::invalid_argument, std::string(what) + " must be in [1, " +
                                                 std::to_string(kMaxIndicatorPeriod) + "], got " +
                                                 std::to_string(period));
  }
  return {};
}

}  // namespace nzeza::market

#include "market/candle_freshness.hpp"

#include "core/enum_names.hpp"

namespace nzeza::market {

constexpr EnumNames kCandleFreshnessNames{CandleFreshness::stale,
                                          {"fresh", "not_closed", "gap", "stale"}};

std::string_view to_string(CandleFreshness f) noexcept {
  return kCandleFreshnessNames.name(f);
}

CandleFreshness check_freshness(const Candle& candle, Timestamp now, Duration max_age) noexcept {
  const Timestamp end = candle.end();
  if (now < end) return CandleFreshness::not_closed;
  if (candle.gap) return CandleFreshness::gap;
  const Duration limit = max_age > Duration::zero() ? max_age : candle.interval;
  if (now - end >= limit) return CandleFreshness::stale;
  return CandleFreshness::fresh;
}

}  // namespace nzeza::market

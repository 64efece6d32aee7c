#include "market/candle_freshness.hpp"

namespace nzeza::market {

std::string_view to_string(CandleFreshness f) noexcept {
  switch (f) {
    case CandleFreshness::fresh:
      return "fresh";
    case CandleFreshness::not_closed:
      return "not_closed";
    case CandleFreshness::gap:
      return "gap";
    case CandleFreshness::stale:
      return "stale";
  }
  return "unknown";
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

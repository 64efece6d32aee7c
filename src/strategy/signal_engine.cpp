#include "strategy/signal_engine.hpp"

#include "core/enum_names.hpp"
#include "market/candle_freshness.hpp"

namespace nzeza::strategy {

constexpr EnumNames kNoSignalReasonNames{
    NoSignalReason::warming_up, {"none", "not_closed", "gap_candle", "stale_candle", "warming_up"}};

std::string_view to_string(NoSignalReason r) noexcept {
  return kNoSignalReasonNames.name(r);
}

EngineOutput SignalEngine::refuse(NoSignalReason r) noexcept {
  ++stats_.no_signal[static_cast<std::size_t>(r)];
  return EngineOutput{std::nullopt, r};
}

EngineOutput SignalEngine::on_candle(const market::Candle& candle, Timestamp now) noexcept {
  const auto freshness = market::check_freshness(candle, now, max_age_);
  if (freshness == market::CandleFreshness::not_closed) return refuse(NoSignalReason::not_closed);
  if (candle.series_break) {
    combiner_.reset();
    ++stats_.series_breaks;
  }
  combiner_.on_candle(candle);
  ++stats_.candles;
  if (freshness == market::CandleFreshness::gap) return refuse(NoSignalReason::gap_candle);
  if (freshness == market::CandleFreshness::stale) return refuse(NoSignalReason::stale_candle);
  auto combined = combiner_.combine();
  if (!combined) return refuse(NoSignalReason::warming_up);
  ++stats_.signals;
  return EngineOutput{combined, NoSignalReason::none};
}

}  // namespace nzeza::strategy

#include "core/market_event.hpp"

#include <algorithm>

#include "core/enum_names.hpp"

namespace nzeza {

bool TradeId::assign(TradeId& out, std::string_view text) noexcept {
  if (text.size() > kMax) return false;
  std::copy(text.begin(), text.end(), out.chars.begin());
  out.size = static_cast<std::uint8_t>(text.size());
  return true;
}

constexpr EnumNames kFeedStateNames{
    FeedState::resyncing,
    {"CONNECTING", "CONNECTED", "RECONNECTING", "CIRCUIT_OPEN", "STOPPED", "STALE", "RESYNCING"},
    "UNKNOWN"};

std::string_view to_string(FeedState s) noexcept {
  return kFeedStateNames.name(s);
}

}  // namespace nzeza

#include "core/market_event.hpp"

#include <algorithm>

namespace nzeza {

bool TradeId::assign(TradeId& out, std::string_view text) noexcept {
  if (text.size() > kMax) return false;
  std::copy(text.begin(), text.end(), out.chars.begin());
  out.size = static_cast<std::uint8_t>(text.size());
  return true;
}

std::string_view to_string(FeedState s) noexcept {
  switch (s) {
    case FeedState::connecting:
      return "CONNECTING";
    case FeedState::connected:
      return "CONNECTED";
    case FeedState::reconnecting:
      return "RECONNECTING";
    case FeedState::circuit_open:
      return "CIRCUIT_OPEN";
    case FeedState::stopped:
      return "STOPPED";
    case FeedState::stale:
      return "STALE";
    case FeedState::resyncing:
      return "RESYNCING";
  }
  return "UNKNOWN";
}

}  // namespace nzeza

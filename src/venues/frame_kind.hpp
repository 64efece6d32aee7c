#pragma once
// FrameKind: what one WebSocket frame of a venue's market-data codec was, in the words the feed
// session acts on. Every market-data codec answers it from decode(); each codec's header says
// which of these its venue sends and what they look like on the wire. Header-only:
// the fuzz preset builds the codec libraries without the venue port library.

#include <cstdint>
#include <string_view>

#include "core/enum_names.hpp"

namespace nzeza::venues {

enum class FrameKind : std::uint8_t {
  market_data,   // events were emitted (possibly zero)
  heartbeat,     // the venue's liveness message
  pong,          // the answer to the codec's application ping
  status,        // venue or system status
  connected,     // a new connection's greeting (books reset)
  subscribed,    // a subscribe acknowledged
  unsubscribed,  // an unsubscribe acknowledged
  venue_error,   // the venue refused a request; the codec's last_venue_error says why
  closing,       // the venue will close this connection soon: reconnect now (a planned cut)
  ignored        // well-formed but unused (unknown type or symbol, a duplicate): counted
};

inline constexpr EnumNames kFrameKindNames{
    FrameKind::ignored,
    {"market_data", "heartbeat", "pong", "status", "connected", "subscribed", "unsubscribed",
     "venue_error", "closing", "ignored"}};

[[nodiscard]] constexpr std::string_view to_string(FrameKind k) noexcept {
  return kFrameKindNames.name(k);
}

}  // namespace nzeza::venues

#pragma once
// FrameKind: what one WebSocket frame of a venue's market-data codec was, in the words the feed
// session acts on. The Kraken, Hyperliquid and dYdX codecs answer it from decode(); each codec's
// header says which of these its venue sends and what they look like on the wire. Header-only:
// the fuzz preset builds the codec libraries without the venue port library.

#include <cstdint>
#include <string_view>

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
  ignored        // well-formed but unused by this codec: counted
};

[[nodiscard]] constexpr std::string_view to_string(FrameKind k) noexcept {
  switch (k) {
    case FrameKind::market_data:
      return "market_data";
    case FrameKind::heartbeat:
      return "heartbeat";
    case FrameKind::pong:
      return "pong";
    case FrameKind::status:
      return "status";
    case FrameKind::connected:
      return "connected";
    case FrameKind::subscribed:
      return "subscribed";
    case FrameKind::unsubscribed:
      return "unsubscribed";
    case FrameKind::venue_error:
      return "venue_error";
    case FrameKind::ignored:
      return "ignored";
  }
  return "unknown";
}

}  // namespace nzeza::venues

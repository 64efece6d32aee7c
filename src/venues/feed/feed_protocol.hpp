#pragma once
// FeedProtocol: what one venue's market-data connection says and expects, beside the venue's
// codec. FeedSession (feed_session.hpp) owns the sockets, timers, pacing, pooling and
// staleness; a FeedProtocol object per connection owns that connection's codec (books,
// sequence numbers) and turns frames into MarketEvents and follow-up actions.
//
// Threading: a protocol object is used by its session under the session's lock, one call at a
// time; it never blocks and never touches the network itself.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::feed {

// A venue's connection rules (defaults in feed_rules.cpp, overridable per session for tests).
struct FeedRules {
  std::string default_url;  // production WebSocket URL
  // Subscriptions one connection may carry (0: no limit) and how many each instrument takes
  // (dYdX: 32 per channel per connection; Binance: 1024 streams, 3 per instrument).
  std::size_t max_subscriptions_per_connection = 0;
  std::size_t subscriptions_per_instrument = 1;
  // Control frames (subscribe, unsubscribe, app pings) per second per connection, 0 = unpaced;
  // `control_burst` go at once (Binance: 5 messages/s including pongs: we send at most 4).
  double control_per_second = 0;
  std::size_t control_burst = 16;
  // Silence (no data, heartbeat, ping or pong) that drops the connection; 0 = off.
  Duration idle_timeout{0};
  // WebSocket-level client pings (0: none) and application pings (Kraken, Hyperliquid).
  Duration ws_ping_interval{0};
  Duration app_ping_interval{0};
  // No message or heartbeat for an instrument's subscription for this long: it is STALE.
  Duration stale_after = 30s;
  // Planned reconnect before the venue's forced cut (Binance 24 h); 0 = none.
  Duration max_connection_age{0};
  // Largest frame accepted (above it the connection is failed and reconnected: 1009).
  std::size_t max_message_bytes = 8u << 20;
};

enum class FrameClass : std::uint8_t {
  data,       // market data (events may be zero: a buffered diff, an unknown symbol)
  heartbeat,  // a heartbeat or pong: the connection is alive
  control,    // subscription acks, status, greetings
  ignored,    // unknown type: counted and ignored
  rejected    // malformed: counted, logged, the connection stays open
};

struct FrameOutcome {
  FrameClass kind = FrameClass::data;
  Error error;                              // kind == rejected
  std::vector<std::string> send;            // control frames to send (resubscribe...)
  std::optional<std::string> reconnect;     // planned reconnect now, with the reason
  std::vector<InstrumentId> need_snapshot;  // books that need a REST snapshot (Binance)
  std::size_t resyncs = 0;                  // books that lost sync with this frame
  std::string venue_error;                  // a venue's refusal of a request (subscribe...)
};

class FeedProtocol {
 public:
  virtual ~FeedProtocol() = default;

  // The connection's URL for these instruments (most venues: `base` as is).
  [[nodiscard]] virtual std::string url(const std::string& base) const { return base; }
  // A new connection (first or reconnect): resets the per-connection state (books await their
  // snapshots) and answers the subscribe frames, in order. An error (an instrument the venue
  // cannot subscribe) stops the session's start.
  virtual Result<std::vector<std::string>> on_connected(
      std::span<const InstrumentId> instruments) = 0;
  // One received text frame.
  virtual FrameOutcome on_frame(std::string_view frame, Timestamp now, MarketEventSink& sink) = 0;
  // An application-level ping frame, when the venue uses one.
  virtual std::optional<std::string> app_ping() { return std::nullopt; }

  // REST book snapshots (Binance): the path to GET for an instrument, and applying its body.
  [[nodiscard]] virtual std::optional<std::string> snapshot_path(InstrumentId /*id*/) const {
    return std::nullopt;
  }
  virtual FrameOutcome apply_snapshot(InstrumentId /*id*/, std::string_view /*body*/,
                                      Timestamp /*now*/, MarketEventSink& /*sink*/) {
    return FrameOutcome{FrameClass::ignored, {}, {}, {}, {}, 0, {}};
  }
};

}  // namespace nzeza::venues::feed

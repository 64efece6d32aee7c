#pragma once
// FeedSession: one venue's live market data for a set of instruments, kept correct and fresh
// through every failure.
//
//  * Pooling: the instruments are split over as many WebSocket connections as the venue's
//    subscription cap needs (FeedRules::max_subscriptions_per_connection); each connection has
//    its own FeedProtocol (and codec, books, sequence numbers).
//  * Every (re)connect replays every subscription of that connection; control frames beyond the
//    burst are paced on the Clock (Binance: at most 4 per second).
//  * Liveness: WsClient's idle timeout drops a silent connection (server pings, heartbeats and
//    pongs count as receipt) and reconnects with backoff behind the circuit breaker; app-level
//    pings are sent on the Clock; Binance's 24-hour cut and `serverShutdown` trigger a planned
//    reconnect (WsClient::reconnect: no backoff, no breaker failure).
//  * Books: a gap or checksum mismatch makes the protocol resubscribe that book (or fetch a REST
//    snapshot: Binance), and the codec marks it RESYNCING until the new snapshot.
//  * Staleness: an instrument with no message for FeedRules::stale_after while its connection
//    has no heartbeat either is STALE (a VenueStatus event for it); the next message or
//    heartbeat makes it CONNECTED again. Connection states reach the sink as VenueStatus events
//    for each of the connection's instruments.
//  * Bad frames are rejected, counted and reported (on_error) with a truncated excerpt; the
//    connection stays open and the next frame is processed.
//  * Clock skew (receive time - venue time) is measured on every event that has a venue time.
//
// The sink runs on the network thread under the session's lock, in wire order per connection:
// it must not block (the conflating hop to the market actors belongs there) and must not call
// back into the session.
//
// Threading: start/stop/stats from any thread; stop() must not be called from the sink. The
// NetContext, Clock, registry, sink and (optional) HttpClient must outlive the session.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "net/backoff.hpp"
#include "net/circuit_breaker.hpp"
#include "net/connection_status.hpp"
#include "net/http_client.hpp"
#include "net/net_context.hpp"
#include "net/tls_config.hpp"
#include "venues/feed/feed_protocol.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::feed {

struct FeedOptions {
  Venue venue = Venue::generic;
  std::vector<InstrumentId> instruments;
  std::string url;       // empty: rules.default_url
  std::string rest_url;  // REST base for book snapshots (Binance); empty: none fetched
  net::TlsConfig tls;
  FeedRules rules;
  net::BackoffConfig backoff{};
  net::CircuitBreakerConfig breaker{};
  Duration connect_timeout = 5s;
  Duration snapshot_retry = 1s;  // wait before fetching a REST snapshot again
};

struct FeedStats {
  std::uint64_t frames = 0;
  std::uint64_t events = 0;
  std::uint64_t rejected = 0;  // malformed frames
  std::uint64_t ignored = 0;   // unknown types
  std::uint64_t heartbeats = 0;
  std::uint64_t control = 0;
  std::uint64_t resyncs = 0;
  std::uint64_t resubscribe_frames = 0;
  std::uint64_t snapshot_requests = 0;
  std::uint64_t snapshots_applied = 0;
  std::uint64_t planned_reconnects = 0;
  std::uint64_t connects = 0;  // successful (re)connects over all connections
  std::uint64_t stale_marks = 0;
  std::uint64_t control_frames_sent = 0;
  std::uint64_t venue_errors = 0;
  std::int64_t max_skew_ms = 0;  // largest |receive - venue time| seen
  std::int64_t last_skew_ms = 0;
  std::size_t connections = 0;
};

using ProtocolFactory = std::function<std::unique_ptr<FeedProtocol>()>;

class FeedSession {
 public:
  using ErrorCallback = std::function<void(const Error&)>;
  using StatusCallback =
      std::function<void(std::size_t connection, const net::ConnectionTransition&)>;

  FeedSession(net::NetContext& net, Clock& clock, const InstrumentRegistry& registry,
              FeedOptions options, ProtocolFactory factory, MarketEventSink& sink,
              net::HttpClient* http = nullptr);
  ~FeedSession();  // stop()
  FeedSession(const FeedSession&) = delete;
  FeedSession& operator=(const FeedSession&) = delete;

  // Set before start(). Rejected frames, venue errors and connection failures.
  void on_error(ErrorCallback callback);
  // Connection state changes (also delivered to the sink as VenueStatus events).
  void on_status(StatusCallback callback);

  // Validates the options (instruments of this venue, non-empty), builds the connections and
  // starts them. The NetContext must be running.
  Status start();
  // Closes every connection (close handshake) and cancels timers; blocks until done.
  void stop();

  [[nodiscard]] FeedStats stats() const;
  [[nodiscard]] std::vector<net::ConnectionState> connection_states() const;
  // Whether an instrument is currently marked stale.
  [[nodiscard]] bool is_stale(InstrumentId id) const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

// How many connections `instruments` need under `rules` (at least one).
[[nodiscard]] std::size_t connections_needed(const FeedRules& rules, std::size_t instruments);

}  // namespace nzeza::venues::feed

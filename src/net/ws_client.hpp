#pragma once
// WsClient: one resilient WebSocket connection (ws:// or wss://) that a feed or a venue session
// keeps open: it connects, replays its subscriptions, watches liveness and reconnects with
// backoff behind a circuit breaker, publishing every state change.
//
// Lifecycle:  start() -> CONNECTING -> CONNECTED -> (drop) RECONNECTING -> CONNECTED ...
//                                    5 failures -> CIRCUIT_OPEN -> 30 s -> one trial ...
//             stop()  -> close handshake (bounded by close_timeout) -> STOPPED
// - Every attempt (resolve, TCP, TLS with SNI and certificate checks, WebSocket upgrade) must
//   finish within connect_timeout, measured on the Clock.
// - After each (re)connect the subscription callback's frames are sent first, in order.
// - The reconnect decisions are ReconnectPolicy's (net/reconnect_policy.hpp); this client does
//   the I/O and the waiting on the Clock.
// - A connection is *useful* once its subscription frames are written and a first message has
//   arrived: only then does the backoff reset and the breaker record a success. A connection
//   that ends before that counts as a failure (a server that accepts and closes does not make
//   the client hammer it at 1 s).
// - Silence: with idle_timeout set, a connection that receives nothing (data, ping or pong) for
//   that long on the Clock is dropped and reconnected. ping_interval sends client pings; peer
//   pings are always answered.
// - Messages above max_message_bytes fail the connection (close 1009) and it reconnects.
//
// Threading: public methods are thread-safe. Callbacks run on the NetContext's thread, one at a
// time; set them before start(). The message view is valid only during the callback. Do not
// destroy the client from inside its own callbacks. The NetContext and the Clock must outlive
// the client. No Beast or Asio type appears here (their cost stays in ws_client.cpp).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "net/backoff.hpp"
#include "net/circuit_breaker.hpp"
#include "net/connection_status.hpp"
#include "net/net_context.hpp"
#include "net/tls_config.hpp"

namespace nzeza::net {

struct WsClientConfig {
  std::string url;   // ws://host[:port]/path or wss://...
  std::string name;  // for status, breaker and messages; empty: the URL
  TlsConfig tls;
  Duration connect_timeout = 5s;  // resolve + TCP + TLS + upgrade, per attempt
  Duration close_timeout = 2s;    // graceful close handshake at stop()
  Duration idle_timeout = 0s;     // silence that drops the connection; 0 = off
  Duration ping_interval = 0s;    // client pings; 0 = off
  std::size_t max_message_bytes = 4u * 1024 * 1024;
  std::size_t max_send_queue_bytes = 8u * 1024 * 1024;  // send() refuses beyond this
  bool permessage_deflate = true;
  bool reconnect = true;  // false: the first disconnect stops the client
  std::vector<std::pair<std::string, std::string>> headers;  // extra upgrade request headers
  BackoffConfig backoff{};
  CircuitBreakerConfig breaker{};
};

struct WsClientStats {
  std::uint64_t attempts = 0;     // connection attempts started
  std::uint64_t connections = 0;  // successful handshakes
  std::uint64_t useful_connections = 0;
  std::uint64_t messages_received = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t messages_sent = 0;   // data frames written (subscriptions included)
  std::uint64_t pongs_received = 0;  // answers to client pings
  std::uint64_t pings_received = 0;  // the server's pings (answered)
  std::uint64_t planned_reconnects = 0;
  Duration last_retry_delay{0};  // the last backoff (or circuit) wait chosen
  std::string last_error;        // text of the last failure or disconnect
};

class WsClient {
 public:
  using MessageCallback = std::function<void(std::string_view message)>;
  // Frames to send after each successful handshake (the subscriptions), produced afresh each time.
  using SubscribeCallback = std::function<std::vector<std::string>()>;
  // Each failed attempt or lost connection, with its typed error.
  using ErrorCallback = std::function<void(const Error& error)>;
  // Each ping or pong frame received (`pong` tells them apart): a server's pings are its
  // heartbeat (Binance every 20 s, dYdX every 30 s); they are answered automatically.
  using ControlCallback = std::function<void(bool pong)>;

  // Configuration errors (bad URL, unreadable CA file) surface from start().
  WsClient(NetContext& net, Clock& clock, WsClientConfig config);
  ~WsClient();  // aborts without a close handshake if still running; waits for the loop to end
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void on_message(MessageCallback callback);
  void on_subscribe(SubscribeCallback callback);
  void on_error(ErrorCallback callback);
  void on_control(ControlCallback callback);
  // Status transitions (CONNECTING, CONNECTED, ...), delivered in order.
  SubscriptionId on_status(ConnectionStatus::Callback callback);

  // Starts the connect loop and returns once the first attempt is granted (a short hop to the
  // NetContext's thread, which must be running). Errors: invalid_argument (configuration),
  // invalid_state (already started: one connection per client), circuit_open (refused at once,
  // no network traffic, while the breaker is OPEN).
  Status start();
  // Explicit connect: when waiting between attempts, tries now. circuit_open while the circuit is
  // open; invalid_state when already connected or connecting (no second connection).
  Status connect_now();
  // Planned reconnect (Binance's 24-hour cut, a `serverShutdown` notice, a book that needs a
  // fresh snapshot): closes the current connection with a close handshake (bounded by
  // close_timeout) and connects again at once, replaying the subscriptions. Not a failure: the
  // breaker and the backoff are untouched. invalid_state when not CONNECTED.
  Status reconnect(std::string reason);
  // Queues a text frame. invalid_state when not CONNECTED; unavailable when the send queue
  // already holds max_send_queue_bytes (the peer reads too slowly).
  Status send(std::string text);
  // Graceful shutdown, asynchronous: pending sends are flushed, a close frame is sent and the
  // peer's answered (or close_timeout passes on the Clock), then STOPPED. Idempotent.
  void stop();
  // Blocks until STOPPED or until `guard` of real time passes; false on the guard. Never call it
  // on the NetContext's thread (returns false at once).
  bool wait_stopped(std::chrono::milliseconds guard = std::chrono::seconds(10)) const;

  [[nodiscard]] ConnectionState state() const;
  [[nodiscard]] ConnectionSnapshot status() const;
  [[nodiscard]] CircuitState circuit() const;
  [[nodiscard]] WsClientStats stats() const;
  [[nodiscard]] const std::string& name() const noexcept;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nzeza::net

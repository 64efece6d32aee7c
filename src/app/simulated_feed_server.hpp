#pragma once
// SimulatedFeedServer: the simulated market served as Coinbase Advanced Trade market data over a
// loopback WebSocket, so that paper trading on simulated prices goes through the same feed path
// as live data — a FeedSession with the real Coinbase protocol and codec — instead of a shortcut.
//
// What it speaks (exchanges.md §3.1; frames written by venues/coinbase/market_data_frames, the
// same code the test simulator writes with):
//   * answers each subscribe / unsubscribe with `subscriptions` (every channel and product the
//     connection holds); a message it cannot read, or a channel it does not serve (it serves
//     heartbeats, ticker, market_trades, level2), gets {"type":"error","message":..};
//   * on subscribe: a `ticker` snapshot of the product's last quote, a `market_trades` snapshot
//     of its recent trades (both when it has any) and always an `l2_data` snapshot of its book;
//   * `ticker` (type update) on every quote: best_bid/best_ask and their quantities exactly as
//     published; price = the last trade price (the bid before any trade); the 24 h / 52 w
//     statistics are since the server started;
//   * `l2_data` updates after each quote: the product's book is `book_depth` levels per side,
//     one tick apart from the quote's bid and ask (the generator instrument's tick), the touch
//     sized as the quote, each deeper level one lot more; an update carries only the levels
//     that changed ("0" removes one), so the client's book equals this book after every frame;
//     it is written before the quote's ticker, so the book is current when the quote arrives;
//   * `market_trades` on every trade (id, price, size, taker side, time as published);
//   * `heartbeats` every heartbeat_interval of the Clock to each connection subscribed to it,
//     with its own heartbeat_counter;
//   * `sequence_num` per connection, from 0, one more on every frame it writes.
// Not modelled: the 5 s subscribe deadline, JWTs (ignored), rate limits, other channels.
//
// Events: publish() takes the SimulatedMarket's events (any venue's, normally Venue::paper).
// An instrument's product id is the venue symbol of the Coinbase instrument with the same
// canonical symbol in the registry, else its canonical symbol ("BTC-USD" is Coinbase's product
// id). Timestamps (envelope, trade time, event_time) are the event's venue time (its receive
// time when it has none); frames that carry no event (acks, snapshots, heartbeats) take the
// Clock's time. Book changes and statuses are ignored (counted).
//
// Backpressure: publish() never waits on a socket. Each connection has a queue of frames not
// yet written, bounded by max_queued_frames. When a frame finds it full, the oldest queued
// ticker or heartbeat frame is dropped (counted): a later ticker supersedes it and the book
// updates, which are never dropped, still carry every change. Sequence numbers and heartbeat
// counters are given when a frame is written, so a dropped frame leaves no gap. When the queue
// holds only trades, book updates and acks, the slow client is closed (counted): its feed
// reconnects and resubscribes (fresh snapshots) — a trade is never silently dropped or
// reordered.
//
// Threading: the server runs its own event-loop thread (one Asio io_context), independent of the
// trader's NetContext, as a venue is: a stall of either side never stalls the other. publish(),
// disconnect_all(), stats(), ws_url() and stop() may be called from any thread; publish() holds
// the server's mutex only while it formats and queues the frames. The Clock and the registry
// must outlive the server; the registry must not change while it serves. The destructor stops.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "core/result.hpp"

namespace nzeza::app {

struct SimulatedFeedServerOptions {
  std::uint16_t port = 0;                // on 127.0.0.1; 0: an ephemeral port
  std::size_t book_depth = 5;            // levels per side of each product's book (>= 1)
  std::size_t max_queued_frames = 4096;  // per connection (>= 8)
  Duration heartbeat_interval = 1s;      // > 0
  std::size_t trade_snapshot_size = 20;  // recent trades replayed on a market_trades subscribe
};

struct SimulatedFeedStats {
  std::size_t connections = 0;             // open now
  std::uint64_t connections_accepted = 0;  // WebSocket handshakes since start
  std::uint64_t frames_sent = 0;           // frames written, over all connections
  std::uint64_t events_published = 0;      // quotes and trades served
  std::uint64_t events_ignored = 0;        // other bodies, unknown instruments
  std::uint64_t quote_frames_dropped = 0;  // ticker frames dropped for a slow client
  std::uint64_t heartbeats_dropped = 0;    // heartbeats dropped for a slow client
  std::uint64_t slow_clients_closed = 0;   // queue full of frames that may not be dropped
  std::uint64_t control_refused = 0;       // client messages answered with an error
};

class SimulatedFeedServer {
 public:
  // Validates the options, binds 127.0.0.1:<port>, starts the thread and the heartbeat timer.
  // invalid_argument for bad options; network when the port cannot be bound.
  static Result<std::unique_ptr<SimulatedFeedServer>> start(
      Clock& clock, const InstrumentRegistry& registry, SimulatedFeedServerOptions options = {});
  ~SimulatedFeedServer();
  SimulatedFeedServer(const SimulatedFeedServer&) = delete;
  SimulatedFeedServer& operator=(const SimulatedFeedServer&) = delete;

  // Serves a Quote or Trade to every connection subscribed to its product's channels. Never
  // blocks on a client; a no-op after stop().
  void publish(const MarketEvent& event);

  // "ws://127.0.0.1:<port>/" and the port.
  [[nodiscard]] std::string ws_url() const;
  [[nodiscard]] std::uint16_t port() const noexcept;

  // Closes every open connection with a close frame (1001 going away) after the frames already
  // queued: maintenance, or a venue dropping its clients. The listener stays open.
  void disconnect_all();

  [[nodiscard]] SimulatedFeedStats stats() const;

  // Cancels the heartbeat timer, closes the listener and every connection, joins the thread.
  // Idempotent; never call it from a callback of the server's own thread (it has none).
  void stop();

  struct Impl;

 private:
  explicit SimulatedFeedServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace nzeza::app

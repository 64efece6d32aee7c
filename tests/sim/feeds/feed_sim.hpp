#pragma once
// FeedSim: a loopback market-data venue for the feed tests and the `nzeza feed` CLI tests. One
// simulator speaks one venue's real wire format (exchanges.md §1.1-5.1) over a WsServer (and,
// for Binance, an HttpServer serving the REST depth snapshot GET /api/v3/depth), with this
// project's own values.
//
// What it does by itself:
//   * answers subscribe / unsubscribe frames in the venue's format (Binance {"result":null,"id"},
//     Coinbase `subscriptions`, Kraken per-symbol acks, Hyperliquid `subscriptionResponse`,
//     dYdX `subscribed` / `unsubscribed`; the generic feed has no ack);
//   * sends the book snapshot a subscribe brings (Coinbase level2 snapshot, Kraken book snapshot
//     with its CRC32, Hyperliquid l2Book, dYdX `subscribed` contents) from its own book of the
//     symbol; Binance books come from REST (after a first diff, which the sim sends on subscribe);
//   * greets like the venue (Kraken `status`, Hyperliquid's plain-text greeting, dYdX
//     `connected` with message_id 0) and answers app pings (Kraken pong with req_id,
//     Hyperliquid {"channel":"pong"});
//   * numbers every frame like the venue: Coinbase sequence_num and dYdX message_id per
//     connection, Binance U/u update ids per symbol, Kraken checksums over the wire text.
//
// Scripting (from the test thread): publish_* send to every connection subscribed to the
// symbol's channel; inject_gap and the send_* faults break the stream on purpose.
//
// Symbols are wire symbols as the venue writes them in data frames: Binance "BTCUSDT" (streams
// lower-case), Coinbase "BTC-USD", Kraken "BTC/USD", Hyperliquid "BTC", dYdX "BTC-USD",
// generic "BTC-USD". A subscribed symbol without a book gets the default book:
//   bids 50000.5 x 1, 49999.5 x 2; asks 50001.5 x 1, 50002.5 x 2 (Binance lastUpdateId 1000).
//
// Venue timestamps come from FeedSimOptions::now (the system clock by default; tests pass their
// ManualClock so that skew and the generic feed's 5 s window hold).
//
// Threading: every method may be called from any thread; server handlers run on the servers'
// threads; one mutex orders every frame, so sequence numbers follow send order.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "core/venue.hpp"

namespace nzeza::testsupport {
class WsServer;
class HttpServer;
}  // namespace nzeza::testsupport

namespace nzeza::sim::feeds {

// A price level as wire text ("50000.5", "1.25"); size "0" deletes in updates.
struct SimLevel {
  std::string price;
  std::string size;
};

struct FeedSimOptions {
  std::function<Timestamp()> now;  // venue time; empty: system clock
  // Binance: answer a depth subscribe with a first (empty) diff so the client fetches its
  // snapshot, as the live stream's 100 ms diffs would.
  bool binance_first_diff = true;
  // Accept permessage-deflate when the client offers it (as the WsServer does by default).
  bool permessage_deflate = true;
  // Latency probe (benchmarks): each data frame as its write to the socket starts, with
  // steady_clock::now(), on the WebSocket server's thread. Must be short and must not block.
  std::function<void(std::string_view frame, std::chrono::steady_clock::time_point at)>
      on_frame_write{};
};

// The default book every subscribed symbol starts with (see above).
[[nodiscard]] std::vector<SimLevel> default_bids();
[[nodiscard]] std::vector<SimLevel> default_asks();

class FeedSim {
 public:
  explicit FeedSim(Venue venue, FeedSimOptions options = {});
  ~FeedSim();  // stop()
  FeedSim(const FeedSim&) = delete;
  FeedSim& operator=(const FeedSim&) = delete;

  [[nodiscard]] Venue venue() const noexcept;
  // The WebSocket URL to connect to (Binance: the combined-stream path /stream).
  [[nodiscard]] std::string ws_url() const;
  // The REST base for Binance's depth snapshots ("http://127.0.0.1:<port>"), "" otherwise.
  [[nodiscard]] std::string rest_url() const;

  // --- market state ---
  // Replaces a symbol's book (what the next subscribe snapshot / REST snapshot carries).
  void set_book(const std::string& symbol, std::vector<SimLevel> bids, std::vector<SimLevel> asks);

  // --- publishing (to every connection subscribed to that symbol's channel) ---
  // Top of book: Binance bookTicker, Coinbase ticker, Kraken ticker, Hyperliquid bbo, generic
  // {"symbol","price":<bid.price>,"ts"}; dYdX has no ticker (its top of book comes from the book).
  void publish_quote(const std::string& symbol, const SimLevel& bid, const SimLevel& ask);
  // side: "buy" or "sell" (taker side).
  void publish_trade(const std::string& symbol, const std::string& price, const std::string& size,
                     const std::string& side, std::uint64_t trade_id);
  // Applies the changes to the sim's book, then sends them: Binance depthUpdate (U/u), Coinbase
  // l2_data update, Kraken book update with the checksum, Hyperliquid the whole l2Book, dYdX
  // channel_data.
  void publish_book_update(const std::string& symbol, const std::vector<SimLevel>& bids,
                           const std::vector<SimLevel>& asks);
  // A liveness message: Coinbase heartbeats (to connections subscribed to it), Kraken
  // {"channel":"heartbeat"}, generic {"type":"heartbeat"}; Binance and dYdX: a ping frame;
  // Hyperliquid: nothing (the client pings).
  void publish_heartbeat();

  // --- faults ---
  // Loses one message of the book's stream: Binance skips update ids (the next diff has U >
  // local + 1), Coinbase / dYdX skip a sequence_num / message_id on every connection, Kraken
  // sends the next book update with a wrong checksum, Hyperliquid sends a crossed l2Book now.
  void inject_gap(const std::string& symbol);
  // A frame of the venue's shape with an invalid value (a price "abc" / side "HOLD"); it
  // consumes a sequence number where the venue has one.
  void send_malformed(std::size_t session);
  // A well-formed frame of a type the feed does not use (Binance 24hrTicker, Coinbase candles,
  // Kraken ohlc, Hyperliquid allMids, dYdX v4_block_height, generic {"type":"news"}).
  void send_unknown_type(std::size_t session);
  // A frame of `bytes` bytes (a heartbeat-like frame padded with a string field).
  void send_oversized(std::size_t session, std::size_t bytes);
  // Binance {"e":"serverShutdown","E":...}.
  void send_server_shutdown(std::size_t session);
  void send_raw(std::size_t session, std::string text);
  void ping(std::size_t session);
  void go_silent(std::size_t session);  // half-open: no more reads or writes
  void reset(std::size_t session);      // TCP RST
  // Binance: the next `count` REST snapshots are older than any buffered diff (lastUpdateId 1).
  void serve_stale_snapshots(std::size_t count);

  // --- observations ---
  [[nodiscard]] std::size_t connections() const;  // WebSocket handshakes so far
  [[nodiscard]] std::vector<std::string> received(std::size_t session) const;
  [[nodiscard]] std::vector<std::string> received_all() const;
  // Subscriptions currently held by a session: "channel:symbol" in venue terms (e.g.
  // "v4_orderbook:BTC-USD", "btcusdt@depth@100ms", "book:BTC/USD", "l2Book:BTC",
  // "level2:BTC-USD", "heartbeats:", "price:BTC-USD").
  [[nodiscard]] std::vector<std::string> subscriptions(std::size_t session) const;
  // Subscribe frames received by a session (each frame once) and unsubscribe frames.
  [[nodiscard]] std::size_t subscribe_frames(std::size_t session) const;
  [[nodiscard]] std::size_t unsubscribe_frames(std::size_t session) const;
  [[nodiscard]] std::size_t snapshot_requests() const;  // Binance REST depth requests
  [[nodiscard]] std::size_t pongs() const;              // pong frames (answers to our pings)
  [[nodiscard]] std::size_t app_pings() const;          // application pings answered

  testsupport::WsServer& ws_server();
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nzeza::sim::feeds

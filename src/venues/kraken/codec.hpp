#pragma once
// KrakenCodec: Kraken spot WebSocket v2 market data (wss://ws.kraken.com/v2) — subscribe and
// unsubscribe messages out; ticker, trade and L2 book (snapshot + updates, CRC32 checksum)
// frames in, decoded with simdjson on-demand straight into MarketEvents.
//
// One codec per WebSocket connection; it owns that connection's books (one per instrument,
// truncated to the subscribed depth as Kraken requires). A connection loop drives it:
//   - sends subscribe_message(...) / ping_message(...) frames (pacing is the caller's job);
//   - passes every received text frame to decode(), which hands the frame's events to the
//     sink (all or nothing: a malformed frame emits no event) and says what the frame was, so
//     the loop can feed its liveness rule (heartbeat, pong) and resubscribe a book that needs a
//     resync (checksum mismatch, crossed book, malformed update);
//   - calls on_reconnect() after a new connection, before replaying the subscriptions.
//
// Numbers: Kraken v2 sends prices and sizes as JSON numbers; they are parsed exactly from the
// raw token text (never through a double), and quoted strings are accepted too.
// Symbols: "BTC/USD" is looked up in the InstrumentRegistry (venue kraken, ws_symbol or
// venue_symbol); unknown symbols are counted and ignored.
// Hot path: after warm-up decode() does not allocate (scratch buffers are reused); errors
// allocate their message.
// Threading: none; one owner thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "market/order_book.hpp"
#include "venues/frame_kind.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::kraken {

// Bytes a frame passed to decode() must have readable after its end (simdjson reads ahead).
inline constexpr std::size_t kFramePadding = 64;

enum class Channel : std::uint8_t { ticker, trade, book };
[[nodiscard]] std::string_view to_string(Channel c) noexcept;

struct KrakenCodecConfig {
  // Subscribed book depth: 10, 25, 100, 500 or 1000. The book is truncated to it.
  std::size_t book_depth = 10;
  // Larger frames are refused unparsed (a 1000-level snapshot of 1000 pairs stays far below).
  std::size_t max_frame_bytes = 1u << 20;
  [[nodiscard]] Status validate() const;
};

// What a frame was, for the connection loop.
// What decode() found (venues/frame_kind.hpp). Kraken sends: market_data (ticker / trade / book),
// heartbeat ({"channel":"heartbeat"}), pong ({"method":"pong",...}: answer to ping_message),
// status ({"channel":"status",...}: emitted as a VenueStatus), subscribed (success true),
// unsubscribed, venue_error (a subscribe/unsubscribe/ping refused: success false) and ignored.
using FrameKind = venues::FrameKind;

struct DecodeResult {
  FrameKind kind = FrameKind::ignored;
  std::uint32_t events = 0;             // events handed to the sink
  std::uint32_t resyncs = 0;            // books that became needs_resync with this frame
  std::optional<std::uint64_t> req_id;  // of a method response
};

struct KrakenCodecStats {
  std::uint64_t frames = 0;
  std::uint64_t events = 0;
  std::uint64_t malformed = 0;       // refused: not the documented shape or invalid values
  std::uint64_t oversized = 0;       // refused: over max_frame_bytes
  std::uint64_t unknown_type = 0;    // well-formed, unused channel or method
  std::uint64_t unknown_symbol = 0;  // data for a symbol not in the registry (entries)
  std::uint64_t heartbeats = 0;
  std::uint64_t pongs = 0;
  std::uint64_t request_failures = 0;
  std::uint64_t checksum_mismatches = 0;
  std::uint64_t crossed_books = 0;
  std::uint64_t resyncs = 0;                 // books marked needs_resync (any reason)
  std::uint64_t updates_while_unsynced = 0;  // book updates dropped waiting for a snapshot
  std::uint64_t precision_changes = 0;  // a token's decimals differed from the book's learned ones
};

class KrakenCodec {
 public:
  // The registry must outlive the codec. Fails when the config is invalid.
  static Result<KrakenCodec> create(const InstrumentRegistry& registry,
                                    KrakenCodecConfig config = {});
  KrakenCodec(KrakenCodec&&) noexcept;
  KrakenCodec& operator=(KrakenCodec&&) noexcept;
  ~KrakenCodec();

  // {"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":10,
  //  "snapshot":true},"req_id":1}. Every instrument must be a Kraken instrument of the
  // registry (its ws_symbol, else venue_symbol, is sent); at least one.
  [[nodiscard]] Result<std::string> subscribe_message(Channel channel,
                                                      std::span<const InstrumentId> instruments,
                                                      std::uint64_t req_id) const;
  [[nodiscard]] Result<std::string> unsubscribe_message(Channel channel,
                                                        std::span<const InstrumentId> instruments,
                                                        std::uint64_t req_id) const;
  // {"method":"ping","req_id":N}: Kraken answers {"method":"pong","req_id":N,...}.
  [[nodiscard]] static std::string ping_message(std::uint64_t req_id);

  // Decodes one text frame. `frame` must stay readable for kFramePadding bytes past its end.
  // A refused frame (oversized, malformed) returns an Error saying what and where, with the
  // start of the frame; nothing is emitted and the codec is ready for the next frame. A
  // malformed book frame for a known symbol also marks that book needs_resync.
  Result<DecodeResult> decode(std::string_view frame, Timestamp receive_time,
                              MarketEventSink& sink);
  // Same, for a frame without padding: copied into an internal padded buffer first.
  Result<DecodeResult> decode_unpadded(std::string_view frame, Timestamp receive_time,
                                       MarketEventSink& sink);

  // A new connection: every book waits for its snapshot again (the subscriptions are replayed
  // by the caller with snapshot true).
  void on_reconnect() noexcept;

  // The book of an instrument, null before its first snapshot.
  [[nodiscard]] const market::OrderBook* book(InstrumentId id) const noexcept;
  // Books marked needs_resync: resubscribe them (unsubscribe + subscribe) to get a snapshot.
  [[nodiscard]] std::vector<InstrumentId> books_needing_resync() const;
  [[nodiscard]] const KrakenCodecStats& stats() const noexcept;
  // The venue's text of the last refused request ("Currency pair not supported ...").
  [[nodiscard]] const std::string& last_venue_error() const noexcept;
  [[nodiscard]] const KrakenCodecConfig& config() const noexcept;

 private:
  struct Impl;
  explicit KrakenCodec(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nzeza::venues::kraken

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
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "venues/codec_support/book_codec.hpp"
#include "venues/frame_kind.hpp"

namespace nzeza::venues::kraken {

using codec::kFramePadding;

enum class Channel : std::uint8_t { ticker, trade, book };
[[nodiscard]] std::string_view to_string(Channel c) noexcept;

struct KrakenCodecConfig {
  // Subscribed book depth: 10, 25, 100, 500 or 1000. The book is truncated to it.
  std::size_t book_depth = 10;
  // Larger frames are refused unparsed (a 1000-level snapshot of 1000 pairs stays far below).
  std::size_t max_frame_bytes = 1u << 20;
  // false: every frame takes the general (simdjson) path; tests compare the two paths.
  bool raw_fast_path = true;
  [[nodiscard]] Status validate() const;
};

// What decode() found (venues/frame_kind.hpp). Kraken sends: market_data (ticker / trade / book),
// heartbeat ({"channel":"heartbeat"}), pong ({"method":"pong",...}: answer to ping_message),
// status ({"channel":"status",...}: emitted as a VenueStatus), subscribed (success true),
// unsubscribed, venue_error (a subscribe/unsubscribe/ping refused: success false) and ignored.
using FrameKind = venues::FrameKind;

struct DecodeResult : codec::FrameResult {
  std::optional<std::uint64_t> req_id;  // of a method response
};

// unknown_type: a well-formed, unused channel or method.
struct KrakenCodecStats : codec::BookCodecCounters {
  std::uint64_t heartbeats = 0;
  std::uint64_t pongs = 0;
  std::uint64_t request_failures = 0;
  std::uint64_t checksum_mismatches = 0;
  std::uint64_t crossed_books = 0;
  std::uint64_t updates_while_unsynced = 0;  // book updates dropped waiting for a snapshot
  std::uint64_t precision_changes = 0;  // a token's decimals differed from the book's learned ones
};

struct KrakenCodecImpl;  // codec.cpp

// A malformed book frame for a known symbol also marks that book needs_resync.
class KrakenCodec : public codec::BookCodec<KrakenCodec, KrakenCodecImpl, KrakenCodecConfig,
                                            KrakenCodecStats, DecodeResult> {
 public:
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

 private:
  friend BookCodec;
  using BookCodec::BookCodec;
};

}  // namespace nzeza::venues::kraken

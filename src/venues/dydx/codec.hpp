#pragma once
// DydxCodec: dYdX v4 indexer WebSocket market data (wss://indexer.dydx.trade/v4/ws) —
// subscribe/unsubscribe messages out; v4_orderbook (subscribed snapshot + channel_data
// updates), v4_trades and v4_markets frames in, decoded with simdjson on-demand into
// MarketEvents.
//
// Gap rule: message_id counts every message sent on one connection (the `connected` message
// is 0). A jump means a message was lost and nobody can tell for which channel, so every
// synced book of the connection is marked needs_resync (a VenueStatus resyncing event each);
// the loop resubscribes them (unsubscribe + subscribe gives a fresh `subscribed` snapshot).
// Crossed books: the indexer book can be briefly crossed (no central book); the newest change
// wins — levels of the other side that it crosses are removed (emitted as deletions).
// Top of book: dYdX has no ticker channel, so after each book message a Quote is emitted
// when the synced book's best levels changed.
// Oracle prices: v4_markets carries oracle prices for every market in one message (all keys
// are read — the earlier Rust version read only the first); MarketEvent has no oracle variant,
// so they are kept per instrument (oracle_price()) and counted in DecodeResult.
// Limits: 32 subscriptions per channel per connection (LESSONS 3); pacing and pooling are the
// connection loop's job. Hot path: no allocation after warm-up. Threading: one owner thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "venues/codec_support/book_codec.hpp"
#include "venues/frame_kind.hpp"

namespace nzeza::venues::dydx {

using codec::kFramePadding;

enum class Channel : std::uint8_t { orderbook, trades, markets };
// The wire name: "v4_orderbook", "v4_trades", "v4_markets".
[[nodiscard]] std::string_view to_string(Channel c) noexcept;
// The indexer's per-connection cap for each of them.
inline constexpr std::size_t kMaxSubscriptionsPerChannel = 32;

// A full v4_markets snapshot is large: hence the 4 MiB default frame limit.
inline constexpr codec::BookLimits kBookLimits{.venue = "dydx",
                                               .min_depth = 10,
                                               .max_depth = 100'000,
                                               .default_depth = 1000,
                                               .default_frame_bytes = 4u << 20};

struct DydxCodecConfig : codec::BookConfig<kBookLimits> {
  bool batched = false;          // subscribe with "batched": true
  bool emit_book_quotes = true;  // Quote from the book's top (no ticker channel)
};

// What decode() found (venues/frame_kind.hpp). dYdX sends: connected ({"type":"connected",...}: a
// new connection, books reset), market_data (subscribed / channel_data / channel_batch_data of a
// known channel), unsubscribed, venue_error ({"type":"error","message":...}) and ignored (other
// channels, other types).
using FrameKind = venues::FrameKind;

struct DecodeResult : codec::FrameResult {
  std::uint32_t oracle_prices = 0;  // oracle prices stored from this frame
  bool gap = false;                 // message_id jumped before this frame
};

struct OraclePrice {
  Decimal price;
  Timestamp effective_at;  // venue time (zero when absent)
  Timestamp receive_time;
};

struct DydxCodecStats : codec::BookCodecCounters {
  std::uint64_t venue_errors = 0;
  std::uint64_t gaps = 0;              // message_id jumps
  std::uint64_t uncrossed_levels = 0;  // levels removed because a newer change crossed them
  std::uint64_t updates_while_unsynced = 0;
  std::uint64_t oracle_prices = 0;
  std::uint64_t history_trades_skipped = 0;  // trades of a `subscribed` message (not live)
};

struct DydxCodecImpl;  // codec.cpp

// A refused book frame of a known market also marks that book needs_resync (its resyncing
// status is emitted), and a refused frame still takes its place in the message_id count. A new
// connection (on_reconnect) also restarts the message_id count.
// subscribe_message / unsubscribe_message (BookCodec's):
// {"type":"subscribe","channel":"v4_orderbook","id":"BTC-USD","batched":false}. The orderbook
// and trades channels need a dYdX instrument of the registry; v4_markets takes none (pass an
// invalid id) and covers every market.
class DydxCodec : public codec::BookCodec<DydxCodec, DydxCodecImpl, DydxCodecConfig, DydxCodecStats,
                                          DecodeResult, Channel> {
 public:
  [[nodiscard]] std::optional<OraclePrice> oracle_price(InstrumentId id) const noexcept;

 private:
  friend BookCodec;
  using BookCodec::BookCodec;
};

}  // namespace nzeza::venues::dydx

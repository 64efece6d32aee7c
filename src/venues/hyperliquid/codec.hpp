#pragma once
// HyperliquidCodec: Hyperliquid WebSocket market data (wss://api.hyperliquid.xyz/ws) —
// subscribe/unsubscribe/ping messages out; l2Book, trades and bbo frames in, decoded with
// simdjson on-demand straight into MarketEvents.
//
// Book integrity: every l2Book message is a full snapshot (no diffs, no sequence), so each one
// replaces the book: it is emitted as a snapshot run of BookChange events (reset ... last). A
// crossed or malformed snapshot marks the book needs_resync until the next good one.
// Liveness: the server closes a connection silent for 60 s from our side; the loop sends
// ping_message() (answered by {"channel":"pong"}) at least every 50 s.
// Symbols: the coin ("BTC", "@107", "PURR/USDC") is looked up in the InstrumentRegistry (venue
// hyperliquid, ws_symbol or venue_symbol); unknown coins are counted and ignored.
// Hot path: after warm-up decode() does not allocate. Threading: none; one owner thread.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/instrument.hpp"
#include "core/result.hpp"
#include "venues/codec_support/book_codec.hpp"
#include "venues/frame_kind.hpp"

namespace nzeza::venues::hyperliquid {

using codec::kFramePadding;

enum class Channel : std::uint8_t { l2_book, trades, bbo };
// The subscription type on the wire: "l2Book", "trades", "bbo".
[[nodiscard]] std::string_view to_string(Channel c) noexcept;

// Hyperliquid sends up to 20 levels a side.
inline constexpr codec::BookLimits kBookLimits{.venue = "hyperliquid",
                                               .min_depth = 20,
                                               .max_depth = 10'000,
                                               .default_depth = 100,
                                               .default_frame_bytes = 1u << 20};
using HyperliquidCodecConfig = codec::BookConfig<kBookLimits>;

// What decode() found (venues/frame_kind.hpp). Hyperliquid sends: market_data (l2Book / trades /
// bbo), pong ({"channel":"pong"}), subscribed ({"channel":"subscriptionResponse",...}, subscribe
// or unsubscribe ack), connected (the plain-text greeting "Websocket connection established."),
// venue_error ({"channel":"error","data":"..."}) and ignored (post responses, other channels).
using FrameKind = venues::FrameKind;

using DecodeResult = codec::FrameResult;

// raw_frames: l2Book frames read by the raw scanner.
struct HyperliquidCodecStats : codec::BookCodecCounters {
  std::uint64_t pongs = 0;
  std::uint64_t venue_errors = 0;
  std::uint64_t crossed_books = 0;
  std::uint64_t one_sided_bbo = 0;  // bbo with a null side: no quote emitted
};

struct HyperliquidCodecImpl;  // codec.cpp

// A malformed l2Book frame of a known coin marks that book needs_resync.
// subscribe_message / unsubscribe_message (BookCodec's):
// {"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}} — one coin per message
// (the venue's protocol). The instrument must be a Hyperliquid one of the registry.
class HyperliquidCodec
    : public codec::BookCodec<HyperliquidCodec, HyperliquidCodecImpl, HyperliquidCodecConfig,
                              HyperliquidCodecStats, DecodeResult, Channel> {
 public:
  // {"method":"ping"}
  [[nodiscard]] static std::string ping_message();

 private:
  friend BookCodec;
  using BookCodec::BookCodec;
};

}  // namespace nzeza::venues::hyperliquid

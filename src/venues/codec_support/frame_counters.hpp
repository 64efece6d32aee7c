#pragma once
// FrameCounters: the counters every venue WebSocket market-data codec keeps, whatever its venue;
// a codec's stats struct derives from it and adds its venue's own. Plain counters, read by the
// codec's owner thread (tests, benches and the feed protocols read them through stats()).

#include <cstdint>

namespace nzeza::venues::codec {

struct FrameCounters {
  std::uint64_t frames = 0;          // frames given to decode
  std::uint64_t events = 0;          // events handed to the sink
  std::uint64_t malformed = 0;       // refused: not the documented shape or invalid values
  std::uint64_t oversized = 0;       // refused unparsed: over the frame limit
  std::uint64_t unknown_symbol = 0;  // data for a symbol not in the registry (entries)
  std::uint64_t unknown_type = 0;    // well-formed, of a type or channel the codec does not use
};

// What the Binance and Coinbase codecs count besides: what they emitted, the subscription acks,
// and how many frames their raw fast path read.
struct QuoteBookCounters : FrameCounters {
  std::uint64_t quotes = 0;
  std::uint64_t trades = 0;
  std::uint64_t book_changes = 0;
  std::uint64_t acks = 0;
  std::uint64_t raw_frames = 0;  // frames read by the raw fast path (the rest: simdjson)
};

// What the book codecs (Kraken, Hyperliquid, dYdX) count besides: the books that lost their sync
// and how many frames their raw scanner read.
struct BookCodecCounters : FrameCounters {
  std::uint64_t resyncs = 0;     // books marked needs_resync (any reason)
  std::uint64_t raw_frames = 0;  // book frames read by the raw scanner (the rest: simdjson)
};

}  // namespace nzeza::venues::codec

#pragma once
// GenericCodec: the seed's own price format → MarketEvents.
//
//   {"symbol":"BTC-USD","price":45000.50,"ts":1730123456}
//
// - price is a JSON number (a string is accepted too) taken from its raw token text, so it is
//   exact (45000.50 is never 45000.4999...); it must be > 0.
// - ts is an integer time: seconds since the epoch, or milliseconds when it is > 10^12 (a
//   seconds value that large would be year 33658). It must be > 0 and, unless
//   max_clock_skew is 0, within max_clock_skew of the receive time (the seed's "timestamp within
//   5 s"); otherwise the message is refused with ErrorCode::stale_data.
// - The price becomes a Quote with bid == ask == price and zero sizes: a price point, which the
//   reference price accepts (it refuses bid > ask only).
// - {"type":"heartbeat",...} is a liveness message (FrameKind::heartbeat); any other object with
//   a "type" is counted as unknown and ignored (FrameKind::ignored).
// - A missing or bad field refuses the message with an Error naming the field and quoting the
//   frame (truncated); the next frame decodes normally. Unknown symbols are counted, ignored.
//
// The seed defined no subscription message; subscribe() builds nzeza's convention for this
// feed, {"action":"subscribe","symbols":[...]}, which the loopback simulator understands.
//
// Hot path: no allocation per frame after warm-up. One codec per connection, one thread.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "core/non_copyable.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "venues/codec_support/codec_support.hpp"
#include "venues/codec_support/frame_counters.hpp"
#include "venues/codec_support/json_text.hpp"
#include "venues/frame_kind.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::generic {

struct CodecConfig {
  std::size_t max_message_bytes = 64u * 1024;  // a price message is ~60 bytes
  Duration max_clock_skew = 5s;                // 0: no check
};

// market_data: a price (one Quote); heartbeat; ignored: another "type", or an unknown symbol
// (counted in stats).
using FrameKind = venues::FrameKind;

struct DecodeInfo {
  FrameKind kind = FrameKind::market_data;
  std::size_t events = 0;
  InstrumentId instrument;
};

struct CodecStats : codec::FrameCounters {
  std::uint64_t prices = 0;  // prices decoded: one Quote event each
  std::uint64_t heartbeats = 0;
  std::uint64_t skewed = 0;
};

class GenericCodec : NonCopyable {
 public:
  explicit GenericCodec(const InstrumentRegistry& registry, CodecConfig config = {});

  [[nodiscard]] static std::string subscribe(std::span<const std::string> symbols);
  [[nodiscard]] static std::string unsubscribe(std::span<const std::string> symbols);

  Result<DecodeInfo> decode(std::string_view frame, Timestamp receive_time, MarketEventSink& sink);

  [[nodiscard]] const CodecStats& stats() const noexcept { return stats_; }

 private:
  Error malformed(std::string_view what, std::string_view frame);
  const Instrument* find_symbol(std::string_view symbol);

  CodecConfig config_;
  json_text::FrameParser json_;  // the frame being decoded, padded
  codec::SymbolCache symbols_;   // wire symbol -> instrument
  CodecStats stats_;
};

}  // namespace nzeza::venues::generic

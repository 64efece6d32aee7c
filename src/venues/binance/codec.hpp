#pragma once
// BinanceCodec: Binance spot market-data WebSocket messages → MarketEvents, and the control
// messages a connection sends. No sockets: a connection loop feeds it frames and REST bodies.
//
// Streams (raw `/ws/<stream>` or combined `/stream?streams=` — the {"stream","data"} wrapper
// is unwrapped): <s>@bookTicker → Quote; <s>@trade and <s>@aggTrade → Trade (m == true: the
// buyer was the maker, so the seller was the taker → aggressor sell); <s>@depth[@100ms] diff
// depth → BookChange through DepthSync (U/u rule + REST snapshot: see depth_sync.hpp);
// <s>@depth<N> partial depth (combined streams only: its payload has no symbol) → a snapshot
// run of BookChange. `serverShutdown` → DecodeInfo::kind closing: the connection should
// reconnect now (planned); the 24 h cut is the connection's job. {"result":..,"id":N} →
// subscribed; {"error"|"code":..,"id":N} → an Error (rejected) with the venue's code and text.
//
// Validation: price > 0, size >= 0, bid < ask; a bad message is refused with an Error naming
// the message type, the field and an excerpt of the frame, counted, and nothing of it is
// emitted; the next frame decodes normally. Unknown types and symbols are counted and ignored.
// Frames above max_message_bytes are refused unparsed.
//
// Hot path: no heap allocation per frame after warm-up (first sight of a symbol, first diff of
// a book). Threading: one codec per connection, one thread. The registry must outlive it.

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "core/non_copyable.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "market/order_book.hpp"
#include "venues/binance/depth_sync.hpp"
#include "venues/codec_support/codec_support.hpp"
#include "venues/codec_support/frame_counters.hpp"
#include "venues/codec_support/json_text.hpp"
#include "venues/frame_kind.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::binance {

enum class StreamKind : std::uint8_t {
  book_ticker,      // <s>@bookTicker
  trade,            // <s>@trade
  agg_trade,        // <s>@aggTrade
  diff_depth,       // <s>@depth@100ms
  diff_depth_1s,    // <s>@depth
  partial_depth5,   // <s>@depth5@100ms
  partial_depth10,  // <s>@depth10@100ms
  partial_depth20   // <s>@depth20@100ms
};

// "btcusdt@bookTicker": the ws symbol is lower-cased.
[[nodiscard]] std::string stream_name(std::string_view symbol, StreamKind kind);

// REST path of the depth snapshot the diff-depth procedure needs:
// "/api/v3/depth?symbol=BTCUSDT&limit=1000" (symbol upper-cased; limit 1000 costs weight 50,
// 5000 costs 250).
[[nodiscard]] std::string depth_snapshot_path(std::string_view symbol, int limit = 1000);

struct CodecConfig {
  std::size_t max_message_bytes = 1u << 20;       // WS frames above are refused
  std::size_t max_snapshot_bytes = 16u << 20;     // REST depth bodies above are refused
  std::size_t max_levels_per_message = 2 * 5000;  // bids + asks of one message
  DepthSyncConfig depth{};
  // false: every frame takes the general (simdjson) path; tests compare the two paths.
  bool raw_fast_path = true;
};

// market_data: events emitted (or a diff buffered / a stale diff ignored); subscribed:
// {"result":null,"id":N}; closing: serverShutdown (a planned reconnect); ignored: an unknown type,
// or a known type for a symbol not in the registry (counted in stats).
using FrameKind = venues::FrameKind;

struct DecodeInfo {
  FrameKind kind = FrameKind::market_data;
  std::size_t events = 0;        // MarketEvents emitted for this frame
  std::int64_t request_id = 0;   // for a subscribed (or an ignored) response
  InstrumentId instrument;       // for market data
  bool snapshot_wanted = false;  // this frame started a book (re)sync: fetch a REST snapshot
};

struct ControlMessage {
  std::int64_t id = 0;
  std::string text;  // a text frame to send
};

struct CodecStats : codec::QuoteBookCounters {
  std::uint64_t subscription_errors = 0;
  std::uint64_t server_shutdowns = 0;
  std::uint64_t snapshots = 0;
  std::uint64_t snapshots_too_old = 0;
};

class BinanceCodec : NonCopyable {
 public:
  explicit BinanceCodec(const InstrumentRegistry& registry, CodecConfig config = {});

  // {"method":"SUBSCRIBE","params":[...],"id":N} with a fresh id (1, 2, ...). The caller paces
  // frames (5 messages/s per connection) and keeps at most 1024 streams per connection.
  [[nodiscard]] ControlMessage subscribe(std::span<const std::string> streams);
  [[nodiscard]] ControlMessage unsubscribe(std::span<const std::string> streams);

  // Decodes one text frame. The frame is copied into the codec's padded buffer (simdjson needs
  // 64 bytes of padding), so any string_view will do.
  Result<DecodeInfo> decode(std::string_view frame, Timestamp receive_time, MarketEventSink& sink);

  // Applies a REST GET /api/v3/depth body for `instrument` (the diff stream must be running:
  // its buffer is replayed). kind market_data with events > 0 when applied; an Error with
  // ErrorCode::stale_data when the snapshot is older than the buffer (fetch it again).
  Result<DecodeInfo> apply_depth_snapshot(InstrumentId instrument, std::string_view body,
                                          Timestamp receive_time, MarketEventSink& sink);

  // Whether `instrument`'s diff-depth book awaits a snapshot (false for an untracked book).
  [[nodiscard]] bool wants_snapshot(InstrumentId instrument) const;
  // The diff-depth book of an instrument, nullptr before its first depthUpdate.
  [[nodiscard]] const DepthSync* depth(InstrumentId instrument) const;
  [[nodiscard]] const CodecStats& stats() const noexcept { return stats_; }

 private:
  // The general path (simdjson on-demand) of decode(), on the opened frame.
  Result<DecodeInfo> decode_general(simdjson::ondemand::object& object, std::string_view frame,
                                    Timestamp receive_time, MarketEventSink& sink);
  Result<DecodeInfo> decode_object(simdjson::ondemand::object object, std::string_view stream,
                                   std::string_view frame, Timestamp receive_time,
                                   MarketEventSink& sink);
  Result<DecodeInfo> decode_book_ticker(simdjson::ondemand::object object, std::string_view frame,
                                        Timestamp receive_time, MarketEventSink& sink);
  Result<DecodeInfo> decode_trade(simdjson::ondemand::object object, bool aggregate,
                                  std::string_view frame, Timestamp receive_time,
                                  MarketEventSink& sink);
  Result<DecodeInfo> decode_depth_update(simdjson::ondemand::object object, std::string_view frame,
                                         Timestamp receive_time, MarketEventSink& sink);
  Result<DecodeInfo> decode_partial_depth(simdjson::ondemand::object object,
                                          std::string_view stream, std::string_view frame,
                                          Timestamp receive_time, MarketEventSink& sink);
  Result<DecodeInfo> decode_response(simdjson::ondemand::object object, std::string_view frame);
  // The fast path: a bookTicker or depthUpdate frame (bare, or in a combined stream) written as
  // Binance writes it, read from `padded` in one pass without simdjson. False, with nothing
  // done, for any other frame or form: decode() then takes the general path.
  bool decode_raw(std::string_view padded, Timestamp receive_time, MarketEventSink& sink,
                  DecodeInfo& info);
  // What both paths do with a read and checked quote / depthUpdate.
  DecodeInfo emit_quote(const Instrument& instrument, const Quote& quote, Timestamp receive_time,
                        MarketEventSink& sink);
  DecodeInfo apply_diff(const Instrument& instrument, DepthSync& depth, DepthDiff& diff,
                        Timestamp receive_time, MarketEventSink& sink);
  // Parses [[p,q],...] into scratch_ with `side`; false + what on a bad level.
  bool parse_levels(simdjson::ondemand::value levels, Side side, const char*& what);
  // The levels of members `bids` and `asks` into scratch_ (cleared first): empty, else what was
  // wrong ("field 'bids' missing", a bad level).
  std::string read_sides(simdjson::ondemand::object& object, const char* bids, const char* asks);
  // A {"lastUpdateId":N,"bids":[...],"asks":[...]} book (partial depth, REST snapshot): its id,
  // its levels in scratch_; empty, else what was wrong.
  std::string read_depth_book(simdjson::ondemand::object& object, std::uint64_t& last_update_id);
  DepthSync& depth_for(const Instrument& instrument);
  Error malformed(std::string_view type, std::string_view what, std::string_view frame);
  ControlMessage control(std::string_view method, std::span<const std::string> streams);

  const InstrumentRegistry* registry_;
  CodecConfig config_;
  codec::SymbolCache symbols_;       // wire symbol -> instrument
  json_text::FrameParser json_;      // the frame being decoded, padded
  std::vector<DepthLevel> scratch_;  // levels of the message being decoded, reserved
  std::unordered_map<std::uint32_t, std::unique_ptr<DepthSync>> books_;
  std::int64_t next_id_ = 1;
  CodecStats stats_;
};

}  // namespace nzeza::venues::binance

#pragma once
// CoinbaseCodec: Coinbase Advanced Trade market-data WebSocket messages → MarketEvents, and the
// subscribe/unsubscribe messages. No sockets: a connection loop feeds it frames.
//
// Envelope: {"channel":..,"client_id":"","timestamp":RFC3339,"sequence_num":N,"events":[...]}.
// Channels: `ticker` / `ticker_batch` → Quote (best_bid/best_ask and their quantities);
// `market_trades` → Trade (side = the taker side [U: as nautilus_trader and ccxt read it];
// the subscribe-time "snapshot" of recent trades is counted and skipped unless
// emit_trade_snapshots); `l2_data` (channel level2) snapshot/update → BookChange through one
// OrderBook per product (new_quantity is the absolute size, "0" deletes); `heartbeats` →
// FrameKind::heartbeat (liveness; a jump in heartbeat_counter is counted); `subscriptions` →
// subscribed; {"type":"error","message":..} → Error rejected with the venue text.
//
// Gap rule: sequence_num counts every message of the connection. The first message sets it;
// then each must be the previous + 1. A lower or equal number (a duplicate) is dropped and
// counted; a higher one is a gap: every book of the connection is marked needs_resync (a
// VenueStatus{resyncing} per book), DecodeInfo::resubscribe_needed is set — Coinbase sends a
// level2 snapshot only on subscribe, so the connection resubscribes (or reconnects) — and
// updates are dropped until each product's new snapshot. The message that revealed the gap is
// decoded normally. on_connected() forgets the counter after a reconnect.
//
// Validation: price > 0, size >= 0, bid < ask, trade size > 0; a bad message is refused with an
// Error (what, where, excerpt) and nothing of it is emitted; an l2_data message refused for a
// known product costs that book a resync. Unknown channels and products are counted, ignored.
// venue_time: the trade's `time` for trades, the envelope `timestamp` otherwise.
//
// Hot path: no heap allocation per frame after warm-up. One codec per connection, one thread.

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
#include "venues/codec_support/codec_support.hpp"
#include "venues/codec_support/frame_counters.hpp"
#include "venues/codec_support/json_text.hpp"
#include "venues/frame_kind.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::codec::raw {
struct Cursor;
}  // namespace nzeza::venues::codec::raw

namespace nzeza::venues::coinbase {

struct CodecConfig {
  std::size_t max_message_bytes = 8u << 20;  // level2 snapshots of busy products are large
  std::size_t max_levels_per_message = 100'000;
  std::size_t book_max_depth = market::OrderBook::kDefaultMaxDepth;
  bool emit_trade_snapshots = false;
  // false: every frame takes the general (simdjson) path; tests compare the two paths.
  bool raw_fast_path = true;
};

// market_data; heartbeat; subscribed: a `subscriptions` message; ignored: a duplicate
// (sequence_num not above the last one: dropped) or an unknown channel (counted in stats).
using FrameKind = venues::FrameKind;

struct DecodeInfo {
  FrameKind kind = FrameKind::market_data;
  std::size_t events = 0;
  std::uint64_t sequence = 0;
  bool resubscribe_needed = false;  // a sequence gap: resubscribe level2 to get snapshots
};

// unknown_type: frames of a channel this codec does not use.
struct CodecStats : codec::QuoteBookCounters {
  std::uint64_t trade_snapshots_skipped = 0;
  std::uint64_t book_snapshots = 0;
  std::uint64_t updates_dropped_unsynced = 0;  // level2 updates for a book awaiting a snapshot
  std::uint64_t heartbeats = 0;
  std::uint64_t heartbeat_gaps = 0;
  std::uint64_t venue_errors = 0;
  std::uint64_t sequence_gaps = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t crossed = 0;
};

enum class Channel : std::uint8_t { ticker, ticker_batch, market_trades, level2, heartbeats };
[[nodiscard]] std::string_view to_string(Channel channel) noexcept;

class CoinbaseCodec : NonCopyable {
 public:
  explicit CoinbaseCodec(const InstrumentRegistry& registry, CodecConfig config = {});

  // {"type":"subscribe","product_ids":[...],"channel":"level2"}: one channel per message; the
  // heartbeats channel takes no products. Public channels need no JWT. Send within 5 s of
  // connecting (else Coinbase closes the connection).
  [[nodiscard]] static std::string subscribe(Channel channel,
                                             std::span<const std::string> product_ids);
  [[nodiscard]] static std::string unsubscribe(Channel channel,
                                               std::span<const std::string> product_ids);

  // A new connection: the sequence restarts and every book awaits its subscribe snapshot.
  void on_connected() noexcept;

  Result<DecodeInfo> decode(std::string_view frame, Timestamp receive_time, MarketEventSink& sink);

  // The book of a product (nullptr before its first level2 message).
  [[nodiscard]] const market::OrderBook* book(InstrumentId instrument) const;
  [[nodiscard]] const CodecStats& stats() const noexcept { return stats_; }

 private:
  // The general path (simdjson on-demand) of decode(), on the opened frame.
  Result<DecodeInfo> decode_general(simdjson::ondemand::object& object, std::string_view frame,
                                    Timestamp receive_time, MarketEventSink& sink);
  Result<DecodeInfo> decode_ticker(simdjson::ondemand::array events, Timestamp venue_time,
                                   std::string_view frame, Timestamp receive_time,
                                   MarketEventSink& sink, DecodeInfo info);
  Result<DecodeInfo> decode_trades(simdjson::ondemand::array events, std::string_view frame,
                                   Timestamp receive_time, MarketEventSink& sink, DecodeInfo info);
  Result<DecodeInfo> decode_level2(simdjson::ondemand::array events, Timestamp venue_time,
                                   std::string_view frame, Timestamp receive_time,
                                   MarketEventSink& sink, DecodeInfo info);
  Result<DecodeInfo> decode_heartbeats(simdjson::ondemand::array events, std::string_view frame,
                                       DecodeInfo info);
  // The fast path: an l2_data, ticker or ticker_batch frame written as Coinbase writes it,
  // read from `padded` in one pass without simdjson. False, with nothing done, for any other
  // frame or form: decode() then takes the general path.
  bool decode_raw(std::string_view padded, Timestamp receive_time, MarketEventSink& sink,
                  DecodeInfo& info);
  // One event of each channel, at the cursor: its levels into levels_ + l2_events_, its quotes
  // into quotes_, events of unknown products counted in `unknown_symbols`. False: give up.
  bool raw_level2_event(codec::raw::Cursor& c, std::uint64_t& unknown_symbols);
  bool raw_ticker_event(codec::raw::Cursor& c, std::uint64_t& unknown_symbols);
  bool raw_ticker(codec::raw::Cursor& c, std::uint64_t& unknown_symbols);  // one of tickers[]
  // What both paths do: the sequence rule (false for a duplicate, info says so), and the
  // apply / emit of what a frame's events held (levels_ + l2_events_, quotes_).
  bool accept_sequence(std::uint64_t sequence, Timestamp receive_time, MarketEventSink& sink,
                       DecodeInfo& info);
  DecodeInfo apply_level2(Timestamp venue_time, Timestamp receive_time, MarketEventSink& sink,
                          DecodeInfo info);
  // One ticker / trade of a frame, checked and queued in quotes_ / trades_ (an unknown product:
  // counted, skipped). Empty, else what was wrong.
  std::string read_ticker(simdjson::ondemand::object& ticker);
  std::string read_trade(simdjson::ondemand::object& trade);
  // One update of a level2 event, checked and queued in levels_.
  std::string read_level2_update(simdjson::ondemand::object& update, bool snapshot,
                                 std::uint64_t sequence);
  DecodeInfo emit_quotes(Timestamp venue_time, Timestamp receive_time, MarketEventSink& sink,
                         DecodeInfo info);
  market::OrderBook& book_for(const Instrument& instrument);
  void resync_all(Timestamp receive_time, MarketEventSink& sink);
  void emit_status(const Instrument& instrument, FeedState state, Timestamp receive_time,
                   MarketEventSink& sink);
  Error malformed(std::string_view type, std::string_view what, std::string_view frame);

  CodecConfig config_;
  codec::SymbolCache symbols_;   // wire symbol -> instrument
  json_text::FrameParser json_;  // the frame being decoded, padded
  struct L2Event {
    const Instrument* instrument;
    bool snapshot;
    std::size_t begin;  // into levels_
    std::size_t end;
  };
  struct PendingQuote {
    const Instrument* instrument;
    Quote quote;
  };
  struct PendingTrade {
    const Instrument* instrument;
    Trade trade;
    Timestamp time;
  };
  std::vector<BookChange> levels_;  // scratch, reserved
  std::vector<L2Event> l2_events_;
  std::vector<PendingQuote> quotes_;
  std::vector<PendingTrade> trades_;
  struct BookSlot {
    const Instrument* instrument;
    std::unique_ptr<market::OrderBook> book;
  };
  std::unordered_map<std::uint32_t, BookSlot> books_;
  bool have_sequence_ = false;
  std::uint64_t last_sequence_ = 0;
  bool have_heartbeat_ = false;
  std::uint64_t last_heartbeat_ = 0;
  CodecStats stats_;
};

}  // namespace nzeza::venues::coinbase

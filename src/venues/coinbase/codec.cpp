#include "venues/coinbase/codec.hpp"

#include <cstring>
#include <iterator>
#include <string>
#include <type_traits>
#include <utility>

#include "core/enum_names.hpp"
#include "venues/codec_support/json_text.hpp"
#include "venues/codec_support/json_writer.hpp"
#include "venues/codec_support/raw_levels.hpp"
#include "venues/codec_support/raw_member.hpp"

namespace nzeza::venues::coinbase {
using namespace nzeza::venues::json_text;  // NOLINT: shared codec helpers
namespace {

namespace od = simdjson::ondemand;

constexpr json_text::FrameNames kFrameNames{"coinbase", "frame"};

constexpr std::size_t kPendingReserve = 256;

using codec::recoverable;

std::string control(std::string_view type, Channel channel,
                    std::span<const std::string> product_ids) {
  std::string text = R"({"type":")";
  text += type;
  text += '"';
  if (channel != Channel::heartbeats) {
    text += R"(,"product_ids":[)";
    codec::append_json_strings(text, product_ids);
    text += ']';
  }
  text += R"(,"channel":")";
  text += to_string(channel);
  text += R"("})";
  return text;
}

MarketEvent make_event(const Instrument& instrument, Timestamp venue_time,
                       Timestamp receive_time) noexcept {
  return codec::market_event(Venue::coinbase, instrument, venue_time, receive_time);
}

}  // namespace

// A value outside the enum prints as the last channel, as the switch it replaces did.
constexpr EnumNames kChannelNames{
    Channel::heartbeats,
    {"ticker", "ticker_batch", "market_trades", "level2", "heartbeats"},
    "heartbeats"};

std::string_view to_string(Channel channel) noexcept {
  return kChannelNames.name(channel);
}

CoinbaseCodec::CoinbaseCodec(const InstrumentRegistry& registry, CodecConfig config)
    : config_(config),
      symbols_(registry, Venue::coinbase, codec::kManySymbols, 64),
      json_(config.max_message_bytes) {
  levels_.reserve(config_.max_levels_per_message);
  l2_events_.reserve(kPendingReserve);
  quotes_.reserve(kPendingReserve);
  trades_.reserve(kPendingReserve);
}

std::string CoinbaseCodec::subscribe(Channel channel, std::span<const std::string> product_ids) {
  return control("subscribe", channel, product_ids);
}

std::string CoinbaseCodec::unsubscribe(Channel channel, std::span<const std::string> product_ids) {
  return control("unsubscribe", channel, product_ids);
}

void CoinbaseCodec::on_connected() noexcept {
  have_sequence_ = false;
  have_heartbeat_ = false;
  for (auto& [id, slot] : books_) slot.book->clear();
}

Error CoinbaseCodec::malformed(std::string_view type, std::string_view what,
                               std::string_view frame) {
  ++stats_.malformed;
  return malformed_error("coinbase", type, what, frame);
}

market::OrderBook& CoinbaseCodec::book_for(const Instrument& instrument) {
  auto it = books_.find(instrument.id.value);
  if (it == books_.end()) {
    it = books_
             .emplace(
                 instrument.id.value,
                 BookSlot{&instrument, std::make_unique<market::OrderBook>(config_.book_max_depth)})
             .first;
  }
  return *it->second.book;
}

const market::OrderBook* CoinbaseCodec::book(InstrumentId instrument) const {
  const auto it = books_.find(instrument.value);
  return it == books_.end() ? nullptr : it->second.book.get();
}

void CoinbaseCodec::emit_status(const Instrument& instrument, FeedState state,
                                Timestamp receive_time, MarketEventSink& sink) {
  MarketEvent event = make_event(instrument, Timestamp{}, receive_time);
  event.body = VenueStatus{state, TradingStatus::trading};
  sink.on_event(event);
  ++stats_.events;
}

void CoinbaseCodec::resync_all(Timestamp receive_time, MarketEventSink& sink) {
  for (auto& [id, slot] : books_) {
    if (slot.book->state() == market::BookSyncState::needs_resync) continue;
    slot.book->mark_needs_resync();
    emit_status(*slot.instrument, FeedState::resyncing, receive_time, sink);
  }
}

Result<DecodeInfo> CoinbaseCodec::decode(std::string_view frame, Timestamp receive_time,
                                         MarketEventSink& sink) {
  return codec::decode_frame(*this, &CoinbaseCodec::decode_raw, &CoinbaseCodec::decode_general,
                             config_, json_, kFrameNames, stats_, frame, receive_time, sink);
}

Result<DecodeInfo> CoinbaseCodec::decode_general(od::object& object, std::string_view frame,
                                                 Timestamp receive_time, MarketEventSink& sink) {
  std::string_view channel;
  simdjson::error_code error = json_text::field(object, "channel").get_string().get(channel);
  if (error == simdjson::NO_SUCH_FIELD) {
    std::string_view type;
    error = json_text::field(object, "type").get_string().get(type);
    if (error == simdjson::SUCCESS && type == "error") {
      std::string_view text;
      error = json_text::field(object, "message").get_string().get(text);
      if (!recoverable(error)) return malformed("error message", "bad JSON", frame);
      ++stats_.venue_errors;
      return Error{ErrorCode::rejected, "coinbase error message: " + excerpt(frame), "",
                   std::string(text)};
    }
    if (!recoverable(error)) return malformed("frame", "bad JSON", frame);
    ++stats_.unknown_type;
    return DecodeInfo{FrameKind::ignored, 0, 0, false};
  }
  if (error != simdjson::SUCCESS)
    return malformed("envelope", "field 'channel' is not a string", frame);

  std::string_view timestamp_text;
  if (std::string what = required(object, "timestamp", timestamp_text); !what.empty())
    return malformed("envelope", what, frame);
  auto timestamp = Timestamp::parse_iso8601(timestamp_text);
  if (!timestamp.ok()) return malformed("envelope", "field 'timestamp' is not RFC 3339", frame);
  const Timestamp venue_time = *timestamp;

  std::uint64_t sequence = 0;
  if (std::string what = required(object, "sequence_num", sequence); !what.empty())
    return malformed("envelope", what, frame);
  DecodeInfo info;
  if (!accept_sequence(sequence, receive_time, sink, info)) return info;

  od::array events;
  if (std::string what = required(object, "events", events); !what.empty())
    return malformed(channel, what, frame);
  if (channel == "l2_data") {
    return decode_level2(events, venue_time, frame, receive_time, sink, info);
  }
  if (channel == "ticker" || channel == "ticker_batch") {
    return decode_ticker(events, venue_time, frame, receive_time, sink, info);
  }
  if (channel == "market_trades") return decode_trades(events, frame, receive_time, sink, info);
  if (channel == "heartbeats") return decode_heartbeats(events, frame, info);
  if (channel == "subscriptions") {
    ++stats_.acks;
    info.kind = FrameKind::subscribed;
    return info;
  }
  ++stats_.unknown_type;
  info.kind = FrameKind::ignored;
  return info;
}

Result<DecodeInfo> CoinbaseCodec::decode_ticker(od::array events, Timestamp venue_time,
                                                std::string_view frame, Timestamp receive_time,
                                                MarketEventSink& sink, DecodeInfo info) {
  quotes_.clear();
  const std::string what =
      for_each_object(events, "an event is not an object", [&](od::object& event) {
        od::array tickers;
        if (std::string what = required(event, "tickers", tickers); !what.empty()) return what;
        return for_each_object(tickers, "a ticker is not an object",
                               [&](od::object& ticker) { return read_ticker(ticker); });
      });
  if (!what.empty()) return malformed("ticker", what, frame);
  return emit_quotes(venue_time, receive_time, sink, info);
}

std::string CoinbaseCodec::read_ticker(od::object& ticker) {
  std::string_view product;
  if (std::string what = required(ticker, "product_id", product); !what.empty()) return what;
  const Instrument* instrument = symbols_.find(product, stats_.unknown_symbol);
  if (instrument == nullptr) return {};
  static constexpr QuoteKeys kKeys{"best_bid",
                                   "best_bid_quantity",
                                   "best_ask",
                                   "best_ask_quantity",
                                   "best_bid and best_ask must be > 0",
                                   "quantities must be >= 0",
                                   "best_bid must be < best_ask"};
  Quote quote;
  if (std::string what = read_quote(ticker, kKeys, quote); !what.empty()) return what;
  if (quotes_.size() >= kPendingReserve) return "too many tickers";
  quotes_.push_back(PendingQuote{instrument, quote});
  return {};
}

DecodeInfo CoinbaseCodec::emit_quotes(Timestamp venue_time, Timestamp receive_time,
                                      MarketEventSink& sink, DecodeInfo info) {
  for (const PendingQuote& pending : quotes_) {
    MarketEvent event = make_event(*pending.instrument, venue_time, receive_time);
    event.body = pending.quote;
    sink.on_event(event);
  }
  stats_.quotes += quotes_.size();
  stats_.events += quotes_.size();
  info.events += quotes_.size();
  return info;
}

Result<DecodeInfo> CoinbaseCodec::decode_trades(od::array events, std::string_view frame,
                                                Timestamp receive_time, MarketEventSink& sink,
                                                DecodeInfo info) {
  trades_.clear();
  const std::string what =
      for_each_object(events, "an event is not an object", [&](od::object& event) -> std::string {
        std::string_view type;
        simdjson::error_code error = json_text::field(event, "type").get_string().get(type);
        if (!recoverable(error)) return "bad JSON";
        if (error == simdjson::SUCCESS && type == "snapshot" && !config_.emit_trade_snapshots) {
          ++stats_.trade_snapshots_skipped;
          return {};
        }
        od::array trades;
        if (std::string what = required(event, "trades", trades); !what.empty()) return what;
        return for_each_object(trades, "a trade is not an object",
                               [&](od::object& trade) { return read_trade(trade); });
      });
  if (!what.empty()) return malformed("market_trades", what, frame);
  for (const PendingTrade& pending : trades_) {
    MarketEvent event = make_event(*pending.instrument, pending.time, receive_time);
    event.body = pending.trade;
    sink.on_event(event);
  }
  stats_.trades += trades_.size();
  stats_.events += trades_.size();
  info.events += trades_.size();
  return info;
}

std::string CoinbaseCodec::read_trade(od::object& object) {
  Trade trade;
  if (std::string what = required_trade_id(object, "trade_id", trade.trade_id); !what.empty())
    return what;
  std::string_view product;
  if (std::string what = required(object, "product_id", product); !what.empty()) return what;
  const Instrument* instrument = symbols_.find(product, stats_.unknown_symbol);
  if (instrument == nullptr) return {};
  std::string_view side;
  if (std::string what = required(object, "price", trade.price, "size", trade.size, "side", side);
      !what.empty())
    return what;
  if (side == "BUY") {
    trade.aggressor = Side::buy;
  } else if (side == "SELL") {
    trade.aggressor = Side::sell;
  } else {
    return "field 'side' is neither BUY nor SELL";
  }
  std::string_view time_text;
  if (std::string what = required(object, "time", time_text); !what.empty()) return what;
  auto time = Timestamp::parse_iso8601(time_text);
  if (!time.ok()) return "field 'time' is not RFC 3339";
  if (!trade.price.is_positive()) return "price must be > 0";
  if (!trade.size.is_positive()) return "size must be > 0";
  if (trades_.size() >= kPendingReserve) return "too many trades";
  trades_.push_back(PendingTrade{instrument, trade, *time});
  return {};
}

Result<DecodeInfo> CoinbaseCodec::decode_level2(od::array events, Timestamp venue_time,
                                                std::string_view frame, Timestamp receive_time,
                                                MarketEventSink& sink, DecodeInfo info) {
  levels_.clear();
  l2_events_.clear();
  const Instrument* current = nullptr;  // the product of the event being parsed
  auto refuse = [&](std::string_view what) -> Result<DecodeInfo> {
    // Lost updates: the books this message touched cannot be trusted until their next
    // snapshot.
    auto lose = [&](const Instrument& instrument) {
      market::OrderBook& book = book_for(instrument);
      if (book.synced()) {
        book.mark_needs_resync();
        emit_status(instrument, FeedState::resyncing, receive_time, sink);
      }
    };
    for (const L2Event& parsed : l2_events_) lose(*parsed.instrument);
    if (current != nullptr) lose(*current);
    return malformed("l2_data", what, frame);
  };
  const std::string what =
      for_each_object(events, "an event is not an object", [&](od::object& event) -> std::string {
        std::string_view type;
        if (std::string what = required(event, "type", type); !what.empty()) return what;
        const bool snapshot = type == "snapshot";
        if (!snapshot && type != "update") return "field 'type' is neither snapshot nor update";
        std::string_view product;
        if (std::string what = required(event, "product_id", product); !what.empty()) return what;
        current = symbols_.find(product, stats_.unknown_symbol);
        if (current == nullptr) return {};
        od::array updates;
        if (std::string what = required(event, "updates", updates); !what.empty()) return what;
        const std::size_t begin = levels_.size();
        if (std::string what = for_each_object(updates, "an update is not an object",
                                               [&](od::object& update) {
                                                 return read_level2_update(update, snapshot,
                                                                           info.sequence);
                                               });
            !what.empty())
          return what;
        if (l2_events_.size() >= kPendingReserve) return "too many events";
        l2_events_.push_back(L2Event{current, snapshot, begin, levels_.size()});
        current = nullptr;
        return {};
      });
  if (!what.empty()) return refuse(what);
  return apply_level2(venue_time, receive_time, sink, info);
}

std::string CoinbaseCodec::read_level2_update(od::object& update, bool snapshot,
                                              std::uint64_t sequence) {
  std::string_view side;
  if (std::string what = required(update, "side", side); !what.empty()) return what;
  BookChange change;
  if (side == "bid") {
    change.side = Side::buy;
  } else if (side == "offer" || side == "ask") {
    change.side = Side::sell;
  } else {
    return "field 'side' is neither bid nor offer";
  }
  if (std::string what = required(update, "price_level", change.price, "new_quantity", change.size);
      !what.empty())
    return what;
  if (!change.price.is_positive()) return "price_level must be > 0";
  if (change.size.is_negative()) return "new_quantity must be >= 0";
  if (levels_.size() >= config_.max_levels_per_message) return "too many levels";
  change.sequence = sequence;
  change.snapshot = snapshot;
  levels_.push_back(change);
  return {};
}

DecodeInfo CoinbaseCodec::apply_level2(Timestamp venue_time, Timestamp receive_time,
                                       MarketEventSink& sink, DecodeInfo info) {
  // Everything parsed and valid: apply and emit.
  std::size_t emitted = 0;
  for (const L2Event& l2 : l2_events_) {
    market::OrderBook& book = book_for(*l2.instrument);
    if (!l2.snapshot && !book.synced()) {
      stats_.updates_dropped_unsynced += l2.end - l2.begin;
      continue;
    }
    MarketEvent event = make_event(*l2.instrument, venue_time, receive_time);
    if (l2.snapshot) {
      book.clear();
      ++stats_.book_snapshots;
    }
    for (std::size_t i = l2.begin; i < l2.end; ++i) {
      BookChange& change = levels_[i];
      if (l2.snapshot) {  // the sorted bulk load (validated above)
        change.reset = i == l2.begin;
        change.last = i + 1 == l2.end;
        (void)book.load_level(change.side, change.price, change.size);
        if (change.last) book.end_snapshot(change.sequence);
      } else {
        (void)book.apply(change);  // validated above; the book is synced
      }
      event.body = change;
      sink.on_event(event);
      ++emitted;
    }
    if (l2.snapshot && l2.begin == l2.end) book.mark_synced(info.sequence);
    if (book.synced() && book.crossed()) {
      ++stats_.crossed;
      book.mark_needs_resync();
      emit_status(*l2.instrument, FeedState::resyncing, receive_time, sink);
      info.resubscribe_needed = true;
    }
  }
  stats_.book_changes += emitted;
  stats_.events += emitted;
  info.events += emitted;
  return info;
}

bool CoinbaseCodec::accept_sequence(std::uint64_t sequence, Timestamp receive_time,
                                    MarketEventSink& sink, DecodeInfo& info) {
  info = DecodeInfo{FrameKind::market_data, 0, sequence, false};
  if (have_sequence_ && sequence <= last_sequence_) {
    ++stats_.duplicates;
    info.kind = FrameKind::ignored;
    return false;
  }
  const std::uint64_t events_before = stats_.events;
  if (have_sequence_ && sequence != last_sequence_ + 1) {
    ++stats_.sequence_gaps;
    resync_all(receive_time, sink);
    info.resubscribe_needed = true;
  }
  have_sequence_ = true;
  last_sequence_ = sequence;
  info.events = stats_.events - events_before;
  return true;
}

namespace {

namespace raw = codec::raw;

// A member key of a frame matched against a name known at compile time: the size first, then
// the bytes (an inline compare of a constant length, no memcmp call).
template <std::size_t N>
[[nodiscard]] bool key_eq(std::string_view key, const char (&name)[N]) noexcept {
  return key == std::string_view(name, N - 1);
}

// A member as Coinbase writes it (`,"best_bid_quantity":`, up to 32 bytes), matched at the
// cursor with up to four masked 8-byte loads, and what the reader does with its value (`slot`:
// 0 skips it, else the caller's meaning).
struct WireMember {
  raw::Literal head;
  raw::Literal tail;
  std::size_t size = 0;
  unsigned slot = 0;
};

consteval WireMember wire_member(std::string_view text, unsigned slot) {
  WireMember m;
  m.size = text.size();
  m.slot = slot;
  const std::size_t head = text.size() < 16 ? text.size() : 16;
  m.head.append(text.data(), head);
  m.tail.append(text.data() + head, text.size() - head);
  return m;
}

// raw::Literal::at, inlined at every member (the literal's words and masks are then immediates
// of a compile-time member, not loads from a table behind a call).
[[nodiscard, gnu::always_inline]] inline bool literal_at(const raw::Literal& l, const char* p,
                                                         const char* end) noexcept {
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  return l.size <= 16 && static_cast<std::size_t>(end - p) >= l.size &&
         ((a & l.mask[0]) == l.word[0]) & ((b & l.mask[1]) == l.word[1]);
}

// The member's text at the cursor, with no whitespace before it: consumed, true.
[[nodiscard, gnu::always_inline]] inline bool eat_member(raw::Cursor& c,
                                                         const WireMember& m) noexcept {
  if (!literal_at(m.head, c.p, c.end) || (m.tail.size != 0 && !literal_at(m.tail, c.p + 16, c.end)))
    return false;
  c.p += m.size;
  return true;
}

// Reads an object whose members Coinbase writes in the order of `wire`: as long as the text
// follows that order with no whitespace, each member is matched as one literal; from the first
// difference on (another order, whitespace, a member more or less), each member's key is read
// and `slot_of(key)` says what it is. `on_value(slot)` reads the value at the cursor (slot 0:
// skip a scalar). False: give up.
//
// The wire-order members are unrolled at compile time: each literal's words are immediates and
// `on_value` gets the slot as a std::integral_constant, so it is specialised per member (its
// branches on the slot folded away); the key-read members give it an unsigned.
template <const auto& Wire, class OnValue, std::size_t... I>
[[nodiscard, gnu::always_inline]] inline std::size_t read_wire_order(raw::Cursor& c,
                                                                     OnValue& on_value,
                                                                     bool& failed,
                                                                     std::index_sequence<I...>) {
  std::size_t matched = 0;
  (void)((eat_member(c, Wire[I]) &&
          (++matched,
           on_value(std::integral_constant<unsigned, Wire[I].slot>{}) || (failed = true, false))) &&
         ...);
  return matched;
}

template <const auto& Wire, class SlotOf, class OnValue>
[[nodiscard]] bool read_members(raw::Cursor& c, SlotOf&& slot_of, OnValue&& on_value) {
  constexpr std::size_t N = std::size(Wire);
  bool failed = false;
  const std::size_t matched =
      read_wire_order<Wire>(c, on_value, failed, std::make_index_sequence<N>{});
  if (failed) return false;
  const auto member = [&] {
    std::string_view key;
    return raw::read_key(c, key) && on_value(slot_of(key));
  };
  if (matched == 0 && (!c.eat('{') || !member())) return false;
  while (c.eat(',')) {
    if (!member()) return false;
  }
  return c.eat('}');
}

}  // namespace

[[gnu::flatten]] bool CoinbaseCodec::raw_level2_event(raw::Cursor& c,
                                                      std::uint64_t& unknown_symbols) {
  // The members, tried in their compact form (`,"price_level":`) before the spaced one.
  static constexpr raw::Member kType{"type"};
  static constexpr raw::Member kProductId{"product_id"};
  static constexpr raw::Member kUpdates{"updates"};
  static constexpr raw::Member kSide{"side"};
  static constexpr raw::Member kEventTime{"event_time"};
  static constexpr raw::Member kPriceLevel{"price_level"};
  static constexpr raw::Member kNewQuantity{"new_quantity"};
  static constexpr codec::RawKey kSnapshot{"snapshot"};
  static constexpr codec::RawKey kUpdate{"update"};
  static constexpr codec::RawKey kBid{"bid"};
  static constexpr codec::RawKey kOffer{"offer"};
  static constexpr codec::RawKey kAsk{"ask"};
  // {"type":..,"product_id":..,"updates":[{"side","event_time","price_level","new_quantity"},..]}
  std::string_view type;
  std::string_view product;
  if (!raw::first_member(c, kType) || !raw::read_string(c, type) ||
      !raw::next_member(c, kProductId) || !raw::read_string(c, product) ||
      !raw::next_member(c, kUpdates) || !c.eat('['))
    return false;
  const bool snapshot = raw::key_is(type, kSnapshot);
  if (!snapshot && !raw::key_is(type, kUpdate)) return false;
  const Instrument* instrument = symbols_.find(product);
  const std::size_t begin = levels_.size();
  if (!c.eat(']')) {
    do {
      std::string_view side;
      raw::RawDecimal price;
      raw::RawDecimal size;
      if (!raw::first_member(c, kSide) || !raw::read_string(c, side) ||
          !raw::next_member(c, kEventTime) || !raw::skip_scalar(c) ||
          !raw::next_member(c, kPriceLevel) || !raw::read_decimal(c, price) ||
          !raw::next_member(c, kNewQuantity) || !raw::read_decimal(c, size) || !c.eat('}'))
        return false;
      if (instrument == nullptr) continue;  // the general path does not read them either
      BookChange change;
      if (raw::key_is(side, kBid)) {
        change.side = Side::buy;
      } else if (raw::key_is(side, kOffer) || raw::key_is(side, kAsk)) {
        change.side = Side::sell;
      } else {
        return false;
      }
      change.price = price.value;
      change.size = size.value;
      if (!change.price.is_positive() || change.size.is_negative() ||
          levels_.size() >= config_.max_levels_per_message)
        return false;
      change.snapshot = snapshot;
      levels_.push_back(change);
    } while (c.eat(','));
    if (!c.eat(']')) return false;
  }
  if (!c.eat('}')) return false;
  if (instrument == nullptr) {
    ++unknown_symbols;
    return true;
  }
  if (l2_events_.size() >= kPendingReserve) return false;
  l2_events_.push_back(L2Event{instrument, snapshot, begin, levels_.size()});
  return true;
}

bool CoinbaseCodec::raw_ticker_event(raw::Cursor& c, std::uint64_t& unknown_symbols) {
  // {"type":"update","tickers":[{...},...]}
  enum : unsigned { kSkip, kTickers };
  static constexpr WireMember kEvent[] = {wire_member(R"({"type":)", kSkip),
                                          wire_member(R"(,"tickers":)", kTickers)};
  bool have_tickers = false;
  return read_members<kEvent>(
             c, [](std::string_view key) { return key_eq(key, "tickers") ? kTickers : kSkip; },
             [&](auto slot) {
               if (slot == kSkip) return raw::skip_string(c) || raw::skip_scalar(c);
               if (have_tickers || !c.eat('[')) return false;
               have_tickers = true;
               if (c.eat(']')) return true;
               do {
                 if (!raw_ticker(c, unknown_symbols)) return false;
               } while (c.eat(','));
               return c.eat(']');
             }) &&
         have_tickers;
}

[[gnu::flatten]] bool CoinbaseCodec::raw_ticker(raw::Cursor& c, std::uint64_t& unknown_symbols) {
  // The members read: product_id, then the quote's four decimals in `values`' order.
  enum : unsigned { kSkip, kProduct, kBid, kBidSize, kAsk, kAskSize };
  static constexpr WireMember kTicker[] = {wire_member(R"({"type":)", kSkip),
                                           wire_member(R"(,"product_id":)", kProduct),
                                           wire_member(R"(,"price":)", kSkip),
                                           wire_member(R"(,"volume_24_h":)", kSkip),
                                           wire_member(R"(,"low_24_h":)", kSkip),
                                           wire_member(R"(,"high_24_h":)", kSkip),
                                           wire_member(R"(,"low_52_w":)", kSkip),
                                           wire_member(R"(,"high_52_w":)", kSkip),
                                           wire_member(R"(,"price_percent_chg_24_h":)", kSkip),
                                           wire_member(R"(,"best_bid":)", kBid),
                                           wire_member(R"(,"best_bid_quantity":)", kBidSize),
                                           wire_member(R"(,"best_ask":)", kAsk),
                                           wire_member(R"(,"best_ask_quantity":)", kAskSize)};
  const auto slot_of = [](std::string_view key) -> unsigned {
    switch (key.size()) {
      case 10:
        return key_eq(key, "product_id") ? kProduct : kSkip;
      case 8:
        return key_eq(key, "best_bid") ? kBid : key_eq(key, "best_ask") ? kAsk : kSkip;
      case 17:
        return key_eq(key, "best_bid_quantity")   ? kBidSize
               : key_eq(key, "best_ask_quantity") ? kAskSize
                                                  : kSkip;
      default:
        return kSkip;
    }
  };
  std::string_view product;
  raw::RawDecimal values[4];
  unsigned seen = 0;  // 1 << slot: each member read once
  const auto on_value = [&](auto slot) __attribute__((always_inline)) {
    if (slot == kSkip) return raw::skip_string(c) || raw::skip_scalar(c);
    if ((seen & (1u << slot)) != 0) return false;
    seen |= 1u << slot;
    return slot == kProduct ? raw::read_string(c, product)
                            : raw::read_long_decimal(c, values[slot - kBid]);
  };
  if (!read_members<kTicker>(c, slot_of, on_value) || (seen & (1u << kProduct)) == 0) return false;
  const Instrument* instrument = symbols_.find(product);
  if (instrument == nullptr) {
    ++unknown_symbols;  // its quote is not read by the general path either
    return true;
  }
  const Quote quote{values[0].value, values[1].value, values[2].value, values[3].value};
  if (seen != 0b111110u || !quote.bid.is_positive() || !quote.ask.is_positive() ||
      quote.bid_size.is_negative() || quote.ask_size.is_negative() || quote.bid >= quote.ask ||
      quotes_.size() >= kPendingReserve)
    return false;  // the general path says which
  quotes_.push_back(PendingQuote{instrument, quote});
  return true;
}

bool CoinbaseCodec::decode_raw(std::string_view padded, Timestamp receive_time,
                               MarketEventSink& sink, DecodeInfo& info) {
  // {"channel":..,"client_id":"","timestamp":..,"sequence_num":N,"events":[...]}
  enum : unsigned { kSkip, kChannel, kTimestamp, kSequence, kEvents };
  static constexpr WireMember kEnvelope[] = {
      wire_member(R"({"channel":)", kChannel), wire_member(R"(,"client_id":)", kSkip),
      wire_member(R"(,"timestamp":)", kTimestamp), wire_member(R"(,"sequence_num":)", kSequence),
      wire_member(R"(,"events":)", kEvents)};
  const auto slot_of = [](std::string_view key) -> unsigned {
    if (key_eq(key, "channel")) return kChannel;
    if (key_eq(key, "timestamp")) return kTimestamp;
    if (key_eq(key, "sequence_num")) return kSequence;
    return key_eq(key, "events") ? kEvents : kSkip;
  };
  raw::Cursor c(padded);
  std::string_view channel;
  std::string_view timestamp_text;
  std::uint64_t sequence = 0;
  bool ticker = false;                // else l2_data
  unsigned seen = 0;                  // 1 << slot: each member once, events after channel
  std::uint64_t unknown_symbols = 0;  // counted once the frame is read
  levels_.clear();
  l2_events_.clear();
  quotes_.clear();
  const auto on_value = [&](auto slot) {
    if (slot == kSkip) return raw::skip_string(c) || raw::skip_scalar(c);
    if ((seen & (1u << slot)) != 0) return false;
    seen |= 1u << slot;
    switch (static_cast<unsigned>(slot)) {
      case kChannel:
        if (!raw::read_string(c, channel)) return false;
        ticker = key_eq(channel, "ticker") || key_eq(channel, "ticker_batch");
        return ticker || key_eq(channel, "l2_data");  // the other channels: the general path
      case kTimestamp:
        return raw::read_string(c, timestamp_text);
      case kSequence:
        return raw::read_uint_swar(c, sequence);
      default:  // kEvents
        if ((seen & (1u << kChannel)) == 0 || !c.eat('[')) return false;
        if (c.eat(']')) return true;
        do {
          if (!(ticker ? raw_ticker_event(c, unknown_symbols)
                       : raw_level2_event(c, unknown_symbols)))
            return false;
        } while (c.eat(','));
        return c.eat(']');
    }
  };
  if (!read_members<kEnvelope>(c, slot_of, on_value) || seen != 0b11110u || !c.at_end())
    return false;
  auto timestamp = Timestamp::parse_iso8601(timestamp_text);
  if (!timestamp.ok()) return false;

  // The frame is read and valid: from here on, what the general path does.
  if (!accept_sequence(sequence, receive_time, sink, info)) return true;  // a duplicate
  stats_.unknown_symbol += unknown_symbols;
  if (ticker) {
    info = emit_quotes(*timestamp, receive_time, sink, info);
    return true;
  }
  for (BookChange& change : levels_) change.sequence = sequence;
  info = apply_level2(*timestamp, receive_time, sink, info);
  return true;
}

Result<DecodeInfo> CoinbaseCodec::decode_heartbeats(od::array events, std::string_view frame,
                                                    DecodeInfo info) {
  const std::string what =
      for_each_object(events, "an event is not an object", [&](od::object& event) {
        std::uint64_t counter = 0;
        std::string what = required(event, "heartbeat_counter", counter);
        if (!what.empty()) return what;
        if (have_heartbeat_ && counter != last_heartbeat_ + 1) ++stats_.heartbeat_gaps;
        have_heartbeat_ = true;
        last_heartbeat_ = counter;
        return what;
      });
  if (!what.empty()) return malformed("heartbeats", what, frame);
  ++stats_.heartbeats;
  info.kind = FrameKind::heartbeat;
  return info;
}

}  // namespace nzeza::venues::coinbase

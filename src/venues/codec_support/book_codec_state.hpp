#pragma once
// The private side of a BookCodec (book_codec.hpp): BookCodecState, the state every
// book-keeping codec's Impl starts from (registry, config, stats, the venue's last refusal, the
// symbol cache, the books), and the definitions of BookCodec's members. Only a venue's codec.cpp
// includes it, then instantiates its BookCodec explicitly. Threading: none; one owner thread.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "venues/codec_support/book_codec.hpp"
#include "venues/codec_support/book_slots.hpp"
#include "venues/codec_support/codec_support.hpp"

namespace nzeza::venues::codec {

// The state shared by the Impls of the book-keeping codecs; `Slot` is the venue's book slot
// (book_slots.hpp). An Impl derives from it and adds its scratch and decode steps; it provides
// `decode(frame, receive_time, sink)` and may hide on_reconnect() to reset more.
template <class Config, class Stats, class Slot>
struct BookCodecState : FrameDecoder {
  using BookSlot = Slot;
  using SymbolEntry = codec::SymbolEntry;
  // A level read from a frame, before it goes to the book (the venues without more to keep).
  struct PendingLevel {
    Side side;
    Decimal price;
    Decimal size;
  };

  // `max_symbols` bounds the symbol cache (symbol_cache_reserve entries reserved up front).
  BookCodecState(Venue v, const InstrumentRegistry& r, const Config& c, std::size_t max_symbols,
                 std::size_t symbol_cache_reserve)
      : FrameDecoder(v), registry(r), config(c), symbols(r, v, max_symbols, symbol_cache_reserve) {
    books.reserve(32);
  }

  const InstrumentRegistry& registry;
  Config config;
  Stats stats;
  std::string last_venue_error;
  SymbolCache symbols;
  std::vector<Slot> books;

  // Marks the slot's book needs_resync; the first time, counts it in stats.resyncs and
  // r.resyncs (and queues its resyncing status: codec::mark_resync).
  template <class Decoded>
  void mark_resync(Slot& slot, Decoded& r) {
    if (!codec::mark_resync(*this, slot)) return;
    ++stats.resyncs;
    ++r.resyncs;
  }

  void on_reconnect() noexcept { clear_books(books); }

  // The common part of decode(), after the venue admitted the frame and called begin_frame:
  // `fast()` reads it on the venue's raw path (true when it did, counted in stats.raw_frames),
  // else `slow()` on the simdjson path, the reference. A frame `slow` refuses is counted in
  // stats.malformed and its events dropped; `refused()` may then queue what must still be said
  // (a book's resync), and the frame's error is returned. Otherwise the events go to the sink.
  template <class Decoded, class Fast, class Slow, class Refused>
  Result<Decoded> read_frame(std::string_view venue_name, std::string_view frame, Decoded& r,
                             MarketEventSink& sink, Fast&& fast, Slow&& slow, Refused&& refused) {
    if (fast()) {
      ++stats.raw_frames;
      return deliver(sink, stats, r);
    }
    if (!slow()) {
      ++stats.malformed;
      pending.clear();
      refused();
      return refuse(venue_name, frame, sink, stats);
    }
    return deliver(sink, stats, r);
  }

  // Counts the frame in stats.frames; one over config.max_frame_bytes is refused unread
  // (stats.oversized), and this returns its error.
  [[nodiscard]] std::optional<Error> oversized(std::string_view venue_name,
                                               std::string_view frame) {
    if (admit(frame, config.max_frame_bytes, stats)) return std::nullopt;
    return oversized_frame(venue_name, config.max_frame_bytes, frame);
  }

  // A frame of a kind the codec does not know: counted in stats.unknown_type, ignored.
  template <class Decoded>
  bool ignore_unknown(Decoded& r) noexcept {
    ++stats.unknown_type;
    r.kind = FrameKind::ignored;
    return true;
  }

  // A book frame of the venue symbol `symbol` could not be read: its book (when it has one,
  // and when it is synced if `only_synced`) is no longer known, and marked needs_resync.
  template <class Decoded>
  void resync_symbol(std::string_view symbol, Decoded& r, bool only_synced) {
    if (symbol.empty()) return;
    SymbolEntry* sym = symbols.resolve(symbol);
    if (sym == nullptr || sym->book < 0) return;
    Slot& slot = books[static_cast<std::size_t>(sym->book)];
    if (!only_synced || slot.book.synced()) mark_resync(slot, r);
  }

  // Calls on_member(key, value) for each member of the (padded) frame's top-level object;
  // false (with fail) when it is not an object or a member cannot be read. Strings read from
  // the values stay valid until the next frame (they live in the parser).
  template <class OnMember>
  bool for_each_top_member(std::string_view frame, OnMember&& on_member) {
    simdjson::ondemand::document doc;
    simdjson::ondemand::object obj;
    return open_object(frame, doc, obj) && for_each_member(obj, "top level", on_member);
  }

  // The instrument `id` names when it is one of this venue's in the registry, for a subscribe
  // message; not_found otherwise.
  [[nodiscard]] Result<const Instrument*> venue_instrument(InstrumentId id) const {
    const Instrument* inst = registry.get(id);
    if (inst == nullptr || inst->venue != venue) {
      return nzeza::fail(ErrorCode::not_found, std::string(to_string(venue)) + ": instrument id " +
                                                   std::to_string(id.value) + " is not a " +
                                                   std::string(to_string(venue)) +
                                                   " instrument of the registry");
    }
    return inst;
  }
};

template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
Result<Codec> BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::create(
    const InstrumentRegistry& registry, Config config) {
  if (auto st = config.validate(); !st.ok()) return std::move(st).error();
  return Codec(std::make_unique<Impl>(registry, config));
}

template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::BookCodec(
    std::unique_ptr<Impl> impl) noexcept
    : impl_(std::move(impl)) {}
template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::BookCodec(BookCodec&&) noexcept = default;
template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>&
BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::operator=(BookCodec&&) noexcept = default;
template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::~BookCodec() = default;

template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
Result<Decoded> BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::decode(
    std::string_view frame, Timestamp receive_time, MarketEventSink& sink) {
  return impl_->decode(frame, receive_time, sink);
}

template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
Result<Decoded> BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::decode_unpadded(
    std::string_view frame, Timestamp receive_time, MarketEventSink& sink) {
  return impl_->decode(padded_copy(impl_->padded, frame, kFramePadding), receive_time, sink);
}

template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
void BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::on_reconnect() noexcept {
  impl_->on_reconnect();
}

template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
const market::OrderBook* BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::book(
    InstrumentId id) const noexcept {
  return find_book(impl_->books, id);
}

template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
std::vector<InstrumentId>
BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::books_needing_resync() const {
  return codec::books_needing_resync(impl_->books);
}

template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
const Stats& BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::stats() const noexcept {
  return impl_->stats;
}

template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
const std::string& BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::last_venue_error()
    const noexcept {
  return impl_->last_venue_error;
}

template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
const Config& BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::config() const noexcept {
  return impl_->config;
}

template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
Result<std::string> BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::subscribe_message(
    Channel channel, InstrumentId id) const requires kPerInstrumentChannels<Channel> {
  // Clang 14 instantiates constrained members in an explicit instantiation whatever their
  // constraint; the discarded branch keeps a venue with its own messages compiling there.
  if constexpr (kPerInstrumentChannels<Channel>) {
    return impl_->sub_message("subscribe", channel, id);
  } else {
    return nzeza::fail(ErrorCode::invalid_argument, "this venue writes its own subscribe messages");
  }
}

template <class Codec, class Impl, class Config, class Stats, class Decoded, class Channel>
Result<std::string> BookCodec<Codec, Impl, Config, Stats, Decoded, Channel>::unsubscribe_message(
    Channel channel, InstrumentId id) const requires kPerInstrumentChannels<Channel> {
  // Clang 14 instantiates constrained members in an explicit instantiation whatever their
  // constraint; the discarded branch keeps a venue with its own messages compiling there.
  if constexpr (kPerInstrumentChannels<Channel>) {
    return impl_->sub_message("unsubscribe", channel, id);
  } else {
    return nzeza::fail(ErrorCode::invalid_argument,
                       "this venue writes its own unsubscribe messages");
  }
}

}  // namespace nzeza::venues::codec

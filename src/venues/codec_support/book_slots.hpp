#pragma once
// The books a venue codec keeps, one slot per instrument: lookup, resync bookkeeping and the
// reset on reconnect, shared by the Kraken, Hyperliquid and dYdX codecs. Header-only templates
// over the codec's own slot type (BookSlot, or a struct deriving from it); only codecs that link
// nzeza_market include it.
// Threading: none; the codec's owner thread.

#include <cstddef>
#include <span>
#include <vector>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "market/order_book.hpp"
#include "venues/codec_support/codec_support.hpp"

namespace nzeza::venues::codec {

// A book and the instrument it is of: the slot of a codec with nothing more to keep per book; a
// venue's slot derives from it to add its own.
struct BookSlot {
  const Instrument* instrument;
  market::OrderBook book;
};

// The book of `id`, null before its first snapshot.
template <class Slot>
[[nodiscard]] const market::OrderBook* find_book(const std::vector<Slot>& slots,
                                                 InstrumentId id) noexcept {
  for (const auto& slot : slots) {
    if (slot.instrument->id == id) return &slot.book;
  }
  return nullptr;
}

// Instruments whose book is marked needs_resync, in slot order.
template <class Slot>
[[nodiscard]] std::vector<InstrumentId> books_needing_resync(const std::vector<Slot>& slots) {
  std::vector<InstrumentId> out;
  for (const auto& slot : slots) {
    if (slot.book.state() == market::BookSyncState::needs_resync)
      out.push_back(slot.instrument->id);
  }
  return out;
}

// A new connection: every book waits for its next snapshot.
template <class Slot>
void clear_books(std::vector<Slot>& slots) noexcept {
  for (auto& slot : slots) slot.book.clear();
}

// Marks the slot's book needs_resync. The first time (it was not resyncing already) it also
// queues a resyncing VenueStatus for the instrument in decoder.pending and returns true, so the
// caller counts the resync; otherwise it returns false.
template <class Slot>
bool mark_resync(FrameDecoder& decoder, Slot& slot) {
  if (slot.book.state() == market::BookSyncState::needs_resync) return false;
  slot.book.mark_needs_resync();
  MarketEvent e = decoder.event_for(*slot.instrument, Timestamp{});
  e.body = VenueStatus{FeedState::resyncing, slot.instrument->status};
  decoder.pending.push_back(e);
  return true;
}

// The slot of `sym`'s book (of `inst`), created by its first snapshot (a book of `max_depth`).
// Null for an
// update (`snapshot` false) to a book that has had no snapshot or is not synced: the caller
// counts it and drops it.
// A slot that exists is found inline; the first snapshot's slot is made out of line.
template <class Slot>
[[gnu::noinline]] Slot* new_book_slot(std::vector<Slot>& slots, SymbolEntry& sym,
                                      const Instrument& inst, std::size_t max_depth) {
  slots.push_back(Slot{BookSlot{&inst, market::OrderBook(max_depth)}});
  sym.book = static_cast<int>(slots.size() - 1);
  return &slots.back();
}
template <class Slot>
[[nodiscard]] [[gnu::always_inline]] inline Slot* book_for(std::vector<Slot>& slots,
                                                           SymbolEntry& sym, const Instrument& inst,
                                                           bool snapshot, std::size_t max_depth) {
  if (sym.book < 0) [[unlikely]] {
    if (!snapshot) return nullptr;
    return new_book_slot(slots, sym, inst, max_depth);
  }
  Slot& slot = slots[static_cast<std::size_t>(sym.book)];
  if (!snapshot && !slot.book.synced()) return nullptr;
  return &slot;
}

// Loads a snapshot into `book` through its sorted bulk load: each level of `levels` (structs
// with side, price > 0 and size >= 0, already checked) whose size is not zero (a size-0 level
// is not a book level) is loaded and queued in decoder.pending as a copy of `tmpl`
// (instrument, times; a BookChange body carrying the sequence), written in place: the first
// says reset, the last says last, and the book is synced at the sequence. Without a level the
// book is cleared (nothing to trust until the next snapshot) and false is returned.
template <class Level>
bool load_snapshot(FrameDecoder& decoder, market::OrderBook& book, std::span<const Level> levels,
                   const MarketEvent& tmpl) {
  const std::size_t first = decoder.pending.size();
  book.begin_snapshot();
  for (const auto& pl : levels) {
    if (pl.size.is_zero()) continue;
    (void)book.load_level(pl.side, pl.price, pl.size);  // checked by the reader
    BookChange& c = *std::get_if<BookChange>(&decoder.pending.emplace_back(tmpl).body);
    c.side = pl.side;
    c.price = pl.price;
    c.size = pl.size;
    c.snapshot = true;
  }
  if (decoder.pending.size() == first) {
    book.clear();
    return false;
  }
  std::get_if<BookChange>(&decoder.pending[first].body)->reset = true;
  std::get_if<BookChange>(&decoder.pending.back().body)->last = true;
  book.end_snapshot(std::get_if<BookChange>(&tmpl.body)->sequence);
  return true;
}

// The events of a snapshot loaded from a market::BookStage (OrderBook::load_staged), read back
// from `book`: the stage took the wire's levels of size > 0 in wire order, so the book's levels,
// side `first` then the other, best first, are the events load_snapshot would have queued.
// `e` (instrument, times; a BookChange body carrying the sequence, snapshot set) is rewritten
// per level and handed to the sink: the first says reset, the last says last. Returns how many.
inline std::size_t emit_staged_snapshot(MarketEventSink& sink, const market::OrderBook& book,
                                        Side first, MarketEvent& e) {
  BookChange& body = *std::get_if<BookChange>(&e.body);
  const std::size_t total = book.bids().size() + book.asks().size();
  std::size_t n = 0;
  for (const Side side : {first, opposite(first)}) {
    body.side = side;
    for (const market::BookLevel& l : book.levels(side)) {
      body.price = l.price;
      body.size = l.size;
      body.reset = n == 0;
      body.last = ++n == total;
      sink.on_event(e);
    }
  }
  return total;
}

}  // namespace nzeza::venues::codec

#pragma once
// The books a venue codec keeps, one slot per instrument: lookup, resync bookkeeping and the
// reset on reconnect, shared by the Kraken, Hyperliquid and dYdX codecs. Header-only templates
// over the codec's own slot type (any struct with `const Instrument* instrument` and
// `market::OrderBook book`); only codecs that link nzeza_market include it.
// Threading: none; the codec's owner thread.

#include <vector>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "market/order_book.hpp"
#include "venues/codec_support/codec_support.hpp"

namespace nzeza::venues::codec {

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

}  // namespace nzeza::venues::codec

#pragma once
// What the venue codec fuzz targets (kraken/, hyperliquid/, dydx/) share: a sink that aborts on
// an event breaking the codec contract (prices > 0, sizes >= 0, bid < ask, instrument set, the
// codec's venue), a registry built once, and the driver that splits the input into frames at
// '\n' (so snapshot -> update sequences are reachable) and checks that no synced book is crossed.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <string_view>
#include <variant>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "core/time.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::fuzz {

class CheckingSink final : public MarketEventSink {
 public:
  explicit CheckingSink(Venue venue) noexcept : venue_(venue) {}

  void on_event(const MarketEvent& e) override {
    if (e.venue != venue_) std::abort();
    if (const auto* q = std::get_if<Quote>(&e.body)) {
      if (!q->bid.is_positive() || !q->ask.is_positive() || q->bid >= q->ask ||
          q->bid_size.is_negative() || q->ask_size.is_negative() || !e.instrument.valid())
        std::abort();
    } else if (const auto* t = std::get_if<Trade>(&e.body)) {
      if (!t->price.is_positive() || !t->size.is_positive() || !e.instrument.valid()) std::abort();
    } else if (const auto* b = std::get_if<BookChange>(&e.body)) {
      if (!b->price.is_positive() || b->size.is_negative() || !e.instrument.valid()) std::abort();
    }
  }

 private:
  Venue venue_;
};

// A registry holding `instruments`; a refused add is ignored (a target's fixed instruments are
// known good, and a missing one only narrows what the fuzzer reaches).
inline InstrumentRegistry registry_of(std::initializer_list<Instrument> instruments) {
  InstrumentRegistry reg;
  for (const Instrument& i : instruments) (void)reg.add(i);
  return reg;
}

// Decodes `data` with a fresh codec of `registry`, frame by frame, then aborts if a synced book
// of `venue` is crossed. Codec: create(registry), decode_unpadded(frame, time, sink), book(id).
template <class Codec>
void run_codec(const InstrumentRegistry& registry, Venue venue, const std::uint8_t* data,
               std::size_t size) {
  auto created = Codec::create(registry);
  if (!created.ok()) std::abort();
  auto& codec = *created;
  CheckingSink sink(venue);
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    const std::string_view frame = rest.substr(0, nl);
    (void)codec.decode_unpadded(frame, Timestamp::from_seconds(1), sink);
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  for (const Instrument* inst : registry.by_venue(venue)) {
    const auto* book = codec.book(inst->id);
    if (book != nullptr && book->synced() && book->crossed()) std::abort();
  }
}

}  // namespace nzeza::fuzz

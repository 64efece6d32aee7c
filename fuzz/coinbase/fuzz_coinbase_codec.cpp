// CoinbaseCodec on arbitrary frames: never crashes, every event it emits is valid (price > 0,
// size >= 0, bid < ask, trade size > 0, instrument set) and a synced book is never crossed. An
// input is a sequence of newline-separated frames on one connection (so the sequence_num rule
// and book states are exercised).
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "core/instrument.hpp"
#include "venues/coinbase/codec.hpp"

namespace {

using namespace nzeza;

struct CheckingSink final : MarketEventSink {
  void on_event(const MarketEvent& event) override {
    if (const auto* q = std::get_if<Quote>(&event.body)) {
      if (!q->bid.is_positive() || !(q->bid < q->ask) || q->bid_size.is_negative() ||
          q->ask_size.is_negative()) {
        std::abort();
      }
    } else if (const auto* t = std::get_if<Trade>(&event.body)) {
      if (!t->price.is_positive() || !t->size.is_positive()) std::abort();
    } else if (const auto* c = std::get_if<BookChange>(&event.body)) {
      if (!c->price.is_positive() || c->size.is_negative()) std::abort();
    }
    if (!event.instrument.valid()) std::abort();
  }
};

struct State {
  InstrumentRegistry registry;
  InstrumentId eth;
  InstrumentId sol;
  State() {
    for (const char* product : {"ETH-USD", "SOL-USD"}) {
      Instrument i;
      i.venue = Venue::coinbase;
      i.canonical = product;
      i.venue_symbol = product;
      i.base = "X";
      i.quote = "USD";
      i.tick_size = Decimal::from_raw8(1);
      i.lot_size = Decimal::from_raw8(1);
      (std::string_view(product) == "ETH-USD" ? eth : sol) = registry.add(i).value();
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static State state;
  venues::coinbase::CoinbaseCodec codec(
      state.registry,
      venues::coinbase::CodecConfig{.max_message_bytes = 1 << 16, .max_levels_per_message = 4096});
  CheckingSink sink;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Timestamp now = Timestamp::from_ms(1'760'000'000'000);
  std::size_t start = 0;
  while (start <= input.size()) {
    const std::size_t end = std::min(input.find('\n', start), input.size());
    (void)codec.decode(input.substr(start, end - start), now, sink);
    start = end + 1;
  }
  for (InstrumentId id : {state.eth, state.sol}) {
    if (const auto* book = codec.book(id); book != nullptr && book->synced() && book->crossed()) {
      std::abort();
    }
  }
  return 0;
}

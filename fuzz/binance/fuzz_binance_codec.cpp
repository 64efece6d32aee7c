// BinanceCodec on arbitrary frames: never crashes, and every event it emits is valid (price > 0,
// size >= 0, bid < ask, trade size > 0) and every synced book stays uncrossed. The first byte
// picks the entry point: a WebSocket frame (most inputs) or a REST depth snapshot body.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "core/instrument.hpp"
#include "venues/binance/codec.hpp"

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

Instrument spot(const char* canonical, const char* symbol, const char* ws) {
  Instrument i;
  i.venue = Venue::binance;
  i.canonical = canonical;
  i.venue_symbol = symbol;
  i.ws_symbol = ws;
  i.base = "X";
  i.quote = "USDT";
  i.tick_size = Decimal::from_raw8(1);
  i.lot_size = Decimal::from_raw8(1);
  return i;
}

struct State {
  InstrumentRegistry registry;
  InstrumentId eth;
  State() {
    eth = registry.add(spot("ETH-USDT", "ETHUSDT", "ethusdt")).value();
    (void)registry.add(spot("SOL-USDT", "SOLUSDT", "solusdt"));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static State state;
  // A codec per input: a book's state must not leak between inputs (reproducibility).
  venues::binance::BinanceCodec codec(state.registry,
                                      venues::binance::CodecConfig{.max_message_bytes = 1 << 16});
  CheckingSink sink;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Timestamp now = Timestamp::from_ms(1'700'000'000'000);
  if (!input.empty() && input.front() == 'S') {
    (void)codec.apply_depth_snapshot(state.eth, input.substr(1), now, sink);
  } else {
    // Several frames separated by newlines: lets the fuzzer build diff/snapshot sequences.
    std::size_t start = 0;
    while (start <= input.size()) {
      const std::size_t end = std::min(input.find('\n', start), input.size());
      const std::string_view frame = input.substr(start, end - start);
      if (!frame.empty() && frame.front() == 'S') {
        (void)codec.apply_depth_snapshot(state.eth, frame.substr(1), now, sink);
      } else {
        (void)codec.decode(frame, now, sink);
      }
      start = end + 1;
    }
  }
  if (const auto* depth = codec.depth(state.eth); depth != nullptr) {
    if (depth->book().synced() && depth->book().crossed()) std::abort();
  }
  return 0;
}

// GenericCodec on arbitrary frames: never crashes, and every price it emits is a valid price
// point (bid == ask > 0, zero sizes, venue time set, instrument set).
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "core/instrument.hpp"
#include "venues/generic/codec.hpp"

namespace {

using namespace nzeza;

struct CheckingSink final : MarketEventSink {
  void on_event(const MarketEvent& event) override {
    const auto* q = std::get_if<Quote>(&event.body);
    if (q == nullptr || !q->bid.is_positive() || q->bid != q->ask || !q->bid_size.is_zero() ||
        !q->ask_size.is_zero() || !event.instrument.valid() || !event.has_venue_time()) {
      std::abort();
    }
  }
};

struct State {
  InstrumentRegistry registry;
  State() {
    for (const char* s : {"BTC-USD", "ETH-USD"}) {
      Instrument i;
      i.venue = Venue::generic;
      i.canonical = s;
      i.venue_symbol = s;
      i.base = "X";
      i.quote = "USD";
      i.tick_size = Decimal::from_raw8(1);
      i.lot_size = Decimal::from_raw8(1);
      (void)registry.add(i);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static State state;
  static venues::generic::GenericCodec codec(
      state.registry, venues::generic::CodecConfig{.max_message_bytes = 1 << 16,
                                                   .max_clock_skew = Duration::zero()});
  CheckingSink sink;
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  (void)codec.decode(frame, Timestamp::from_seconds(1'730'123'456), sink);
  return 0;
}

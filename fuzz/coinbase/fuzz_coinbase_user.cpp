// The user channel's reader (user_message.hpp) on arbitrary messages: never crashes, a failure is
// ErrorCode::protocol, and every order it reads carries its venue order id and the venue's
// product id, with an instrument only when the registry holds that product (never dropped for
// an unknown one). An input is newline-separated messages.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/instrument.hpp"
#include "venues/coinbase/user_message.hpp"

namespace {

using namespace nzeza;

struct State {
  InstrumentRegistry registry;
  State() {
    Instrument i;
    i.venue = Venue::coinbase;
    i.canonical = "BTC-USD";
    i.venue_symbol = "BTC-USD";
    i.base = "BTC";
    i.quote = "USD";
    i.tick_size = Decimal::from_raw8(1);
    i.lot_size = Decimal::from_raw8(1);
    (void)registry.add(i);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static State state;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t start = 0;
  while (start <= input.size()) {
    const std::size_t end = std::min(input.find('\n', start), input.size());
    auto orders =
        venues::coinbase::parse_user_message(input.substr(start, end - start), state.registry);
    if (!orders) {
      if (orders.error().code != ErrorCode::protocol) std::abort();
      (void)orders.error().to_string();
    } else {
      for (const auto& o : *orders) {
        if (o.report.venue_order_id.empty() || o.venue_symbol.empty()) std::abort();
        const Instrument* known = state.registry.find(Venue::coinbase, o.venue_symbol);
        if (o.instrument.valid() != (known != nullptr)) std::abort();
      }
    }
    start = end + 1;
  }
  return 0;
}

// The v4_subaccounts channel reader (parse_subaccounts_message, what SubaccountStream runs on
// every text frame) on arbitrary bytes, split into messages at '\n'. Never crashes; every order
// and fill it delivers has a venue_symbol and a valid instrument only for a market of the
// registry; a fill's quantity is positive; whatever it cannot read is counted, not lost.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/instrument.hpp"
#include "venues/dydx/indexer_json.hpp"

namespace {

using namespace nzeza;
using namespace nzeza::venues::dydx;

const InstrumentRegistry& registry() {
  static const InstrumentRegistry r = [] {
    InstrumentRegistry reg;
    Instrument i;
    i.venue = Venue::dydx;
    i.kind = InstrumentKind::perpetual;
    i.canonical = "BTC-USD";
    i.venue_symbol = "BTC-USD";
    i.base = "BTC";
    i.quote = "USD";
    i.tick_size = Decimal::one();
    i.lot_size = Decimal::from_raw8(10'000);
    i.dydx_clob_pair_id = 0;
    if (!reg.add(i).ok()) std::abort();
    return reg;
  }();
  return r;
}

void check(InstrumentId id, const std::string& venue_symbol) {
  if (venue_symbol.empty()) std::abort();
  if (id.valid() && registry().get(id) == nullptr) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    const std::string_view frame = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    const auto msg = parse_subaccounts_message(frame, registry(), Timestamp::from_ms(0));
    for (const auto& e : msg.events) {
      if (const auto* o = std::get_if<venues::VenueOrder>(&e)) {
        check(o->instrument, o->venue_symbol);
      } else {
        const auto& f = std::get<domain::Fill>(e);
        check(f.instrument, f.venue_symbol);
        if (f.trade_id.empty()) std::abort();
      }
    }
  }
  return 0;
}

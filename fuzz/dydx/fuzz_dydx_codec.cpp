// DydxCodec::decode on arbitrary bytes, split into frames at '\n' so that snapshot → update
// sequences are reachable. Never crashes; every emitted event validates (prices > 0, sizes
// >= 0, bid < ask, instrument set) and a synced book is never crossed.
#include <cstdint>
#include <string>

#include "../common/codec_fuzz.hpp"
#include "core/instrument.hpp"
#include "venues/dydx/codec.hpp"

namespace {

using namespace nzeza;

Instrument pair(const char* ticker, const char* base) {
  Instrument i;
  i.venue = Venue::dydx;
  i.kind = InstrumentKind::perpetual;
  i.canonical = std::string(ticker) + "-PERP";
  i.venue_symbol = ticker;
  i.base = base;
  i.quote = "USD";
  i.tick_size = Decimal::one();
  i.lot_size = Decimal::from_raw8(10'000);
  return i;
}

const InstrumentRegistry& registry() {
  static const InstrumentRegistry r =
      fuzz::registry_of({pair("BTC-USD", "BTC"), pair("ETH-USD", "ETH")});
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::run_codec<venues::dydx::DydxCodec>(registry(), Venue::dydx, data, size);
  return 0;
}

// KrakenCodec::decode on arbitrary bytes, split into frames at '\n' so that snapshot → update
// sequences are reachable. Never crashes; every emitted event validates (prices > 0, sizes
// >= 0, bid < ask, instrument set) and a synced book is never crossed.
#include <cstdint>
#include <string>

#include "../common/codec_fuzz.hpp"
#include "core/instrument.hpp"
#include "venues/kraken/codec.hpp"

namespace {

using namespace nzeza;

Instrument pair(const char* canonical, const char* venue_symbol, const char* ws) {
  Instrument i;
  i.venue = Venue::kraken;
  i.canonical = canonical;
  i.venue_symbol = venue_symbol;
  i.ws_symbol = ws;
  i.base = std::string(canonical).substr(0, 3);
  i.quote = "USD";
  i.tick_size = Decimal::from_raw8(10'000'000);
  i.lot_size = Decimal::from_raw8(1);
  return i;
}

const InstrumentRegistry& registry() {
  static const InstrumentRegistry r = fuzz::registry_of(
      {pair("BTC-USD", "XXBTZUSD", "BTC/USD"), pair("ETH-USD", "XETHZUSD", "ETH/USD")});
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::run_codec<venues::kraken::KrakenCodec>(registry(), Venue::kraken, data, size);
  return 0;
}

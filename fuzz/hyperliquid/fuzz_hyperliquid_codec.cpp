// HyperliquidCodec::decode on arbitrary bytes, split into frames at '\n' so that snapshot
// sequences are reachable. Never crashes; every emitted event validates (prices > 0, sizes
// >= 0, bid < ask, instrument set) and a synced book is never crossed.
#include <cstdint>
#include <string>

#include "../common/codec_fuzz.hpp"
#include "core/instrument.hpp"
#include "venues/hyperliquid/codec.hpp"

namespace {

using namespace nzeza;

Instrument pair(const char* coin, std::uint32_t asset) {
  Instrument i;
  i.venue = Venue::hyperliquid;
  i.kind = InstrumentKind::perpetual;
  i.canonical = std::string(coin) + "-USD-PERP";
  i.venue_symbol = coin;
  i.base = coin;
  i.quote = "USD";
  i.price_rule = PriceRule::hyperliquid_sigfig;
  i.hyperliquid_asset = asset;
  i.hyperliquid_sz_decimals = 3;
  i.tick_size = Decimal::from_raw8(1);
  i.lot_size = Decimal::from_raw8(100'000);
  return i;
}

const InstrumentRegistry& registry() {
  static const InstrumentRegistry r = fuzz::registry_of({pair("BTC", 0), pair("ETH", 1)});
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::run_codec<venues::hyperliquid::HyperliquidCodec>(registry(), Venue::hyperliquid, data,
                                                         size);
  return 0;
}

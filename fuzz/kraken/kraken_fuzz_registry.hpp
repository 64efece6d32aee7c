#pragma once
// The two Kraken pairs every Kraken fuzz target decodes against (BTC/USD and ETH/USD, with the
// REST, v1 and v2 symbols Kraken uses for them), shared so the targets agree on one registry.
#include <string>

#include "../common/codec_fuzz.hpp"
#include "core/instrument.hpp"

namespace nzeza::fuzz::kraken {

inline Instrument pair(const char* canonical, const char* venue_symbol, const char* ws) {
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

inline const InstrumentRegistry& registry() {
  static const InstrumentRegistry r =
      registry_of({pair("BTC-USD", "XXBTZUSD", "BTC/USD"), pair("ETH-USD", "XETHZUSD", "ETH/USD")});
  return r;
}

}  // namespace nzeza::fuzz::kraken

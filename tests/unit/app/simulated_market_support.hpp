#pragma once
// Shared by the SimulatedMarket unit tests: two paper instruments (BTC-USD and ETH-USD, lot
// 0.0001, min size 0.001) and their simulation parameters.
#include "app/simulated_market.hpp"

namespace nzeza::app::test {

inline InstrumentRegistry two_paper_instruments(Decimal eth_tick = "0.01"_d) {
  InstrumentRegistry reg;
  Instrument i;
  i.venue = Venue::paper;
  i.canonical = "BTC-USD";
  i.venue_symbol = "BTC-USD";
  i.base = "BTC";
  i.quote = "USD";
  i.tick_size = "0.01"_d;
  i.lot_size = "0.0001"_d;
  i.min_size = "0.001"_d;
  (void)reg.add(i);
  i.canonical = "ETH-USD";
  i.venue_symbol = "ETH-USD";
  i.base = "ETH";
  i.tick_size = eth_tick;
  (void)reg.add(i);
  return reg;
}

// BTC from 45000 (spread 1 tick), ETH from 3000 (spread 2 ticks), volatility 0.001 per step.
inline std::vector<SimulatedInstrument> two_instruments() {
  return {{InstrumentId{0}, "45000"_d, 0.001, 1}, {InstrumentId{1}, "3000"_d, 0.001, 2}};
}

}  // namespace nzeza::app::test

#pragma once
// Shared by the Hyperliquid codec tests: a registry with two perpetuals and a sink that keeps
// every event.
#include <string>
#include <vector>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::hyperliquid::test {

struct CollectingSink final : MarketEventSink {
  std::vector<MarketEvent> events;
  void on_event(const MarketEvent& e) override { events.push_back(e); }
};

inline Instrument perp(std::string coin, std::uint32_t asset, int sz_decimals) {
  Instrument i;
  i.venue = Venue::hyperliquid;
  i.kind = InstrumentKind::perpetual;
  i.canonical = coin + "-USD-PERP";
  i.venue_symbol = coin;
  i.base = coin;
  i.quote = "USD";
  i.price_rule = PriceRule::hyperliquid_sigfig;
  i.hyperliquid_asset = asset;
  i.hyperliquid_sz_decimals = sz_decimals;
  i.tick_size = Decimal::from_raw8(1);
  i.lot_size = Decimal::from_raw8(100'000);  // 0.001
  return i;
}

struct Registry {
  InstrumentRegistry registry;
  InstrumentId btc;
  InstrumentId dydx;
  Registry() {
    btc = registry.add(perp("BTC", 0, 5)).value();
    dydx = registry.add(perp("DYDX", 11, 1)).value();
  }
};

}  // namespace nzeza::venues::hyperliquid::test

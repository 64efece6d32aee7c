#pragma once
// Shared by the Kraken codec tests: a registry with two Kraken pairs and a sink that keeps
// every event.
#include <string>
#include <string_view>
#include <vector>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::kraken::test {

struct CollectingSink final : MarketEventSink {
  std::vector<MarketEvent> events;
  void on_event(const MarketEvent& e) override { events.push_back(e); }
};

inline Instrument kraken_pair(std::string canonical, std::string venue_symbol,
                              std::string ws_symbol, std::string base, std::string quote) {
  Instrument i;
  i.venue = Venue::kraken;
  i.kind = InstrumentKind::spot;
  i.canonical = std::move(canonical);
  i.venue_symbol = std::move(venue_symbol);
  i.ws_symbol = std::move(ws_symbol);
  i.base = std::move(base);
  i.quote = std::move(quote);
  i.tick_size = Decimal::from_raw8(10'000'000);  // 0.1
  i.lot_size = Decimal::from_raw8(1);            // 0.00000001
  i.min_size = Decimal::from_raw8(10'000);       // 0.0001
  return i;
}

struct Registry {
  InstrumentRegistry registry;
  InstrumentId btc;
  InstrumentId eth;
  Registry() {
    btc = registry.add(kraken_pair("BTC-USD", "XXBTZUSD", "BTC/USD", "BTC", "USD")).value();
    eth = registry.add(kraken_pair("ETH-USD", "XETHZUSD", "ETH/USD", "ETH", "USD")).value();
  }
};

}  // namespace nzeza::venues::kraken::test

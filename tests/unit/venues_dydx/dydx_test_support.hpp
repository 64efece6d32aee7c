#pragma once
// Shared by the dYdX codec tests: a registry with BTC-USD and ETH-USD perpetuals and a sink
// that keeps every event.
#include <string>
#include <vector>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::dydx::test {

struct CollectingSink final : MarketEventSink {
  std::vector<MarketEvent> events;
  void on_event(const MarketEvent& e) override { events.push_back(e); }
  template <typename T>
  std::size_t count() const {
    std::size_t n = 0;
    for (const auto& e : events) n += std::holds_alternative<T>(e.body) ? 1 : 0;
    return n;
  }
};

inline Instrument perp(std::string ticker, std::string base, std::uint32_t clob) {
  Instrument i;
  i.venue = Venue::dydx;
  i.kind = InstrumentKind::perpetual;
  i.canonical = ticker + "-PERP";
  i.venue_symbol = ticker;
  i.base = std::move(base);
  i.quote = "USD";
  i.tick_size = Decimal::one();
  i.lot_size = Decimal::from_raw8(10'000);
  i.dydx_clob_pair_id = clob;
  return i;
}

struct Registry {
  InstrumentRegistry registry;
  InstrumentId btc;
  InstrumentId eth;
  Registry() {
    btc = registry.add(perp("BTC-USD", "BTC", 0)).value();
    eth = registry.add(perp("ETH-USD", "ETH", 1)).value();
  }
};

}  // namespace nzeza::venues::dydx::test

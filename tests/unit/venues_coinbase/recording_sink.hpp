#pragma once
// Test helpers for the Coinbase codec: a registry with two Coinbase products and a sink that
// records every event.

#include <string>
#include <variant>
#include <vector>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::coinbase::test {

inline Instrument coinbase_spot(std::string product, std::string base, std::string quote) {
  Instrument i;
  i.venue = Venue::coinbase;
  i.canonical = product;
  i.venue_symbol = product;
  i.base = std::move(base);
  i.quote = std::move(quote);
  i.tick_size = Decimal::from_raw8(1'000'000);
  i.lot_size = Decimal::from_raw8(1);
  return i;
}

struct TwoProducts {
  InstrumentRegistry registry;
  InstrumentId eth_usd;
  InstrumentId sol_usd;
  TwoProducts() {
    eth_usd = registry.add(coinbase_spot("ETH-USD", "ETH", "USD")).value();
    sol_usd = registry.add(coinbase_spot("SOL-USD", "SOL", "USD")).value();
  }
};

struct RecordingSink final : MarketEventSink {
  std::vector<MarketEvent> events;
  void on_event(const MarketEvent& event) override { events.push_back(event); }

  template <typename T>
  std::vector<T> bodies() const {
    std::vector<T> out;
    for (const auto& e : events) {
      if (const T* b = std::get_if<T>(&e.body)) out.push_back(*b);
    }
    return out;
  }
};

}  // namespace nzeza::venues::coinbase::test

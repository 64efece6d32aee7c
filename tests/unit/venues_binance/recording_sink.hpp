#pragma once
// Test helpers for the Binance codec: a registry with two Binance instruments and a sink that
// records every event.

#include <string>
#include <variant>
#include <vector>

#include "core/instrument.hpp"
#include "core/market_event.hpp"
#include "venues/market_event_sink.hpp"

namespace nzeza::venues::binance::test {

inline Instrument binance_spot(std::string canonical, std::string venue_symbol,
                               std::string ws_symbol, std::string base, std::string quote) {
  Instrument i;
  i.venue = Venue::binance;
  i.canonical = std::move(canonical);
  i.venue_symbol = std::move(venue_symbol);
  i.ws_symbol = std::move(ws_symbol);
  i.base = std::move(base);
  i.quote = std::move(quote);
  i.tick_size = Decimal::from_raw8(1'000'000);  // 0.01
  i.lot_size = Decimal::from_raw8(1'000);       // 0.00001
  return i;
}

struct TwoInstruments {
  InstrumentRegistry registry;
  InstrumentId eth_usdt;
  InstrumentId sol_usdt;
  TwoInstruments() {
    eth_usdt = registry.add(binance_spot("ETH-USDT", "ETHUSDT", "ethusdt", "ETH", "USDT")).value();
    sol_usdt = registry.add(binance_spot("SOL-USDT", "SOLUSDT", "solusdt", "SOL", "USDT")).value();
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

}  // namespace nzeza::venues::binance::test

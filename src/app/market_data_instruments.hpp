#pragma once
// Instruments for market data only (`nzeza feed`, recording): built from a venue symbol as the
// user types it, before (or without) the venue's metadata. Tick and lot are the finest a Decimal
// holds (1e-8) because nothing is priced or sized through them; a trading session replaces them
// with the venue's metadata (VenueClient::load_instruments).
//
//   binance      "BTCUSDT" or "BTC-USDT"  → canonical BTC-USDT, ws symbol btcusdt
//   coinbase     "BTC-USD"                → canonical BTC-USD
//   kraken       "BTC/USD" or "BTC-USD"   → canonical BTC-USD, ws symbol BTC/USD
//   hyperliquid  "BTC"                    → canonical BTC-USD-PERP (perpetual)
//   dydx         "BTC-USD"                → canonical BTC-USD-PERP (perpetual)
//   generic      "BTC-USD"                → canonical BTC-USD

#include <string_view>

#include "core/instrument.hpp"
#include "core/result.hpp"

namespace nzeza::app {

// invalid_argument naming the symbol and the expected form when it cannot be read.
[[nodiscard]] Result<Instrument> market_data_instrument(Venue venue, std::string_view symbol);

}  // namespace nzeza::app

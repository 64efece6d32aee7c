#pragma once
// Shared fixtures for the domain_risk tests: two instruments, a healthy account, a valid buy.

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/time.hpp"
#include "domain/risk_config.hpp"
#include "domain/risk_inputs.hpp"

namespace nzeza::domain::testing {

inline Instrument spot_btc() {
  Instrument i;
  i.venue = Venue::coinbase;
  i.kind = InstrumentKind::spot;
  i.canonical = "BTC-USD";
  i.venue_symbol = "BTC-USD";
  i.base = "BTC";
  i.quote = "USD";
  i.tick_size = "0.01"_d;
  i.lot_size = "0.0001"_d;
  i.min_size = "0.0001"_d;
  i.min_notional = "1"_d;
  return i;
}

inline Instrument perp_eth() {
  Instrument i;
  i.venue = Venue::dydx;
  i.kind = InstrumentKind::perpetual;
  i.canonical = "ETH-USD-PERP";
  i.venue_symbol = "ETH-USD";
  i.base = "ETH";
  i.quote = "USD";
  i.tick_size = "0.1"_d;
  i.lot_size = "0.001"_d;
  i.min_size = "0.001"_d;
  i.max_leverage = 20;
  return i;
}

inline RiskConfig whitelisted_config() {
  RiskConfig c;
  c.whitelist = {"BTC-USD", "ETH-USD-PERP"};
  return c;
}

// Equity 10 000 USD, all of it free, 1 BTC free, nothing open, flat day.
inline RiskContext healthy_context() {
  RiskContext c;
  c.equity = "10000"_d;
  c.available_quote = "10000"_d;
  c.available_base = "1"_d;
  return c;
}

// 0.01 BTC at 50 000 = 500 USD notional, confidence 0.8.
inline RiskRequest buy_btc(const Instrument& btc) {
  RiskRequest r;
  r.instrument = &btc;
  r.side = Side::buy;
  r.quantity = "0.01"_d;
  r.price = "50000"_d;
  r.confidence = 0.8;
  return r;
}

// 2023-11-14T12:00:00Z: mid-day, so ±hours stay in the same UTC day.
inline constexpr Timestamp kNoon = Timestamp::from_seconds(1'699'963'200);

}  // namespace nzeza::domain::testing

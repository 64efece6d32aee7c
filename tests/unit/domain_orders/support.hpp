#pragma once
// Builders shared by the domain_orders tests: one BTC-USD spot and one BTC-USDC perpetual
// instrument, order specs and fills with readable defaults.

#include <string>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "domain/fill.hpp"
#include "domain/order.hpp"

namespace nzeza::domain::test {

inline constexpr InstrumentId kSpotId{1};
inline constexpr InstrumentId kPerpId{2};

inline Instrument spot_btc_usd(Venue venue = Venue::coinbase) {
  Instrument i;
  i.id = kSpotId;
  i.venue = venue;
  i.kind = InstrumentKind::spot;
  i.canonical = "BTC-USD";
  i.venue_symbol = "BTC-USD";
  i.base = "BTC";
  i.quote = "USD";
  i.tick_size = "0.01"_d;
  i.lot_size = "0.00000001"_d;
  return i;
}

inline Instrument perp_btc_usdc(Venue venue = Venue::dydx) {
  Instrument i;
  i.id = kPerpId;
  i.venue = venue;
  i.kind = InstrumentKind::perpetual;
  i.canonical = "BTC-USDC-PERP";
  i.venue_symbol = "BTC-USD";
  i.base = "BTC";
  i.quote = "USDC";
  i.tick_size = "1"_d;
  i.lot_size = "0.0001"_d;
  return i;
}

inline ClientOrderId cid(std::uint64_t seq = 1, Venue venue = Venue::coinbase) {
  return ClientOrderId{venue, seq, "nz-t-" + std::to_string(seq)};
}

inline OrderSpec limit_buy(Decimal qty = "1"_d, Decimal price = "100"_d) {
  OrderSpec s;
  s.client_order_id = cid();
  s.venue = Venue::coinbase;
  s.instrument = kSpotId;
  s.side = Side::buy;
  s.type = OrderType::limit;
  s.quantity = qty;
  s.price = price;
  return s;
}

inline Fill fill(std::string trade_id, Decimal qty, Decimal price = "100"_d, Side side = Side::buy,
                 Decimal fee = "0"_d, std::string fee_ccy = "USD", InstrumentId inst = kSpotId,
                 Venue venue = Venue::coinbase) {
  Fill f;
  f.venue = venue;
  f.instrument = inst;
  f.trade_id = std::move(trade_id);
  f.client_order_id = "nz-t-1";
  f.side = side;
  f.price = price;
  f.quantity = qty;
  f.fee = fee;
  f.fee_currency = std::move(fee_ccy);
  f.time = Timestamp::from_seconds(1'700'000'000);
  return f;
}

inline Order new_order(Decimal qty = "1"_d) {
  return Order::create(limit_buy(qty), Timestamp::from_seconds(1)).value();
}

inline Order submitted_order(Decimal qty = "1"_d) {
  Order o = new_order(qty);
  (void)o.submit(Timestamp::from_seconds(2)).value();
  return o;
}

inline Order acked_order(Decimal qty = "1"_d) {
  Order o = submitted_order(qty);
  (void)o.acknowledge("v-1", Timestamp::from_seconds(3)).value();
  return o;
}

inline VenueOrderReport report(VenueOrderStatus status, Decimal cum, std::string venue_id = "") {
  VenueOrderReport r;
  r.status = status;
  r.cumulative_filled = cum;
  r.venue_order_id = std::move(venue_id);
  r.at = Timestamp::from_seconds(10);
  return r;
}

inline constexpr Timestamp kT = Timestamp::from_seconds(5);

}  // namespace nzeza::domain::test

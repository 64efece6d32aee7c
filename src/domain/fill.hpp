#pragma once
// Fill: one trade of one of our orders, as the venue reported it.
//
// A fill is an increment (this trade's quantity), never a cumulative figure; cumulative
// quantities arrive only in VenueOrderReport (order_event.hpp). The identity of a fill is
// (venue, instrument, venue trade id): venues number trades per market, so the instrument is
// part of the key.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "core/venue.hpp"

namespace nzeza::domain {

enum class Liquidity : std::uint8_t { maker, taker };
[[nodiscard]] std::string_view to_string(Liquidity l) noexcept;

struct Fill {
  Venue venue = Venue::paper;
  InstrumentId instrument;      // invalid when a venue reports a fill on an instrument not loaded
  std::string venue_symbol;     // the venue's own symbol, verbatim (venue clients always set it)
  std::string trade_id;         // the venue's trade id, verbatim
  std::string client_order_id;  // wire text of the order's client id; empty if the venue omits it
  // The venue's id of the order (Binance orderId, Kraken ordertxid, Hyperliquid oid, dYdX
  // orderId...) where the report carries it: a fill without a client id is matched by it.
  std::string venue_order_id;
  Side side = Side::buy;
  Decimal price;             // > 0, in the instrument's quote currency
  Decimal quantity;          // > 0, base units, this trade only
  Decimal fee;               // in fee_currency; negative = rebate
  std::string fee_currency;  // required when fee != 0
  Liquidity liquidity = Liquidity::taker;
  Timestamp time;
};

// Price > 0, quantity > 0, trade id present, fee currency present for a non-zero fee, valid
// instrument. The error names the trade id and the field.
[[nodiscard]] Status validate(const Fill& fill);

// price * quantity in quote units, rounded half to even at 16 decimals. Every place that moves
// cash for a fill uses this one function, so both sides of a trade see the same amount.
[[nodiscard]] Result<Decimal> notional(const Fill& fill) noexcept;

// True when two reports of the same trade agree on every economic field (side, price,
// quantity, fee, fee currency, order id).
[[nodiscard]] bool same_economics(const Fill& a, const Fill& b) noexcept;

struct FillKey {
  Venue venue = Venue::paper;
  InstrumentId instrument;
  std::string trade_id;
  friend bool operator==(const FillKey&, const FillKey&) = default;
};
[[nodiscard]] inline FillKey key_of(const Fill& f) {
  return FillKey{f.venue, f.instrument, f.trade_id};
}

struct FillKeyHash {
  std::size_t operator()(const FillKey& k) const noexcept;
};

}  // namespace nzeza::domain

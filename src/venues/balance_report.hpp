#pragma once
// Balances across venues: reported per venue and per currency. A currency is its exact code:
// USD, USDC and USDT are different currencies and are never summed (a stablecoin can depeg, and
// a venue pays out only what it holds). Clients report canonical codes (Kraken's ZUSD is USD,
// XXBT is BTC), so the same currency on two venues adds up.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/decimal.hpp"
#include "core/result.hpp"
#include "core/venue.hpp"
#include "domain/balance.hpp"

namespace nzeza::venues {

struct VenueBalances {
  Venue venue = Venue::paper;
  std::vector<domain::Balance> balances;  // empty when `error` is set
  std::optional<Error> error;             // the venue's answer failed: its figures are unknown
};

struct CurrencyTotal {
  std::string currency;
  Decimal total;
  Decimal available;
  Decimal locked;
  std::vector<Venue> venues;  // the venues holding some of it, in report order
};

struct BalanceReport {
  std::vector<VenueBalances> per_venue;     // in the order given
  std::vector<CurrencyTotal> per_currency;  // sorted by currency code
  // True when a venue did not answer: per_currency then covers only the venues that did.
  [[nodiscard]] bool complete() const noexcept;
  [[nodiscard]] const CurrencyTotal* currency(std::string_view code) const noexcept;
  [[nodiscard]] const VenueBalances* venue(Venue v) const noexcept;
};

// Sums each currency across venues (exactly, per code); overflow → ErrorCode::overflow.
[[nodiscard]] Result<BalanceReport> build_balance_report(std::vector<VenueBalances> per_venue);

}  // namespace nzeza::venues

#pragma once
// Prices the caller hands to the portfolio for valuation. Nothing is ever converted by a
// guess: USD, USDC and USDT are different currencies, and an amount in one is expressed in
// another only through a price the caller set (even when that price is 1). A missing price is
// an error (not_found), never zero.

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/decimal.hpp"
#include "core/instrument.hpp"
#include "core/result.hpp"

namespace nzeza::domain {

class ConversionPrices {
 public:
  // One unit of `from` is worth `price` units of `to` (price > 0, currencies distinct).
  Status set(const std::string& from, const std::string& to, Decimal price);
  // amount·price(from→to); the same currency converts to itself; a pair set only the other way
  // round is inverted (rounded half-even). Missing → not_found naming both currencies.
  [[nodiscard]] Result<Decimal> convert(Decimal amount, const std::string& from,
                                        const std::string& to) const;
  [[nodiscard]] std::optional<Decimal> price(const std::string& from, const std::string& to) const;

 private:
  std::map<std::pair<std::string, std::string>, Decimal> prices_;
};

// Mark prices per instrument, in the instrument's quote currency.
class MarkPrices {
 public:
  Status set(InstrumentId instrument, Decimal mark);  // mark > 0
  [[nodiscard]] std::optional<Decimal> get(InstrumentId instrument) const;

 private:
  std::map<std::uint32_t, Decimal> marks_;
};

}  // namespace nzeza::domain
